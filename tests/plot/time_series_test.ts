import assert from "node:assert/strict";
import { timeSeriesSpec } from "../../src/plot/mod.ts";
import { renderSvg } from "../../src/plot/render.ts";
import { assertCompilesCleanly, layers } from "./_fixtures.ts";

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
  assert.equal(plain.width, 560);
  assert.equal(plain.height, 300);
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
