/**
 * Results, comparisons, sweep summaries and Vega-Lite specs display
 * themselves in a notebook (Symbol.for("Jupyter.display"): a Vega-Lite
 * figure and a short text), and the method is invisible to JSON, clones and
 * deep comparisons.
 * @module
 */
import assert from "node:assert/strict";
import { comparison, parseSweepSpec, simulate, summarise, sweep, theory } from "../../mod.ts";
import { errorCurveSpec } from "../../src/plot/mod.ts";

const DISPLAY = Symbol.for("Jupyter.display");
const VEGA_LITE = "application/vnd.vegalite.v5+json";
type Displayable = { [DISPLAY](): Record<string, unknown> };
const bundle = (x: unknown) => (x as Displayable)[DISPLAY]();

const problem = {
  data: { D: 60 },
  network: { K: 2 },
  tMax: 10,
  nTimes: 8,
  nTest: 200,
  seeds: [1, 2],
};

Deno.test("simulate and theory results show their error curve and a summary line", async () => {
  const sgd = await simulate(problem);
  const eqs = await theory(problem);
  for (const [r, what] of [[sgd, /^SGD over 2 seed\(s\)/], [eqs, /^theory: /]] as const) {
    const b = bundle(r);
    const spec = b[VEGA_LITE] as { $schema: string; layer?: unknown[] };
    assert.match(spec.$schema, /vega-lite\/v5\.json$/);
    assert.ok(JSON.stringify(spec).includes(String(r.eps.at(-1))), "the figure plots the result");
    assert.match(String(b["text/plain"]), what);
    const K = r.config.network.K;
    const ratio = (r.eps.at(-1)! / r.pca.epsPCA[K]).toPrecision(4);
    assert.ok(
      String(b["text/plain"]).includes(`${Number(ratio)} eps_PCA(2)`),
      String(b["text/plain"]),
    );
  }
  // invisible to the record: JSON, structuredClone and deep equality are as before
  assert.equal(Object.keys(sgd).includes("Symbol(Jupyter.display)"), false);
  const copy = structuredClone(sgd);
  assert.equal(JSON.stringify(copy), JSON.stringify(sgd));
  assert.deepStrictEqual(copy, JSON.parse(JSON.stringify(sgd)));
  const c = bundle(comparison(sgd, eqs));
  assert.match(String(c["text/plain"]), /deviation of SGD from the theory: max [0-9.]+% /);
  assert.ok(c[VEGA_LITE]);
});

Deno.test("a spec and a sweep summary show themselves as figures", async () => {
  const eqs = await theory({ ...problem, seeds: [1] });
  const spec = errorCurveSpec([eqs], { title: "one curve" });
  const b = bundle(spec);
  assert.equal(b["text/plain"], "one curve");
  assert.equal((b[VEGA_LITE] as { mark?: unknown; layer?: unknown }).layer !== undefined, true);
  assert.match(spec.$schema ?? "", /v6\.json$/, "the spec itself is unchanged");
  const sweepSpec = parseSweepSpec(JSON.stringify({
    problem: { data: { D: 40 }, network: { K: 1 }, tMax: 4, nTimes: 4, nTest: 100, seeds: [1] },
    axes: { lr: [0.5, 1] },
    run: ["theory"],
  }));
  const summary = await summarise(sweepSpec, await sweep(sweepSpec));
  const s = bundle(summary);
  assert.equal(s["text/plain"], "sweep of 2 points over lr (2)");
  assert.ok(s[VEGA_LITE]);
});
