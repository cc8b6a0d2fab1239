/**
 * The worker module of `theory`'s pool: integrates one seed of a resolved
 * problem and sends the time reached as events.
 * @module
 */
import { serveTasks } from "../core/pool.ts";
import { integrateSeed, type SeedIntegration, type TheorySeedTask } from "./theory.ts";
import { resolveProblem } from "../problem/resolve.ts";
import { rememberSpectrum } from "../data/mod.ts";

serveTasks<TheorySeedTask, SeedIntegration, number>((task, emit) => {
  const problem = resolveProblem(task.problem);
  rememberSpectrum(problem.data, task.spectrum);
  return integrateSeed(problem, task.settings, task.seed, emit);
});
