/**
 * What the page shows: the status line and the message, the figure tabs
 * (arrow keys move between them), a claim with its verdict and every check
 * the report lists, and the result on show (kept in `#result` for tests and
 * the downloads).
 * @module
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { Figure } from "./draw.ts";
import { PRESETS } from "./presets.ts";
import type { PresetRecord } from "./protocol.ts";
import { checksCaption, fmt, pct, presetProblemText, short } from "./text.ts";
import type { CurveResult } from "../src/problem/types.ts";
import type { Check } from "../src/experiments/types.ts";
import { agreementText, reportChecks, verdictLine } from "../src/experiments/report.ts";
import type { Size } from "../src/experiments/preset.ts";
import type { VegaLiteSpec } from "../src/plot/mod.ts";
import { seedsLabel } from "../src/plot/result_figures.ts";

/** The element of id `id`. */
export const $ = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.getElementById(id) as T;

const status = $<HTMLOutputElement>("status");
const stopButton = $<HTMLButtonElement>("stop");
const message = $("message");
const tabs = $("tabs");
const resultScript = $("result");
/** The figure slot of the results pane. */
export const figure: Figure = new Figure($("figure"));
/** The progress bar of the run bar. */
export const progress: HTMLProgressElement = $<HTMLProgressElement>("progress");

/** Set the status line: "ready", "running", "done", "stopped", "loading …" or "error: …". */
export function setStatus(text: string): void {
  // the status line keeps one width (a long error is in the message below the figure)
  const head = text.split(":")[0];
  status.textContent = text.startsWith("loading") ? "loading" : head;
  status.title = text;
  document.body.dataset.status = head;
  const busy = text === "running" || text.startsWith("loading");
  stopButton.disabled = !busy;
}

/** Show a message under the figure (an error in red). */
export function note(text: string, kind: "info" | "error" = "info"): void {
  message.textContent = text;
  message.className = kind === "error" ? "note error" : "note";
  message.setAttribute("role", kind === "error" ? "alert" : "status");
}

/** A finished run or preset, as shown (and cached per URL for the back button). */
export type Shown =
  | {
    kind: "simulation";
    result: CurveResult;
    theory?: CurveResult;
    figures: Figures;
    text: string;
  }
  | { kind: "preset"; record: PresetRecord; figures: Figures; text: string };
/** Figures by name. */
export type Figures = Record<string, VegaLiteSpec>;

let shown: Shown | undefined;
let figures: Figures = {};
let current = "";

/** The result on show, if any. */
export function onShow(): Shown | undefined {
  return shown;
}

/** The figure on show: its name and spec. */
export function currentFigure(): { name: string; spec: VegaLiteSpec | undefined } {
  return { name: current, spec: figures[current] };
}

const FIGURE_NAMES: Record<string, string> = {
  error_curve: "Error curve",
  components: "Decoder vectors and PCs",
  overlaps: "Overlaps",
  live: "Error curve (live)",
};

function figureName(key: string, preset?: string): string {
  const k = preset && key.startsWith(`${preset}_`) ? key.slice(preset.length + 1) : key;
  return FIGURE_NAMES[k] ?? k.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** Show the tabs of `specs` and draw the first (or `select`). */
export async function showFigures(specs: Figures, preset?: string, select?: string): Promise<void> {
  figures = specs;
  const keys = Object.keys(specs);
  tabs.replaceChildren(
    ...keys.map((key) => {
      const b = document.createElement("button");
      b.type = "button";
      b.role = "tab";
      b.id = `tab-${key}`;
      b.dataset.key = key;
      b.textContent = figureName(key, preset);
      b.setAttribute("aria-controls", "figure");
      return b;
    }),
  );
  for (const id of ["dl-spec", "dl-svg", "dl-png"]) {
    $<HTMLButtonElement>(id).disabled = keys.length === 0;
  }
  if (keys.length === 0) {
    figure.clear();
    return;
  }
  await selectTab(select && keys.includes(select) ? select : keys[0]);
}

/** Draw a live figure: in its own tab, replacing what is drawn. */
export async function showLive(spec: VegaLiteSpec): Promise<void> {
  if (current === "live" && tabs.childElementCount) {
    figures = { live: spec };
    await figure.show(spec);
  } else {
    await showFigures({ live: spec });
  }
}

async function selectTab(key: string, focus = false): Promise<void> {
  current = key;
  for (const b of tabs.querySelectorAll<HTMLButtonElement>("[role=tab]")) {
    const on = b.dataset.key === key;
    b.setAttribute("aria-selected", String(on));
    b.tabIndex = on ? 0 : -1;
    if (on && focus) b.focus();
  }
  $("figure").setAttribute("aria-labelledby", `tab-${key}`);
  await figure.show(figures[key]);
}

tabs.addEventListener("click", (e) => {
  const key = (e.target as HTMLElement).closest<HTMLElement>("[role=tab]")?.dataset.key;
  if (key) void selectTab(key);
});
tabs.addEventListener("keydown", (e) => {
  const keys = Object.keys(figures);
  const i = keys.indexOf(current);
  const to = e.key === "ArrowRight"
    ? keys[(i + 1) % keys.length]
    : e.key === "ArrowLeft"
    ? keys[(i - 1 + keys.length) % keys.length]
    : e.key === "Home"
    ? keys[0]
    : e.key === "End"
    ? keys[keys.length - 1]
    : undefined;
  if (to) {
    e.preventDefault();
    void selectTab(to, true);
  }
});

/** A row of a claim's table: passed or not, what, measured, required (as the report's). */
function checkRow(c: Check): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.className = c.holds ? "ok" : "no";
  const cells = [c.holds ? "✓" : "✗", c.what, fmt(c.value), `${c.op} ${fmt(c.threshold)}`];
  cells.forEach((text, i) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (i === 0) td.setAttribute("aria-label", c.holds ? "passes" : "fails");
    tr.append(td);
  });
  return tr;
}

/**
 * Show a claim: its title and text, what the preset runs, and once it has
 * run its verdict, the agreement of simulation and theory, the analysis's
 * notes and every check, in the words and order of the report.
 */
export function showClaim(record: PresetRecord | undefined, name: string, size: Size): void {
  const p = PRESETS[name];
  $("claim").hidden = false;
  const title = document.createElement("strong");
  title.textContent = `${p.title}. `;
  $("claim-text").replaceChildren(title, p.claim);
  const verdict = $("verdict");
  const table = $("checks");
  table.replaceChildren();
  $("checks-box").hidden = !record;
  $("preset-problem").textContent = presetProblemText(name, p, size);
  if (!record) {
    verdict.textContent = "Verdict: running…";
    verdict.className = "";
    $("agreement").textContent = "";
    $("claim-notes").replaceChildren();
    return;
  }
  const e = record.experiments[0];
  verdict.textContent = `Verdict (${record.size} size, ${record.seconds.toFixed(1)} s): ${
    verdictLine(e)
  }.`;
  verdict.className = e.holds ? "ok" : "no";
  const agreement = $("agreement");
  agreement.textContent = agreementText(e);
  agreement.className = e.agreement.length ? (e.agrees ? "ok" : "no") : "";
  $("claim-notes").replaceChildren(
    ...(e.notes ?? []).map((n) => Object.assign(document.createElement("p"), { textContent: n })),
  );
  $("checks-summary").textContent = checksCaption(e);
  const head = document.createElement("tr");
  for (const h of ["", "check", "measured", "required"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    head.append(th);
  }
  table.append(head, ...reportChecks(e).map(checkRow));
}

/** Show a finished run or preset. */
export async function show(s: Shown, select?: string): Promise<void> {
  shown = s;
  resultScript.textContent = JSON.stringify(s.kind === "simulation" ? s.result : s.record);
  $<HTMLButtonElement>("dl-result").disabled = false;
  $("dl-result").textContent = s.kind === "simulation" ? "result.json" : "summary.json";
  if (s.kind === "preset") showClaim(s.record, s.record.experiments[0].name, s.record.size);
  else $("claim").hidden = true;
  note(s.text);
  await showFigures(
    s.figures,
    s.kind === "preset" ? s.record.experiments[0].name : undefined,
    select,
  );
}

/** Show nothing (before a run). */
export function clearShown(): void {
  shown = undefined;
  resultScript.textContent = "";
  $<HTMLButtonElement>("dl-result").disabled = true;
  $("claim").hidden = true;
  void showFigures({});
}

/** The simulation's line under the figure: final error against eps_PCA(K), and the theory's deviation. */
export function runSummary(
  result: CurveResult,
  theory: { seconds: number; max: number; mean: number } | undefined,
  theoryNote: string,
): string {
  const K = result.config.network.K;
  const last = result.times.length - 1;
  const parts = [
    `Final test error ${short(result.eps[last])} at t = ${short(result.times[last])}` +
    ` (eps_PCA(${K}) = ${short(result.pca.epsPCA[K])}); SGD took ${
      result.seconds.toFixed(2)
    } s in the worker`,
  ];
  if (theory) {
    const what = result.runs.length === 1
      ? "deviation of SGD from the theory"
      : `deviation of the mean SGD curve from the mean theory (${seedsLabel(result.runs.length)})`;
    parts.push(
      `theory ${theory.seconds.toFixed(2)} s, ${what}: max ${pct(theory.max)}, mean ${
        pct(theory.mean)
      }`,
    );
  } else if (theoryNote) parts.push(theoryNote);
  return `${parts.join("; ")}.`;
}
