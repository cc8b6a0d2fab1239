/**
 * The sweep figures: the heat map of a metric over two axes (panels for a
 * third, log colour over a wide span, nulls left blank, digits readable on
 * the colour) and the error curves faceted by an axis; both compile and
 * render without a Vega-Lite warning; unknown metrics and axes are refused.
 * @module
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/core/errors.ts";
import { sweepHeatmapSpec } from "../../src/plot/sweep_heatmap.ts";
import { sweepCurvesSpec } from "../../src/plot/sweep_curves.ts";
import { renderSvg } from "../../src/plot/render.ts";
import { json } from "./_fixtures.ts";

/** The layer of a curves spec that draws the curves. */
function linesOf(spec: Record<string, unknown>): { encoding: Record<string, unknown> } {
  const layers =
    (spec.spec as { layer: { mark: { type: string }; encoding: Record<string, unknown> }[] })
      .layer;
  const lines = layers.find((l) => l.mark.type === "line");
  assert.ok(lines, "no line layer");
  return lines;
}

const LRS = [0.5, 1, 2];
const AXES = [
  { path: "lr", values: LRS },
  { path: "network.K", values: [2, 4] },
  { path: "network.tied", values: [true, false] },
];
const ROWS = LRS.flatMap((lr, i) =>
  [2, 4].flatMap((K, j) =>
    [true, false].map((tied, k) => ({
      index: 4 * i + 2 * j + k,
      lr,
      "network.K": K,
      "network.tied": tied,
      finalOverPCA: 1 + i + 10 * j + 100 * k,
      deviationMax: i === 0 ? null : 0.01 * (i + j + k),
    }))
  )
);
const CURVES = ROWS.map((r) => ({
  times: [0, 1, 2, 4],
  simulation: [0.5, 0.4, 0.3 / r.lr, 0.1 / r.lr],
  theory: [0.5, 0.41, 0.31 / r.lr, 0.11 / r.lr],
}));
const SOURCE = { axes: AXES, rows: ROWS, curves: CURVES };

type Cells = { values: { x: string; y: string; panel: string; value: number }[] };

Deno.test("heat map: one cell per row with a number, panels for the third axis, log colour over decades", async () => {
  const spec = sweepHeatmapSpec(SOURCE);
  const cells = (json(spec).data as Cells).values;
  assert.equal(cells.length, 12);
  assert.deepEqual([...new Set(cells.map((c) => c.panel))], [
    "network.tied = true",
    "network.tied = false",
  ]);
  const c = cells.find((c) => c.x === "2" && c.y === "4" && c.panel === "network.tied = false")!;
  assert.equal(c.value, 1 + 2 + 10 + 100);
  const rect =
    (json(spec).spec as { layer: { encoding: { color: { scale: { type?: string } } } }[] })
      .layer[0];
  assert.equal(rect.encoding.color.scale.type, "log"); // 1 .. 113
  assert.equal(spec.title, "final error / ε_PCA(K) over lr and network.K");
  assert.match(await renderSvg(spec), /^<svg/);

  // another metric, axes swapped, nulls left out, a linear colour scale
  const dev = sweepHeatmapSpec(SOURCE, { metric: "deviationMax", x: "network.tied", y: "lr" });
  const devCells = (dev.data as Cells).values;
  assert.equal(devCells.length, 8);
  assert.ok(devCells.every((c) => c.y !== "0.5"));
  assert.deepEqual([...new Set(devCells.map((c) => c.panel))], ["network.K = 2", "network.K = 4"]);
  const text =
    (json(dev).spec as { layer: { encoding: { color: { condition?: { test: string } } } }[] })
      .layer[1];
  assert.match(text.encoding.color.condition!.test, /^datum\.value < 0\.0[0-9]+$/);
  assert.match(await renderSvg(dev), /^<svg/);
});

Deno.test("heat map over one axis has one row and no panels", async () => {
  const one = {
    axes: [AXES[0]],
    rows: ROWS.slice(0, 3).map((r, i) => ({ index: i, lr: r.lr, finalOverPCA: r.finalOverPCA })),
  };
  const spec = sweepHeatmapSpec(one);
  assert.equal(json(spec).facet, undefined);
  assert.equal((json(spec).data as Cells).values.length, 3);
  assert.match(await renderSvg(spec), /^<svg/);
});

Deno.test("heat map refuses an unknown metric or axis, naming the choices", () => {
  assert.throws(
    () => sweepHeatmapSpec(SOURCE, { metric: "speed" }),
    (e: unknown) =>
      e instanceof ConfigError && e.param === "metric" &&
      /finalOverPCA, deviationMax/.test(e.message),
  );
  assert.throws(
    () => sweepHeatmapSpec(SOURCE, { x: "network.sigma0" }),
    (e: unknown) =>
      e instanceof ConfigError && e.param === "x" &&
      /lr, network\.K, network\.tied/.test(e.message),
  );
  assert.throws(() => sweepHeatmapSpec(SOURCE, { x: "lr", y: "lr" }), /y/);
  assert.throws(() => sweepHeatmapSpec({ axes: AXES, rows: [] }), /rows/);
});

Deno.test("curves: one panel per value of the facet axis, a colour per combination of the others", async () => {
  const spec = sweepCurvesSpec(SOURCE, { facet: "network.K" });
  const values =
    (json(spec).data as { values: { panel: string; series: string; method: string; t: number }[] })
      .values;
  assert.deepEqual([...new Set(values.map((v) => v.panel))], ["network.K = 2", "network.K = 4"]);
  assert.equal(new Set(values.map((v) => v.series)).size, 6); // lr x tied
  assert.ok(values.every((v) => v.t > 0)); // t = 0 cannot sit on a log axis
  assert.equal(values.length, 12 * 3 * 2);
  const color = linesOf(json(spec)).encoding.color as {
    scale: { domain: string[]; range?: string[] };
  };
  assert.deepEqual(color.scale.domain.slice(0, 2), ["0.5, true", "0.5, false"]);
  assert.equal(color.scale.range!.length, 6);
  assert.match(await renderSvg(spec), /^<svg/);
  assert.throws(
    () => sweepCurvesSpec(SOURCE, { facet: "seeds" }),
    (e: unknown) => e instanceof ConfigError && e.param === "facet",
  );
  assert.throws(() => sweepCurvesSpec({ ...SOURCE, curves: CURVES.slice(1) }), /curves/);
});

Deno.test("curves: more series than the palette go to viridis in axis order", () => {
  const axes = [{ path: "lr", values: [1, 2, 3, 4, 5, 6, 7, 8] }];
  const rows = axes[0].values.map((lr, i) => ({ index: i, lr }));
  const curves = rows.map(() => ({ times: [1, 2], simulation: [0.5, 0.2], theory: null }));
  const spec = sweepCurvesSpec(
    { axes: [{ path: "seeds", values: [[1]] }, ...axes], rows, curves },
    {
      facet: "seeds",
    },
  );
  const color = linesOf(json(spec)).encoding.color as {
    scale: { scheme?: string; domain: string[] };
  };
  assert.equal(color.scale.scheme, "viridis");
  assert.equal(color.scale.domain.length, 8);
});

Deno.test("curves: the PCA levels, where a panel's points share them, as labelled rules", async () => {
  const axes = [{ path: "lr", values: [0.5, 1] }, { path: "network.K", values: [1, 2] }];
  const rows = [0.5, 1].flatMap((lr, i) =>
    [1, 2].map((K, j) => ({ index: 2 * i + j, lr, "network.K": K }))
  );
  const pca = [0.5, 0.2, 0.05];
  const curves = rows.map((r) => ({
    times: [1, 10, 100],
    simulation: [0.5, 0.3, 0.06],
    theory: null,
    // K = 1 points know eps_PCA(0..1), K = 2 points eps_PCA(0..2); the lr = 1 panel disagrees
    epsPCA: r.lr === 1 && r["network.K"] === 2
      ? [0.5, 0.21, 0.05]
      : pca.slice(0, r["network.K"] + 1),
  }));
  const spec = sweepCurvesSpec({ axes, rows, curves }, { facet: "lr" });
  const values = (json(spec).data as { values: Record<string, unknown>[] }).values;
  const levels = values.filter((v) => v.kind === "level");
  // the lr = 0.5 panel: m = 1, 2 (the union of its points' levels); the lr = 1 panel: none
  assert.deepEqual(levels.map((v) => [v.panel, v.label, v.eps]), [
    ["lr = 0.5", "PCA m=1", 0.2],
    ["lr = 0.5", "PCA m=2", 0.05],
  ]);
  assert.equal(values.filter((v) => v.kind === "curve").length, 4 * 3);
  // the y scale reaches the lowest level, and the dash legend lists only the methods drawn
  const y = (json(spec).spec as { encoding: { y: { scale: { domain: number[] } } } }).encoding.y;
  assert.ok(y.scale.domain[0] < 0.05);
  assert.equal((linesOf(json(spec)).encoding.strokeDash as { legend: unknown }).legend, null);
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("PCA m=2"));
});
