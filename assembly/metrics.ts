// Test error of a network on a held-out batch.

import { act } from "./activation";
import { dot, gemmNT } from "./blas";

/** f64 slots of scratch that testError needs: k*k + k. */
export function testErrorWorkSize(k: i32): i32 {
  return k * k + k;
}

/**
 * Mean over the n rows x of xs (n x d) of |x - xhat|^2 / (2d), where
 * xhat = sum_u vscale v_u g((w_u . x + b_u)/sqrt(d)). Uses
 * |x - xhat|^2 = |x|^2 - 2 sum_u g_u (V_u . x) + sum_{u,a} g_u g_a (V_u . V_a)
 * with V = vscale v (Sanger: v = w, vscale = 1/sqrt(d), linear g).
 * bias == 0: b is not read. work: testErrorWorkSize(k) f64 slots.
 */
export function testError(
  w: usize, v: usize, vscale: f64, b: usize, bias: i32, xs: usize, n: i32, d: i32, k: i32,
  actCode: i32, work: usize,
): f64 {
  const rowBytes = (<usize>d) << 3;
  const gram = work;
  const gs = gram + ((<usize>(k * k)) << 3);
  gemmNT(v, v, k, k, d, vscale * vscale, gram);
  const invSd = 1.0 / Math.sqrt(<f64>d);
  let total = 0.0;
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
  return total / (2.0 * <f64>d * <f64>n);
}
