/**
 * `cli.ts sweep SPEC.json --out DIR`: every point of a sweep (or one
 * shard's) over a pool of workers, each point's result written atomically
 * as soon as it exists, finished points skipped on a rerun; `--slurm`
 * writes (and `--submit` submits) a Slurm array job of shards instead;
 * `--merge DIR` gathers every point into summary.json, summary.csv and
 * figures.
 * @module
 */
import type { Command } from "../command.ts";
import { ConfigError } from "../../core/errors.ts";
import { coreCount, MAX_WORKERS } from "../../core/pool.ts";
import {
  checkPoints,
  parseSweepSpec,
  pointCount,
  shardSize,
  type SweepSpec,
} from "../../sweep/spec.ts";
import { runSweep, type SweepProgress, workersFor } from "../../sweep/sweep.ts";
import type { PointResult } from "../../sweep/point.ts";
import { type FlagValues, numberFlag, parseFlags, textFlag, UsageError } from "../flags.ts";
import { checkOutputDir, cleanStaleTemps, lockOutputDir, writeAtomic } from "../io.ts";
import { interruptible } from "../session.ts";
import {
  claimSweepDir,
  MAX_SUMMARY_CURVES,
  mergeSweep,
  readFinished,
  readSweepFile,
  savePoint,
} from "../sweep_dir.ts";
import {
  checkScriptPath,
  chooseShard,
  sbatchScript,
  type ShardChoice,
  shellQuote,
} from "../slurm.ts";

const enc = new TextEncoder();

/** Seconds as "1h02m", "3m05s" or "12s". */
export function duration(s: number): string {
  const t = Math.max(0, Math.round(s));
  if (t >= 3600) {
    return `${Math.floor(t / 3600)}h${String(Math.floor(t % 3600 / 60)).padStart(2, "0")}m`;
  }
  if (t >= 60) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, "0")}s`;
  return `${t}s`;
}

function positiveInt(name: string, text: unknown, max: number): number {
  const v = numberFlag(name, String(text), true);
  if (v < 1 || v > max) throw new ConfigError(name, text, `an integer from 1 to ${max}`);
  return v;
}

/** The command that runs this CLI again (for the array job): deno, its config, cli.ts. */
function cliCommand(): string[] {
  const cli = new URL("../../../cli.ts", import.meta.url);
  const config = new URL("../../../deno.json", import.meta.url);
  const words = [Deno.execPath(), "run", "-A"];
  if (cli.protocol === "file:") {
    words.push("--config", decodeURIComponent(config.pathname), decodeURIComponent(cli.pathname));
  } else {
    words.push(cli.href);
  }
  return words;
}

const MERGE_FLAGS = ["metric", "x", "y", "facet", "no-svg", "no-curves"];
const SLURM_FLAGS = ["partition", "time", "cpus-per-task", "submit", "wait"];

/** The `sweep` command. */
export const SWEEP: Command = {
  name: "sweep",
  summary: "a study over axes of problem keys (SPEC.json): points over\n" +
    "             workers, shards, Slurm array jobs; --merge DIR: rows, figures",
  help: () =>
    `Usage: deno run -A cli.ts sweep SPEC.json --out DIR [--workers N] [--shard I/N]
       deno run -A cli.ts sweep SPEC.json --out DIR --slurm [--shards N]
                [--partition P] [--time T] [--cpus-per-task C] [--submit [--wait]]
       deno run -A cli.ts sweep --merge DIR [--metric M] [--x AXIS] [--y AXIS]
                [--facet AXIS] [--no-svg] [--no-curves]

SPEC.json: {"problem": <simulate input>, "axes": {"lr": [0.5, 1],
"network.K": [2, 4], ...}, "run": ["simulate", "theory"], "solver": {...}}.
Axes name any problem key by its dotted path (see simulate --help); the
points are their Cartesian product, each resolved and checked before any
work. A point's result is written atomically to DIR/points/NAME.json, NAME a
hash of its resolved configuration; a rerun skips finished points. A run
that covers every point merges at the end.

Run:
  --out DIR          the sweep's directory (DIR/spec.json, DIR/points/)
  --workers N        points computed in parallel, 1 to ${MAX_WORKERS} (default: the
                     cores, ${coreCount()}); fewer run when their test sets
                     (n-test x D values each) would hold more than 1.5e8
                     values together
  --shard I/N        run every N-th point from point I (0 <= I < N); without
                     it, with --shards N, SLURM_ARRAY_TASK_ID (a Slurm array
                     job: the task's rank in an array of N evenly spaced
                     tasks, else the task ID itself, as after sbatch
                     --array=3) or JOB_COMPLETION_INDEX (a Kubernetes
                     indexed job) choose the shard
  --shards N         the number of shards (indexed jobs; array tasks with --slurm)
  --quiet            no progress on stderr

Slurm:
  --slurm            write DIR/sweep.sbatch, an array job of --shards tasks
                     (default: one per point, at most 32), each running its
                     shard into DIR (the count pinned in the script); logs
                     in DIR/slurm/; paths with control characters refused
  --partition P      #SBATCH --partition
  --time T           #SBATCH --time (e.g. 00:30:00)
  --cpus-per-task C  #SBATCH --cpus-per-task, the workers of each task (default 1)
  --submit           also submit it with sbatch (--wait: until every task ends)

Merge:
  --merge DIR        write DIR/summary.json (rows: one per point, its axis
                     values and metrics, no timings; curves; timings apart),
                     DIR/summary.csv (the rows), heatmap.* and curves.*
  --metric M         the heat map's metric (default finalOverPCA; also
                     finalError, theoryFinal, deviationMax, deviationMean,
                     plateauEnd1, ...)
  --x, --y AXIS      the heat map's axes (default: the first two with several values)
  --facet AXIS       the axis of the curves' panels (default: the first with several values)
  --no-svg           write the Vega-Lite specs only
  --no-curves        leave the curves out of summary.json (and no curves.*):
                     a sweep whose curves hold more than 2e7 values needs it`,
  async run(args) {
    const { flags, positionals } = parseFlags(args, FLAGS, 1);
    if (flags.merge !== undefined) return await runMerge(flags, positionals);
    const misplaced = given(flags, MERGE_FLAGS);
    if (misplaced.length) {
      throw new UsageError(`${misplaced.map((f) => `--${f}`).join(", ")} go with --merge DIR`);
    }
    if (positionals.length !== 1) {
      throw new UsageError("sweep takes one spec file (SPEC.json), or --merge DIR");
    }
    const outFlag = textFlag(flags, "out");
    if (outFlag === undefined) {
      throw new UsageError("sweep needs --out DIR, the sweep's directory");
    }
    const specPath = positionals[0];
    const text = await readSweepFile(specPath, "spec", "a readable sweep spec (SPEC.json)");
    if (text === undefined) {
      throw new ConfigError("spec", `${specPath} (a file that does not exist)`, "a readable file");
    }
    const spec = parseSweepSpec(text, specPath);
    const out = outFlag.replace(/(.)\/+$/, "$1");
    if (flags.slurm) return await writeSlurmJob(flags, spec, specPath, out);
    const partial = given(flags, SLURM_FLAGS);
    if (partial.length) {
      throw new UsageError(`${partial.map((f) => `--${f}`).join(", ")} go with --slurm`);
    }
    return await runPoints(flags, spec, specPath, out);
  },
};

const FLAGS = {
  out: { type: "string" },
  workers: { type: "string" },
  shard: { type: "string" },
  shards: { type: "string" },
  quiet: { type: "boolean" },
  slurm: { type: "boolean" },
  partition: { type: "string" },
  time: { type: "string" },
  "cpus-per-task": { type: "string" },
  submit: { type: "boolean" },
  wait: { type: "boolean" },
  merge: { type: "string" },
  metric: { type: "string" },
  x: { type: "string" },
  y: { type: "string" },
  facet: { type: "string" },
  "no-svg": { type: "boolean" },
  "no-curves": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The flags among `names` that were given. */
function given(flags: FlagValues, names: string[]): string[] {
  return names.filter((n) => flags[n] !== undefined);
}

/** `sweep --merge DIR`: the summary, the CSV and the figures of a sweep's directory. */
async function runMerge(flags: FlagValues, positionals: string[]): Promise<number> {
  const extra = [
    ...(positionals.length ? ["SPEC"] : []),
    ...given(flags, ["out", "workers", "shard", "shards", "slurm", ...SLURM_FLAGS]),
  ];
  if (extra.length) {
    throw new UsageError(`--merge takes a directory only; drop ${extra.join(", ")}`);
  }
  const dir = textFlag(flags, "merge")!;
  checkOutputDir(dir, "--merge");
  const written = await mergeSweep(dir, {
    ...textFlags(flags, ["metric", "x", "y", "facet"]),
    svg: !flags["no-svg"],
    curves: !flags["no-curves"],
  });
  console.log(written.join("\n"));
  return 0;
}

/** Points checked in about a second: more, and the check says what it does on stderr. */
const QUIET_CHECK = 10_000;

/** Resolve and check every point before any work (a line on stderr when there are many). */
async function checkEveryPoint(spec: SweepSpec, specPath: string, quiet: boolean) {
  const n = pointCount(spec);
  if (!quiet && n > QUIET_CHECK) console.error(`checking ${n} points before any work ...`);
  return await checkPoints(spec, specPath);
}

/** `sweep --slurm`: write (and with --submit, submit) the array job of shards. */
async function writeSlurmJob(
  flags: FlagValues,
  spec: SweepSpec,
  specPath: string,
  out: string,
): Promise<number> {
  if (flags.shard !== undefined) {
    throw new UsageError("--slurm chooses the shards itself; drop --shard");
  }
  if (flags.workers !== undefined) {
    throw new UsageError("--slurm runs as many workers as CPUs per task; use --cpus-per-task");
  }
  if (flags.wait && !flags.submit) throw new UsageError("--wait goes with --submit");
  // every embedded path checked before anything is written
  checkScriptPath("--out", out, "a directory");
  const command = cliCommand();
  for (const word of command) checkScriptPath("--slurm", word, "a command (deno, cli.ts)");
  const { count } = await checkEveryPoint(spec, specPath, Boolean(flags.quiet));
  const tasks = flags.shards === undefined
    ? Math.min(count, 32)
    : positiveInt("--shards", flags.shards, count);
  const cpus = flags["cpus-per-task"] === undefined
    ? 1
    : positiveInt("--cpus-per-task", flags["cpus-per-task"], MAX_WORKERS);
  for (const f of ["partition", "time"]) {
    const v = textFlag(flags, f);
    if (v !== undefined && !/^[\w:.,+-]+$/.test(v)) {
      throw new ConfigError(`--${f}`, v, "letters, digits and : . , + - _ only");
    }
  }
  checkOutputDir(out, "--out");
  await claimSweepDir(out, spec);
  await Deno.mkdir(`${out}/slurm`, { recursive: true });
  const dir = Deno.realPathSync(out);
  const script = sbatchScript({
    dir,
    tasks,
    cpusPerTask: cpus,
    command,
    ...textFlags(flags, ["partition", "time"]),
  });
  const path = `${dir}/sweep.sbatch`;
  await writeAtomic(path, script);
  await Deno.chmod(path, 0o755).catch(() => {});
  console.log(path);
  if (!flags.submit) {
    if (!flags.quiet) {
      console.error(
        `${count} points in ${tasks} array tasks; submit with: sbatch ${shellQuote(path)}`,
      );
    }
    return 0;
  }
  return await submit(path, Boolean(flags.wait), Boolean(flags.quiet));
}

/** Submit an array job with sbatch (and wait for it with `wait`). */
async function submit(path: string, wait: boolean, quiet: boolean): Promise<number> {
  let child;
  try {
    child = await new Deno.Command("sbatch", {
      args: ["--parsable", ...(wait ? ["--wait"] : []), path],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    throw new ConfigError(
      "--submit",
      `sbatch (${e instanceof Error ? e.message : String(e)})`,
      "a machine where sbatch runs",
    );
  }
  const said = new TextDecoder().decode(child.stderr).trim();
  const id = new TextDecoder().decode(child.stdout).trim().split(";")[0];
  if (!child.success) {
    console.error(
      `aedyn: sbatch failed${id ? ` (job ${id})` : ""}: ${said.split("\n").pop() ?? ""}`,
    );
    return 1;
  }
  if (!quiet) console.error(`submitted array job ${id}${wait ? "; every task has ended" : ""}`);
  return 0;
}

/** The workers of a run: --workers (1 to MAX_WORKERS), else the cores; fewer if memory says so. */
function chooseWorkers(
  flags: FlagValues,
  tasks: number,
  testValues: number,
  say: (line: string) => void,
): number {
  const wanted = flags.workers === undefined
    ? coreCount()
    : positiveInt("--workers", flags.workers, MAX_WORKERS);
  const workers = workersFor(wanted, tasks, testValues);
  if (workers < Math.min(wanted, tasks)) {
    say(
      `running ${workers} worker${workers === 1 ? "" : "s"}, not ${wanted}: their test sets ` +
        `(n-test x D = ${testValues} values each) are held to 1.5e8 values together`,
    );
  }
  return workers;
}

/** Run the points of this process's shard into OUT, then merge if it covered every point. */
async function runPoints(
  flags: FlagValues,
  spec: SweepSpec,
  specPath: string,
  out: string,
): Promise<number> {
  const choice = chooseShard(
    textFlag(flags, "shard"),
    textFlag(flags, "shards"),
    Deno.env.get,
  );
  if (flags.workers !== undefined) positiveInt("--workers", flags.workers, MAX_WORKERS);
  const { count, testValues, curveValues } = await checkEveryPoint(
    spec,
    specPath,
    Boolean(flags.quiet),
  );
  const mine = shardSize(count, choice.shard);
  checkOutputDir(out, "--out");
  checkOutputDir(`${out}/points`, "--out", /\.json$/); // a point file that is a directory
  const quiet = Boolean(flags.quiet);
  const say = (line: string) => {
    if (!quiet) console.error(line);
  };
  const workers = chooseWorkers(flags, mine, spec.run!.includes("simulate") ? testValues : 0, say);
  await claimSweepDir(out, spec);
  const lockName = choice.shard ? `.lock-${choice.shard.index}-of-${choice.shard.count}` : ".lock";
  const lock = await lockOutputDir(out, "--out", lockName);
  try {
    // temporaries of point writes whose process died (SIGKILL, a node lost)
    await cleanStaleTemps(`${out}/points`, (name) => /^[0-9a-f]+\.json$/.test(name));
    if (choice.shard) {
      say(
        `shard ${choice.shard.index}/${choice.shard.count}${
          choice.source === "--shard" ? "" : ` (from ${choice.source})`
        }: ${mine} of ${count} points`,
      );
    }
    await runWithProgress(spec, out, workers, choice, quiet);
  } finally {
    await lock.release();
  }
  if (choice.shard && choice.shard.count > 1) {
    say(`merge when every shard has run: cli.ts sweep --merge ${shellQuote(out)}`);
    return 0;
  }
  // the points are done: a merge too large for its curves keeps the rows rather than fail
  const curves = curveValues <= MAX_SUMMARY_CURVES;
  if (!curves) {
    say(`summary.json without curves: they would hold ${curveValues} values (--no-curves)`);
  }
  const written = await mergeSweep(out, { curves });
  console.log(written.join("\n"));
  return 0;
}

/** Run a shard's points, saving each as it finishes, with progress on stderr (Ctrl-C stops it). */
async function runWithProgress(
  spec: SweepSpec,
  out: string,
  workers: number,
  choice: ShardChoice,
  quiet: boolean,
): Promise<void> {
  const tty = !quiet && Deno.stderr.isTerminal();
  const say = (line: string) => {
    if (!quiet) console.error(line);
  };
  let last: SweepProgress | undefined;
  const line = (p: SweepProgress) =>
    `  points ${p.done}/${p.total}${p.skipped ? ` (${p.skipped} done before)` : ""}  ` +
    `${(100 * p.fraction).toFixed(0).padStart(3)}%  ${
      p.eta === null ? "" : `about ${duration(p.eta)} left`
    }`;
  const onPoint = async (r: PointResult) => {
    await savePoint(out, r);
    if (!quiet && !tty) {
      const at = Object.entries(r.values).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(
        ", ",
      );
      const what = r.failure ?? `ε = ${r.metrics.finalError?.toPrecision(4)}`;
      const eta = last?.eta == null ? "" : `; about ${duration(last.eta)} left`;
      console.error(`point ${r.index} (${at}): ${what} in ${r.seconds.toFixed(1)} s${eta}`);
    }
  };
  const run = spec.run ?? ["simulate", "theory"];
  await interruptible(
    "interrupted; finished points are saved, rerun the same command to resume",
    (signal) =>
      runSweep(spec, {
        workers,
        ...(choice.shard ? { shard: choice.shard } : {}),
        signal,
        finished: (p) => readFinished(out, p, run, say),
        onPoint,
        onProgress: (p) => {
          last = p;
          if (tty) Deno.stderr.writeSync(enc.encode(`\r${line(p)}   `));
        },
      }),
  ).finally(() => {
    if (tty) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
  });
  if (last) {
    say(
      `${last.done} of ${last.total} points finished in ${duration(last.elapsed)}` +
        (last.skipped ? ` (${last.skipped} were done before)` : ""),
    );
  }
}

/** The string flags among `names` that were given and are not empty, by name. */
function textFlags(flags: FlagValues, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = textFlag(flags, name);
    if (v) out[name] = v;
  }
  return out;
}
