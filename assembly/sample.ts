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
