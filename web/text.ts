/**
 * The page's words and numbers, computed: percentages, numbers as the
 * report prints them, what a preset runs, the caption of a claim's checks,
 * the size of a download, and which field an error message names. Pure
 * functions, no DOM, tested in Deno.
 * @module
 */
import type { Check, ExperimentSummary } from "../src/experiments/types.ts";
import { formatNumber, reportChecks } from "../src/experiments/report.ts";
import type { Size } from "../src/experiments/preset.ts";
import { seedsLabel } from "../src/plot/result_figures.ts";
import type { PresetFile } from "./presets.ts";

/** A relative deviation as a percentage, two significant digits ("3.1%"). */
export function pct(x: number): string {
  return `${Number((100 * x).toPrecision(2))}%`;
}

/** A number as the report's tables print it ("200.0", "0.01352"): the claims' tables use it. */
export const fmt: (x: number) => string = formatNumber;

/**
 * A number in a sentence: four significant digits without trailing zeros
 * ("200", "0.01352"), exponents outside 1e-3..1e4.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { short } from "./text.ts";
 * assert.deepEqual([200, 0.013523, 2.5e-5].map(short), ["200", "0.01352", "2.500e-5"]);
 * ```
 */
export function short(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e4 || a < 1e-3) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/**
 * What a preset runs, in one line (presets do not use the form's settings).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { presetProblemText } from "./text.ts";
 * const p = { experiment: "x", title: "T", claim: "C", problem: { data: { D: 50 }, tMax: 10, seeds: [1] } };
 * assert.match(presetProblemText("x", p, "default"), /D = 50; K = 3; t up to 10; 1 seed/);
 * ```
 */
export function presetProblemText(name: string, preset: PresetFile, size: Size): string {
  const p = preset as unknown as {
    problem: { data?: { D?: number }; tMax?: number; seeds?: number[]; network?: { K?: number } };
    sizes?: Record<string, { D?: number; tMax?: number; seeds?: number[] }>;
    variants?: { label: string }[];
  };
  const over = size === "default" ? {} : p.sizes?.[size] ?? {};
  const D = over.D ?? p.problem.data?.D;
  const parts = [
    D === undefined ? "the embedded MNIST (D = 784)" : `D = ${D}`,
    `K = ${p.problem.network?.K ?? 3}`,
    `t up to ${over.tMax ?? p.problem.tMax}`,
    seedsLabel((over.seeds ?? p.problem.seeds ?? [1]).length),
    ...(p.variants ? [`variants: ${p.variants.map((v) => v.label).join(", ")}`] : []),
  ];
  return `Runs examples/${name}.json at ${size} size (${
    parts.join("; ")
  }), not the settings of the form.`;
}

/**
 * The caption of a claim's table, which lists every check the report lists:
 * the claim's checks (the verdict's) and the agreement checks of simulation
 * against theory (reported beside the verdict), each counted with how many
 * pass.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checksCaption } from "./text.ts";
 * const c = (holds: boolean, what = "a") => ({ what, value: 1, op: "<=" as const, threshold: 2, holds });
 * assert.equal(checksCaption({ checks: [c(true)], agreementChecks: [] }), "the claim's check (it passes)");
 * assert.equal(
 *   checksCaption({ checks: [c(true), c(true, "b")], agreementChecks: [c(false, "x"), c(true, "y")] }),
 *   "the claim's 2 checks (all pass) and 2 checks of simulation against theory (1 fails)",
 * );
 * ```
 */
export function checksCaption(e: Pick<ExperimentSummary, "checks" | "agreementChecks">): string {
  const all = reportChecks(e as ExperimentSummary);
  const agreement = all.slice(e.checks.length);
  const count = (cs: Check[]) => {
    const fail = cs.filter((c) => !c.holds).length;
    if (cs.length === 1) return `(it ${fail ? "fails" : "passes"})`;
    return fail === 0 ? "(all pass)" : `(${fail} fail${fail === 1 ? "s" : ""})`;
  };
  const claim = e.checks.length === 1
    ? `the claim's check ${count(e.checks)}`
    : `the claim's ${e.checks.length} checks ${count(e.checks)}`;
  if (agreement.length === 0) return claim;
  return `${claim} and ${agreement.length} check${
    agreement.length === 1 ? "" : "s"
  } of simulation against theory ${count(agreement)}`;
}

/**
 * A number of bytes as people read it: "850 KB", "2.1 MB".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesText } from "./text.ts";
 * assert.equal(bytesText(2_200_000), "2.1 MB");
 * assert.equal(bytesText(870_000), "850 KB");
 * ```
 */
export function bytesText(n: number): string {
  if (n >= 1024 * 1024) return `${Number((n / 1024 / 1024).toPrecision(2))} MB`;
  return `${Number((n / 1024).toPrecision(2))} KB`;
}

/**
 * The field an error message names ("invalid network.K (--K): ...",
 * "invalid heldOut: ..."), among `paths`; undefined when it names none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fieldOfError } from "./text.ts";
 * assert.equal(fieldOfError("invalid network.K (--K): got 0", ["data.D", "network.K"]), "network.K");
 * assert.equal(fieldOfError("the worker failed", ["data.D"]), undefined);
 * ```
 */
export function fieldOfError(message: string, paths: Iterable<string>): string | undefined {
  const named = /^invalid ([\w.]+)/.exec(message)?.[1];
  if (named === undefined) return undefined;
  for (const p of paths) if (p === named) return p;
  return undefined;
}
