/**
 * report.html: the figures of every experiment with a one-line verdict per
 * claim, built only from the summary record (summary.json), never by hand.
 * @module
 */
import type { Check, ExperimentSummary } from "./types.ts";

/** The record written as summary.json by `deno task figures`. */
export interface FiguresSummary {
  version: string;
  size: string;
  seconds: number;
  experiments: ExperimentSummary[];
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(3) : x.toPrecision(4);
}

/** The verdict line of an experiment, from its checks. */
export function verdictLine(e: ExperimentSummary): string {
  if (e.checks.length === 0) return "not assessed: no check applies to this configuration";
  const failed = e.checks.filter((c) => !c.holds);
  const n = e.checks.length;
  if (failed.length === 0) {
    return n === 1 ? "holds: the 1 check passes" : `holds: all ${n} checks pass`;
  }
  return `does not hold: ${failed.length} of ${n} check${n === 1 ? "" : "s"} fail${
    failed.length === 1 ? "s" : ""
  } (${failed.map((c) => c.what).join("; ")})`;
}

/**
 * Every check the report lists for an experiment, in its order: the claim's
 * checks, then the agreement checks (simulation vs theory) not among them.
 * The page's table shows the same list.
 */
export function reportChecks(e: ExperimentSummary): Check[] {
  return [
    ...e.checks,
    ...e.agreementChecks.filter((c) => !e.checks.some((x) => x.what === c.what)),
  ];
}

/**
 * The agreement of simulation and theory as one sentence (empty without a
 * theory): within or outside the tolerance, and per variant the largest and
 * the mean relative deviation, where the largest is, and on which error.
 */
export function agreementText(e: ExperimentSummary): string {
  if (e.agreement.length === 0) return "";
  return `Simulation vs theory (${
    e.agrees ? "within" : "outside"
  } the tolerance; relative deviation of the mean SGD error from the prediction): ${
    e.agreement.map((a) =>
      `${a.label}: max ${(100 * a.max).toFixed(1)}% (at t = ${fmt(a.maxAt)}), mean ${
        (100 * a.mean).toFixed(1)
      }%${
        a.basis === "population"
          ? ` on the exact error of the SGD weights (on the held-out estimate: max ${
            (100 * a.heldOut!.max).toFixed(1)
          }%, mean ${(100 * a.heldOut!.mean).toFixed(1)}%)`
          : a.basis === "held-out"
          ? " on the held-out estimate"
          : ""
      }`
    ).join("; ")
  }.`;
}

/** A number as the report's tables show it (four significant digits, exponents outside 1e-3..1e4). */
export function formatNumber(x: number): string {
  return fmt(x);
}

function checkRow(c: Check): string {
  return `<tr class="${c.holds ? "ok" : "no"}"><td>${c.holds ? "✓" : "✗"}</td><td>${
    esc(c.what)
  }</td>` +
    `<td class="num">${fmt(c.value)}</td><td class="num">${esc(c.op)} ${
      fmt(c.threshold)
    }</td></tr>`;
}

/** The full report page. Figures are referenced as NAME.svg beside it (NAME.vl.json with svg: false). */
export function reportHtml(summary: FiguresSummary, opts: { svg?: boolean } = {}): string {
  const svg = opts.svg ?? true;
  const holds = summary.experiments.filter((e) => e.holds).length;
  const sections = summary.experiments.map((e) => {
    const agreement = e.agreement.length
      ? `<p class="agree ${e.agrees ? "ok" : "no"}"><b>Simulation vs theory</b> ${
        esc(agreementText(e).replace(/^Simulation vs theory /, ""))
      }</p>`
      : "";
    const notes = e.notes?.length
      ? `<div class="notes">${e.notes.map((n) => `<p>${esc(n)}</p>`).join("\n")}</div>`
      : "";
    const figs = e.figures.map((f) =>
      svg
        ? `<figure><img src="${esc(f)}.svg" alt="${esc(f)}"><figcaption>${
          esc(f)
        }</figcaption></figure>`
        : `<p>Figure <a href="${esc(f)}.vl.json">${
          esc(f)
        }.vl.json</a> (Vega-Lite spec; run without --no-svg for the SVG).</p>`
    ).join("\n");
    return `<section id="${esc(e.name)}">
<h2>${esc(e.title)}</h2>
<p class="claim"><b>Claim.</b> ${esc(e.claim)}</p>
<p class="verdict ${e.holds ? "ok" : "no"}"><b>Verdict:</b> ${esc(verdictLine(e))}.</p>
${agreement}
${notes}
<table><thead><tr><th></th><th>check</th><th>measured</th><th>required</th></tr></thead><tbody>
${reportChecks(e).map(checkRow).join("\n")}
</tbody></table>
<p class="meta">Preset examples/${esc(e.name)}.json, size ${esc(e.size)}, ${
      e.seconds.toFixed(1)
    } s. All numbers: summary.json, experiments["${esc(e.name)}"].</p>
${figs}
</section>`;
  }).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>aedyn ${esc(summary.version)}: reproduced claims</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-weight: 600; } h2 { font-weight: 600; border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
.verdict.ok, .agree.ok { color: #1b5e20; } .verdict.no, .agree.no { color: #b71c1c; }
table { border-collapse: collapse; font-size: 0.92em; margin: .5em 0 1em; }
td, th { border-bottom: 1px solid #e3e3e3; padding: .25em .6em; text-align: left; }
td.num { font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
tr.no td { color: #b71c1c; } .meta { color: #666; font-size: .85em; }
.notes p { margin: .4em 0; } figure { margin: 1em 0; } figure img { max-width: 100%; } figcaption { color: #666; font-size: .8em; }
</style></head><body>
<h1>aedyn ${esc(summary.version)}: the published claims, reproduced</h1>
<p>${holds} of ${summary.experiments.length} claims hold at size "${esc(summary.size)}" (total ${
    summary.seconds.toFixed(0)
  } s).
Every verdict below is computed from the numbers in summary.json with the thresholds of
src/experiments/analyses/shared.ts. The agreement of simulation and theory is reported beside each verdict against a
maximum relative deviation of 15% and a mean of 5% (real images: 5% at every time). For Gaussian inputs it is
measured on the exact error of the SGD weights, computed from their order parameters (free of the noise of a
held-out sample, whose deviation is given beside it); for real images on the held-out estimate.</p>
<ul>${
    summary.experiments.map((e) =>
      `<li><a href="#${esc(e.name)}">${esc(e.title)}</a>: ${
        e.holds ? "holds" : "does not hold"
      }</li>`
    ).join("")
  }</ul>
${sections}
</body></html>
`;
}
