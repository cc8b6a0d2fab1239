/**
 * The adaptive linearly implicit Rosenbrock-W method ROS34PW2 (Rang &
 * Angermann 2005, see {@link ROS34PW2}) for stiff problems: 4 stages, order
 * 3 (also with an inexact Jacobian), L-stable and stiffly accurate, embedded
 * order-2 solution, a cubic continuous extension built from the stages.
 *
 * Each step attempt factors I / (h gamma) - J once (LU with partial
 * pivoting, `lu.ts`) and solves four linear systems with it. J is
 * `opts.jacobian` or, by default, forward differences with increments
 * sqrt(eps) max(|y_j|, atol_j / max(rtol_j, 1e-6)) (n evaluations), and
 * df/dt a forward difference in t (1 evaluation; skipped when
 * `opts.autonomous`); both are computed once per accepted state and reused
 * when a step from it is rejected. Per step attempt: 3 stage evaluations;
 * per accepted step: 1 more, f(t_new, y_new), the next step's first stage
 * (not after the last step). A singular iteration matrix halves the step;
 * five times in a row stop the solve.
 *
 * @module
 */
import { IntegrationError } from "../core/errors.ts";
import { PredictiveController } from "./control.ts";
import { luFactor, luSolve } from "./lu.ts";
import { type AdaptiveEntry, assertFinite, type MethodCache, type MethodSetup } from "./method.ts";
import type { Jacobian, Rhs } from "./types.ts";

/**
 * A Rosenbrock method with an embedded solution, in the form of Hairer &
 * Wanner (Solving ODE II, IV.7 (7.4)) with the exact Jacobian f_y replaced by
 * an approximation W (a Rosenbrock-W method):
 *
 *   k_i = h f(t + alpha_i h, y + sum_{j<i} alpha_ij k_j)
 *         + h W sum_{j<=i} gamma_ij k_j + gamma_i h^2 df/dt,
 *   y_new = y + sum_i b_i k_i,   y_hat = y + sum_i bHat_i k_i,
 *
 * with gamma_ii = gamma, alpha_i = sum_j alpha_ij and gamma_i = sum_{j<=i} gamma_ij.
 */
export interface RosenbrockTableau {
  /** Name of the method. */
  readonly name: string;
  /** Order of y_new, also when W is not the exact Jacobian. */
  readonly order: number;
  /** Order of the embedded y_hat. */
  readonly embeddedOrder: number;
  /** The diagonal gamma_ii. */
  readonly gamma: number;
  /** alpha_ij, strictly lower triangular, s x s row-major rows. */
  readonly alpha: readonly (readonly number[])[];
  /** gamma_ij below the diagonal (the diagonal is `gamma`), s x s rows. */
  readonly gammaLower: readonly (readonly number[])[];
  /** Weights of y_new. */
  readonly b: readonly number[];
  /** Weights of the embedded y_hat. */
  readonly bHat: readonly number[];
  /**
   * Continuous extension y(t + theta h) = y + sum_i b_i(theta) k_i with
   * b_i(theta) = sum_k dense[i][k] theta^(k+1), and b_i(1) = b_i.
   */
  readonly dense: readonly (readonly number[])[];
}

/**
 * ROS34PW2 of J. Rang and L. Angermann, "New Rosenbrock W-methods of order 3
 * for partial differential algebraic equations of index 1", BIT Numerical
 * Mathematics 45 (2005) 761–787 (the 17-digit coefficients as also distributed
 * with PETSc, TSROSWRA34PW2; the tests check their order conditions and
 * stability): 4 stages, order 3 for ANY W (a W-method, so
 * an inexact, e.g. finite-difference, Jacobian costs stability margin but not
 * order), L-stable and stiffly accurate (b is the last row of alpha + Gamma,
 * so R(-inf) = 0); the embedded solution has order 2 and is A-stable with
 * |R_hat(-inf)| ~ 0.48. gamma ~ 0.4358665215 is the root of
 * gamma^3 - 3 gamma^2 + 3/2 gamma - 1/6 = 0.
 *
 * The continuous extension `dense` is ours: the unique cubic b(theta) with
 * b(1) = b satisfying, for every theta, the order-2 W-method conditions
 * sum b_i(theta) = theta, sum b_i(theta) alpha_i = theta^2 / 2 and
 * sum b_i(theta) gamma_i = 0 (gamma_i = sum_{j<=i} gamma_ij), and the one
 * order-3 condition sum b_i(theta) alpha_i^2 = theta^3 / 3 (solved in 40-digit
 * arithmetic). Its local error is O(h^3), like the error estimate, and being
 * built from the damped stages k_i (not from f at the step ends, as a Hermite
 * interpolant would be) it does not amplify stiff components:
 * |R_theta(z)| <= 1 for z <= 0 and theta in [0, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ROS34PW2 } from "./rosenbrock.ts";
 * assert.ok(Math.abs(ROS34PW2.b.reduce((s, x) => s + x, 0) - 1) < 1e-15);
 * ```
 */
export const ROS34PW2: RosenbrockTableau = deepFreeze({
  name: "ROS34PW2",
  order: 3,
  embeddedOrder: 2,
  gamma: 4.3586652150845900e-01,
  alpha: [
    [0, 0, 0, 0],
    [8.7173304301691801e-01, 0, 0, 0],
    [8.4457060015369423e-01, -1.1299064236484185e-01, 0, 0],
    [0, 0, 1, 0],
  ],
  gammaLower: [
    [0, 0, 0, 0],
    [-8.7173304301691801e-01, 0, 0, 0],
    [-9.0338057013044082e-01, 5.4180672388095326e-02, 0, 0],
    [2.4212380706095346e-01, -1.2232505839045147e+00, 5.4526025533510214e-01, 0],
  ],
  b: [
    2.4212380706095346e-01,
    -1.2232505839045147e+00,
    1.5452602553351020e+00,
    4.3586652150845900e-01,
  ],
  bHat: [
    3.7810903145819369e-01,
    -9.6042292212423178e-02,
    5.0000000000000000e-01,
    2.1793326075422950e-01,
  ],
  dense: [
    [1.0564298455794099, -1.3864882699759595, 0.57218223145750301],
    [2.2964299742810698, -8.2626117002756837, 4.7429311420900992],
    [-1.3075995645253772, 7.2509798950560606, -4.3981200751955814],
    [-1.0452602553351026, 2.3981200751955826, -0.9169932983520209],
  ],
});

function deepFreeze<T>(x: T): T {
  if (typeof x === "object" && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

/**
 * The tableau in the transformed variables U_i = sum_{j<=i} gamma_ij k_j / h
 * (Hairer & Wanner IV.7 (7.25)), which need no matrix-vector products:
 *
 *   (I / (h gamma) - W) U_i = f(t + alpha_i h, y + sum_{j<i} a_ij U_j)
 *                             + sum_{j<i} (c_ij / h) U_j + gamma_i h df/dt,
 *   y_new = y + sum_i m_i U_i,   y_new - y_hat = sum_i e_i U_i,
 *
 * with a = alpha Gamma^-1, C = diag(1 / gamma) - Gamma^-1, m = b Gamma^-1,
 * e = (b - bHat) Gamma^-1 and dense output y + sum_j d_j(theta) U_j with
 * d(theta) = b(theta) Gamma^-1, computed here once in double precision.
 */
interface TransformedTableau {
  s: number;
  gamma: number;
  a: Float64Array[];
  c: Float64Array[];
  m: Float64Array;
  e: Float64Array;
  /** d_j(theta) = sum_k dense[j][k] theta^(k+1). */
  dense: Float64Array[];
  /** alpha_i = sum_j alpha_ij (stage times). */
  nodes: Float64Array;
  /** gamma_i = sum_{j<=i} gamma_ij (df/dt weights). */
  gammaSums: Float64Array;
}

function transformTableau(tab: RosenbrockTableau): TransformedTableau {
  const s = tab.b.length;
  const G = Array.from(
    { length: s },
    (_, i) =>
      Float64Array.from(
        { length: s },
        (_, j) => (i === j ? tab.gamma : j < i ? tab.gammaLower[i][j] : 0),
      ),
  );
  // inverse of the lower triangular Gamma, column by column
  const Gi = Array.from({ length: s }, () => new Float64Array(s));
  for (let j = 0; j < s; j++) {
    Gi[j][j] = 1 / G[j][j];
    for (let i = j + 1; i < s; i++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum += G[i][k] * Gi[k][j];
      Gi[i][j] = -sum / G[i][i];
    }
  }
  const a = Array.from({ length: s }, () => new Float64Array(s));
  const c = Array.from({ length: s }, () => new Float64Array(s));
  const m = new Float64Array(s), e = new Float64Array(s);
  const nodes = new Float64Array(s), gammaSums = new Float64Array(s);
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum += tab.alpha[i][k] * Gi[k][j];
      a[i][j] = sum;
      c[i][j] = -Gi[i][j];
      nodes[i] += tab.alpha[i][j];
    }
    for (let j = 0; j <= i; j++) gammaSums[i] += G[i][j];
  }
  const deg = tab.dense[0].length;
  const dense = Array.from({ length: s }, () => new Float64Array(deg));
  for (let j = 0; j < s; j++) {
    for (let k = j; k < s; k++) {
      m[j] += tab.b[k] * Gi[k][j];
      e[j] += (tab.b[k] - tab.bHat[k]) * Gi[k][j];
      for (let q = 0; q < deg; q++) dense[j][q] += tab.dense[k][q] * Gi[k][j];
    }
  }
  return { s, gamma: tab.gamma, a, c, m, e, dense, nodes, gammaSums };
}

/** Consecutive singular iteration matrices (each halving h) before giving up. */
const SINGULAR_RETRIES = 5;
const SQRT_EPS = Math.sqrt(Number.EPSILON);

/**
 * Buffers of a Rosenbrock-W method: state, trial state, f at both, df/dt,
 * the s transformed stages, the Jacobian, the factored iteration matrix and
 * its pivots.
 */
class RosenbrockCache implements MethodCache {
  y: Float64Array;
  yNew: Float64Array;
  evaluations = 0;
  readonly #tab: TransformedTableau;
  readonly #rhs: Rhs;
  readonly #atol: Float64Array;
  readonly #rtol: Float64Array;
  readonly #jacobian: Jacobian | undefined;
  readonly #autonomous: boolean;
  #f0: Float64Array; // f(t, y)
  #f1: Float64Array; // f(tNew, yNew), the next step's f0
  readonly #ft: Float64Array; // df/dt (stays 0 when autonomous)
  readonly #U: Float64Array[];
  readonly #yt: Float64Array;
  readonly #fs: Float64Array;
  readonly #J: Float64Array;
  readonly #M: Float64Array;
  readonly #piv: Int32Array;
  /** Finite-difference increment floor per component ("atol scale"). */
  readonly #fdFloor: Float64Array;
  /** Dense-output weights at one theta. */
  readonly #dw: Float64Array;
  #needJacobian = true;
  #singularRun = 0;
  /** The last attempt. */
  #t = 0;
  #tNew = 0;

  constructor(tab: TransformedTableau, { rhs, n, y0, atol, rtol, opts }: MethodSetup) {
    this.#tab = tab;
    this.#rhs = rhs;
    this.#atol = atol;
    this.#rtol = rtol;
    this.#jacobian = opts.jacobian;
    this.#autonomous = opts.autonomous === true;
    this.#dw = new Float64Array(tab.s);
    this.y = Float64Array.from(y0);
    this.yNew = new Float64Array(n);
    this.#f0 = new Float64Array(n);
    this.#f1 = new Float64Array(n);
    this.#ft = new Float64Array(n);
    this.#U = Array.from({ length: tab.s }, () => new Float64Array(n));
    this.#yt = new Float64Array(n);
    this.#fs = new Float64Array(n);
    this.#J = new Float64Array(n * n);
    this.#M = new Float64Array(n * n);
    this.#piv = new Int32Array(n);
    this.#fdFloor = new Float64Array(n);
    for (let i = 0; i < n; i++) this.#fdFloor[i] = atol[i] / Math.max(rtol[i], 1e-6);
  }

  /** f(t0, y0), the first stage of the first step. */
  start(t: number): Float64Array {
    this.#rhs(t, this.y, this.#f0);
    this.evaluations++;
    assertFinite(this.#f0, t, "the right-hand side");
    return this.#f0;
  }

  /** Jacobian and df/dt at (t, y): once per accepted state, reused by retries. */
  #jacobianAt(t: number, h: number): void {
    const rhs = this.#rhs, y = this.y, yt = this.#yt, fs = this.#fs, f0 = this.#f0;
    const J = this.#J, ft = this.#ft;
    const n = y.length;
    if (this.#jacobian) {
      J.fill(0);
      this.#jacobian(t, y, J);
    } else {
      yt.set(y);
      for (let j = 0; j < n; j++) {
        const yj = y[j];
        const scale = Math.max(Math.abs(yj), this.#fdFloor[j]) || 1;
        const yp = yj + SQRT_EPS * scale;
        const d = yp - yj; // the increment actually representable
        yt[j] = yp;
        rhs(t, yt, fs);
        yt[j] = yj;
        for (let i = 0; i < n; i++) J[i * n + j] = (fs[i] - f0[i]) / d;
      }
      this.evaluations += n;
    }
    assertFinite(J, t, "the Jacobian", n);
    if (!this.#autonomous) {
      const tp = t + SQRT_EPS * Math.max(Math.abs(t), h);
      const dt = tp - t;
      rhs(tp, y, fs);
      this.evaluations++;
      for (let i = 0; i < n; i++) ft[i] = (fs[i] - f0[i]) / dt;
      assertFinite(ft, t, "df/dt");
    }
    this.#needJacobian = false;
  }

  attempt(t: number, h: number, tNew: number): number {
    const { s, a, c, m, e, nodes, gammaSums, gamma } = this.#tab;
    const rhs = this.#rhs, y = this.y, y1 = this.yNew, U = this.#U;
    const yt = this.#yt, fs = this.#fs, f0 = this.#f0, ft = this.#ft;
    const J = this.#J, M = this.#M, piv = this.#piv;
    const atol = this.#atol, rtol = this.#rtol;
    const n = y.length;
    this.#t = t;
    this.#tNew = tNew;
    if (this.#needJacobian) this.#jacobianAt(t, h);

    // iteration matrix I / (h gamma) - J, factored in place
    const diag = 1 / (h * gamma);
    for (let k = 0; k < n * n; k++) M[k] = -J[k];
    for (let i = 0; i < n; i++) M[i * n + i] += diag;
    if (!luFactor(M, piv, n)) {
      this.#singularRun++;
      if (this.#singularRun >= SINGULAR_RETRIES) {
        throw new IntegrationError(
          "singular-matrix",
          t,
          `the iteration matrix I / (h gamma) - J is singular (last h = ${h}, ${this.#singularRun} halvings)`,
        );
      }
      return -0.5; // retry at h / 2
    }
    this.#singularRun = 0;

    // the stages
    const inv = 1 / h;
    for (let st = 0; st < s; st++) {
      const Ui = U[st];
      const ai = a[st], ci = c[st];
      let F = f0;
      if (st > 0) {
        for (let i = 0; i < n; i++) {
          let sum = y[i];
          for (let j = 0; j < st; j++) sum += ai[j] * U[j][i];
          yt[i] = sum;
        }
        rhs(nodes[st] === 1 ? tNew : t + nodes[st] * h, yt, fs);
        F = fs;
      }
      const hg = h * gammaSums[st];
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < st; j++) sum += ci[j] * U[j][i];
        Ui[i] = F[i] + inv * sum + hg * ft[i];
      }
      luSolve(M, piv, n, Ui);
    }
    this.evaluations += s - 1;

    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      let yi = y[i], ei = 0;
      for (let j = 0; j < s; j++) {
        yi += m[j] * U[j][i];
        ei += e[j] * U[j][i];
      }
      y1[i] = yi;
      const sk = atol[i] + rtol[i] * Math.max(Math.abs(y[i]), Math.abs(yi));
      const q = sk > 0 ? ei / sk : (ei === 0 ? 0 : Infinity);
      sumSq += q * q;
    }
    return Math.sqrt(sumSq / n);
  }

  interpolate(tq: number, out: Float64Array): void {
    const { s, dense } = this.#tab;
    const y = this.y, U = this.#U, dw = this.#dw;
    const t = this.#t;
    const hStep = this.#tNew - t;
    const th = (tq - t) / hStep;
    for (let j = 0; j < s; j++) {
      const dj = dense[j];
      let w = 0;
      for (let q = dj.length - 1; q >= 0; q--) w = (w + dj[q]) * th;
      dw[j] = w;
    }
    for (let i = 0; i < y.length; i++) {
      let sum = y[i];
      for (let j = 0; j < s; j++) sum += dw[j] * U[j][i];
      out[i] = sum;
    }
  }

  /** f at the new state (the first stage of the next step), then the swaps. */
  accept(tNew: number, last: boolean): void {
    if (!last) {
      this.#rhs(tNew, this.yNew, this.#f1);
      this.evaluations++;
    }
    const ys = this.y;
    this.y = this.yNew;
    this.yNew = ys;
    const fsw = this.#f0;
    this.#f0 = this.#f1;
    this.#f1 = fsw;
    this.#needJacobian = true;
  }

  /** The right-hand side at the accepted state must be finite (after the domain guard). */
  afterAccept(t: number, last: boolean): void {
    if (!last) assertFinite(this.#f0, t, "the right-hand side");
  }

  underflowReason(): string | undefined {
    return this.#singularRun > 0 ? "singular iteration matrix" : undefined;
  }
}

const ROS = transformTableau(ROS34PW2);

/**
 * Registry entry of ROS34PW2 ("rosenbrock", alias "stiff"): adaptive
 * Rosenbrock-W of order 3 for stiff problems, error norm as for "dopri5"
 * with an O(h^3) estimate, Gustafsson's predictive controller
 * ({@link PredictiveController}, error order 3, ratio at most 6) and an
 * order-2 dense output from the stages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ROSENBROCK } from "./rosenbrock.ts";
 * assert.ok(ROSENBROCK.adaptive);
 * assert.equal(ROSENBROCK.order, 3);
 * assert.equal(ROSENBROCK.errorOrder, 3);
 * ```
 */
export const ROSENBROCK: AdaptiveEntry<"rosenbrock", "stiff"> = {
  name: "rosenbrock",
  aliases: ["stiff"],
  adaptive: true,
  order: ROS34PW2.order,
  errorOrder: ROS34PW2.embeddedOrder + 1,
  doc: "adaptive L-stable Rosenbrock-W ROS34PW2 (order 3) for stiff problems, LU solves",
  create: (setup) => new RosenbrockCache(ROS, setup),
  controller: () => new PredictiveController(ROS34PW2.embeddedOrder + 1),
};
