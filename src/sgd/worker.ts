/**
 * The worker module of `simulate`'s seeds: runs one seed's task with
 * {@link runSeedTask}, the function that runs it in this thread too, and
 * sends its progress and (when asked) every recorded time as events.
 * @module
 */
import { serveTasks } from "../core/pool.ts";
import type { Run } from "../problem/types.ts";
import type { SeedEvent, SeedTask } from "./parallel.ts";
import { runSeedTask } from "./simulate.ts";
import { resolveProblem } from "../problem/resolve.ts";
import { prepare } from "../problem/prepare.ts";
import { rememberSpectrum } from "../data/mod.ts";

serveTasks<SeedTask, Run, SeedEvent>((task, emit) => {
  const problem = resolveProblem(task.problem);
  rememberSpectrum(problem.data, task.spectrum);
  return runSeedTask(prepare(problem), task, emit);
});
