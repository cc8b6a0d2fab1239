/**
 * Resumable simulations: every finished seed is saved atomically to
 * `OUT/.partial/run-SEED.json` with a key (the package version and the
 * resolved problem without its seeds); a rerun of the same command takes
 * the finished seeds back. Each checkpoint is validated against the problem
 * before it is trusted: one that does not parse, or holds a run of the wrong
 * shape or with non-finite numbers, is discarded with a warning naming it,
 * and its seed is run again.
 * @module
 */
import type { Problem, Run } from "../problem/types.ts";
import { prepare } from "../problem/prepare.ts";
import { VERSION } from "../core/version.ts";
import { simulate } from "../sgd/simulate.ts";
import { runProblem } from "../sgd/parallel.ts";
import type { CurveResult } from "../problem/types.ts";
import type { Progress } from "../core/progress.ts";
import { cleanStaleTemps, writeAtomic } from "./io.ts";

/** The key of a problem's checkpoints: version and problem, seeds left out. */
export function checkpointKey(problem: Problem): string {
  const { seeds: _seeds, ...rest } = prepare(problem).record;
  return JSON.stringify({ version: VERSION, problem: rest });
}

/**
 * Why a checkpointed run does not fit the problem (null when it does): the
 * check `simulate` itself makes of the runs it resumes from (seed, lengths,
 * shapes of the order parameters and snapshots, finite numbers), so that a
 * checkpoint kept here is never refused there.
 */
export const checkRun: (run: unknown, problem: Problem, nTimes: number) => string | null =
  runProblem;

/** Hooks of {@link simulateWithCheckpoints}. */
export interface CheckpointOptions {
  /** The output directory (checkpoints in DIR/.partial); none: no checkpoints. */
  out?: string;
  /** Print "resuming" and discarded-checkpoint warnings. */
  quiet: boolean;
  /** Progress. */
  onProgress?: (p: Progress) => void;
  /** Ctrl-C. */
  signal?: AbortSignal;
  /** Workers for the seeds. */
  workers?: number;
}

/** Simulate with resume support in OUT/.partial (the caller holds the directory's lock). */
export async function simulateWithCheckpoints(
  problem: Problem,
  opts: CheckpointOptions,
): Promise<CurveResult> {
  const dir = opts.out ? `${opts.out}/.partial` : undefined;
  const key = checkpointKey(problem);
  const nTimes = prepare(problem).times.length;
  const done: Run[] = [];
  if (dir) {
    // temporaries of checkpoint writes whose process died (a SIGKILL during a write)
    await cleanStaleTemps(dir, (name) => /^run-\d+\.json$/.test(name));
    let entries: Deno.DirEntry[] = [];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    for (const entry of entries) {
      if (!entry.isFile || !/^run-\d+\.json$/.test(entry.name)) continue;
      const path = `${dir}/${entry.name}`;
      let rec: { key?: unknown; run?: unknown };
      try {
        rec = JSON.parse(await Deno.readTextFile(path));
      } catch (e) {
        console.error(`warning: discarding checkpoint ${path}: ${(e as Error).message}`);
        await Deno.remove(path).catch(() => {});
        continue;
      }
      if (rec?.key !== key) continue; // another problem's or another version's: not ours
      const why = checkRun(rec.run, problem, nTimes);
      if (why) {
        console.error(`warning: discarding checkpoint ${path}: ${why}; its seed is run again`);
        await Deno.remove(path).catch(() => {});
        continue;
      }
      done.push(rec.run as Run);
    }
    if (done.length) warn(opts, `resuming: ${done.length} finished run(s) found in ${dir}`);
  }
  return await simulate(problem, {
    done,
    ...(opts.workers ? { workers: opts.workers } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(dir
      ? {
        onRun: async (run: Run) => {
          await Deno.mkdir(dir, { recursive: true });
          await writeAtomic(`${dir}/run-${run.seed}.json`, JSON.stringify({ key, run }));
        },
      }
      : {}),
  });
}

function warn(opts: CheckpointOptions, message: string): void {
  if (!opts.quiet) console.error(message);
}
