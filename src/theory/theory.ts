/**
 * `theory`: the predicted learning curve of a configuration from the exact
 * equations (THEORY.md section 4, projected form of 4b), started from the
 * same initial weights as `simulate` for each seed, returned in the same
 * result shape so one plot overlays both.
 * @module
 */
import type { CurveResult, OrderParameters, Run } from "../problem/types.ts";
import { ConfigError } from "../core/errors.ts";
import {
  resolveSimulateConfig,
  type SimulateConfig,
  type SimulateInput,
} from "../problem/config.ts";
import { pcaSummary, type Spectrum, spectrumOf } from "../data/spectrum.ts";
import { describeData } from "../data/models.ts";
import {
  drawInitialWeights,
  MAX_PROJECTIONS,
  type Progress,
  recordingTimes,
  summarise,
} from "../sgd/simulate.ts";
import { createKernels } from "../kernels/wasm.ts";
import { VERSION } from "../core/version.ts";
import { IntegrationError, type OdeMethod, solve } from "../ode/integrate.ts";
import { directionsOf, FlowSystem, type Form, FORMS, initialState } from "./system.ts";
import { averagesFor } from "../activations/averages.ts";
import { biasedAveragesFor } from "../activations/biased_averages.ts";

/** Default solver settings: RK4 step, adaptive tolerances. */
export const THEORY_DEFAULTS = { hRk4: 0.01, atol: 1e-10, rtol: 1e-8 };

/** Most steps one integration may take (fixed-step methods: t-max / h). */
export const MAX_FIXED_STEPS = 10_000_000;
/** Most step attempts of the adaptive integrators. */
export const MAX_ADAPTIVE_STEPS = 1_000_000;

/** Integrators offered by {@link theory}. */
export type Integrator = "euler" | "rk4" | "adaptive" | "stiff";
/** The allowed integrators. */
export const INTEGRATORS: readonly Integrator[] = ["euler", "rk4", "adaptive", "stiff"];

/** Solver settings of {@link theory}. */
export interface TheoryOptions {
  /**
   * "adaptive" (Dormand–Prince 5(4), default), "stiff" (Rosenbrock ROS34PW2 with a
   * finite-difference Jacobian, for long times), "rk4" (fixed step) or "euler" (fixed step, default 1/D).
   */
  integrator: Integrator;
  /** "projected" (default) or "density". */
  form: Form;
  /** Step of the fixed-step integrators (default: 1/D for Euler, 0.01 for RK4). */
  h?: number;
  /** Bin all but the leading directions of the spectrum into this many groups (projected form; default: no binning). */
  bins?: number;
  /** Tolerances of the adaptive integrator (defaults 1e-10 and 1e-8). */
  atol: number;
  rtol: number;
}

/** Progress and cancellation of {@link theory} (progress about every 0.2 s). */
export interface TheoryControl {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

/** Input of {@link theory}: the problem of `simulate` plus the solver settings. */
export type TheoryInput = SimulateInput & Partial<TheoryOptions>;

/** Fill in and check the solver settings. */
export function resolveTheoryOptions(
  input: Partial<TheoryOptions>,
  D: number,
  tMax?: number,
): TheoryOptions {
  const integrator = input.integrator ?? "adaptive";
  if (!INTEGRATORS.includes(integrator)) {
    throw new ConfigError("integrator", integrator, INTEGRATORS.join(", "));
  }
  const form = input.form ?? "projected";
  if (!FORMS.includes(form)) throw new ConfigError("form", form, FORMS.join(", "));
  const h = input.h ??
    (integrator === "euler" ? 1 / D : integrator === "rk4" ? THEORY_DEFAULTS.hRk4 : undefined);
  if (h !== undefined && !(Number.isFinite(h) && h > 0)) {
    throw new ConfigError("h", h, "a step > 0");
  }
  const atol = input.atol ?? THEORY_DEFAULTS.atol;
  const rtol = input.rtol ?? THEORY_DEFAULTS.rtol;
  if (!(atol >= 0 && Number.isFinite(atol))) throw new ConfigError("atol", atol, "a number >= 0");
  if (!(rtol >= 1e-14 && rtol <= 0.1)) {
    throw new ConfigError("rtol", rtol, "a number from 1e-14 to 0.1");
  }
  if (h !== undefined && tMax !== undefined && tMax / h > MAX_FIXED_STEPS) {
    throw new ConfigError(
      "h",
      h,
      `at least t-max / ${MAX_FIXED_STEPS} = ${
        tMax / MAX_FIXED_STEPS
      } (at most ${MAX_FIXED_STEPS} steps)`,
    );
  }
  if (
    input.bins !== undefined &&
    !(Number.isInteger(input.bins) && input.bins >= 1 && input.bins <= D)
  ) {
    throw new ConfigError("bins", input.bins, `an integer from 1 to D = ${D}`);
  }
  return {
    integrator,
    form,
    atol,
    rtol,
    ...(h !== undefined ? { h } : {}),
    ...(input.bins !== undefined ? { bins: input.bins } : {}),
  };
}

/**
 * Integrate the equations for every seed of the configuration (each from the
 * initial weights `simulate` draws for that seed, or from `network.init`).
 *
 * @example
 * ```ts
 * import { theory, spikedModel } from "../../mod.ts";
 * const res = await theory({ data: spikedModel({ D: 100 }), network: { K: 2 }, lr: 1, tMax: 10, nTimes: 5 });
 * if (!(res.kind === "theory" && res.eps.length === res.times.length)) throw new Error("example failed");
 * ```
 */
export async function theory(
  input: TheoryInput,
  control: TheoryControl = {},
): Promise<CurveResult> {
  const started = performance.now();
  const { integrator, form, h, atol, rtol, bins, ...problem } = input;
  const cfg = resolveSimulateConfig(problem);
  const D = cfg.data.D;
  const opts = resolveTheoryOptions({ integrator, form, h, atol, rtol, bins }, D, cfg.tMax);
  const spectrum = spectrumOf(cfg.data);
  const times = recordingTimes(cfg);
  const runs: Run[] = [];
  let steps = 0, rhsEvaluations = 0;
  for (const [i, seed] of cfg.seeds.entries()) {
    const out = await theoryRun(cfg, opts, spectrum, times, seed, (t) =>
      control.onProgress?.({
        run: i,
        runs: cfg.seeds.length,
        t,
        tMax: cfg.tMax,
        fraction: (i + t / cfg.tMax) / cfg.seeds.length,
      }), control.signal);
    runs.push(out.run);
    steps += out.steps;
    rhsEvaluations += out.rhsEvaluations;
  }
  return {
    kind: "theory",
    version: VERSION,
    config: {
      ...cfg,
      data: describeData(cfg.data),
      D,
      solver: opts,
      steps,
      rhsEvaluations,
    } as unknown as Record<
      string,
      unknown
    >,
    times,
    ...summarise(runs.map((r) => r.eps)),
    runs,
    pca: pcaSummary(spectrum, cfg.network.K),
    seconds: (performance.now() - started) / 1000,
  };
}

const METHOD: Record<Integrator, OdeMethod> = {
  euler: "euler",
  rk4: "rk4",
  adaptive: "dopri5",
  stiff: "rosenbrock",
};

async function theoryRun(
  cfg: SimulateConfig,
  opts: TheoryOptions,
  spectrum: Spectrum,
  times: number[],
  seed: number,
  progress: (t: number) => void,
  signal?: AbortSignal,
) {
  const { K } = cfg.network;
  const D = cfg.data.D;
  const w0 = cfg.network.init ?? drawInitialWeights(cfg.network, D, seed, cfg.rule);
  const V = decoderOf(cfg, w0.W, w0.V);
  const dirs = directionsOf(spectrum, K, opts.form, opts.bins);
  const vectors = initialState(dirs, K, w0.W, V);
  const bias = cfg.network.bias;
  // trained biases enter the state as mu_k = b_k / sqrt(D), the means of the local fields
  const y0 = new Float64Array(vectors.length + (bias ? K : 0));
  y0.set(vectors);
  if (bias) (w0.b ?? []).forEach((b, k) => (y0[vectors.length + k] = b / Math.sqrt(D)));
  const sys = new FlowSystem(
    dirs,
    K,
    cfg.rule,
    cfg.lr,
    averagesFor(cfg.network.activation),
    await createKernels(),
    cfg.network.tied,
    bias ? biasedAveragesFor(cfg.network.activation) : undefined,
  );
  let lastReport = performance.now();
  const solveIt = () =>
    solve({ rhs: sys.rhs, y0 }, times, {
      method: METHOD[opts.integrator],
      ...(opts.h !== undefined ? { h: opts.h } : {}),
      atol: opts.atol,
      rtol: opts.rtol,
      maxSteps: opts.integrator === "euler" || opts.integrator === "rk4"
        ? MAX_FIXED_STEPS
        : MAX_ADAPTIVE_STEPS,
      check: sys.check,
      ...(signal ? { signal } : {}),
      onStep: (t) => {
        const now = performance.now();
        if (now - lastReport > 200) {
          lastReport = now;
          progress(t);
        }
      },
    });
  let sol: ReturnType<typeof solve>;
  try {
    sol = solveIt();
  } catch (e) {
    if (e instanceof IntegrationError && e.reason === "max-steps") {
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
      ...sys.projections(y, MAX_PROJECTIONS),
      bias: Array.from(sys.mu, (m) => m * Math.sqrt(D)),
    });
  }
  const run: Run = { seed, eps, order, snapshots: [] };
  return { run, steps: sol.steps, rhsEvaluations: sol.rhsEvaluations };
}

/** The decoder the equations see: V (untied), W (tied) or W / sqrt(D) (Sanger's rule). */
function decoderOf(cfg: SimulateConfig, W: number[][], V: number[][] | undefined): number[][] {
  if (cfg.rule === "sanger") {
    const s = 1 / Math.sqrt(cfg.data.D);
    return W.map((row) => row.map((x) => x * s));
  }
  if (cfg.network.tied) return W;
  if (!V) throw new ConfigError("init.V", undefined, "a K x D decoder for an untied network");
  return V;
}
