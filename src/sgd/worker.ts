/**
 * The worker module of {@link seedsInWorkers}: runs `simulate` on a problem
 * with one seed and returns its run, sending progress and (when asked)
 * every recorded time as events.
 * @module
 */
import { serveTasks } from "../core/pool.ts";
import type { Run } from "../problem/types.ts";
import type { SeedEvent, SeedTask } from "./parallel.ts";
import { simulate } from "./simulate.ts";
import { resolveProblem } from "../problem/resolve.ts";
import { rememberSpectrum } from "../data/mod.ts";

serveTasks<SeedTask, Run, SeedEvent>(async (task, emit) => {
  const problem = resolveProblem(task.problem);
  rememberSpectrum(problem.data, task.spectrum);
  const result = await simulate(problem, {
    ...(task.chunk !== undefined ? { chunk: task.chunk } : {}),
    onProgress: (p) => emit({ kind: "progress", t: p.t }),
    ...(task.record ? { onRecord: (record) => emit({ kind: "record", record }) } : {}),
  });
  return result.runs[0];
});
