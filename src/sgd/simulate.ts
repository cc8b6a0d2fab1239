/**
 * Online SGD of a shallow autoencoder on a data model, in WebAssembly:
 * one fresh sample per step, the test error on a held-out set and the order
 * parameters recorded on a log-spaced time grid (THEORY.md sections 1-3).
 * @module
 */
import type {
  CurveResult,
  OrderParameters,
  Problem,
  ProblemInput,
  Run,
  WeightSnapshot,
} from "../problem/types.ts";
import { prepare, type Prepared, RECORDED_PROJECTIONS } from "../problem/prepare.ts";
import { STREAM } from "../problem/init.ts";
import { RULES } from "../problem/rules.ts";
import { activationSpec } from "../activations/mod.ts";
import { summarise } from "../core/stats.ts";
import { createKernels, type Kernels, type Ptr, RNG_BYTES } from "../kernels/wasm.ts";
import {
  covarianceApplier,
  samplerOf,
  type SamplerOptions,
  sgdStepper,
  testErrorOf,
} from "../kernels/ops.ts";
import { ConfigError, DivergenceError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import type { Progress } from "../core/progress.ts";

/** Hooks for long runs: progress, cancellation and resumption. */
export interface SimulateControl {
  /** Called about every 0.2 s of work. */
  onProgress?: (p: Progress) => void;
  /** Aborts the simulation (checked between blocks of steps). */
  signal?: AbortSignal;
  /** Runs finished earlier with the same configuration; their seeds are not run again. */
  done?: Run[];
  /** Called when a run finishes (e.g. to save it for a later resume). */
  onRun?: (run: Run) => void | Promise<void>;
}

/** Samples drawn per block before the SGD kernel runs over them. */
const BLOCK = 32;

/**
 * Run online SGD for every seed of the configuration and return the curves.
 *
 * @example
 * ```ts
 * import { simulate, spikedModel } from "../../mod.ts";
 * const res = await simulate({
 *   data: spikedModel({ D: 50 }), network: { K: 2, activation: "erf" },
 *   lr: 1, tMax: 5, seeds: [1, 2], nTimes: 5, nTest: 200,
 * });
 * if (!(res.runs.length === 2 && res.eps.length === res.times.length)) throw new Error("example failed");
 * ```
 */
export async function simulate(
  input: ProblemInput | Problem,
  control: SimulateControl = {},
): Promise<CurveResult> {
  const prep = prepare(input);
  const { problem } = prep;
  control.signal?.throwIfAborted();
  const started = performance.now();
  const runs: Run[] = [];
  const done = new Map((control.done ?? []).map((r) => [r.seed, r]));
  // one clock for all seeds: progress and Ctrl-C are served every 0.2 s of work, however short the seeds
  const clock = { last: performance.now() };
  const nSeeds = problem.seeds.length;
  for (let i = 0; i < nSeeds; i++) {
    const seed = problem.seeds[i];
    const previous = done.get(seed);
    if (previous && previous.eps.length === prep.times.length) {
      runs.push(previous);
      continue;
    }
    const run = await runSeed(
      prep,
      seed,
      (t) =>
        control.onProgress?.({
          run: i,
          runs: nSeeds,
          t,
          tMax: problem.tMax,
          fraction: (i + t / problem.tMax) / nSeeds,
        }),
      control.signal,
      clock,
    );
    runs.push(run);
    await control.onRun?.(run);
  }
  return {
    kind: "simulation",
    version: VERSION,
    config: prep.record,
    times: [...prep.times],
    ...summarise(runs.map((r) => r.eps)),
    runs,
    pca: prep.pca,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Buffers of one run inside its own kernel instance, and its kernels bound to them. */
interface RunMemory {
  k: Kernels;
  W: Ptr;
  V: Ptr;
  b: Ptr;
  /** The decoder the error sees: V, or W / sqrt(D) for Sanger's rule. */
  Veff: Ptr;
  /** The block of training samples. */
  block: Ptr;
  Xtest: Ptr;
  rngTrain: Ptr;
  /** Rows of the test block. */
  nTest: number;
  /** The leading eigenvectors (M x D) whose projections are recorded. */
  E: Ptr;
  M: number;
  proj: Ptr;
  OW: Ptr;
  OV: Ptr;
  kk: Ptr;
  /** SGD steps over n samples at xs. */
  step: (xs: Ptr, n: number) => void;
  /** The test error over the test block. */
  testError: (xs: Ptr, n: number) => number;
  /** Draw n training inputs. */
  sample: (rng: Ptr, out: Ptr, n: number) => void;
  /** Omega applied to k rows. */
  omega: (w: Ptr, k: number, out: Ptr) => void;
}

async function runSeed(
  prep: Prepared,
  seed: number,
  progress: (t: number) => void,
  signal: AbortSignal | undefined,
  clock: { last: number },
): Promise<Run> {
  const cfg = prep.problem;
  const { K, bias } = cfg.network;
  const D = prep.D;
  const times = prep.times;
  const sanger = !RULES[cfg.rule].decoder;
  const mem = await allocate(prep, seed);
  const { k } = mem;
  const steps = times.map((t) => Math.round(t * D));
  const snapSteps = new Set(
    (cfg.snapshotTimes ?? [times[0], times[times.length - 1]]).map((t) => Math.round(t * D)),
  );
  const eps: number[] = [];
  const order: OrderParameters[] = [];
  const snapshots: WeightSnapshot[] = [];
  let done = 0;
  for (const target of steps) {
    while (done < target) {
      const n = Math.min(BLOCK, target - done);
      mem.sample(mem.rngTrain, mem.block, n);
      mem.step(mem.block, n);
      done += n;
      if (performance.now() - clock.last > 200) {
        checkFinite(mem, K, D, done / D);
        progress(done / D);
        await new Promise((r) => setTimeout(r, 0));
        if (signal?.aborted) throw signal.reason ?? new Error("simulation aborted");
        clock.last = performance.now();
      }
    }
    const t = done / D;
    checkFinite(mem, K, D, t);
    if (sanger) k.x.scale(mem.Veff, 1 / Math.sqrt(D), mem.W, K * D);
    const e = mem.testError(mem.Xtest, mem.nTest);
    if (!Number.isFinite(e)) throw new DivergenceError(t, "the test error is not finite");
    eps.push(e);
    order.push(orderParameters(mem, K, D, bias));
    if (snapSteps.has(done)) snapshots.push(snapshot(mem, K, D, t));
  }
  return { seed, eps, order, snapshots };
}

async function allocate(prep: Prepared, seed: number): Promise<RunMemory> {
  const cfg = prep.problem;
  const model = prep.model;
  const spectrum = prep.spectrum;
  const k = await createKernels();
  const { K, tied } = cfg.network;
  const D = model.D;
  const ownDecoder = RULES[cfg.rule].decoder;
  const untiedDecoder = !tied && ownDecoder;
  const W = k.f64(K * D);
  const V = untiedDecoder ? k.f64(K * D) : W;
  const b = k.f64(K);
  const Veff = ownDecoder ? V : k.f64(K * D);
  const w0 = prep.initialWeights(seed);
  k.write(W, w0.W.flat());
  if (untiedDecoder) {
    if (!w0.V) throw new ConfigError("init.V", undefined, "a K x D decoder for an untied network");
    k.write(V, w0.V.flat());
  }
  if (w0.b) k.write(b, w0.b);
  const cov = model.covariance;
  const M = Math.min(spectrum.eigenvalues.length, RECORDED_PROJECTIONS);
  const activation = activationSpec(cfg.network.activation).kernelCode;
  const bias = cfg.network.bias;
  const nTest = testSize(prep);
  const proj = k.f64(K * Math.max(cov.r, M, K));
  const z = k.f64(32 * Math.max(model.sampler.r, 1));
  const s = model.sampler;
  let sampler: SamplerOptions;
  if (s.kind === "spiked") {
    sampler = {
      kind: "spiked",
      u: k.put(s.U),
      coef: k.put(s.coef),
      r: s.r,
      sigma: s.sigma,
      d: D,
      z,
    };
  } else if (s.kind === "eigen") {
    sampler = {
      kind: "eigen",
      e: k.put(s.E),
      sqrtRho: k.put(s.sqrtRho),
      r: s.r,
      sqrtBulk: s.sqrtBulk,
      d: D,
      z,
    };
  } else {
    // a data set: the training rows stay compact (bytes or float32) in wasm memory
    const data = s.model;
    const train = data.train;
    const rows = k.alloc(train.byteLength);
    new Uint8Array(k.x.memory.buffer, rows, train.byteLength)
      .set(new Uint8Array(train.buffer, train.byteOffset, train.byteLength));
    sampler = {
      kind: "rows",
      rows,
      bytes: train instanceof Uint8Array,
      nRows: data.nTrain,
      d: D,
      mean: data.mean,
      scale: data.scale,
      pixelMean: data.pixelMean ? k.put(data.pixelMean) : 0,
    };
  }
  const mem: RunMemory = {
    k,
    W,
    V,
    b,
    Veff,
    block: k.f64(BLOCK * D),
    nTest,
    Xtest: k.f64(nTest * D),
    rngTrain: k.alloc(RNG_BYTES),
    E: k.put(spectrum.eigenvectors.subarray(0, M * D)),
    M,
    proj,
    OW: k.f64(K * D),
    OV: k.f64(K * D),
    kk: k.f64(K * K),
    step: sgdStepper(k.x, {
      w: W,
      v: V,
      b,
      d: D,
      k: K,
      eta: cfg.lr,
      activation,
      rule: RULES[cfg.rule].kernelCode,
      tied,
      bias,
      work: k.f64(k.x.sgdWorkSize(D, K)),
    }),
    testError: testErrorOf(k.x, {
      w: W,
      v: ownDecoder ? V : W,
      vscale: ownDecoder ? 1 : 1 / Math.sqrt(D),
      b,
      bias,
      d: D,
      k: K,
      activation,
      work: k.f64(k.x.testErrorWorkSize(K)),
    }),
    sample: samplerOf(k.x, sampler),
    omega: covarianceApplier(k.x, {
      u: k.put(cov.U),
      coef: k.put(cov.coef),
      r: cov.r,
      diag: cov.diag,
      d: D,
      proj,
    }),
  };
  k.x.rngSeed(mem.rngTrain, seed * 8 + STREAM.train);
  if (s.kind === "rows") {
    k.write(mem.Xtest, s.model.heldOut);
  } else {
    const rngTest = k.alloc(RNG_BYTES);
    k.x.rngSeed(rngTest, seed * 8 + STREAM.test);
    mem.sample(rngTest, mem.Xtest, mem.nTest);
  }
  return mem;
}

/** Rows of the test block: the held-out rows of a data set, else nTest fresh samples. */
function testSize(prep: Prepared): number {
  const data = prep.problem.data;
  return data.kind === "dataset" ? data.nHeldOut : prep.problem.nTest;
}

function checkFinite(mem: RunMemory, K: number, D: number, t: number): void {
  const w2 = mem.k.x.dot(mem.W, mem.W, K * D);
  const v2 = mem.k.x.dot(mem.V, mem.V, K * D);
  if (!Number.isFinite(w2) || !Number.isFinite(v2) || w2 > 1e12 * D || v2 > 1e12 * D) {
    throw new DivergenceError(t, "the weights blew up; lower the learning rate lr");
  }
}

function matrix(view: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from(view.subarray(i * cols, (i + 1) * cols)));
  return out;
}

function orderParameters(mem: RunMemory, K: number, D: number, bias: boolean): OrderParameters {
  const { k } = mem;
  const V = mem.Veff;
  mem.omega(mem.W, K, mem.OW);
  mem.omega(V, K, mem.OV);
  const gram = (a: number, b: number, alpha: number) => {
    k.x.gemmNT(a, b, K, K, D, alpha, mem.kk);
    return matrix(k.view(mem.kk, K * K), K, K);
  };
  const sd = Math.sqrt(D);
  const Q = gram(mem.W, mem.OW, 1 / D);
  const R = gram(V, mem.OW, 1 / (D * sd));
  const T = gram(V, mem.OV, 1 / (D * D));
  const T0 = gram(V, V, 1 / D);
  const WW = gram(mem.W, mem.W, 1 / D);
  k.x.gemmNT(mem.W, mem.E, K, mem.M, D, 1, mem.proj);
  const a = matrix(k.view(mem.proj, K * mem.M), K, mem.M);
  k.x.gemmNT(V, mem.E, K, mem.M, D, 1 / sd, mem.proj);
  const b = matrix(k.view(mem.proj, K * mem.M), K, mem.M);
  const biasValues = bias ? Array.from(k.view(mem.b, K)) : new Array(K).fill(0);
  return { Q, R, T, T0, WW, a, b, bias: biasValues };
}

function snapshot(mem: RunMemory, K: number, D: number, t: number): WeightSnapshot {
  const { k } = mem;
  return {
    t,
    W: matrix(k.view(mem.W, K * D), K, D),
    V: matrix(k.view(mem.Veff, K * D), K, D),
    b: Array.from(k.view(mem.b, K)),
  };
}
