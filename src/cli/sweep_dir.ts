/**
 * A sweep's directory: DIR/spec.json (the spec every shard runs),
 * DIR/points/NAME.json (one file per finished point, written atomically,
 * read back to skip it, checked against its point before it is trusted),
 * and the merge into DIR/summary.json, summary.csv and figures.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import {
  canonicalJson,
  checkPoints,
  parseSweepSpec,
  pointAt,
  type SweepPoint,
  type SweepRun,
  type SweepSpec,
} from "../sweep/spec.ts";
import { type PointResult, pointResultProblem } from "../sweep/point.ts";
import { rowsCsv, summarise, type SweepSummary } from "../sweep/sweep.ts";
import { sweepHeatmapSpec } from "../plot/sweep_heatmap.ts";
import { sweepCurvesSpec } from "../plot/sweep_curves.ts";
import type { VegaLiteSpec } from "../plot/style.ts";
import { writeAtomic, writeFiles } from "./io.ts";
import { specFiles } from "./figures.ts";

/**
 * Largest spec or point file read (a point's curves hold at most 3 x 1e5
 * numbers, about 8 MB of JSON).
 */
export const MAX_SWEEP_FILE = 64 * 2 ** 20;

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
  const existing = await readSweepFile(
    path,
    "--out",
    "the spec.json of a sweep directory, or none",
  );
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
 * The text of a file of a sweep (a spec, a point), or undefined when there
 * is none. Only a regular file of at most {@link MAX_SWEEP_FILE} bytes is
 * read (a FIFO would block, a device never end); anything else, or a file
 * that cannot be read, is refused naming `flag`, the file and why.
 */
export async function readSweepFile(
  path: string,
  flag: string,
  what: string,
): Promise<string | undefined> {
  const refuse = (why: string): never => {
    throw new ConfigError(flag, `${path} (${why})`, what);
  };
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) refuse(info.isDirectory ? "a directory" : "not a regular file");
    if (info.size > MAX_SWEEP_FILE) refuse(`${info.size} bytes, more than ${MAX_SWEEP_FILE}`);
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    if (e instanceof ConfigError) throw e;
    return refuse((e as Error).message);
  }
}

/** A point's file, or undefined when there is none. */
function readPointFile(path: string, flag: string): Promise<string | undefined> {
  return readSweepFile(path, flag, "a point file this package wrote, or none");
}

/** Why the text of a point file is not `point`'s record (null when it is). */
function pointFileProblem(text: string, point: SweepPoint, run: readonly SweepRun[]) {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch (e) {
    return `text that is not JSON (${(e as Error).message})`;
  }
  return pointResultProblem(r, point, run);
}

/**
 * A point's earlier result from its file, or undefined when there is none;
 * a file that is not this point's record (another version, edited, damaged)
 * is reported through `warn`, naming the file and why, and the point is run
 * again (its file replaced when it finishes).
 */
export async function readFinished(
  dir: string,
  point: SweepPoint,
  run: readonly SweepRun[],
  warn: (line: string) => void,
): Promise<PointResult | undefined> {
  const path = pointPath(dir, point.name);
  const text = await readPointFile(path, "--out");
  if (text === undefined) return undefined;
  const why = pointFileProblem(text, point, run);
  if (why === null) return JSON.parse(text) as PointResult;
  warn(`${path} is not a finished point of this sweep (${why}); running the point again`);
  return undefined;
}

/** Write a point's result atomically. */
export async function savePoint(dir: string, r: PointResult): Promise<void> {
  await writeAtomic(pointPath(dir, r.name), JSON.stringify(r));
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
  /** Keep the points' curves in summary.json and draw them (default true). */
  curves?: boolean;
}

/**
 * Most curve values summary.json may hold (about 20 characters each: some
 * 400 MB of JSON; a JavaScript string ends near 512 MB).
 */
export const MAX_SUMMARY_CURVES = 2e7;

/**
 * Read a sweep directory's spec and every point file; the summary (missing
 * points refused; curves too many for one summary.json refused before any
 * file is read, unless `curves` is false).
 */
export async function readSweepDir(
  dir: string,
  opts: { curves?: boolean } = {},
): Promise<SweepSummary> {
  const path = `${dir}/spec.json`;
  let text: string | undefined;
  try {
    text = await readSweepFile(path, "--merge", "the spec.json of a sweep directory");
  } catch (e) {
    if (!(e instanceof ConfigError && /not a directory/i.test(String(e.value)))) throw e;
  }
  if (text === undefined) {
    throw new ConfigError(
      "--merge",
      dir,
      "the directory of a sweep: DIR/spec.json, written by cli.ts sweep SPEC --out DIR",
    );
  }
  const spec = parseSweepSpec(text, path);
  const { count, curveValues } = await checkPoints(spec, path);
  if (opts.curves !== false && curveValues > MAX_SUMMARY_CURVES) {
    throw new ConfigError(
      "--merge",
      `${dir} (${count} points whose curves hold ${curveValues} values, more than ${MAX_SUMMARY_CURVES})`,
      "a sweep whose curves fit in summary.json, or --no-curves (the rows only)",
    );
  }
  const run = spec.run ?? ["simulate", "theory"];
  const results: PointResult[] = [];
  for (let i = 0; i < count; i++) {
    const p = await pointAt(spec, i, path);
    const file = pointPath(dir, p.name);
    const text = await readPointFile(file, "--merge");
    if (text === undefined) continue; // summarise names the missing points
    const why = pointFileProblem(text, p, run);
    if (why !== null) {
      throw new ConfigError(
        "--merge",
        `${file} (not the record of point ${i}: ${why})`,
        "point files written by this version (remove it and rerun that point's shard)",
      );
    }
    results.push(JSON.parse(text));
  }
  return await summarise(spec, results, { curves: opts.curves !== false });
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
  const summary = await readSweepDir(dir, { curves: opts.curves !== false });
  const figures = await specFiles(sweepFigures(summary, opts), opts.svg ?? true);
  return await writeFiles(dir, {
    "summary.json": JSON.stringify(summary),
    "summary.csv": rowsCsv(summary.rows),
    ...figures,
  });
}
