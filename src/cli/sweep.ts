/**
 * A sweep's directory and its schedulers: DIR/spec.json (the spec every
 * shard runs), DIR/points/NAME.json (one file per finished point, written
 * atomically, read back to skip it), the shard a process runs (from
 * --shard, a Slurm array task or a Kubernetes indexed job), the Slurm
 * array-job script, and the merge into DIR/summary.json, summary.csv and
 * figures.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import {
  canonicalJson,
  parseSweepSpec,
  type Shard,
  type SweepPoint,
  sweepPoints,
  type SweepSpec,
} from "../sweep/spec.ts";
import { isPointResult, type PointResult } from "../sweep/point.ts";
import { rowsCsv, summarise, type SweepSummary } from "../sweep/sweep.ts";
import { sweepHeatmapSpec } from "../plot/sweep_heatmap.ts";
import { sweepCurvesSpec } from "../plot/sweep_curves.ts";
import type { VegaLiteSpec } from "../plot/style.ts";
import { readTextFile, writeAtomic, writeFiles } from "./io.ts";
import { specFiles } from "./figures.ts";
import { numberFlag, UsageError } from "./flags.ts";

/** The file of a point in a sweep directory. */
export function pointPath(dir: string, name: string): string {
  return `${dir}/points/${name}.json`;
}

/**
 * Make `dir` the directory of `spec`: create DIR/points and write
 * DIR/spec.json, or check that the spec already there is the same one (a
 * directory holds the points of one sweep).
 */
export async function claimSweepDir(dir: string, spec: SweepSpec): Promise<void> {
  await Deno.mkdir(`${dir}/points`, { recursive: true });
  const path = `${dir}/spec.json`;
  let existing: string | undefined;
  try {
    existing = await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (existing !== undefined) {
    let same = false;
    try {
      same = canonicalJson(parseSweepSpec(existing, path)) === canonicalJson(spec);
    } catch {
      // unreadable: not the same spec
    }
    if (!same) {
      throw new ConfigError(
        "--out",
        `${dir} (holds another sweep: ${path} differs)`,
        "the directory of this sweep, or a new one",
      );
    }
    return;
  }
  await writeAtomic(path, JSON.stringify(spec, null, 2) + "\n");
}

/**
 * A point's earlier result from its file, or undefined when there is none;
 * a file that is not this point's record (another version, edited, damaged)
 * is reported through `warn` and the point is run again.
 */
export async function readFinished(
  dir: string,
  point: SweepPoint,
  warn: (line: string) => void,
): Promise<PointResult | undefined> {
  const path = pointPath(dir, point.name);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  try {
    const r = JSON.parse(text);
    if (isPointResult(r, point.name)) return r;
  } catch {
    // fall through
  }
  warn(`${path} is not a finished point of this sweep; running the point again`);
  return undefined;
}

/** Write a point's result atomically. */
export async function savePoint(dir: string, r: PointResult): Promise<void> {
  await writeAtomic(pointPath(dir, r.name), JSON.stringify(r));
}

/** Where a shard came from, for the log. */
export interface ShardChoice {
  /** The shard, or undefined for every point. */
  shard?: Shard;
  /** "--shard", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX" or "". */
  source: string;
}

function intFrom(name: string, text: string, min: number): number {
  const v = numberFlag(name, text, true);
  if (v < min) throw new ConfigError(name, text, `an integer >= ${min}`);
  return v;
}

/**
 * The shard this process runs: `--shard I/N` (0-based I), else a Slurm
 * array task (SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, of
 * SLURM_ARRAY_TASK_COUNT), else a Kubernetes indexed job
 * (JOB_COMPLETION_INDEX, of `--shards N`), else every point.
 */
export function chooseShard(
  flag: string | undefined,
  shards: string | undefined,
  env: (name: string) => string | undefined,
): ShardChoice {
  const check = (shard: Shard, param: string): Shard => {
    if (shard.index >= shard.count) {
      throw new ConfigError(param, `${shard.index}/${shard.count}`, "I/N with 0 <= I < N");
    }
    return shard;
  };
  if (flag !== undefined) {
    const m = /^\s*(\S+)\s*\/\s*(\S+)\s*$/.exec(flag);
    if (!m) throw new ConfigError("--shard", flag, "I/N: shard I (from 0) of N, e.g. 0/4");
    return {
      shard: check(
        { index: intFrom("--shard", m[1], 0), count: intFrom("--shard", m[2], 1) },
        "--shard",
      ),
      source: "--shard",
    };
  }
  const slurmId = env("SLURM_ARRAY_TASK_ID");
  const slurmCount = env("SLURM_ARRAY_TASK_COUNT");
  if (slurmId !== undefined && slurmCount !== undefined) {
    const min = env("SLURM_ARRAY_TASK_MIN");
    const index = intFrom("SLURM_ARRAY_TASK_ID", slurmId, 0) -
      (min === undefined ? 0 : intFrom("SLURM_ARRAY_TASK_MIN", min, 0));
    const count = intFrom("SLURM_ARRAY_TASK_COUNT", slurmCount, 1);
    return { shard: check({ index, count }, "SLURM_ARRAY_TASK_ID"), source: "SLURM_ARRAY_TASK_ID" };
  }
  const k8s = env("JOB_COMPLETION_INDEX");
  if (k8s !== undefined) {
    if (shards === undefined) {
      throw new ConfigError(
        "--shards",
        "not given",
        "the number of completions of the indexed job (JOB_COMPLETION_INDEX is set)",
      );
    }
    return {
      shard: check(
        { index: intFrom("JOB_COMPLETION_INDEX", k8s, 0), count: intFrom("--shards", shards, 1) },
        "JOB_COMPLETION_INDEX",
      ),
      source: "JOB_COMPLETION_INDEX",
    };
  }
  if (shards !== undefined) {
    throw new UsageError("--shards is the count of a Kubernetes indexed job or of --slurm tasks");
  }
  return { source: "" };
}

/** Settings of a Slurm array job. */
export interface SlurmOptions {
  /** The sweep directory (absolute). */
  dir: string;
  /** Array tasks (shards). */
  tasks: number;
  /** CPUs per task (the workers of each task). */
  cpusPerTask: number;
  /** Partition, when given. */
  partition?: string;
  /** Time limit (Slurm's format, e.g. 01:00:00), when given. */
  time?: string;
  /** The command that runs the CLI (deno run ... cli.ts), words already quoted. */
  command: string;
}

/** A word for bash, in single quotes. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

/**
 * The array-job script: one task per shard, each running its shard of
 * DIR/spec.json into DIR with as many workers as CPUs; logs in DIR/slurm/.
 */
export function sbatchScript(o: SlurmOptions): string {
  const dir = shellQuote(o.dir);
  return [
    "#!/bin/bash",
    `# An aedyn sweep as a Slurm array job: task I runs shard I/${o.tasks} of spec.json.`,
    `# Submit: sbatch ${o.dir}/sweep.sbatch`,
    `# Merge when every task has finished: ${o.command} sweep --merge ${dir}`,
    "#SBATCH --job-name=aedyn-sweep",
    `#SBATCH --array=0-${o.tasks - 1}`,
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    `#SBATCH --output=${o.dir}/slurm/%A_%a.out`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    "set -euo pipefail",
    `exec ${o.command} sweep ${dir}/spec.json --out ${dir} --workers "\${SLURM_CPUS_PER_TASK:-${o.cpusPerTask}}"`,
    "",
  ].join("\n");
}

/** Options of {@link mergeSweep}. */
export interface MergeOptions {
  /** The metric of the heat map (default finalOverPCA). */
  metric?: string;
  /** The heat map's axes. */
  x?: string;
  y?: string;
  /** The axis of the curves' panels. */
  facet?: string;
  /** Also write SVG (default true). */
  svg?: boolean;
}

/** Read a sweep directory's spec and every point file; the summary (missing points refused). */
export async function readSweepDir(dir: string): Promise<SweepSummary> {
  const path = `${dir}/spec.json`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) {
      throw new ConfigError(
        "--merge",
        dir,
        "the directory of a sweep: DIR/spec.json, written by cli.ts sweep SPEC --out DIR",
      );
    }
    text = await readTextFile(path, "--merge"); // throws, naming why the file is unreadable
  }
  const spec = parseSweepSpec(text, path);
  const points = await sweepPoints(spec, path);
  const results: PointResult[] = [];
  for (const p of points) {
    let text: string;
    try {
      text = await Deno.readTextFile(pointPath(dir, p.name));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue; // summarise names the missing points
      throw e;
    }
    let r: unknown;
    try {
      r = JSON.parse(text);
    } catch {
      r = undefined;
    }
    if (!isPointResult(r, p.name)) {
      throw new ConfigError(
        "--merge",
        `${pointPath(dir, p.name)} (not the record of point ${p.index})`,
        "point files written by this version (remove it and rerun that point's shard)",
      );
    }
    results.push(r);
  }
  return await summarise(spec, results);
}

/** The figures of a summary: the heat map of a metric and the curves by an axis. */
export function sweepFigures(
  summary: SweepSummary,
  opts: MergeOptions = {},
): Record<string, VegaLiteSpec> {
  try {
    return figuresOf(summary, opts);
  } catch (e) {
    // the chart builders name their options; the user gave them as flags
    if (e instanceof ConfigError && ["metric", "x", "y", "facet"].includes(e.param)) {
      throw new ConfigError(`--${e.param}`, e.value, e.allowed);
    }
    throw e;
  }
}

function figuresOf(summary: SweepSummary, opts: MergeOptions): Record<string, VegaLiteSpec> {
  const specs: Record<string, VegaLiteSpec> = {};
  const metric = opts.metric ?? "finalOverPCA";
  if (opts.metric !== undefined || summary.rows.some((r) => typeof r[metric] === "number")) {
    specs.heatmap = sweepHeatmapSpec(summary, {
      metric,
      ...(opts.x ? { x: opts.x } : {}),
      ...(opts.y ? { y: opts.y } : {}),
    });
  }
  if (summary.curves.some((c) => c.times.length > 0)) {
    specs.curves = sweepCurvesSpec(summary, opts.facet ? { facet: opts.facet } : {});
  }
  return specs;
}

/** Merge a sweep directory: summary.json, summary.csv and the figures; the paths written. */
export async function mergeSweep(dir: string, opts: MergeOptions = {}): Promise<string[]> {
  const summary = await readSweepDir(dir);
  const figures = await specFiles(sweepFigures(summary, opts), opts.svg ?? true);
  return await writeFiles(dir, {
    "summary.json": JSON.stringify(summary),
    "summary.csv": rowsCsv(summary.rows),
    ...figures,
  });
}
