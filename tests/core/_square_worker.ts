// A worker for tests/core/pool_test.ts: squares its input after a delay,
// emits an event first, refuses a negative input with a ConfigError. Its
// module takes a while to load (top-level await), as a worker whose modules
// instantiate WebAssembly does: tasks must wait until it says it is ready.
import { serveTasks } from "../../src/core/pool.ts";
import { ConfigError } from "../../src/core/errors.ts";

await new Promise((r) => setTimeout(r, 200));

serveTasks<{ x: number; ms: number }, number, string>(async ({ x, ms }, emit) => {
  emit(`start ${x}`);
  await new Promise((r) => setTimeout(r, ms));
  if (x < 0) throw new ConfigError("x", x, "a number >= 0");
  return x * x;
});
