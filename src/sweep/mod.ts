/**
 * Sweeps: a base problem, axes over any of its keys, and what to run at each
 * point; the points spread over Web Workers and over shards (machines,
 * Slurm array tasks, Kubernetes indexed jobs), their results merged into
 * rows that are the same bits however the work was split.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSweepSpec, rowsCsv, summarise, sweep } from "./mod.ts";
 * const spec = parseSweepSpec('{"problem": {"data": {"D": 40}, "network": {"K": 2}, "tMax": 2, "nTimes": 4}, "axes": {"lr": [0.5, 1]}, "run": ["theory"]}');
 * const summary = await summarise(spec, await sweep(spec, { shard: { index: 0, count: 1 } }));
 * assert.ok(rowsCsv(summary.rows).startsWith("index,lr,finalError"));
 * ```
 * @module
 */
export {
  canonicalJson,
  MAX_POINTS,
  parseSweepSpec,
  type Shard,
  shardOf,
  type SweepPoint,
  sweepPoints,
  type SweepRun,
  type SweepSpec,
} from "./spec.ts";
export { isPointResult, type PointMetrics, type PointResult, runPoint } from "./point.ts";
export {
  type PointTask,
  rowOf,
  rowsCsv,
  summarise,
  sweep,
  type SweepOptions,
  type SweepProgress,
  type SweepRow,
  type SweepSummary,
} from "./sweep.ts";
