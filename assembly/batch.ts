// Mini-batch SGD (THEORY.md section 7): each step averages the updates of
// section 2 over B fresh samples, all taken at the same weights. The work is
// three kinds of matrix-matrix products, register-blocked so that each row of
// the weights is read once per block of samples rather than once per sample:
//   fields      S  = X W^T            (B x k)   mmNT
//   residuals   D  = X - 1 c^T - G V  (B x d)   residuals
//   decoder dots C  = D V^T           (B x k)   mmNT
//   updates     W += A^T X (+ Be^T D tied), V += Be^T D   mmTNAcc
// with A_bu = (eta/d^2) g'_bu c_bu / B and Be_bu = (eta/d) g_bu / B.
// Truncated SGD: unit u's residual is D_b + sum_{a > u} g_ba v_a, so
// v_u . D_b^(u) = C_bu + sum_{a > u} g_ba (v_u . v_a) (the Gram V V^T), and
// unit u's decoder update gains sum_{a > u} M_ua v_a with
// M_ua = sum_b Be_bu g_ba (the old rows; the same for a tied encoder).
// The output bias follows the full residual: c += (eta/d) mean_b D_b.
// Hebbian rules are not covered here (the caller refuses them with B > 1).

import { act, actDeriv } from "./activation";
import { dot, scale } from "./blas";
import { sampleFrom } from "./sample";

/** f64 slots of scratch that sgdTrainBatch needs for batch size bs. */
export function sgdBatchWorkSize(d: i32, k: i32, bs: i32): i32 {
  return 2 * bs * d + 6 * bs * k + 2 * k * k + 2 * k * d + 8;
}

// out (m x n) = A B^T for A (m x d) and B (n x d), row-major: blocks of 2 rows
// of A and 4 rows of B, their 8 partial sums in registers over d.
function mmNT(a: usize, m: i32, b: usize, n: i32, d: i32, out: usize): void {
  // positions in tiles, so that the tile of A's rows stays in L1 across the blocks of B
  const d2 = d & ~1;
  if (d2 <= TILE || m < 2 || n < 4) {
    mmNTTile(a, m, b, n, d, 0, d2, true, out);
    return;
  }
  for (let p0 = 0; p0 < d2; p0 += TILE) {
    const p1 = min(p0 + TILE, d2);
    mmNTTile(a, m, b, n, d, p0, p1, p1 == d2, out);
  }
}

// Positions per tile of the matrix-matrix products (128 x 8 bytes per row:
// 32 rows of a batch of 32 samples fill 32 KB).
const TILE: i32 = 128;

// Positions p0 .. p1 - 1 (even) of out = A B^T, added to out unless p0 == 0;
// last: the tail position d - 1 of an odd d too.
function mmNTTile(
  a: usize, m: i32, b: usize, n: i32, d: i32, p0: i32, d2: i32, last: bool, out: usize,
): void {
  const rb = (<usize>d) << 3;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = a + <usize>i * rb, a1 = a0 + rb;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = b + <usize>j * rb, b1 = b0 + rb, b2 = b1 + rb, b3 = b2 + rb;
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s02 = f64x2.splat(0), s03 = f64x2.splat(0);
      let s10 = f64x2.splat(0), s11 = f64x2.splat(0), s12 = f64x2.splat(0), s13 = f64x2.splat(0);
      for (let p = p0; p < d2; p += 2) {
        const o = (<usize>p) << 3;
        const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o);
        const y0 = v128.load(b0 + o), y1 = v128.load(b1 + o);
        const y2 = v128.load(b2 + o), y3 = v128.load(b3 + o);
        s00 = f64x2.add(s00, f64x2.mul(x0, y0));
        s01 = f64x2.add(s01, f64x2.mul(x0, y1));
        s02 = f64x2.add(s02, f64x2.mul(x0, y2));
        s03 = f64x2.add(s03, f64x2.mul(x0, y3));
        s10 = f64x2.add(s10, f64x2.mul(x1, y0));
        s11 = f64x2.add(s11, f64x2.mul(x1, y1));
        s12 = f64x2.add(s12, f64x2.mul(x1, y2));
        s13 = f64x2.add(s13, f64x2.mul(x1, y3));
      }
      let t00 = f64x2.extract_lane(s00, 0) + f64x2.extract_lane(s00, 1);
      let t01 = f64x2.extract_lane(s01, 0) + f64x2.extract_lane(s01, 1);
      let t02 = f64x2.extract_lane(s02, 0) + f64x2.extract_lane(s02, 1);
      let t03 = f64x2.extract_lane(s03, 0) + f64x2.extract_lane(s03, 1);
      let t10 = f64x2.extract_lane(s10, 0) + f64x2.extract_lane(s10, 1);
      let t11 = f64x2.extract_lane(s11, 0) + f64x2.extract_lane(s11, 1);
      let t12 = f64x2.extract_lane(s12, 0) + f64x2.extract_lane(s12, 1);
      let t13 = f64x2.extract_lane(s13, 0) + f64x2.extract_lane(s13, 1);
      if (last && d2 < d) {
        const o = (<usize>d2) << 3;
        const x0 = load<f64>(a0 + o), x1 = load<f64>(a1 + o);
        const y0 = load<f64>(b0 + o), y1 = load<f64>(b1 + o);
        const y2 = load<f64>(b2 + o), y3 = load<f64>(b3 + o);
        t00 += x0 * y0; t01 += x0 * y1; t02 += x0 * y2; t03 += x0 * y3;
        t10 += x1 * y0; t11 += x1 * y1; t12 += x1 * y2; t13 += x1 * y3;
      }
      const r0 = out + ((<usize>(i * n + j)) << 3);
      const r1 = r0 + ((<usize>n) << 3);
      if (p0 > 0) {
        t00 += load<f64>(r0); t01 += load<f64>(r0 + 8); t02 += load<f64>(r0 + 16); t03 += load<f64>(r0 + 24);
        t10 += load<f64>(r1); t11 += load<f64>(r1 + 8); t12 += load<f64>(r1 + 16); t13 += load<f64>(r1 + 24);
      }
      store<f64>(r0, t00); store<f64>(r0 + 8, t01); store<f64>(r0 + 16, t02); store<f64>(r0 + 24, t03);
      store<f64>(r1, t10); store<f64>(r1 + 8, t11); store<f64>(r1 + 16, t12); store<f64>(r1 + 24, t13);
    }
    if (!last) continue;
    for (; j < n; j++) {
      const bj = b + <usize>j * rb;
      store<f64>(out + ((<usize>(i * n + j)) << 3), dot(a0, bj, d));
      store<f64>(out + ((<usize>((i + 1) * n + j)) << 3), dot(a1, bj, d));
    }
  }
  if (!last) return;
  for (; i < m; i++) {
    const ai = a + <usize>i * rb;
    for (let j = 0; j < n; j++) store<f64>(out + ((<usize>(i * n + j)) << 3), dot(ai, b + <usize>j * rb, d));
  }
}

// y (n x d) += P^T X for P (m x n) and X (m x d): blocks of 4 rows of y and 4
// positions, their 8 vectors in registers over the m rows of X.
function mmTNAcc(p: usize, m: i32, n: i32, x: usize, d: i32, y: usize): void {
  const rb = (<usize>d) << 3;
  const nb = (<usize>n) << 3;
  const d4 = d & ~3;
  const n4 = n & ~3;
  // positions in tiles, so that the tile of X's rows stays in L1 across the blocks of units
  for (let q0 = 0; q0 < d4; q0 += TILE) {
    const q1 = min(q0 + TILE, d4);
    for (let u = 0; u < n4; u += 4) {
      const y0 = y + <usize>u * rb, y1 = y0 + rb, y2 = y1 + rb, y3 = y2 + rb;
      const pu = p + ((<usize>u) << 3);
      mmTNBlock(pu, m, nb, x, rb, y0, y1, y2, y3, q0, q1);
    }
  }
  let u = 0;
  for (; u < n4; u += 4) {
    for (let q = d4; q < d; q++) {
      const o = (<usize>q) << 3;
      for (let v = 0; v < 4; v++) {
        let s = load<f64>(y + <usize>(u + v) * rb + o);
        for (let r = 0; r < m; r++) {
          s += load<f64>(p + <usize>(r * n + u + v) * 8) * load<f64>(x + <usize>r * rb + o);
        }
        store<f64>(y + <usize>(u + v) * rb + o, s);
      }
    }
  }
  for (; u < n; u++) {
    const yu = y + <usize>u * rb;
    for (let q = 0; q < d; q++) {
      const o = (<usize>q) << 3;
      let s = load<f64>(yu + o);
      for (let r = 0; r < m; r++) s += load<f64>(p + <usize>(r * n + u) * 8) * load<f64>(x + <usize>r * rb + o);
      store<f64>(yu + o, s);
    }
  }
}

// Rows y0..y3 += P[:, u..u+3]^T X over positions q0 .. q1 - 1 (multiples of 4).
// @ts-ignore: decorator
@inline function mmTNBlock(
  pu: usize, m: i32, nb: usize, x: usize, rb: usize, y0: usize, y1: usize, y2: usize, y3: usize,
  q0: i32, q1: i32,
): void {
  for (let q = q0; q < q1; q += 4) {
    const o = (<usize>q) << 3;
    let a0 = v128.load(y0 + o), b0 = v128.load(y0 + o + 16);
    let a1 = v128.load(y1 + o), b1 = v128.load(y1 + o + 16);
    let a2 = v128.load(y2 + o), b2 = v128.load(y2 + o + 16);
    let a3 = v128.load(y3 + o), b3 = v128.load(y3 + o + 16);
    for (let r = 0; r < m; r++) {
      const xr = x + <usize>r * rb + o;
      const lo = v128.load(xr), hi = v128.load(xr + 16);
      const pr = pu + <usize>r * nb;
      const c0 = f64x2.splat(load<f64>(pr)), c1 = f64x2.splat(load<f64>(pr, 8));
      const c2 = f64x2.splat(load<f64>(pr, 16)), c3 = f64x2.splat(load<f64>(pr, 24));
      a0 = f64x2.add(a0, f64x2.mul(c0, lo)); b0 = f64x2.add(b0, f64x2.mul(c0, hi));
      a1 = f64x2.add(a1, f64x2.mul(c1, lo)); b1 = f64x2.add(b1, f64x2.mul(c1, hi));
      a2 = f64x2.add(a2, f64x2.mul(c2, lo)); b2 = f64x2.add(b2, f64x2.mul(c2, hi));
      a3 = f64x2.add(a3, f64x2.mul(c3, lo)); b3 = f64x2.add(b3, f64x2.mul(c3, hi));
    }
    v128.store(y0 + o, a0); v128.store(y0 + o + 16, b0);
    v128.store(y1 + o, a1); v128.store(y1 + o + 16, b1);
    v128.store(y2 + o, a2); v128.store(y2 + o + 16, b2);
    v128.store(y3 + o, a3); v128.store(y3 + o + 16, b3);
  }
}

// dd (m x d) = X - 1 c^T - G V for X (m x d), G (m x n), V (n x d), c (d) or 0:
// blocks of 4 rows and 4 positions, each load of V's rows serving 4 samples.
function residuals(x: usize, c: usize, g: usize, v: usize, m: i32, n: i32, d: i32, dd: usize): void {
  const rb = (<usize>d) << 3;
  const nb = (<usize>n) << 3;
  const d4 = d & ~3;
  const m4 = m & ~3;
  // positions in tiles, so that the tile of V's rows stays in L1 across the blocks of samples
  for (let q0 = 0; q0 < d4; q0 += TILE) {
    const q1 = min(q0 + TILE, d4);
    for (let r = 0; r < m4; r += 4) residualBlock(x, c, g, v, r, n, rb, nb, q0, q1, dd);
  }
  let r = 0;
  for (; r < m4; r += 4) {
    for (let s = r; s < r + 4; s++) residualTail(x, c, g, v, s, n, d, d4, dd);
  }
  for (; r < m; r++) {
    residualRow(x, c, g, v, r, n, rb, nb, d4, dd);
    residualTail(x, c, g, v, r, n, d, d4, dd);
  }
}

// Positions 0 .. d4 - 1 of sample r's residual, two vectors at a time.
function residualRow(
  x: usize, c: usize, g: usize, v: usize, r: i32, n: i32, rb: usize, nb: usize, d4: i32, dd: usize,
): void {
  const xr = x + <usize>r * rb, orow = dd + <usize>r * rb, gr = g + <usize>r * nb;
  for (let q = 0; q < d4; q += 4) {
    const o = (<usize>q) << 3;
    let a = v128.load(xr + o), b = v128.load(xr + o + 16);
    if (c != 0) {
      a = f64x2.sub(a, v128.load(c + o));
      b = f64x2.sub(b, v128.load(c + o + 16));
    }
    for (let u = 0; u < n; u++) {
      const vu = v + <usize>u * rb + o;
      const gu = f64x2.splat(load<f64>(gr + ((<usize>u) << 3)));
      a = f64x2.sub(a, f64x2.mul(gu, v128.load(vu)));
      b = f64x2.sub(b, f64x2.mul(gu, v128.load(vu + 16)));
    }
    v128.store(orow + o, a);
    v128.store(orow + o + 16, b);
  }
}

// Samples r .. r + 3 of the residuals over positions q0 .. q1 - 1 (multiples of 4).
// @ts-ignore: decorator
@inline function residualBlock(
  x: usize, c: usize, g: usize, v: usize, r: i32, n: i32, rb: usize, nb: usize, q0: i32, q1: i32,
  dd: usize,
): void {
  {
    const x0 = x + <usize>r * rb;
    const o0 = dd + <usize>r * rb;
    const g0 = g + <usize>r * nb;
    for (let q = q0; q < q1; q += 4) {
      const o = (<usize>q) << 3;
      let cl = f64x2.splat(0), ch = f64x2.splat(0);
      if (c != 0) {
        cl = v128.load(c + o);
        ch = v128.load(c + o + 16);
      }
      let a0 = f64x2.sub(v128.load(x0 + o), cl), b0 = f64x2.sub(v128.load(x0 + o + 16), ch);
      let a1 = f64x2.sub(v128.load(x0 + rb + o), cl), b1 = f64x2.sub(v128.load(x0 + rb + o + 16), ch);
      let a2 = f64x2.sub(v128.load(x0 + 2 * rb + o), cl);
      let b2 = f64x2.sub(v128.load(x0 + 2 * rb + o + 16), ch);
      let a3 = f64x2.sub(v128.load(x0 + 3 * rb + o), cl);
      let b3 = f64x2.sub(v128.load(x0 + 3 * rb + o + 16), ch);
      for (let u = 0; u < n; u++) {
        const vu = v + <usize>u * rb + o;
        const lo = v128.load(vu), hi = v128.load(vu + 16);
        const gu = g0 + ((<usize>u) << 3);
        const c0 = f64x2.splat(load<f64>(gu)), c1 = f64x2.splat(load<f64>(gu + nb));
        const c2 = f64x2.splat(load<f64>(gu + 2 * nb)), c3 = f64x2.splat(load<f64>(gu + 3 * nb));
        a0 = f64x2.sub(a0, f64x2.mul(c0, lo)); b0 = f64x2.sub(b0, f64x2.mul(c0, hi));
        a1 = f64x2.sub(a1, f64x2.mul(c1, lo)); b1 = f64x2.sub(b1, f64x2.mul(c1, hi));
        a2 = f64x2.sub(a2, f64x2.mul(c2, lo)); b2 = f64x2.sub(b2, f64x2.mul(c2, hi));
        a3 = f64x2.sub(a3, f64x2.mul(c3, lo)); b3 = f64x2.sub(b3, f64x2.mul(c3, hi));
      }
      v128.store(o0 + o, a0); v128.store(o0 + o + 16, b0);
      v128.store(o0 + rb + o, a1); v128.store(o0 + rb + o + 16, b1);
      v128.store(o0 + 2 * rb + o, a2); v128.store(o0 + 2 * rb + o + 16, b2);
      v128.store(o0 + 3 * rb + o, a3); v128.store(o0 + 3 * rb + o + 16, b3);
    }
  }
}

// Positions q0 .. d - 1 of sample r's residual.
function residualTail(x: usize, c: usize, g: usize, v: usize, r: i32, n: i32, d: i32, q0: i32, dd: usize): void {
  const rb = (<usize>d) << 3;
  for (let q = q0; q < d; q++) {
    const o = (<usize>q) << 3;
    let s = load<f64>(x + <usize>r * rb + o);
    if (c != 0) s -= load<f64>(c + o);
    for (let u = 0; u < n; u++) s -= load<f64>(g + <usize>(r * n + u) * 8) * load<f64>(v + <usize>u * rb + o);
    store<f64>(dd + <usize>r * rb + o, s);
  }
}

/**
 * n mini-batch SGD steps of bs samples each (vanilla or truncated, tied or
 * untied, trained biases, output bias c or 0), step j at the learning rate
 * etas[j] and followed by the weight decay (decay: lambda per unit, or 0).
 * Samples come from sampler smp with state st (smp != 0: bs per step, in the
 * order sampleFrom draws them), else from the rows of xs (bs per step).
 * work: sgdBatchWorkSize(d, k, bs) f64 slots.
 */
export function sgdTrainBatch(
  smp: usize, st: usize, xs: usize, w: usize, v: usize, b: usize, c: usize, n: i32, bs: i32,
  d: i32, k: i32, etas: usize, decay: usize, actCode: i32, rule: i32, tied: i32, bias: i32,
  work: usize,
): void {
  const rb = (<usize>d) << 3;
  const bd = <usize>bs * rb;
  const bk = (<usize>(bs * k)) << 3;
  const kk = (<usize>(k * k)) << 3;
  const xbuf = work;
  const dd = xbuf + bd;
  const S = dd + bd;
  const G = S + bk;
  const GP = G + bk;
  const CU = GP + bk;
  const A = CU + bk;
  const BE = A + bk;
  const VV = BE + bk;
  const M = VV + kk;
  const UW = M + kk;
  const UV = UW + <usize>k * rb;
  const dim = <f64>d;
  const invSd = 1.0 / Math.sqrt(dim);
  const invB = 1.0 / <f64>bs;
  const truncated = rule == 1;
  const vv = tied != 0 ? w : v;
  for (let j = 0; j < n; j++) {
    const eta = load<f64>(etas + ((<usize>j) << 3));
    const encRate = eta / (dim * dim);
    const decRate = eta / dim;
    let x = xs + <usize>j * bd;
    if (smp != 0) {
      sampleFrom(smp, st, xbuf, bs);
      x = xbuf;
    }
    // fields and activations
    mmNT(x, bs, w, k, d, S);
    for (let r = 0; r < bs; r++) {
      for (let u = 0; u < k; u++) {
        const o = (<usize>(r * k + u)) << 3;
        let pre = load<f64>(S + o);
        if (bias != 0) pre += load<f64>(b + ((<usize>u) << 3));
        const lam = pre * invSd;
        store<f64>(G + o, act(actCode, lam));
        store<f64>(GP + o, actDeriv(actCode, lam));
      }
    }
    // the full residuals and the decoder's dots with them
    residuals(x, c, G, vv, bs, k, d, dd);
    mmNT(dd, bs, vv, k, d, CU);
    if (truncated) mmNT(vv, k, vv, k, d, VV);
    for (let r = 0; r < bs; r++) {
      for (let u = 0; u < k; u++) {
        const o = (<usize>(r * k + u)) << 3;
        let s = load<f64>(CU + o);
        if (truncated) {
          for (let a = u + 1; a < k; a++) {
            s += load<f64>(G + ((<usize>(r * k + a)) << 3)) * load<f64>(VV + ((<usize>(u * k + a)) << 3));
          }
        }
        const cu = s * invSd;
        const gp = load<f64>(GP + o);
        store<f64>(CU + o, cu);
        store<f64>(A + o, encRate * gp * cu * invB);
        store<f64>(BE + o, decRate * load<f64>(G + o) * invB);
      }
    }
    // the updates, all from the old weights
    memory.fill(UW, 0, <usize>k * rb);
    mmTNAcc(A, bs, k, x, d, UW);
    const UD = tied != 0 ? UW : UV;
    if (tied == 0) memory.fill(UV, 0, <usize>k * rb);
    mmTNAcc(BE, bs, k, dd, d, UD);
    if (truncated) {
      for (let u = 0; u < k; u++) {
        for (let a = u + 1; a < k; a++) {
          let m = 0.0;
          for (let r = 0; r < bs; r++) {
            m += load<f64>(BE + ((<usize>(r * k + u)) << 3)) * load<f64>(G + ((<usize>(r * k + a)) << 3));
          }
          store<f64>(M + ((<usize>(u * k + a)) << 3), m);
        }
      }
      for (let u = 0; u < k; u++) {
        const du = UD + <usize>u * rb;
        for (let a = u + 1; a < k; a++) {
          const m = load<f64>(M + ((<usize>(u * k + a)) << 3));
          const va = vv + <usize>a * rb;
          for (let q = 0; q < d; q++) {
            const o = (<usize>q) << 3;
            store<f64>(du + o, load<f64>(du + o) + m * load<f64>(va + o));
          }
        }
      }
    }
    if (bias != 0) {
      for (let u = 0; u < k; u++) {
        let s = 0.0;
        for (let r = 0; r < bs; r++) {
          const o = (<usize>(r * k + u)) << 3;
          s += load<f64>(GP + o) * load<f64>(CU + o);
        }
        const bo = b + ((<usize>u) << 3);
        store<f64>(bo, load<f64>(bo) + decRate * s * invB);
      }
    }
    addRows(w, UW, k * d);
    if (tied == 0) addRows(v, UV, k * d);
    if (c != 0) {
      const f = decRate * invB;
      for (let r = 0; r < bs; r++) {
        const dr = dd + <usize>r * rb;
        for (let q = 0; q < d; q++) {
          const o = (<usize>q) << 3;
          store<f64>(c + o, load<f64>(c + o) + f * load<f64>(dr + o));
        }
      }
    }
    if (decay != 0) {
      for (let u = 0; u < k; u++) {
        const f = 1.0 - eta * load<f64>(decay + ((<usize>u) << 3)) / dim;
        const wu = w + <usize>u * rb;
        scale(wu, f, wu, d);
        if (tied == 0) {
          const vu = v + <usize>u * rb;
          scale(vu, f, vu, d);
        }
      }
    }
  }
}

// y += x, n values.
function addRows(y: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 3;
    store<f64>(y + o, load<f64>(y + o) + load<f64>(x + o));
  }
}
