/**
 * Data sets on disk for the CLI (Deno file access): the cache directory of
 * `cli.ts download`, and loading MNIST, FashionMNIST and CIFAR-10 from it or
 * from --path. The embedded MNIST needs no files.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { concatDatasets, type Dataset, readCifar10, readIdx } from "../datasets/mod.ts";
import { loadEmbeddedMnist } from "../datasets/mnist_embedded.ts";

/** The data sets the CLI knows: their input dimension and whether `download` fetches them. */
export const DATASETS = {
  mnist: { D: 784, download: false },
  cifar10: { D: 1024, download: true },
  "fashion-mnist": { D: 784, download: true },
} as const;
/** One of {@link DATASETS}. */
export type DatasetName = keyof typeof DATASETS;

/** The cache directory of a data set: $XDG_CACHE_HOME/aedyn/NAME or ~/.cache/aedyn/NAME. */
export function cacheDir(name: string): string {
  const base = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "."}/.cache`;
  return `${base}/aedyn/${name}`;
}

async function firstExisting(paths: string[], flag: string, what: string): Promise<string> {
  for (const p of paths) {
    try {
      if ((await Deno.stat(p)).isFile) return p;
    } catch {
      // try the next candidate
    }
  }
  throw new ConfigError(
    flag,
    paths[0].replace(/\/[^/]*$/, ""),
    `a directory holding ${what} (run: deno run -A cli.ts download ...)`,
  );
}

async function open(path: string): Promise<Uint8Array> {
  return await Deno.readFile(path);
}

/** Load a data set: the embedded MNIST when no path is given for mnist, else from `path` (or the cache). */
export async function loadDataset(name: DatasetName, path?: string): Promise<Dataset> {
  if (!Object.hasOwn(DATASETS, name)) {
    throw new ConfigError("--dataset", name, Object.keys(DATASETS).join(", "));
  }
  if (name === "mnist" && path === undefined) return await loadEmbeddedMnist();
  const dir = path ?? cacheDir(name);
  if (name === "cifar10") {
    const parts: Dataset[] = [];
    for (
      const file of [
        "data_batch_1.bin",
        "data_batch_2.bin",
        "data_batch_3.bin",
        "data_batch_4.bin",
        "data_batch_5.bin",
        "test_batch.bin",
      ]
    ) {
      const p = await firstExisting(
        [`${dir}/${file}`, `${dir}/cifar-10-batches-bin/${file}`],
        "--path",
        `the CIFAR-10 binary batches (${file})`,
      );
      parts.push(await readCifar10(await open(p), p));
    }
    return concat(parts, `CIFAR-10 grey (${dir})`, dir);
  }
  const parts: Dataset[] = [];
  for (const prefix of ["train", "t10k"]) {
    const images = await firstExisting(
      [
        `${dir}/${prefix}-images-idx3-ubyte.gz`,
        `${dir}/${prefix}-images-idx3-ubyte`,
        `${dir}/${prefix}-images.idx3-ubyte`,
      ],
      "--path",
      `${prefix}-images-idx3-ubyte(.gz)`,
    );
    parts.push(await readIdx(await open(images), { source: images }));
  }
  return concat(parts, `${name === "mnist" ? "MNIST" : "FashionMNIST"} (${dir})`, dir);
}

function concat(parts: Dataset[], source: string, dir: string): Dataset {
  try {
    return concatDatasets(parts, source);
  } catch (e) {
    throw new ConfigError("--path", dir, `files of one data set (${(e as Error).message})`);
  }
}
