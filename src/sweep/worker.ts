/**
 * The worker module of a sweep: runs one point per task (see
 * {@link runPoint}) and sends its progress as events (fractions of the point).
 * @module
 */
import { serveTasks } from "../core/pool.ts";
import { runPoint } from "./point.ts";
import type { PointTask } from "./sweep.ts";

serveTasks<PointTask, unknown, number>((task, emit) =>
  runPoint(task.point, task.run, { onProgress: emit })
);
