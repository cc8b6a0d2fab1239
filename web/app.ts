/**
 * The explorer page: the form (built from the parameter table), the state in
 * the URL (a link reproduces a run, the back button works), runs and presets
 * in a worker with the error curve growing live, the figures, the claims
 * with their verdicts, real images, and the downloads.
 *
 * The contract tests drive: `?data.D=100&network.K=2&...&autorun=1` runs at
 * once; when it has finished `#status` reads `done` and
 * `<script type="application/json" id="result">` holds the result record
 * (simulate's result, or a preset's summary record).
 * @module
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { buildControls, readControls, writeControls } from "./controls.ts";
import {
  formatQuery,
  PAGE_DEFAULTS,
  PAGE_PARAMS,
  type PageState,
  parseQuery,
  problemInput,
} from "./query.ts";
import { DEMO, PRESET_NAMES, PRESETS } from "./presets.ts";
import { download, Figure } from "./draw.ts";
import { liveCurveSpec, type LiveRun } from "./figures.ts";
import type { DatasetInfo, PresetRecord, Reply, Request } from "./protocol.ts";
import type { CurveResult } from "../src/problem/types.ts";
import type { Check } from "../src/experiments/types.ts";
import { verdictLine } from "../src/experiments/report.ts";
import { deviation } from "../src/analysis/deviation.ts";
import { EMBEDDED_MNIST_SOURCE } from "../src/datasets/mnist_embedded.ts";
import { getPath } from "../src/core/params.ts";
import type { Size } from "../src/experiments/preset.ts";
import type { VegaLiteSpec } from "../src/plot/mod.ts";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

// ------------------------------------------------------------------ the worker

type Pending = {
  onEvent: (r: Reply) => void;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
};
type RequestBody = Request extends infer R ? R extends { id: number } ? Omit<R, "id"> : never
  : never;

/** Resolves when the worker listens: messages sent before it would be lost (its modules use top-level await). */
let ready: Promise<Worker> | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function getWorker(): Promise<Worker> {
  if (ready) return ready;
  const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "aedyn" });
  let listening: (w: Worker) => void;
  ready = new Promise((resolve) => (listening = resolve));
  w.onmessage = (e: MessageEvent<Reply | { type: "ready" }>) => {
    if (e.data.type === "ready") {
      listening(w);
      return;
    }
    const r = e.data;
    const p = pending.get(r.id);
    if (!p) return;
    if (r.type === "theory" || r.type === "record" || r.type === "progress") {
      p.onEvent(r);
      return;
    }
    pending.delete(r.id);
    if (r.type === "error") {
      const err = new Error(r.message);
      err.name = r.name;
      p.reject(err);
    } else {
      p.resolve(r);
    }
  };
  w.onerror = (e) => {
    e.preventDefault();
    const err = new Error(`the worker failed: ${e.message || "it could not be loaded"}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    ready = undefined;
  };
  return ready;
}

/** Ask the worker to stop its job (after the requests already sent). */
function stopWorker(): void {
  void ready?.then((w) => w.postMessage({ type: "stop" } as Request));
}

/** Send a request to the worker; events go to `onEvent`, the final reply resolves. */
function call(body: RequestBody, onEvent: (r: Reply) => void = () => {}): {
  id: number;
  done: Promise<Reply>;
} {
  const id = nextId++;
  const done = new Promise<Reply>((resolve, reject) => {
    pending.set(id, { onEvent, resolve, reject });
  });
  getWorker().then((w) => w.postMessage({ ...body, id } as Request));
  return { id, done };
}

// ------------------------------------------------------------------ the page's elements

const form = $<HTMLFormElement>("controls");
const controls = buildControls($("fields"));
const status = $<HTMLOutputElement>("status");
const progress = $<HTMLProgressElement>("progress");
const stopButton = $<HTMLButtonElement>("stop");
const message = $("message");
const tabs = $("tabs");
const figure = new Figure($("figure"));
const resultScript = $("result");
const sizeSelect = $<HTMLSelectElement>("size");
const heldOutInput = $<HTMLInputElement>("heldOut");
const splitSeedInput = $<HTMLInputElement>("splitSeed");
const sourceImages = $<HTMLInputElement>("source-images");
const sourceSpiked = $<HTMLInputElement>("source-spiked");

function setStatus(text: string): void {
  status.textContent = text;
  status.title = text;
  document.body.dataset.status = text.split(":")[0];
  const busy = text === "running" || text.startsWith("loading");
  stopButton.disabled = !busy;
}

function note(text: string, kind: "info" | "error" = "info"): void {
  message.textContent = text;
  message.className = kind === "error" ? "note error" : "note";
}

// ------------------------------------------------------------------ what is on show

/** A finished run or preset, as shown (and cached per URL for the back button). */
type Shown =
  | {
    kind: "simulation";
    result: CurveResult;
    theory?: CurveResult;
    figures: Figures;
    text: string;
  }
  | { kind: "preset"; record: PresetRecord; figures: Figures; text: string };
type Figures = Record<string, VegaLiteSpec>;

const cache = new Map<string, Shown>();
let shown: Shown | undefined;
let figures: Figures = {};
let current = "";

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
async function showFigures(specs: Figures, preset?: string, select?: string): Promise<void> {
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
  const downloads = ["dl-spec", "dl-svg", "dl-png"];
  for (const id of downloads) $<HTMLButtonElement>(id).disabled = keys.length === 0;
  if (keys.length === 0) {
    figure.clear();
    return;
  }
  await selectTab(select && keys.includes(select) ? select : keys[0]);
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

/** A relative deviation as a percentage, two significant digits. */
function pct(x: number): string {
  return `${Number((100 * x).toPrecision(2))}%`;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e4 || a < 1e-3) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/** What a preset runs, in one line (presets do not use the form's settings). */
function presetProblemText(name: string, size: Size): string {
  const p = PRESETS[name] as unknown as {
    problem: { data?: { D?: number }; tMax?: number; seeds?: number[]; network?: { K?: number } };
    sizes?: Record<string, { D?: number; tMax?: number; seeds?: number[] }>;
    variants?: { label: string }[];
  };
  const over = size === "default" ? {} : p.sizes?.[size] ?? {};
  const D = over.D ?? p.problem.data?.D;
  const nSeeds = (over.seeds ?? p.problem.seeds ?? [1]).length;
  const parts = [
    D === undefined ? "the embedded MNIST (D = 784)" : `D = ${D}`,
    `K = ${p.problem.network?.K ?? 3}`,
    `t up to ${over.tMax ?? p.problem.tMax}`,
    `${nSeeds} seed${nSeeds === 1 ? "" : "s"}`,
    ...(p.variants ? [`variants: ${p.variants.map((v) => v.label).join(", ")}`] : []),
  ];
  return `Runs examples/${name}.json at ${size} size (${
    parts.join("; ")
  }), not the settings on the left.`;
}

function showClaim(record: PresetRecord | undefined, name: string, size: Size): void {
  const p = PRESETS[name];
  $("claim").hidden = false;
  $("claim-text").innerHTML = "";
  const title = document.createElement("strong");
  title.textContent = `${p.title}. `;
  $("claim-text").append(title, p.claim);
  const verdict = $("verdict");
  const table = $("checks");
  table.replaceChildren();
  $("checks-box").hidden = !record;
  $("preset-problem").textContent = presetProblemText(name, size);
  if (!record) {
    verdict.textContent = "Verdict: running…";
    verdict.className = "";
    return;
  }
  const e = record.experiments[0];
  const agreement = e.agreement.map((a) =>
    `${a.label === e.title ? "" : `${a.label}: `}max ${pct(a.max)}, mean ${pct(a.mean)}`
  );
  verdict.textContent = `Verdict (${record.size} size, ${record.seconds.toFixed(1)} s): ${
    verdictLine(e)
  }.`;
  $("checks-summary").textContent = `the ${e.checks.length} checks${
    agreement.length ? `; simulation vs theory: ${agreement.join("; ")}` : ""
  }`;
  verdict.className = e.holds ? "ok" : "no";
  const row = (c: Check) => {
    const tr = document.createElement("tr");
    tr.className = c.holds ? "ok" : "no";
    for (const text of [c.holds ? "✓" : "✗", c.what, fmt(c.value), `${c.op} ${fmt(c.threshold)}`]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  };
  table.append(...e.checks.map(row));
}

async function show(s: Shown, select?: string): Promise<void> {
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

function clearShown(): void {
  shown = undefined;
  resultScript.textContent = "";
  $<HTMLButtonElement>("dl-result").disabled = true;
  $("claim").hidden = true;
  void showFigures({});
}

// ------------------------------------------------------------------ state <-> form <-> URL

let datasetInfo: DatasetInfo | undefined;

function formState(): PageState {
  const int = (input: HTMLInputElement, dflt: number) =>
    input.value.trim() === "" ? dflt : Number(input.value.trim());
  return {
    values: readControls(controls),
    size: sizeSelect.value as Size,
    autorun: false,
    heldOut: int(heldOutInput, PAGE_DEFAULTS.heldOut),
    splitSeed: int(splitSeedInput, PAGE_DEFAULTS.splitSeed),
    ...(sourceImages.checked
      ? { images: datasetInfo && datasetInfo.source !== EMBEDDED_MNIST_SOURCE ? "file" : "mnist" }
      : {}),
  } as PageState;
}

function applyState(state: PageState): void {
  writeControls(controls, state.values);
  sizeSelect.value = state.size;
  heldOutInput.value = String(state.heldOut);
  splitSeedInput.value = String(state.splitSeed);
  sourceImages.checked = state.images !== undefined;
  sourceSpiked.checked = state.images === undefined;
  showSource();
  for (const b of $("preset-buttons").querySelectorAll<HTMLButtonElement>("button")) {
    b.setAttribute("aria-pressed", String(b.dataset.preset === state.preset));
  }
  // a preset runs its own settings: the form, greyed, says it is not what is shown
  form.classList.toggle("idle", state.preset !== undefined);
  $("form-idle").hidden = state.preset === undefined;
}

function showSource(): void {
  const images = sourceImages.checked;
  $("images").hidden = !images;
  $("group-data").hidden = images;
}

const cacheKey = (s: PageState) => formatQuery({ ...s, autorun: false });

/** Make `state` the page's URL: a new history entry unless it is the URL already. */
function navigate(state: PageState): void {
  const q = formatQuery({ ...state, autorun: true });
  if (q !== location.search) history.pushState(null, "", q || location.pathname);
}

// ------------------------------------------------------------------ runs

let running: number | undefined;

async function ensureDataset(kind: "mnist" | "file"): Promise<void> {
  if (kind === "file") {
    if (!datasetInfo || datasetInfo.source === EMBEDDED_MNIST_SOURCE) {
      throw new Error(
        "images=file: drop the data file on the page (a link cannot carry the file), then Run",
      );
    }
    return;
  }
  if (datasetInfo?.source === EMBEDDED_MNIST_SOURCE) return;
  setStatus("loading MNIST");
  note("Fetching the embedded MNIST (28 MB)…");
  const reply = await call({ type: "mnist" }).done;
  if (reply.type === "dataset") setDataset(reply.info);
}

function setDataset(info: DatasetInfo): void {
  datasetInfo = info;
  $("dataset").textContent = `${info.source}: ${info.n} images, D = ${info.d}${
    info.shape ? ` (${info.shape.join(" × ")})` : ""
  }.`;
}

async function runState(state: PageState): Promise<void> {
  const key = cacheKey(state);
  try {
    if (state.preset !== undefined) await runPreset(state, key);
    else await runProblem(state, key);
  } catch (e) {
    const err = e as Error;
    if (err.message === "superseded") return;
    progress.value = 0;
    if (err.message === "stopped") {
      setStatus("stopped");
      note("Stopped.");
    } else {
      setStatus(`error: ${err.message}`);
      note(err.message, "error");
    }
  } finally {
    running = undefined;
  }
}

async function runProblem(state: PageState, key: string): Promise<void> {
  const input = problemInput(state);
  if (state.images) await ensureDataset(state.images);
  setStatus("running");
  clearShown();
  progress.value = 0;
  note("Integrating the equations, then SGD in the worker…");
  const live: LiveRun[] = [];
  let th: CurveResult | undefined;
  let epsPCA: number[] | undefined;
  let theoryNote = "";
  // redraw the live curve every 0.8 to 3 s, spending at most an eighth of the time drawing
  let last = 0;
  let cost = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // new points that came while a figure was being drawn are drawn next
  let dirty = false;
  let draws = 0;
  const redraw = async () => {
    dirty = false;
    try {
      const spec = liveCurveSpec(th, live, epsPCA);
      if (!spec || running !== id) return;
      figures = { live: spec };
      await (tabs.childElementCount ? figure.show(spec) : showFigures(figures));
    } catch (e) {
      note(`The live curve could not be drawn: ${(e as Error).message}`, "error");
    } finally {
      last = performance.now();
      // the first drawing is slow (the JIT is cold): pace by the later ones only
      cost = draws++ === 0 ? 0 : figure.lastDrawMs;
      timer = undefined;
      if (dirty && running === id) schedule();
    }
  };
  const schedule = () => {
    dirty = true;
    const wait = Math.max(0, Math.min(3000, Math.max(800, 8 * cost)) - (performance.now() - last));
    timer ??= setTimeout(redraw, wait);
  };
  const { id, done } = call(
    {
      type: "run",
      input,
      ...(state.images ? { images: { nHeldOut: state.heldOut, splitSeed: state.splitSeed } } : {}),
    },
    (r) => {
      if (r.type === "theory") {
        th = r.result;
        epsPCA = r.epsPCA;
        if (r.error) theoryNote = `No theory for this problem: ${r.error}`;
        note(theoryNote || "Theory done; SGD running in the worker…");
        schedule();
      } else if (r.type === "record") {
        const run = (live[r.run] ??= { seed: r.seed, times: [], eps: [] });
        run.times.push(r.t);
        run.eps.push(r.eps);
        schedule();
      } else if (r.type === "progress") {
        progress.value = r.fraction;
      }
    },
  );
  running = id;
  const reply = await done;
  if (timer !== undefined) clearTimeout(timer);
  if (reply.type !== "done") return;
  progress.value = 1;
  const result = reply.result;
  const K = result.config.network.K;
  const lastIndex = result.times.length - 1;
  const parts = [
    `Final test error ${fmt(result.eps[lastIndex])} at t = ${fmt(result.times[lastIndex])}` +
    ` (eps_PCA(${K}) = ${fmt(result.pca.epsPCA[K])}); SGD took ${
      result.seconds.toFixed(2)
    } s in the worker`,
  ];
  if (th) {
    const d = deviation(result, th);
    parts.push(
      `theory ${th.seconds.toFixed(2)} s, deviation from SGD max ${pct(d.max)}, mean ${
        pct(d.mean)
      }`,
    );
  } else if (theoryNote) parts.push(theoryNote);
  const s: Shown = {
    kind: "simulation",
    result,
    ...(th ? { theory: th } : {}),
    figures: reply.figures,
    text: `${parts.join("; ")}.`,
  };
  cache.set(key, s);
  await show(s);
  setStatus("done");
}

async function runPreset(state: PageState, key: string): Promise<void> {
  const name = state.preset!;
  if (!PRESETS[name]) throw new Error(`unknown preset ${name}; one of ${PRESET_NAMES.join(", ")}`);
  setStatus("running");
  clearShown();
  showClaim(undefined, name, state.size);
  progress.value = 0;
  note(
    name === "realdata"
      ? "Fetching the embedded MNIST (28 MB) and running SGD on the images, their Gaussian equivalent and the theory…"
      : "Running every variant (SGD and theory) in the worker…",
  );
  const { id, done } = call({ type: "preset", name, size: state.size }, (r) => {
    if (r.type === "progress") progress.value = r.fraction;
  });
  running = id;
  const reply = await done;
  if (reply.type !== "preset-done") return;
  progress.value = 1;
  const s: Shown = {
    kind: "preset",
    record: reply.record,
    figures: reply.figures,
    text: "",
  };
  cache.set(key, s);
  await show(s);
  setStatus("done");
}

function start(state: PageState): void {
  if (running !== undefined) stopWorker();
  void runState(state);
}

// ------------------------------------------------------------------ events

form.addEventListener("submit", (e) => {
  e.preventDefault();
  const state = formState();
  try {
    if (!state.images) problemInput(state);
  } catch (err) {
    setStatus(`error: ${(err as Error).message}`);
    note((err as Error).message, "error");
    return;
  }
  navigate(state);
  applyState(state);
  start(state);
});

stopButton.addEventListener("click", () => {
  stopWorker();
});
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && running !== undefined) stopWorker();
});

form.addEventListener("focusin", (e) => {
  const help = (e.target as HTMLElement).dataset?.help;
  if (help) $("help").textContent = help;
});
form.addEventListener("change", (e) => {
  const t = e.target as HTMLElement;
  if (t === sourceImages || t === sourceSpiked) showSource();
  if ((t as HTMLInputElement).name === "data.D") writeControls(controls, readControls(controls));
});

$("demo").addEventListener("click", () => {
  const values: Record<string, string> = {};
  for (const spec of PAGE_PARAMS) {
    const v = getPath(DEMO, spec.path);
    if (v !== undefined) values[spec.path] = Array.isArray(v) ? v.join(",") : String(v);
  }
  sourceSpiked.checked = true;
  showSource();
  writeControls(controls, values);
  note("The README's demo settings: press Run.");
});
$("reset").addEventListener("click", () => {
  writeControls(controls, {});
  note("The CLI's defaults.");
});

$("link").addEventListener("click", async () => {
  const url = `${location.origin}${location.pathname}${
    formatQuery({ ...formState(), autorun: true })
  }`;
  try {
    await navigator.clipboard.writeText(url);
    note(`Link copied: ${url}`);
  } catch {
    note(`Link: ${url}`);
  }
});

for (const name of PRESET_NAMES) {
  const b = document.createElement("button");
  b.type = "button";
  b.dataset.preset = name;
  b.textContent = name;
  b.title = `${PRESETS[name].title}: ${PRESETS[name].claim}`;
  b.setAttribute("aria-pressed", "false");
  b.addEventListener("click", () => {
    const state: PageState = {
      ...parseQuery(""),
      preset: name,
      size: sizeSelect.value as Size,
      autorun: true,
    };
    navigate(state);
    applyState({ ...state, values: readControls(controls) });
    start(state);
  });
  $("preset-buttons").append(b);
}

async function loadFile(file: File): Promise<void> {
  setStatus("loading data");
  note(`Reading ${file.name}…`);
  try {
    const reply = await call({ type: "load", file }).done;
    if (reply.type === "dataset") setDataset(reply.info);
    sourceImages.checked = true;
    showSource();
    setStatus("ready");
    note(`${file.name} loaded: press Run to train on it.`);
  } catch (e) {
    setStatus(`error: ${(e as Error).message}`);
    note((e as Error).message, "error");
  }
}
$<HTMLInputElement>("file").addEventListener("change", (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void loadFile(f);
});
$("mnist").addEventListener("click", async () => {
  try {
    await ensureDataset("mnist");
    sourceImages.checked = true;
    showSource();
    setStatus("ready");
    note("The embedded MNIST is loaded: press Run to train on it.");
  } catch (e) {
    setStatus(`error: ${(e as Error).message}`);
    note((e as Error).message, "error");
  }
});
document.addEventListener("dragover", (e) => {
  e.preventDefault();
  document.body.classList.add("dragging");
});
document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
document.addEventListener("drop", (e) => {
  e.preventDefault();
  document.body.classList.remove("dragging");
  const f = e.dataTransfer?.files?.[0];
  if (f) void loadFile(f);
});

$("dl-result").addEventListener("click", () => {
  if (!shown) return;
  download(shown.kind === "simulation" ? "result.json" : "summary.json", resultScript.textContent!);
});
$("dl-spec").addEventListener("click", () => {
  if (figures[current]) download(`${current}.vl.json`, JSON.stringify(figures[current], null, 1));
});
$("dl-svg").addEventListener("click", async () => {
  download(`${current}.svg`, await figure.svg(), "image/svg+xml");
});
$("dl-png").addEventListener("click", async () => {
  download(`${current}.png`, await figure.png());
});

// ------------------------------------------------------------------ the URL

function fromUrl(): void {
  let state: PageState;
  try {
    state = parseQuery(location.search);
  } catch (e) {
    applyState(parseQuery(""));
    setStatus(`error: ${(e as Error).message}`);
    note((e as Error).message, "error");
    return;
  }
  applyState(state);
  const cached = cache.get(cacheKey(state));
  if (cached) {
    void show(cached).then(() => setStatus("done"));
  } else if (state.autorun) {
    start(state);
  } else {
    clearShown();
    setStatus("ready");
    note("Set the problem and press Run, or pick a claim of the report above.");
  }
}

addEventListener("popstate", () => {
  if (running !== undefined) stopWorker();
  fromUrl();
});

fromUrl();
