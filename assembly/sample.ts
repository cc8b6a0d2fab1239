// Samplers for Gaussian inputs. Each writes n samples of dimension d, row-major,
// into out (n x d). Draw order per sample: the latent coefficients first, then
// the d noise deviates; this order is part of the reproducibility contract.

import { axpy, dot, scale } from "./blas";
import { rngFillNormal, rngUniform } from "./rng";

/**
 * Spiked covariance model: x = sum_m coef[m] z_m u_m + sigma xi, with
 * z ~ N(0, I_r), xi ~ N(0, I_d). u (r x d) holds the spike directions (norm
 * sqrt(d) each, not necessarily orthogonal); coef and sigma already include the
 * global normalisation. Cost O(r d) per sample.
 */
export function sampleSpiked(
  st: usize, u: usize, coef: usize, r: i32, sigma: f64, d: i32, out: usize, n: i32, z: usize,
): void {
  const rowBytes = (<usize>d) << 3;
  for (let j = 0; j < n; j++) {
    const x = out + <usize>j * rowBytes;
    rngFillNormal(st, z, r);
    rngFillNormal(st, x, d);
    // x <- sigma x + c_0 u_0 + c_1 u_1 + ..., c_m = coef[m] z[m], added in that
    // order (as scale and then one axpy per spike would), up to 3 spikes per pass.
    let m = 0;
    let first = true;
    do {
      const cnt = r - m < 3 ? r - m : 3;
      const c0 = cnt > 0 ? load<f64>(coef + ((<usize>m) << 3)) * load<f64>(z + ((<usize>m) << 3)) : 0.0;
      const c1 = cnt > 1 ? load<f64>(coef + ((<usize>m) << 3), 8) * load<f64>(z + ((<usize>m) << 3), 8) : 0.0;
      const c2 = cnt > 2 ? load<f64>(coef + ((<usize>m) << 3), 16) * load<f64>(z + ((<usize>m) << 3), 16) : 0.0;
      const um = u + <usize>m * rowBytes;
      if (first) {
        if (cnt == 3) spikePass(x, d, rowBytes, um, 3, c0, c1, c2, true, sigma);
        else if (cnt == 2) spikePass(x, d, rowBytes, um, 2, c0, c1, c2, true, sigma);
        else if (cnt == 1) spikePass(x, d, rowBytes, um, 1, c0, c1, c2, true, sigma);
        else spikePass(x, d, rowBytes, um, 0, c0, c1, c2, true, sigma);
      } else {
        if (cnt == 3) spikePass(x, d, rowBytes, um, 3, c0, c1, c2, false, sigma);
        else if (cnt == 2) spikePass(x, d, rowBytes, um, 2, c0, c1, c2, false, sigma);
        else spikePass(x, d, rowBytes, um, 1, c0, c1, c2, false, sigma);
      }
      first = false;
      m += cnt;
    } while (m < r);
  }
}

// x <- (scaled ? sigma x : x) + c0 u_0 + c1 u_1 + c2 u_2 (the first cnt terms, in
// that order), u_i rows of stride rowBytes from u. Inlined with constant cnt, scaled.
// @ts-ignore: decorator
@inline function spikePass(
  x: usize, d: i32, rowBytes: usize, u: usize, cnt: i32, c0: f64, c1: f64, c2: f64,
  scaled: bool, sigma: f64,
): void {
  const vs = f64x2.splat(sigma);
  const v0 = f64x2.splat(c0);
  const v1 = f64x2.splat(c1);
  const v2 = f64x2.splat(c2);
  const u1 = u + rowBytes;
  const u2 = u1 + rowBytes;
  let i = 0;
  for (; i + 2 <= d; i += 2) {
    const o = (<usize>i) << 3;
    let acc = v128.load(x + o);
    if (scaled) acc = f64x2.mul(vs, acc);
    if (cnt > 0) acc = f64x2.add(acc, f64x2.mul(v0, v128.load(u + o)));
    if (cnt > 1) acc = f64x2.add(acc, f64x2.mul(v1, v128.load(u1 + o)));
    if (cnt > 2) acc = f64x2.add(acc, f64x2.mul(v2, v128.load(u2 + o)));
    v128.store(x + o, acc);
  }
  for (; i < d; i++) {
    const o = (<usize>i) << 3;
    let acc = load<f64>(x + o);
    if (scaled) acc = sigma * acc;
    if (cnt > 0) acc = acc + c0 * load<f64>(u + o);
    if (cnt > 1) acc = acc + c1 * load<f64>(u1 + o);
    if (cnt > 2) acc = acc + c2 * load<f64>(u2 + o);
    store<f64>(x + o, acc);
  }
}

/**
 * Gaussian inputs with covariance sum_m rho_m e_m e_m^T + bulk (I - sum_m e_m e_m^T),
 * given orthonormal e (r x d) and sqrtRho[m] = sqrt(rho_m), sqrtBulk = sqrt(bulk):
 * x = sum_m (sqrtRho_m z_m - sqrtBulk (e_m . xi)) e_m + sqrtBulk xi.
 * With sqrtBulk == 0 (a full spectrum, r == d) no noise deviates are drawn.
 * Cost O(r d) per sample.
 */
export function sampleEigen(
  st: usize, e: usize, sqrtRho: usize, r: i32, sqrtBulk: f64, d: i32, out: usize, n: i32, z: usize,
): void {
  const rowBytes = (<usize>d) << 3;
  for (let j = 0; j < n; j++) {
    const x = out + <usize>j * rowBytes;
    rngFillNormal(st, z, r);
    if (sqrtBulk != 0.0) {
      rngFillNormal(st, x, d);
      for (let m = 0; m < r; m++) {
        const em = e + <usize>m * rowBytes;
        const zm = z + ((<usize>m) << 3);
        store<f64>(zm, load<f64>(sqrtRho + ((<usize>m) << 3)) * load<f64>(zm) - sqrtBulk * dot(em, x, d));
      }
      scale(x, sqrtBulk, x, d);
    } else {
      memory.fill(x, 0, rowBytes);
      for (let m = 0; m < r; m++) {
        const zm = z + ((<usize>m) << 3);
        store<f64>(zm, load<f64>(sqrtRho + ((<usize>m) << 3)) * load<f64>(zm));
      }
    }
    for (let m = 0; m < r; m++) {
      axpy(x, load<f64>(z + ((<usize>m) << 3)), e + <usize>m * rowBytes, d);
    }
  }
}

/**
 * Draw n rows at random (with replacement, index floor(u nData)) from a
 * compact data matrix (nData x d, f32 when u8 == 0, bytes when u8 != 0) and
 * write them preprocessed to out (n x d, f64): x' = (x - mean) * scale,
 * minus pixelMean[i] when pixelMean != 0.
 */
export function sampleRowsCompact(
  st: usize, data: usize, u8: i32, nData: i32, d: i32, mean: f64, scale: f64, pixelMean: usize,
  out: usize, n: i32,
): void {
  const rowBytes = (<usize>d) << 3;
  for (let j = 0; j < n; j++) {
    let idx = <i32>(rngUniform(st) * <f64>nData);
    if (idx >= nData) idx = nData - 1;
    const o = out + <usize>j * rowBytes;
    if (u8 != 0) {
      const src = data + <usize>idx * <usize>d;
      for (let i = 0; i < d; i++) store<f64>(o + ((<usize>i) << 3), (<f64>load<u8>(src + <usize>i) - mean) * scale);
    } else {
      const src = data + ((<usize>idx * <usize>d) << 2);
      for (let i = 0; i < d; i++) store<f64>(o + ((<usize>i) << 3), (<f64>load<f32>(src + ((<usize>i) << 2)) - mean) * scale);
    }
    if (pixelMean != 0) axpy(o, -1.0, pixelMean, d);
  }
}

/**
 * sampleEigen for a full spectrum (sqrtBulk = 0), blocked over up to 32
 * samples so that each eigenvector is read once per block: the same draws in
 * the same order and the same sums in the same order, hence the same bits as
 * sampleEigen, several times faster when e (r x d) does not fit in cache.
 * z: 32 r f64 slots.
 */
export function sampleEigenFull(
  st: usize, e: usize, sqrtRho: usize, r: i32, d: i32, out: usize, n: i32, z: usize,
): void {
  const rowBytes = (<usize>d) << 3;
  const zRow = (<usize>r) << 3;
  for (let j0 = 0; j0 < n; j0 += 32) {
    const nb = min(32, n - j0);
    const x0 = out + <usize>j0 * rowBytes;
    for (let j = 0; j < nb; j++) {
      const zj = z + <usize>j * zRow;
      rngFillNormal(st, zj, r);
      for (let m = 0; m < r; m++) {
        const zm = zj + ((<usize>m) << 3);
        store<f64>(zm, load<f64>(sqrtRho + ((<usize>m) << 3)) * load<f64>(zm));
      }
    }
    memory.fill(x0, 0, <usize>nb * rowBytes);
    for (let m = 0; m < r; m++) {
      const em = e + <usize>m * rowBytes;
      for (let j = 0; j < nb; j++) {
        axpy(x0 + <usize>j * rowBytes, load<f64>(z + <usize>j * zRow + ((<usize>m) << 3)), em, d);
      }
    }
  }
}

// --- sampler descriptors ----------------------------------------------------------

// A sampler descriptor (SAMPLER_BYTES at smp) holds one sampler's inputs, so
// that one call (sampleFrom, sgdTrain) draws from any of them:
//   i32 kind @0 | i32 r (rows: nData) @4 | i32 d @8 | i32 u8 @12 |
//   usize p0 @16 (u, e, data) | usize p1 @20 (coef, sqrtRho, pixelMean) |
//   usize z @24 (latent scratch) | usize block @28 (eigen without a bulk: 32 samples
//   of scratch for sgdTrain) | f64 f0 @32 (sigma, sqrtBulk, mean) | f64 f1 @40 (scale)

/** Bytes of a sampler descriptor. */
export const SAMPLER_BYTES: i32 = 48;

/** Descriptor kinds: the spiked model, Gaussian inputs with a bulk, without one, data rows. */
export const SMP_SPIKED: i32 = 1;
export const SMP_EIGEN: i32 = 2;
export const SMP_EIGEN_FULL: i32 = 3;
export const SMP_ROWS: i32 = 4;

/** Set descriptor smp to the spiked model of sampleSpiked (z: r f64 slots of scratch). */
export function samplerSpiked(smp: usize, u: usize, coef: usize, r: i32, sigma: f64, d: i32, z: usize): void {
  store<i32>(smp, SMP_SPIKED);
  store<i32>(smp, r, 4);
  store<i32>(smp, d, 8);
  store<usize>(smp, u, 16);
  store<usize>(smp, coef, 20);
  store<usize>(smp, z, 24);
  store<usize>(smp, 0, 28);
  store<f64>(smp, sigma, 32);
}

/**
 * Set descriptor smp to the Gaussian inputs of sampleEigen (sqrtBulk = 0:
 * sampleEigenFull, whose z needs 32 r f64 slots; else r slots). block: 32 d
 * f64 slots where sgdTrain draws 32 samples at a time when sqrtBulk = 0 (each
 * eigenvector read once per 32 samples), or 0 (one at a time).
 */
export function samplerEigen(
  smp: usize, e: usize, sqrtRho: usize, r: i32, sqrtBulk: f64, d: i32, z: usize, block: usize,
): void {
  store<i32>(smp, sqrtBulk == 0.0 ? SMP_EIGEN_FULL : SMP_EIGEN);
  store<i32>(smp, r, 4);
  store<i32>(smp, d, 8);
  store<usize>(smp, e, 16);
  store<usize>(smp, sqrtRho, 20);
  store<usize>(smp, z, 24);
  store<usize>(smp, sqrtBulk == 0.0 ? block : 0, 28);
  store<f64>(smp, sqrtBulk, 32);
}

/** Set descriptor smp to the rows of a data matrix, as sampleRowsCompact draws them. */
export function samplerRows(
  smp: usize, data: usize, u8: i32, nData: i32, d: i32, mean: f64, scale: f64, pixelMean: usize,
): void {
  store<i32>(smp, SMP_ROWS);
  store<i32>(smp, nData, 4);
  store<i32>(smp, d, 8);
  store<i32>(smp, u8, 12);
  store<usize>(smp, data, 16);
  store<usize>(smp, pixelMean, 20);
  store<usize>(smp, 0, 24);
  store<usize>(smp, 0, 28);
  store<f64>(smp, mean, 32);
  store<f64>(smp, scale, 40);
}

/** Draw n samples (n x d) from descriptor smp with generator st into out. */
export function sampleFrom(smp: usize, st: usize, out: usize, n: i32): void {
  const kind = load<i32>(smp);
  const r = load<i32>(smp, 4);
  const d = load<i32>(smp, 8);
  const p0 = load<usize>(smp, 16);
  const p1 = load<usize>(smp, 20);
  const z = load<usize>(smp, 24);
  const f0 = load<f64>(smp, 32);
  if (kind == SMP_SPIKED) sampleSpiked(st, p0, p1, r, f0, d, out, n, z);
  else if (kind == SMP_EIGEN) sampleEigen(st, p0, p1, r, f0, d, out, n, z);
  else if (kind == SMP_EIGEN_FULL) sampleEigenFull(st, p0, p1, r, d, out, n, z);
  else sampleRowsCompact(st, p0, load<i32>(smp, 12), r, d, f0, load<f64>(smp, 40), p1, out, n);
}
