/**
 * Shards and schedulers: the shard a process runs (from --shard, a Slurm
 * array task or a Kubernetes indexed job) and the Slurm array-job script
 * that `sweep --slurm` writes. The script pins the shard count; every value
 * it embeds is quoted for the shell, or for sbatch's own parser in the
 * `#SBATCH` lines, and paths with control characters are refused.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import type { Shard } from "../sweep/spec.ts";
import { hasControl } from "../sweep/point.ts";
import { numberFlag, UsageError } from "./flags.ts";

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

const SLURM_VARS = [
  "SLURM_ARRAY_TASK_ID",
  "SLURM_ARRAY_TASK_MIN",
  "SLURM_ARRAY_TASK_MAX",
  "SLURM_ARRAY_TASK_STEP",
  "SLURM_ARRAY_TASK_COUNT",
] as const;

/**
 * The shard of a Slurm array task, of `count` shards (the count the script
 * pins with --shards). When the array holds `count` tasks evenly spaced
 * (the script's own `0-(count-1)`, or any `A-B:S` of that many tasks), the
 * shard is the task's rank: (ID - MIN) / STEP. Otherwise (a resubmission
 * of some tasks, e.g. `sbatch --array=3` or `--array=0-10:2` of a larger
 * count) the task ID names its shard, as in the script's array. A task
 * outside the shards is refused, naming the variables.
 */
export function slurmShard(count: number, env: (name: string) => string | undefined): Shard {
  const given = Object.fromEntries(SLURM_VARS.map((v) => [v, env(v)]));
  const num = (name: string, min: number) =>
    given[name] === undefined ? undefined : intFrom(name, given[name]!, min);
  const id = num("SLURM_ARRAY_TASK_ID", 0)!;
  const min = num("SLURM_ARRAY_TASK_MIN", 0);
  const max = num("SLURM_ARRAY_TASK_MAX", 0);
  const step = num("SLURM_ARRAY_TASK_STEP", 1) ?? 1;
  const tasks = num("SLURM_ARRAY_TASK_COUNT", 1);
  const whole = tasks === count && min !== undefined &&
    (max === undefined || max === min + (count - 1) * step);
  const index = whole ? (id - min!) / step : id;
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    const seen = SLURM_VARS.filter((v) => given[v] !== undefined).map((v) => `${v}=${given[v]}`)
      .join(" ");
    throw new ConfigError(
      "SLURM_ARRAY_TASK_ID",
      `${seen} (shard ${index} of --shards ${count})`,
      `a task of the script's array 0-${count - 1}, or of an array of ${count} evenly ` +
        "spaced tasks (its rank is the shard)",
    );
  }
  return { index, count };
}

/**
 * The shard this process runs: `--shard I/N` (0-based I), else a Slurm
 * array task (see {@link slurmShard}; the count from `--shards N`, which
 * the script passes), else a Kubernetes indexed job (JOB_COMPLETION_INDEX,
 * of `--shards N`), else every point.
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
    if (shards !== undefined) throw new UsageError("--shard I/N names the count; drop --shards");
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
  if (env("SLURM_ARRAY_TASK_ID") !== undefined) {
    if (shards === undefined) {
      throw new ConfigError(
        "--shards",
        "not given",
        "the shard count of the array job (SLURM_ARRAY_TASK_ID is set; " +
          "the script that sweep --slurm writes passes it)",
      );
    }
    return {
      shard: slurmShard(intFrom("--shards", shards, 1), env),
      source: "SLURM_ARRAY_TASK_ID",
    };
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
    throw new UsageError(
      "--shards is the count of a Kubernetes indexed job, of a Slurm array job, or of --slurm tasks",
    );
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
  /** The words of the command that runs the CLI (deno run ... cli.ts), unquoted. */
  command: readonly string[];
}

/** A word for bash, in single quotes. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

/**
 * A value for an `#SBATCH` line, in double quotes with `\` and `"` escaped
 * (sbatch reads these lines with its own parser: quotes group, a backslash
 * escapes the next character, an unquoted `#` starts a comment).
 */
export function sbatchQuote(value: string): string {
  return `"${value.replace(/[\\"]/g, "\\$&")}"`;
}

/**
 * Refuse a path a script would embed when it holds a control character
 * (a line break would end the line it is on) or, in a log path, a
 * backslash (Slurm then expands none of %A, %a); `param` names it.
 */
export function checkScriptPath(param: string, path: string, what = "a path"): void {
  if (hasControl(path)) {
    throw new ConfigError(param, path, `${what} without control characters (line breaks, tabs)`);
  }
  if (path.includes("\\")) {
    throw new ConfigError(param, path, `${what} without a backslash (Slurm's log names)`);
  }
}

/**
 * The array-job script: one task per shard, each running its shard of
 * DIR/spec.json into DIR (the shard count pinned: --shards) with as many
 * workers as CPUs; logs in DIR/slurm/.
 */
export function sbatchScript(o: SlurmOptions): string {
  checkScriptPath("--out", o.dir, "a directory");
  for (const word of o.command) checkScriptPath("--slurm", word, "a command (deno, cli.ts)");
  for (const [name, v] of [["--partition", o.partition], ["--time", o.time]] as const) {
    if (v !== undefined && !/^[\w:.,+-]+$/.test(v)) {
      throw new ConfigError(name, v, "letters, digits and : . , + - _ only");
    }
  }
  if (!Number.isInteger(o.tasks) || o.tasks < 1) {
    throw new ConfigError("--shards", o.tasks, "an integer >= 1");
  }
  if (!Number.isInteger(o.cpusPerTask) || o.cpusPerTask < 1) {
    throw new ConfigError("--cpus-per-task", o.cpusPerTask, "an integer >= 1");
  }
  const dir = shellQuote(o.dir);
  const command = o.command.map(shellQuote).join(" ");
  // Slurm expands %A, %a in --output; a % of the directory is written %%
  const log = `${o.dir.replaceAll("%", "%%")}/slurm/%A_%a.out`;
  return [
    "#!/bin/bash",
    `# An aedyn sweep as a Slurm array job: task I runs shard I/${o.tasks} of spec.json.`,
    `# Submit: sbatch ${shellQuote(`${o.dir}/sweep.sbatch`)}`,
    "# Resubmit some tasks: sbatch --array=3,5 ... (a task ID names its shard)",
    `# Merge when every task has finished: ${command} sweep --merge ${dir}`,
    "#SBATCH --job-name=aedyn-sweep",
    `#SBATCH --array=0-${o.tasks - 1}`,
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    `#SBATCH --output=${sbatchQuote(log)}`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    "set -euo pipefail",
    `exec ${command} sweep ${shellQuote(`${o.dir}/spec.json`)} --out ${dir} --shards ${o.tasks} ` +
    `--workers "\${SLURM_CPUS_PER_TASK:-${o.cpusPerTask}}"`,
    "",
  ].join("\n");
}
