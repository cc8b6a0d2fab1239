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
  const vs = f64x2.splat(sigma);
  for (let j = 0; j < n; j++) {
    const x = out + <usize>j * rowBytes;
    rngFillNormal(st, z, r);
    rngFillNormal(st, x, d);
    // z[m] <- coef[m] z[m]; then x <- sigma x + c_0 u_0 + c_1 u_1 + ... in one
    // pass, added in that order (as scale then one axpy per spike would).
    for (let m = 0; m < r; m++) {
      const zm = z + ((<usize>m) << 3);
      store<f64>(zm, load<f64>(coef + ((<usize>m) << 3)) * load<f64>(zm));
    }
    let i = 0;
    for (; i + 2 <= d; i += 2) {
      const o = (<usize>i) << 3;
      let acc = f64x2.mul(vs, v128.load(x + o));
      for (let m = 0; m < r; m++) {
        const c = f64x2.splat(load<f64>(z + ((<usize>m) << 3)));
        acc = f64x2.add(acc, f64x2.mul(c, v128.load(u + <usize>m * rowBytes + o)));
      }
      v128.store(x + o, acc);
    }
    for (; i < d; i++) {
      const o = (<usize>i) << 3;
      let acc = sigma * load<f64>(x + o);
      for (let m = 0; m < r; m++) {
        acc = acc + load<f64>(z + ((<usize>m) << 3)) * load<f64>(u + <usize>m * rowBytes + o);
      }
      store<f64>(x + o, acc);
    }
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
 * Draw n rows at random (with replacement) from a data matrix data (nData x d)
 * and copy them to out (n x d). Index = floor(u nData) for uniform u.
 */
export function sampleRows(st: usize, data: usize, nData: i32, d: i32, out: usize, n: i32): void {
  const rowBytes = (<usize>d) << 3;
  for (let j = 0; j < n; j++) {
    let idx = <i32>(rngUniform(st) * <f64>nData);
    if (idx >= nData) idx = nData - 1;
    memory.copy(out + <usize>j * rowBytes, data + <usize>idx * rowBytes, rowBytes);
  }
}


