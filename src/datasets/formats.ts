/**
 * The registry of data-file formats: a name maps to its parser (bytes, after
 * gunzip, to a compact {@link Dataset}) and to the test that recognises it
 * from its content. `readDataset` and the data-set catalogue use it; adding a
 * format is one reader file and one entry here.
 * @module
 */
import { CIFAR10_RECORD_BYTES, cifar10Bound, parseCifar10 } from "./cifar10.ts";
import { csvBound, parseCsv } from "./csv.ts";
import type { Dataset, SizeBound } from "./dataset.ts";
import { IDX_IMAGES_MAGIC, idxImagesBound, parseIdxImages } from "./idx.ts";
import { npyBound, parseNpy } from "./npy.ts";

/** One data-file format. */
export interface DataFormatSpec {
  /** One line for help texts. */
  readonly doc: string;
  /** Parse the (inflated) bytes of one file; `source` names it in errors. */
  readonly parse: (bytes: Uint8Array, source: string) => Dataset;
  /**
   * Whether the bytes, or the file name (lower case, without ".gz"), are of
   * this format; tried in registry order, so looser tests come last.
   */
  readonly recognise: (bytes: Uint8Array, name: string) => boolean;
  /**
   * How many (gunzipped) bytes a file of this format may hold, judged from
   * its first bytes (see `SizeBound`); `source` names the file in errors.
   */
  readonly bound: (source: string) => SizeBound;
}

const magic = (bytes: Uint8Array): number =>
  bytes.length >= 4 ? ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0 : -1;

const npy: DataFormatSpec = {
  doc: "NumPy .npy: a 2-d (n x d) or 3-d (n x h x w) array of u1, f4 or f8",
  parse: parseNpy,
  bound: npyBound,
  recognise: (bytes) =>
    bytes.length >= 6 && bytes[0] === 0x93 &&
    String.fromCharCode(...bytes.subarray(1, 6)) === "NUMPY",
};

const idx: DataFormatSpec = {
  doc: "IDX images (MNIST, FashionMNIST), gzipped or not",
  parse: parseIdxImages,
  bound: idxImagesBound,
  recognise: (bytes) => magic(bytes) === IDX_IMAGES_MAGIC,
};

const csv: DataFormatSpec = {
  doc: "CSV text: one input per row, numbers only (an optional header line)",
  parse: (bytes, source) => parseCsv(bytes, source),
  bound: csvBound,
  recognise: (_bytes, name) => name.endsWith(".csv") || name.endsWith(".txt"),
};

const cifar10: DataFormatSpec = {
  doc: "CIFAR-10 binary batches (label byte + 3 x 32 x 32 colour), read in grey scale",
  parse: parseCifar10,
  bound: cifar10Bound,
  recognise: (bytes, name) => {
    if (name.endsWith(".bin")) return true;
    if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) return false;
    for (let i = 0; i < bytes.length; i += CIFAR10_RECORD_BYTES) if (bytes[i] > 9) return false;
    return true;
  },
};

/** Every format, in the order formats are recognised. */
export const DATA_FORMATS = { npy, idx, csv, cifar10 } as const;

/** A data-file format's name. */
export type DataFormat = keyof typeof DATA_FORMATS;

/** The format names, in recognition order. */
export const DATA_FORMAT_NAMES: readonly DataFormat[] = Object.keys(DATA_FORMATS) as DataFormat[];
