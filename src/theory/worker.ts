/**
 * The worker module of `theory`'s pool: integrates one seed of a resolved
 * problem and sends the time reached as events.
 * @module
 */
import { serveTasks } from "../core/pool.ts";
import { integrateSeed, type SeedIntegration, type TheorySeedTask } from "./theory.ts";

serveTasks<TheorySeedTask, SeedIntegration, number>((task, emit) =>
  integrateSeed(task.problem, task.settings, task.seed, emit)
);
