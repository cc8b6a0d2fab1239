/**
 * The published preprocessing of real images (THEORY.md section 3), and the
 * seeded split into a training part and a held-out part.
 *
 * What is done, precisely, for a data set of raw values x_ij (row i, pixel j):
 *
 * 1. flatten: each image is already a row of d = h x w values;
 * 2. global scalars over the statistics rows S (all n rows by default, or
 *    only the training rows): mean = sum_{i in S, j} x_ij / (|S| d) and
 *    std = sqrt(sum (x_ij - mean)^2 / (|S| d)) (population std, ddof = 0),
 *    both accumulated in float64;
 * 3. x'_ij = (x_ij - mean) / (2 std). Dividing by 2 std and then subtracting
 *    the mean of the divided data, as published, gives exactly this value;
 *    over the rows S the result has mean 0 and standard deviation 1/2;
 * 4. optionally (`centrePixels`), per-pixel centring: x''_ij = x'_ij - m_j
 *    with m_j the mean of x'_ij over the rows S (this keeps the global mean
 *    0 but lowers the standard deviation below 1/2).
 *
 * Only the held-out part is materialised in float64 (n_heldOut x d). The
 * training part keeps the raw compact values (bytes or Float32, as read) and
 * {@link rowInto} writes a preprocessed row into a Float64Array on demand,
 * computing (x - mean) * scale - m_j in float64: the values are bit for bit
 * those of the held-out block formula.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import type { Dataset } from "./dataset.ts";

/** Options of {@link preprocess}. */
export interface PreprocessOptions {
  /**
   * Rows held out (for the covariance and the test error); at least 1.
   * Default {@link defaultHeldOut}: 2000, or a fifth of a smaller data set.
   */
  nHeldOut?: number;
  /** Training rows; default all the rows not held out. */
  nTrain?: number;
  /** Seed of the split, an integer from 0 to 2^40; default 0. */
  seed?: number;
  /** Subtract the per-pixel mean after the global scaling; default false. */
  centrePixels?: boolean;
  /** Rows the mean, std (and pixel means) are computed over: "all" n rows (default) or the "train" rows. */
  statsOver?: "all" | "train";
}

/** A data set split and preprocessed. */
export interface Preprocessed {
  /** The source of the data. */
  source: string;
  /** Dimension of an input. */
  d: number;
  /** Image height and width, when known. */
  shape?: [number, number];
  /** Global mean of the raw values over the statistics rows. */
  mean: number;
  /** Global (population) standard deviation of the raw values over the statistics rows. */
  std: number;
  /** 1 / (2 std): x' = (x - mean) * scale. */
  scale: number;
  /** d per-pixel means of x' subtracted after scaling, or null without per-pixel centring. */
  pixelMean: Float64Array | null;
  /** The training rows, raw (as read: bytes or Float32), nTrain x d in split order, with their labels. */
  train: Dataset;
  /** Row of the input data set of each training row. */
  trainIndex: Uint32Array;
  /** The held-out rows preprocessed, nHeldOut x d, row-major. */
  heldOut: Float64Array;
  /** Labels of the held-out rows, when the data set has labels. */
  heldOutLabels?: Uint8Array;
  /** Row of the input data set of each held-out row. */
  heldOutIndex: Uint32Array;
  /** Number of training rows. */
  nTrain: number;
  /** Number of held-out rows. */
  nHeldOut: number;
  /** Seed of the split. */
  seed: number;
  /** Which rows the statistics came from. */
  statsOver: "all" | "train";
}

/**
 * A seeded random permutation prefix: the first k entries of a Fisher-Yates
 * shuffle of 0..n-1 driven by sfc32 (seeded from the low and high 32 bits of
 * the seed). The first j entries do not depend on k >= j.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seededPermutation } from "./preprocess.ts";
 * const p = seededPermutation(10, 10, 7);
 * assert.equal(new Set(p).size, 10);
 * assert.equal(seededPermutation(10, 3, 7).join(), p.subarray(0, 3).join());
 * ```
 */
export function seededPermutation(n: number, k: number, seed: number): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let a = seed >>> 0, b = Math.floor(seed / 2 ** 32) >>> 0, c = 0x9e3779b9, ctr = 1;
  const next = (): number => {
    const t = (((a + b) >>> 0) + ctr) >>> 0;
    ctr = (ctr + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  for (let i = 0; i < k; i++) {
    const u = ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992; // 53 bits in [0, 1)
    const j = i + Math.floor(u * (n - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, k);
}

/**
 * Global mean and population standard deviation of the values of some rows
 * (all rows by default), accumulated in float64, two passes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { globalStats } from "./preprocess.ts";
 * const s = globalStats({ n: 2, d: 2, data: new Uint8Array([0, 2, 4, 6]), source: "x" });
 * assert.equal(s.mean, 3);
 * assert.ok(Math.abs(s.std - Math.sqrt(5)) < 1e-12);
 * ```
 */
export function globalStats(ds: Dataset, rows?: ArrayLike<number>): { mean: number; std: number } {
  const { d, data } = ds;
  const count = rows ? rows.length : ds.n;
  let sum = 0;
  for (let r = 0; r < count; r++) {
    const base = (rows ? rows[r] : r) * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += data[base + j];
    sum += s;
  }
  const mean = sum / (count * d);
  let sq = 0;
  for (let r = 0; r < count; r++) {
    const base = (rows ? rows[r] : r) * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = data[base + j] - mean;
      s += v * v;
    }
    sq += s;
  }
  return { mean, std: Math.sqrt(sq / (count * d)) };
}

/** The published number of held-out images. */
export const HELD_OUT = 2000;

/**
 * The default number of held-out rows of a data set of n rows: 2000, or a
 * fifth of a smaller data set (so that a CSV of a few hundred rows works at
 * its defaults), at least 1; 0 when n < 2 (too few rows to split, which
 * {@link checkHeldOut} refuses naming the data set).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultHeldOut } from "./preprocess.ts";
 * assert.ok(defaultHeldOut(60000) === 2000 && defaultHeldOut(300) === 60 && defaultHeldOut(4) === 1 && defaultHeldOut(1) === 0, "the example's claim holds");
 * ```
 */
export function defaultHeldOut(n: number): number {
  return n < 2 ? 0 : Math.max(1, Math.min(HELD_OUT, Math.floor(n / 5)));
}

/**
 * Check a held-out split of a data set before any work: a split needs at
 * least 2 rows (one held out, one to train), and `nHeldOut` must leave at
 * least one row to train. A data set too small is named by its source (the
 * file); a bad count by `param` (the caller's flag or key).
 *
 * @example
 * ```ts
 * import { checkHeldOut } from "./preprocess.ts";
 * let message = "";
 * try { checkHeldOut({ n: 1, d: 2, data: new Uint8Array(2), source: "one.csv" }, 1, "--n-held-out"); }
 * catch (e) { message = (e as Error).message; }
 * if (!message.startsWith(`invalid one.csv: got "1 row"; allowed: at least 2 rows`)) throw new Error(message);
 * ```
 */
export function checkHeldOut(ds: Dataset, nHeldOut: unknown, param: string): void {
  const { n } = ds;
  if (n < 2) {
    throw new ConfigError(
      ds.source,
      `${n} row${n === 1 ? "" : "s"}`,
      "at least 2 rows for a held-out split (at least 1 held out for the test error " +
        "and 1 to train on)",
    );
  }
  if (!(Number.isInteger(nHeldOut) && (nHeldOut as number) >= 1 && (nHeldOut as number) < n)) {
    throw new ConfigError(
      param,
      nHeldOut,
      `an integer from 1 to ${
        n - 1
      } (${ds.source} has ${n} rows; at least one is kept to train on)`,
    );
  }
}

/**
 * Split a data set (seeded) into held-out and training rows and preprocess
 * it as published: x' = (x - mean) / (2 std) with global scalars, then
 * optional per-pixel centring (see the module documentation). The held-out
 * rows are drawn first, so they depend only on the seed and nHeldOut.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { preprocess, rowInto } from "./preprocess.ts";
 * const ds = { n: 4, d: 2, data: new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]), source: "x" };
 * const p = preprocess(ds, { nHeldOut: 1, seed: 3 });
 * assert.equal(p.nTrain, 3);
 * assert.equal(p.heldOut.length, 2);
 * assert.equal(p.scale, 1 / (2 * p.std));
 * const row = new Float64Array(2);
 * rowInto(p, 0, row);
 * assert.equal(row[0], (p.train.data[0] - p.mean) * p.scale);
 * ```
 */
export function preprocess(ds: Dataset, options: PreprocessOptions = {}): Preprocessed {
  const { n, d } = ds;
  const nHeldOut = options.nHeldOut ?? defaultHeldOut(n);
  checkHeldOut(ds, nHeldOut, "nHeldOut");
  const nTrain = options.nTrain ?? n - nHeldOut;
  if (!Number.isInteger(nTrain) || nTrain < 1 || nTrain > n - nHeldOut) {
    throw new ConfigError("nTrain", nTrain, `an integer from 1 to n - nHeldOut = ${n - nHeldOut}`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 40) {
    throw new ConfigError("seed", seed, "an integer from 0 to 2^40");
  }
  const statsOver = options.statsOver ?? "all";
  if (statsOver !== "all" && statsOver !== "train") {
    throw new ConfigError("statsOver", statsOver, '"all" or "train"');
  }
  if (ds.data.length < n * d) {
    throw new ConfigError("dataset", `${ds.data.length} values`, `n x d = ${n * d} values`);
  }

  const order = seededPermutation(n, nHeldOut + nTrain, seed);
  const heldOutIndex = order.slice(0, nHeldOut);
  const trainIndex = order.slice(nHeldOut);
  const statRows = statsOver === "train" ? trainIndex : undefined;
  const { mean, std } = globalStats(ds, statRows);
  if (!(std > 0) || !Number.isFinite(std)) {
    throw new ConfigError(
      `${ds.source}: standard deviation`,
      std,
      "a positive finite value (data not constant)",
    );
  }
  const scale = 1 / (2 * std);

  let pixelMean: Float64Array | null = null;
  if (options.centrePixels) {
    pixelMean = new Float64Array(d);
    const count = statRows ? statRows.length : n;
    for (let r = 0; r < count; r++) {
      const base = (statRows ? statRows[r] : r) * d;
      for (let j = 0; j < d; j++) pixelMean[j] += (ds.data[base + j] - mean) * scale;
    }
    for (let j = 0; j < d; j++) pixelMean[j] /= count;
  }

  const trainData = ds.data instanceof Uint8Array
    ? new Uint8Array(nTrain * d)
    : new Float32Array(nTrain * d);
  for (let r = 0; r < nTrain; r++) {
    trainData.set(ds.data.subarray(trainIndex[r] * d, trainIndex[r] * d + d), r * d);
  }
  const train: Dataset = { n: nTrain, d, data: trainData, source: ds.source };
  if (ds.shape) train.shape = [ds.shape[0], ds.shape[1]];
  const out: Preprocessed = {
    source: ds.source,
    d,
    mean,
    std,
    scale,
    pixelMean,
    train,
    trainIndex,
    heldOut: new Float64Array(0),
    heldOutIndex,
    nTrain,
    nHeldOut,
    seed,
    statsOver,
  };
  if (ds.shape) out.shape = [ds.shape[0], ds.shape[1]];
  if (ds.labels) {
    train.labels = new Uint8Array(nTrain);
    for (let r = 0; r < nTrain; r++) train.labels[r] = ds.labels[trainIndex[r]];
    out.heldOutLabels = new Uint8Array(nHeldOut);
    for (let r = 0; r < nHeldOut; r++) out.heldOutLabels[r] = ds.labels[heldOutIndex[r]];
  }
  out.heldOut = transformRows(out, ds, heldOutIndex);
  return out;
}

function transformInto(
  p: Preprocessed,
  src: ArrayLike<number>,
  srcOffset: number,
  out: Float64Array,
  offset: number,
): void {
  const { d, mean, scale, pixelMean } = p;
  if (pixelMean) {
    for (let j = 0; j < d; j++) {
      out[offset + j] = (src[srcOffset + j] - mean) * scale - pixelMean[j];
    }
  } else {
    for (let j = 0; j < d; j++) out[offset + j] = (src[srcOffset + j] - mean) * scale;
  }
}

/**
 * Write the preprocessed training row i (0 <= i < nTrain) into
 * out[offset .. offset + d), in float64.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { preprocess, rowInto } from "./preprocess.ts";
 * const ds = { n: 3, d: 1, data: new Float32Array([1, 2, 3]), source: "x" };
 * const p = preprocess(ds, { nHeldOut: 1 });
 * const buf = new Float64Array(4);
 * rowInto(p, 1, buf, 3);
 * assert.equal(buf[3], (p.train.data[1] - 2) * p.scale);
 * ```
 */
export function rowInto(p: Preprocessed, i: number, out: Float64Array, offset = 0): void {
  if (!Number.isInteger(i) || i < 0 || i >= p.nTrain) {
    throw new ConfigError("i", i, `a training row from 0 to ${p.nTrain - 1}`);
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + p.d > out.length) {
    throw new ConfigError(
      "offset",
      offset,
      `an integer >= 0 with offset + d = ${p.d} within the buffer's ${out.length}`,
    );
  }
  transformInto(p, p.train.data, i * p.d, out, offset);
}

/**
 * A small float64 block of preprocessed training rows start .. start + count,
 * count x d, row-major.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { preprocess, trainBlock } from "./preprocess.ts";
 * const ds = { n: 5, d: 2, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 9]), source: "x" };
 * const p = preprocess(ds, { nHeldOut: 2 });
 * assert.equal(trainBlock(p, 1, 2).length, 4);
 * ```
 */
export function trainBlock(p: Preprocessed, start: number, count: number): Float64Array {
  if (
    !Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 ||
    start + count > p.nTrain
  ) {
    throw new ConfigError(
      "start, count",
      `rows ${start} to ${start + count - 1}`,
      `training rows within 0 to ${p.nTrain - 1}`,
    );
  }
  const out = new Float64Array(count * p.d);
  for (let r = 0; r < count; r++) transformInto(p, p.train.data, (start + r) * p.d, out, r * p.d);
  return out;
}

/**
 * Apply the same preprocessing (same mean, std and pixel means) to rows of
 * another data set of the same dimension, e.g. a separate test batch; all
 * rows by default. Returns rows.length x d, float64.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { preprocess, transformRows } from "./preprocess.ts";
 * const ds = { n: 3, d: 1, data: new Float32Array([1, 2, 3]), source: "x" };
 * const p = preprocess(ds, { nHeldOut: 1 });
 * const other = transformRows(p, { n: 1, d: 1, data: new Float32Array([2]), source: "y" });
 * assert.equal(other[0], 0);
 * ```
 */
export function transformRows(
  p: Preprocessed,
  ds: Dataset,
  rows?: ArrayLike<number>,
): Float64Array {
  if (ds.d !== p.d) {
    throw new ConfigError(`ds: ${ds.source}`, `d = ${ds.d}`, `d = ${p.d}, as the preprocessed set`);
  }
  const count = rows ? rows.length : ds.n;
  const out = new Float64Array(count * p.d);
  for (let r = 0; r < count; r++) {
    const row = rows ? rows[r] : r;
    if (!(row >= 0 && row < ds.n)) {
      throw new ConfigError("rows", row, `row indices from 0 to ${ds.n - 1}`);
    }
    transformInto(p, ds.data, row * p.d, out, r * p.d);
  }
  return out;
}
