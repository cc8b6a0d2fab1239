/**
 * One entry point for any supported file: the format is recognised from the
 * content (after gunzip), with the file name as a hint for CIFAR-10 and CSV.
 * @module
 */
import { CIFAR10_RECORD_BYTES, parseCifar10 } from "./cifar10.ts";
import { parseCsv } from "./csv.ts";
import { type ByteInput, type Dataset, load } from "./dataset.ts";
import { ConfigError, DataFormatError } from "../core/errors.ts";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdxImages } from "./idx.ts";
import { parseNpy } from "./npy.ts";

/** The formats {@link readDataset} knows. */
export type DataFormat = "cifar10" | "idx" | "npy" | "csv";

/**
 * Recognise the format of (inflated) bytes: `.npy` and IDX by their magic
 * numbers, CIFAR-10 by a `.bin` name or a length that is a multiple of 3073
 * with label bytes 0-9, CSV by a `.csv`/`.txt` name or UTF-8 text.
 *
 * @example
 * ```ts
 * import { detectFormat } from "./detect.ts";
 * if (!(detectFormat(new TextEncoder().encode("1,2\n"), "x") === "csv")) throw new Error("example failed");
 * ```
 */
export function detectFormat(bytes: Uint8Array, source: string): DataFormat {
  const name = source.toLowerCase().replace(/\.gz$/, "");
  if (
    bytes.length >= 6 && bytes[0] === 0x93 &&
    String.fromCharCode(...bytes.subarray(1, 6)) === "NUMPY"
  ) {
    return "npy";
  }
  if (bytes.length >= 4) {
    const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
    if (magic === IDX_IMAGES_MAGIC) return "idx";
    if (magic === IDX_LABELS_MAGIC) {
      throw new DataFormatError(
        { source, offset: 0 },
        "a data file (the IDX images magic 0x00000803)",
        "an IDX labels file (0x00000801): pass it as the labels of readIdx",
      );
    }
  }
  if (name.endsWith(".csv") || name.endsWith(".txt")) return "csv";
  if (name.endsWith(".bin")) return "cifar10";
  if (bytes.length % CIFAR10_RECORD_BYTES === 0) {
    let labels = true;
    for (let i = 0; i < bytes.length && labels; i += CIFAR10_RECORD_BYTES) labels = bytes[i] <= 9;
    if (labels) return "cifar10";
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, 4096));
    return "csv";
  } catch {
    throw new DataFormatError(
      { source, offset: 0 },
      "a CIFAR-10 batch (.bin), an IDX images file, a .npy file or CSV text",
      "binary data of none of these formats",
    );
  }
}

/** Options of {@link readDataset}. */
export interface ReadDatasetOptions {
  /** Skip detection and read this format. */
  format?: DataFormat;
}

/**
 * Read any supported data file (gzipped or not) from bytes, a `Blob`/`File`,
 * a `Response` or a stream.
 *
 * @example
 * ```ts
 * import { readDataset } from "./detect.ts";
 * const ds = await readDataset(new Blob(["x,y\n1,2\n"]), "points.csv");
 * if (!(ds.n === 1 && ds.d === 2)) throw new Error("example failed");
 * ```
 */
export async function readDataset(
  input: ByteInput,
  source?: string,
  options: ReadDatasetOptions = {},
): Promise<Dataset> {
  const { bytes, source: name, gunzipped } = await load(input, source);
  const format = options.format ?? detectFormat(bytes, name);
  try {
    switch (format) {
      case "cifar10":
        return parseCifar10(bytes, name);
      case "idx":
        return parseIdxImages(bytes, name);
      case "npy":
        return parseNpy(bytes, name);
      case "csv":
        return parseCsv(bytes, name);
      default:
        throw new ConfigError("format", format, "cifar10, idx, npy, csv");
    }
  } catch (e) {
    if (gunzipped && e instanceof DataFormatError && e.offset !== undefined) {
      throw new DataFormatError({ source: name, offset: e.offset, gunzipped }, e.expected, e.found);
    }
    throw e;
  }
}
