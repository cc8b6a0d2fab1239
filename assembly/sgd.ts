// Online SGD, one step per sample, for the rules of THEORY.md section 2 with
// the output bias of section 1b: on given samples (sgdSteps, sgdStepsC) or on
// samples drawn in the same call (sgdTrain).
// Shapes: w, v (k x d, row-major, one row per unit), b (k), c (d), x (d).
// Scalings: lambda_u = (w_u . x + b_u)/sqrt(d); encoder step eta/d^2,
// decoder, bias and output-bias steps eta/d, as in the paper.
//
// Output bias (c != 0): xhat = sum_u g_u v_u + c, so every residual includes -c:
//   vanilla:   Delta   = x - c - sum_a g_a v_a (every unit);
//   truncated: Delta_u = x - c - sum_{a <= u} g_a v_a (unit u's reconstruction
//              uses c too);
//   both:      c <- c + (eta/d) Delta_k, the full residual (unit k's, the last).
//
// Arithmetic contract. Every number is computed with the same floating-point
// operations in the same order as the plain loops of tests/kernels/reference.ts:
// dot products as `dot` sums them (two f64x2 partial sums over i mod 4,
// combined (s0 + s2) + (s1 + s3), then the tail in order); the residual as
// delta = x - c, then delta += (-g_a) v_a unit by unit; w += alpha x (untied)
// or w += (alpha x + beta Delta) (tied); v += beta Delta; c += (eta/d) Delta;
// b += (eta/d) g' c_u, with alpha = (eta/d^2) g' c_u, beta = (eta/d) g,
// c_u = (v_u . Delta_u)/sqrt(d). So no result depends on how the loops below
// are fused, blocked or tiled, nor on how the steps are split into calls.
//
// The near-copies below (one run function per rule and tying, one pass per
// variant, four units unrolled into named registers s00..s31) are on purpose:
// each variant compiles to a loop free of tests of the flags, and four units'
// partial sums stay in registers; tests/kernels/reference.ts holds the plain
// loops they are checked against.
//
// Loop structure. The updates of a step are deferred and applied in the next
// step's passes (or at the end of the call), so that each step makes two passes:
//   encoder pass: apply the pending update to w, then s_u = w_u . x;
//   decoder pass: (untied) apply the pending update to v, then the residual
//   and s_u = v_u . Delta_u, then c_{t+1} = c_t + (eta/d) Delta.
// Units go in register blocks of 4 (their partial sums in registers); with
// more than one block the positions are cut into tiles (their rows of w or v
// stay in L1 between the blocks of a tile), and what runs across units — the
// residual being built, the pending residual being rebuilt — is kept per
// position in a buffer between blocks. Vanilla SGD keeps Delta for its pending
// update; truncated SGD rebuilds Delta_u from the previous x, the previous c
// and the old rows while it applies the update, so it keeps c_t and c_{t+1}
// in two buffers (c and the work's spare row, swapped every step; c holds the
// result at the end of the call).
//
// Sampling (sgdTrain) runs before each step's encoder pass, in its own loops
// (assembly/sample.ts), into a row that stays in L1. Generating the normals
// inside the encoder pass, four per chunk of positions, was measured slower
// (-8% at D = 1024, K = 4: the generator's integer work and the pass's
// partial sums compete for registers in one loop), and forming x = sigma xi
// + sum_m c_m u_m there gained nothing measurable; neither is done.

import { act, actDeriv } from "./activation";
import { axpy, axpy2, dot, scale } from "./blas";
import { sampleFrom } from "./sample";

export const RULE_VANILLA: i32 = 0;
export const RULE_TRUNCATED: i32 = 1;
export const RULE_SANGER: i32 = 2;
export const RULE_OJA: i32 = 3;

// --- work layout ----------------------------------------------------------------

// A row of d values padded to an even length (16-byte alignment of every row).
// @ts-ignore: decorator
@inline function rowSlots(d: i32): i32 {
  return (d + 1) & ~1;
}

/**
 * f64 slots of scratch that sgdSteps, sgdStepsC and sgdTrain need:
 * 6 rows of d (padded to even) + 11 k.
 */
export function sgdWorkSize(d: i32, k: i32): i32 {
  return 6 * rowSlots(d) + 11 * k;
}

// Offsets into work: rows DELTA (vanilla: the residual of the pending step,
// then of this one), QBUF and RBUF (the pending and the current residual
// between blocks), CALT (the spare output-bias row), XBUF (two samples:
// sgdTrain's current and previous one); then per unit ACC (two f64x2
// partial sums), and GS, GPS, NG (g, g', -g of this step), PA, PB, PNG
// (alpha, beta, -g of the pending step), SD (finished dot products).
class Work {
  delta: usize;
  qbuf: usize;
  rbuf: usize;
  calt: usize;
  xbuf: usize;
  acc: usize;
  gs: usize;
  gps: usize;
  ng: usize;
  pa: usize;
  pb: usize;
  png: usize;
  sd: usize;
}

// One static layout record (no allocation: the module runs without a GC).
const WORK = changetype<Work>(memory.data(offsetof<Work>(), 8));

// @ts-ignore: decorator
@inline function layout(work: usize, d: i32, k: i32): Work {
  const rb = (<usize>rowSlots(d)) << 3;
  const kb = (<usize>k) << 3;
  const L = WORK;
  L.delta = work;
  L.qbuf = work + rb;
  L.rbuf = work + 2 * rb;
  L.calt = work + 3 * rb;
  L.xbuf = work + 4 * rb;
  L.acc = work + 6 * rb;
  L.gs = L.acc + 4 * kb;
  L.gps = L.gs + kb;
  L.ng = L.gps + kb;
  L.pa = L.ng + kb;
  L.pb = L.pa + kb;
  L.png = L.pb + kb;
  L.sd = L.png + kb;
  return L;
}

// Positions per tile: all of them for one block of units; else about 32 KB
// of rows per tile (4096 values; at least 64 positions), a multiple of 4
// (2048 and 4096 measured alike at D = 1024, K = 8..32; 1024 slower).
const TILE_VALUES: i32 = 4096;

// @ts-ignore: decorator
@inline function tileOf(d4: i32, k: i32): i32 {
  if (k <= 4) return max(d4, 4);
  return max(64, (TILE_VALUES / k) & ~3);
}

// --- exported steps ---------------------------------------------------------------

/**
 * Apply n consecutive SGD steps, one per row of xs (n x d), without output bias.
 * rule: 0 vanilla, 1 truncated, 2 Sanger, 3 Oja (the Hebbian rules: linear,
 * no decoder, no bias: v is ignored). tied != 0: v must equal w and both updates go to w.
 * bias != 0: b enters the local fields and is trained.
 * work: sgdWorkSize(d, k) f64 slots.
 */
export function sgdSteps(
  w: usize, v: usize, b: usize, xs: usize, n: i32, d: i32, k: i32, eta: f64,
  actCode: i32, rule: i32, tied: i32, bias: i32, work: usize,
): void {
  sgdDispatch(0, 0, xs, w, v, b, 0, n, d, k, eta, actCode, rule, tied, bias, work);
}

/**
 * sgdSteps with an output bias: c (d values) is trained and enters every
 * residual (THEORY.md 1b; c = 0: none, as sgdSteps). The Hebbian rules ignore c.
 */
export function sgdStepsC(
  w: usize, v: usize, b: usize, c: usize, xs: usize, n: i32, d: i32, k: i32, eta: f64,
  actCode: i32, rule: i32, tied: i32, bias: i32, work: usize,
): void {
  sgdDispatch(0, 0, xs, w, v, b, c, n, d, k, eta, actCode, rule, tied, bias, work);
}

/**
 * n SGD steps on n fresh samples from sampler `smp` (a descriptor set by
 * samplerSpiked / samplerEigen / samplerRows) and generator `st`: the same
 * samples, in the same order, as sampleFrom(smp, st, xs, n), and the same
 * bits as sgdStepsC on them; the samples are not kept. c: output bias or 0.
 */
export function sgdTrain(
  smp: usize, st: usize, w: usize, v: usize, b: usize, c: usize, n: i32, d: i32, k: i32,
  eta: f64, actCode: i32, rule: i32, tied: i32, bias: i32, work: usize,
): void {
  sgdDispatch(smp, st, 0, w, v, b, c, n, d, k, eta, actCode, rule, tied, bias, work);
}

/**
 * The training protocols of THEORY.md section 7 on n steps: step j uses the
 * learning rate etas[j] (a schedule), and, when decay != 0, after each step
 * every weight vector of unit u (its row of w, and of v when v != w) is
 * multiplied by 1 - etas[j] decay[u] / d (decoupled weight decay). Samples
 * come from sampler smp with state st (smp != 0) or from the rows of xs; the
 * same samples and, step by step, the same bits as one-step calls of sgdTrain
 * or sgdStepsC at etas[j] each followed by the row scaling.
 */
export function sgdTrainProtocol(
  smp: usize, st: usize, xs: usize, w: usize, v: usize, b: usize, c: usize, n: i32, d: i32,
  k: i32, etas: usize, decay: usize, actCode: i32, rule: i32, tied: i32, bias: i32, work: usize,
): void {
  const rowBytes = (<usize>d) << 3;
  const dd = <f64>d;
  for (let j = 0; j < n; j++) {
    const eta = load<f64>(etas + ((<usize>j) << 3));
    const xj = smp != 0 ? 0 : xs + <usize>j * rowBytes;
    sgdDispatch(smp, st, xj, w, v, b, c, 1, d, k, eta, actCode, rule, tied, bias, work);
    if (decay == 0) continue;
    for (let u = 0; u < k; u++) {
      const f = 1.0 - eta * load<f64>(decay + ((<usize>u) << 3)) / dd;
      const wu = w + <usize>u * rowBytes;
      scale(wu, f, wu, d);
      if (v != w) {
        const vu = v + <usize>u * rowBytes;
        scale(vu, f, vu, d);
      }
    }
  }
}

function sgdDispatch(
  smp: usize, st: usize, xs: usize, w: usize, v: usize, b: usize, c: usize, n: i32, d: i32,
  k: i32, eta: f64, actCode: i32, rule: i32, tied: i32, bias: i32, work: usize,
): void {
  if (n <= 0) return;
  if (rule == RULE_SANGER || rule == RULE_OJA) {
    const rowBytes = (<usize>d) << 3;
    const x = layout(work, d, k).xbuf;
    for (let j = 0; j < n; j++) {
      let xj = xs + <usize>j * rowBytes;
      if (smp != 0) {
        sampleFrom(smp, st, x, 1);
        xj = x;
      }
      if (rule == RULE_OJA) ojaStep(w, xj, d, k, eta, work);
      else sangerStep(w, xj, d, k, eta, work);
    }
  } else if (smp != 0) {
    // (two call sites per run function, training and given samples, keep
    // each run function apart: wasm-opt inlines a function with one caller)
    if (tied != 0) {
      if (rule == RULE_TRUNCATED) runTiedTruncated(smp, st, 0, w, b, c, n, d, k, eta, actCode, bias, work);
      else runTiedVanilla(smp, st, 0, w, b, c, n, d, k, eta, actCode, bias, work);
    } else {
      if (rule == RULE_TRUNCATED) runTruncated(smp, st, 0, w, v, b, c, n, d, k, eta, actCode, bias, work);
      else runVanilla(smp, st, 0, w, v, b, c, n, d, k, eta, actCode, bias, work);
    }
  } else {
    if (tied != 0) {
      if (rule == RULE_TRUNCATED) runTiedTruncated(0, 0, xs, w, b, c, n, d, k, eta, actCode, bias, work);
      else runTiedVanilla(0, 0, xs, w, b, c, n, d, k, eta, actCode, bias, work);
    } else {
      if (rule == RULE_TRUNCATED) runTruncated(0, 0, xs, w, v, b, c, n, d, k, eta, actCode, bias, work);
      else runVanilla(0, 0, xs, w, v, b, c, n, d, k, eta, actCode, bias, work);
    }
  }
}

// One function per rule and tying, and one per variant of each pass below
// (the flags fixed, their loops free of tests of them): each is compiled on
// its own and only when used (V8 compiles a hot wasm function to optimised
// code in the background; until then it runs baseline code, several times
// slower, so one huge function would run slowly for a long while).

function runVanilla(
  smp: usize, st: usize, xs: usize, w: usize, v: usize, b: usize, c: usize, n: i32, d: i32,
  k: i32, eta: f64, actCode: i32, bias: i32, work: usize,
): void {
  sgdRun(smp, st, xs, w, v, b, c, n, d, k, eta, actCode, bias, work, false, false);
}

function runTruncated(
  smp: usize, st: usize, xs: usize, w: usize, v: usize, b: usize, c: usize, n: i32, d: i32,
  k: i32, eta: f64, actCode: i32, bias: i32, work: usize,
): void {
  sgdRun(smp, st, xs, w, v, b, c, n, d, k, eta, actCode, bias, work, false, true);
}

function runTiedVanilla(
  smp: usize, st: usize, xs: usize, w: usize, b: usize, c: usize, n: i32, d: i32,
  k: i32, eta: f64, actCode: i32, bias: i32, work: usize,
): void {
  sgdRun(smp, st, xs, w, w, b, c, n, d, k, eta, actCode, bias, work, true, false);
}

function runTiedTruncated(
  smp: usize, st: usize, xs: usize, w: usize, b: usize, c: usize, n: i32, d: i32,
  k: i32, eta: f64, actCode: i32, bias: i32, work: usize,
): void {
  sgdRun(smp, st, xs, w, w, b, c, n, d, k, eta, actCode, bias, work, true, true);
}

// Encoder passes: fields only (the first step of a call: nothing pending),
// then per tying and rule, pending + fields, and pending only (the end of a
// call). Untied encoders do not depend on the rule.
function encFirst(w: usize, x: usize, d: i32, k: i32): void {
  encPass(w, x, 0, d, k, WORK, false, false, false, true, 0);
}
function encUntied(w: usize, x: usize, xp: usize, d: i32, k: i32): void {
  encPass(w, x, xp, d, k, WORK, false, false, true, true, 0);
}
function encUntiedEnd(w: usize, xp: usize, d: i32, k: i32): void {
  encPass(w, xp, xp, d, k, WORK, false, false, true, false, 0);
}
function encTiedV(w: usize, x: usize, xp: usize, d: i32, k: i32): void {
  encPass(w, x, xp, d, k, WORK, true, false, true, true, 0);
}
function encTiedVEnd(w: usize, xp: usize, d: i32, k: i32): void {
  encPass(w, xp, xp, d, k, WORK, true, false, true, false, 0);
}
function encTiedT(w: usize, x: usize, xp: usize, d: i32, k: i32, cPrev: usize): void {
  encPass(w, x, xp, d, k, WORK, true, true, true, true, cPrev);
}
function encTiedTEnd(w: usize, xp: usize, d: i32, k: i32, cPrev: usize): void {
  encPass(w, xp, xp, d, k, WORK, true, true, true, false, cPrev);
}

// Decoder passes per rule: residual only (the first step of a call, and every
// step of a tied network), pending + residual, pending only.
function decVFirst(v: usize, x: usize, d: i32, k: i32, cCur: usize, decRate: f64): void {
  decPass(v, x, 0, d, k, WORK, false, false, true, 0, cCur, cCur, decRate);
}
function decV(v: usize, x: usize, d: i32, k: i32, cCur: usize, decRate: f64): void {
  decPass(v, x, 0, d, k, WORK, false, true, true, 0, cCur, cCur, decRate);
}
function decVEnd(v: usize, d: i32, k: i32): void {
  decPass(v, 0, 0, d, k, WORK, false, true, false, 0, 0, 0, 0.0);
}
function decTFirst(v: usize, x: usize, d: i32, k: i32, cCur: usize, cNext: usize, decRate: f64): void {
  decPass(v, x, 0, d, k, WORK, true, false, true, 0, cCur, cNext, decRate);
}
function decT(
  v: usize, x: usize, xp: usize, d: i32, k: i32, cPrev: usize, cCur: usize, cNext: usize, decRate: f64,
): void {
  decPass(v, x, xp, d, k, WORK, true, true, true, cPrev, cCur, cNext, decRate);
}
function decTEnd(v: usize, xp: usize, d: i32, k: i32, cPrev: usize): void {
  decPass(v, 0, xp, d, k, WORK, true, true, false, cPrev, 0, 0, 0.0);
}

// --- the step driver -----------------------------------------------------------------

// Per step t (x = x_t; the update of step t - 1 is pending, with xp = x_{t-1}):
// encoder pass, fields, decoder pass, coefficients (which become the pending
// update). Output bias: cCur = c_t, cPrev = c_{t-1} (truncated: for the
// pending residual), cNext receives c_{t+1} (vanilla: cCur itself).
// @ts-ignore: decorator
@inline function sgdRun(
  smp: usize, st: usize, xs: usize, w: usize, v: usize, b: usize, c: usize, n: i32, d: i32,
  k: i32, eta: f64, actCode: i32, bias: i32, work: usize, tied: bool, truncated: bool,
): void {
  const L = layout(work, d, k);
  const rowBytes = (<usize>d) << 3;
  const rb = (<usize>rowSlots(d)) << 3;
  const dd = <f64>d;
  const invSd = 1.0 / Math.sqrt(dd);
  const encRate = eta / (dd * dd);
  const decRate = eta / dd;
  let cCur = c;
  let cPrev: usize = 0;
  let xp: usize = 0;
  // A sampler with a block (assembly/sample.ts: eigen without a bulk) draws
  // 32 samples at a time; the pending sample of a block moves to XBUF
  // before the next block is drawn over it.
  const block: usize = smp != 0 ? load<usize>(smp, 28) : 0;
  let inBlock = 0;
  let blockLen = 0;
  for (let j = 0; j < n; j++) {
    let x: usize;
    if (block != 0) {
      if (inBlock == blockLen) {
        if (j > 0) {
          memory.copy(L.xbuf, xp, rowBytes);
          xp = L.xbuf;
        }
        blockLen = min(32, n - j);
        sampleFrom(smp, st, block, blockLen);
        inBlock = 0;
      }
      x = block + <usize>inBlock * rowBytes;
      inBlock++;
    } else if (smp != 0) {
      x = L.xbuf + (<usize>(j & 1)) * rb;
      sampleFrom(smp, st, x, 1);
    } else {
      x = xs + <usize>j * rowBytes;
    }
    let cNext = cCur;
    if (truncated && c != 0) cNext = j == 0 ? L.calt : cPrev;
    if (j == 0) encFirst(w, x, d, k);
    else if (!tied) encUntied(w, x, xp, d, k);
    else if (!truncated) encTiedV(w, x, xp, d, k);
    else encTiedT(w, x, xp, d, k, cPrev);
    for (let u = 0; u < k; u++) {
      const o = (<usize>u) << 3;
      let pre = load<f64>(L.sd + o);
      if (bias != 0) pre += load<f64>(b + o);
      const lam = pre * invSd;
      const g = act(actCode, lam);
      store<f64>(L.gs + o, g);
      store<f64>(L.gps + o, actDeriv(actCode, lam));
      store<f64>(L.ng + o, -g);
    }
    if (truncated) {
      if (j == 0 || tied) decTFirst(v, x, d, k, cCur, cNext, decRate);
      else decT(v, x, xp, d, k, cPrev, cCur, cNext, decRate);
    } else {
      if (j == 0 || tied) decVFirst(v, x, d, k, cCur, decRate);
      else decV(v, x, d, k, cCur, decRate);
    }
    for (let u = 0; u < k; u++) {
      const o = (<usize>u) << 3;
      const g = load<f64>(L.gs + o);
      const gp = load<f64>(L.gps + o);
      const cu = load<f64>(L.sd + o) * invSd;
      store<f64>(L.pa + o, encRate * gp * cu);
      store<f64>(L.pb + o, decRate * g);
      store<f64>(L.png + o, -g);
      if (bias != 0) store<f64>(b + o, load<f64>(b + o) + decRate * gp * cu);
    }
    if (truncated && c != 0) {
      cPrev = cCur;
      cCur = cNext;
    }
    xp = x;
  }
  // Apply the last step's update.
  if (!tied) {
    encUntiedEnd(w, xp, d, k);
    if (truncated) decTEnd(v, xp, d, k, cPrev);
    else decVEnd(v, d, k);
  } else if (truncated) {
    encTiedTEnd(w, xp, d, k, cPrev);
  } else {
    encTiedVEnd(w, xp, d, k);
  }
  if (cCur != c) memory.copy(c, cCur, rowBytes);
}

// --- encoder pass ----------------------------------------------------------------------


// pending: w_u += alpha_u xp (untied), or w_u += (alpha_u xp + beta_u Delta_u)
// (tied; Delta_u from DELTA or, truncated, rebuilt from xp - cPrev and the old rows).
// dots: then SD[u] = w_u . x.
// @ts-ignore: decorator
@inline function encPass(
  w: usize, x: usize, xp: usize, d: i32, k: i32, L: Work,
  tied: bool, truncated: bool, pending: bool, dots: bool, cPrev: usize,
): void {
  const rowBytes = (<usize>d) << 3;
  const d4 = d & ~3;
  const nblk = (k + 3) >> 2;
  const tile = tileOf(d4, k);
  if (dots) memory.fill(L.acc, 0, (<usize>k) << 5);
  for (let i0 = 0; i0 < d4; i0 += tile) {
    const i1 = min(i0 + tile, d4);
    if (nblk == 1) {
      encBlock(
        w, rowBytes, k, x, xp, i0, i1, true, true,
        tied, truncated, pending, dots, cPrev, L.pa, L.pb, L.png, L.acc, L.delta, L.qbuf,
      );
    } else {
      for (let blk = 0; blk < nblk; blk++) {
        const u0 = blk << 2;
        const uo = (<usize>u0) << 3;
        const wb = w + <usize>u0 * rowBytes;
        const nb = min(4, k - u0);
        if (blk == 0) {
          encBlock(
            wb, rowBytes, nb, x, xp, i0, i1, true, false, tied, truncated, pending, dots, cPrev,
            L.pa + uo, L.pb + uo, L.png + uo, L.acc + (uo << 2), L.delta, L.qbuf,
              );
        } else if (blk < nblk - 1) {
          encBlock(
            wb, rowBytes, nb, x, xp, i0, i1, false, false, tied, truncated, pending, dots, cPrev,
            L.pa + uo, L.pb + uo, L.png + uo, L.acc + (uo << 2), L.delta, L.qbuf,
          );
        } else {
          encBlock(
            wb, rowBytes, nb, x, xp, i0, i1, false, true, tied, truncated, pending, dots, cPrev,
            L.pa + uo, L.pb + uo, L.png + uo, L.acc + (uo << 2), L.delta, L.qbuf,
          );
        }
      }
    }
  }
  if (dots) reduceSums(L.acc, L.sd, k);
  for (let i = d4; i < d; i++) {
    const o = (<usize>i) << 3;
    const xi = dots ? load<f64>(x + o) : 0.0;
    const pi = pending ? load<f64>(xp + o) : 0.0;
    let qi = 0.0;
    if (pending && tied) {
      if (truncated) qi = cPrev != 0 ? pi - load<f64>(cPrev + o) : pi;
      else qi = load<f64>(L.delta + o);
    }
    for (let u = 0; u < k; u++) {
      const wu = w + <usize>u * rowBytes + o;
      const uo = (<usize>u) << 3;
      let wi = load<f64>(wu);
      if (pending) {
        if (tied) {
          if (truncated) qi = qi + load<f64>(L.png + uo) * wi;
          wi = wi + (load<f64>(L.pa + uo) * pi + load<f64>(L.pb + uo) * qi);
        } else {
          wi = wi + load<f64>(L.pa + uo) * pi;
        }
        store<f64>(wu, wi);
      }
      if (dots) store<f64>(L.sd + uo, load<f64>(L.sd + uo) + wi * xi);
    }
  }
}

// e + a p (untied) or e + (a p + b q) (tied), lane-wise.
// @ts-ignore: decorator
@inline function encUpdate(e: v128, a: v128, p: v128, bb: v128, q: v128, tied: bool): v128 {
  return tied ? f64x2.add(e, f64x2.add(f64x2.mul(a, p), f64x2.mul(bb, q))) : f64x2.add(e, f64x2.mul(a, p));
}

// Units u0 .. u0 + nb - 1 (rows from w0, nb <= 4) over positions [i0, i1)
// (multiples of 4). first / last: the first / last block of the pass (the
// running pending residual starts from xp - cPrev / is not stored).
// @ts-ignore: decorator
@inline function encBlock(
  w0: usize, rowBytes: usize, nb: i32, x: usize, xp: usize, i0: i32, i1: i32, first: bool, last: bool,
  tied: bool, truncated: bool, pending: bool, dots: bool, cPrev: usize,
  pa: usize, pb: usize, png: usize, acc: usize, delta: usize, qbuf: usize,
): void {
  const w1 = w0 + rowBytes;
  const w2 = w1 + rowBytes;
  const w3 = w2 + rowBytes;
  const zero = f64x2.splat(0.0);
  let s00 = zero;
  let s01 = zero;
  let s10 = zero;
  let s11 = zero;
  let s20 = zero;
  let s21 = zero;
  let s30 = zero;
  let s31 = zero;
  if (dots) {
    s00 = v128.load(acc);
    s01 = v128.load(acc, 16);
    if (nb > 1) {
      s10 = v128.load(acc, 32);
      s11 = v128.load(acc, 48);
    }
    if (nb > 2) {
      s20 = v128.load(acc, 64);
      s21 = v128.load(acc, 80);
    }
    if (nb > 3) {
      s30 = v128.load(acc, 96);
      s31 = v128.load(acc, 112);
    }
  }
  for (let i = i0; i < i1; i += 4) {
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
          if (first) {
            q0 = p0;
            q1 = p1;
            if (cPrev != 0) {
              q0 = f64x2.sub(q0, v128.load(cPrev + o));
              q1 = f64x2.sub(q1, v128.load(cPrev + o, 16));
            }
          } else {
            q0 = v128.load(qbuf + o);
            q1 = v128.load(qbuf + o, 16);
          }
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
        if (tied && truncated) {
          const ng = v128.load64_splat(png);
          q0 = f64x2.add(q0, f64x2.mul(ng, e0));
          q1 = f64x2.add(q1, f64x2.mul(ng, e1));
        }
        const a = v128.load64_splat(pa);
        const bb = tied ? v128.load64_splat(pb) : zero;
        e0 = encUpdate(e0, a, p0, bb, q0, tied);
        e1 = encUpdate(e1, a, p1, bb, q1, tied);
        v128.store(w0 + o, e0);
        v128.store(w0 + o, e1, 16);
      }
      if (dots) {
        s00 = f64x2.add(s00, f64x2.mul(e0, x0));
        s01 = f64x2.add(s01, f64x2.mul(e1, x1));
      }
    }
    if (nb > 1) {
      let e0 = v128.load(w1 + o);
      let e1 = v128.load(w1 + o, 16);
      if (pending) {
        if (tied && truncated) {
          const ng = v128.load64_splat(png, 8);
          q0 = f64x2.add(q0, f64x2.mul(ng, e0));
          q1 = f64x2.add(q1, f64x2.mul(ng, e1));
        }
        const a = v128.load64_splat(pa, 8);
        const bb = tied ? v128.load64_splat(pb, 8) : zero;
        e0 = encUpdate(e0, a, p0, bb, q0, tied);
        e1 = encUpdate(e1, a, p1, bb, q1, tied);
        v128.store(w1 + o, e0);
        v128.store(w1 + o, e1, 16);
      }
      if (dots) {
        s10 = f64x2.add(s10, f64x2.mul(e0, x0));
        s11 = f64x2.add(s11, f64x2.mul(e1, x1));
      }
    }
    if (nb > 2) {
      let e0 = v128.load(w2 + o);
      let e1 = v128.load(w2 + o, 16);
      if (pending) {
        if (tied && truncated) {
          const ng = v128.load64_splat(png, 16);
          q0 = f64x2.add(q0, f64x2.mul(ng, e0));
          q1 = f64x2.add(q1, f64x2.mul(ng, e1));
        }
        const a = v128.load64_splat(pa, 16);
        const bb = tied ? v128.load64_splat(pb, 16) : zero;
        e0 = encUpdate(e0, a, p0, bb, q0, tied);
        e1 = encUpdate(e1, a, p1, bb, q1, tied);
        v128.store(w2 + o, e0);
        v128.store(w2 + o, e1, 16);
      }
      if (dots) {
        s20 = f64x2.add(s20, f64x2.mul(e0, x0));
        s21 = f64x2.add(s21, f64x2.mul(e1, x1));
      }
    }
    if (nb > 3) {
      let e0 = v128.load(w3 + o);
      let e1 = v128.load(w3 + o, 16);
      if (pending) {
        if (tied && truncated) {
          const ng = v128.load64_splat(png, 24);
          q0 = f64x2.add(q0, f64x2.mul(ng, e0));
          q1 = f64x2.add(q1, f64x2.mul(ng, e1));
        }
        const a = v128.load64_splat(pa, 24);
        const bb = tied ? v128.load64_splat(pb, 24) : zero;
        e0 = encUpdate(e0, a, p0, bb, q0, tied);
        e1 = encUpdate(e1, a, p1, bb, q1, tied);
        v128.store(w3 + o, e0);
        v128.store(w3 + o, e1, 16);
      }
      if (dots) {
        s30 = f64x2.add(s30, f64x2.mul(e0, x0));
        s31 = f64x2.add(s31, f64x2.mul(e1, x1));
      }
    }
    if (pending && tied && truncated && !last) {
      v128.store(qbuf + o, q0);
      v128.store(qbuf + o, q1, 16);
    }
  }
  if (dots) storeSums(acc, nb, s00, s01, s10, s11, s20, s21, s30, s31);
}

// The partial sums of nb units back to acc.
// @ts-ignore: decorator
@inline function storeSums(
  acc: usize, nb: i32, s00: v128, s01: v128, s10: v128, s11: v128, s20: v128, s21: v128, s30: v128, s31: v128,
): void {
  v128.store(acc, s00);
  v128.store(acc, s01, 16);
  if (nb > 1) {
    v128.store(acc, s10, 32);
    v128.store(acc, s11, 48);
  }
  if (nb > 2) {
    v128.store(acc, s20, 64);
    v128.store(acc, s21, 80);
  }
  if (nb > 3) {
    v128.store(acc, s30, 96);
    v128.store(acc, s31, 112);
  }
}

// SD[u] = the dot sum of unit u's partial sums: (s0 + s2) + (s1 + s3).
function reduceSums(acc: usize, sd: usize, k: i32): void {
  for (let u = 0; u < k; u++) {
    const a = acc + ((<usize>u) << 5);
    const s = f64x2.add(v128.load(a), v128.load(a, 16));
    store<f64>(sd + ((<usize>u) << 3), f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1));
  }
}

// --- decoder pass --------------------------------------------------------------------------

// pending (untied only): v_u += beta_u Delta_u of the pending step (from DELTA,
// or, truncated, rebuilt from xp - cPrev and the old rows).
// residual: then Delta_u = x - cCur - sum_{a in A(u)} g_a v_a with the current
// -g_a in NG, SD[u] = v_u . Delta_u, cNext = cCur + (eta/d) Delta_k; vanilla
// keeps Delta in DELTA.
// @ts-ignore: decorator
@inline function decPass(
  v: usize, x: usize, xp: usize, d: i32, k: i32, L: Work, truncated: bool, pending: bool, residual: bool,
  cPrev: usize, cCur: usize, cNext: usize, decRate: f64,
): void {
  const rowBytes = (<usize>d) << 3;
  const d4 = d & ~3;
  const nblk = (k + 3) >> 2;
  const tile = tileOf(d4, k);
  if (residual) memory.fill(L.acc, 0, (<usize>k) << 5);
  for (let i0 = 0; i0 < d4; i0 += tile) {
    const i1 = min(i0 + tile, d4);
    if (nblk == 1) {
      decBlock(
        v, rowBytes, k, x, xp, i0, i1, true, true, truncated, pending, residual, cPrev, cCur, cNext,
        decRate, L.pb, L.png, L.ng, L.acc, L.delta, L.qbuf, L.rbuf,
      );
    } else {
      for (let blk = 0; blk < nblk; blk++) {
        const u0 = blk << 2;
        const uo = (<usize>u0) << 3;
        const vb = v + <usize>u0 * rowBytes;
        const nb = min(4, k - u0);
        if (blk == 0) {
          decBlock(
            vb, rowBytes, nb, x, xp, i0, i1, true, false, truncated, pending, residual, cPrev, cCur,
            cNext, decRate, L.pb + uo, L.png + uo, L.ng + uo, L.acc + (uo << 2), L.delta, L.qbuf, L.rbuf,
          );
        } else if (blk < nblk - 1) {
          decBlock(
            vb, rowBytes, nb, x, xp, i0, i1, false, false, truncated, pending, residual, cPrev, cCur,
            cNext, decRate, L.pb + uo, L.png + uo, L.ng + uo, L.acc + (uo << 2), L.delta, L.qbuf, L.rbuf,
          );
        } else {
          decBlock(
            vb, rowBytes, nb, x, xp, i0, i1, false, true, truncated, pending, residual, cPrev, cCur,
            cNext, decRate, L.pb + uo, L.png + uo, L.ng + uo, L.acc + (uo << 2), L.delta, L.qbuf, L.rbuf,
          );
        }
      }
    }
    if (residual && !truncated) {
      // vanilla: the dots of the blocks before the last, now that Delta is complete
      for (let blk = 0; blk < nblk - 1; blk++) {
        const u0 = blk << 2;
        dotBlock(v + <usize>u0 * rowBytes, rowBytes, min(4, k - u0), L.delta, i0, i1, L.acc + ((<usize>u0) << 5));
      }
    }
  }
  if (residual) reduceSums(L.acc, L.sd, k);
  for (let i = d4; i < d; i++) {
    const o = (<usize>i) << 3;
    let qi = 0.0;
    if (pending) {
      if (truncated) {
        qi = load<f64>(xp + o);
        if (cPrev != 0) qi = qi - load<f64>(cPrev + o);
      } else {
        qi = load<f64>(L.delta + o);
      }
    }
    let ri = 0.0;
    if (residual) {
      ri = load<f64>(x + o);
      if (cCur != 0) ri = ri - load<f64>(cCur + o);
    }
    for (let u = 0; u < k; u++) {
      const vu = v + <usize>u * rowBytes + o;
      const uo = (<usize>u) << 3;
      let vi = load<f64>(vu);
      if (pending) {
        if (truncated) qi = qi + load<f64>(L.png + uo) * vi;
        vi = vi + load<f64>(L.pb + uo) * qi;
        store<f64>(vu, vi);
      }
      if (residual) {
        ri = ri + load<f64>(L.ng + uo) * vi;
        if (truncated) store<f64>(L.sd + uo, load<f64>(L.sd + uo) + vi * ri);
      }
    }
    if (residual) {
      if (!truncated) {
        store<f64>(L.delta + o, ri);
        for (let u = 0; u < k; u++) {
          const uo = (<usize>u) << 3;
          store<f64>(L.sd + uo, load<f64>(L.sd + uo) + load<f64>(v + <usize>u * rowBytes + o) * ri);
        }
      }
      if (cCur != 0) store<f64>(cNext + o, load<f64>(cCur + o) + decRate * ri);
    }
  }
}

// Units u0 .. u0 + nb - 1 (rows from v0) over positions [i0, i1). first: the
// running residuals start from xp - cPrev and x - cCur; last: they are complete
// (vanilla: Delta to DELTA and this block's dots; both: c_{t+1} to cNext), else
// they go to QBUF and RBUF for the next block.
// @ts-ignore: decorator
@inline function decBlock(
  v0: usize, rowBytes: usize, nb: i32, x: usize, xp: usize, i0: i32, i1: i32, first: bool, last: bool,
  truncated: bool, pending: bool, residual: bool, cPrev: usize, cCur: usize, cNext: usize, decRate: f64,
  pb: usize, png: usize, ng: usize, acc: usize, delta: usize, qbuf: usize, rbuf: usize,
): void {
  const v1 = v0 + rowBytes;
  const v2 = v1 + rowBytes;
  const v3 = v2 + rowBytes;
  const zero = f64x2.splat(0.0);
  const vdr = f64x2.splat(decRate);
  const dots = residual && (truncated || last);
  let s00 = zero;
  let s01 = zero;
  let s10 = zero;
  let s11 = zero;
  let s20 = zero;
  let s21 = zero;
  let s30 = zero;
  let s31 = zero;
  if (dots) {
    s00 = v128.load(acc);
    s01 = v128.load(acc, 16);
    if (nb > 1) {
      s10 = v128.load(acc, 32);
      s11 = v128.load(acc, 48);
    }
    if (nb > 2) {
      s20 = v128.load(acc, 64);
      s21 = v128.load(acc, 80);
    }
    if (nb > 3) {
      s30 = v128.load(acc, 96);
      s31 = v128.load(acc, 112);
    }
  }
  for (let i = i0; i < i1; i += 4) {
    const o = (<usize>i) << 3;
    let q0 = zero;
    let q1 = zero;
    if (pending) {
      if (truncated) {
        if (first) {
          q0 = v128.load(xp + o);
          q1 = v128.load(xp + o, 16);
          if (cPrev != 0) {
            q0 = f64x2.sub(q0, v128.load(cPrev + o));
            q1 = f64x2.sub(q1, v128.load(cPrev + o, 16));
          }
        } else {
          q0 = v128.load(qbuf + o);
          q1 = v128.load(qbuf + o, 16);
        }
      } else {
        q0 = v128.load(delta + o);
        q1 = v128.load(delta + o, 16);
      }
    }
    let r0 = zero;
    let r1 = zero;
    if (residual) {
      if (first) {
        r0 = v128.load(x + o);
        r1 = v128.load(x + o, 16);
        if (cCur != 0) {
          r0 = f64x2.sub(r0, v128.load(cCur + o));
          r1 = f64x2.sub(r1, v128.load(cCur + o, 16));
        }
      } else {
        r0 = v128.load(rbuf + o);
        r1 = v128.load(rbuf + o, 16);
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
          const t = v128.load64_splat(png);
          q0 = f64x2.add(q0, f64x2.mul(t, c00));
          q1 = f64x2.add(q1, f64x2.mul(t, c01));
        }
        const bb = v128.load64_splat(pb);
        c00 = f64x2.add(c00, f64x2.mul(bb, q0));
        c01 = f64x2.add(c01, f64x2.mul(bb, q1));
        v128.store(v0 + o, c00);
        v128.store(v0 + o, c01, 16);
      }
      if (residual) {
        const t = v128.load64_splat(ng);
        r0 = f64x2.add(r0, f64x2.mul(t, c00));
        r1 = f64x2.add(r1, f64x2.mul(t, c01));
        if (truncated) {
          s00 = f64x2.add(s00, f64x2.mul(c00, r0));
          s01 = f64x2.add(s01, f64x2.mul(c01, r1));
        }
      }
    }
    if (nb > 1) {
      c10 = v128.load(v1 + o);
      c11 = v128.load(v1 + o, 16);
      if (pending) {
        if (truncated) {
          const t = v128.load64_splat(png, 8);
          q0 = f64x2.add(q0, f64x2.mul(t, c10));
          q1 = f64x2.add(q1, f64x2.mul(t, c11));
        }
        const bb = v128.load64_splat(pb, 8);
        c10 = f64x2.add(c10, f64x2.mul(bb, q0));
        c11 = f64x2.add(c11, f64x2.mul(bb, q1));
        v128.store(v1 + o, c10);
        v128.store(v1 + o, c11, 16);
      }
      if (residual) {
        const t = v128.load64_splat(ng, 8);
        r0 = f64x2.add(r0, f64x2.mul(t, c10));
        r1 = f64x2.add(r1, f64x2.mul(t, c11));
        if (truncated) {
          s10 = f64x2.add(s10, f64x2.mul(c10, r0));
          s11 = f64x2.add(s11, f64x2.mul(c11, r1));
        }
      }
    }
    if (nb > 2) {
      c20 = v128.load(v2 + o);
      c21 = v128.load(v2 + o, 16);
      if (pending) {
        if (truncated) {
          const t = v128.load64_splat(png, 16);
          q0 = f64x2.add(q0, f64x2.mul(t, c20));
          q1 = f64x2.add(q1, f64x2.mul(t, c21));
        }
        const bb = v128.load64_splat(pb, 16);
        c20 = f64x2.add(c20, f64x2.mul(bb, q0));
        c21 = f64x2.add(c21, f64x2.mul(bb, q1));
        v128.store(v2 + o, c20);
        v128.store(v2 + o, c21, 16);
      }
      if (residual) {
        const t = v128.load64_splat(ng, 16);
        r0 = f64x2.add(r0, f64x2.mul(t, c20));
        r1 = f64x2.add(r1, f64x2.mul(t, c21));
        if (truncated) {
          s20 = f64x2.add(s20, f64x2.mul(c20, r0));
          s21 = f64x2.add(s21, f64x2.mul(c21, r1));
        }
      }
    }
    if (nb > 3) {
      c30 = v128.load(v3 + o);
      c31 = v128.load(v3 + o, 16);
      if (pending) {
        if (truncated) {
          const t = v128.load64_splat(png, 24);
          q0 = f64x2.add(q0, f64x2.mul(t, c30));
          q1 = f64x2.add(q1, f64x2.mul(t, c31));
        }
        const bb = v128.load64_splat(pb, 24);
        c30 = f64x2.add(c30, f64x2.mul(bb, q0));
        c31 = f64x2.add(c31, f64x2.mul(bb, q1));
        v128.store(v3 + o, c30);
        v128.store(v3 + o, c31, 16);
      }
      if (residual) {
        const t = v128.load64_splat(ng, 24);
        r0 = f64x2.add(r0, f64x2.mul(t, c30));
        r1 = f64x2.add(r1, f64x2.mul(t, c31));
        if (truncated) {
          s30 = f64x2.add(s30, f64x2.mul(c30, r0));
          s31 = f64x2.add(s31, f64x2.mul(c31, r1));
        }
      }
    }
    if (pending && truncated && !last) {
      v128.store(qbuf + o, q0);
      v128.store(qbuf + o, q1, 16);
    }
    if (residual) {
      if (!last) {
        v128.store(rbuf + o, r0);
        v128.store(rbuf + o, r1, 16);
      } else {
        if (!truncated) {
          v128.store(delta + o, r0);
          v128.store(delta + o, r1, 16);
          s00 = f64x2.add(s00, f64x2.mul(c00, r0));
          s01 = f64x2.add(s01, f64x2.mul(c01, r1));
          if (nb > 1) {
            s10 = f64x2.add(s10, f64x2.mul(c10, r0));
            s11 = f64x2.add(s11, f64x2.mul(c11, r1));
          }
          if (nb > 2) {
            s20 = f64x2.add(s20, f64x2.mul(c20, r0));
            s21 = f64x2.add(s21, f64x2.mul(c21, r1));
          }
          if (nb > 3) {
            s30 = f64x2.add(s30, f64x2.mul(c30, r0));
            s31 = f64x2.add(s31, f64x2.mul(c31, r1));
          }
        }
        if (cCur != 0) {
          v128.store(cNext + o, f64x2.add(v128.load(cCur + o), f64x2.mul(vdr, r0)));
          v128.store(cNext + o, f64x2.add(v128.load(cCur + o, 16), f64x2.mul(vdr, r1)), 16);
        }
      }
    }
  }
  if (dots) storeSums(acc, nb, s00, s01, s10, s11, s20, s21, s30, s31);
}

// acc (units u0 .. u0 + nb - 1) += v_u . r over positions [i0, i1).
// @ts-ignore: decorator
@inline function dotBlock(v0: usize, rowBytes: usize, nb: i32, r: usize, i0: i32, i1: i32, acc: usize): void {
  const v1 = v0 + rowBytes;
  const v2 = v1 + rowBytes;
  const v3 = v2 + rowBytes;
  let s00 = v128.load(acc);
  let s01 = v128.load(acc, 16);
  let s10 = v128.load(acc, 32);
  let s11 = v128.load(acc, 48);
  let s20 = v128.load(acc, 64);
  let s21 = v128.load(acc, 80);
  let s30 = v128.load(acc, 96);
  let s31 = v128.load(acc, 112);
  for (let i = i0; i < i1; i += 4) {
    const o = (<usize>i) << 3;
    const r0 = v128.load(r + o);
    const r1 = v128.load(r + o, 16);
    s00 = f64x2.add(s00, f64x2.mul(v128.load(v0 + o), r0));
    s01 = f64x2.add(s01, f64x2.mul(v128.load(v0 + o, 16), r1));
    if (nb > 1) {
      s10 = f64x2.add(s10, f64x2.mul(v128.load(v1 + o), r0));
      s11 = f64x2.add(s11, f64x2.mul(v128.load(v1 + o, 16), r1));
    }
    if (nb > 2) {
      s20 = f64x2.add(s20, f64x2.mul(v128.load(v2 + o), r0));
      s21 = f64x2.add(s21, f64x2.mul(v128.load(v2 + o, 16), r1));
    }
    if (nb > 3) {
      s30 = f64x2.add(s30, f64x2.mul(v128.load(v3 + o), r0));
      s31 = f64x2.add(s31, f64x2.mul(v128.load(v3 + o, 16), r1));
    }
  }
  storeSums(acc, nb, s00, s01, s10, s11, s20, s21, s30, s31);
}

// --- Sanger's rule ---------------------------------------------------------------------

// Sanger's rule in the scalings of THEORY.md: y = W x / sqrt(d),
// W <- W + (eta/d) (y x^T / sqrt(d) - lowertriangular(y y^T) W / d).
// Rows are updated from the last to the first, so every row still reads the
// old values of the rows above it.
function sangerStep(w: usize, x: usize, d: i32, k: i32, eta: f64, work: usize): void {
  const rowBytes = (<usize>d) << 3;
  const dd = <f64>d;
  const sd = Math.sqrt(dd);
  const ys = layout(work, d, k).gs;
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

// --- Oja's subspace rule ------------------------------------------------------------------

// Oja's subspace rule, the symmetric sibling of Sanger's: y = W x / sqrt(d),
// W <- W + (eta/d) (y x^T / sqrt(d) - y y^T W / d). Every row decays against
// all rows, z = y^T W = sum_a y_a w_a, formed once from the old rows (in the
// work's residual row), so the rows can then be updated in any order:
// w_u += (eta/d^1.5) y_u x + (-(eta/d^2) y_u) z, one pass per row.
function ojaStep(w: usize, x: usize, d: i32, k: i32, eta: f64, work: usize): void {
  const rowBytes = (<usize>d) << 3;
  const dd = <f64>d;
  const sd = Math.sqrt(dd);
  const L = layout(work, d, k);
  const ys = L.gs;
  const z = L.delta;
  for (let u = 0; u < k; u++) store<f64>(ys + ((<usize>u) << 3), dot(w + <usize>u * rowBytes, x, d) / sd);
  scale(z, load<f64>(ys), w, d);
  for (let a = 1; a < k; a++) axpy(z, load<f64>(ys + ((<usize>a) << 3)), w + <usize>a * rowBytes, d);
  const hebb = eta / (dd * sd);
  const decay = eta / (dd * dd);
  for (let u = 0; u < k; u++) {
    const yu = load<f64>(ys + ((<usize>u) << 3));
    axpy2(w + <usize>u * rowBytes, hebb * yu, x, -decay * yu, z, d);
  }
}
