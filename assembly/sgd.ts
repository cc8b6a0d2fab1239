// One online SGD step per sample for the rules of THEORY.md section 2.
// Shapes: w, v (k x d, row-major, one row per unit), b (k), x (d).
// Scalings: lambda_k = (w_k . x + b_k)/sqrt(d); encoder step eta/d^2,
// decoder and bias step eta/d, as in the paper.

import { act, actDeriv } from "./activation";
import { axpy, axpy2, dot, scale } from "./blas";

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
  const encRate = eta / (dd * dd);
  const decRate = eta / dd;
  for (let u = 0; u < k; u++) {
    let pre = dot(w + <usize>u * rowBytes, x, d);
    if (bias != 0) pre += load<f64>(b + ((<usize>u) << 3));
    const lam = pre * invSd;
    store<f64>(gs + ((<usize>u) << 3), act(actCode, lam));
    store<f64>(gps + ((<usize>u) << 3), actDeriv(actCode, lam));
  }
  memory.copy(delta, x, rowBytes);
  if (rule == RULE_VANILLA) {
    for (let u = 0; u < k; u++) axpy(delta, -load<f64>(gs + ((<usize>u) << 3)), v + <usize>u * rowBytes, d);
  }
  for (let u = 0; u < k; u++) {
    const wu = w + <usize>u * rowBytes;
    const vu = v + <usize>u * rowBytes;
    const g = load<f64>(gs + ((<usize>u) << 3));
    const gp = load<f64>(gps + ((<usize>u) << 3));
    // truncated: Delta_u = x - sum_{a <= u} v_a g_a, built up unit by unit
    if (rule == RULE_TRUNCATED) axpy(delta, -g, vu, d);
    const c = dot(vu, delta, d) * invSd;
    const alpha = encRate * gp * c;
    const beta = decRate * g;
    if (tied != 0) {
      axpy2(wu, alpha, x, beta, delta, d);
    } else {
      axpy(wu, alpha, x, d);
      axpy(vu, beta, delta, d);
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
