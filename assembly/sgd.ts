// One online SGD step per sample for the rules of THEORY.md section 2.
// Shapes: w, v (k x d, row-major, one row per unit), b (k), x (d).
// Scalings: lambda_k = (w_k . x + b_k)/sqrt(d); encoder step eta/d^2,
// decoder and bias step eta/d, as in the paper.
//
// Every quantity is computed with the same floating-point operations in the
// same order as the plain loops (dot, axpy) would: the passes over the rows
// are only fused, so that x, delta and the rows are read fewer times.

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
  for (let j = 0; j < n; j++) {
    const x = xs + <usize>j * rowBytes;
    if (rule == RULE_SANGER) sangerStep(w, x, d, k, eta, work);
    else sgdStep(w, tied != 0 ? w : v, b, x, d, k, eta, actCode, rule, tied, bias, work);
  }
}

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
function sgdStep(
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
