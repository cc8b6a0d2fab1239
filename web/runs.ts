/**
 * Runs of the page: a problem (the theory first, then SGD with each seed's
 * curve growing live against the theory from its own initial weights) or a
 * claim's preset, in the worker; one at a time, a new one supersedes the
 * running one. Also the embedded MNIST, fetched when first asked for.
 * @module
 */
/// <reference lib="dom" />
import { PAGE_DEFAULTS, type PageState, problemInput } from "./query.ts";
import { PRESET_NAMES, PRESETS } from "./presets.ts";
import { liveCurveSpec, type LiveRun } from "./figures.ts";
import { call, stopWorker } from "./rpc.ts";
import { cacheKey, dataset, markInvalid, setDataset } from "./state.ts";
import { bytesText } from "./text.ts";
import {
  $,
  clearShown,
  figure,
  note,
  progress,
  runSummary,
  setStatus,
  show,
  showClaim,
  showLive,
  type Shown,
} from "./view.ts";
import type { CurveResult } from "../src/problem/types.ts";
import { deviation } from "../src/analysis/deviation.ts";
import { EMBEDDED_MNIST_SOURCE } from "../src/datasets/mnist_embedded.ts";
import { MNIST_FILE } from "./mnist_embedded.ts";

/** Shown results by URL (the back button shows them again without a run). */
export const cache: Map<string, Shown> = new Map();

let running: number | undefined;

/** Whether a run is going on. */
export function isRunning(): boolean {
  return running !== undefined;
}

/**
 * The size of the embedded MNIST as the page downloads it (gzipped), from
 * the site's build.json; undefined when the site has none.
 */
export async function mnistDownloadSize(): Promise<string | undefined> {
  try {
    const res = await fetch(new URL("build.json", import.meta.url));
    if (!res.ok) return undefined;
    const build = await res.json() as { files: { file: string; gzip: number }[] };
    const f = build.files.find((f) => f.file === MNIST_FILE);
    return f ? `${bytesText(f.gzip)} compressed` : undefined;
  } catch {
    return undefined;
  }
}

/** The width of the results pane's figures, in pixels. */
export function paneWidth(): number {
  return Math.max(260, $("figure").clientWidth);
}

/** Make sure the worker holds the data set of `kind` (fetching the embedded MNIST). */
export async function ensureDataset(kind: "mnist" | "file"): Promise<void> {
  const info = dataset();
  if (kind === "file") {
    if (!info || info.source === EMBEDDED_MNIST_SOURCE) {
      throw new Error(
        "images=file: drop the data file on the page (a link cannot carry the file), then Run",
      );
    }
    return;
  }
  if (info?.source === EMBEDDED_MNIST_SOURCE) return;
  setStatus("loading MNIST");
  const size = await mnistDownloadSize();
  note(`Fetching the embedded MNIST${size ? ` (${size})` : ""}…`);
  const reply = await call({ type: "mnist" }).done;
  if (reply.type === "dataset") setDataset(reply.info);
}

/** The number of runs started: a run that is not the latest says nothing when it ends. */
let generation = 0;

async function runState(state: PageState, intro?: string): Promise<void> {
  const key = cacheKey(state);
  const mine = ++generation;
  try {
    if (state.preset !== undefined) await runPreset(state, key);
    else await runProblem(state, key, intro);
  } catch (e) {
    const err = e as Error;
    // stopped because a newer run started: that run speaks for the page
    if (err.message === "superseded" || mine !== generation) return;
    progress.value = 0;
    if (err.message === "stopped") {
      setStatus("stopped");
      note("Stopped.");
    } else {
      setStatus(`error: ${err.message}`);
      note(err.message, "error");
      markInvalid(err.message, true);
    }
  } finally {
    if (mine === generation) running = undefined;
  }
}

async function runProblem(state: PageState, key: string, intro?: string): Promise<void> {
  const input = problemInput(state);
  if (state.images) await ensureDataset(state.images);
  setStatus("running");
  clearShown();
  progress.value = 0;
  note(intro ?? "Integrating the equations, then SGD in the worker…");
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
      const spec = liveCurveSpec(th, live, epsPCA, paneWidth() - 140);
      if (!spec || running !== id) return;
      await showLive(spec);
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
      width: paneWidth(),
      // the held-out default adapts to a small data set in the worker (a CSV of a few hundred rows)
      ...(state.images
        ? {
          images: {
            ...(state.heldOut !== PAGE_DEFAULTS.heldOut ? { nHeldOut: state.heldOut } : {}),
            splitSeed: state.splitSeed,
          },
        }
        : {}),
    },
    (r) => {
      if (r.type === "theory") {
        th = r.result;
        epsPCA = r.epsPCA;
        if (r.error) theoryNote = `No theory for this problem: ${r.error}`;
        if (!intro) note(theoryNote || "Theory done; SGD running in the worker…");
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
  // a newer run took over (this one finished before its stop arrived): it shows nothing
  if (reply.type !== "done" || running !== id) return;
  progress.value = 1;
  const result = reply.result;
  const d = th ? { seconds: th.seconds, ...deviation(result, th) } : undefined;
  const summary = runSummary(result, d, theoryNote);
  const s: Shown = {
    kind: "simulation",
    result,
    ...(th ? { theory: th } : {}),
    figures: reply.figures,
    text: intro ? `${intro} ${summary}` : summary,
  };
  if (!intro) cache.set(key, s);
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
  const size = name === "realdata" ? await mnistDownloadSize() : undefined;
  note(
    name === "realdata"
      ? `Fetching the embedded MNIST${
        size ? ` (${size})` : ""
      } and running SGD on the images, their Gaussian equivalent and the theory…`
      : "Running every variant (SGD and theory) in the worker…",
  );
  const { id, done } = call({ type: "preset", name, size: state.size }, (r) => {
    if (r.type === "progress") progress.value = r.fraction;
  });
  running = id;
  const reply = await done;
  if (reply.type !== "preset-done" || running !== id) return;
  progress.value = 1;
  const s: Shown = { kind: "preset", record: reply.record, figures: reply.figures, text: "" };
  cache.set(key, s);
  await show(s);
  setStatus("done");
}

/**
 * Run `state` (stopping the run going on); `intro` is the first view's
 * sentence, shown with the result, which is then not cached by URL.
 */
export function start(state: PageState, intro?: string): void {
  if (running !== undefined) stopWorker();
  void runState(state, intro);
}

/** Stop the run going on, if any. */
export function stop(): void {
  if (running !== undefined) stopWorker();
}
