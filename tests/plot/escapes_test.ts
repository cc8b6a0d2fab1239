import assert from "node:assert/strict";
import { escapesSpec } from "../../src/plot/escapes.ts";
import { renderSvg } from "../../src/plot/render.ts";
import { ConfigError } from "../../src/core/errors.ts";

Deno.test("the escape-time figure draws the paths' and the seeds' distributions per plateau, counting those that never left", async () => {
  const paths = [{ m: 0, times: [1, 1.5, 2, 3, null] }, { m: 1, times: [10, 20, 30, 40, 50] }];
  const seeds = [{ m: 0, times: [1.2, 2.5] }, { m: 1, times: [15, null] }];
  const spec = escapesSpec(paths, seeds);
  assert.ok("layer" in spec);
  const [lines, points] = spec.layer as { data: { values: { F: number; series: string }[] } }[];
  // the empirical cdf is over all curves: 4 of 5 paths left eps_PCA(0), so it ends at 0.8
  const m0 = lines.data.values.filter((r) => r.series.startsWith("ε_PCA(0)"));
  assert.deepEqual(m0.map((r) => r.F), [0.2, 0.4, 0.6, 0.8]);
  assert.equal(m0[0].series, "ε_PCA(0): paths (4 of 5 left)");
  assert.equal(points.data.values.length, 3);
  const svg = await renderSvg(spec);
  assert.match(svg, /plateau left/);
  assert.throws(() => escapesSpec([{ m: 0, times: [null] }], []), ConfigError);
});
