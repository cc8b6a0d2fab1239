/**
 * The explorer page: the form (built from the parameter table), the state in
 * the URL (a link reproduces a run, the back button works), runs and presets
 * in a worker with the error curve growing live, the figures, the claims
 * with their verdicts, real images, and the downloads. This module wires the
 * events; the view, the state, the runs and the worker's client have their
 * own modules.
 *
 * The contract tests drive: `?data.D=100&network.K=2&...&autorun=1` runs at
 * once; when it has finished `#status` reads `done` and
 * `<script type="application/json" id="result">` holds the result record
 * (simulate's result, or a preset's summary record). A first visit (no
 * query) runs a small example at once, said so, without changing the URL.
 * @module
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { readControls, writeControls } from "./controls.ts";
import { formatQuery, PAGE_PARAMS, type PageState, parseQuery, problemInput } from "./query.ts";
import { DEMO, PRESET_NAMES, PRESETS } from "./presets.ts";
import { download } from "./draw.ts";
import { call } from "./rpc.ts";
import { cache, ensureDataset, isRunning, mnistDownloadSize, start, stop } from "./runs.ts";
import {
  applyState,
  cacheKey,
  controls,
  form,
  formState,
  markInvalid,
  navigate,
  refreshHelp,
  setDataset,
  setIdle,
  showSource,
  sizeSelect,
  sourceImages,
  sourceSpiked,
} from "./state.ts";
import { $, clearShown, currentFigure, figure, note, onShow, setStatus, show } from "./view.ts";
import { getPath } from "../src/core/params.ts";
import { resolveProblem } from "../src/problem/resolve.ts";
import type { Size } from "../src/experiments/preset.ts";

/** The first view's problem: small enough to run in a second or two on a phone. */
const INTRO_QUERY = "?data.D=200&data.spikes=3,6&network.K=2&tMax=200&seeds=1,2";
const INTRO = "A first example, run in your browser as the page opened: K = 2 erf units on " +
  "D = 200 inputs with two spikes (strengths 3 and 6), two seeds, SGD against the exact " +
  "equations from the same initial weights (the settings are in the form). Change them and " +
  "press Run, or pick a claim.";

/** On narrow screens the results are below the form: bring them into view. */
function revealResults(): void {
  if (matchMedia("(max-width: 899px)").matches) {
    $("view").scrollIntoView({ behavior: "smooth", block: "start" });
  }
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  const state = formState();
  try {
    // refused before anything on show is cleared (the worker checks images against its data set)
    if (!state.images) resolveProblem(problemInput(state));
  } catch (err) {
    const text = (err as Error).message;
    setStatus(`error: ${text}`);
    note(text, "error");
    markInvalid(text, true);
    return;
  }
  navigate(state);
  applyState(state);
  revealResults();
  start(state);
});

$("stop").addEventListener("click", stop);
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && isRunning()) stop();
});

form.addEventListener("focusin", (e) => {
  const help = (e.target as HTMLElement).dataset?.help;
  if (help) $("help").textContent = help;
  // working in the form: it is no longer greyed as not what is shown
  if ((e.target as HTMLElement).matches("input, select")) setIdle(false);
});
// a click into the form (a label, a disclosure, a field) is work on its settings
form.addEventListener("pointerdown", (e) => {
  if (!(e.target as HTMLElement).closest("#form-idle")) setIdle(false);
});
form.addEventListener("input", (e) => {
  const t = e.target as HTMLElement;
  if (t.getAttribute("aria-invalid")) markInvalid(undefined);
});
form.addEventListener("change", (e) => {
  const t = e.target as HTMLElement;
  if (t === sourceImages || t === sourceSpiked) showSource();
  if ((t as HTMLInputElement).name === "data.D") refreshHelp();
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
  setIdle(false);
  note("The README's demo settings: press Run.");
});
$("reset").addEventListener("click", () => {
  writeControls(controls, {});
  setIdle(false);
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
  const shown = onShow();
  if (!shown) return;
  download(shown.kind === "simulation" ? "result.json" : "summary.json", $("result").textContent!);
});
$("dl-spec").addEventListener("click", () => {
  const { name, spec } = currentFigure();
  if (spec) download(`${name}.vl.json`, JSON.stringify(spec, null, 1));
});
$("dl-svg").addEventListener("click", async () => {
  download(`${currentFigure().name}.svg`, await figure.svg(), "image/svg+xml");
});
$("dl-png").addEventListener("click", async () => {
  download(`${currentFigure().name}.png`, await figure.png());
});

// the size of the embedded MNIST as the page fetches it, computed from the build
void mnistDownloadSize().then((size) => {
  $("mnist-size").textContent = size ? `${size}, fetched when asked` : "fetched when asked";
});

function fromUrl(): void {
  let state: PageState;
  try {
    state = parseQuery(location.search);
  } catch (e) {
    applyState(parseQuery(""));
    const text = (e as Error).message;
    setStatus(`error: ${text}`);
    note(text, "error");
    return;
  }
  applyState(state);
  const cached = cache.get(cacheKey(state));
  if (cached) {
    void show(cached).then(() => setStatus("done"));
  } else if (state.autorun) {
    start(state);
  } else if (location.search === "") {
    // the first view: what the tool does, at once; the form shows what runs, the URL stays
    const intro = parseQuery(INTRO_QUERY);
    applyState(intro);
    start(intro, INTRO);
  } else {
    clearShown();
    setStatus("ready");
    note("Set the problem and press Run, or pick a claim of the report above.");
  }
}

addEventListener("popstate", () => {
  stop();
  fromUrl();
});

fromUrl();
