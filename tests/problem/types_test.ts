// The Problem type is derived from the parameter table (src/problem/params.ts): these checks
// fail to compile (deno check, deno test) when the derivation loses a key or a type.
import assert from "node:assert/strict";
import type { Activation, Problem, Rule } from "../../src/problem/types.ts";
import { NETWORK_KEYS, PROBLEM_KEYS, resolveProblem } from "../../src/problem/resolve.ts";
import { PROBLEM_PARAMS } from "../../src/problem/params.ts";

/** true when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

Deno.test("the Problem type: a key per declaration, typed by its type, optional without a default", () => {
  const checks: true[] = [
    true satisfies Equal<Problem["network"]["K"], number>,
    true satisfies Equal<Problem["network"]["activation"], Activation>,
    true satisfies Equal<Problem["network"]["outputBias"], boolean>,
    true satisfies Equal<Problem["rule"], Rule>,
    true satisfies Equal<Problem["seeds"], number[]>,
    true satisfies Equal<Problem["times"], number[] | undefined>,
    true satisfies Equal<Problem["tMin"], number | undefined>,
    true satisfies Equal<Problem["nTest"], number>,
  ];
  const p = resolveProblem({ network: { K: 2 }, tMax: 5 });
  // @ts-expect-error: a key the table does not declare is not in the type
  assert.equal(p.notAParameter, undefined);
  // @ts-expect-error: nor in the network's
  assert.equal(p.network.width, undefined);
  assert.equal(checks.length, 8);
});

Deno.test("the keys a problem and its network may hold are the table's (and data, init)", () => {
  const paths = PROBLEM_PARAMS.map((s) => s.path);
  assert.deepEqual(
    [...PROBLEM_KEYS].sort(),
    [...new Set(["data", ...paths.map((p) => p.split(".")[0])])].sort(),
  );
  assert.deepEqual(
    [...NETWORK_KEYS].sort(),
    [
      ...paths.filter((p) => p.startsWith("network.")).map((p) => p.slice(8)),
      "init",
    ].sort(),
  );
  assert.throws(() => resolveProblem({ network: { width: 3 } as never }), /network key.*width/);
});
