/**
 * report.html: the figures of every experiment with a one-line verdict per
 * claim, built only from the summary record (summary.json), never by hand.
 * @module
 */
import { AGREEMENT, type Check, type ExperimentSummary, REALDATA_AGREEMENT } from "./types.ts";
import { ALPHA, finiteAgreementText } from "../theory/finite_agreement.ts";

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
 * theory): whether the agreement checks pass, and per variant what they
 * measured — the seeds against the finite-D prediction where the theory has
 * paths — and, labelled as such, the relative deviation of the mean SGD
 * error from the D -> infinity curve (largest, where, mean, on which error).
 */
export function agreementText(e: ExperimentSummary): string {
  if (e.agreement.length === 0) return "";
  const failed = e.agreementChecks.filter((c) => !c.holds).length;
  const n = e.agreementChecks.length;
  const status = failed === 0
    ? `${n === 1 ? "the agreement check passes" : `all ${n} agreement checks pass`}`
    : `${failed} of ${n} agreement check${n === 1 ? "" : "s"} fail${failed === 1 ? "s" : ""}`;
  return `Simulation vs theory (${status}): ${
    e.agreement.map((a) => {
      const infinite = `deviation of the mean SGD error from the D -> infinity curve${
        a.finiteD ? " (shown, not judged: at finite D the seeds spread around it)" : ""
      }: max ${(100 * a.max).toFixed(1)}% (at t = ${fmt(a.maxAt)}), mean ${
        (100 * a.mean).toFixed(1)
      }%${
        a.basis === "population"
          ? ` on the exact error of the SGD weights (on the held-out estimate: max ${
            (100 * a.heldOut!.max).toFixed(1)
          }%, mean ${(100 * a.heldOut!.mean).toFixed(1)}%)`
          : a.basis === "held-out"
          ? " on the held-out estimate"
          : ""
      }`;
      const finite = a.finiteD
        ? `SGD ${finiteAgreementText(a.finiteD)}; `
        : a.finiteDMissing
        ? `no finite-D prediction (${a.finiteDMissing}); `
        : "";
      return `${a.label}: ${finite}${infinite}`;
    }).join("; ")
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

/** The agreement checks the report and the page list apart from the claim's checks. */
export function agreementRows(e: ExperimentSummary): Check[] {
  return reportChecks(e).slice(e.checks.length);
}

function checkTable(caption: string, rows: Check[]): string {
  if (rows.length === 0) return "";
  return `<table><caption>${esc(caption)}</caption>
<thead><tr><th></th><th>check</th><th>measured</th><th>required</th></tr></thead><tbody>
${rows.map(checkRow).join("\n")}
</tbody></table>`;
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
${checkTable("Checks of the claim (the verdict)", e.checks)}
${checkTable("Agreement of simulation and theory (beside the verdict)", agreementRows(e))}
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
caption { text-align: left; font-weight: 600; padding: .2em 0; }
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
src/experiments/analyses/shared.ts. The agreement of simulation and theory is stated beside each verdict, in its own
table: where the theory samples paths of the diffusion limit at the run's D, the seeds are judged against that finite-D
prediction (their mean against the predicted mean within the combined standard error, their spread against the predicted
spread within an interval that widens for few seeds; each test at level ${ALPHA}); the deviation of the mean from the
D -> infinity curve is still given, and is judged (against a maximum relative deviation of ${
    100 * AGREEMENT.max
  }% and a mean of ${100 * AGREEMENT.mean}%; real
images: ${
    100 * REALDATA_AGREEMENT
  }% at every time) only where there is no finite-D prediction. For Gaussian inputs the
SGD error is the exact error of its weights, computed from their order parameters (free of the noise of a
held-out sample, whose deviation is given beside it); for real images on the held-out estimate.</p>
<ul>${
    summary.experiments.map((e) =>
      `<li><a href="#${esc(e.name)}">${esc(e.title)}</a>: ${e.holds ? "holds" : "does not hold"}${
        e.agreement.length
          ? `; simulation vs theory: ${e.agrees ? "agree" : "disagree"} (${
            e.agreementChecks.filter((c) => c.holds).length
          } of ${e.agreementChecks.length} agreement checks pass)`
          : ""
      }</li>`
    ).join("")
  }</ul>
${sections}
</body></html>
`;
}
