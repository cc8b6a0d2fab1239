/**
 * The training protocols of THEORY.md section 7 in the equations: the
 * learning rate eta(t) of the problem's schedule (its value on each open
 * interval between the jumps of `steps:`, the integration being split at
 * them) and the per-unit weight decay.
 * @module
 */
import type { FlowOptions } from "./system.ts";
import { jumpsOf, scheduleFactor, scheduleOf, unitDecay } from "../problem/schedule.ts";

/** What the integration of one problem needs for its protocol. */
export interface ProtocolFlow {
  /** The flow options (`lrAt`, `weightDecay`), empty for a constant eta without decay. */
  options: Pick<FlowOptions, "lrAt" | "weightDecay">;
  /** The times at which eta jumps (split the integration there). */
  jumps: number[];
  /** Called before the integration of segment i (after i jumps). */
  onSegment: (segment: number) => void;
}

/**
 * The protocol of a problem for the equations.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { protocolFlow } from "./protocols.ts";
 * const p = protocolFlow({ lr: 2, tMax: 10, lrSchedule: "steps:4@0.5", network: { K: 1 } });
 * assert.deepEqual(p.jumps, [4]);
 * p.onSegment(1);
 * assert.equal(p.options.lrAt!(4), 1); // at the jump itself: the segment's value
 * ```
 */
export function protocolFlow(
  p: {
    lr: number;
    tMax: number;
    lrSchedule?: string;
    network: { K: number; weightDecay?: readonly number[] };
  },
): ProtocolFlow {
  const schedule = scheduleOf(p);
  const decay = unitDecay(p.network);
  let segment = 0;
  const options: ProtocolFlow["options"] = {};
  if (schedule.kind !== "constant") {
    options.lrAt = (t) => p.lr * scheduleFactor(schedule, t, p.tMax, segment);
  }
  if (decay) options.weightDecay = decay;
  return { options, jumps: jumpsOf(schedule, p.tMax), onSegment: (i) => (segment = i) };
}
