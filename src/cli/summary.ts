/**
 * What `simulate` and `theory` print on stdout without `--out`: a summary
 * that fits a terminal (the problem in one line, the error curve at a dozen
 * times with the PCA level each time is nearest to, the PCA levels, the
 * final error against eps_PCA(K)), a few KB at most whatever the problem.
 * `--json` prints the whole record instead.
 * @module
 */
import type { CurveResult } from "../problem/types.ts";
import type { FlagOption } from "./flags.ts";

/** The flag that prints the whole record on stdout instead of the summary. */
export const JSON_FLAG: Record<string, FlagOption> = { json: { type: "boolean" } };

/** Help line of {@link JSON_FLAG}. */
export const JSON_HELP =
  `  --json               without --out, print the whole record (JSON) on stdout instead
                       of the summary table`;

/** Rows of the curve shown: about this many recorded times, log-spaced. */
const ROWS = 12;

/** The indices of about `n` recorded times, log-spaced over t > 0, the first and the last kept. */
export function summaryRows(times: readonly number[], n = ROWS): number[] {
  const positive = times.map((t, i) => [t, i] as const).filter(([t]) => t > 0);
  if (positive.length <= n) return times.map((_, i) => i);
  const lo = Math.log(positive[0][0]), hi = Math.log(positive[positive.length - 1][0]);
  const picked = new Set<number>(times[0] === 0 ? [0] : []);
  let j = 0;
  for (let k = 0; k < n; k++) {
    const target = lo + (hi - lo) * k / (n - 1);
    while (
      j + 1 < positive.length &&
      Math.abs(Math.log(positive[j + 1][0]) - target) <= Math.abs(Math.log(positive[j][0]) - target)
    ) j++;
    picked.add(positive[j][1]);
  }
  return [...picked].sort((a, b) => a - b);
}

/** The number in 4 significant digits, without a trailing exponent for ordinary sizes. */
function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/** The PCA level m whose eps_PCA(m) is nearest to eps on a log scale. */
function nearestLevel(eps: number, levels: readonly number[]): number {
  let best = 0;
  for (let m = 1; m < levels.length; m++) {
    if (!(levels[m] > 0)) continue;
    if (Math.abs(Math.log(eps / levels[m])) < Math.abs(Math.log(eps / levels[best]))) best = m;
  }
  return best;
}

/** Left-aligned columns, two spaces apart. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd());
}

/**
 * The summary of a simulation or theory result, as printed on stdout
 * without `--out`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryText } from "./summary.ts";
 * import { theory } from "../theory/theory.ts";
 * const r = await theory({ data: { D: 50 }, network: { K: 2 }, tMax: 50, nTimes: 40 });
 * const text = summaryText(r);
 * assert.ok(text.length < 4096 && text.includes("eps_PCA(2)"), "the example's claim holds");
 * ```
 */
export function summaryText(result: CurveResult): string {
  const c = result.config;
  const K = c.network.K;
  const levels = result.pca.epsPCA;
  const seeds = result.runs.length;
  const data = c.data as { kind: string; D: number; spikes?: number[] };
  const what = result.kind === "simulation" ? "online SGD" : "the equations (D -> infinity)";
  const lines = [
    `${what}: ${data.kind} data, D = ${data.D}` +
    (data.spikes ? `, spikes ${data.spikes.join(", ")}` : "") +
    `; K = ${K} ${c.network.activation}${c.network.tied ? ", tied" : ""}` +
    `${c.network.bias ? ", bias" : ""}${c.network.outputBias ? ", output bias" : ""}` +
    `; rule ${c.rule}, lr ${c.lr}, t-max ${c.tMax}; ${seeds} seed${seeds > 1 ? "s" : ""} (${
      result.runs.map((r) => r.seed).join(", ")
    })`,
    "",
  ];
  const spread = seeds > 1;
  const head = ["t", "eps", ...(spread ? ["std", "min", "max"] : []), "eps/eps_PCA(K)", "nearest"];
  const rows = [head];
  for (const i of summaryRows(result.times)) {
    const e = result.eps[i];
    rows.push([
      num(result.times[i]),
      num(e),
      ...(spread ? [num(result.epsStd[i]), num(result.epsMin[i]), num(result.epsMax[i])] : []),
      levels[K] > 0 ? num(e / levels[K]) : "-",
      `eps_PCA(${nearestLevel(e, levels)})`,
    ]);
  }
  lines.push(...table(rows), "");
  lines.push(`PCA levels: ${levels.map((e, m) => `eps_PCA(${m}) = ${num(e)}`).join(", ")}`);
  const last = result.times.length - 1;
  lines.push(
    `final (t = ${num(result.times[last])}): eps = ${num(result.eps[last])}` +
      (levels[K] > 0 ? ` = ${num(result.eps[last] / levels[K])} eps_PCA(${K})` : ""),
  );
  const warnings = result.warnings ?? [];
  for (const w of warnings.slice(0, 3)) lines.push(`warning at t = ${num(w.t)}: ${w.message}`);
  if (warnings.length > 3) lines.push(`... and ${warnings.length - 3} more warnings (--json)`);
  lines.push(
    `${result.times.length} recorded times; the full record: --json, or --out DIR for ` +
      "result.json and the figures",
  );
  return lines.join("\n");
}
