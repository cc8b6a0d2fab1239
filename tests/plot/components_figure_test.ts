import assert from "node:assert/strict";
import { componentsFigure } from "../../src/plot/mod.ts";
import { RULE_NAMES, RULES } from "../../src/problem/rules.ts";
import { assertCompilesCleanly, components, D, values } from "./_fixtures.ts";

/** A figure's title as one line (titles are wrapped into lines). */
function titleText(spec: object): string {
  const t = (spec as { title?: unknown }).title as { text: string | string[] } | string;
  const text = typeof t === "string" ? t : t.text;
  return Array.isArray(text) ? text.join(" ") : text;
}

/** Two decoder vectors that mix components 1 and 2 by 45 degrees; the encoder is component 1 and 3. */
function snapshot() {
  const pcs = components(3);
  const s = Math.SQRT1_2;
  const V = [
    pcs[0].map((x, i) => s * x + s * pcs[1][i]),
    pcs[0].map((x, i) => -s * x + s * pcs[1][i]),
  ];
  const W = [pcs[0].map((x) => 2 * x), pcs[2].map((x) => -x)];
  return { pcs, snap: { t: 7, W, V } };
}

Deno.test("components figure: pairs only for rules whose units learn the components", () => {
  const { pcs, snap } = snapshot();
  for (const rule of RULE_NAMES) {
    const spec = componentsFigure(snap, rule, pcs.slice(0, 2), { at: "seed 3, t = 7" });
    assertCompilesCleanly(spec);
    const title = titleText(spec);
    assert.ok(title.includes("seed 3, t = 7"), title);
    const curves = new Set(values(spec).map((r) => r.curve as string));
    if (RULES[rule].learnsComponents) {
      // unit k on component k, never the span
      assert.match(title, /unit k on principal component k/);
      assert.ok(![...curves].some((c) => c.startsWith("P eₘ")), rule);
    } else {
      // vanilla SGD, Oja's rule: the components against the span of the learned vectors; V's
      // span holds both components exactly, W's (components 1 and 3) only the first
      const what = RULES[rule].decoder ? "decoder" : "encoder";
      assert.match(title, new RegExp(`span of the learned ${what}`));
      const panels = [...new Set(values(spec).map((r) => r.panel as string))];
      assert.equal(panels.length, 2);
      const norms = RULES[rule].vectors === "V" ? ["1.00", "1.00"] : ["1.00", "0.00"];
      panels.forEach((p, m) => assert.match(p, new RegExp(`\\|P e.\\| = ${norms[m]}`), p));
    }
  }
  // Sanger's rule has no decoder: its encoder is drawn (here components 1 and 3)
  const sanger = componentsFigure(snap, "sanger", pcs.slice(0, 2));
  assert.match(titleText(sanger), /encoder/);
  // fewer components than units: best matches, said so
  const few = componentsFigure(snap, "truncated", pcs.slice(0, 1));
  assert.match(titleText(few), /match best/);
});

Deno.test("components figure as images: vanilla's decoder rotated onto the components, labelled by m", () => {
  const { pcs, snap } = snapshot();
  const vanilla = componentsFigure(snap, "vanilla", pcs.slice(0, 2), { imageShape: [4, 5] });
  assertCompilesCleanly(vanilla);
  const rows = values(vanilla);
  const learnedRow = "rotated decoder (O V)ₘ";
  const pcRow = "principal components eₘ";
  for (const m of [1, 2]) {
    const rotated = rows.filter((r) => r.row === learnedRow && r.label === `m = ${m}`);
    const pc = rows.filter((r) => r.row === pcRow && r.label === `m = ${m}`);
    assert.equal(rotated.length, D);
    // the 45-degree mix is undone: each rotated vector is its component
    rotated.forEach((r, i) =>
      assert.ok(Math.abs((r.value as number) - (pc[i].value as number)) < 1e-12)
    );
  }
  assert.match(titleText(vanilla), /rotation/);
  // truncated SGD: the decoder's own vectors, by unit
  const truncated = componentsFigure(snap, "truncated", pcs.slice(0, 2), { imageShape: [4, 5] });
  const units = new Set(values(truncated).filter((r) => r.row !== pcRow).map((r) => r.label));
  assert.deepEqual([...units], ["k = 1", "k = 2"]);
});
