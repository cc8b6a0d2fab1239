/**
 * Online SGD of a shallow autoencoder on a data model, in WebAssembly:
 * one fresh sample per step, the test error on a held-out set and the order
 * parameters recorded on a log-spaced time grid (THEORY.md sections 1-3).
 * @module
 */
import type {
  CurveResult,
  DataModel,
  InitialWeights,
  Network,
  OrderParameters,
  Rule,
  Run,
  WeightSnapshot,
} from "../problem/types.ts";
import {
  defaultTimes,
  resolveSimulateConfig,
  type SimulateConfig,
  type SimulateInput,
} from "../problem/config.ts";
import { describeData, materialise, type MaterialisedModel } from "../data/models.ts";
import { pcaSummary, type Spectrum, spectrumOf } from "../data/spectrum.ts";
import { createKernels, type Kernels, RNG_BYTES, sharedKernels } from "../kernels/wasm.ts";
import { ConfigError, DivergenceError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";

/** Progress of a simulation, reported between blocks of steps. */
export interface Progress {
  /** Index of the run in progress and the number of runs. */
  run: number;
  runs: number;
  /** Current time of that run and its final time. */
  t: number;
  tMax: number;
  /** Fraction of all steps done, in [0, 1]. */
  fraction: number;
}

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

/** Activation and rule codes of the kernels (assembly/activation.ts, assembly/sgd.ts). */
const ACT_CODE = { linear: 0, erf: 1, relu: 2 } as const;
const RULE_CODE = { vanilla: 0, truncated: 1, sanger: 2 } as const;
/** Random streams per seed: stream s of seed n starts from state 8n + s. */
const STREAM = { init: 0, train: 1, test: 2 } as const;
/** Samples drawn per block before the SGD kernel runs over them. */
const BLOCK = 32;
/** Maximum number of leading eigenvectors whose projections are recorded. */
export const MAX_PROJECTIONS = 16;

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
  input: SimulateInput,
  control: SimulateControl = {},
): Promise<CurveResult> {
  const cfg = resolveSimulateConfig(input);
  const started = performance.now();
  const model = materialise(cfg.data);
  const spectrum = spectrumOf(cfg.data);
  const D = cfg.data.D;
  const times = recordingTimes(cfg);
  const runs: Run[] = [];
  const done = new Map((control.done ?? []).map((r) => [r.seed, r]));
  // one clock for all seeds: progress and Ctrl-C are served every 0.2 s of work, however short the seeds
  const clock = { last: performance.now() };
  for (let i = 0; i < cfg.seeds.length; i++) {
    const seed = cfg.seeds[i];
    const previous = done.get(seed);
    if (previous && previous.eps.length === times.length) {
      runs.push(previous);
      continue;
    }
    const run = await runSeed(
      cfg,
      model,
      spectrum,
      times,
      seed,
      (t) =>
        control.onProgress?.({
          run: i,
          runs: cfg.seeds.length,
          t,
          tMax: cfg.tMax,
          fraction: (i + t / cfg.tMax) / cfg.seeds.length,
        }),
      control.signal,
      clock,
    );
    runs.push(run);
    await control.onRun?.(run);
  }
  const stats = summarise(runs.map((r) => r.eps));
  return {
    kind: "simulation",
    version: VERSION,
    config: { ...cfg, data: describeData(cfg.data), D } as unknown as Record<string, unknown>,
    times,
    ...stats,
    runs,
    pca: pcaSummary(spectrum, cfg.network.K),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The recording times of a configuration, in t = steps / D (whole steps). */
export function recordingTimes(cfg: SimulateConfig): number[] {
  const D = cfg.data.D;
  const base = cfg.times
    ? cfg.times.map((t) => Math.round(t * D) / D)
    : defaultTimes(cfg.tMax, D, cfg.nTimes, cfg.tMin);
  const snaps = (cfg.snapshotTimes ?? []).map((t) => Math.round(t * D) / D);
  return [...new Set([...base, ...snaps])].sort((a, b) => a - b);
}

/** Mean, standard deviation, min and max over runs, time by time. */
export function summarise(curves: number[][]) {
  const n = curves.length;
  const T = curves[0].length;
  const eps: number[] = [], epsStd: number[] = [], epsMin: number[] = [], epsMax: number[] = [];
  for (let j = 0; j < T; j++) {
    let s = 0, lo = Infinity, hi = -Infinity;
    for (const c of curves) {
      s += c[j];
      lo = Math.min(lo, c[j]);
      hi = Math.max(hi, c[j]);
    }
    const m = s / n;
    let v = 0;
    for (const c of curves) v += (c[j] - m) ** 2;
    eps.push(m);
    epsStd.push(n > 1 ? Math.sqrt(v / (n - 1)) : 0);
    epsMin.push(lo);
    epsMax.push(hi);
  }
  return { eps, epsStd, epsMin, epsMax };
}

/** Buffers of one run inside its own kernel instance. */
interface RunMemory {
  k: Kernels;
  W: number;
  V: number;
  b: number;
  Veff: number;
  work: number;
  testWork: number;
  block: number;
  z: number;
  Xtest: number;
  rngTrain: number;
  U: number;
  coef: number;
  /** Rank r and identity part of the covariance operator. */
  covR: number;
  covDiag: number;
  samplerA: number;
  samplerB: number;
  /** Rows of the test block. */
  nTest: number;
  E: number;
  M: number;
  proj: number;
  OW: number;
  OV: number;
  kk: number;
}

async function runSeed(
  cfg: SimulateConfig,
  model: MaterialisedModel,
  spectrum: Spectrum,
  times: number[],
  seed: number,
  progress: (t: number) => void,
  signal: AbortSignal | undefined,
  clock: { last: number },
): Promise<Run> {
  const { K, activation, tied, bias } = cfg.network;
  const D = model.D;
  const sanger = cfg.rule === "sanger";
  const mem = await allocate(cfg, model, spectrum, seed);
  const { k } = mem;
  const steps = times.map((t) => Math.round(t * D));
  const snapSteps = new Set(
    (cfg.snapshotTimes ?? [times[0], times[times.length - 1]]).map((t) => Math.round(t * D)),
  );
  const eps: number[] = [];
  const order: OrderParameters[] = [];
  const snapshots: WeightSnapshot[] = [];
  const actCode = ACT_CODE[activation];
  const ruleCode = RULE_CODE[cfg.rule];
  let done = 0;
  for (const target of steps) {
    while (done < target) {
      const n = Math.min(BLOCK, target - done);
      sampleInto(mem, model, mem.rngTrain, mem.block, n);
      k.x.sgdSteps(
        mem.W,
        mem.V,
        mem.b,
        mem.block,
        n,
        D,
        K,
        cfg.lr,
        actCode,
        ruleCode,
        tied ? 1 : 0,
        bias ? 1 : 0,
        mem.work,
      );
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
    const e = k.x.testError(
      mem.W,
      sanger ? mem.W : mem.V,
      sanger ? 1 / Math.sqrt(D) : 1,
      mem.b,
      bias ? 1 : 0,
      mem.Xtest,
      mem.nTest,
      D,
      K,
      actCode,
      mem.testWork,
    );
    if (!Number.isFinite(e)) throw new DivergenceError(t, "the test error is not finite");
    eps.push(e);
    order.push(orderParameters(mem, K, D, bias));
    if (snapSteps.has(done)) snapshots.push(snapshot(mem, K, D, t));
  }
  return { seed, eps, order, snapshots };
}

async function allocate(
  cfg: SimulateConfig,
  model: MaterialisedModel,
  spectrum: Spectrum,
  seed: number,
): Promise<RunMemory> {
  const k = await createKernels();
  const { K, tied, init } = cfg.network;
  const D = model.D;
  const untiedDecoder = !tied && cfg.rule !== "sanger";
  const W = k.f64(K * D);
  const V = untiedDecoder ? k.f64(K * D) : W;
  const b = k.f64(K);
  const Veff = cfg.rule === "sanger" ? k.f64(K * D) : V;
  const w0 = init ?? drawInitialWeights(cfg.network, D, seed, cfg.rule);
  k.write(W, w0.W.flat());
  if (untiedDecoder) {
    if (!w0.V) throw new ConfigError("init.V", undefined, "a K x D decoder for an untied network");
    k.write(V, w0.V.flat());
  }
  if (w0.b) k.write(b, w0.b);
  const cov = model.covariance;
  const M = Math.min(spectrum.eigenvalues.length, MAX_PROJECTIONS);
  const mem: RunMemory = {
    k,
    W,
    V,
    b,
    Veff,
    work: k.f64(k.x.sgdWorkSize(D, K)),
    testWork: k.f64(k.x.testErrorWorkSize(K)),
    block: k.f64(BLOCK * D),
    z: k.f64(32 * Math.max(model.sampler.r, 1)),
    nTest: testSize(cfg),
    Xtest: k.f64(testSize(cfg) * D),
    rngTrain: k.alloc(RNG_BYTES),
    U: k.put(cov.U),
    coef: k.put(cov.coef),
    covR: cov.r,
    covDiag: cov.diag,
    samplerA: 0,
    samplerB: 0,
    E: k.put(spectrum.eigenvectors.subarray(0, M * D)),
    M,
    proj: k.f64(K * Math.max(cov.r, M, K)),
    OW: k.f64(K * D),
    OV: k.f64(K * D),
    kk: k.f64(K * K),
  };
  if (model.sampler.kind === "spiked") {
    mem.samplerA = k.put(model.sampler.U);
    mem.samplerB = k.put(model.sampler.coef);
  } else if (model.sampler.kind === "eigen") {
    mem.samplerA = k.put(model.sampler.E);
    mem.samplerB = k.put(model.sampler.sqrtRho);
  } else {
    // a data set: the training rows stay compact (bytes or float32) in wasm memory
    const data = model.sampler.model;
    const train = data.train;
    mem.samplerA = k.alloc(train.byteLength);
    new Uint8Array(k.x.memory.buffer, mem.samplerA, train.byteLength)
      .set(new Uint8Array(train.buffer, train.byteOffset, train.byteLength));
    mem.samplerB = data.pixelMean ? k.put(data.pixelMean) : 0;
  }
  k.x.rngSeed(mem.rngTrain, seed * 8 + STREAM.train);
  if (model.sampler.kind === "rows") {
    k.write(mem.Xtest, model.sampler.model.heldOut);
  } else {
    const rngTest = k.alloc(RNG_BYTES);
    k.x.rngSeed(rngTest, seed * 8 + STREAM.test);
    sampleInto(mem, model, rngTest, mem.Xtest, mem.nTest);
  }
  return mem;
}

function sampleInto(
  mem: RunMemory,
  model: MaterialisedModel,
  rng: number,
  out: number,
  n: number,
): void {
  const s = model.sampler;
  if (s.kind === "spiked") {
    mem.k.x.sampleSpiked(rng, mem.samplerA, mem.samplerB, s.r, s.sigma, model.D, out, n, mem.z);
  } else if (s.kind === "eigen" && s.sqrtBulk === 0) {
    mem.k.x.sampleEigenFull(rng, mem.samplerA, mem.samplerB, s.r, model.D, out, n, mem.z);
  } else if (s.kind === "eigen") {
    mem.k.x.sampleEigen(rng, mem.samplerA, mem.samplerB, s.r, s.sqrtBulk, model.D, out, n, mem.z);
  } else {
    const m = s.model;
    const u8 = m.train instanceof Uint8Array ? 1 : 0;
    mem.k.x.sampleRowsCompact(
      rng,
      mem.samplerA,
      u8,
      m.nTrain,
      model.D,
      m.mean,
      m.scale,
      mem.samplerB,
      out,
      n,
    );
  }
}

/** Rows of the test block: the held-out rows of a data set, else nTest fresh samples. */
function testSize(cfg: SimulateConfig): number {
  return cfg.data.kind === "dataset" ? cfg.data.nHeldOut : cfg.nTest;
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
  k.x.lowRankApply(mem.W, K, mem.U, mem.coef, mem.covR, mem.covDiag, D, mem.proj, mem.OW);
  k.x.lowRankApply(V, K, mem.U, mem.coef, mem.covR, mem.covDiag, D, mem.proj, mem.OV);
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

/**
 * The initial weights `simulate` draws for a seed: i.i.d. N(0, sigma0^2)
 * entries, W first, then V (untied networks only), from random stream
 * 8 * seed of the package's generator; biases start at 0.
 */
export function drawInitialWeights(
  network: Network,
  D: number,
  seed: number,
  rule: Rule = "vanilla",
): InitialWeights {
  const { K, sigma0, tied } = network;
  const k = sharedKernels();
  const mark = k.mark();
  try {
    const st = k.alloc(RNG_BYTES);
    k.x.rngSeed(st, seed * 8 + STREAM.init);
    const p = k.f64(K * D);
    const draw = () => {
      k.x.rngFillNormal(st, p, K * D);
      k.x.scale(p, sigma0, p, K * D);
      return matrix(k.view(p, K * D), K, D);
    };
    const W = draw();
    const V = !tied && rule !== "sanger" ? draw() : undefined;
    return { W, ...(V ? { V } : {}), b: new Array(K).fill(0) };
  } finally {
    k.release(mark);
  }
}

/**
 * "Informed" initial weights (THEORY.md section 1): w^k = v^k = sigma0 sqrt(D) e_k along the top-K
 * eigenvectors e_k of the data model, the norms random weights of that sigma0 would have.
 *
 * @example
 * ```ts
 * import { informedWeights, spikedModel } from "../../mod.ts";
 * const w = informedWeights(spikedModel({ D: 20, spikes: [3, 2] }), { K: 2, sigma0: 0.1 });
 * const n2 = w.W[0].reduce((s, x) => s + x * x, 0);
 * if (Math.abs(n2 - 0.01 * 20) > 1e-12) throw new Error("example failed");
 * ```
 */
export function informedWeights(
  model: DataModel,
  network: { K: number; sigma0: number },
): InitialWeights {
  const spec = spectrumOf(model);
  const D = spec.D;
  const { K, sigma0 } = network;
  if (K > spec.eigenvalues.length) {
    throw new ConfigError(
      "K",
      K,
      `at most ${spec.eigenvalues.length} (the listed eigenvectors) for an informed start`,
    );
  }
  const W = Array.from(
    { length: K },
    (_, k) =>
      Array.from(spec.eigenvectors.subarray(k * D, (k + 1) * D), (e) => sigma0 * Math.sqrt(D) * e),
  );
  return { W, V: W.map((row) => row.slice()), b: new Array(K).fill(0) };
}
