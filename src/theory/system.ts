/**
 * The projected (and density) form of the equations as an ODE system on one
 * flat state vector, with its right-hand side in WebAssembly.
 *
 * State layout (f64): Y (m x n, the vectors y = [a; b] of the n explicit
 * directions, row i = component i across directions; m = 2K, or m = 2K + 1
 * with an output bias, y = [a; b; c_tau], c_tau = c . e_tau / sqrt(D)), then
 * one Gram block S_g = sum_{tau in g} y y^T (m x m) per group of directions
 * that share an eigenvalue, then the K field means mu_k = b_k / sqrt(D) of
 * trained biases. The density form keeps no explicit vectors: every
 * direction is a group of one (S = [[q, r^T], [r, t]]).
 *
 * The domain guard (`check`): the projected form stops on any variance or
 * Gram diagonal that is not positive. The density form, as published, may
 * cross Q_kk T_kk - R_kk^2 < 0 transiently (THEORY.md 4b): there such
 * crossings are recorded as warnings (one per episode, with its time) and
 * only non-finite values or a negative predicted error stop the run.
 * @module
 */
import type { Rule } from "../problem/types.ts";
import { RECORDED_PROJECTIONS } from "../problem/prepare.ts";
import type { Spectrum } from "../data/mod.ts";
import { type Form, FORMS, type FormSpec } from "./forms.ts";
import {
  biasedFields,
  biasFlow,
  centralFields,
  type EquationAverages,
  type FieldAverages,
  flowMatrices,
  type Overlaps,
  overlapsFromMoments,
  predictedError,
} from "./equations.ts";
import type { BiasedActivationAverages } from "../activations/mod.ts";
import { type Kernels, sharedKernels } from "../kernels/wasm.ts";

/** Directions of the flow: explicit ones (with eigenvectors) and degenerate groups. */
export interface Directions {
  D: number;
  /** Eigenvalues of the explicit directions (n). */
  rho: Float64Array;
  /** Their unit eigenvectors, n x D. */
  vectors: Float64Array;
  /** Eigenvalue of each group. */
  groupRho: Float64Array;
  /** Members of each group: eigenvector rows (n_g x D), or null for the complement of all listed directions (a bulk). */
  groupVectors: (Float64Array | null)[];
  /** tr(Omega) / D. */
  traceOverD: number;
}

/**
 * Split a spectrum into explicit directions and groups: the bulk (the D - M
 * unlisted directions) is one group; listed eigenvalues equal to within
 * 1e-12 (relative) in runs longer than 2K are aggregated into a group too.
 * The density form makes every listed direction a group of one. With
 * `bins`, the projected form keeps the max(2K, 16) leading directions
 * explicit and bins the others, in rank order, into that many groups with
 * their mean eigenvalue (an approximation whose error callers measure).
 */
export function directionsOf(spec: Spectrum, K: number, form: Form, bins?: number): Directions {
  const { D } = spec;
  const M = spec.eigenvalues.length;
  const explicit: number[] = [];
  const groups: { rho: number; members: number[] | null }[] = [];
  let i = 0;
  while (i < M) {
    let j = i + 1;
    const r = spec.eigenvalues[i];
    while (j < M && Math.abs(spec.eigenvalues[j] - r) <= 1e-12 * Math.abs(r)) j++;
    const run = Array.from({ length: j - i }, (_, t) => i + t);
    // the leading RECORDED_PROJECTIONS directions stay explicit even inside a degenerate run, so that their
    // projections are reported as simulate reports them (exact either way: same flow)
    const { vectors } = FORMS[form];
    while (vectors && run.length > 0 && run[0] < RECORDED_PROJECTIONS) explicit.push(run.shift()!);
    if (run.length === 0) {
      i = j;
      continue;
    }
    if (!vectors) {
      run.forEach((t) => groups.push({ rho: spec.eigenvalues[t], members: [t] }));
    } else if (run.length > 2 * K) groups.push({ rho: r, members: run });
    else explicit.push(...run);
    i = j;
  }
  if (bins !== undefined && FORMS[form].vectors) {
    // keep the leading directions explicit; bin the rest, in rank order, into `bins` groups
    // whose eigenvalue is the mean of their members (an approximation; the trace is kept)
    const keep = Math.max(2 * K, 16);
    if (explicit.length > keep + bins) {
      const rest = explicit.splice(keep);
      for (let b = 0; b < bins; b++) {
        const members = rest.slice(
          Math.floor((b * rest.length) / bins),
          Math.floor(((b + 1) * rest.length) / bins),
        );
        const rho = members.reduce((acc, t) => acc + spec.eigenvalues[t], 0) / members.length;
        groups.push({ rho, members });
      }
    }
  }
  if (M < D) groups.push({ rho: spec.bulk, members: null });
  const rows = (idx: number[]) => {
    const out = new Float64Array(idx.length * D);
    idx.forEach((t, s) => out.set(spec.eigenvectors.subarray(t * D, (t + 1) * D), s * D));
    return out;
  };
  return {
    D,
    rho: new Float64Array(explicit.map((t) => spec.eigenvalues[t])),
    vectors: rows(explicit),
    groupRho: new Float64Array(groups.map((g) => g.rho)),
    groupVectors: groups.map((g) => (g.members ? rows(g.members) : null)),
    traceOverD: spec.traceOverD,
  };
}

/**
 * Initial state from weights W, V (K x D each, rows = units) and, for a
 * network with an output bias, c (D): a_k(tau) = w^k . e_tau,
 * b_k(tau) = v^k . e_tau / sqrt(D), c_tau = c . e_tau / sqrt(D); Gram blocks
 * summed over their members; the bulk block is X X^T minus the listed
 * directions' y y^T, with X = [W; V / sqrt(D); c / sqrt(D)].
 */
export function initialState(
  dirs: Directions,
  K: number,
  W: number[][],
  V: number[][],
  c?: ArrayLike<number>,
): Float64Array {
  const { D } = dirs;
  const m = c ? 2 * K + 1 : 2 * K;
  const n = dirs.rho.length;
  const nG = dirs.groupRho.length;
  const y = new Float64Array(m * n + nG * m * m);
  const sd = Math.sqrt(D);
  const X = [...W, ...V.map((row) => row.map((x) => x / sd))];
  if (c) X.push(Array.from(c, (x) => x / sd));
  const project = (e: Float64Array, off: number) =>
    X.map((row) => {
      let s = 0;
      for (let t = 0; t < D; t++) s += row[t] * e[off + t];
      return s;
    });
  const listedGram = new Float64Array(m * m);
  const addOuter = (target: Float64Array, base: number, p: number[]) => {
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) target[base + i * m + j] += p[i] * p[j];
  };
  for (let t = 0; t < n; t++) {
    const p = project(dirs.vectors, t * D);
    for (let i = 0; i < m; i++) y[i * n + t] = p[i];
    addOuter(listedGram, 0, p);
  }
  let bulk = -1;
  dirs.groupVectors.forEach((vecs, g) => {
    const base = m * n + g * m * m;
    if (vecs === null) {
      bulk = g;
      return;
    }
    for (let s = 0; s < vecs.length / D; s++) {
      const p = project(vecs, s * D);
      addOuter(y, base, p);
      addOuter(listedGram, 0, p);
    }
  });
  if (bulk >= 0) {
    const base = m * n + bulk * m * m;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let t = 0; t < D; t++) s += X[i][t] * X[j][t];
        y[base + i * m + j] = s - listedGram[i * m + j];
      }
    }
  }
  return y;
}

/** Options of a {@link FlowSystem} beyond the rule and the averages. */
export interface FlowOptions {
  /** The network has a trained output bias c (state rows c_tau, overlaps C and C0). */
  outputBias?: boolean;
  /** The form of the equations (default "projected"): the density form warns of domain crossings (module notes). */
  form?: Form;
  /** The learning rate at time t (a schedule, THEORY.md 7); absent: the constant `lr`. */
  lrAt?: (t: number) => number;
  /** Decoupled weight decay lambda_k per unit (THEORY.md 7); absent: none. */
  weightDecay?: readonly number[];
}

/** A warning recorded along an integration: its time and what happened. */
export interface FlowWarning {
  /** Time t at which the condition started. */
  t: number;
  /** What happened. */
  message: string;
}

/** Most warnings one integration records (further episodes are counted only). */
export const MAX_WARNINGS = 100;

/** The right-hand side and the observables of one problem, with its wasm buffers. */
export class FlowSystem {
  readonly K: number;
  /** Length of the per-direction vector: 2K, or 2K + 1 with an output bias. */
  readonly m: number;
  readonly n: number;
  readonly nG: number;
  /** Length of the part of the state carried in WebAssembly (vectors and Gram blocks). */
  readonly size: number;
  /** Length of the whole state: size, then the K bias means mu_k = b_k / sqrt(D) when biases are trained. */
  readonly stateSize: number;
  /** The bias means of the state last loaded (zeros without bias). */
  readonly mu: Float64Array;
  readonly overlaps: Overlaps;
  readonly WW: Float64Array;
  readonly #k: Kernels;
  readonly #m1: Float64Array;
  readonly #m0: Float64Array;
  readonly #P: Float64Array;
  readonly #U: Float64Array;
  readonly #ptr: {
    y: number;
    dy: number;
    rho: number;
    grho: number;
    m1: number;
    m0: number;
    p: number;
    u: number;
    work: number;
    ry: number;
  };
  rhsCount = 0;
  /** Warnings recorded by `check` (density form only), at most {@link MAX_WARNINGS}. */
  readonly warnings: FlowWarning[] = [];
  /** Episodes not recorded beyond {@link MAX_WARNINGS}. */
  suppressedWarnings = 0;
  readonly #active = new Set<string>();
  readonly #form: FormSpec;

  constructor(
    readonly dirs: Directions,
    K: number,
    readonly rule: Rule,
    readonly lr: number,
    readonly avg: EquationAverages,
    kernels: Kernels = sharedKernels(),
    readonly tied = false,
    readonly biasAvg?: BiasedActivationAverages,
    readonly options: FlowOptions = {},
  ) {
    this.K = K;
    this.#form = FORMS[options.form ?? "projected"];
    const m = options.outputBias ? 2 * K + 1 : 2 * K;
    this.m = m;
    this.n = dirs.rho.length;
    this.nG = dirs.groupRho.length;
    this.size = m * this.n + this.nG * m * m;
    this.stateSize = this.size + (biasAvg ? K : 0);
    this.mu = new Float64Array(K);
    this.#k = kernels;
    this.#ptr = {
      y: kernels.f64(this.size),
      dy: kernels.f64(this.size),
      rho: kernels.put(dirs.rho),
      grho: kernels.put(dirs.groupRho),
      m1: kernels.f64(m * m),
      m0: kernels.f64(m * m),
      p: kernels.f64(m * m),
      u: kernels.f64(m * m),
      work: kernels.f64(m * m),
      ry: kernels.f64(m * Math.max(this.n, 1)),
    };
    this.#m1 = new Float64Array(m * m);
    this.#m0 = new Float64Array(m * m);
    this.#P = new Float64Array(m * m);
    this.#U = new Float64Array(m * m);
    const kk = K * K;
    this.overlaps = {
      Q: new Float64Array(kk),
      R: new Float64Array(kk),
      T: new Float64Array(kk),
      T0: new Float64Array(kk),
      ...(options.outputBias ? { C: new Float64Array(K), C0: 0 } : {}),
    };
    this.WW = new Float64Array(kk);
  }

  /** Compute the overlaps (this.overlaps, this.WW) of state y already in wasm memory. */
  #moments(): void {
    const { K, n, nG, m } = this;
    const x = this.#k.x;
    const p = this.#ptr;
    x.projectedMoments(p.y, p.rho, n, m, p.p, p.u, p.ry);
    x.gramMoments(p.y + 8 * m * n, p.grho, nG, m, p.p, p.u);
    this.#P.set(this.#k.view(p.p, m * m));
    this.#U.set(this.#k.view(p.u, m * m));
    overlapsFromMoments(K, this.dirs.D, this.#P, this.#U, this.overlaps, this.WW);
  }

  /** Load y and compute the overlaps; returns them. */
  observe(y: Float64Array): Overlaps {
    this.#load(y);
    this.#moments();
    return this.overlaps;
  }

  #load(y: Float64Array): void {
    this.#k.write(this.#ptr.y, y.subarray(0, this.size));
    if (this.biasAvg) this.mu.set(y.subarray(this.size, this.size + this.K));
  }

  /** The field averages at the state last loaded. */
  fields(): FieldAverages {
    return this.biasAvg
      ? biasedFields(this.biasAvg, this.overlaps.Q, this.mu, this.K)
      : centralFields(this.avg, this.overlaps.Q, this.K);
  }

  /** Predicted test error of the state last loaded. */
  error(): number {
    return predictedError(this.K, this.dirs.traceOverD, this.fields(), this.overlaps);
  }

  /** dy/dt at state y. */
  rhs = (t: number, y: Float64Array, dy: Float64Array): void => {
    const { K, n, nG, m } = this;
    const x = this.#k.x;
    const p = this.#ptr;
    this.rhsCount++;
    this.#load(y);
    this.#moments();
    const f = this.fields();
    const lr = this.options.lrAt ? this.options.lrAt(t) : this.lr;
    flowMatrices(
      K,
      this.rule,
      lr,
      this.dirs.D,
      f,
      this.overlaps,
      this.#m1,
      this.#m0,
      this.tied,
      this.options.weightDecay ?? null,
    );
    this.#k.write(p.m1, this.#m1);
    this.#k.write(p.m0, this.#m0);
    x.projectedRhs(p.y, p.ry, n, m, p.m1, p.m0, p.dy);
    x.gramRhs(p.y + 8 * m * n, p.grho, nG, m, p.m1, p.m0, p.dy + 8 * m * n, p.work);
    dy.set(this.#k.view(p.dy, this.size));
    if (this.biasAvg) {
      biasFlow(K, this.rule, lr, f, this.overlaps, dy.subarray(this.size, this.size + K));
    }
  };

  /**
   * A message when the state has left the physical domain (a variance <= 0,
   * non-finite values, a negative predicted error), else null. In the density
   * form only non-finite values and a negative error stop; the other crossings
   * are recorded in {@link warnings}, once per episode.
   */
  check = (t: number, y: Float64Array): string | null => {
    const o = this.observe(y);
    const K = this.K;
    const found: [string, string][] = [];
    for (let k = 0; k < K; k++) {
      const kk = k * K + k;
      if (!Number.isFinite(this.mu[k])) {
        return `the bias mean mu_${k + 1} = ${this.mu[k]} is not finite`;
      }
      if (this.#form.warnOnCrossing) {
        for (
          const [name, x] of [["Q", o.Q[kk]], ["R", o.R[kk]], ["T", o.T[kk]], ["T0", o.T0[kk]]]
        ) {
          if (!Number.isFinite(x)) return `${name}_${k + 1}${k + 1} = ${x} is not finite`;
        }
      }
      if (!(o.Q[kk] > 0)) {
        found.push([`Q${k}`, `Q_${k + 1}${k + 1} = ${o.Q[kk]} <= 0 (a variance)`]);
      }
      if (!(o.T[kk] >= 0)) {
        found.push([`T${k}`, `T_${k + 1}${k + 1} = ${o.T[kk]} < 0 (a variance)`]);
      }
      if (!(o.T0[kk] >= 0)) {
        found.push([`T0${k}`, `T0_${k + 1}${k + 1} = ${o.T0[kk]} < 0 (a squared norm)`]);
      }
      const det = o.Q[kk] * o.T[kk] - o.R[kk] ** 2;
      if (!(det >= -1e-9 * Math.abs(o.Q[kk] * o.T[kk]))) {
        found.push([
          `det${k}`,
          this.#form.warnOnCrossing
            ? `Q_kk T_kk - R_kk^2 = ${det.toPrecision(3)} < 0 for k = ${
              k + 1
            } (a covariance that is not positive: the densities have left their rank-one structure)`
            : `Q_kk T_kk - R_kk^2 < 0 for k = ${k + 1} (a covariance that is not positive)`,
        ]);
      }
      if (!this.#form.warnOnCrossing && found.length) return found[0][1];
    }
    // Gram blocks are sums of outer products: their diagonals cannot be negative
    const m = this.m;
    // beyond round-off: entries that decay to zero may dip below it by ~1e-16 of the state's size
    let mass = 0;
    for (let i = 0; i < m * this.n; i++) mass += y[i] * y[i];
    for (let g = 0; g < this.nG; g++) {
      const base = this.size - (this.nG - g) * m * m;
      for (let i = 0; i < m; i++) mass += Math.abs(y[base + i * m + i]);
    }
    for (let g = 0; g < this.nG && !found.some(([key]) => key === "gram"); g++) {
      const base = this.size - (this.nG - g) * m * m;
      for (let i = 0; i < m; i++) {
        const v = y[base + i * m + i];
        if (v < -1e-10 * mass) {
          const msg = `a Gram block of the spectrum has a negative diagonal entry (${v})`;
          if (!this.#form.warnOnCrossing) return msg;
          found.push(["gram", msg]);
          break;
        }
      }
    }
    const e = this.error();
    if (!(e >= 0)) {
      return `the predicted test error ${e} is negative${
        this.#form.warnOnCrossing
          ? " (the density form has drifted off its rank-one structure; use the projected form)"
          : ""
      }`;
    }
    // density form: record each condition when it starts (one warning per episode)
    const now = new Set(found.map(([key]) => key));
    for (const [key, message] of found) {
      if (this.#active.has(key)) continue;
      if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ t, message });
      else this.suppressedWarnings++;
    }
    this.#active.clear();
    for (const key of now) this.#active.add(key);
    return null;
  };

  /** Projections a (K x nTop) and b (K x nTop) on the first nTop explicit directions. */
  projections(y: Float64Array, nTop: number): { a: number[][]; b: number[][] } {
    const { K, n } = this;
    const top = Math.min(nTop, n);
    const a: number[][] = [], b: number[][] = [];
    for (let k = 0; k < K; k++) {
      a.push(Array.from(y.subarray(k * n, k * n + top)));
      b.push(Array.from(y.subarray((K + k) * n, (K + k) * n + top)));
    }
    return { a, b };
  }
}
