import assert from "node:assert/strict";
import { timeSeriesSpec } from "../../src/plot/mod.ts";
import { renderSvg } from "../../src/plot/render.ts";
import { assertCompilesCleanly, json, layers } from "./_fixtures.ts";

const alignment = { label: "alignment", t: [0, 1, 10, 100], value: [0.1, 0.2, 0.6, 0.99] };
const overlap = { label: "overlap", t: [1, 10, 100], value: [0.3, NaN, 0.8] };

Deno.test("time series: one line per series on a log time axis, labelled rules", async () => {
  const spec = timeSeriesSpec([alignment, overlap], {
    yTitle: "alignment",
    yDomain: [0, 1],
    rules: [{ value: 0.9, label: "threshold" }],
  });
  assertCompilesCleanly(spec);
  const [lines, rule, text] = layers(spec);
  assert.equal(lines.mark.type, "line");
  assert.deepEqual(
    lines.data.values.map((v) => [v.series, v.t]),
    [["alignment", 1], ["alignment", 10], ["alignment", 100], ["overlap", 1], ["overlap", 100]],
    "t = 0 and non-finite values left out",
  );
  assert.equal(rule.mark.type, "rule");
  assert.deepEqual(text.data.values, [{ value: 0.9, label: "threshold" }]);
  const svg = await renderSvg(spec);
  for (const s of ["time t = steps / D", "alignment", "overlap", "threshold"]) {
    assert.ok(svg.includes(s), `SVG lacks "${s}"`);
  }
  const plain = timeSeriesSpec([alignment], { yTitle: "a" });
  assert.equal(layers(plain).length, 1, "no rules, no rule layers");
  assert.equal(json(plain).width, 560);
  assert.equal(json(plain).height, 300);
});

Deno.test("time series: bad input throws a clear error", () => {
  assert.throws(() => timeSeriesSpec([], { yTitle: "y" }), /series.*at least one series/);
  assert.throws(() => timeSeriesSpec([alignment, alignment], { yTitle: "y" }), /distinct names/);
  const short = { label: "s", t: [1, 2], value: [1] };
  assert.throws(() => timeSeriesSpec([short], { yTitle: "y" }), /2 times, 1 values/);
  const early = { label: "e", t: [0], value: [1] };
  assert.throws(() => timeSeriesSpec([early], { yTitle: "y" }), /no point to draw/);
  assert.throws(() => timeSeriesSpec([alignment], { yTitle: "y", width: 0 }), /invalid width/);
});

Deno.test("time series: colour by group and dash by style, axis ends at the first and last time, long y titles wrapped", () => {
  const series = ["SGD", "theory"].flatMap((style) =>
    [1, 2].map((m) => ({
      label: `${style}: component ${m}`,
      group: `component ${m}`,
      style,
      t: [0.5, 5, 600],
      value: [0.1 * m, 0.5, 0.99],
    }))
  );
  const spec = timeSeriesSpec(series, {
    yTitle: "a long title for the vertical axis of a plot of modest height",
    yDomain: [0, 1],
  });
  assertCompilesCleanly(spec);
  const [lines] = layers(spec);
  const enc = (lines as unknown as {
    encoding: Record<string, { field: string; scale?: { domain: unknown } }>;
  }).encoding;
  assert.equal(enc.color.field, "group");
  assert.equal(enc.strokeDash.field, "style");
  assert.deepEqual(enc.strokeDash.scale?.domain, ["SGD", "theory"]);
  const x = (lines as unknown as {
    encoding: { x: { scale: { domain: number[]; nice: boolean }; axis: { values: number[] } } };
  }).encoding.x;
  assert.deepEqual(x.scale.domain, [0.5, 600]);
  assert.equal(x.scale.nice, false);
  assert.equal(x.axis.values[0], 0.5);
  assert.equal(x.axis.values.at(-1), 600);
  const y = (lines as unknown as { encoding: { y: { axis: { title: unknown } } } }).encoding.y;
  assert.ok(Array.isArray(y.axis.title), "wrapped");
});
