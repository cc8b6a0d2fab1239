// --informed draws its weights with K and sigma0 as given, or the parameter table's defaults
// (it had its own copies of them), and refuses a K the table refuses.
import assert from "node:assert/strict";
import { inputsFromFlags } from "../../src/cli/flags.ts";
import { defaultOf, paramAt } from "../../src/core/params.ts";
import { PROBLEM_PARAMS } from "../../src/problem/params.ts";

Deno.test("--informed: K and sigma0 as given, else the table's defaults; a bad K is refused", () => {
  const D = 40;
  const K0 = defaultOf(paramAt(PROBLEM_PARAMS, "network.K")!, { D });
  const s0 = defaultOf(paramAt(PROBLEM_PARAMS, "network.sigma0")!, { D }) as number;
  const W = (flags: Record<string, string | boolean>) =>
    inputsFromFlags({ informed: true, D: String(D), ...flags }, {}).problem.network!.init!.W;
  const plain = W({});
  assert.equal(plain.length, K0);
  const n2 = plain[0].reduce((s, x) => s + x * x, 0);
  assert.ok(Math.abs(n2 - s0 * s0 * D) <= 1e-12, `|w|^2 = ${n2}`);
  const two = W({ K: "2", sigma0: "0.5" });
  assert.equal(two.length, 2);
  assert.ok(Math.abs(two[1].reduce((s, x) => s + x * x, 0) - 0.25 * D) <= 1e-12);
  assert.throws(() => W({ K: "0" }), /invalid network\.K \(--K\)/);
});
