/**
 * What the commands that run a problem share about their output: the output
 * flags, checking every output path before the run, the exclusive lock on
 * the output directory during it, the extra files (--save-init,
 * --save-spectrum) written after it, and the summary printed on stderr.
 * @module
 */
import type { CurveResult, GaussianModel, Problem } from "../problem/types.ts";
import { prepare } from "../problem/prepare.ts";
import { formatCovariance, formatInitialWeights } from "../problem/formats.ts";
import { ConfigError } from "../core/errors.ts";
import { type FlagOption, type FlagValues, numberFlag } from "./flags.ts";
import { coreCount, MAX_WORKERS } from "../core/pool.ts";
import {
  checkNotInOutputDir,
  checkOutputDir,
  checkOutputFile,
  lockOutputDir,
  outputIdentity,
  writeAtomic,
} from "./io.ts";

/** The output flags of simulate, theory and compare. */
export const OUTPUT_FLAGS: Record<string, FlagOption> = {
  out: { type: "string" },
  "no-svg": { type: "boolean" },
  "save-init": { type: "string" },
  "save-spectrum": { type: "string" },
  quiet: { type: "boolean" },
  workers: { type: "string" },
  help: { type: "boolean", short: "h" },
};

/** The number of workers a command runs its seeds on: --workers N, default the cores. */
export function workersOf(flags: FlagValues): number {
  if (flags.workers === undefined) return coreCount();
  const v = numberFlag("--workers", String(flags.workers), true);
  if (v < 1 || v > MAX_WORKERS) {
    throw new ConfigError("--workers", flags.workers, `an integer from 1 to ${MAX_WORKERS}`);
  }
  return v;
}

/** Help lines of {@link OUTPUT_FLAGS}. */
export const OUTPUT_HELP = `Output:
  --out DIR            write result.json, *.vl.json and *.svg there (an exclusive
                       lock DIR/.lock is held during the run)
  --no-svg             write the Vega-Lite specs only
  --save-init FILE     write the initial weights of the first seed
                       ({"W": KxD, "V": KxD, "b": K}) after the run
  --save-spectrum FILE write the data model's covariance
                       ({"eigenvalues", "eigenvectors", "bulk"}) after the run
  --quiet              no progress or summary on stderr
  --workers N          seeds computed in parallel, each in a Web Worker (default:
                       the cores; at most 256, and fewer when their test sets
                       together would exceed 1.5e8 values); a seed's numbers
                       are the same whatever N`;

/** Check every output path the flags name, before any work (exit 2, nothing written). */
export function checkOutputs(flags: FlagValues): void {
  if (typeof flags.out === "string") {
    checkOutputDir(flags.out, "--out");
    checkOutputDir(`${flags.out}/.partial`, "--out", /^run-\d+\.json$/); // the checkpoints
  }
  const targets: string[] = [];
  for (const flag of ["save-init", "save-spectrum"]) {
    const path = flags[flag];
    if (typeof path !== "string") continue;
    checkOutputFile(path, `--${flag}`);
    if (typeof flags.out === "string") checkNotInOutputDir(path, `--${flag}`, flags.out);
    const real = outputIdentity(path, `--${flag}`);
    if (targets.includes(real)) {
      throw new ConfigError(
        "--save-spectrum",
        `${path} (the same file as --save-init's)`,
        "a file other than --save-init's",
      );
    }
    targets.push(real);
  }
}

/**
 * Run `work` holding the lock of the output directory, if there is one
 * (the directory is created for it).
 */
export async function withOutputDir<T>(
  out: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (out === undefined) return await work();
  const lock = await lockOutputDir(out);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

/** The data model's spectrum as a Gaussian model (for --save-spectrum). */
function spectrumModel(problem: Problem): GaussianModel {
  const { spectrum } = prepare(problem);
  const D = spectrum.D;
  const rows: number[][] = [];
  for (let m = 0; m < spectrum.eigenvalues.length; m++) {
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

/** After a successful run: --save-init (initial weights of the first seed) and --save-spectrum. */
export async function saveExtras(
  flags: FlagValues,
  problem: Problem,
  quiet: boolean,
): Promise<void> {
  if (typeof flags["save-init"] === "string") {
    const w = prepare(problem).initialWeights(problem.seeds[0]);
    await writeAtomic(flags["save-init"], formatInitialWeights(w), "--save-init");
    if (!quiet) {
      console.error(`wrote initial weights of seed ${problem.seeds[0]} to ${flags["save-init"]}`);
    }
  }
  if (typeof flags["save-spectrum"] === "string") {
    await writeAtomic(
      flags["save-spectrum"],
      formatCovariance(spectrumModel(problem)),
      "--save-spectrum",
    );
    if (!quiet) console.error(`wrote the covariance spectrum to ${flags["save-spectrum"]}`);
  }
}

/** The summary of a result printed on stderr. */
export function summary(result: CurveResult): string {
  const last = result.times.length - 1;
  const K = result.config.network.K;
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
