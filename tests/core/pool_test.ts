import assert from "node:assert/strict";
import * as errors from "../../src/core/errors.ts";
import { reviveError, runInWorkers, serializeError } from "../../src/core/pool.ts";

const WORKER = new URL("./_square_worker.ts", import.meta.url);

Deno.test("the pool returns the outputs in input order, whatever the pool size and timing", async () => {
  const inputs = [5, 1, 4, 2, 3].map((x) => ({ x, ms: 10 * x }));
  for (const workers of [1, 2, 5, 9]) {
    const events: string[] = [];
    const out = await runInWorkers<{ x: number; ms: number }, number, string>(WORKER, inputs, {
      workers,
      onEvent: (i, e) => events.push(`${i}:${e}`),
    });
    assert.deepEqual(out, [25, 1, 16, 4, 9], `workers = ${workers}`);
    assert.equal(events.length, 5);
  }
});

Deno.test("an error in a worker comes back as the package's class; an abort stops every worker", async () => {
  await assert.rejects(
    runInWorkers(WORKER, [{ x: 2, ms: 1 }, { x: -1, ms: 1 }], { workers: 2 }),
    (e: unknown) => e instanceof errors.ConfigError && e.param === "x",
  );
  const c = new AbortController();
  setTimeout(() => c.abort(new Error("stop")), 50);
  const started = performance.now();
  await assert.rejects(
    runInWorkers(WORKER, [{ x: 1, ms: 5000 }, { x: 2, ms: 5000 }], {
      workers: 2,
      signal: c.signal,
    }),
    /stop/,
  );
  assert.ok(performance.now() - started < 2000);
});

Deno.test("every error class of the package crosses a worker boundary with its class, fields and message", () => {
  const made: Error[] = [
    new errors.AedynError("plain", 2),
    new errors.ConfigError("network.K (--K)", 0, "an integer from 1 to D"),
    new errors.DataFormatError(
      { source: "x.gz", offset: 12, gunzipped: true },
      "a header",
      "zeros",
    ),
    new errors.DataFormatError({ source: "a.csv", line: 3 }, "a number"),
    new errors.DivergenceError(2.5, "the weights blew up"),
    new errors.DomainError(1.5, "Q T < R^2"),
    new errors.IntegrationError("max-steps", 4, "too many steps"),
    new errors.DownloadError("https://example.org/x", "404"),
  ];
  for (const e of made) {
    const back = reviveError(structuredClone(serializeError(e)));
    assert.equal(back.constructor, e.constructor, e.name);
    assert.equal(back.message, e.message, e.name);
    for (const key of Object.keys(e)) {
      assert.deepEqual(
        (back as unknown as Record<string, unknown>)[key],
        (e as unknown as Record<string, unknown>)[key],
        `${e.name}.${key}`,
      );
    }
  }
});
