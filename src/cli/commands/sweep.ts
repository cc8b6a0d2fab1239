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
import { coreCount } from "../../core/pool.ts";
import { parseSweepSpec, shardOf, sweepPoints } from "../../sweep/spec.ts";
import { sweep, type SweepProgress } from "../../sweep/sweep.ts";
import type { PointResult } from "../../sweep/point.ts";
import { numberFlag, parseFlags, UsageError } from "../flags.ts";
import {
  checkOutputDir,
  cleanStaleTemps,
  lockOutputDir,
  readTextFile,
  writeAtomic,
} from "../io.ts";
import { interruptible } from "../session.ts";
import {
  chooseShard,
  claimSweepDir,
  mergeSweep,
  readFinished,
  savePoint,
  sbatchScript,
  shellQuote,
} from "../sweep.ts";

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
function cliCommand(): string {
  const cli = new URL("../../../cli.ts", import.meta.url);
  const config = new URL("../../../deno.json", import.meta.url);
  const words = [Deno.execPath(), "run", "-A"];
  if (cli.protocol === "file:") {
    words.push("--config", decodeURIComponent(config.pathname), decodeURIComponent(cli.pathname));
  } else {
    words.push(cli.href);
  }
  return words.map(shellQuote).join(" ");
}

const MERGE_FLAGS = ["metric", "x", "y", "facet", "no-svg"];
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
                [--facet AXIS] [--no-svg]

SPEC.json: {"problem": <simulate input>, "axes": {"lr": [0.5, 1],
"network.K": [2, 4], ...}, "run": ["simulate", "theory"], "solver": {...}}.
Axes name any problem key by its dotted path (see simulate --help); the
points are their Cartesian product, each resolved and checked before any
work. A point's result is written atomically to DIR/points/NAME.json, NAME a
hash of its resolved configuration; a rerun skips finished points. A run
that covers every point merges at the end.

Run:
  --out DIR          the sweep's directory (DIR/spec.json, DIR/points/)
  --workers N        points computed in parallel (default: the cores, ${coreCount()})
  --shard I/N        run every N-th point from point I (0 <= I < N); without
                     it, SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (a Slurm
                     job array) or JOB_COMPLETION_INDEX with --shards N (a
                     Kubernetes indexed job) choose the shard
  --shards N         the number of shards (indexed jobs; array tasks with --slurm)
  --quiet            no progress on stderr

Slurm:
  --slurm            write DIR/sweep.sbatch, an array job of --shards tasks
                     (default: one per point, at most 32), each running its
                     shard into DIR; logs in DIR/slurm/
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
  --no-svg           write the Vega-Lite specs only`,
  async run(args) {
    const { flags, positionals } = parseFlags(args, {
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
      help: { type: "boolean", short: "h" },
    }, 1);
    const given = (names: string[]) => names.filter((n) => flags[n] !== undefined);
    if (flags.merge !== undefined) {
      const extra = [
        ...(positionals.length ? ["SPEC"] : []),
        ...given(["out", "workers", "shard", "shards", "slurm", ...SLURM_FLAGS]),
      ];
      if (extra.length) {
        throw new UsageError(`--merge takes a directory only; drop ${extra.join(", ")}`);
      }
      const dir = flags.merge as string;
      checkOutputDir(dir, "--merge");
      const written = await mergeSweep(dir, {
        ...(flags.metric ? { metric: flags.metric as string } : {}),
        ...(flags.x ? { x: flags.x as string } : {}),
        ...(flags.y ? { y: flags.y as string } : {}),
        ...(flags.facet ? { facet: flags.facet as string } : {}),
        svg: !flags["no-svg"],
      });
      console.log(written.join("\n"));
      return 0;
    }
    const misplaced = given(MERGE_FLAGS);
    if (misplaced.length) {
      throw new UsageError(`${misplaced.map((f) => `--${f}`).join(", ")} go with --merge DIR`);
    }
    if (positionals.length !== 1) {
      throw new UsageError("sweep takes one spec file (SPEC.json), or --merge DIR");
    }
    if (typeof flags.out !== "string") {
      throw new UsageError("sweep needs --out DIR, the sweep's directory");
    }
    const specPath = positionals[0];
    const spec = parseSweepSpec(await readTextFile(specPath, "spec"), specPath);
    const points = await sweepPoints(spec, specPath);
    const out = (flags.out as string).replace(/(.)\/+$/, "$1");
    checkOutputDir(out, "--out");
    checkOutputDir(`${out}/points`, "--out", /\.json$/); // a point file that is a directory

    if (flags.slurm) {
      if (flags.shard !== undefined) {
        throw new UsageError("--slurm chooses the shards itself; drop --shard");
      }
      if (flags.wait && !flags.submit) throw new UsageError("--wait goes with --submit");
      const tasks = flags.shards === undefined
        ? Math.min(points.length, 32)
        : positiveInt("--shards", flags.shards, points.length);
      const cpus = flags["cpus-per-task"] === undefined
        ? 1
        : positiveInt("--cpus-per-task", flags["cpus-per-task"], 1024);
      for (const f of ["partition", "time"]) {
        const v = flags[f] as string | undefined;
        if (v !== undefined && !/^[\w:.,+-]+$/.test(v)) {
          throw new ConfigError(`--${f}`, v, "letters, digits and : . , + - _ only");
        }
      }
      await claimSweepDir(out, spec);
      await Deno.mkdir(`${out}/slurm`, { recursive: true });
      const dir = Deno.realPathSync(out);
      const script = sbatchScript({
        dir,
        tasks,
        cpusPerTask: cpus,
        command: cliCommand(),
        ...(flags.partition ? { partition: flags.partition as string } : {}),
        ...(flags.time ? { time: flags.time as string } : {}),
      });
      const path = `${dir}/sweep.sbatch`;
      await writeAtomic(path, script);
      await Deno.chmod(path, 0o755).catch(() => {});
      console.log(path);
      if (!flags.submit) {
        if (!flags.quiet) {
          console.error(
            `${points.length} points in ${tasks} array tasks; submit with: sbatch ${path}`,
          );
        }
        return 0;
      }
      let child;
      try {
        child = await new Deno.Command("sbatch", {
          args: ["--parsable", ...(flags.wait ? ["--wait"] : []), path],
          stdout: "piped",
          stderr: "piped",
        }).output();
      } catch (e) {
        throw new ConfigError(
          "--submit",
          `sbatch (${(e as Error).message})`,
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
      if (!flags.quiet) {
        console.error(`submitted array job ${id}${flags.wait ? "; every task has ended" : ""}`);
      }
      return 0;
    }
    const partial = given(SLURM_FLAGS);
    if (partial.length) {
      throw new UsageError(`${partial.map((f) => `--${f}`).join(", ")} go with --slurm`);
    }

    const workers = flags.workers === undefined
      ? coreCount()
      : positiveInt("--workers", flags.workers, 1024);
    const choice = chooseShard(
      flags.shard as string | undefined,
      flags.shards as string | undefined,
      Deno.env.get,
    );
    const mine = choice.shard ? shardOf(points, choice.shard) : points;
    const quiet = Boolean(flags.quiet);
    const tty = !quiet && Deno.stderr.isTerminal();
    const say = (line: string) => {
      if (!quiet) console.error(line);
    };
    await claimSweepDir(out, spec);
    const lockName = choice.shard
      ? `.lock-${choice.shard.index}-of-${choice.shard.count}`
      : ".lock";
    const lock = await lockOutputDir(out, "--out", lockName);
    try {
      // temporaries of point writes whose process died (SIGKILL, a node lost)
      await cleanStaleTemps(`${out}/points`, (name) => /^[0-9a-f]+\.json$/.test(name));
      if (choice.shard) {
        say(
          `shard ${choice.shard.index}/${choice.shard.count}${
            choice.source === "--shard" ? "" : ` (from ${choice.source})`
          }: ${mine.length} of ${points.length} points`,
        );
      }
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
      await interruptible(
        "interrupted; finished points are saved, rerun the same command to resume",
        (signal) =>
          sweep(spec, {
            workers,
            ...(choice.shard ? { shard: choice.shard } : {}),
            signal,
            finished: (p) => readFinished(out, p, say),
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
    } finally {
      await lock.release();
    }
    if (choice.shard && choice.shard.count > 1) {
      say(`merge when every shard has run: cli.ts sweep --merge ${out}`);
      return 0;
    }
    const written = await mergeSweep(out);
    console.log(written.join("\n"));
    return 0;
  },
};
