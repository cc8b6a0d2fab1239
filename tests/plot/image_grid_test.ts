import assert from "node:assert/strict";
import { imageGridSpec } from "../../src/plot/mod.ts";
import { renderSvg } from "../../src/plot/render.ts";
import { assertCompilesCleanly, components, D, K, values } from "./_fixtures.ts";

Deno.test("image grid: one heatmap per vector and component, with the right shape", async () => {
  const pcs = components(3);
  const spec = imageGridSpec([pcs[0], pcs[2].map((v) => -v)], pcs, { imageShape: [4, 5] });
  assertCompilesCleanly(spec);
  const rows = values(spec);
  assert.equal(rows.length, (K + 3) * D);
  assert.ok(rows.every((r) => (r.c as number) < 5 && (r.r as number) < 4));
  const second = rows.filter((r) => r.row === "learned wᵏ" && r.label === "k = 2");
  const third = rows.filter((r) => r.row === "principal components eₘ" && r.label === "m = 3");
  second.forEach((r, i) =>
    assert.ok(Math.abs((r.value as number) - (third[i].value as number)) < 1e-12)
  );
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("value (unit norm)"));
  assert.throws(() => imageGridSpec(pcs, pcs, { imageShape: [3, 5] }), /h \* w = D = 20/);
});
