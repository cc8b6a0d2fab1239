/**
 * `theory`: the predicted learning curve of a problem from the exact
 * equations (THEORY.md section 4, projected form of 4b; the output bias of
 * 1b as derived in `equations.ts`), started from the same initial weights as
 * `simulate` for each seed, returned in the same result shape so one plot
 * overlays both. The solver settings are a value of their own (`solver.ts`).
 * The density form records its transient domain crossings in the result's
 * `warnings` (THEORY.md 4b).
 * @module
 */
import type {
  CurveResult,
  Fluctuations,
  OrderParameters,
  Problem,
  ProblemInput,
  Run,
  Spectrum,
} from "../problem/types.ts";
import { ConfigError, IntegrationError } from "../core/errors.ts";
import type { Progress } from "../core/progress.ts";
import { checkControl } from "../core/pool.ts";
import { fanOut, seedProgress } from "../core/fanout.ts";
import { curveResult } from "../problem/result.ts";
import { prepare, type Prepared, RECORDED_PROJECTIONS } from "../problem/prepare.ts";
import { RULES } from "../problem/rules.ts";
import { activationSpec } from "../activations/mod.ts";
import { createKernels, type Kernels } from "../kernels/wasm.ts";
import { INTEGRATORS } from "../ode/methods.ts";
import { type OdeSolution, solvePiecewiseAsync } from "../ode/integrate.ts";
import { type ProtocolFlow, protocolFlow } from "./protocols.ts";
import { type Directions, directionsOf, FlowSystem, initialState } from "./system.ts";
import { samplePaths } from "./fluctuations.ts";
import {
  MAX_ADAPTIVE_STEPS,
  MAX_FIXED_STEPS,
  resolveSolver,
  type SolverInput,
  type SolverSettings,
} from "./solver.ts";

/** Progress, cancellation and workers of {@link theory} (progress about every 0.2 s). */
export interface TheoryControl {
  /** Called about every 0.2 s of work. */
  onProgress?: (p: Progress) => void;
  /**
   * Aborts the integration: the integrator yields to the event loop about
   * every 50 ms of work, so an abort is acted on within a fraction of a
   * second (with workers, the pool stops them at once).
   */
  signal?: AbortSignal;
  /**
   * Web Workers to spread the seeds over (default 1: this thread). Each
   * seed's curve is the same bits whatever the pool size.
   */
  workers?: number;
}

/** One seed's integration: its run, the solver's work and the domain warnings. */
export interface SeedIntegration {
  /** The run (seed, error and order parameters at the recorded times). */
  run: Run;
  /** Accepted steps. */
  steps: number;
  /** Evaluations of the right-hand side. */
  rhsEvaluations: number;
  /** Transient domain crossings (density form). */
  warnings: { t: number; message: string }[];
}

/**
 * Integrate the equations for one seed of a resolved problem (what a worker
 * of {@link theory} runs); `progress` receives the time reached.
 */
export async function integrateSeed(
  problem: Problem,
  settings: SolverSettings,
  seed: number,
  progress: (t: number) => void,
  signal?: AbortSignal,
): Promise<SeedIntegration> {
  return await theoryRun(prepare(problem), settings, seed, progress, signal);
}

/**
 * Integrate the equations for every seed of the problem (each from the
 * initial weights `simulate` draws for that seed, or from `network.init`).
 *
 * @param problem the problem, as for `simulate` (resolved or not)
 * @param solver integrator, form, step, tolerances, bins (all optional); with `paths: N` also
 *   N paths of the diffusion limit at this D, summarised in the result's `fluctuations`
 *   (THEORY.md 6b; docs/fluctuations.md)
 * @param control progress and cancellation
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { theory } from "@aedyn/aedyn";
 * const res = await theory({ data: { D: 100 }, network: { K: 2 }, lr: 1, tMax: 10, nTimes: 5 });
 * assert.equal(res.kind, "theory");
 * assert.equal(res.eps.length, res.times.length);
 * ```
 */
// the signature deno doc shows: solver and control are optional (defaults {})
export function theory(
  problem: ProblemInput | Problem,
  solver?: SolverInput,
  control?: TheoryControl,
): Promise<CurveResult>;
export async function theory(
  problem: ProblemInput | Problem,
  solver: SolverInput = {},
  control: TheoryControl = {},
): Promise<CurveResult> {
  checkControl(control);
  const started = performance.now();
  const prep = prepare(problem);
  const settings = resolveSolver(solver, prep.problem);
  checkBeforeWork(prep, settings);
  await heed(control.signal);
  const cfg = prep.problem;
  // the paths of the diffusion limit (when asked for) count as runs after the seeds
  const nPaths = settings.paths ?? 0;
  if (nPaths > 0 && (cfg.batch > 1 || cfg.lrSchedule !== "constant" || cfg.network.weightDecay)) {
    throw new ConfigError(
      "paths (--paths)",
      nPaths,
      "no paths with --batch, --lr-schedule or --weight-decay (the diffusion theory of " +
        "THEORY.md 6b covers online SGD at a constant learning rate without decay for now)",
    );
  }
  const progress = seedProgress(control.onProgress, {
    runs: cfg.seeds.length + nPaths,
    tMax: cfg.tMax,
  });
  // every seed, in this thread or over workers: each the same bits either way
  const outs = await fanOut<TheorySeedTask, SeedIntegration, number>({
    count: cfg.seeds.length,
    workers: control.workers ?? 1,
    worker: new URL("./worker.ts", import.meta.url),
    input: (i) => ({ problem: cfg, settings, seed: cfg.seeds[i], spectrum: prep.spectrum }),
    local: (task, emit) => theoryRun(prep, task.settings, task.seed, emit, control.signal),
    ...(control.signal ? { signal: control.signal } : {}),
    onEvent: (i, t) => progress.reach(i, t),
    onDone: (i) => progress.finish(i),
  });
  const warnings: { t: number; message: string }[] = [];
  let steps = 0, rhsEvaluations = 0;
  for (const [i, out] of outs.entries()) {
    const who = cfg.seeds.length > 1 ? `seed ${cfg.seeds[i]}: ` : "";
    for (const w of out.warnings) warnings.push({ t: w.t, message: who + w.message });
    steps += out.steps;
    rhsEvaluations += out.rhsEvaluations;
  }
  const runs = outs.map((out) => out.run);
  // ---- paths of the diffusion limit (THEORY.md 6b): the spread between seeds at this D ----
  const fluctuations = nPaths > 0 ? await fluctuationsOf(prep, settings, control) : undefined;
  return curveResult(prep, "theory", runs, started, {
    solver: { ...settings, steps, rhsEvaluations },
    warnings,
    ...(fluctuations ? { fluctuations } : {}),
  });
}

/**
 * Most numbers the recorded curves of one theory may hold in all (seeds x
 * recording times x the order parameters of one time): a result is JSON,
 * and a string of JSON cannot grow beyond about 5.4e8 characters (at most
 * about 22 characters a number).
 */
export const MAX_RECORDED_VALUES = 2.4e7;

/**
 * Most equations the stiff integrator ("rosenbrock") takes: it factors a
 * dense N x N Jacobian at every step (N^3 / 3 operations, N right-hand-side
 * evaluations for it), so one step, which cannot be interrupted, takes about
 * 0.3 s at N = 600 on a loaded 2-core host, and minutes at a few thousand.
 */
export const MAX_STIFF_EQUATIONS = 600;

/**
 * The numbers recorded per time of one seed: the error, Q, R, T, T0 and the
 * readout Gram matrix (K x K each), the projections on the leading explicit
 * directions (2 K of them, up to RECORDED_PROJECTIONS each), the biases, and
 * with an output bias C_k and C0.
 */
function valuesPerRecord(cfg: Problem, dirs: Directions): number {
  const { K } = cfg.network;
  const top = Math.min(RECORDED_PROJECTIONS, dirs.rho.length);
  return 1 + 5 * K * K + 2 * K * top + K + (cfg.network.outputBias ? K + 1 : 0);
}

/**
 * Refuse, before any work, what could only fail after it: recorded curves
 * that could not be returned as JSON (they failed after the whole
 * integration), and the stiff integrator on more equations than it can step
 * through in a fraction of a second.
 */
function checkBeforeWork(prep: Prepared, settings: SolverSettings): void {
  const cfg = prep.problem;
  const { K } = cfg.network;
  const dirs = directionsOf(prep.spectrum, K, settings.form, settings.bins);
  if (INTEGRATORS[settings.integrator].name === "rosenbrock") {
    // the state of FlowSystem: m values per explicit direction, m x m per group, the biases
    const m = 2 * K + (cfg.network.outputBias ? 1 : 0);
    const N = m * dirs.rho.length + m * m * dirs.groupRho.length + (cfg.network.bias ? K : 0);
    if (N > MAX_STIFF_EQUATIONS) {
      // binning keeps max(2K, 16) leading directions explicit and makes `bins` groups of the rest
      const fixed = m * Math.min(dirs.rho.length, Math.max(2 * K, 16)) + (cfg.network.bias ? K : 0);
      const bins = Math.floor((MAX_STIFF_EQUATIONS - fixed) / (m * m));
      const binned = settings.form === "projected" && settings.bins === undefined && bins >= 1
        ? `, or the spectrum binned (--bins ${bins} or fewer)`
        : "";
      throw new ConfigError(
        "integrator",
        "stiff",
        `"adaptive" for this problem${binned}: "stiff" takes at most ${MAX_STIFF_EQUATIONS} ` +
          `equations (it factors a dense Jacobian at every step), and here there are ${N} ` +
          `(${dirs.rho.length} directions of the spectrum, K = ${K})`,
      );
    }
  }
  const perRecord = valuesPerRecord(cfg, dirs);
  const total = cfg.seeds.length * prep.times.length * perRecord;
  if (total <= MAX_RECORDED_VALUES) return;
  const timesKey = cfg.times !== undefined ? "times (--times)" : "nTimes (--n-times)";
  const fit = Math.max(1, Math.floor(MAX_RECORDED_VALUES / (cfg.seeds.length * perRecord)));
  const given = cfg.times !== undefined ? cfg.times.length : cfg.nTimes;
  const distinct = given === prep.times.length
    ? ""
    : ` (the grid has ${prep.times.length} distinct whole steps)`;
  throw new ConfigError(
    timesKey,
    given,
    `at most ${fit} recording times${distinct} with ${cfg.seeds.length} seed(s) and K = ${K}: ` +
      `the curves would hold ${total.toPrecision(3)} numbers (${perRecord} per seed and time), ` +
      `more than the ${MAX_RECORDED_VALUES.toPrecision(2)} a result can hold; ` +
      "record fewer times or fewer seeds (--seed)",
  );
}

/** What a worker of {@link theory} receives. */
export interface TheorySeedTask {
  /** The resolved problem. */
  problem: Problem;
  /** The resolved solver. */
  settings: SolverSettings;
  /** The seed to integrate. */
  seed: number;
  /** The data model's spectrum, computed once here rather than in every worker. */
  spectrum: Spectrum;
}

async function theoryRun(
  prep: Prepared,
  opts: SolverSettings,
  seed: number,
  progress: (t: number) => void,
  signal?: AbortSignal,
): Promise<SeedIntegration> {
  const cfg = prep.problem;
  const { K } = cfg.network;
  const D = prep.D;
  // the set-up is long at large D (weights, projections, kernels): an abort is heard between its parts
  await heed(signal);
  const dirs = directionsOf(prep.spectrum, K, opts.form, opts.bins);
  const y0 = initialVector(prep, dirs, seed);
  await heed(signal);
  // the schedule and weight decay of THEORY.md 7; the integration is split at eta's jumps
  const protocol = protocolFlow(cfg);
  const sys = systemOf(prep, opts, dirs, await createKernels(), protocol.options);
  await heed(signal);
  let lastReport = performance.now();
  const adaptive = INTEGRATORS[opts.integrator].adaptive;
  // a fixed step takes at most t-max / h steps plus one shortened step per recording time
  const maxSteps = adaptive ? MAX_ADAPTIVE_STEPS : MAX_FIXED_STEPS + prep.times.length;
  let sol: OdeSolution;
  try {
    sol = await solvePiecewiseAsync({ rhs: sys.rhs, y0 }, prep.times, protocol.jumps, {
      method: opts.integrator,
      ...(opts.h !== undefined ? { h: opts.h } : {}),
      atol: opts.atol,
      rtol: opts.rtol,
      maxSteps,
      check: sys.check,
      ...(signal ? { signal } : {}),
      onStep: (t) => {
        const now = performance.now();
        if (now - lastReport > 200) {
          lastReport = now;
          progress(t);
        }
      },
    }, protocol.onSegment);
  } catch (e) {
    if (e instanceof IntegrationError && e.reason === "max-steps") {
      if (!adaptive) {
        // refused before the first step (the driver counts a fixed step's steps up front)
        throw new ConfigError(
          "h",
          opts.h,
          `a step that reaches t-max = ${cfg.tMax} in at most ${maxSteps} steps`,
        );
      }
      throw new IntegrationError(
        "max-steps",
        e.t,
        `the equations needed more steps than allowed by t = ${
          e.t.toPrecision(4)
        }: the flow is stiff or ` +
          `blowing up (is lr too large?); try the integrator "stiff" or a smaller lr`,
      );
    }
    throw e;
  }
  const eps: number[] = [];
  const order: OrderParameters[] = [];
  const mat = (x: Float64Array) =>
    Array.from({ length: K }, (_, k) => Array.from(x.subarray(k * K, (k + 1) * K)));
  for (const y of sol.states) {
    const o = sys.observe(y);
    eps.push(sys.error());
    order.push({
      Q: mat(o.Q),
      R: mat(o.R),
      T: mat(o.T),
      T0: mat(o.T0),
      WW: mat(sys.WW),
      ...sys.projections(y, RECORDED_PROJECTIONS),
      bias: Array.from(sys.mu, (m) => m * Math.sqrt(D)),
      ...(o.C ? { C: Array.from(o.C), C0: o.C0 } : {}),
    });
  }
  const run: Run = { seed, eps, order, snapshots: [] };
  const warnings = [...sys.warnings];
  if (sys.suppressedWarnings > 0) {
    warnings.push({
      t: sol.times.at(-1) ?? cfg.tMax,
      message: `${sys.suppressedWarnings} more episodes of the conditions above were not recorded`,
    });
  }
  return { run, steps: sol.steps, rhsEvaluations: sol.rhsEvaluations, warnings };
}

/** Let the event loop run (so that an abort is delivered), then act on the signal. */
async function heed(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return;
  signal.throwIfAborted();
  await new Promise((resolve) => setTimeout(resolve, 0));
  signal.throwIfAborted();
}

/** The state of the equations at the initial weights of a seed (or `network.init`). */
function initialVector(prep: Prepared, dirs: Directions, seed: number): Float64Array {
  const cfg = prep.problem;
  const { K } = cfg.network;
  const D = prep.D;
  const w0 = prep.initialWeights(seed);
  const V = decoderOf(cfg, w0.W, w0.V);
  // the output bias c (zeros unless given) enters every direction's vector as c_tau
  const c = cfg.network.outputBias ? (w0.c ?? new Array(D).fill(0)) : undefined;
  const vectors = initialState(dirs, K, w0.W, V, c);
  const bias = cfg.network.bias;
  // trained biases enter the state as mu_k = b_k / sqrt(D), the means of the local fields
  const y0 = new Float64Array(vectors.length + (bias ? K : 0));
  y0.set(vectors);
  if (bias) (w0.b ?? []).forEach((b, k) => (y0[vectors.length + k] = b / Math.sqrt(D)));
  return y0;
}

/** The flow system of a problem on the given kernels (with a schedule's and a decay's terms). */
function systemOf(
  prep: Prepared,
  opts: SolverSettings,
  dirs: Directions,
  kernels: Kernels,
  protocol: ProtocolFlow["options"] = {},
): FlowSystem {
  const cfg = prep.problem;
  const act = activationSpec(cfg.network.activation);
  return new FlowSystem(
    dirs,
    cfg.network.K,
    cfg.rule,
    cfg.lr,
    act.averages,
    kernels,
    cfg.network.tied,
    cfg.network.bias ? act.biasedAverages : undefined,
    { outputBias: cfg.network.outputBias, form: opts.form, ...protocol },
  );
}

/**
 * The fluctuations of a theory with `paths` (THEORY.md 6b): that many paths
 * of the diffusion limit, path i from the initial weights of seed
 * pathSeed + i (or `network.init`), in this thread; progress continues the
 * seeds' (the paths count as runs after them).
 */
async function fluctuationsOf(
  prep: Prepared,
  settings: SolverSettings,
  control: TheoryControl,
): Promise<Fluctuations> {
  const cfg = prep.problem;
  const kernels = await createKernels();
  const dirs = directionsOf(prep.spectrum, cfg.network.K, settings.form, settings.bins);
  const paths = settings.paths!;
  const runs = cfg.seeds.length + paths;
  let last = performance.now();
  return await samplePaths({
    system: systemOf(prep, settings, dirs, kernels),
    kernels,
    activation: activationSpec(cfg.network.activation),
    initial: (seed) => initialVector(prep, dirs, seed),
    times: prep.times,
    paths,
    step: settings.pathStep!,
    seed: settings.pathSeed!,
    epsPCA: prep.pca.epsPCA,
    ...(control.signal ? { signal: control.signal } : {}),
    progress: (done) => {
      const now = performance.now();
      if (!control.onProgress || (now - last < 200 && done < paths)) return;
      last = now;
      control.onProgress({
        run: cfg.seeds.length + done - 1,
        runs,
        t: cfg.tMax,
        tMax: cfg.tMax,
        fraction: (cfg.seeds.length + done) / runs,
      });
    },
  });
}

/** The decoder the equations see: V (untied), W (tied) or W / sqrt(D) (no decoder: Sanger's rule). */
function decoderOf(cfg: Problem, W: number[][], V: number[][] | undefined): number[][] {
  if (!RULES[cfg.rule].decoder) {
    const s = 1 / Math.sqrt(cfg.data.D);
    return W.map((row) => row.map((x) => x * s));
  }
  if (cfg.network.tied) return W;
  if (!V) {
    throw new ConfigError("network.init.V", undefined, "a K x D decoder for an untied network");
  }
  return V;
}
