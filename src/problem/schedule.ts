/**
 * Learning-rate schedules (THEORY.md section 7): eta(t) = eta0 times a factor
 * of t = steps / D. `constant` (1), `inverse:TAU` (1 / (1 + t / TAU)),
 * `cosine` ((1 + cos(pi t / t-max)) / 2: eta to 0 at t-max) and
 * `steps:T1@F1,T2@F2,...` (multiply eta by F_i from time T_i on; times
 * increasing). SGD uses the factor at each step's time; the equations use it
 * at every time, split at the jumps of `steps:` so that no integration step
 * straddles one.
 * @module
 */

/** A parsed schedule. */
export type Schedule =
  | { readonly kind: "constant" }
  | { readonly kind: "inverse"; readonly tau: number }
  | { readonly kind: "cosine" }
  | { readonly kind: "steps"; readonly at: readonly number[]; readonly by: readonly number[] };

/** The grammar in words, for messages and help. */
export const SCHEDULE_ALLOWED =
  "constant, inverse:TAU (TAU > 0), cosine, or steps:T1@F1,T2@F2,... (times > 0 increasing, factors > 0)";

const NUMBER = /^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function positive(text: string): number | null {
  const s = text.trim();
  if (!NUMBER.test(s)) return null;
  const x = Number(s);
  return Number.isFinite(x) && x > 0 ? x : null;
}

/**
 * The schedule a text names, or null when the text does not follow the
 * grammar ({@link SCHEDULE_ALLOWED}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSchedule } from "./schedule.ts";
 * assert.deepEqual(parseSchedule("steps:10@0.5,20@0.1"), { kind: "steps", at: [10, 20], by: [0.5, 0.1] });
 * assert.equal(parseSchedule("inverse:0"), null);
 * ```
 */
export function parseSchedule(text: string): Schedule | null {
  const s = text.trim();
  if (s === "constant") return { kind: "constant" };
  if (s === "cosine") return { kind: "cosine" };
  if (s.startsWith("inverse:")) {
    const tau = positive(s.slice(8));
    return tau === null ? null : { kind: "inverse", tau };
  }
  if (s.startsWith("steps:")) {
    const at: number[] = [], by: number[] = [];
    for (const part of s.slice(6).split(",")) {
      const [t, f, ...rest] = part.split("@");
      if (f === undefined || rest.length) return null;
      const time = positive(t), factor = positive(f);
      if (time === null || factor === null) return null;
      if (at.length && !(time > at[at.length - 1])) return null;
      at.push(time);
      by.push(factor);
    }
    return at.length ? { kind: "steps", at, by } : null;
  }
  return null;
}

/** Whether a text is a schedule (the parameter table's check). */
export function isSchedule(text: string): boolean {
  return parseSchedule(text) !== null;
}

/**
 * The factor eta(t) / eta0 of a schedule at time t (`tMax` for `cosine`).
 * `segment` (for the equations, see {@link jumpsOf}) fixes the factor of
 * `steps:` to its value on the open interval after the segment-th jump, so that
 * an integrator evaluating at a jump time sees the segment's own value.
 */
export function scheduleFactor(s: Schedule, t: number, tMax: number, segment?: number): number {
  switch (s.kind) {
    case "constant":
      return 1;
    case "inverse":
      return 1 / (1 + t / s.tau);
    case "cosine":
      return (1 + Math.cos(Math.PI * Math.min(t, tMax) / tMax)) / 2;
    case "steps": {
      let f = 1;
      const n = segment ?? s.at.filter((x) => x <= t).length;
      for (let i = 0; i < n; i++) f *= s.by[i];
      return f;
    }
  }
}

/** The times at which the schedule jumps (those of `steps:` below tMax), increasing. */
export function jumpsOf(s: Schedule, tMax: number): number[] {
  return s.kind === "steps" ? s.at.filter((t) => t < tMax) : [];
}

/**
 * The decoupled weight decay of each of the K units (THEORY.md 7), or null
 * for none (absent, or all zero): one lambda given is every unit's.
 */
export function unitDecay(
  network: { K: number; weightDecay?: readonly number[] },
): number[] | null {
  const l = network.weightDecay;
  if (!l || l.length === 0 || l.every((x) => x === 0)) return null;
  return Array.from({ length: network.K }, (_, k) => l.length === 1 ? l[0] : l[k]);
}

/** The schedule of a resolved problem (its `lrSchedule`, default constant). */
export function scheduleOf(p: { lrSchedule?: string }): Schedule {
  const s = parseSchedule(p.lrSchedule ?? "constant");
  if (!s) throw new Error(`internal: unchecked lrSchedule ${p.lrSchedule}`);
  return s;
}
