/**
 * The page's live figure pairs like with like: each seed's SGD curve with
 * the theory started from that seed's own initial weights (never the mean
 * over seeds), matched by seed, one colour per seed.
 * @module
 */
import assert from "node:assert/strict";
import { resolveProblem } from "../../src/problem/resolve.ts";
import { theory } from "../../src/theory/theory.ts";
import { liveCurves, liveCurveSpec } from "../../web/figures.ts";
import { assertCompilesCleanly } from "../plot/_fixtures.ts";

const problem = resolveProblem({
  data: { kind: "spiked", D: 60, spikes: [4, 2] },
  network: { K: 1, activation: "erf" },
  tMax: 4,
  nTimes: 6,
  seeds: [7, 3],
});

Deno.test("live curves: each seed against the theory from its own initial weights", async () => {
  const th = await theory(problem);
  assert.notDeepEqual(th.runs[0].eps, th.runs[1].eps, "the seeds' theories differ");
  // the SGD records arrive in any order: seed 3's first
  const runs = [
    { seed: 3, times: [0, 1, 2], eps: [0.5, 0.4, 0.3] },
    { seed: 7, times: [0, 1], eps: [0.5, 0.45] },
  ];
  const curves = liveCurves(th, runs, th.pca.epsPCA);
  // in the problem's order of seeds, whatever the order the records came in
  assert.deepEqual(
    curves.map((c) => [c.seed, c.method]),
    [[7, "SGD"], [7, "theory"], [3, "SGD"], [3, "theory"]],
  );
  // a seed that has not started shows its theory, in its colour to come
  assert.deepEqual(
    liveCurves(th, [runs[0]], th.pca.epsPCA).map((c) => [c.seed, c.method]),
    [[7, "theory"], [3, "SGD"], [3, "theory"]],
  );
  for (const c of curves.filter((c) => c.method === "theory")) {
    const own = th.runs.find((r) => r.seed === c.seed)!;
    assert.deepEqual(c.source.eps, own.eps, `seed ${c.seed}'s own theory`);
    assert.notDeepEqual(c.source.eps, th.eps, "not the mean over seeds");
  }
  const spec = liveCurveSpec(th, runs, th.pca.epsPCA, 400)!;
  assertCompilesCleanly(spec);
  const text = JSON.stringify(spec);
  assert.ok(text.includes('"variant":"seed 3"') && text.includes('"method":"theory"'));
  // before SGD's first point: the theory of every seed, already paired by colour
  assert.deepEqual(liveCurves(th, [], undefined).map((c) => c.seed), [7, 3]);
  assert.equal(liveCurveSpec(undefined, [], undefined, 400), undefined);
});
