// Test error of a network on a held-out batch.

import { act } from "./activation";
import { dot, gemmNT } from "./blas";

/** f64 slots of scratch that testError needs: k*k (the Gram matrix) + k (fields) + 1 (running sum). */
export function testErrorWorkSize(k: i32): i32 {
  return k * k + k + 1;
}

/**
 * First half of a test error taken over row chunks: rows r0 .. r0 + nr - 1
 * of the Gram matrix vscale^2 V V^T (k x k) into work, and, with the first
 * rows (r0 = 0), the running sum of squared errors (slot k*k + k) set to 0.
 * work: testErrorWorkSize(k) f64 slots.
 */
export function testErrorBegin(
  v: usize, vscale: f64, d: i32, k: i32, r0: i32, nr: i32, work: usize,
): void {
  gemmNT(v + <usize>r0 * ((<usize>d) << 3), v, nr, k, d, vscale * vscale, work + ((<usize>(r0 * k)) << 3));
  if (r0 == 0) store<f64>(work + ((<usize>(k * k + k)) << 3), 0.0);
}

/**
 * Second half, for one chunk of n rows x of xs (n x d), once every row of the
 * Gram matrix is in work (testErrorBegin): adds |x - xhat|^2 of each row, in
 * order, to the running sum in work, where
 * xhat = sum_u vscale v_u g((w_u . x + b_u)/sqrt(d)), using
 * |x - xhat|^2 = |x|^2 - 2 sum_u g_u (V_u . x) + sum_{u,a} g_u g_a (V_u . V_a)
 * with V = vscale v (Sanger: v = w, vscale = 1/sqrt(d), linear g). Returns
 * the running sum. bias == 0: b is not read.
 */
export function testErrorRows(
  w: usize, v: usize, vscale: f64, b: usize, bias: i32, xs: usize, n: i32, d: i32, k: i32,
  actCode: i32, work: usize,
): f64 {
  const rowBytes = (<usize>d) << 3;
  const gram = work;
  const gs = gram + ((<usize>(k * k)) << 3);
  const acc = gs + ((<usize>k) << 3);
  const invSd = 1.0 / Math.sqrt(<f64>d);
  let total = load<f64>(acc);
  for (let j = 0; j < n; j++) {
    const x = xs + <usize>j * rowBytes;
    let e = dot(x, x, d);
    for (let u = 0; u < k; u++) {
      let pre = dot(w + <usize>u * rowBytes, x, d);
      if (bias != 0) pre += load<f64>(b + ((<usize>u) << 3));
      const g = act(actCode, pre * invSd);
      store<f64>(gs + ((<usize>u) << 3), g);
      e -= 2.0 * g * vscale * dot(v + <usize>u * rowBytes, x, d);
    }
    for (let u = 0; u < k; u++) {
      const gu = load<f64>(gs + ((<usize>u) << 3));
      let s = 0.0;
      for (let a = 0; a < k; a++) {
        s += load<f64>(gram + ((<usize>(u * k + a)) << 3)) * load<f64>(gs + ((<usize>a) << 3));
      }
      e += gu * s;
    }
    total += e;
  }
  store<f64>(acc, total);
  return total;
}

/**
 * Mean over the n rows x of xs (n x d) of |x - xhat|^2 / (2d): testErrorBegin
 * and testErrorRows over all rows at once. work: testErrorWorkSize(k) f64 slots.
 */
export function testError(
  w: usize, v: usize, vscale: f64, b: usize, bias: i32, xs: usize, n: i32, d: i32, k: i32,
  actCode: i32, work: usize,
): f64 {
  testErrorBegin(v, vscale, d, k, 0, k, work);
  const total = testErrorRows(w, v, vscale, b, bias, xs, n, d, k, actCode, work);
  return total / (2.0 * <f64>d * <f64>n);
}
