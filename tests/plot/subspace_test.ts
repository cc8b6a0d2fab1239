import assert from "node:assert/strict";
import { subspaceSpec } from "../../src/plot/mod.ts";
import { renderSvg } from "../../src/plot/render.ts";
import { assertCompilesCleanly, components, D, values } from "./_fixtures.ts";

Deno.test("subspace: components, their projection on the learned span and the rotated vectors, labelled as such", async () => {
  const pcs = components(3);
  const norm = (v: number[]) => v.map((x) => x / Math.hypot(...v));
  const [e1, e2] = pcs.map(norm);
  // two learned vectors mixing e1 and e2 by 30 degrees, unequal norms: a rotation of the span
  const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
  const V = [e1.map((x, i) => 2 * (c * x + s * e2[i])), e1.map((x, i) => -s * x + c * e2[i])];
  const spec = subspaceSpec(V, pcs, {
    title: "a title long enough to be wrapped into two lines of text, never cut",
  });
  assertCompilesCleanly(spec);
  const rows = values(spec);
  const panels = [...new Set(rows.map((r) => r.panel as string))];
  assert.equal(panels.length, 2);
  assert.match(panels[0], /component m = 1 · \|P e₁\| = 1\.00 · rotated v: \|cos\| = 1\.00/);
  const curves = [...new Set(rows.map((r) => r.curve as string))];
  assert.equal(curves.length, 3);
  assert.ok(curves.some((x) => x.includes("projection on the span")));
  assert.ok(curves.some((x) => x.includes("Procrustes")));
  // the projection of e1 on the span is e1 itself, whatever the mix
  const proj = rows.filter((r) => r.panel === panels[0] && String(r.curve).startsWith("P eₘ"));
  assert.equal(proj.length, D);
  proj.forEach((r, i) => assert.ok(Math.abs((r.value as number) - e1[i]) < 1e-12));
  const title = spec.title as { text: string[]; limit?: number };
  assert.ok(Array.isArray(title.text) && title.text.length === 2 && title.limit === undefined);
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("input coordinate i") && !svg.includes("…"), "nothing cut");
});
