import assert from "node:assert/strict";
import { errorCurveSpec } from "../../src/plot/mod.ts";
import { renderSvg } from "../../src/plot/render.ts";
import { assertCompilesCleanly, EPS_PCA, layers, simulation, theory } from "./_fixtures.ts";

Deno.test("error curve: compiles without warnings, log time axis, one line per seed", () => {
  const spec = errorCurveSpec([simulation, theory]);
  assertCompilesCleanly(spec);
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v6.json");
  const [runs, mean] = layers(spec);
  const x = (mean as unknown as { encoding: { x: { scale: { type: string } } } }).encoding.x;
  assert.equal(x.scale.type, "log");
  const ids = new Set(runs.data.values.map((v) => v.run));
  assert.equal(ids.size, 2, "two seeds of the simulation; the one-run theory has no seed lines");
  assert.ok(runs.data.values.every((v) => v.series === "simulation"));
  const series = new Set(mean.data.values.map((v) => v.series));
  assert.deepEqual([...series], ["simulation", "theory"]);
  assert.ok(mean.data.values.every((v) => (v.t as number) > 0), "t = 0 left out of a log axis");
  assert.equal(mean.data.values.length, 2 * 40);
});

Deno.test("error curve: dashed PCA rules at eps_PCA(1..K), labelled", () => {
  const spec = errorCurveSpec(simulation);
  const rule = layers(spec).find((l) => l.mark.type === "rule")!;
  assert.deepEqual(rule.data.values.map((v) => v.eps), [EPS_PCA[1], EPS_PCA[2]]);
  assert.deepEqual(rule.data.values.map((v) => v.label), ["PCA m=1", "PCA m=2"]);
  const none = errorCurveSpec(simulation, { pcaLevels: false });
  assert.ok(!layers(none).some((l) => l.mark.type === "rule"));
});

Deno.test("error curve: bands and the linear scale compile cleanly", () => {
  for (const spread of ["minmax", "std", "none"] as const) {
    for (const yScale of ["log", "linear"] as const) {
      const spec = errorCurveSpec([simulation, theory], { spread, yScale, title: "t" });
      assertCompilesCleanly(spec);
      const band = layers(spec).find((l) => l.mark.type === "area");
      assert.equal(band !== undefined, spread !== "none");
      for (const v of band?.data.values ?? []) assert.ok((v.lo as number) <= (v.hi as number));
    }
  }
});

Deno.test("error curve: SVG renders with the axis titles and legend", async () => {
  const svg = await renderSvg(errorCurveSpec([simulation, theory]));
  assert.ok(svg.startsWith("<svg"));
  for (const s of ["time t = steps / D", "test error ε", "PCA m=1", "simulation", "theory"]) {
    assert.ok(svg.includes(s), `SVG lacks "${s}"`);
  }
});

Deno.test("error curve: bad input throws a clear error", () => {
  assert.throws(() => errorCurveSpec([]), /results.*at least one CurveResult/);
  const short = { ...simulation, eps: simulation.eps.slice(1) };
  assert.throws(() => errorCurveSpec(short), /results\[0\]\.eps\.length: got 40; allowed: 41/);
  const badRun = {
    ...simulation,
    runs: [simulation.runs[0], { ...simulation.runs[1], eps: [0.1] }],
  };
  assert.throws(() => errorCurveSpec([theory, badRun]), /results\[1\]\.runs\[1\]\.eps\.length/);
  assert.throws(() => errorCurveSpec(simulation, { labels: ["a", "b"] }), /labels/);
  const early = { ...theory, times: theory.times.map(() => 0) };
  assert.throws(() => errorCurveSpec(early), /time t > 0/);
});
