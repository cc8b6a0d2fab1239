/**
 * The reduced SGD engine (`simulate` with `engine: "reduced"`, THEORY.md
 * section 6a): online SGD of every rule on Gaussian inputs with r spikes over
 * an isotropic bulk, run exactly in distribution in the spike coordinates A
 * (n x r) and the bulk Gram matrix G (n x n) of the network's n vectors (rows
 * of W, of V when untied, and the output bias c), at a cost per step
 * independent of D (assembly/reduced.ts).
 *
 * The data are those of the full engine in law: a spiked model's sampler
 * draws x = sum_m c_m a_m + sigma xi with spike directions a_m that need not
 * be orthogonal, but its covariance Omega has the r leading eigenpairs
 * (rho_tau, e_tau) of the data model's spectrum spanning the same directions
 * and the bulk eigenvalue sigma^2 on their complement, so x is
 * sum_tau sqrt(rho_tau) z_tau e_tau + sigma_b xi_perp in law; a Gaussian
 * model with a few listed eigenpairs over a bulk is the same. The reduced
 * coordinates are taken in that eigenbasis.
 *
 * Initial state: seed s draws the D-dimensional initial weights of the full
 * engine (the same stream, the same numbers: `drawInitialWeights`), or takes
 * `network.init`, and reduces them (A = U E^T, G = U U^T - A A^T), so that
 * the two engines and the per-seed theory start from the same weights.
 * {@link wishartInitialState} draws the same law without the D-dimensional
 * vectors (A i.i.d. N(0, sigma0^2), G ~ Wishart(D - r, sigma0^2 I)) for sizes
 * beyond the full engine's.
 *
 * Recorded: the order parameters Q, R, T, T0, WW, the projections a, b on
 * the spike directions, biases and the output bias's C, C0 at every recorded
 * time, and the exact population error from them (`eps` and `epsExact`: no
 * held-out sample is drawn). No weight snapshots: the engine does not hold
 * the D-dimensional weights.
 * @module
 */
import type { OrderParameters, Run } from "../problem/types.ts";
import type { Prepared } from "../problem/prepare.ts";
import { RECORDED_PROJECTIONS } from "../problem/prepare.ts";
import { networkVectors } from "../problem/engine.ts";
import { STREAM } from "../problem/init.ts";
import { RULES } from "../problem/rules.ts";
import { activationSpec } from "../activations/mod.ts";
import { createKernels, type Kernels, type Ptr, RNG_BYTES } from "../kernels/wasm.ts";
import { reducedTrainer } from "../kernels/reduced.ts";
import { ConfigError, DivergenceError } from "../core/errors.ts";
import type { Pacer } from "../core/pacer.ts";
import { exactErrors } from "../problem/exact_error.ts";

/** The data of a reduced run: r spike eigenpairs over an isotropic bulk. */
export interface ReducedData {
  /** Input dimension D. */
  D: number;
  /** Spike eigenvalues rho_tau, r of them (descending). */
  rho: Float64Array;
  /** Their unit eigenvectors e_tau, r x D row-major. */
  E: Float64Array;
  /** The bulk eigenvalue sigma_b^2 of the D - r other directions. */
  bulk: number;
  /** tr(Omega) / D. */
  traceOverD: number;
}

/** A state of the reduced process. */
export interface ReducedState {
  /** Spike coordinates A_{i tau} = u_i . e_tau, n x r row-major. */
  A: Float64Array;
  /** Bulk Gram matrix of the network vectors, n x n row-major. */
  G: Float64Array;
  /** Hidden biases b_k, K. */
  b: Float64Array;
}

/** The problem's network and rule as the reduced process lays out its vectors. */
export interface ReducedLayout {
  /** Network vectors n. */
  n: number;
  /** Hidden units K. */
  K: number;
  /** Row of decoder u among the vectors (Sanger's rule and tied networks: the encoder row). */
  v: (u: number) => number;
  /** Row of the output bias c, or -1. */
  c: number;
  /** Factor of the decoder: 1, or 1/sqrt(D) for Sanger's rule (v = w / sqrt(D)). */
  vScale: number;
}

/**
 * The reduced data of a prepared problem (its spectrum's listed eigenpairs
 * and bulk); `checkEngine` has made sure the engine covers the data.
 */
export function reducedData(prep: Prepared): ReducedData {
  const s = prep.spectrum;
  const r = s.eigenvalues.length;
  const D = prep.D;
  // the eigenvectors must be unit vectors (a spike direction that vanishes has none)
  for (let t = 0; t < r; t++) {
    let n2 = 0;
    for (let i = 0; i < D; i++) n2 += s.eigenvectors[t * D + i] ** 2;
    if (!(Math.abs(n2 - 1) < 1e-8)) {
      throw new ConfigError(
        "engine (--engine)",
        "reduced",
        `"full" for this data: spike ${t + 1} has no eigen-direction of its own ` +
          "(linearly dependent spike directions)",
      );
    }
  }
  return {
    D,
    rho: Float64Array.from(s.eigenvalues),
    E: s.eigenvectors.subarray(0, r * D),
    bulk: s.bulk,
    traceOverD: s.traceOverD,
  };
}

/** The layout of the network vectors of a prepared problem. */
export function reducedLayout(prep: Prepared): ReducedLayout {
  const { network, rule } = prep.problem;
  const n = networkVectors(network, rule);
  const K = network.K;
  const own = RULES[rule].decoder && !network.tied;
  return {
    n,
    K,
    v: (u) => (own ? K + u : u),
    c: network.outputBias ? n - 1 : -1,
    vScale: RULES[rule].decoder ? 1 : 1 / Math.sqrt(prep.D),
  };
}

/**
 * The reduced initial state of seed `seed`: the full engine's initial
 * weights (`network.init`, or the seed's i.i.d. N(0, sigma0^2) draw: W,
 * then V of a network with its own decoder), c from `init.c` or 0, reduced
 * to A = U E^T and G = U U^T - A A^T.
 */
export function reducedInitialState(
  prep: Prepared,
  data: ReducedData,
  k: Kernels,
  seed: number,
): ReducedState {
  const lay = reducedLayout(prep);
  const { n, K } = lay;
  const D = prep.D;
  const r = data.rho.length;
  const net = prep.problem.network;
  const mark = k.mark();
  try {
    const U = k.f64(n * D);
    const init = net.init;
    const own = lay.v(0) !== 0;
    if (init) {
      init.W.forEach((row, u) => k.write(U + 8 * u * D, row));
      if (own) init.V!.forEach((row, u) => k.write(U + 8 * lay.v(u) * D, row));
      if (init.c && lay.c >= 0) k.write(U + 8 * lay.c * D, init.c);
    } else {
      // drawInitialWeights' stream: W, then V, straight into place
      const st = k.alloc(RNG_BYTES);
      k.x.rngSeed(st, seed * 8 + STREAM.init);
      for (const row0 of own ? [0, K] : [0]) {
        const p = U + 8 * row0 * D;
        k.x.rngFillNormal(st, p, K * D);
        k.x.scale(p, net.sigma0, p, K * D);
      }
    }
    const A = new Float64Array(n * r);
    if (r > 0) {
      const Ap = k.f64(n * r);
      k.x.gemmNT(U, k.put(data.E), n, r, D, 1, Ap);
      A.set(k.view(Ap, n * r));
    }
    const Sp = k.f64(n * n);
    k.x.gemmNT(U, U, n, n, D, 1, Sp);
    const G = k.view(Sp, n * n).slice();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < r; t++) s += A[i * r + t] * A[j * r + t];
        G[i * n + j] -= s;
      }
    }
    const b = new Float64Array(K);
    if (init?.b && net.bias) b.set(init.b);
    return { A, G, b };
  } finally {
    k.release(mark);
  }
}

/**
 * A reduced initial state drawn in law without the D-dimensional vectors:
 * A with i.i.d. N(0, sigma0^2) entries and G ~ Wishart(D - r, sigma0^2 I)
 * by Bartlett's decomposition (G = L L^T, L_jj^2 ~ sigma0^2 chi^2(D - r - j),
 * L_ij ~ N(0, sigma0^2) below the diagonal), for the first `nRandom` vectors
 * (the others, e.g. an output bias c, start at 0). The cost does not depend
 * on D.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wishartInitialState } from "./reduced.ts";
 * import { createKernels } from "../kernels/wasm.ts";
 * const s = wishartInitialState(await createKernels(), { n: 2, nRandom: 2, r: 1, K: 1, D: 1e6, sigma0: 0.1, seed: 1 });
 * // G_ii ~ sigma0^2 (D - r): about 1e4
 * assert.ok(Math.abs(s.G[0] / 1e4 - 1) < 0.02 && s.G[1] === s.G[2], "the example's claim holds");
 * ```
 */
export function wishartInitialState(
  k: Kernels,
  o: { n: number; nRandom: number; r: number; K: number; D: number; sigma0: number; seed: number },
): ReducedState {
  const { n, nRandom, r, K, D, sigma0 } = o;
  const mark = k.mark();
  try {
    const st = k.alloc(RNG_BYTES);
    k.x.rngSeed(st, o.seed * 8 + STREAM.init);
    const A = new Float64Array(n * r);
    const L = new Float64Array(n * n);
    for (let i = 0; i < nRandom; i++) {
      for (let t = 0; t < r; t++) A[i * r + t] = sigma0 * k.x.rngNormal(st);
      for (let j = 0; j < i; j++) L[i * n + j] = sigma0 * k.x.rngNormal(st);
      L[i * n + i] = sigma0 * Math.sqrt(k.x.chiSquareDeviate(st, D - r - i));
    }
    const G = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let q = 0; q <= j; q++) s += L[i * n + q] * L[j * n + q];
        G[i * n + j] = G[j * n + i] = s;
      }
    }
    return { A, G, b: new Float64Array(K) };
  } finally {
    k.release(mark);
  }
}

/**
 * The order parameters of a reduced state (THEORY.md section 4): with the
 * Omega-inner product <u_i, u_j> = sum_tau rho_tau A_i A_j + sigma_b^2 G_ij,
 * Q = <w, w> / D, R = <v, w> / D^1.5, T = <v, v> / D^2, T0 = v . v / D,
 * WW = w . w / D; the projections a, b on the first min(r, 16) spike
 * directions; C = v . c / D and C0 = c . c / D with an output bias.
 */
export function reducedOrder(
  st: ReducedState,
  data: ReducedData,
  lay: ReducedLayout,
  bias: boolean,
): OrderParameters {
  const { n, K } = lay;
  const r = data.rho.length;
  const D = data.D;
  const { A, G } = st;
  const dot = (i: number, j: number, omega: boolean) => {
    let s = omega ? data.bulk * G[i * n + j] : G[i * n + j];
    for (let t = 0; t < r; t++) s += (omega ? data.rho[t] : 1) * A[i * r + t] * A[j * r + t];
    return s;
  };
  const vs = lay.vScale;
  const mat = (f: (k: number, l: number) => number) =>
    Array.from({ length: K }, (_, k) => Array.from({ length: K }, (_, l) => f(k, l)));
  const sd = Math.sqrt(D);
  const M = Math.min(r, RECORDED_PROJECTIONS);
  const proj = (row: number, scale: number) =>
    Array.from({ length: M }, (_, t) => scale * A[row * r + t]);
  const order: OrderParameters = {
    Q: mat((k, l) => dot(k, l, true) / D),
    R: mat((k, l) => vs * dot(lay.v(k), l, true) / (D * sd)),
    T: mat((k, l) => vs * vs * dot(lay.v(k), lay.v(l), true) / (D * D)),
    T0: mat((k, l) => vs * vs * dot(lay.v(k), lay.v(l), false) / D),
    WW: mat((k, l) => dot(k, l, false) / D),
    a: Array.from({ length: K }, (_, k) => proj(k, 1)),
    b: Array.from({ length: K }, (_, k) => proj(lay.v(k), vs / sd)),
    bias: bias ? Array.from(st.b) : new Array(K).fill(0),
  };
  if (lay.c < 0) return order;
  return {
    ...order,
    C: Array.from({ length: K }, (_, k) => vs * dot(lay.v(k), lay.c, false) / D),
    C0: dot(lay.c, lay.c, false) / D,
  };
}

/** Multiply-adds of one reduced step, about (for the chunks between two checks of the signal). */
function stepCost(n: number, r: number): number {
  return n * n * n / 6 + 6 * n * n + 4 * n * r + 64;
}

/** Memory of one reduced run in its kernel instance. */
interface ReducedMemory {
  A: Ptr;
  G: Ptr;
  b: Ptr;
  rng: Ptr;
  train: (rng: Ptr, steps: number) => void;
}

function allocate(k: Kernels, prep: Prepared, data: ReducedData, st: ReducedState): ReducedMemory {
  const lay = reducedLayout(prep);
  const cfg = prep.problem;
  const r = data.rho.length;
  const A = k.put(st.A.length ? st.A : [0]);
  const G = k.put(st.G);
  const b = k.put(st.b);
  const train = reducedTrainer(k.x, {
    A,
    G,
    b,
    n: lay.n,
    r,
    k: lay.K,
    sqrtRho: k.put(r ? Array.from(data.rho, Math.sqrt) : [0]),
    sigmaB: Math.sqrt(data.bulk),
    d: data.D,
    eta: cfg.lr,
    activation: activationSpec(cfg.network.activation).kernelCode,
    rule: RULES[cfg.rule].kernelCode,
    tied: cfg.network.tied,
    bias: cfg.network.bias,
    outputBias: cfg.network.outputBias,
    work: k.f64(k.x.reducedWorkSize(lay.n, r, lay.K)),
  });
  return { A, G, b, rng: k.alloc(RNG_BYTES), train };
}

/**
 * One seed of a problem on the reduced engine: the reduced initial state of
 * the seed, then SGD in reduced coordinates with the seed's training stream,
 * the order parameters and the exact error recorded at every recorded time.
 * Serves the pacer (progress, abort) between chunks of about `chunk`
 * multiply-adds.
 */
export async function runReducedSeed(
  prep: Prepared,
  seed: number,
  pacer: Pacer,
  status: { t: number },
  chunk: number,
  record?: (index: number, t: number, eps: number, order: OrderParameters) => void,
): Promise<Run> {
  const data = reducedData(prep);
  const lay = reducedLayout(prep);
  const cfg = prep.problem;
  const D = prep.D;
  const r = data.rho.length;
  const k = await createKernels();
  const state = reducedInitialState(prep, data, k, seed);
  await pacer.tick();
  const mem = allocate(k, prep, data, state);
  k.x.rngSeed(mem.rng, seed * 8 + STREAM.train);
  const perCall = Math.max(1, Math.floor(chunk / stepCost(lay.n, r)));
  const order: OrderParameters[] = [];
  const eps: number[] = [];
  let done = 0;
  for (const t of prep.times) {
    const target = Math.round(t * D);
    while (done < target) {
      const n = Math.min(perCall, target - done);
      mem.train(mem.rng, n);
      done += n;
      status.t = done / D;
      await pacer.tick();
    }
    state.A.set(k.view(mem.A, state.A.length));
    state.G.set(k.view(mem.G, state.G.length));
    state.b.set(k.view(mem.b, state.b.length));
    checkFinite(state, lay.n, D, done / D);
    const o = reducedOrder(state, data, lay, cfg.network.bias);
    order.push(o);
    const [e] = exactErrors([o], cfg.network, data.traceOverD, D);
    if (!Number.isFinite(e)) throw new DivergenceError(done / D, "the test error is not finite");
    eps.push(e);
    record?.(order.length - 1, done / D, e, o);
  }
  return { seed, eps, order, snapshots: [], epsExact: [...eps] };
}

function checkFinite(st: ReducedState, n: number, D: number, t: number): void {
  const r = st.A.length / n;
  for (let i = 0; i < n; i++) {
    let s = st.G[i * n + i];
    for (let q = 0; q < r; q++) s += st.A[i * r + q] ** 2;
    if (!Number.isFinite(s) || s > 1e12 * D) {
      throw new DivergenceError(t, "the weights blew up; lower the learning rate lr");
    }
  }
  for (const b of st.b) {
    if (!Number.isFinite(b)) throw new DivergenceError(t, "the biases blew up; lower lr");
  }
}
