import assert from "node:assert/strict";
import { componentsSpec } from "../../src/plot/mod.ts";
import { renderSvg } from "../../src/plot/render.ts";
import { assertCompilesCleanly, components, D, K, values } from "./_fixtures.ts";

Deno.test("components: sign-aligned unit vectors on top of their best component", async () => {
  const pcs = components(3);
  const W = [pcs[1].map((v, i) => -3 * v + 0.5 * Math.cos(i)), pcs[0].map((v) => 2 * v)];
  const spec = componentsSpec(W, pcs);
  assertCompilesCleanly(spec);
  const rows = values(spec);
  const panels = [...new Set(rows.map((r) => r.panel as string))];
  assert.equal(panels.length, K);
  assert.match(panels[0], /unit k = 1 · component m = 2 · \|cos\| = 0\.9\d/);
  assert.match(panels[1], /unit k = 2 · component m = 1 · \|cos\| = 1\.00/);
  const learned = rows.filter((r) =>
    r.panel === panels[0] && r.curve === "learned wᵏ (unit norm, sign-aligned)"
  );
  const pc = rows.filter((r) => r.panel === panels[0] && r.curve === "principal component eₘ");
  assert.equal(learned.length, D);
  const norm = Math.hypot(...learned.map((r) => r.value as number));
  assert.ok(Math.abs(norm - 1) < 1e-12);
  const overlap = learned.reduce((s, r, i) => s + (r.value as number) * (pc[i].value as number), 0);
  assert.ok(overlap > 0.98, "flipped to overlap positively");
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("input coordinate i"));
  assert.throws(() => componentsSpec([], pcs), /vectors/);
  assert.throws(() => componentsSpec([[1, 2]], pcs), /components\[0\]\.length: got 20; allowed: 2/);
  assert.throws(() => componentsSpec(W, pcs.slice(0, 1), { match: "index" }), /at least K = 2/);
});
