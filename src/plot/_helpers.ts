/**
 * Small helpers of the chart builders: tick values of a log axis, picking
 * recorded times, number formatting, cycling a palette and checking sizes.
 * Internal to `src/plot`; not re-exported by `mod.ts`.
 * @module
 */
import { maxOf, minOf } from "../core/stats.ts";
import { ConfigError } from "../core/errors.ts";

/**
 * Tick values m * 10^e inside the range of `xs` (all > 0): m in 1, 2, 5 over
 * more than two decades, 1..9 over one or two, and halves added below one.
 *
 * @param xs the values the axis spans (any order, all positive).
 * @returns the tick values, ascending.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logTicks } from "./_helpers.ts";
 * const ticks = logTicks([1, 1000]);
 * assert.equal(ticks.join(), "1,2,5,10,20,50,100,200,500,1000");
 * // a short range gets a tick near each end: 0.12 above 0.1
 * assert.equal(logTicks([0.07, 0.125]).join(), "0.07,0.08,0.09,0.1,0.12");
 * ```
 */
export function logTicks(xs: number[]): number[] {
  const lo = minOf(xs), hi = maxOf(xs);
  const decades = Math.log10(hi / lo);
  const mantissas = decades > 2
    ? [1, 2, 5]
    : decades > 1
    ? [1, 2, 3, 4, 5, 6, 7, 8, 9]
    : [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  // ticks across the whole range: where the mantissas leave more than a fifth of a short axis
  // bare at either end, that end gets a tick of its own, rounded to two significant digits
  // inside the range (0.07 to 0.125 gets 0.12 above 0.1)
  if (decades > 0 && decades <= 1) {
    const span = Math.log(hi / lo);
    const round2 = (v: number, dir: "down" | "up") => {
      const unit = 10 ** (Math.floor(Math.log10(v)) - 1);
      return Number(((dir === "down" ? Math.floor(v / unit) : Math.ceil(v / unit)) * unit)
        .toPrecision(6));
    };
    const top = ticks.length ? ticks[ticks.length - 1] : lo;
    if (Math.log(hi / top) > 0.2 * span) ticks.push(round2(hi, "down"));
    const bottom = ticks.length ? ticks[0] : hi;
    if (Math.log(bottom / lo) > 0.2 * span) ticks.unshift(round2(lo, "up"));
  }
  return [...new Set(ticks)].sort((a, b) => a - b);
}

/**
 * Indices of recorded times: the nearest to each requested time (duplicates
 * dropped), or, without `wanted`, `count` times log-spaced from the first
 * positive time to the last (ascending, duplicates dropped).
 *
 * @param times the recorded times, ascending.
 * @param wanted times to show, each within the recorded range, or undefined.
 * @param count how many log-spaced times to pick without `wanted`.
 * @returns indices into `times`.
 * @throws ConfigError on an empty `wanted`, a wanted time outside the
 *   record, or a `count` that is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pickTimes } from "./_helpers.ts";
 * const times = [0, 1, 10, 100];
 * assert.equal(pickTimes(times, undefined, 3).join(), "1,2,3");
 * assert.equal(pickTimes(times, [9, 11], 3).join(), "2");
 * ```
 */
export function pickTimes(times: number[], wanted: number[] | undefined, count: number): number[] {
  const n = times.length;
  const last = times[n - 1];
  if (wanted !== undefined) {
    if (!Array.isArray(wanted) || wanted.length === 0) {
      throw new ConfigError("times", wanted, "a non-empty array of times");
    }
    const picks = wanted.map((t) => {
      if (!(t >= minOf(times) && t <= maxOf(times))) {
        throw new ConfigError(
          "times",
          wanted,
          `times within [${fmt(minOf(times))}, ${fmt(maxOf(times))}]`,
        );
      }
      let best = 0;
      for (let i = 1; i < n; i++) {
        if (Math.abs(times[i] - t) < Math.abs(times[best] - t)) best = i;
      }
      return best;
    });
    return [...new Set(picks)];
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new ConfigError("count", count, "a positive integer");
  }
  const first = times.findIndex((t) => t > 0);
  if (first < 0 || count === 1 || first === n - 1) return [n - 1];
  const lo = Math.log(times[first]), hi = Math.log(last);
  const picks: number[] = [];
  for (let j = 0; j < count; j++) {
    const target = lo + (hi - lo) * j / (count - 1);
    let best = first;
    for (let i = first; i < n; i++) {
      if (
        times[i] > 0 &&
        Math.abs(Math.log(times[i]) - target) < Math.abs(Math.log(times[best]) - target)
      ) {
        best = i;
      }
    }
    picks.push(best);
  }
  return [...new Set(picks)].sort((p, q) => p - q);
}

/**
 * A number in three significant digits, without trailing zeros.
 *
 * @param x the number.
 * @returns its short decimal form.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fmt } from "./_helpers.ts";
 * assert.equal(fmt(3.14159), "3.14");
 * assert.equal(fmt(2.5), "2.5");
 * assert.equal(fmt(79432.8), "79400");
 * ```
 */
export function fmt(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/**
 * The first `n` items of `xs` repeated end to end (a palette for n series).
 *
 * @param xs the items to cycle through (non-empty).
 * @param n how many to return.
 * @returns `xs[i % xs.length]` for i = 0..n-1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cycle } from "./_helpers.ts";
 * assert.equal(cycle(["a", "b"], 3).join(), "a,b,a");
 * ```
 */
export function cycle<T>(xs: T[], n: number): T[] {
  return Array.from({ length: n }, (_, i) => xs[i % xs.length]);
}

/**
 * A size in pixels, checked to be finite and positive.
 *
 * @param name the option's name, for the error.
 * @param v the size.
 * @returns `v` unchanged.
 * @throws ConfigError when `v` is not a finite positive number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { positive } from "./_helpers.ts";
 * assert.equal(positive("width", 560), 560);
 * assert.throws(() => positive("width", 0), /width/);
 * ```
 */
export function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new ConfigError(name, v, "a positive number of pixels");
  return v;
}

/**
 * A figure title that is never cut: no `limit`, and the text broken at
 * spaces into balanced lines of at most `width` pixels at 0.62 x the font
 * size per character (the mean advance of common sans-serif fonts; Vega's
 * own estimate without a canvas, 0.8, may widen the SVG by a little white
 * space but cuts nothing). One line is returned as a string.
 *
 * @param text the title.
 * @param width the width in pixels the lines must fit.
 * @param fontSize the title's font size (default 14, as in `CONFIG`).
 * @param advance width of a character in font sizes (default 0.62; 0.8, Vega's own
 *   estimate, where the layout must not grow, e.g. a vertical axis title along the plot).
 * @returns `{ text }` for a Vega-Lite title, with no `limit`. Lines break at
 *   spaces, never next to "=" (so "t = 100" stays whole).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { titleOf } from "./_helpers.ts";
 * const t = titleOf("a long title that will not fit in one hundred pixels", 100);
 * assert.ok(Array.isArray(t.text));
 * assert.ok(t.text.every((l) => l.length <= 11 || !l.includes(" ")));
 * ```
 */
export function titleOf(
  text: string,
  width: number,
  fontSize = 14,
  advance = 0.62,
): { text: string | string[] } {
  // "t = 100" stays on one line: no break next to an equals sign
  const words = text.split(/(?<!=)\s+(?!=)/).filter((w) => w.length > 0);
  const wrap = (perLine: number): string[] => {
    const lines: string[] = [];
    let line = "";
    for (const word of words) {
      if (line && line.length + 1 + word.length > perLine) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
    return lines;
  };
  const most = Math.max(8, Math.floor(width / (advance * fontSize)));
  const n = wrap(most).length;
  // balanced: the shortest line length that needs no more lines than the greedy wrap
  let per = Math.min(most, Math.ceil(text.length / n));
  while (per < most && wrap(per).length > n) per++;
  const lines = wrap(per);
  return { text: lines.length === 1 ? lines[0] : lines };
}

/**
 * An axis title that fits along `length` pixels of the axis by Vega's own
 * estimate of text widths (0.8 x font size per character), so that a long
 * vertical title does not push the plot away from the figure's title: one
 * line, or several.
 *
 * @param text the title.
 * @param length the axis's length in pixels.
 * @returns the title, as a string or lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { axisTitle } from "./_helpers.ts";
 * assert.ok(Array.isArray(axisTitle("a rather long title for a short vertical axis", 200)));
 * ```
 */
export function axisTitle(text: string, length: number): string | string[] {
  return titleOf(text, length, AXIS_TITLE_FONT, 0.8).text;
}

/** Font size of axis titles (as in `CONFIG`). */
const AXIS_TITLE_FONT = 13;

/**
 * The largest of 1, 2, 5 times a power of ten at or below `x` (> 0): where
 * a log axis starting at `x` starts instead, so that its first label reads
 * "0.01", not "0.0102".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { niceFloor } from "./_helpers.ts";
 * assert.deepEqual([0.0102, 0.3, 7, 20].map(niceFloor), [0.01, 0.2, 5, 20]);
 * ```
 */
export function niceFloor(x: number): number {
  const e = Math.floor(Math.log10(x));
  for (const m of [5, 2, 1]) {
    const v = Number((m * 10 ** e).toPrecision(6));
    if (v <= x * (1 + 1e-9)) return v;
  }
  return Number((10 ** e).toPrecision(6));
}

/**
 * A log time axis: its domain runs from the nice value at or below the first
 * time ({@link niceFloor}) to the last time, and its ticks are the nice values
 * of {@link logTicks} in that range plus the last time, dropping those whose
 * labels would crowd the last one's (closer to it than a factor 1.5 or than
 * 8% of the axis, about the width of a label on a 560-pixel axis). Every
 * label reads as a round number but the last, which is the run's end.
 *
 * @param ts the times drawn (all > 0).
 * @returns the scale's domain and the tick values, ascending.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeAxis } from "./_helpers.ts";
 * const { domain, values } = timeAxis([0.0102, 0.5, 600]);
 * assert.deepEqual(domain, [0.01, 600]);
 * assert.equal(values.join(), "0.01,0.02,0.05,0.1,0.2,0.5,1,2,5,10,20,50,100,200,600");
 * ```
 */
export function timeAxis(ts: number[]): { domain: [number, number]; values: number[] } {
  const first = minOf(ts), hi = maxOf(ts);
  if (!(first < hi)) return { domain: [first, hi], values: [first] };
  const lo = niceFloor(first);
  const gap = Math.max(Math.log(1.5), 0.08 * Math.log(hi / lo));
  const inner = logTicks([lo, hi]).filter((v) => Math.log(hi / v) > gap);
  return { domain: [lo, hi], values: [...inner, hi] };
}

/**
 * The x encoding of a log time axis ({@link timeAxis}): field `t`, the
 * axis's domain and round ticks, titled "time t = steps / D". The error
 * curve, the band and the time series share it, so their time axes match.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeAxis, timeEncoding } from "./_helpers.ts";
 * const x = timeEncoding(timeAxis([0.0102, 0.5, 600]));
 * assert.deepEqual(x.scale.domain, [0.01, 600]);
 * ```
 */
export function timeEncoding(time: { domain: [number, number]; values: number[] }): {
  field: "t";
  type: "quantitative";
  scale: { type: "log"; domain: [number, number]; nice: false };
  axis: { title: string; format: string; values: number[] };
} {
  return {
    field: "t",
    type: "quantitative",
    scale: { type: "log", domain: time.domain, nice: false },
    axis: { title: "time t = steps / D", format: ".3~r", values: time.values },
  };
}

/**
 * A colour mixed with white: `amount` 0 keeps it, 1 gives white. Thin
 * per-seed lines are drawn in the tint of their series' colour, opaque, so
 * that where two series' seeds cross no blended third colour appears.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tint } from "./_helpers.ts";
 * assert.equal(tint("#0072B2", 0.5), "#80b9d9");
 * ```
 */
export function tint(hex: string, amount: number): string {
  const n = parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount).toString(16).padStart(2, "0");
  return `#${mix(n >> 16)}${mix((n >> 8) & 255)}${mix(n & 255)}`;
}
