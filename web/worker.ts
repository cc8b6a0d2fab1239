/**
 * The page's worker: SGD, the theory, the presets and the data files run
 * here, off the page's thread. One job at a time; "stop" aborts it (SGD
 * checks the signal about every 0.1 s, the theory's integrator yields about
 * every 50 ms of work).
 * @module
 */
/// <reference lib="webworker" />
import { resolveProblem } from "../src/problem/resolve.ts";
import { prepare } from "../src/problem/prepare.ts";
import type { CurveResult, ProblemInput } from "../src/problem/types.ts";
import { simulate } from "../src/sgd/simulate.ts";
import { theory } from "../src/theory/theory.ts";
import { parsePreset } from "../src/experiments/preset.ts";
import { runPreset } from "../src/experiments/run.ts";
import { VERSION } from "../src/core/version.ts";
import { ConfigError } from "../src/core/errors.ts";
import { readDataset } from "../src/datasets/detect.ts";
import type { Dataset } from "../src/datasets/dataset.ts";
import { loadEmbeddedMnist } from "../src/datasets/mnist_embedded.ts";
import { checkHeldOut, defaultHeldOut, preprocess } from "../src/datasets/preprocess.ts";
import { datasetModel } from "../src/data/mod.ts";
import { resultFigures } from "../src/plot/result_figures.ts";
import { curveHeight } from "./figures.ts";
import { PRESET_NAMES, presetFile } from "./presets.ts";
import type { ImagesRequest, Reply, Request } from "./protocol.ts";

declare const self: DedicatedWorkerGlobalScope;

let job: AbortController | undefined;
let dataset: Dataset | undefined;

function post(reply: Reply): void {
  self.postMessage(reply);
}

function fail(id: number, e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  post({ type: "error", id, name: err.name, message: err.message });
}

/** The problem of a run: the spiked model of the input, or the images the worker holds. */
function problemOf(input: ProblemInput, images?: ImagesRequest): ProblemInput {
  if (!images) return input;
  if (!dataset) {
    throw new ConfigError("images", "none loaded", "a data file dropped on the page, or MNIST");
  }
  const nHeldOut = images.nHeldOut ?? defaultHeldOut(dataset.n);
  checkHeldOut(dataset, nHeldOut, "heldOut");
  const p = preprocess(dataset, { nHeldOut, seed: images.splitSeed });
  return { ...input, data: datasetModel(p) };
}

async function run(
  id: number,
  input: ProblemInput,
  images: ImagesRequest | undefined,
  width = 600,
) {
  const signal = job!.signal;
  const problem = resolveProblem(problemOf(input, images));
  const { spectrum, pca } = prepare(problem);
  // the theory first (it is quick): the SGD curve then grows over it
  post({ type: "progress", id, fraction: 0, what: "theory" });
  let th: CurveResult | undefined;
  try {
    th = await theory(problem, {}, {
      signal,
      onProgress: (p) => post({ type: "progress", id, fraction: p.fraction, what: "theory" }),
    });
    post({ type: "theory", id, epsPCA: pca.epsPCA, result: th });
  } catch (e) {
    if (signal.aborted) throw e;
    post({ type: "theory", id, epsPCA: pca.epsPCA, error: (e as Error).message });
  }
  const result = await simulate(problem, {
    signal,
    onRecord: (r) =>
      post({ type: "record", id, run: r.run, seed: r.seed, index: r.index, t: r.t, eps: r.eps }),
    onProgress: (p) => post({ type: "progress", id, fraction: p.fraction, what: "SGD" }),
  });
  const shape = images ? dataset?.shape : undefined;
  const figures = resultFigures(result, spectrum, {
    ...(th ? { theory: th } : {}),
    ...(shape ? { imageShape: shape } : {}),
    width,
    height: curveHeight(width),
    componentHeight: Math.max(70, Math.min(110, Math.floor(330 / problem.network.K))),
  });
  post({ type: "done", id, result, figures });
}

async function preset(id: number, name: string, size: "reduced" | "default" | "full") {
  const file = presetFile(name);
  if (!file) throw new ConfigError("preset", name, PRESET_NAMES.join(", "));
  const parsed = parsePreset(JSON.stringify(file), `examples/${name}.json`);
  const { summary, figures } = await runPreset(name, parsed, size, {
    signal: job!.signal,
    onProgress: (p) => post({ type: "progress", id, fraction: p.fraction, what: name }),
  });
  const record = { version: VERSION, size, seconds: summary.seconds, experiments: [summary] };
  post({ type: "preset-done", id, record, figures });
}

function info(ds: Dataset) {
  return { source: ds.source, n: ds.n, d: ds.d, ...(ds.shape ? { shape: ds.shape } : {}) };
}

self.onmessage = async (event: MessageEvent<Request>) => {
  const msg = event.data;
  if (msg.type === "stop") {
    job?.abort(new Error("stopped"));
    return;
  }
  if (msg.type === "load" || msg.type === "mnist") {
    // data files load beside a running job (the job keeps the data set it started with)
    try {
      const ds = msg.type === "load"
        ? await readDataset(msg.file, msg.file.name)
        : await loadEmbeddedMnist();
      dataset = ds;
      post({ type: "dataset", id: msg.id, info: info(ds) });
    } catch (e) {
      fail(msg.id, e);
    }
    return;
  }
  job?.abort(new Error("superseded"));
  const mine = new AbortController();
  job = mine;
  try {
    if (msg.type === "run") await run(msg.id, msg.input, msg.images, msg.width);
    else await preset(msg.id, msg.name, msg.size);
  } catch (e) {
    fail(msg.id, mine.signal.aborted ? mine.signal.reason : e);
  } finally {
    if (job === mine) job = undefined;
  }
};
// the page sends nothing before this: messages that arrive while the modules load would be lost
self.postMessage({ type: "ready" });
