// Test error of a network on a held-out batch.

import { act } from "./activation";
import { dot, gemmNT } from "./blas";

/**
 * f64 slots of scratch that testError needs: k*k (the Gram matrix) + k
 * (fields) + k (the decoder rows against the output bias) + 2 (c . c and the
 * running sum).
 */
export function testErrorWorkSize(k: i32): i32 {
  return k * k + 2 * k + 2;
}

/**
 * First half of a test error taken over row chunks: rows r0 .. r0 + nr - 1
 * of the Gram matrix vscale^2 V V^T (k x k) into work, with an output bias c
 * (c != 0) their vscale V_u . c, and, with the first rows (r0 = 0), c . c
 * and the running sum of squared errors set to 0.
 * work: testErrorWorkSize(k) f64 slots.
 */
export function testErrorBegin(
  v: usize, vscale: f64, c: usize, d: i32, k: i32, r0: i32, nr: i32, work: usize,
): void {
  const rowBytes = (<usize>d) << 3;
  gemmNT(v + <usize>r0 * rowBytes, v, nr, k, d, vscale * vscale, work + ((<usize>(r0 * k)) << 3));
  const vc = work + ((<usize>(k * k + k)) << 3);
  const cc = vc + ((<usize>k) << 3);
  if (c != 0) {
    for (let u = r0; u < r0 + nr; u++) {
      store<f64>(vc + ((<usize>u) << 3), vscale * dot(v + <usize>u * rowBytes, c, d));
    }
  }
  if (r0 == 0) {
    store<f64>(cc, c != 0 ? dot(c, c, d) : 0.0);
    store<f64>(cc, 0.0, 8);
  }
}

/**
 * Second half, for one chunk of n rows x of xs (n x d), once every row of the
 * Gram matrix is in work (testErrorBegin): adds |x - xhat|^2 of each row, in
 * order, to the running sum in work, where
 * xhat = sum_u vscale v_u g((w_u . x + b_u)/sqrt(d)) + c, using
 * |x - xhat|^2 = |x|^2 - 2 x . c + c . c - 2 sum_u g_u (V_u . x - V_u . c)
 *   + sum_{u,a} g_u g_a (V_u . V_a)
 * with V = vscale v (Sanger: v = w, vscale = 1/sqrt(d), linear g; c = 0: no
 * output bias, and the terms with c are left out). Returns the running sum.
 * bias == 0: b is not read.
 */
export function testErrorRows(
  w: usize, v: usize, vscale: f64, b: usize, bias: i32, c: usize, xs: usize, n: i32, d: i32, k: i32,
  actCode: i32, work: usize,
): f64 {
  const rowBytes = (<usize>d) << 3;
  const gram = work;
  const gs = gram + ((<usize>(k * k)) << 3);
  const vc = gs + ((<usize>k) << 3);
  const cc = vc + ((<usize>k) << 3);
  const acc = cc + 8;
  const invSd = 1.0 / Math.sqrt(<f64>d);
  let total = load<f64>(acc);
  for (let j = 0; j < n; j++) {
    const x = xs + <usize>j * rowBytes;
    let e = dot(x, x, d);
    if (c != 0) e = (e - 2.0 * dot(x, c, d)) + load<f64>(cc);
    for (let u = 0; u < k; u++) {
      let pre = dot(w + <usize>u * rowBytes, x, d);
      if (bias != 0) pre += load<f64>(b + ((<usize>u) << 3));
      const g = act(actCode, pre * invSd);
      store<f64>(gs + ((<usize>u) << 3), g);
      const vx = dot(v + <usize>u * rowBytes, x, d);
      if (c != 0) e -= 2.0 * g * (vscale * vx - load<f64>(vc + ((<usize>u) << 3)));
      else e -= 2.0 * g * vscale * vx;
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
 * and testErrorRows over all rows at once (c: output bias, or 0).
 * work: testErrorWorkSize(k) f64 slots.
 */
export function testError(
  w: usize, v: usize, vscale: f64, b: usize, bias: i32, c: usize, xs: usize, n: i32, d: i32, k: i32,
  actCode: i32, work: usize,
): f64 {
  testErrorBegin(v, vscale, c, d, k, 0, k, work);
  const total = testErrorRows(w, v, vscale, b, bias, c, xs, n, d, k, actCode, work);
  return total / (2.0 * <f64>d * <f64>n);
}
