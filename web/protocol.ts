/**
 * The messages between the page and its worker (SGD, theory, presets and
 * data files all run in the worker, so the page stays responsive).
 * @module
 */
import type { CurveResult, ProblemInput } from "../src/problem/types.ts";
import type { Size } from "../src/experiments/preset.ts";
import type { ExperimentSummary } from "../src/experiments/types.ts";
import type { VegaLiteSpec } from "../src/plot/mod.ts";

/** Real images for a run: the data set the worker holds, split and preprocessed as published. */
export interface ImagesRequest {
  /** Held-out images (test error, covariance); default: 2000, or a fifth of a smaller data set. */
  nHeldOut?: number;
  /** Seed of the split. */
  splitSeed: number;
}

/** What the page asks of the worker. */
export type Request =
  | {
    type: "run";
    id: number;
    input: ProblemInput;
    images?: ImagesRequest;
    /** Width of the figures in pixels (the pane's). */
    width?: number;
  }
  | { type: "preset"; id: number; name: string; size: Size }
  | { type: "load"; id: number; file: File }
  | { type: "mnist"; id: number }
  | { type: "stop" };

/** A data set the worker holds, as the page shows it. */
export interface DatasetInfo {
  source: string;
  n: number;
  d: number;
  shape?: [number, number];
}

/** The summary record of a preset, as the CLI's `run --out` writes summary.json. */
export interface PresetRecord {
  version: string;
  size: Size;
  seconds: number;
  experiments: ExperimentSummary[];
}

/** What the worker answers. */
export type Reply =
  | { type: "theory"; id: number; epsPCA: number[]; result?: CurveResult; error?: string }
  | { type: "record"; id: number; run: number; seed: number; index: number; t: number; eps: number }
  | { type: "progress"; id: number; fraction: number; what: string }
  | {
    type: "done";
    id: number;
    result: CurveResult;
    figures: Record<string, VegaLiteSpec>;
  }
  | {
    type: "preset-done";
    id: number;
    record: PresetRecord;
    figures: Record<string, VegaLiteSpec>;
  }
  | { type: "dataset"; id: number; info: DatasetInfo }
  | { type: "error"; id: number; name: string; message: string };
