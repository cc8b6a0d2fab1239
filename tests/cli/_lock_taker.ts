/**
 * A process that tries to take the lock of a directory at a given instant
 * (for the test of simultaneous takers in files_test.ts): waits until
 * `at` (ms since the epoch), calls lockOutputDir, prints "won" and holds
 * the lock for `hold` ms, or prints "refused" and the message.
 *
 *   deno run -A tests/cli/_lock_taker.ts DIR AT HOLD
 * @module
 */
import { lockOutputDir } from "../../src/cli/io.ts";

const [dir, at, hold] = Deno.args;
const wait = Number(at) - Date.now();
if (wait > 0) await new Promise((r) => setTimeout(r, wait));
try {
  const lock = await lockOutputDir(dir);
  console.log("won");
  await new Promise((r) => setTimeout(r, Number(hold)));
  await lock.release();
} catch (e) {
  console.log(`refused ${(e as Error).message}`);
}
