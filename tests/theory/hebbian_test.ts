// The Hebbian rules (no decoder: Sanger's and Oja's) against their equations, at the size of
// issue 17's acceptance (`compare --rule oja --activation linear --D 400 --K 3`, the CLI's
// defaults otherwise): SGD and theory agree on the error and on the learned rotation, and both
// end at the PCA error eps_PCA(3).
import assert from "node:assert/strict";
import { deviation, pca, resolveProblem, simulate, theory } from "../../mod.ts";
import { RULE_NAMES, RULES } from "../../src/problem/rules.ts";

for (const rule of RULE_NAMES.filter((r) => RULES[r].hebbian)) {
  Deno.test(`${RULES[rule].label}: SGD and the equations agree (D = 400, K = 3) and end at eps_PCA(3)`, async () => {
    const problem = resolveProblem({
      data: { kind: "spiked", D: 400 },
      network: { K: 3, activation: "linear" },
      rule,
      tMax: 1000,
      seeds: [1],
    });
    const sim = await simulate(problem);
    const th = await theory(problem);
    const dev = deviation(sim, th);
    assert.equal(dev.basis, "population");
    assert.ok(dev.max <= 0.15, `max deviation ${dev.max} (at t = ${dev.maxAt})`);
    assert.ok(dev.mean <= 0.05, `mean deviation ${dev.mean}`);
    // the same rotation within the top components: |cos(w^k, e_m)| of SGD and of the equations
    // from the same initial weights (Sanger's rule: the identity; Oja's: a rotation set by them)
    const cosines = (r: typeof sim) => {
      const o = r.runs[0].order.at(-1)!;
      return o.a.map((row, k) =>
        row.slice(0, 3).map((x) => Math.abs(x) / Math.sqrt(problem.data.D * o.WW[k][k]))
      );
    };
    const [cs, ct] = [cosines(sim), cosines(th)];
    const gap = Math.max(...cs.flatMap((row, k) => row.map((x, m) => Math.abs(x - ct[k][m]))));
    assert.ok(gap <= 0.05, `|cos| of SGD and theory differ by ${gap}: ${JSON.stringify([cs, ct])}`);
    const eps3 = pca(problem.data, 3).epsPCA[3];
    for (const [name, eps] of [["SGD", dev.simulationEps], ["theory", th.eps]] as const) {
      const ratio = eps.at(-1)! / eps3;
      assert.ok(Math.abs(ratio - 1) <= 0.05, `${name} ends at ${ratio} x eps_PCA(3)`);
    }
  });
}
