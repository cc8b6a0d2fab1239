// Symmetric eigen-solver: A = V^T diag(lambda) V for a real symmetric n x n
// matrix (f64, row-major), eigenvectors returned as the ROWS of V.
//
//  1. Scale A by an exact power of two so that max |a_ij| is in [1, 2).
//  2. Householder tridiagonalisation on the upper triangle, T = Q^T A Q with
//     Q = H_0 H_1 ... H_{n-3}. Each step applies the rank-2 update of the
//     trailing block and, in the same pass over each row, accumulates the
//     product of the updated block with the NEXT Householder vector, so the
//     trailing triangle is read once per step. Householder vector k is kept in
//     row k of A (columns k+1..n-1, unit first entry), its beta in the work.
//  3. V = Q^T, built row by row (row r of Q^T is e_r^T H_{n-3} ... H_0):
//     groups of 4 reflectors are applied at once in compact WY form to pairs
//     of rows, blocks of NB reflectors per pass over V.
//  4. Implicit symmetric QR on T (bulge chasing with Givens rotations,
//     deflation from the bottom, 2x2 blocks finished by one Jacobi rotation),
//     in two passes: the first, on a copy of T and without vectors (O(n^2)),
//     gives the eigenvalues; the second uses them as shifts (the unused one
//     nearest the Wilkinson shift, plain Wilkinson after two misses), so most
//     eigenvalues deflate after a single sweep. Each rotation acts on two
//     adjacent rows of V (V <- R V). Rotations are buffered and applied in
//     column panels of 8, copied to a contiguous buffer that stays in L2
//     while whole sweeps run down it (the carried row lives in registers).
//     An off-diagonal e_i is dropped when |e_i| <= 8 eps ||T||_inf or
//     |e_i| <= eps (|d_i| + |d_i+1|).
//  5. Sort descending (rows of V follow), fix signs: in every eigenvector the
//     component of largest magnitude (first one on exact ties) is positive.
//
// Hot loops live in functions with several call sites: binaryen inlines
// single-caller functions, and V8 only switches a function to optimised code
// on its next call, so a long loop inlined into a function called once would
// run in the baseline compiler throughout.
//
// Pointers are byte addresses; no allocation.

const EPS: f64 = 2.220446049250313e-16;
/** Values below this (after scaling to max |a_ij| ~ 1) are treated as zero. */
const TINY: f64 = 1e-290;
/** Reflectors per block when forming Q^T. */
const NB: i32 = 16;
/** QR iterations allowed per eigenvalue (on average). */
const MAX_ITER_PER_VALUE: i32 = 30;

/** Status: success. */
const OK: i32 = 0;
/** Status: the QR iteration did not converge within the iteration budget. */
const ERR_NO_CONVERGENCE: i32 = -1;
/** Status: n < 1. */
const ERR_BAD_SIZE: i32 = -2;

// ---- small SIMD vector helpers (contiguous f64, unaligned allowed) ----

import { dot, scale } from "./blas";

@inline function vptr(base: usize, i: i32): usize {
  return base + ((<usize>i) << 3);
}

@inline function mptr(a: usize, n: i32, i: i32, j: i32): usize {
  return a + ((<usize>i * <usize>n + <usize>j) << 3);
}

/** Symmetric rank-2 row update: a_j -= vi w_j + wi v_j, j < m. */
function updRow(a: usize, v: usize, w: usize, vi: f64, wi: f64, m: i32): void {
  const nvi = f64x2.splat(-vi);
  const nwi = f64x2.splat(-wi);
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const o = (<usize>j) << 3;
    const t0 = f64x2.add(f64x2.mul(nvi, v128.load(w + o)), f64x2.mul(nwi, v128.load(v + o)));
    const t1 = f64x2.add(
      f64x2.mul(nvi, v128.load(w + o, 16)),
      f64x2.mul(nwi, v128.load(v + o, 16)),
    );
    v128.store(a + o, f64x2.add(v128.load(a + o), t0));
    v128.store(a + o, f64x2.add(v128.load(a + o, 16), t1), 16);
  }
  for (; j < m; j++) {
    const o = vptr(a, j);
    store<f64>(o, load<f64>(o) - (vi * load<f64>(vptr(w, j)) + wi * load<f64>(vptr(v, j))));
  }
}

/**
 * Rows i and i+1 of the fused pass over the trailing triangle. ai = &a[i][i],
 * rs = row stride in bytes; v, w, vn, pn point at column i; m = n - i.
 * First the rank-2 update of the current step, a_rj -= v_r w_j + w_r v_j
 * (j >= r, for r = i, i+1), then the updated rows enter the product with the
 * next Householder vector: pn_r += sum_{j>=r} a_rj vn_j and pn_j += vn_r a_rj
 * for j > r. With vi = wi = vi1 = wi1 = 0 the rows are left as they are.
 */
@inline function fusedRow2(
  ai: usize, rs: usize, v: usize, w: usize, vn: usize, pn: usize,
  vi: f64, wi: f64, vi1: f64, wi1: f64, m: i32,
): void {
  const ai1 = ai + rs + 8; // &a[i+1][i+1]
  const vni = load<f64>(vn);
  const vni1 = load<f64>(vn, 8);
  const aii = load<f64>(ai) - 2.0 * vi * wi;
  const aij = load<f64>(ai, 8) - (vi * load<f64>(w, 8) + wi * load<f64>(v, 8));
  const ai1i1 = load<f64>(ai1) - 2.0 * vi1 * wi1;
  store<f64>(ai, aii);
  store<f64>(ai, aij, 8);
  store<f64>(ai1, ai1i1);
  let r0 = aii * vni + aij * vni1;
  let r1 = ai1i1 * vni1 + aij * vni;
  // columns i+2.. of both rows
  const x = ai + 16;
  const y = ai1 + 8;
  const vv = v + 16;
  const ww = w + 16;
  const vnn = vn + 16;
  const pnn = pn + 16;
  const len = m - 2;
  const nvi = f64x2.splat(-vi);
  const nwi = f64x2.splat(-wi);
  const nvi1 = f64x2.splat(-vi1);
  const nwi1 = f64x2.splat(-wi1);
  const cvn = f64x2.splat(vni);
  const cvn1 = f64x2.splat(vni1);
  let s0 = f64x2.splat(0.0);
  let s1 = f64x2.splat(0.0);
  let j = 0;
  for (; j + 2 <= len; j += 2) {
    const o = (<usize>j) << 3;
    const wj = v128.load(ww + o);
    const vj = v128.load(vv + o);
    const xa = f64x2.add(v128.load(x + o), f64x2.add(f64x2.mul(nvi, wj), f64x2.mul(nwi, vj)));
    const ya = f64x2.add(v128.load(y + o), f64x2.add(f64x2.mul(nvi1, wj), f64x2.mul(nwi1, vj)));
    v128.store(x + o, xa);
    v128.store(y + o, ya);
    const vnj = v128.load(vnn + o);
    s0 = f64x2.add(s0, f64x2.mul(xa, vnj));
    s1 = f64x2.add(s1, f64x2.mul(ya, vnj));
    const dp = f64x2.add(f64x2.mul(cvn, xa), f64x2.mul(cvn1, ya));
    v128.store(pnn + o, f64x2.add(v128.load(pnn + o), dp));
  }
  r0 += f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  r1 += f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
  if (j < len) {
    const o = (<usize>j) << 3;
    const wj = load<f64>(ww + o);
    const vj = load<f64>(vv + o);
    const xa = load<f64>(x + o) - (vi * wj + wi * vj);
    const ya = load<f64>(y + o) - (vi1 * wj + wi1 * vj);
    store<f64>(x + o, xa);
    store<f64>(y + o, ya);
    const vnj = load<f64>(vnn + o);
    r0 += xa * vnj;
    r1 += ya * vnj;
    store<f64>(pnn + o, load<f64>(pnn + o) + (vni * xa + vni1 * ya));
  }
  store<f64>(pn, load<f64>(pn) + r0);
  store<f64>(pn, load<f64>(pn, 8) + r1, 8);
}

/**
 * The fused pass over rows i0..n-1 of the trailing triangle of a (see
 * fusedRow2), two rows at a time: with upd, apply the rank-2 update
 * a -= v w^T + w v^T of the current step (v, w indexed by column) and then
 * form pn = (updated block) vn; without, just pn = block * vn. Two call sites
 * keep it out of line (V8 tiers it up after a few calls).
 */
function fusedPass(
  a: usize, n: i32, i0: i32, v: usize, w: usize, vn: usize, pn: usize, upd: bool,
): void {
  memory.fill(vptr(pn, i0), 0, (<usize>(n - i0)) << 3);
  const rs = (<usize>n) << 3;
  let i = i0;
  for (; i + 1 < n; i += 2) {
    let vi = 0.0;
    let wi = 0.0;
    let vi1 = 0.0;
    let wi1 = 0.0;
    if (upd) {
      vi = load<f64>(vptr(v, i));
      wi = load<f64>(vptr(w, i));
      vi1 = load<f64>(vptr(v, i + 1));
      wi1 = load<f64>(vptr(w, i + 1));
    }
    fusedRow2(
      mptr(a, n, i, i), rs, vptr(v, i), vptr(w, i), vptr(vn, i), vptr(pn, i),
      vi, wi, vi1, wi1, n - i,
    );
  }
  if (i < n) {
    // the last row holds just its diagonal entry
    const ai = mptr(a, n, i, i);
    let aii = load<f64>(ai);
    if (upd) aii -= 2.0 * load<f64>(vptr(v, i)) * load<f64>(vptr(w, i));
    store<f64>(ai, aii);
    const o = vptr(pn, i);
    store<f64>(o, load<f64>(o) + aii * load<f64>(vptr(vn, i)));
  }
}

// ---- Householder tridiagonalisation ----

/** alpha of the last reflector built by house(). */
let gAlpha: f64 = 0.0;

/**
 * Build H = I - beta v v^T with H x = alpha e_1 for x (m contiguous values),
 * overwriting x by v (v_0 = 1). Returns beta (0: no reflection, x untouched);
 * alpha goes to gAlpha.
 */
function house(x: usize, m: i32): f64 {
  const x0 = load<f64>(x);
  const sigma = dot(x + 8, x + 8, m - 1);
  if (sigma <= TINY) {
    gAlpha = x0;
    return 0.0;
  }
  const norm = Math.sqrt(x0 * x0 + sigma);
  const alpha = x0 >= 0.0 ? -norm : norm;
  const v0 = x0 - alpha;
  scale(x + 8, 1.0 / v0, x + 8, m - 1);
  store<f64>(x, 1.0);
  gAlpha = alpha;
  return (2.0 * v0 * v0) / (v0 * v0 + sigma);
}

/**
 * Reduce the upper triangle of a (n >= 1) to tridiagonal form: diagonal d,
 * off-diagonal e (e[k] couples k and k+1, e[n-1] = 0), reflector k in row k of
 * a with beta bet[k] (0 for none). p, pn, w: n slots each, all indexed by
 * column.
 */
function tridiag(
  a: usize, n: i32, d: usize, e: usize, bet: usize, p0: usize, pn0: usize, w: usize,
): void {
  memory.fill(bet, 0, (<usize>n) << 3);
  let p = p0;
  let pn = pn0;
  if (n >= 3) {
    const b0 = house(mptr(a, n, 0, 1), n - 1);
    store<f64>(e, gAlpha);
    store<f64>(bet, b0);
    if (b0 != 0.0) fusedPass(a, n, 1, a, a, a, p, false);
  }
  for (let k = 0; k <= n - 3; k++) {
    store<f64>(vptr(d, k), load<f64>(mptr(a, n, k, k)));
    const vb = mptr(a, n, k, 0); // v_j at vb + 8j, j > k
    const beta = load<f64>(vptr(bet, k));
    const k1 = k + 1;
    const hasNext = k1 <= n - 3;
    if (beta != 0.0) {
      const m = n - k1;
      const pk = vptr(p, k1);
      const vk = vptr(vb, k1);
      const wk = vptr(w, k1);
      scale(pk, beta, pk, m);
      const kk = 0.5 * beta * dot(pk, vk, m);
      // w = p - kk v
      for (let j = 0; j < m; j++) {
        store<f64>(vptr(wk, j), load<f64>(vptr(pk, j)) - kk * load<f64>(vptr(vk, j)));
      }
      updRow(mptr(a, n, k1, k1), vk, wk, load<f64>(vk), load<f64>(wk), m);
      let b1 = 0.0;
      if (hasNext) {
        b1 = house(mptr(a, n, k1, k1 + 1), n - k1 - 1);
        store<f64>(vptr(e, k1), gAlpha);
        store<f64>(vptr(bet, k1), b1);
      }
      if (b1 != 0.0) {
        fusedPass(a, n, k1 + 1, vb, w, mptr(a, n, k1, 0), pn, true);
      } else {
        for (let i = k1 + 1; i < n; i++) {
          const vi = load<f64>(vptr(vb, i));
          const wi = load<f64>(vptr(w, i));
          updRow(mptr(a, n, i, i), vptr(vb, i), vptr(w, i), vi, wi, n - i);
        }
      }
    } else if (hasNext) {
      const b1 = house(mptr(a, n, k1, k1 + 1), n - k1 - 1);
      store<f64>(vptr(e, k1), gAlpha);
      store<f64>(vptr(bet, k1), b1);
      if (b1 != 0.0) {
        const vn = mptr(a, n, k1, 0);
        fusedPass(a, n, k1 + 1, vn, vn, vn, pn, false);
      }
    }
    const t = p;
    p = pn;
    pn = t;
  }
  if (n >= 2) {
    store<f64>(vptr(d, n - 2), load<f64>(mptr(a, n, n - 2, n - 2)));
    store<f64>(vptr(e, n - 2), load<f64>(mptr(a, n, n - 2, n - 1)));
  }
  store<f64>(vptr(d, n - 1), load<f64>(mptr(a, n, n - 1, n - 1)));
  store<f64>(vptr(e, n - 1), 0.0);
}

/**
 * Pack group g of reflectors (k = kg+3, kg+2, kg+1, kg, in the order they are
 * applied) as 4 zero-padded vectors over columns kg+1..n-1 (stride m), and
 * their parameters at par: beta_0..3 then the Gram entries v_i . v_j (i > j):
 * G10, G20, G21, G30, G31, G32. Missing reflectors (k > kmax, beta 0) are zero.
 */
function packGroup(a: usize, n: i32, bet: usize, kg: i32, kmax: i32, vb: usize, par: usize): void {
  const m = n - kg - 1;
  for (let i = 0; i < 4; i++) {
    const k = kg + 3 - i;
    const dst = vb + <usize>i * ((<usize>m) << 3);
    let b = 0.0;
    if (k <= kmax) b = load<f64>(vptr(bet, k));
    store<f64>(vptr(par, i), b);
    if (b == 0.0) {
      memory.fill(dst, 0, (<usize>m) << 3);
    } else {
      const lead = k - kg; // zeros for columns kg+1..k
      memory.fill(dst, 0, (<usize>lead) << 3);
      memory.copy(vptr(dst, lead), mptr(a, n, k, k + 1), (<usize>(m - lead)) << 3);
    }
  }
  const mb = (<usize>m) << 3;
  store<f64>(vptr(par, 4), dot(vb + mb, vb, m));
  store<f64>(vptr(par, 5), dot(vb + 2 * mb, vb, m));
  store<f64>(vptr(par, 6), dot(vb + 2 * mb, vb + mb, m));
  store<f64>(vptr(par, 7), dot(vb + 3 * mb, vb, m));
  store<f64>(vptr(par, 8), dot(vb + 3 * mb, vb + mb, m));
  store<f64>(vptr(par, 9), dot(vb + 3 * mb, vb + 2 * mb, m));
}

/** Coefficients s_i of x <- x (H_0 H_1 H_2 H_3) = x - sum_i s_i v_i from the dots t_i = x . v_i. */
let gS0: f64 = 0.0;
let gS1: f64 = 0.0;
let gS2: f64 = 0.0;
let gS3: f64 = 0.0;

@inline function groupCoefs(par: usize, t0: f64, t1: f64, t2: f64, t3: f64): void {
  const s0 = load<f64>(par) * t0;
  const s1 = load<f64>(par, 8) * (t1 - s0 * load<f64>(par, 32));
  const s2 = load<f64>(par, 16) * (t2 - s0 * load<f64>(par, 40) - s1 * load<f64>(par, 48));
  const s3 = load<f64>(par, 24) *
    (t3 - s0 * load<f64>(par, 56) - s1 * load<f64>(par, 64) - s2 * load<f64>(par, 72));
  gS0 = s0;
  gS1 = s1;
  gS2 = s2;
  gS3 = s3;
}

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Apply a packed group of 4 reflectors to two row segments x, y (m values each). */
function applyGroup2(x: usize, y: usize, vb: usize, m: i32, par: usize): void {
  const mb = (<usize>m) << 3;
  const v1 = vb + mb;
  const v2 = v1 + mb;
  const v3 = v2 + mb;
  let a0 = f64x2.splat(0.0);
  let a1 = f64x2.splat(0.0);
  let a2 = f64x2.splat(0.0);
  let a3 = f64x2.splat(0.0);
  let b0 = f64x2.splat(0.0);
  let b1 = f64x2.splat(0.0);
  let b2 = f64x2.splat(0.0);
  let b3 = f64x2.splat(0.0);
  const me = m & ~1;
  for (let j = 0; j < me; j += 2) {
    const o = (<usize>j) << 3;
    const xv = v128.load(x + o);
    const yv = v128.load(y + o);
    let w = v128.load(vb + o);
    a0 = f64x2.add(a0, f64x2.mul(xv, w));
    b0 = f64x2.add(b0, f64x2.mul(yv, w));
    w = v128.load(v1 + o);
    a1 = f64x2.add(a1, f64x2.mul(xv, w));
    b1 = f64x2.add(b1, f64x2.mul(yv, w));
    w = v128.load(v2 + o);
    a2 = f64x2.add(a2, f64x2.mul(xv, w));
    b2 = f64x2.add(b2, f64x2.mul(yv, w));
    w = v128.load(v3 + o);
    a3 = f64x2.add(a3, f64x2.mul(xv, w));
    b3 = f64x2.add(b3, f64x2.mul(yv, w));
  }
  let ta0 = hsum(a0);
  let ta1 = hsum(a1);
  let ta2 = hsum(a2);
  let ta3 = hsum(a3);
  let tb0 = hsum(b0);
  let tb1 = hsum(b1);
  let tb2 = hsum(b2);
  let tb3 = hsum(b3);
  if (me < m) {
    const o = (<usize>me) << 3;
    const xs = load<f64>(x + o);
    const ys = load<f64>(y + o);
    ta0 += xs * load<f64>(vb + o);
    ta1 += xs * load<f64>(v1 + o);
    ta2 += xs * load<f64>(v2 + o);
    ta3 += xs * load<f64>(v3 + o);
    tb0 += ys * load<f64>(vb + o);
    tb1 += ys * load<f64>(v1 + o);
    tb2 += ys * load<f64>(v2 + o);
    tb3 += ys * load<f64>(v3 + o);
  }
  groupCoefs(par, ta0, ta1, ta2, ta3);
  const sa0 = gS0;
  const sa1 = gS1;
  const sa2 = gS2;
  const sa3 = gS3;
  groupCoefs(par, tb0, tb1, tb2, tb3);
  const sb0 = gS0;
  const sb1 = gS1;
  const sb2 = gS2;
  const sb3 = gS3;
  const ca0 = f64x2.splat(sa0);
  const ca1 = f64x2.splat(sa1);
  const ca2 = f64x2.splat(sa2);
  const ca3 = f64x2.splat(sa3);
  const cb0 = f64x2.splat(sb0);
  const cb1 = f64x2.splat(sb1);
  const cb2 = f64x2.splat(sb2);
  const cb3 = f64x2.splat(sb3);
  for (let j = 0; j < me; j += 2) {
    const o = (<usize>j) << 3;
    const w0 = v128.load(vb + o);
    const w1 = v128.load(v1 + o);
    const w2 = v128.load(v2 + o);
    const w3 = v128.load(v3 + o);
    const ux = f64x2.add(
      f64x2.add(f64x2.mul(ca0, w0), f64x2.mul(ca1, w1)),
      f64x2.add(f64x2.mul(ca2, w2), f64x2.mul(ca3, w3)),
    );
    const uy = f64x2.add(
      f64x2.add(f64x2.mul(cb0, w0), f64x2.mul(cb1, w1)),
      f64x2.add(f64x2.mul(cb2, w2), f64x2.mul(cb3, w3)),
    );
    v128.store(x + o, f64x2.sub(v128.load(x + o), ux));
    v128.store(y + o, f64x2.sub(v128.load(y + o), uy));
  }
  if (me < m) {
    const o = (<usize>me) << 3;
    const w0 = load<f64>(vb + o);
    const w1 = load<f64>(v1 + o);
    const w2 = load<f64>(v2 + o);
    const w3 = load<f64>(v3 + o);
    store<f64>(x + o, load<f64>(x + o) - (sa0 * w0 + sa1 * w1 + sa2 * w2 + sa3 * w3));
    store<f64>(y + o, load<f64>(y + o) - (sb0 * w0 + sb1 * w1 + sb2 * w2 + sb3 * w3));
  }
}

/** Reflector groups (of 4) per block in formQt. */
const NG: i32 = NB >> 2;

/**
 * v (n x n) = Q^T = H_{n-3} ... H_0 from the reflectors stored in a / bet;
 * row r of Q^T is e_r^T H_{n-3} ... H_0. Blocks of NB reflectors (NG groups
 * of 4, packed and zero-padded in buf) are applied to pairs of rows of v
 * while they stay in cache; within a group the four reflectors are applied
 * at once (compact WY form: one pass for the 4 dot products, one for the
 * update). buf: NB * n + 16 * NG f64 slots; zrow: n slots of scratch.
 */
function formQt(a: usize, n: i32, bet: usize, v: usize, buf: usize, zrow: usize): void {
  memory.fill(v, 0, (<usize>n * <usize>n) << 3);
  for (let i = 0; i < n; i++) store<f64>(mptr(v, n, i, i), 1.0);
  const kmax = n - 3;
  if (kmax < 0) return;
  const parBase = vptr(buf, NB * n);
  for (let kb = (kmax / NB) * NB; kb >= 0; kb -= NB) {
    let ng = 0;
    for (let g = 0; g < NG; g++) {
      const kg = kb + 4 * g;
      if (kg > kmax) break;
      packGroup(a, n, bet, kg, kmax, vptr(buf, 4 * g * n), vptr(parBase, 16 * g));
      ng++;
    }
    let r = kb + 1;
    for (; r + 1 < n; r += 2) {
      const x = mptr(v, n, r, 0);
      const y = x + ((<usize>n) << 3);
      for (let g = ng - 1; g >= 0; g--) {
        const kg = kb + 4 * g;
        const vg = vptr(buf, 4 * g * n);
        applyGroup2(vptr(x, kg + 1), vptr(y, kg + 1), vg, n - kg - 1, vptr(parBase, 16 * g));
      }
    }
    if (r < n) {
      // last row alone: pair it with a row of zeros, which stays zero
      const x = mptr(v, n, r, 0);
      memory.fill(zrow, 0, (<usize>n) << 3);
      for (let g = ng - 1; g >= 0; g--) {
        const kg = kb + 4 * g;
        const vg = vptr(buf, 4 * g * n);
        applyGroup2(vptr(x, kg + 1), vptr(zrow, kg + 1), vg, n - kg - 1, vptr(parBase, 16 * g));
      }
    }
  }
}

// ---- implicit QR on the tridiagonal matrix, with buffered rotations ----

let gV: usize = 0; // eigenvector rows
let gN: i32 = 0;
let gCs: usize = 0; // (c, s) pairs
let gSw: usize = 0; // sweeps: (lo: i32, count: i32)
let gCap: i32 = 0; // capacity in rotations (and in sweeps)
let gNrot: i32 = 0;
let gNsw: i32 = 0;
let gPanel: usize = 0; // contiguous copy of one 8-column panel (n x 8)

/** Rotation buffer capacity for size n. */
function rotCap(n: i32): i32 {
  return max(64 * n, 1024); // >= (NB * n + 16 * NG) / 2: formQt borrows the buffer
}

/** f64 slots of workspace for eigh with size n. */
export function eighWorkSize(n: i32): i32 {
  const n2 = (max(n, 1) + 1) & ~1;
  return 14 * n2 + 3 * rotCap(n);
}

/**
 * Apply all buffered sweeps to columns col0..col0+7 of V. The panel is first
 * copied to a contiguous buffer (64 bytes per row): rows of V are n * 8 bytes
 * apart, which for power-of-two n maps a whole panel onto a few cache sets.
 */
function panel8(col0: i32): void {
  const rs = (<usize>gN) << 3;
  const src = gV + ((<usize>col0) << 3);
  const buf = gPanel;
  for (let i = 0; i < gN; i++) {
    const s = src + <usize>i * rs;
    const b = buf + ((<usize>i) << 6);
    v128.store(b, v128.load(s));
    v128.store(b, v128.load(s, 16), 16);
    v128.store(b, v128.load(s, 32), 32);
    v128.store(b, v128.load(s, 48), 48);
  }
  let cs = gCs;
  for (let q = 0; q < gNsw; q++) {
    const lo = load<i32>(gSw + ((<usize>q) << 3));
    const cnt = load<i32>(gSw + ((<usize>q) << 3), 4);
    let pr = buf + ((<usize>lo) << 6);
    let x0 = v128.load(pr);
    let x1 = v128.load(pr, 16);
    let x2 = v128.load(pr, 32);
    let x3 = v128.load(pr, 48);
    for (let t = 0; t < cnt; t++) {
      const cv = v128.load(cs);
      cs += 16;
      const c = v128.shuffle<f64>(cv, cv, 0, 0);
      const s = v128.shuffle<f64>(cv, cv, 1, 1);
      const y0 = v128.load(pr, 64);
      const y1 = v128.load(pr, 80);
      const y2 = v128.load(pr, 96);
      const y3 = v128.load(pr, 112);
      v128.store(pr, f64x2.add(f64x2.mul(c, x0), f64x2.mul(s, y0)));
      v128.store(pr, f64x2.add(f64x2.mul(c, x1), f64x2.mul(s, y1)), 16);
      v128.store(pr, f64x2.add(f64x2.mul(c, x2), f64x2.mul(s, y2)), 32);
      v128.store(pr, f64x2.add(f64x2.mul(c, x3), f64x2.mul(s, y3)), 48);
      x0 = f64x2.sub(f64x2.mul(c, y0), f64x2.mul(s, x0));
      x1 = f64x2.sub(f64x2.mul(c, y1), f64x2.mul(s, x1));
      x2 = f64x2.sub(f64x2.mul(c, y2), f64x2.mul(s, x2));
      x3 = f64x2.sub(f64x2.mul(c, y3), f64x2.mul(s, x3));
      pr += 64;
    }
    v128.store(pr, x0);
    v128.store(pr, x1, 16);
    v128.store(pr, x2, 32);
    v128.store(pr, x3, 48);
  }
  for (let i = 0; i < gN; i++) {
    const s = src + <usize>i * rs;
    const b = buf + ((<usize>i) << 6);
    v128.store(s, v128.load(b));
    v128.store(s, v128.load(b, 16), 16);
    v128.store(s, v128.load(b, 32), 32);
    v128.store(s, v128.load(b, 48), 48);
  }
}

/** Apply all buffered sweeps to columns col0, col0+1 of V. */
function panel2(col0: i32): void {
  const rs = (<usize>gN) << 3;
  const base = gV + ((<usize>col0) << 3);
  let cs = gCs;
  for (let q = 0; q < gNsw; q++) {
    const lo = load<i32>(gSw + ((<usize>q) << 3));
    const cnt = load<i32>(gSw + ((<usize>q) << 3), 4);
    let pr = base + <usize>lo * rs;
    let x0 = v128.load(pr);
    for (let t = 0; t < cnt; t++) {
      const cv = v128.load(cs);
      cs += 16;
      const c = v128.shuffle<f64>(cv, cv, 0, 0);
      const s = v128.shuffle<f64>(cv, cv, 1, 1);
      const qr = pr + rs;
      const y0 = v128.load(qr);
      v128.store(pr, f64x2.add(f64x2.mul(c, x0), f64x2.mul(s, y0)));
      x0 = f64x2.sub(f64x2.mul(c, y0), f64x2.mul(s, x0));
      pr = qr;
    }
    v128.store(pr, x0);
  }
}

/** Apply all buffered sweeps to column col of V. */
function panel1(col: i32): void {
  const rs = (<usize>gN) << 3;
  const base = gV + ((<usize>col) << 3);
  let cs = gCs;
  for (let q = 0; q < gNsw; q++) {
    const lo = load<i32>(gSw + ((<usize>q) << 3));
    const cnt = load<i32>(gSw + ((<usize>q) << 3), 4);
    let pr = base + <usize>lo * rs;
    let x = load<f64>(pr);
    for (let t = 0; t < cnt; t++) {
      const c = load<f64>(cs);
      const s = load<f64>(cs, 8);
      cs += 16;
      const qr = pr + rs;
      const y = load<f64>(qr);
      store<f64>(pr, c * x + s * y);
      x = c * y - s * x;
      pr = qr;
    }
    store<f64>(pr, x);
  }
}

/** Apply and clear the rotation buffer. */
function flush(): void {
  if (gNsw == 0) return;
  let col = 0;
  for (; col + 16 <= gN; col += 16) {
    panel8(col);
    panel8(col + 8);
  }
  if (col + 8 <= gN) {
    panel8(col);
    col += 8;
  }
  for (; col + 2 <= gN; col += 2) panel2(col);
  if (col < gN) panel1(col);
  gNrot = 0;
  gNsw = 0;
}

/** Start a sweep of cnt rotations on rows lo..lo+cnt (flushing if the buffer is full). */
function beginSweep(lo: i32, cnt: i32): void {
  if (gNrot + cnt > gCap || gNsw >= gCap) flush();
  const o = gSw + ((<usize>gNsw) << 3);
  store<i32>(o, lo);
  store<i32>(o, cnt, 4);
  gNsw++;
}

@inline function pushRot(c: f64, s: f64): void {
  const o = gCs + ((<usize>gNrot) << 4);
  store<f64>(o, c);
  store<f64>(o, s, 8);
  gNrot++;
}

/** sqrt(x^2 + y^2) without overflow or destructive underflow. */
function hyp(x: f64, y: f64): f64 {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const big = max(ax, ay);
  if (big == 0.0) return 0.0;
  const t = min(ax, ay) / big;
  return big * Math.sqrt(1.0 + t * t);
}

/** Absolute deflation threshold of the current QR pass: EPS * ||T||_inf. */
let gTol: f64 = 0.0;

/** ||T||_inf of the tridiagonal (d, e). */
function tnorm(d: usize, e: usize, n: i32): f64 {
  let t = 0.0;
  let prev = 0.0;
  for (let i = 0; i < n; i++) {
    const ei = Math.abs(load<f64>(vptr(e, i)));
    t = max(t, prev + Math.abs(load<f64>(vptr(d, i))) + ei);
    prev = ei;
  }
  return t;
}

/**
 * e[i] negligible: below EPS times its diagonal neighbours, or below EPS
 * ||T|| (norm-wise backward stable; keeps a near-zero eigenvalue from
 * needing extra sweeps).
 */
@inline function negligible(d: usize, e: usize, i: i32): bool {
  const ee = Math.abs(load<f64>(vptr(e, i)));
  return ee <= gTol ||
    ee <= EPS * (Math.abs(load<f64>(vptr(d, i))) + Math.abs(load<f64>(vptr(d, i + 1)))) ||
    ee <= TINY;
}

/** Diagonalise the 2x2 block at (k, k+1) with one Jacobi rotation (recorded if rec). */
function jacobi2(d: usize, e: usize, k: i32, rec: bool): void {
  const a = load<f64>(vptr(d, k));
  const b = load<f64>(vptr(e, k));
  const c = load<f64>(vptr(d, k + 1));
  const tau = (c - a) / (2.0 * b);
  const t = (tau >= 0.0 ? -1.0 : 1.0) / (Math.abs(tau) + Math.sqrt(1.0 + tau * tau));
  const cc = 1.0 / Math.sqrt(1.0 + t * t);
  const ss = t * cc;
  store<f64>(vptr(d, k), a + t * b);
  store<f64>(vptr(d, k + 1), c - t * b);
  store<f64>(vptr(e, k), 0.0);
  if (rec) {
    beginSweep(k, 1);
    pushRot(cc, ss);
  }
}

/** Wilkinson shift: the eigenvalue of the trailing 2x2 of the block ending at hi nearer d[hi]. */
function wilkinson(d: usize, e: usize, hi: i32): f64 {
  const a = load<f64>(vptr(d, hi - 1));
  const b = load<f64>(vptr(e, hi - 1));
  const c = load<f64>(vptr(d, hi));
  const delta = 0.5 * (a - c);
  const r = hyp(delta, b);
  const den = delta >= 0.0 ? delta + r : delta - r;
  return c - (b / den) * b;
}

/**
 * One implicit QR step with shift mu on the unreduced block lo..hi: a bulge
 * chase with Givens rotations R_k on (k, k+1), T <- R_k T R_k^T, recorded
 * (rows of V: V <- R_k V) if rec.
 */
function qrStep(d: usize, e: usize, lo: i32, hi: i32, mu: f64, rec: bool): void {
  let x = load<f64>(vptr(d, lo)) - mu;
  let z = load<f64>(vptr(e, lo));
  if (rec) beginSweep(lo, hi - lo);
  for (let k = lo; k < hi; k++) {
    // sqrt(x^2 + z^2) directly when that cannot under/overflow (the usual case)
    const q = x * x + z * z;
    const rr = q > 1e-280 && q < 1e280 ? Math.sqrt(q) : hyp(x, z);
    let cc = 1.0;
    let ss = 0.0;
    if (rr != 0.0) {
      const inv = 1.0 / rr;
      cc = x * inv;
      ss = z * inv;
    }
    if (k > lo) store<f64>(vptr(e, k - 1), rr);
    const ak = load<f64>(vptr(d, k));
    const bk = load<f64>(vptr(e, k));
    const ak1 = load<f64>(vptr(d, k + 1));
    const c2 = cc * cc;
    const s2 = ss * ss;
    const csb = 2.0 * cc * ss * bk;
    store<f64>(vptr(d, k), c2 * ak + csb + s2 * ak1);
    store<f64>(vptr(d, k + 1), s2 * ak - csb + c2 * ak1);
    const bnew = cc * ss * (ak1 - ak) + (c2 - s2) * bk;
    store<f64>(vptr(e, k), bnew);
    if (k < hi - 1) {
      const ek1 = load<f64>(vptr(e, k + 1));
      z = ss * ek1;
      store<f64>(vptr(e, k + 1), cc * ek1);
      x = bnew;
    }
    if (rec) pushRot(cc, ss);
  }
}

/** Index of the unused entry of lam (n values, ascending) nearest x, or -1. */
function nearestUnused(lam: usize, used: usize, n: i32, x: f64): i32 {
  // first index with lam >= x
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (load<f64>(vptr(lam, mid)) < x) lo = mid + 1;
    else hi = mid;
  }
  let r = lo;
  while (r < n && load<f64>(vptr(used, r)) != 0.0) r++;
  let l = lo - 1;
  while (l >= 0 && load<f64>(vptr(used, l)) != 0.0) l--;
  if (l < 0) return r < n ? r : -1;
  if (r >= n) return l;
  return x - load<f64>(vptr(lam, l)) <= load<f64>(vptr(lam, r)) - x ? l : r;
}

/** Mark the unused entry of lam nearest x as used. */
function markUsed(lam: usize, used: usize, n: i32, x: f64): void {
  const j = nearestUnused(lam, used, n, x);
  if (j >= 0) store<f64>(vptr(used, j), 1.0);
}

/** Sort n f64 ascending in place (heapsort). */
function sortAscending(x: usize, n: i32): void {
  for (let start = (n >> 1) - 1; start >= 0; start--) siftDown(x, start, n);
  for (let end = n - 1; end > 0; end--) {
    const t = load<f64>(x);
    store<f64>(x, load<f64>(vptr(x, end)));
    store<f64>(vptr(x, end), t);
    siftDown(x, 0, end);
  }
}

function siftDown(x: usize, i0: i32, n: i32): void {
  let i = i0;
  const v = load<f64>(vptr(x, i));
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && load<f64>(vptr(x, c + 1)) > load<f64>(vptr(x, c))) c++;
    const vc = load<f64>(vptr(x, c));
    if (vc <= v) break;
    store<f64>(vptr(x, i), vc);
    i = c;
  }
  store<f64>(vptr(x, i), v);
}

/**
 * Diagonalise (d, e) in place by implicit QR with deflation from the bottom.
 * rec: record the rotations (applied to the rows of gV). lam != 0: ascending
 * eigenvalues of the same matrix from an earlier pass, used as shifts (the
 * unused one nearest the Wilkinson shift; plain Wilkinson after two misses on
 * the same bottom row), used: n flags. Returns a status.
 */
function qrLoop(d: usize, e: usize, n: i32, rec: bool, lam: usize, used: usize): i32 {
  const maxIter = MAX_ITER_PER_VALUE * n;
  gTol = 8.0 * EPS * tnorm(d, e, n);
  let iters = 0;
  let hi = n - 1;
  let lastHi = -1;
  let tries = 0;
  while (hi > 0) {
    let lo = hi;
    while (lo > 0) {
      if (negligible(d, e, lo - 1)) {
        store<f64>(vptr(e, lo - 1), 0.0);
        break;
      }
      lo--;
    }
    if (lo == hi) {
      if (lam != 0) markUsed(lam, used, n, load<f64>(vptr(d, hi)));
      hi--;
      continue;
    }
    if (lo == hi - 1) {
      jacobi2(d, e, lo, rec);
      if (lam != 0) {
        markUsed(lam, used, n, load<f64>(vptr(d, lo)));
        markUsed(lam, used, n, load<f64>(vptr(d, hi)));
      }
      hi -= 2;
      continue;
    }
    if (++iters > maxIter) {
      if (rec) flush();
      return ERR_NO_CONVERGENCE;
    }
    if (hi != lastHi) {
      lastHi = hi;
      tries = 0;
    }
    let mu = wilkinson(d, e, hi);
    if (lam != 0 && tries < 2) {
      const j = nearestUnused(lam, used, n, mu);
      if (j >= 0) mu = load<f64>(vptr(lam, j));
    }
    tries++;
    qrStep(d, e, lo, hi, mu, rec);
  }
  if (rec) flush();
  return OK;
}

/**
 * Eigenvalues and rotated gV for the tridiagonal (d, e): a first QR pass on
 * copies computes the eigenvalues alone (O(n^2)); the second pass, which
 * records the rotations, uses them as shifts so that most eigenvalues
 * deflate after a single sweep. Scratch: dd, ee, lam, used (n slots each).
 */
function tridiagQR(d: usize, e: usize, n: i32, dd: usize, ee: usize, lam: usize, used: usize): i32 {
  memory.copy(dd, d, (<usize>n) << 3);
  memory.copy(ee, e, (<usize>n) << 3);
  const st = qrLoop(dd, ee, n, false, 0, 0);
  if (st != OK) return st;
  memory.copy(lam, dd, (<usize>n) << 3);
  sortAscending(lam, n);
  memory.fill(used, 0, (<usize>n) << 3);
  return qrLoop(d, e, n, true, lam, used);
}

/** 2^p for p in [-1022, 1023]. */
@inline function pow2(p: i32): f64 {
  return reinterpret<f64>((<u64>(p + 1023)) << 52);
}

/**
 * Eigen-decomposition of the real symmetric matrix a (n x n, row-major; only
 * the upper triangle j >= i is read; a is destroyed).
 * values (n): eigenvalues, descending.
 * vectors (n x n, row-major): row i is the unit eigenvector of values[i]; the
 * component of largest magnitude in each row is positive (first one on ties).
 * work: eighWorkSize(n) f64 slots (16-byte aligned).
 * Returns 0 on success, -1 if the QR iteration did not converge (30 n
 * iterations), -2 if n < 1.
 */
export function eigh(a: usize, n: i32, values: usize, vectors: usize, work: usize): i32 {
  if (n < 1) return ERR_BAD_SIZE;
  // scale to max |a_ij| in [1, 2) by an exact power of two
  let amax = 0.0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) amax = max(amax, Math.abs(load<f64>(mptr(a, n, i, j))));
  }
  if (amax == 0.0) {
    memory.fill(values, 0, (<usize>n) << 3);
    memory.fill(vectors, 0, (<usize>n * <usize>n) << 3);
    for (let i = 0; i < n; i++) store<f64>(mptr(vectors, n, i, i), 1.0);
    return OK;
  }
  let p = <i32>((reinterpret<u64>(amax) >> 52) & 0x7ff) - 1023;
  p = min(max(p, -1022), 1022);
  const sc = pow2(-p);
  const inv = pow2(p);
  if (p != 0) {
    for (let i = 0; i < n; i++) scale(mptr(a, n, i, i), sc, mptr(a, n, i, i), n - i);
  }

  const n2 = (n + 1) & ~1;
  const d = work;
  const e = vptr(d, n2);
  const bet = vptr(e, n2);
  const p0 = vptr(bet, n2);
  const p1 = vptr(p0, n2);
  const w = vptr(p1, n2);
  const cap = rotCap(n);
  gPanel = vptr(w, n2);
  gCs = gPanel + ((<usize>n2) << 6);
  gSw = gCs + ((<usize>cap) << 4);
  gCap = cap;
  gNrot = 0;
  gNsw = 0;
  gV = vectors;
  gN = n;

  tridiag(a, n, d, e, bet, p0, p1, w);
  formQt(a, n, bet, vectors, gCs, gPanel);
  const status = tridiagQR(d, e, n, p0, p1, w, bet);
  if (status != OK) return status;

  // sort descending (selection; rows of V follow), scale back
  const rowBytes = (<usize>n) << 3;
  for (let i = 0; i < n; i++) {
    let jm = i;
    let vm = load<f64>(vptr(d, i));
    for (let j = i + 1; j < n; j++) {
      const vj = load<f64>(vptr(d, j));
      if (vj > vm) {
        vm = vj;
        jm = j;
      }
    }
    if (jm != i) {
      store<f64>(vptr(d, jm), load<f64>(vptr(d, i)));
      store<f64>(vptr(d, i), vm);
      swapRows(mptr(vectors, n, i, 0), mptr(vectors, n, jm, 0), n);
    }
    store<f64>(vptr(values, i), vm * inv);
  }
  // sign: largest-magnitude component positive
  for (let i = 0; i < n; i++) {
    const row = vectors + <usize>i * rowBytes;
    let best = -1.0;
    let sgn = 1.0;
    for (let j = 0; j < n; j++) {
      const x = load<f64>(vptr(row, j));
      const ax = Math.abs(x);
      if (ax > best) {
        best = ax;
        sgn = x;
      }
    }
    if (sgn < 0.0) scale(row, -1.0, row, n);
  }
  return OK;
}

/** Swap m contiguous f64 between x and y. */
function swapRows(x: usize, y: usize, m: i32): void {
  let j = 0;
  for (; j + 2 <= m; j += 2) {
    const o = (<usize>j) << 3;
    const t = v128.load(x + o);
    v128.store(x + o, v128.load(y + o));
    v128.store(y + o, t);
  }
  for (; j < m; j++) {
    const o = (<usize>j) << 3;
    const t = load<f64>(x + o);
    store<f64>(x + o, load<f64>(y + o));
    store<f64>(y + o, t);
  }
}
