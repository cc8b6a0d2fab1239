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

Deno.test("error curve: labelled end ticks, titles never cut, every PCA label inside the plot", async () => {
  const spec = errorCurveSpec([simulation, theory], {
    title: "A title that is long enough to be wrapped onto a second line rather than cut off",
  });
  const mean = layers(spec).find((l) =>
    l.mark.type === "line" &&
    (l as unknown as { mark: { strokeWidth: number } }).mark.strokeWidth > 2
  )!;
  const axis =
    (mean as unknown as { encoding: { x: { axis: { values: number[] } } } }).encoding.x.axis;
  const ts = simulation.times.filter((t) => t > 0);
  assert.equal(axis.values[0], ts[0], "the first time is a tick");
  assert.equal(axis.values.at(-1), ts.at(-1), "the last time is a tick");
  const title = spec.title as { text: string | string[]; limit?: number };
  assert.ok(Array.isArray(title.text) && title.limit === undefined);
  // the lowest rule sits at the bottom of the data: its label goes below it, and the domain
  // leaves room for it (16 px at 340 px height)
  const y = (mean as unknown as { encoding: { y: { scale: { domain: number[] } } } }).encoding.y;
  const [lo, hi] = y.scale.domain;
  const texts = layers(spec).filter((l) => l.mark.type === "text");
  const pxPerDecade = 340 / Math.log10(hi / lo);
  for (const t of texts) {
    const below = (t.mark as unknown as { baseline: string }).baseline === "top";
    for (const v of t.data.values) {
      const e = v.eps as number;
      const room = below ? Math.log10(e / lo) : Math.log10(hi / e);
      assert.ok(room * pxPerDecade >= 15, `${v.label}: ${room * pxPerDecade} px of room`);
    }
  }
  const svg = await renderSvg(spec);
  assert.ok(!svg.includes("…"), "no text is cut");
});

Deno.test("error curve: a label goes above its rule where a curve ends just below it", () => {
  // the simulation ends 8% below eps_PCA(2): its label would sit on the curve
  const ending = {
    ...simulation,
    eps: simulation.eps.map((e) => e * 0.92 * EPS_PCA[2] / simulation.eps.at(-1)!),
    runs: [],
  };
  const spec = errorCurveSpec([ending], { pcaLevels: [1, 2] });
  const texts = layers(spec).filter((l) => l.mark.type === "text");
  const above = texts.find((t) =>
    (t.mark as unknown as { baseline: string }).baseline === "bottom"
  );
  assert.ok(above?.data.values.some((v) => v.label === "PCA m=2"), "PCA m=2 above its rule");
});
