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
import type { SamplerSpec } from "../data/mod.ts";
import { prepare, type Prepared, RECORDED_PROJECTIONS } from "../problem/prepare.ts";
import { STREAM } from "../problem/init.ts";
import { RULES } from "../problem/rules.ts";
import { MAX_SNAPSHOT_VALUES } from "../problem/params.ts";
import { activationSpec } from "../activations/mod.ts";
import {
  createKernels,
  type Kernels,
  type Ptr,
  RNG_BYTES,
  SAMPLER_BYTES,
} from "../kernels/wasm.ts";
import {
  covarianceApplier,
  type Sampler,
  samplerOf,
  type SamplerOptions,
  type SgdProtocol,
  sgdTrainer,
  type TestErrorKernel,
  testErrorOf,
} from "../kernels/ops.ts";
import { DivergenceError } from "../core/errors.ts";
import type { Progress } from "../core/progress.ts";
import { fanOut, seedProgress } from "../core/fanout.ts";
import {
  checkSimulateControl,
  type RecordEvent,
  type SeedEvent,
  type SeedTask,
  seedWorkers,
} from "./parallel.ts";
import { Pacer } from "../core/pacer.ts";
import { curveResult } from "../problem/result.ts";
import { runReducedSeed } from "./reduced.ts";
import { scheduleFactor, scheduleOf, unitDecay } from "../problem/schedule.ts";
import { exactErrors } from "../problem/exact_error.ts";

export type { RecordEvent } from "./parallel.ts";

/** Hooks for long runs: progress, cancellation and resumption. */
export interface SimulateControl {
  /** Called about every 0.1 s of work. */
  onProgress?: (p: Progress) => void;
  /** Aborts the simulation (checked between chunks of work, about every 0.1 s). */
  signal?: AbortSignal;
  /**
   * Multiply-adds of one chunk of kernel work between two checks of the
   * signal (default 2^24, about 10-30 ms); smaller serves interrupts sooner.
   */
  chunk?: number;
  /** Runs finished earlier with the same configuration; their seeds are not run again. */
  done?: Run[];
  /** Called when a run finishes (e.g. to save it for a later resume). */
  onRun?: (run: Run) => void | Promise<void>;
  /** Called at every recorded time of every run, as soon as it is recorded (e.g. to draw a live curve). */
  onRecord?: (record: RecordEvent) => void;
  /**
   * Web Workers to spread the seeds over (default 1: this thread; at most
   * 256). Fewer are started when their test sets (nTest x D values each)
   * would together hold more than 1.5e8 values. A seed's numbers are the
   * same bits whatever the pool size.
   */
  workers?: number;
}

/**
 * Multiply-adds of one chunk of kernel work (~5-30 ms): wide problems take
 * fewer SGD steps per call, and the test error and the order parameters
 * over row chunks, so that Ctrl-C and progress are served about every 0.1 s
 * whatever D and K. (Chunks change no result: the training kernel draws its
 * samples itself, one per step from one stream, and each step, row and dot
 * product is computed the same way however the steps are split into calls;
 * the test error's mean over chunks is combined from their sums, and only
 * problems too wide for one chunk are cut.)
 */
const CHUNK = 1 << 24;

/** The sizes of the chunks of one run. */
interface Chunks {
  /** SGD steps per kernel call (each draws its sample: about (5 K + r + 1) D multiply-adds). */
  steps: number;
  /** Rows per call of the test error (2K multiply-adds per coordinate). */
  testRows: number;
  /** Rows per call of the sampler for the test block (r per coordinate). */
  sampleRows: number;
  /** Rows of the K x K order-parameter products per call (K per coordinate). */
  orderRows: number;
  /** Gaussian numbers per call of the generator (any split gives the same stream). */
  normals: number;
}

function chunksOf(chunk: number, K: number, D: number, r: number, batch = 1): Chunks {
  const rows = (perCoordinate: number) => Math.max(1, Math.floor(chunk / (D * perCoordinate)));
  return {
    // a mini-batch step draws and processes B samples
    steps: Math.max(1, Math.floor(rows(5 * K + r + 1) / batch)),
    testRows: rows(2 * K),
    sampleRows: rows(Math.max(r, 1)),
    orderRows: rows(K),
    normals: Math.max(1, Math.floor(chunk / 16)),
  };
}

/**
 * Run online SGD for every seed of the configuration and return the curves.
 * The problem's `engine` picks how: "full" trains the D-dimensional weights
 * (the test error on a held-out sample, and the exact error from the order
 * parameters beside it for Gaussian inputs); "reduced" runs the exact
 * reduced process of THEORY.md 6a (./reduced.ts: the same law, a cost per
 * step independent of D; its error is the exact one, and it keeps no weight
 * snapshots).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simulate, spikedModel } from "@aedyn/aedyn";
 * const res = await simulate({
 *   data: spikedModel({ D: 50 }), network: { K: 2, activation: "erf" },
 *   lr: 1, tMax: 5, seeds: [1, 2], nTimes: 5, nTest: 200,
 * });
 * assert.equal(res.runs.length, 2);
 * assert.equal(res.eps.length, res.times.length);
 * ```
 */
// the signature deno doc shows: control is optional (the implementation defaults it to {})
export function simulate(
  input: ProblemInput | Problem,
  control?: SimulateControl,
): Promise<CurveResult>;
export async function simulate(
  input: ProblemInput | Problem,
  control: SimulateControl = {},
): Promise<CurveResult> {
  const prep = prepare(input);
  const { problem } = prep;
  checkSimulateControl(control, problem, prep.times.length);
  control.signal?.throwIfAborted();
  const started = performance.now();
  const done = new Map((control.done ?? []).map((r) => [r.seed, r]));
  const nSeeds = problem.seeds.length;
  const finished = (seed: number) => done.get(seed)?.eps.length === prep.times.length;
  const todo = problem.seeds.filter((s) => !finished(s));
  const runOf = (task: number) => problem.seeds.indexOf(todo[task]);
  const progress = seedProgress(control.onProgress, {
    runs: nSeeds,
    tMax: problem.tMax,
    finishedBefore: nSeeds - todo.length,
    runOf,
  });
  // the seeds left, in this thread or over workers: each the same bits either way
  await fanOut<SeedTask, Run, SeedEvent>({
    count: todo.length,
    workers: seedWorkers(control.workers ?? 1, todo.length, problem),
    worker: new URL("./worker.ts", import.meta.url),
    input: (task) => ({
      problem: { ...problem, seeds: [todo[task]] },
      ...(control.chunk !== undefined ? { chunk: control.chunk } : {}),
      record: control.onRecord !== undefined,
      spectrum: prep.spectrum,
    }),
    local: (task, emit) => runSeedTask(prep, task, emit, control.signal),
    keep: false,
    ...(control.signal ? { signal: control.signal } : {}),
    onEvent: (task, e) => {
      if (e.kind === "progress") progress.reach(task, e.t);
      else control.onRecord?.({ ...e.record, run: runOf(task) });
    },
    onDone: async (task, run) => {
      done.set(run.seed, run);
      progress.finish(task);
      await control.onRun?.(run);
    },
  });
  const runs = problem.seeds.map((seed) => withExactError(prep, done.get(seed)!));
  return curveResult(prep, "simulation", runs, started, {
    // the samples seen at each recorded time: B per step (mini-batches of THEORY.md 7)
    ...(problem.batch > 1
      ? { samples: prep.times.map((t) => Math.round(t * prep.D) * problem.batch) }
      : {}),
  });
}

/**
 * One seed of a simulation, as a task of the fan-out (in this thread, or in
 * a worker: ./worker.ts calls it with the same task): its run, with the
 * exact error; progress (the time reached, about every 0.1 s of work) and,
 * when the task asks, every recorded time are sent as events.
 */
export async function runSeedTask(
  prep: Prepared,
  task: SeedTask,
  emit: (event: SeedEvent) => void,
  signal?: AbortSignal,
): Promise<Run> {
  const seed = task.problem.seeds[0];
  const status = { t: 0 };
  const pacer = new Pacer(signal, 100, () => emit({ kind: "progress", t: status.t }));
  const chunk = task.chunk ?? CHUNK;
  const record = task.record
    ? (index: number, t: number, eps: number, order: OrderParameters) =>
      emit({ kind: "record", record: { run: 0, seed, index, t, eps, order } })
    : undefined;
  if (prep.problem.engine === "reduced") {
    return await runReducedSeed(prep, seed, pacer, status, chunk, record);
  }
  const chunks = chunksOf(
    chunk,
    prep.problem.network.K,
    prep.D,
    prep.model.sampler.r,
    prep.problem.batch,
  );
  return withExactError(prep, await runSeed(prep, seed, pacer, status, chunks, record));
}

/**
 * The run with its exact population error at every recorded time (THEORY.md
 * 4 and 1b, from its order parameters) when the inputs are Gaussian (the
 * spiked and Gaussian models); real images keep the held-out estimate only.
 */
function withExactError(prep: Prepared, run: Run): Run {
  if (prep.problem.data.kind === "dataset") return run;
  if (run.epsExact?.length === run.order.length && run.epsExact.every(Number.isFinite)) return run;
  const epsExact = exactErrors(run.order, prep.problem.network, prep.spectrum.traceOverD, prep.D);
  return { ...run, epsExact };
}

/** Buffers of one run inside its own kernel instance, and its kernels bound to them. */
interface RunMemory {
  k: Kernels;
  W: Ptr;
  V: Ptr;
  b: Ptr;
  /** The output bias (D), or 0 for a network without one. */
  c: Ptr;
  /** The decoder the error sees: V, or W / sqrt(D) for Sanger's rule. */
  Veff: Ptr;
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
  /** n SGD steps (steps first .. first + n - 1 of the run), each on a fresh sample drawn with rng. */
  train: (rng: Ptr, n: number, first: number) => void;
  /** The test error over the test block, by row chunks. */
  testError: TestErrorKernel;
  /** The data model's sampler. */
  sampler: Sampler;
  /** Omega applied to k rows. */
  omega: (w: Ptr, k: number, out: Ptr) => void;
}

async function runSeed(
  prep: Prepared,
  seed: number,
  pacer: Pacer,
  status: { t: number },
  chunks: Chunks,
  record?: (index: number, t: number, eps: number, order: OrderParameters) => void,
): Promise<Run> {
  const cfg = prep.problem;
  const { K } = cfg.network;
  const D = prep.D;
  const times = prep.times;
  const sanger = !RULES[cfg.rule].decoder;
  const mem = await allocate(prep, seed, pacer, chunks);
  const { k } = mem;
  const steps = times.map((t) => Math.round(t * D));
  const snapSteps = new Set(snapshotTimesOf(prep).map((t) => Math.round(t * D)));
  const eps: number[] = [];
  const order: OrderParameters[] = [];
  const snapshots: WeightSnapshot[] = [];
  let done = 0;
  for (const target of steps) {
    while (done < target) {
      const n = Math.min(chunks.steps, target - done);
      mem.train(mem.rngTrain, n, done);
      done += n;
      status.t = done / D;
      await pacer.tick();
    }
    const t = done / D;
    checkFinite(mem, K, D, t);
    if (sanger) k.x.scale(mem.Veff, 1 / Math.sqrt(D), mem.W, K * D);
    const e = await chunkedTestError(mem, K, D, pacer, chunks);
    if (!Number.isFinite(e)) throw new DivergenceError(t, "the test error is not finite");
    eps.push(e);
    order.push(await orderParameters(mem, K, D, cfg.network.bias, pacer, chunks.orderRows));
    record?.(eps.length - 1, t, e, order[order.length - 1]);
    if (snapSteps.has(done)) snapshots.push(snapshot(mem, K, D, t));
  }
  return { seed, eps, order, snapshots };
}

/** The sampler recipe of one data kind (`SamplerSpec` of src/data), by its kind. */
type SamplerSpecOf<Kind extends SamplerSpec["kind"]> = Extract<SamplerSpec, { kind: Kind }>;

/**
 * Each sampler kind's inputs in kernel memory, from its recipe: a registry by
 * kind, so that a new kind of data is one entry here (and its kernel). `z` is
 * the scratch of latent coefficients.
 */
const SAMPLER_INPUTS: {
  readonly [Kind in SamplerSpec["kind"]]: (
    s: SamplerSpecOf<Kind>,
    k: Kernels,
    D: number,
    z: Ptr,
  ) => SamplerOptions;
} = {
  spiked: (s, k, D, z) => ({
    kind: "spiked",
    u: k.put(s.U),
    coef: k.put(s.coef),
    r: s.r,
    sigma: s.sigma,
    d: D,
    z,
  }),
  eigen: (s, k, D, z) => ({
    kind: "eigen",
    e: k.put(s.E),
    sqrtRho: k.put(s.sqrtRho),
    r: s.r,
    sqrtBulk: s.sqrtBulk,
    d: D,
    z,
    // a full spectrum: samples drawn 32 at a time (each eigenvector read once per block)
    block: s.sqrtBulk === 0 ? k.f64(32 * D) : 0,
  }),
  rows: (s, k, D) => {
    // a data set: the training rows stay compact (bytes or float32) in wasm memory
    const data = s.model;
    const train = data.train;
    const rows = k.alloc(train.byteLength);
    new Uint8Array(k.x.memory.buffer, rows, train.byteLength)
      .set(new Uint8Array(train.buffer, train.byteOffset, train.byteLength));
    return {
      kind: "rows",
      rows,
      bytes: train instanceof Uint8Array,
      nRows: data.nTrain,
      d: D,
      mean: data.mean,
      scale: data.scale,
      pixelMean: data.pixelMean ? k.put(data.pixelMean) : 0,
    };
  },
};

/** The inputs of the sampler of recipe `s`, from the registry of its kind. */
function samplerInputs<Kind extends SamplerSpec["kind"]>(
  s: SamplerSpecOf<Kind>,
  k: Kernels,
  D: number,
  z: Ptr,
): SamplerOptions {
  const make: (s: SamplerSpecOf<Kind>, k: Kernels, D: number, z: Ptr) => SamplerOptions =
    SAMPLER_INPUTS[s.kind];
  return make(s, k, D, z);
}

/** The network's buffers in kernel memory (W, V, b, c and the decoder the error sees). */
type NetworkBuffers = Pick<RunMemory, "W" | "V" | "b" | "c" | "Veff">;

/**
 * The buffers of one run in its own kernel instance, the network at its
 * initial weights, the kernels bound to them, and the test block drawn.
 */
async function allocate(
  prep: Prepared,
  seed: number,
  pacer: Pacer,
  chunks: Chunks,
): Promise<RunMemory> {
  const cfg = prep.problem;
  const model = prep.model;
  const spectrum = prep.spectrum;
  const k = await createKernels();
  const { K, tied } = cfg.network;
  const D = model.D;
  const ownDecoder = RULES[cfg.rule].decoder;
  const { W, V, b, c, Veff } = networkBuffers(k, prep);
  await initialiseWeights(k, prep, seed, { W, V, b, c, Veff }, pacer, chunks);
  const cov = model.covariance;
  const M = Math.min(spectrum.eigenvalues.length, RECORDED_PROJECTIONS);
  const activation = activationSpec(cfg.network.activation).kernelCode;
  const bias = cfg.network.bias;
  const nTest = testSize(prep);
  const proj = k.f64(K * Math.max(cov.r, M, K));
  const z = k.f64(32 * Math.max(model.sampler.r, 1));
  const s = model.sampler;
  const sampler = samplerInputs(s, k, D, z);
  const sgd = {
    w: W,
    v: V,
    b,
    c,
    d: D,
    k: K,
    eta: cfg.lr,
    activation,
    rule: RULES[cfg.rule].kernelCode,
    tied,
    bias,
    work: k.f64(k.x.sgdWorkSize(D, K)),
    protocol: protocolOf(prep, k, chunks.steps),
  };
  const samplerBound = samplerOf(k.x, sampler, k.alloc(SAMPLER_BYTES));
  const mem: RunMemory = {
    k,
    W,
    V,
    b,
    c,
    Veff,
    nTest,
    Xtest: k.f64(nTest * D),
    rngTrain: k.alloc(RNG_BYTES),
    E: k.put(spectrum.eigenvectors.subarray(0, M * D)),
    M,
    proj,
    OW: k.f64(K * D),
    OV: k.f64(K * D),
    kk: k.f64(K * K),
    train: sgdTrainer(k.x, sgd, samplerBound),
    testError: testErrorOf(k.x, {
      w: W,
      v: ownDecoder ? V : W,
      vscale: ownDecoder ? 1 : 1 / Math.sqrt(D),
      b,
      bias,
      c,
      d: D,
      k: K,
      activation,
      work: k.f64(k.x.testErrorWorkSize(K)),
    }),
    sampler: samplerBound,
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
  await drawTestBlock(mem, prep, seed, pacer, chunks);
  return mem;
}

/**
 * The network's buffers: W; V of an untied network with a decoder (else W);
 * the biases b; the output bias c (or 0: none); the decoder the error sees
 * (V, or its own buffer for W / sqrt(D) when the rule has no decoder).
 */
function networkBuffers(k: Kernels, prep: Prepared): NetworkBuffers {
  const { K, tied, outputBias } = prep.problem.network;
  const D = prep.D;
  const ownDecoder = RULES[prep.problem.rule].decoder;
  const W = k.f64(K * D);
  const V = !tied && ownDecoder ? k.f64(K * D) : W;
  const b = k.f64(K);
  // the output bias starts at init.c, or 0 (THEORY.md 1b)
  const c = outputBias && ownDecoder ? k.f64(D) : 0;
  const Veff = ownDecoder ? V : k.f64(K * D);
  return { W, V, b, c, Veff };
}

/**
 * The initial weights in place: `network.init`, or the seed's draw
 * (drawInitialWeights: W, then V of an untied network, from the seed's init
 * stream) straight into kernel memory, in chunks of normals.
 */
async function initialiseWeights(
  k: Kernels,
  prep: Prepared,
  seed: number,
  net: NetworkBuffers,
  pacer: Pacer,
  chunks: Chunks,
): Promise<void> {
  const { K, sigma0, init } = prep.problem.network;
  const D = prep.D;
  const untiedDecoder = net.V !== net.W;
  if (init) {
    const rows = (ptr: Ptr, m: number[][]) => m.forEach((row, r) => k.write(ptr + 8 * r * D, row));
    rows(net.W, init.W);
    // an untied network's decoder is required when the problem is resolved (INIT_PARAMS)
    if (untiedDecoder && init.V) rows(net.V, init.V);
    if (init.b) k.write(net.b, init.b);
    if (init.c && net.c) k.write(net.c, init.c);
    return;
  }
  const st = k.alloc(RNG_BYTES);
  k.x.rngSeed(st, seed * 8 + STREAM.init);
  const step = chunks.normals;
  for (const m of untiedDecoder ? [net.W, net.V] : [net.W]) {
    for (let i = 0; i < K * D; i += step) {
      const n = Math.min(step, K * D - i);
      k.x.rngFillNormal(st, m + 8 * i, n);
      k.x.scale(m + 8 * i, sigma0, m + 8 * i, n);
      await pacer.tick();
    }
  }
}

/**
 * The test block: a data set's held-out rows, or nTest fresh samples from
 * the seed's test stream, drawn in chunks of rows (the same stream, row by
 * row, as one call).
 */
async function drawTestBlock(
  mem: RunMemory,
  prep: Prepared,
  seed: number,
  pacer: Pacer,
  chunks: Chunks,
): Promise<void> {
  const { k } = mem;
  const s = prep.model.sampler;
  if (s.kind === "rows") {
    k.write(mem.Xtest, s.model.heldOut);
    return;
  }
  const rngTest = k.alloc(RNG_BYTES);
  k.x.rngSeed(rngTest, seed * 8 + STREAM.test);
  const rows = chunks.sampleRows;
  for (let r0 = 0; r0 < mem.nTest; r0 += rows) {
    mem.sampler.draw(rngTest, mem.Xtest + 8 * r0 * prep.D, Math.min(rows, mem.nTest - r0));
    await pacer.tick();
  }
}

/**
 * The schedule and weight decay of THEORY.md 7 for the kernel, or undefined
 * for a constant eta without decay (the plain kernel: the same bits as before
 * these options existed).
 */
function protocolOf(prep: Prepared, k: Kernels, capacity: number): SgdProtocol | undefined {
  const cfg = prep.problem;
  const schedule = scheduleOf(cfg);
  const decay = unitDecay(cfg.network);
  const B = cfg.batch;
  if (schedule.kind === "constant" && !decay && B === 1) return undefined;
  const D = prep.D;
  const K = cfg.network.K;
  return {
    etaAt: (step) => cfg.lr * scheduleFactor(schedule, step / D, cfg.tMax),
    etas: k.f64(capacity),
    capacity,
    decay: decay ? k.put(decay) : 0,
    batch: B,
    ...(B > 1 ? { batchWork: k.f64(k.x.sgdBatchWorkSize(D, K, B)) } : {}),
  };
}

/**
 * The test error over the test block, in row chunks (the same bits as one
 * call: the kernel adds the rows' squared errors to one running sum).
 */
async function chunkedTestError(
  mem: RunMemory,
  K: number,
  D: number,
  pacer: Pacer,
  chunks: Chunks,
): Promise<number> {
  for (let r0 = 0; r0 < K; r0 += chunks.orderRows) {
    mem.testError.begin(r0, Math.min(chunks.orderRows, K - r0));
    await pacer.tick();
  }
  const rows = chunks.testRows;
  let sum = 0;
  for (let r0 = 0; r0 < mem.nTest; r0 += rows) {
    sum = mem.testError.rows(mem.Xtest + 8 * r0 * D, Math.min(rows, mem.nTest - r0));
    await pacer.tick();
  }
  return sum / (2 * D * mem.nTest);
}

/**
 * The times at which a run saves its weights: the problem's, or by default
 * the first and the last recorded time when the snapshots stay small
 * (2 x 2 K D <= MAX_SNAPSHOT_VALUES), none otherwise.
 */
export function snapshotTimesOf(prep: Prepared): readonly number[] {
  const { problem, times } = prep;
  if (problem.snapshotTimes) return problem.snapshotTimes;
  return 4 * problem.network.K * prep.D <= MAX_SNAPSHOT_VALUES
    ? [times[0], times[times.length - 1]]
    : [];
}

/** Rows of the test block: the held-out rows of a data set, else nTest fresh samples. */
function testSize(prep: Prepared): number {
  const data = prep.problem.data;
  return data.kind === "dataset" ? data.nHeldOut : prep.problem.nTest;
}

function checkFinite(mem: RunMemory, K: number, D: number, t: number): void {
  const w2 = mem.k.x.dot(mem.W, mem.W, K * D);
  const v2 = mem.k.x.dot(mem.V, mem.V, K * D);
  const c2 = mem.c ? mem.k.x.dot(mem.c, mem.c, D) : 0;
  const big = (s: number) => !Number.isFinite(s) || s > 1e12 * D;
  if (big(w2) || big(v2) || big(c2)) {
    throw new DivergenceError(t, "the weights blew up; lower the learning rate lr");
  }
}

function matrix(view: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from(view.subarray(i * cols, (i + 1) * cols)));
  return out;
}

async function orderParameters(
  mem: RunMemory,
  K: number,
  D: number,
  bias: boolean,
  pacer: Pacer,
  rows: number,
): Promise<OrderParameters> {
  const { k } = mem;
  const V = mem.Veff;
  // rows of K x K products per chunk (each dot product is the same whatever the chunks)
  const perRows = async (m: number, run: (r0: number, n: number) => void) => {
    for (let r0 = 0; r0 < m; r0 += rows) {
      run(r0, Math.min(rows, m - r0));
      await pacer.tick();
    }
  };
  await perRows(K, (r0, n) => mem.omega(mem.W + 8 * r0 * D, n, mem.OW + 8 * r0 * D));
  await perRows(K, (r0, n) => mem.omega(V + 8 * r0 * D, n, mem.OV + 8 * r0 * D));
  const gram = async (a: number, b: number, alpha: number) => {
    await perRows(K, (r0, n) => k.x.gemmNT(a + 8 * r0 * D, b, n, K, D, alpha, mem.kk + 8 * r0 * K));
    return matrix(k.view(mem.kk, K * K), K, K);
  };
  const sd = Math.sqrt(D);
  const Q = await gram(mem.W, mem.OW, 1 / D);
  const R = await gram(V, mem.OW, 1 / (D * sd));
  const T = await gram(V, mem.OV, 1 / (D * D));
  const T0 = await gram(V, V, 1 / D);
  const WW = await gram(mem.W, mem.W, 1 / D);
  k.x.gemmNT(mem.W, mem.E, K, mem.M, D, 1, mem.proj);
  const a = matrix(k.view(mem.proj, K * mem.M), K, mem.M);
  k.x.gemmNT(V, mem.E, K, mem.M, D, 1 / sd, mem.proj);
  const b = matrix(k.view(mem.proj, K * mem.M), K, mem.M);
  const biasValues = bias ? Array.from(k.view(mem.b, K)) : new Array(K).fill(0);
  if (!mem.c) return { Q, R, T, T0, WW, a, b, bias: biasValues };
  // the output bias: C_k = v^k . c / D and C0 = c . c / D (THEORY.md 1b)
  k.x.gemmNT(V, mem.c, K, 1, D, 1 / D, mem.kk);
  const C = Array.from(k.view(mem.kk, K));
  const C0 = k.x.dot(mem.c, mem.c, D) / D;
  return { Q, R, T, T0, WW, a, b, bias: biasValues, C, C0 };
}

function snapshot(mem: RunMemory, K: number, D: number, t: number): WeightSnapshot {
  const { k } = mem;
  return {
    t,
    W: matrix(k.view(mem.W, K * D), K, D),
    V: matrix(k.view(mem.Veff, K * D), K, D),
    b: Array.from(k.view(mem.b, K)),
    ...(mem.c ? { c: Array.from(k.view(mem.c, D)) } : {}),
  };
}
