// An internal error (not aedyn's own) prints one line and exit code 1; AEDYN_DEBUG=1 adds its
// stack. aedyn's own errors keep their one line and their code either way.
import assert from "node:assert/strict";
import { debugRequested, errorReport } from "../../src/cli/main.ts";
import { ConfigError } from "../../src/core/errors.ts";

function internal(): TypeError {
  try {
    (null as unknown as { x: number }).x;
  } catch (e) {
    return e as TypeError;
  }
  throw new Error("no TypeError was thrown");
}

Deno.test("an internal error: one line without AEDYN_DEBUG, its stack with it", () => {
  const e = internal();
  const quiet = errorReport(e, false);
  assert.equal(quiet.code, 1);
  assert.equal(quiet.text.split("\n").length, 1, quiet.text);
  assert.match(
    quiet.text,
    /^aedyn: internal error: TypeError: .*AEDYN_DEBUG=1 prints its stack\)$/,
  );
  const loud = errorReport(e, true);
  assert.equal(loud.code, 1);
  const lines = loud.text.split("\n");
  assert.ok(lines.length > 2, loud.text);
  assert.match(lines[0], /^aedyn: internal error: TypeError: /);
  assert.ok(lines.slice(1).some((l) => /^\s+at .*debug_test\.ts/.test(l)), loud.text);
});

Deno.test("aedyn's own errors: their one line and exit code, with or without AEDYN_DEBUG", () => {
  const e = new ConfigError("network.K", 0, "an integer >= 1");
  for (const debug of [false, true]) {
    const r = errorReport(e, debug);
    assert.equal(r.code, 2);
    assert.equal(r.text, `aedyn: ${e.message.split("\n")[0]}`);
  }
});

Deno.test("AEDYN_DEBUG=1 is read from the environment (anything else: off)", () => {
  const before = Deno.env.get("AEDYN_DEBUG");
  try {
    for (const [value, on] of [["1", true], ["0", false], ["yes", false]] as const) {
      Deno.env.set("AEDYN_DEBUG", value);
      assert.equal(debugRequested(), on, value);
    }
    Deno.env.delete("AEDYN_DEBUG");
    assert.equal(debugRequested(), false);
  } finally {
    if (before === undefined) Deno.env.delete("AEDYN_DEBUG");
    else Deno.env.set("AEDYN_DEBUG", before);
  }
});
