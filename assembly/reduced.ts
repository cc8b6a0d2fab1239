// The exact reduced SGD process (THEORY.md section 6a): online SGD of every
// rule of section 2 (vanilla, truncated, Sanger; tied; hidden biases; the
// output bias of 1b) on Gaussian inputs with r spikes over an isotropic bulk,
// x = sum_tau sqrt(rho_tau) z_tau e_tau + sigma_b xi_perp, run in the
// coordinates that carry its whole law: for the n network vectors u_i (rows
// of W, then of V when untied, then c), the spike coordinates
// A_{i tau} = u_i . e_tau (n x r) and the bulk Gram matrix
// G_ij = (P_perp u_i) . (P_perp u_j) (n x n), and the biases b (K).
//
// One step, at a cost independent of D:
//   z ~ N(0, I_r), s_tau = sqrt(rho_tau) z_tau        (the spike coordinates of x);
//   G = L diag(d) L^T (LDL^T, a zero column where a pivot is not positive);
//   eta ~ N(0, I_n): the coordinates of xi_perp in the orthonormal frame F
//     with P_perp u_i = sum_j (L diag(sqrt d))_ij F_j, so y = L diag(sqrt d) eta are the bulk projections
//     (P_perp u_i) . xi_perp, jointly N(0, G);
//   |xi_perp|^2 = |eta|^2 + chi^2(D - r - n)  (the rest of xi_perp is
//     orthogonal to the frame; its squared norm is independent of eta:
//     2 Gamma((D - r - n)/2), Marsaglia and Tsang's sampler, whose cost does
//     not depend on D);
//   u_i . x = A_i . s + sigma_b y_i,  x . x = |s|^2 + sigma_b^2 |xi_perp|^2;
//   every update is u_i <- u_i + sum_j M_ij u_j + m_i x with the old vectors
//   on the right, so A <- (I + M) A + m s^T and
//   G <- (I + M) G (I + M)^T + sigma_b ((I + M) y m^T + m y^T (I + M)^T)
//        + sigma_b^2 |xi_perp|^2 m m^T.
// This is SGD itself, exact in distribution for every D >= r + n (the frame
// is a function of the past, and xi_perp is isotropic in the bulk).
//
// M is a masked rank-one matrix for every rule: M_ij = p_i h_j when
// lc_j <= lv_i, else 0. Vanilla SGD: every residual is the full one (one
// level: M = p h^T); truncated SGD: unit u's residual
// x - c - sum_{a <= u} g_a V_a (row level u + 1, column level a + 1, c at 0);
// Sanger's rule: w_u <- (1 - d y_u^2) w_u + h y_u x - d y_u sum_{a<u} y_a w_a,
// p = -d y, h = y, row and column level u. With h^(l) = h masked to the
// columns of level <= l, q^(l) = G h^(l) and C_ll' = h^(l)T G h^(l') (prefix
// sums over the levels), (I + M) G (I + M)^T is
// G_ik + p_i q^(l_i)_k + p_k q^(l_k)_i + p_i p_k C_{l_i l_k}: with the
// sample's terms a symmetric update of rank 4 per level. A step costs
// O(n^3 / 6) for the LDL^T factor of G plus O(n (n + K) + n r).
//
// Cost, measured (K = 4 untied, n = 8, r = 3, on a loaded 2-core host, CPU
// time): about 520 ns per step with erf, 370 ns with the linear activation;
// of the linear figure, the random numbers (11 normals and the chi-square)
// take about 60 ns, the factor and y about 100 ns, the fields and the rule's
// coefficients about 90 ns, the update about 120 ns; erf's g and g' (the
// activation kernel's series) add about 150 ns for the 4 units.
//
// Shapes: A (n x r), G (n x n), b (K), sqrtRho (r), row-major f64.
// The random stream: per step r + n normals (z, then eta, one fill), then
// the gamma deviate's normals and uniforms; a run's numbers do not depend on
// how its steps are split into calls.

import { ACT_ERF, act, actDeriv } from "./activation";
import { erfUnits } from "./reduced_erf";
import { factorYFixed, updateGFixed } from "./reduced_fixed";
export { reducedErf, reducedExp } from "./reduced_erf";
import { rngFillNormal, rngNormal, rngUniform } from "./rng";
import { zigExp, zigLog } from "./ziggurat";

/** f64 slots of scratch that reducedTrain needs for n vectors, r spikes and K units. */
export function reducedWorkSize(n: i32, r: i32, k: i32): i32 {
  return 2 * n * n + 2 * r + 12 * n + 6 * k + k * k + 8 + (k + 1) * (n + k + 2 + r) + n;
}

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): f64 {
  return load<f64>(p + ((<usize>i) << 3));
}

// @ts-ignore: decorator
@inline function put(p: usize, i: i32, v: f64): void {
  store<f64>(p + ((<usize>i) << 3), v);
}

/**
 * A Gamma(a, 1) deviate, a > 0 (Marsaglia and Tsang 2000): for a >= 1,
 * d = a - 1/3, c = 1/sqrt(9 d); draw x ~ N(0, 1), v = (1 + c x)^3 until
 * v > 0 and u < 1 - 0.0331 x^4 or log u < x^2/2 + d (1 - v + log v);
 * return d v. For a < 1: Gamma(a + 1) U^(1/a). Expected draws per deviate
 * below 1.05 for every a >= 1, so the cost does not depend on a.
 */
export function gammaDeviate(st: usize, a: f64): f64 {
  if (a < 1.0) {
    const g = gammaDeviate(st, a + 1.0);
    const u = 1.0 - rngUniform(st); // (0, 1]
    const t = zigLog(u) / a;
    return t > -700.0 ? g * zigExp(t) : 0.0;
  }
  const d = a - 1.0 / 3.0;
  const c = 1.0 / Math.sqrt(9.0 * d);
  for (;;) {
    const x = rngNormal(st);
    let v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const u = rngUniform(st);
    const x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (u > 0.0 && zigLog(u) < 0.5 * x2 + d * (1.0 - v + zigLog(v))) return d * v;
  }
  return 0.0; // not reached
}

/**
 * gammaDeviate(st, a) for a >= 1 with d = a - 1/3 and c = 1/sqrt(9 d) given
 * (computed once per run: the same draws and the same numbers).
 */
// @ts-ignore: decorator
@inline function gammaLarge(st: usize, d: f64, c: f64, first: f64): f64 {
  let x = first; // the first normal, drawn by the caller with the step's others
  for (;;) {
    let v = 1.0 + c * x;
    if (v <= 0.0) {
      x = rngNormal(st);
      continue;
    }
    v = v * v * v;
    const u = rngUniform(st);
    const x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (u > 0.0 && zigLog(u) < 0.5 * x2 + d * (1.0 - v + zigLog(v))) return d * v;
    x = rngNormal(st);
  }
  return 0.0; // not reached
}

/** A chi-square deviate with df >= 0 degrees of freedom (0 for df = 0). */
export function chiSquareDeviate(st: usize, df: f64): f64 {
  if (df <= 0.0) return 0.0;
  return 2.0 * gammaDeviate(st, 0.5 * df);
}

/**
 * G = L diag(d) L^T with L unit lower triangular (LDL^T, no square root on
 * the factorisation's critical path): the strict lower part of L and d on
 * its diagonal slots; a pivot <= 0 gives d_j = 0 and a zero column (G is
 * positive semi-definite: such a pivot is a vector in the span of the
 * earlier ones, or 0). t: n slots of scratch.
 */
function ldl(G: usize, L: usize, t: usize, n: i32): void {
  for (let j = 0; j < n; j++) {
    let d = at(G, j * n + j);
    for (let k = 0; k < j; k++) {
      const tk = at(L, j * n + k) * at(L, k * n + k);
      put(t, k, tk);
      d -= at(L, j * n + k) * tk;
    }
    if (!(d > 0.0)) d = 0.0;
    put(L, j * n + j, d);
    const inv = d > 0.0 ? 1.0 / d : 0.0;
    for (let i = j + 1; i < n; i++) {
      let s = at(G, i * n + j);
      for (let k = 0; k < j; k++) s -= at(L, i * n + k) * at(t, k);
      put(L, i * n + j, s * inv);
    }
  }
}

/**
 * The update of one level (vanilla SGD, M = p h^T): with q = G h, hy = h . y,
 * hA = h^T A and C = h^T G h, Y = y + p hy, A <- A + p hA^T + m s^T and
 * G <- G + p a^T + a p^T + m w^T + w m^T, a = q + (C / 2) p,
 * w = sigma_b Y + half m (half = sigma_b^2 |xi|^2 / 2): the whole square in
 * f64x2, each entry's terms paired so that G stays exactly symmetric. Rows
 * with h_j = 0 (encoder rows, units whose g is 0) cost nothing in q.
 */
// @ts-ignore: decorator
@inline function oneLevelProducts(
  A: usize, G: usize, Q: usize, hA: usize, hy: usize, y: usize, h: usize, n: i32, r: i32,
): void {
  const nb = (<usize>n) << 3;
  const n2 = n & ~1;
  for (let c = 0; c < n; c++) put(Q, c, 0.0);
  let hyv: f64 = 0.0;
  for (let j = 0; j < n; j++) {
    const hj = at(h, j);
    if (hj == 0.0) continue;
    hyv += hj * at(y, j);
    const gj = G + (<usize>j) * nb;
    const hv = f64x2.splat(hj);
    let c = 0;
    for (; c < n2; c += 2) {
      const o = (<usize>c) << 3;
      v128.store(Q + o, f64x2.add(v128.load(Q + o), f64x2.mul(hv, v128.load(gj + o))));
    }
    if (c < n) put(Q, c, at(Q, c) + hj * at(gj, c));
  }
  let cv: f64 = 0.0;
  for (let j = 0; j < n; j++) cv += at(h, j) * at(Q, j);
  for (let t = 0; t < r; t++) put(hA, t, 0.0);
  for (let j = 0; j < n; j++) {
    const hj = at(h, j);
    if (hj == 0.0) continue;
    const aj = A + ((<usize>(j * r)) << 3);
    for (let t = 0; t < r; t++) put(hA, t, at(hA, t) + hj * at(aj, t));
  }
  put(hy, 0, hyv);
  put(hy, 1, cv);
}

/** The rest of the one-level update, after oneLevelProducts and the rule's p and m. */
// @ts-ignore: decorator
@inline function oneLevelApply(
  A: usize, G: usize, Q: usize, hA: usize, hy: usize, Wv: usize, y: usize, s: usize, p: usize,
  m: usize, n: i32, r: i32, sigmaB: f64, half: f64,
): void {
  const nb = (<usize>n) << 3;
  const n2 = n & ~1;
  const hyv = at(hy, 0);
  const c0 = 0.5 * at(hy, 1);
  for (let i = 0; i < n; i++) {
    const pi = at(p, i);
    const mi = at(m, i);
    const Yi = at(y, i) + pi * hyv;
    put(Wv, i, sigmaB * Yi + half * mi);
    put(Q, i, at(Q, i) + c0 * pi);
    const ai = A + ((<usize>(i * r)) << 3);
    for (let t = 0; t < r; t++) put(ai, t, at(ai, t) + pi * at(hA, t) + mi * at(s, t));
  }
  if (updateGFixed(n, G, p, Q, m, Wv)) return;
  for (let i = 0; i < n; i++) {
    const gi = G + (<usize>i) * nb;
    const pi = at(p, i), ai = at(Q, i), mi = at(m, i), wi = at(Wv, i);
    const pv = f64x2.splat(pi), av = f64x2.splat(ai), mv = f64x2.splat(mi), wv = f64x2.splat(wi);
    let c = 0;
    for (; c < n2; c += 2) {
      const o = (<usize>c) << 3;
      const t1 = f64x2.add(f64x2.mul(pv, v128.load(Q + o)), f64x2.mul(av, v128.load(p + o)));
      const t2 = f64x2.add(f64x2.mul(mv, v128.load(Wv + o)), f64x2.mul(wv, v128.load(m + o)));
      v128.store(gi + o, f64x2.add(f64x2.add(v128.load(gi + o), t1), t2));
    }
    if (c < n) {
      const v = at(gi, c) + (pi * at(Q, c) + ai * at(p, c)) + (mi * at(Wv, c) + wi * at(m, c));
      put(gi, c, v);
    }
  }
}

/**
 * n steps of the reduced process, in place on A (nv x r), G (nv x nv) and
 * b (K), with generator st.
 * nv: network vectors (K untied rows of W, then K of V, then c when ob != 0;
 * tied networks and Sanger's rule have W only, then c). r spikes with
 * sqrt(rho_tau) at sqrtRho; sigmaB the bulk standard deviation; d = D;
 * df = D - r - nv >= 0. rule: 0 vanilla, 1 truncated, 2 Sanger.
 * work: reducedWorkSize(nv, r, k) f64 slots.
 */
export function reducedTrain(
  st: usize, A: usize, G: usize, b: usize, steps: i32, nv: i32, r: i32, k: i32,
  sqrtRho: usize, sigmaB: f64, d: f64, df: f64, eta: f64, actCode: i32, rule: i32,
  tied: i32, bias: i32, ob: i32, work: usize,
): void {
  const n = nv;
  const nn = <usize>(n * n) << 3;
  const L = work;
  const Z = L + nn;
  const zs = Z + nn; // r + n normals: z, then eta
  const et = zs + ((<usize>r) << 3);
  const s = et + ((<usize>n) << 3);
  const y = s + ((<usize>r) << 3);
  const xu = y + ((<usize>n) << 3);
  const Y = xu + ((<usize>n) << 3);
  const p = Y + ((<usize>n) << 3);
  const h = p + ((<usize>n) << 3);
  const m = h + ((<usize>n) << 3);
  const lv = m + ((<usize>n) << 3);
  const lc = lv + ((<usize>n) << 3);
  const pre = lc + ((<usize>n) << 3); // K + 1 levels
  const gs = pre + ((<usize>(k + 2)) << 3);
  const gps = gs + ((<usize>k) << 3);
  const cus = gps + ((<usize>k) << 3);
  const svv = cus + ((<usize>k) << 3); // K x K: V_u . V_a
  const svc = svv + ((<usize>(k * k)) << 3); // K: V_u . c
  const Q = svc + ((<usize>k) << 3); // (K + 1) x n
  const C = Q + ((<usize>((k + 1) * n)) << 3); // (K + 1) x (K + 1)
  const hy = C + ((<usize>((k + 1) * (k + 1))) << 3); // K + 1
  const hA = hy + ((<usize>(k + 1)) << 3); // (K + 1) x r
  const Wv = hA + ((<usize>((k + 1) * r)) << 3); // n
  // vanilla SGD: every residual is the full one, a single level (M = p h^T)
  const levels = rule == 0 ? 1 : k + 1;
  const sanger = rule == 2;
  const untied = !sanger && tied == 0;
  const vOff = untied ? k : 0;
  const cIdx = ob != 0 ? n - 1 : -1;
  const invSd = 1.0 / Math.sqrt(d);
  const encRate = eta / (d * d);
  const decRate = eta / d;
  const hebb = eta / (d * Math.sqrt(d));
  const decay = eta / (d * d);
  const sb2 = sigmaB * sigmaB;

  // the levels of the mask (fixed for the run)
  for (let i = 0; i < n; i++) {
    put(lv, i, <f64>(levels - 1));
    put(lc, i, 0.0);
  }
  if (sanger) {
    for (let u = 0; u < k; u++) {
      put(lv, u, <f64>u);
      put(lc, u, <f64>u);
    }
  } else {
    for (let u = 0; u < k; u++) {
      if (rule == 1) {
        put(lc, vOff + u, <f64>(u + 1));
        put(lv, vOff + u, <f64>(u + 1));
      }
    }
  }

  // the chi-square's gamma sampler, Gamma(df / 2) with df / 2 >= 1: its constants once
  const gamD = df >= 2.0 ? 0.5 * df - 1.0 / 3.0 : 0.0;
  const gamC = gamD > 0.0 ? 1.0 / Math.sqrt(9.0 * gamD) : 0.0;
  for (let step = 0; step < steps; step++) {
    // --- the sample, in reduced coordinates ---
    // r + n normals, and with df >= 2 the gamma sampler's first one (the next in the
    // stream: the same numbers as drawing it inside the sampler), in one fill
    const big = gamD > 0.0;
    rngFillNormal(st, zs, big ? r + n + 1 : r + n);
    const gx = big ? at(zs, r + n) : 0.0; // its slot is s[0], written below
    for (let t = 0; t < r; t++) put(s, t, at(sqrtRho, t) * at(zs, t));
    // G = L diag(d) L^T row by row (L's multipliers in L's strict lower part),
    // fused with y = L diag(sqrt d) eta and |eta|^2; Z: 1/d_j (0 for a zero
    // pivot), then L_ij d_j of the current row, then sqrt(d_j) eta_j (= Y)
    const inv = Z;
    const ud = Z + ((<usize>n) << 3);
    let ee: f64 = 0.0;
    if (factorYFixed(n, G, et, y)) {
      for (let i = 0; i < n; i++) ee += at(et, i) * at(et, i);
    } else for (let i = 0; i < n; i++) {
      const Li = L + ((<usize>(i * n)) << 3);
      const Gi = G + ((<usize>(i * n)) << 3);
      let di = at(Gi, i);
      let yi: f64 = 0.0;
      for (let j = 0; j < i; j++) {
        const Lj = L + ((<usize>(j * n)) << 3);
        let u = at(Gi, j);
        for (let q = 0; q < j; q++) u -= at(ud, q) * at(Lj, q);
        put(ud, j, u);
        const l = u * at(inv, j);
        put(Li, j, l);
        di -= u * l;
        yi += l * at(Y, j);
      }
      if (!(di > 0.0)) di = 0.0;
      put(inv, i, di > 0.0 ? 1.0 / di : 0.0);
      const e = at(et, i);
      ee += e * e;
      const Yi = Math.sqrt(di) * e;
      put(Y, i, Yi);
      put(y, i, yi + Yi);
    }
    const xi2 = ee + (big ? 2.0 * gammaLarge(st, gamD, gamC, gx) : chiSquareDeviate(st, df));
    for (let i = 0; i < n; i++) {
      let acc: f64 = 0.0;
      const ai = A + ((<usize>(i * r)) << 3);
      for (let t = 0; t < r; t++) acc += at(ai, t) * at(s, t);
      put(xu, i, acc + sigmaB * at(y, i));
    }

    // --- the rule: p, h (the masked rank-one M), m (the coefficients of x) ---
    if (sanger) {
      for (let u = 0; u < k; u++) {
        const yu = at(xu, u) * invSd;
        put(p, u, -decay * yu);
        put(h, u, yu);
        put(m, u, hebb * yu);
      }
    } else if (levels == 1) {
      // vanilla: every residual is Delta = x - c - sum_a g_a V_a, so with h = -g on
      // the decoder rows and -1 on c, V_u . Delta = u_v . x + q_v + A_v . hA,
      // q = G h and hA = h^T A (which the update needs too)
      for (let u = 0; u < k; u++) {
        let pre0 = at(xu, u);
        if (bias != 0) pre0 += at(b, u);
        const lam = pre0 * invSd;
        if (actCode == ACT_ERF) {
          put(gs, u, lam);
        } else {
          put(gs, u, act(actCode, lam));
          put(gps, u, actDeriv(actCode, lam));
        }
      }
      if (actCode == ACT_ERF) erfUnits(gs, gs, gps, k);
      for (let i = 0; i < n; i++) {
        put(p, i, 0.0);
        put(h, i, 0.0);
        put(m, i, 0.0);
      }
      for (let u = 0; u < k; u++) put(h, vOff + u, -at(gs, u));
      if (cIdx >= 0) put(h, cIdx, -1.0);
      oneLevelProducts(A, G, Q, hA, hy, y, h, n, r);
      for (let u = 0; u < k; u++) {
        const iv = vOff + u;
        let acc = at(xu, iv) + at(Q, iv);
        const av = A + ((<usize>(iv * r)) << 3);
        for (let t = 0; t < r; t++) acc += at(av, t) * at(hA, t);
        const cu = acc * invSd;
        const g = at(gs, u);
        const gp = at(gps, u);
        const alpha = encRate * gp * cu;
        const beta = decRate * g;
        if (untied) {
          put(m, u, alpha);
          put(m, iv, beta);
          put(p, iv, beta);
        } else {
          put(m, u, alpha + beta);
          put(p, u, beta);
        }
        if (bias != 0) put(b, u, at(b, u) + decRate * gp * cu);
      }
      if (cIdx >= 0) {
        put(p, cIdx, decRate);
        put(m, cIdx, decRate);
      }
    } else {
      // overlaps V_u . V_a and V_u . c (spike part + bulk part)
      for (let u = 0; u < k; u++) {
        const iu = vOff + u;
        for (let a = 0; a <= u; a++) {
          const ia = vOff + a;
          let acc = at(G, iu * n + ia);
          for (let t = 0; t < r; t++) acc += at(A, iu * r + t) * at(A, ia * r + t);
          put(svv, u * k + a, acc);
          put(svv, a * k + u, acc);
        }
        if (cIdx >= 0) {
          let acc = at(G, iu * n + cIdx);
          for (let t = 0; t < r; t++) acc += at(A, iu * r + t) * at(A, cIdx * r + t);
          put(svc, u, acc);
        } else {
          put(svc, u, 0.0);
        }
      }
      for (let u = 0; u < k; u++) {
        let pre0 = at(xu, u);
        if (bias != 0) pre0 += at(b, u);
        const lam = pre0 * invSd;
        if (actCode == ACT_ERF) {
          put(gs, u, lam);
        } else {
          put(gs, u, act(actCode, lam));
          put(gps, u, actDeriv(actCode, lam));
        }
      }
      // erf: the kernel's own (assembly/reduced_erf.ts), g and g' from one exponential
      if (actCode == ACT_ERF) erfUnits(gs, gs, gps, k);
      for (let u = 0; u < k; u++) {
        // c_u = V_u . Delta_u / sqrt(D), Delta_u = x - c - sum_{a in A(u)} g_a V_a
        let acc = at(xu, vOff + u) - at(svc, u);
        const last = rule == 1 ? u : k - 1;
        for (let a = 0; a <= last; a++) acc -= at(gs, a) * at(svv, u * k + a);
        put(cus, u, acc * invSd);
      }
      for (let i = 0; i < n; i++) {
        put(p, i, 0.0);
        put(h, i, 0.0);
        put(m, i, 0.0);
      }
      for (let u = 0; u < k; u++) {
        const g = at(gs, u);
        const alpha = encRate * at(gps, u) * at(cus, u);
        const beta = decRate * g;
        put(h, vOff + u, -g);
        if (untied) {
          put(m, u, alpha);
          put(m, vOff + u, beta);
          put(p, vOff + u, beta);
        } else {
          put(m, u, alpha + beta);
          put(p, u, beta);
        }
      }
      if (cIdx >= 0) {
        put(h, cIdx, -1.0);
        put(p, cIdx, decRate);
        put(m, cIdx, decRate);
      }
      if (bias != 0) {
        for (let u = 0; u < k; u++) put(b, u, at(b, u) + decRate * at(gps, u) * at(cus, u));
      }
    }

    // --- the update ---
    if (levels == 1) {
      oneLevelApply(A, G, Q, hA, hy, Wv, y, s, p, m, n, r, sigmaB, 0.5 * sb2 * xi2);
      continue;
    }
    // per level l: hy[l] = h^(l) . y, hA[l] = h^(l)T A (r), q[l] = G h^(l) (n), with
    // h^(l)_j = h_j [lc_j <= l], by prefix sums over the columns' levels
    for (let l = 0; l < levels; l++) {
      put(hy, l, 0.0);
      for (let t = 0; t < r; t++) put(hA, l * r + t, 0.0);
      for (let i = 0; i < n; i++) put(Q, l * n + i, 0.0);
    }
    for (let j = 0; j < n; j++) {
      const hj = at(h, j);
      if (hj == 0.0) continue;
      const l = <i32>at(lc, j);
      put(hy, l, at(hy, l) + hj * at(y, j));
      for (let t = 0; t < r; t++) put(hA, l * r + t, at(hA, l * r + t) + hj * at(A, j * r + t));
      const ql = Q + ((<usize>(l * n)) << 3);
      for (let i = 0; i < n; i++) put(ql, i, at(ql, i) + hj * at(G, i * n + j));
    }
    for (let l = 1; l < levels; l++) {
      put(hy, l, at(hy, l) + at(hy, l - 1));
      for (let t = 0; t < r; t++) put(hA, l * r + t, at(hA, l * r + t) + at(hA, (l - 1) * r + t));
      for (let i = 0; i < n; i++) put(Q, l * n + i, at(Q, l * n + i) + at(Q, (l - 1) * n + i));
    }
    // C[l][l'] = h^(l)T G h^(l') for the levels of the rows (prefix over l)
    for (let l2 = 0; l2 < levels; l2++) {
      const ql2 = Q + ((<usize>(l2 * n)) << 3);
      let acc: f64 = 0.0;
      for (let l = 0; l < levels; l++) {
        for (let j = 0; j < n; j++) {
          if (<i32>at(lc, j) == l) acc += at(h, j) * at(ql2, j);
        }
        put(C, l * levels + l2, acc);
      }
    }
    // Y = (I + M) y; A <- (I + M) A + m s^T
    for (let i = 0; i < n; i++) {
      const li = <i32>at(lv, i);
      const pi = at(p, i);
      const mi = at(m, i);
      put(Y, i, at(y, i) + pi * at(hy, li));
      for (let t = 0; t < r; t++) {
        put(A, i * r + t, at(A, i * r + t) + pi * at(hA, li * r + t) + mi * at(s, t));
      }
    }
    // G <- (I + M) G (I + M)^T + sigma_b (Y m^T + m Y^T) + sigma_b^2 |xi|^2 m m^T:
    // G_ik + p_i q[l_i]_k + q[l_k]_i p_k + p_i p_k C[l_i][l_k] + m_i w_k + w_i m_k,
    // w = sigma_b Y + (sigma_b^2 |xi|^2 / 2) m; the lower half, mirrored
    const half = 0.5 * sb2 * xi2;
    for (let i = 0; i < n; i++) put(Wv, i, sigmaB * at(Y, i) + half * at(m, i));
    for (let i = 0; i < n; i++) {
      const li = <i32>at(lv, i);
      const pi = at(p, i);
      const mi = at(m, i);
      const wi = at(Wv, i);
      const qi = Q + ((<usize>(li * n)) << 3);
      const ci = C + ((<usize>(li * levels)) << 3);
      for (let c = 0; c <= i; c++) {
        const lk = <i32>at(lv, c);
        const pk = at(p, c);
        const mk = at(m, c);
        const v = at(G, i * n + c) + pi * at(qi, c) + pk * (at(Q, lk * n + i) + pi * at(ci, lk)) +
          mi * at(Wv, c) + wi * mk;
        put(G, i * n + c, v);
        put(G, c * n + i, v);
      }
    }
  }
}
