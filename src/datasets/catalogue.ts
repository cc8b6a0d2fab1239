/**
 * The catalogue of real-image data sets the package knows by name: their
 * dimension and image shape, their files (the candidate names of each part,
 * read with one format of the registry), where they are published (for
 * download, with checksums), and the embedded copy where there is one.
 * Adding a data set is one entry here (and a reader, if its format is new).
 * Browser-safe: files are opened by a caller-supplied function.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { concatDatasets, type Dataset } from "./dataset.ts";
import { DATA_FORMATS, type DataFormat } from "./formats.ts";
import { loadEmbeddedMnist } from "./mnist_embedded.ts";
import { load } from "./dataset.ts";

/** One file to fetch and its published checksum. */
export interface RemoteFile {
  /** File name, appended to the base URL. */
  name: string;
  /** Published MD5, 32 lowercase hexadecimal digits. */
  md5: string;
}

/** Where a data set is published and how it is packed. */
export interface DatasetSource {
  /** URL of the folder holding the files (ending in "/"). */
  baseUrl: string;
  /** The files and their checksums. */
  files: readonly RemoteFile[];
  /** "tar.gz": one archive to gunzip and untar; "none": files written as fetched. */
  unpack: "tar.gz" | "none";
}

/** One data set of the catalogue. */
export interface DatasetEntry {
  /** Its name in configs and flags. */
  readonly name: string;
  /** Its name in figures and messages. */
  readonly title: string;
  /** Input dimension D (pixels). */
  readonly D: number;
  /** Image height and width. */
  readonly shape: readonly [number, number];
  /** The format of its files. */
  readonly format: DataFormat;
  /** Its parts, in order: the candidate file names of each (relative to its directory). */
  readonly parts: readonly (readonly string[])[];
  /** Where it is published (for `download`), if it is. */
  readonly source?: DatasetSource;
  /** A copy shipped with the package, read when no directory is given. */
  readonly embedded?: () => Promise<Dataset>;
}

/** Default URL of the CIFAR-10 binary archive's folder. */
export const CIFAR10_BASE_URL = "https://www.cs.toronto.edu/~kriz/";
/** Default URL of the FashionMNIST files' folder (raw files of the GitHub repository). */
export const FASHION_MNIST_BASE_URL =
  "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/";

/** IDX image files, gzipped or not, as MNIST and FashionMNIST name them. */
const idxParts = (prefixes: string[]): string[][] =>
  prefixes.map((
    p,
  ) => [`${p}-images-idx3-ubyte.gz`, `${p}-images-idx3-ubyte`, `${p}-images.idx3-ubyte`]);

const cifarBatches = [
  "data_batch_1.bin",
  "data_batch_2.bin",
  "data_batch_3.bin",
  "data_batch_4.bin",
  "data_batch_5.bin",
  "test_batch.bin",
];

/** A data set the package can download: its source is there. */
export type PublishedDataset = DatasetEntry & { readonly source: DatasetSource };

const mnist: DatasetEntry = {
  name: "mnist",
  title: "MNIST",
  D: 784,
  shape: [28, 28],
  format: "idx",
  parts: idxParts(["train", "t10k"]),
  embedded: loadEmbeddedMnist,
};

const cifar10: PublishedDataset = {
  name: "cifar10",
  title: "CIFAR-10 grey",
  D: 1024,
  shape: [32, 32],
  format: "cifar10",
  parts: cifarBatches.map((f) => [f, `cifar-10-batches-bin/${f}`]),
  source: {
    baseUrl: CIFAR10_BASE_URL,
    files: [{ name: "cifar-10-binary.tar.gz", md5: "c32a1d4ab5d03f1284b67883e8d87530" }],
    unpack: "tar.gz",
  },
};

const fashionMnist: PublishedDataset = {
  name: "fashion-mnist",
  title: "FashionMNIST",
  D: 784,
  shape: [28, 28],
  format: "idx",
  parts: idxParts(["train", "t10k"]),
  source: {
    baseUrl: FASHION_MNIST_BASE_URL,
    files: [
      { name: "train-images-idx3-ubyte.gz", md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d" },
      { name: "train-labels-idx1-ubyte.gz", md5: "25c81989df183df01b3e8a0aad5dffbe" },
      { name: "t10k-images-idx3-ubyte.gz", md5: "bef4ecab320f06d8554ea6380940ec79" },
      { name: "t10k-labels-idx1-ubyte.gz", md5: "bb300cfdad3c16e7a12a480ee83cd310" },
    ],
    unpack: "none",
  },
};

/** Every data set of the catalogue, by name. */
export const DATASETS = { mnist, cifar10, "fashion-mnist": fashionMnist } as const;

/** A data set's name. */
export type DatasetName = keyof typeof DATASETS;

/** The data sets' names. */
export const DATASET_NAMES: readonly DatasetName[] = Object.keys(DATASETS) as DatasetName[];

/** The names of the data sets that `download` can fetch. */
export const DOWNLOADABLE: readonly DatasetName[] = DATASET_NAMES.filter((n) =>
  DATASETS[n].source !== undefined
);

/**
 * The catalogue entry of a name, or a {@link ConfigError} naming `param`
 * and the allowed names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { datasetEntry } from "./catalogue.ts";
 * assert.equal(datasetEntry("cifar10").D, 1024);
 * ```
 */
export function datasetEntry(name: string, param = "dataset"): DatasetEntry {
  if (!Object.hasOwn(DATASETS, name)) throw new ConfigError(param, name, DATASET_NAMES.join(", "));
  return DATASETS[name as DatasetName];
}

/**
 * Read a data set of the catalogue from a directory: for each part, the
 * first candidate file that `open` finds (it returns undefined for a file
 * that does not exist), parsed with the entry's format; the parts joined.
 * Without a directory, the embedded copy, where there is one.
 *
 * @param name the data set
 * @param open reads a file relative to the directory (undefined: no such file)
 * @param where the directory, for messages and the data set's source
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCatalogued } from "./catalogue.ts";
 * // a data set that was never downloaded is refused
 * await assert.rejects(readCatalogued("cifar10", async () => undefined, "/nowhere"));
 * ```
 */
export async function readCatalogued(
  name: string,
  open: (file: string) => Promise<Uint8Array | undefined>,
  where: string,
): Promise<Dataset> {
  const entry = datasetEntry(name);
  const parts: Dataset[] = [];
  for (const candidates of entry.parts) {
    let found: { bytes: Uint8Array; file: string } | undefined;
    for (const file of candidates) {
      const bytes = await open(file);
      if (bytes) {
        found = { bytes, file };
        break;
      }
    }
    if (!found) {
      throw new ConfigError(
        "--path",
        where,
        `a directory holding ${candidates[0]} of ${entry.title}` +
          (entry.source ? ` (run: deno run -A cli.ts download ${entry.name})` : ""),
      );
    }
    const source = `${where}/${found.file}`;
    const loaded = await load(found.bytes, source, DATA_FORMATS[entry.format].bound(source));
    parts.push(DATA_FORMATS[entry.format].parse(loaded.bytes, source));
  }
  try {
    return concatDatasets(parts, `${entry.title} (${where})`);
  } catch (e) {
    throw new ConfigError("--path", where, `files of one data set (${(e as Error).message})`);
  }
}
