// One online SGD step per sample for the rules of THEORY.md section 2.
// Shapes: w, v (k x d, row-major, one row per unit), b (k), x (d).
// Scalings: lambda_k = (w_k . x + b_k)/sqrt(d); encoder step eta/d^2,
// decoder and bias step eta/d, as in the paper.
//
// Every number is computed with the same floating-point operations in the same
// order as the plain loops would compute it (dot products with dot's partial
// sums, updates as axpy / axpy2), so the results do not depend on how the
// loops below are fused. For k <= 4 the weight updates of a step are deferred
// and applied in the next step's passes (or at the end of the call): one pass
// over w updates it and computes the next local fields, one pass over v updates
// it and computes the residual and v_u . Delta_u, with the units' partial sums
// in registers. Larger k runs row by row.

import { act, actDeriv } from "./activation";
import { axpy, dot, dotRows, scale } from "./blas";

export const RULE_VANILLA: i32 = 0;
export const RULE_TRUNCATED: i32 = 1;
export const RULE_SANGER: i32 = 2;

/** f64 slots of scratch that sgdSteps needs: d + 3k. */
export function sgdWorkSize(d: i32, k: i32): i32 {
  return d + 3 * k;
}

/**
 * Apply n consecutive SGD steps, one per row of xs (n x d).
 * rule: 0 vanilla, 1 truncated, 2 Sanger (linear, no decoder, no bias: v is
 * ignored). tied != 0: v must equal w and both updates go to w.
 * bias != 0: b enters the local fields and is trained.
 * work: sgdWorkSize(d, k) f64 slots.
 */
export function sgdSteps(
  w: usize, v: usize, b: usize, xs: usize, n: i32, d: i32, k: i32, eta: f64,
  actCode: i32, rule: i32, tied: i32, bias: i32, work: usize,
): void {
  const rowBytes = (<usize>d) << 3;
  if (rule == RULE_SANGER) {
    for (let j = 0; j < n; j++) sangerStep(w, xs + <usize>j * rowBytes, d, k, eta, work);
  } else if (k <= FUSED_MAX_K) {
    const truncated = rule == RULE_TRUNCATED;
    if (tied != 0) {
      if (truncated) fusedSteps(w, w, b, xs, n, d, k, eta, actCode, true, true, bias, work);
      else fusedSteps(w, w, b, xs, n, d, k, eta, actCode, true, false, bias, work);
    } else {
      if (truncated) fusedSteps(w, v, b, xs, n, d, k, eta, actCode, false, true, bias, work);
      else fusedSteps(w, v, b, xs, n, d, k, eta, actCode, false, false, bias, work);
    }
  } else {
    for (let j = 0; j < n; j++) {
      const x = xs + <usize>j * rowBytes;
      sgdStepRowwise(w, tied != 0 ? w : v, b, x, d, k, eta, actCode, rule, tied, bias, work);
    }
  }
}

// --- fused steps, k <= 4 -----------------------------------------------------

const FUSED_MAX_K: i32 = 4;
// Coefficients of the pending (deferred) update, per unit: alpha = (eta/d^2) g' c,
// beta = (eta/d) g, -g; and -g of the current step.
const P_A: usize = memory.data(8 * FUSED_MAX_K, 16);
const P_B: usize = memory.data(8 * FUSED_MAX_K, 16);
const P_NG: usize = memory.data(8 * FUSED_MAX_K, 16);
const C_NG: usize = memory.data(8 * FUSED_MAX_K, 16);

// Per step t (x = x_t; the update of step t-1 is pending, with x_{t-1} = xp):
//   encoder pass: apply the pending update to w, then gs_u = w_u . x;
//   decoder pass (untied: apply the pending update to v first): Delta and
//   cs_u = v_u . Delta_u, with Delta_u = x - sum_{a in A(u)} g_a v_a;
//   then the step's coefficients become the pending update.
// Vanilla keeps Delta in `delta` for its pending update; truncated SGD
// rebuilds Delta_u from xp and the old rows while it applies the update.
// @ts-ignore: decorator
@inline function fusedSteps(
  w: usize, v: usize, b: usize, xs: usize, n: i32, d: i32, k: i32, eta: f64,
  actCode: i32, tied: bool, truncated: bool, bias: i32, work: usize,
): void {
  if (n <= 0) return;
  const rowBytes = (<usize>d) << 3;
  const dd = <f64>d;
  const invSd = 1.0 / Math.sqrt(dd);
  const encRate = eta / (dd * dd);
  const decRate = eta / dd;
  const delta = work;
  const gs = work + rowBytes;
  const gps = gs + ((<usize>k) << 3);
  const cs = gps + ((<usize>k) << 3);
  let xp: usize = 0;
  for (let j = 0; j < n; j++) {
    const x = xs + <usize>j * rowBytes;
    if (j == 0) encoderPass(w, x, xp, delta, d, k, false, tied, truncated, true, gs);
    else encoderPass(w, x, xp, delta, d, k, true, tied, truncated, true, gs);
    for (let u = 0; u < k; u++) {
      const o = (<usize>u) << 3;
      let pre = load<f64>(gs + o);
      if (bias != 0) pre += load<f64>(b + o);
      const lam = pre * invSd;
      const g = act(actCode, lam);
      store<f64>(gs + o, g);
      store<f64>(gps + o, actDeriv(actCode, lam));
      store<f64>(C_NG + o, -g);
    }
    if (j == 0 || tied) decoderPass(v, x, xp, delta, d, k, false, truncated, true, cs);
    else decoderPass(v, x, xp, delta, d, k, true, truncated, true, cs);
    for (let u = 0; u < k; u++) {
      const o = (<usize>u) << 3;
      const g = load<f64>(gs + o);
      const gp = load<f64>(gps + o);
      const c = load<f64>(cs + o) * invSd;
      store<f64>(P_A + o, encRate * gp * c);
      store<f64>(P_B + o, decRate * g);
      store<f64>(P_NG + o, -g);
      if (bias != 0) store<f64>(b + o, load<f64>(b + o) + decRate * gp * c);
    }
    xp = x;
  }
  // Apply the last step's update.
  encoderPass(w, xp, xp, delta, d, k, true, tied, truncated, false, gs);
  if (!tied) decoderPass(v, xp, xp, delta, d, k, true, truncated, false, cs);
}

// pending: first w_u += alpha_u xp (untied), or w_u += alpha_u xp + beta_u Delta_u
// (tied; Delta_u from `delta` or, truncated, rebuilt from xp and the old rows).
// dots: then out[u] = w_u . x, summed as dot sums.
// @ts-ignore: decorator
@inline function encoderPass(
  w0: usize, x: usize, xp: usize, delta: usize, d: i32, k: i32,
  pending: bool, tied: bool, truncated: bool, dots: bool, out: usize,
): void {
  const rowBytes = (<usize>d) << 3;
  const w1 = w0 + 1 * rowBytes;
  const w2 = w0 + 2 * rowBytes;
  const w3 = w0 + 3 * rowBytes;
  const zero = f64x2.splat(0.0);
  let s00 = zero;
  let s01 = zero;
  let s10 = zero;
  let s11 = zero;
  let s20 = zero;
  let s21 = zero;
  let s30 = zero;
  let s31 = zero;
  let i = 0;
  for (; i + 4 <= d; i += 4) {
    const o = (<usize>i) << 3;
    let x0 = zero;
    let x1 = zero;
    if (dots) {
      x0 = v128.load(x + o);
      x1 = v128.load(x + o, 16);
    }
    let p0 = zero;
    let p1 = zero;
    let q0 = zero;
    let q1 = zero;
    if (pending) {
      p0 = v128.load(xp + o);
      p1 = v128.load(xp + o, 16);
      if (tied) {
        if (truncated) {
          q0 = p0;
          q1 = p1;
        } else {
          q0 = v128.load(delta + o);
          q1 = v128.load(delta + o, 16);
        }
      }
    }
      {
        let e0 = v128.load(w0 + o);
        let e1 = v128.load(w0 + o, 16);
        if (pending) {
          if (tied) {
            if (truncated) {
              const ng = v128.load64_splat(P_NG);
              q0 = f64x2.add(q0, f64x2.mul(ng, e0));
              q1 = f64x2.add(q1, f64x2.mul(ng, e1));
            }
            const a = v128.load64_splat(P_A);
            const bb = v128.load64_splat(P_B);
            e0 = f64x2.add(e0, f64x2.add(f64x2.mul(a, p0), f64x2.mul(bb, q0)));
            e1 = f64x2.add(e1, f64x2.add(f64x2.mul(a, p1), f64x2.mul(bb, q1)));
          } else {
            const a = v128.load64_splat(P_A);
            e0 = f64x2.add(e0, f64x2.mul(a, p0));
            e1 = f64x2.add(e1, f64x2.mul(a, p1));
          }
          v128.store(w0 + o, e0);
          v128.store(w0 + o, e1, 16);
        }
        if (dots) {
          s00 = f64x2.add(s00, f64x2.mul(e0, x0));
          s01 = f64x2.add(s01, f64x2.mul(e1, x1));
        }
      }
      if (k > 1) {
        let e0 = v128.load(w1 + o);
        let e1 = v128.load(w1 + o, 16);
        if (pending) {
          if (tied) {
            if (truncated) {
              const ng = v128.load64_splat(P_NG, 8);
              q0 = f64x2.add(q0, f64x2.mul(ng, e0));
              q1 = f64x2.add(q1, f64x2.mul(ng, e1));
            }
            const a = v128.load64_splat(P_A, 8);
            const bb = v128.load64_splat(P_B, 8);
            e0 = f64x2.add(e0, f64x2.add(f64x2.mul(a, p0), f64x2.mul(bb, q0)));
            e1 = f64x2.add(e1, f64x2.add(f64x2.mul(a, p1), f64x2.mul(bb, q1)));
          } else {
            const a = v128.load64_splat(P_A, 8);
            e0 = f64x2.add(e0, f64x2.mul(a, p0));
            e1 = f64x2.add(e1, f64x2.mul(a, p1));
          }
          v128.store(w1 + o, e0);
          v128.store(w1 + o, e1, 16);
        }
        if (dots) {
          s10 = f64x2.add(s10, f64x2.mul(e0, x0));
          s11 = f64x2.add(s11, f64x2.mul(e1, x1));
        }
      }
      if (k > 2) {
        let e0 = v128.load(w2 + o);
        let e1 = v128.load(w2 + o, 16);
        if (pending) {
          if (tied) {
            if (truncated) {
              const ng = v128.load64_splat(P_NG, 16);
              q0 = f64x2.add(q0, f64x2.mul(ng, e0));
              q1 = f64x2.add(q1, f64x2.mul(ng, e1));
            }
            const a = v128.load64_splat(P_A, 16);
            const bb = v128.load64_splat(P_B, 16);
            e0 = f64x2.add(e0, f64x2.add(f64x2.mul(a, p0), f64x2.mul(bb, q0)));
            e1 = f64x2.add(e1, f64x2.add(f64x2.mul(a, p1), f64x2.mul(bb, q1)));
          } else {
            const a = v128.load64_splat(P_A, 16);
            e0 = f64x2.add(e0, f64x2.mul(a, p0));
            e1 = f64x2.add(e1, f64x2.mul(a, p1));
          }
          v128.store(w2 + o, e0);
          v128.store(w2 + o, e1, 16);
        }
        if (dots) {
          s20 = f64x2.add(s20, f64x2.mul(e0, x0));
          s21 = f64x2.add(s21, f64x2.mul(e1, x1));
        }
      }
      if (k > 3) {
        let e0 = v128.load(w3 + o);
        let e1 = v128.load(w3 + o, 16);
        if (pending) {
          if (tied) {
            if (truncated) {
              const ng = v128.load64_splat(P_NG, 24);
              q0 = f64x2.add(q0, f64x2.mul(ng, e0));
              q1 = f64x2.add(q1, f64x2.mul(ng, e1));
            }
            const a = v128.load64_splat(P_A, 24);
            const bb = v128.load64_splat(P_B, 24);
            e0 = f64x2.add(e0, f64x2.add(f64x2.mul(a, p0), f64x2.mul(bb, q0)));
            e1 = f64x2.add(e1, f64x2.add(f64x2.mul(a, p1), f64x2.mul(bb, q1)));
          } else {
            const a = v128.load64_splat(P_A, 24);
            e0 = f64x2.add(e0, f64x2.mul(a, p0));
            e1 = f64x2.add(e1, f64x2.mul(a, p1));
          }
          v128.store(w3 + o, e0);
          v128.store(w3 + o, e1, 16);
        }
        if (dots) {
          s30 = f64x2.add(s30, f64x2.mul(e0, x0));
          s31 = f64x2.add(s31, f64x2.mul(e1, x1));
        }
      }
  }
  if (dots) {
    {
      const s = f64x2.add(s00, s01);
      store<f64>(out, f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1));
    }
    if (k > 1) {
      const s = f64x2.add(s10, s11);
      store<f64>(out, f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1), 8);
    }
    if (k > 2) {
      const s = f64x2.add(s20, s21);
      store<f64>(out, f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1), 16);
    }
    if (k > 3) {
      const s = f64x2.add(s30, s31);
      store<f64>(out, f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1), 24);
    }
  }
  for (; i < d; i++) {
    const o = (<usize>i) << 3;
    const xi = dots ? load<f64>(x + o) : 0.0;
    const pi = pending ? load<f64>(xp + o) : 0.0;
    let qi = pending && tied ? (truncated ? pi : load<f64>(delta + o)) : 0.0;
    for (let u = 0; u < k; u++) {
      const wu = w0 + <usize>u * rowBytes + o;
      const uo = (<usize>u) << 3;
      let wi = load<f64>(wu);
      if (pending) {
        if (tied) {
          if (truncated) qi = qi + load<f64>(P_NG + uo) * wi;
          wi = wi + (load<f64>(P_A + uo) * pi + load<f64>(P_B + uo) * qi);
        } else {
          wi = wi + load<f64>(P_A + uo) * pi;
        }
        store<f64>(wu, wi);
      }
      if (dots) store<f64>(out + uo, load<f64>(out + uo) + wi * xi);
    }
  }
}

// pending (untied only): first v_u += beta_u Delta_u of the pending step
// (from `delta`, or, truncated, rebuilt from xp and the old rows).
// residual: then Delta_u = x - sum_{a in A(u)} g_a v_a with the current -g_a in
// C_NG, and out[u] = v_u . Delta_u; vanilla stores Delta in `delta`.
// @ts-ignore: decorator
@inline function decoderPass(
  v0: usize, x: usize, xp: usize, delta: usize, d: i32, k: i32,
  pending: bool, truncated: bool, residual: bool, out: usize,
): void {
  const rowBytes = (<usize>d) << 3;
  const v1 = v0 + 1 * rowBytes;
  const v2 = v0 + 2 * rowBytes;
  const v3 = v0 + 3 * rowBytes;
  const zero = f64x2.splat(0.0);
  let s00 = zero;
  let s01 = zero;
  let s10 = zero;
  let s11 = zero;
  let s20 = zero;
  let s21 = zero;
  let s30 = zero;
  let s31 = zero;
  let i = 0;
  for (; i + 4 <= d; i += 4) {
    const o = (<usize>i) << 3;
    let r0 = zero;
    let r1 = zero;
    if (residual) {
      r0 = v128.load(x + o);
      r1 = v128.load(x + o, 16);
    }
    let q0 = zero;
    let q1 = zero;
    if (pending) {
      if (truncated) {
        q0 = v128.load(xp + o);
        q1 = v128.load(xp + o, 16);
      } else {
        q0 = v128.load(delta + o);
        q1 = v128.load(delta + o, 16);
      }
    }
      let c00 = zero;
      let c01 = zero;
      let c10 = zero;
      let c11 = zero;
      let c20 = zero;
      let c21 = zero;
      let c30 = zero;
      let c31 = zero;
      {
        c00 = v128.load(v0 + o);
        c01 = v128.load(v0 + o, 16);
        if (pending) {
          if (truncated) {
            const ng = v128.load64_splat(P_NG);
            q0 = f64x2.add(q0, f64x2.mul(ng, c00));
            q1 = f64x2.add(q1, f64x2.mul(ng, c01));
          }
          const bb = v128.load64_splat(P_B);
          c00 = f64x2.add(c00, f64x2.mul(bb, q0));
          c01 = f64x2.add(c01, f64x2.mul(bb, q1));
          v128.store(v0 + o, c00);
          v128.store(v0 + o, c01, 16);
        }
        if (residual) {
          const ng = v128.load64_splat(C_NG);
          r0 = f64x2.add(r0, f64x2.mul(ng, c00));
          r1 = f64x2.add(r1, f64x2.mul(ng, c01));
          if (truncated) {
            s00 = f64x2.add(s00, f64x2.mul(c00, r0));
            s01 = f64x2.add(s01, f64x2.mul(c01, r1));
          }
        }
      }
      if (k > 1) {
        c10 = v128.load(v1 + o);
        c11 = v128.load(v1 + o, 16);
        if (pending) {
          if (truncated) {
            const ng = v128.load64_splat(P_NG, 8);
            q0 = f64x2.add(q0, f64x2.mul(ng, c10));
            q1 = f64x2.add(q1, f64x2.mul(ng, c11));
          }
          const bb = v128.load64_splat(P_B, 8);
          c10 = f64x2.add(c10, f64x2.mul(bb, q0));
          c11 = f64x2.add(c11, f64x2.mul(bb, q1));
          v128.store(v1 + o, c10);
          v128.store(v1 + o, c11, 16);
        }
        if (residual) {
          const ng = v128.load64_splat(C_NG, 8);
          r0 = f64x2.add(r0, f64x2.mul(ng, c10));
          r1 = f64x2.add(r1, f64x2.mul(ng, c11));
          if (truncated) {
            s10 = f64x2.add(s10, f64x2.mul(c10, r0));
            s11 = f64x2.add(s11, f64x2.mul(c11, r1));
          }
        }
      }
      if (k > 2) {
        c20 = v128.load(v2 + o);
        c21 = v128.load(v2 + o, 16);
        if (pending) {
          if (truncated) {
            const ng = v128.load64_splat(P_NG, 16);
            q0 = f64x2.add(q0, f64x2.mul(ng, c20));
            q1 = f64x2.add(q1, f64x2.mul(ng, c21));
          }
          const bb = v128.load64_splat(P_B, 16);
          c20 = f64x2.add(c20, f64x2.mul(bb, q0));
          c21 = f64x2.add(c21, f64x2.mul(bb, q1));
          v128.store(v2 + o, c20);
          v128.store(v2 + o, c21, 16);
        }
        if (residual) {
          const ng = v128.load64_splat(C_NG, 16);
          r0 = f64x2.add(r0, f64x2.mul(ng, c20));
          r1 = f64x2.add(r1, f64x2.mul(ng, c21));
          if (truncated) {
            s20 = f64x2.add(s20, f64x2.mul(c20, r0));
            s21 = f64x2.add(s21, f64x2.mul(c21, r1));
          }
        }
      }
      if (k > 3) {
        c30 = v128.load(v3 + o);
        c31 = v128.load(v3 + o, 16);
        if (pending) {
          if (truncated) {
            const ng = v128.load64_splat(P_NG, 24);
            q0 = f64x2.add(q0, f64x2.mul(ng, c30));
            q1 = f64x2.add(q1, f64x2.mul(ng, c31));
          }
          const bb = v128.load64_splat(P_B, 24);
          c30 = f64x2.add(c30, f64x2.mul(bb, q0));
          c31 = f64x2.add(c31, f64x2.mul(bb, q1));
          v128.store(v3 + o, c30);
          v128.store(v3 + o, c31, 16);
        }
        if (residual) {
          const ng = v128.load64_splat(C_NG, 24);
          r0 = f64x2.add(r0, f64x2.mul(ng, c30));
          r1 = f64x2.add(r1, f64x2.mul(ng, c31));
          if (truncated) {
            s30 = f64x2.add(s30, f64x2.mul(c30, r0));
            s31 = f64x2.add(s31, f64x2.mul(c31, r1));
          }
        }
      }
    if (residual && !truncated) {
      v128.store(delta + o, r0);
      v128.store(delta + o, r1, 16);
        s00 = f64x2.add(s00, f64x2.mul(c00, r0));
        s01 = f64x2.add(s01, f64x2.mul(c01, r1));
        s10 = f64x2.add(s10, f64x2.mul(c10, r0));
        s11 = f64x2.add(s11, f64x2.mul(c11, r1));
        s20 = f64x2.add(s20, f64x2.mul(c20, r0));
        s21 = f64x2.add(s21, f64x2.mul(c21, r1));
        s30 = f64x2.add(s30, f64x2.mul(c30, r0));
        s31 = f64x2.add(s31, f64x2.mul(c31, r1));
    }
  }
  if (residual) {
    {
      const s = f64x2.add(s00, s01);
      store<f64>(out, f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1));
    }
    if (k > 1) {
      const s = f64x2.add(s10, s11);
      store<f64>(out, f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1), 8);
    }
    if (k > 2) {
      const s = f64x2.add(s20, s21);
      store<f64>(out, f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1), 16);
    }
    if (k > 3) {
      const s = f64x2.add(s30, s31);
      store<f64>(out, f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1), 24);
    }
  }
  for (; i < d; i++) {
    const o = (<usize>i) << 3;
    let ri = residual ? load<f64>(x + o) : 0.0;
    let qi = pending ? load<f64>((truncated ? xp : delta) + o) : 0.0;
    for (let u = 0; u < k; u++) {
      const vu = v0 + <usize>u * rowBytes + o;
      const uo = (<usize>u) << 3;
      let vi = load<f64>(vu);
      if (pending) {
        if (truncated) qi = qi + load<f64>(P_NG + uo) * vi;
        vi = vi + load<f64>(P_B + uo) * qi;
        store<f64>(vu, vi);
      }
      if (residual) {
        ri = ri + load<f64>(C_NG + uo) * vi;
        if (truncated) store<f64>(out + uo, load<f64>(out + uo) + vi * ri);
      }
    }
    if (residual && !truncated) {
      store<f64>(delta + o, ri);
      for (let u = 0; u < k; u++) {
        const uo = (<usize>u) << 3;
        store<f64>(out + uo, load<f64>(out + uo) + load<f64>(v0 + <usize>u * rowBytes + o) * ri);
      }
    }
  }
}

// --- row by row, any k ---------------------------------------------------------

// delta = x - sum_u g_u v_u, accumulated unit by unit as axpy(delta, -g_u, v_u) would.
function residual(delta: usize, x: usize, v: usize, gs: usize, k: i32, d: i32): void {
  const rowBytes = (<usize>d) << 3;
  let i = 0;
  for (; i + 2 <= d; i += 2) {
    const o = (<usize>i) << 3;
    let r = v128.load(x + o);
    for (let u = 0; u < k; u++) {
      const ng = f64x2.splat(-load<f64>(gs + ((<usize>u) << 3)));
      r = f64x2.add(r, f64x2.mul(ng, v128.load(v + <usize>u * rowBytes + o)));
    }
    v128.store(delta + o, r);
  }
  for (; i < d; i++) {
    const o = (<usize>i) << 3;
    let r = load<f64>(x + o);
    for (let u = 0; u < k; u++) {
      r = r + -load<f64>(gs + ((<usize>u) << 3)) * load<f64>(v + <usize>u * rowBytes + o);
    }
    store<f64>(delta + o, r);
  }
}

// delta += -g vu, then return vu . delta (the new delta), in one pass.
function peelDot(delta: usize, g: f64, vu: usize, d: i32): f64 {
  const ng = f64x2.splat(-g);
  let s0 = f64x2.splat(0.0);
  let s1 = f64x2.splat(0.0);
  let i = 0;
  for (; i + 4 <= d; i += 4) {
    const o = (<usize>i) << 3;
    const v0 = v128.load(vu + o);
    const v1 = v128.load(vu + o, 16);
    const d0 = f64x2.add(v128.load(delta + o), f64x2.mul(ng, v0));
    const d1 = f64x2.add(v128.load(delta + o, 16), f64x2.mul(ng, v1));
    v128.store(delta + o, d0);
    v128.store(delta + o, d1, 16);
    s0 = f64x2.add(s0, f64x2.mul(v0, d0));
    s1 = f64x2.add(s1, f64x2.mul(v1, d1));
  }
  s0 = f64x2.add(s0, s1);
  let r = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  const mg = -g;
  for (; i < d; i++) {
    const o = (<usize>i) << 3;
    const vi = load<f64>(vu + o);
    const di = load<f64>(delta + o) + mg * vi;
    store<f64>(delta + o, di);
    r += vi * di;
  }
  return r;
}

// Untied: wu += alpha x and vu += beta delta. Tied (wu == vu): wu += alpha x + beta delta.
// peel: first delta += -g vu (truncated SGD), with the old vu. Inlined, so
// that the four call sites get branch-free loops.
// @ts-ignore: decorator
@inline function update(
  wu: usize, vu: usize, x: usize, delta: usize, alpha: f64, beta: f64, g: f64, d: i32,
  tied: bool, peel: bool,
): void {
  const va = f64x2.splat(alpha);
  const vb = f64x2.splat(beta);
  const ng = f64x2.splat(-g);
  let i = 0;
  for (; i + 2 <= d; i += 2) {
    const o = (<usize>i) << 3;
    const xv = v128.load(x + o);
    const vv = v128.load(vu + o);
    let dv = v128.load(delta + o);
    if (peel) {
      dv = f64x2.add(dv, f64x2.mul(ng, vv));
      v128.store(delta + o, dv);
    }
    if (tied) {
      v128.store(wu + o, f64x2.add(vv, f64x2.add(f64x2.mul(va, xv), f64x2.mul(vb, dv))));
    } else {
      v128.store(wu + o, f64x2.add(v128.load(wu + o), f64x2.mul(va, xv)));
      v128.store(vu + o, f64x2.add(vv, f64x2.mul(vb, dv)));
    }
  }
  const mg = -g;
  for (; i < d; i++) {
    const o = (<usize>i) << 3;
    const xi = load<f64>(x + o);
    const vi = load<f64>(vu + o);
    let di = load<f64>(delta + o);
    if (peel) {
      di = di + mg * vi;
      store<f64>(delta + o, di);
    }
    if (tied) {
      store<f64>(wu + o, vi + (alpha * xi + beta * di));
    } else {
      store<f64>(wu + o, load<f64>(wu + o) + alpha * xi);
      store<f64>(vu + o, vi + beta * di);
    }
  }
}

// Per unit u (with Delta_u = x - sum_{a in A(u)} v_a g_a from the old weights):
//   c_u = (v_u . Delta_u)/sqrt(d), w_u += (eta/d^2) g'_u c_u x,
//   v_u += (eta/d) g_u Delta_u, b_u += (eta/d) g'_u c_u.
// Every c_u uses only old weights, so all are computed before any update.
function sgdStepRowwise(
  w: usize, v: usize, b: usize, x: usize, d: i32, k: i32, eta: f64,
  actCode: i32, rule: i32, tied: i32, bias: i32, work: usize,
): void {
  const rowBytes = (<usize>d) << 3;
  const dd = <f64>d;
  const invSd = 1.0 / Math.sqrt(dd);
  const delta = work;
  const gs = work + rowBytes;
  const gps = gs + ((<usize>k) << 3);
  const cs = gps + ((<usize>k) << 3);
  const encRate = eta / (dd * dd);
  const decRate = eta / dd;
  const truncated = rule == RULE_TRUNCATED;
  dotRows(w, k, x, d, gs);
  for (let u = 0; u < k; u++) {
    const gu = gs + ((<usize>u) << 3);
    let pre = load<f64>(gu);
    if (bias != 0) pre += load<f64>(b + ((<usize>u) << 3));
    const lam = pre * invSd;
    store<f64>(gu, act(actCode, lam));
    store<f64>(gps + ((<usize>u) << 3), actDeriv(actCode, lam));
  }
  if (truncated) {
    memory.copy(delta, x, rowBytes);
    for (let u = 0; u < k; u++) {
      const g = load<f64>(gs + ((<usize>u) << 3));
      store<f64>(cs + ((<usize>u) << 3), peelDot(delta, g, v + <usize>u * rowBytes, d));
    }
    memory.copy(delta, x, rowBytes);
  } else {
    residual(delta, x, v, gs, k, d);
    dotRows(v, k, delta, d, cs);
  }
  for (let u = 0; u < k; u++) {
    const g = load<f64>(gs + ((<usize>u) << 3));
    const gp = load<f64>(gps + ((<usize>u) << 3));
    const c = load<f64>(cs + ((<usize>u) << 3)) * invSd;
    const alpha = encRate * gp * c;
    const beta = decRate * g;
    const wu = w + <usize>u * rowBytes;
    const vu = v + <usize>u * rowBytes;
    if (tied != 0) {
      if (truncated) update(wu, vu, x, delta, alpha, beta, g, d, true, true);
      else update(wu, vu, x, delta, alpha, beta, g, d, true, false);
    } else {
      if (truncated) update(wu, vu, x, delta, alpha, beta, g, d, false, true);
      else update(wu, vu, x, delta, alpha, beta, g, d, false, false);
    }
    if (bias != 0) {
      const bp = b + ((<usize>u) << 3);
      store<f64>(bp, load<f64>(bp) + decRate * gp * c);
    }
  }
}

// Sanger's rule in the scalings of THEORY.md: y = W x / sqrt(d),
// W <- W + (eta/d) (y x^T / sqrt(d) - lowertriangular(y y^T) W / d).
// Rows are updated from the last to the first, so every row still reads the
// old values of the rows above it.
function sangerStep(w: usize, x: usize, d: i32, k: i32, eta: f64, work: usize): void {
  const rowBytes = (<usize>d) << 3;
  const dd = <f64>d;
  const sd = Math.sqrt(dd);
  const ys = work;
  for (let u = 0; u < k; u++) store<f64>(ys + ((<usize>u) << 3), dot(w + <usize>u * rowBytes, x, d) / sd);
  const hebb = eta / (dd * sd);
  const decay = eta / (dd * dd);
  for (let u = k - 1; u >= 0; u--) {
    const wu = w + <usize>u * rowBytes;
    const yu = load<f64>(ys + ((<usize>u) << 3));
    scale(wu, 1.0 - decay * yu * yu, wu, d);
    axpy(wu, hebb * yu, x, d);
    for (let a = 0; a < u; a++) {
      axpy(wu, -decay * yu * load<f64>(ys + ((<usize>a) << 3)), w + <usize>a * rowBytes, d);
    }
  }
}
