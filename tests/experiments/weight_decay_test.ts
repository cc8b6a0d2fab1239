// The weight-decay claim of THEORY.md section 7 (Bao, Lucas, Sachdeva & Grosse 2020), run from
// examples/weight-decay.json at reduced size: the checks hold, SGD agrees with the equations,
// and every figure compiles.
import assert from "node:assert/strict";
import { parsePreset } from "../../src/experiments/preset.ts";
import { runPreset } from "../../src/experiments/run.ts";
import { compileSpec } from "../../src/plot/render.ts";

Deno.test("weight decay that grows per unit aligns the units with the components; equal decay keeps the rotation", async () => {
  const text = await Deno.readTextFile(
    new URL("../../examples/weight-decay.json", import.meta.url),
  );
  const out = await runPreset("weight-decay", parsePreset(text, "weight-decay"), "reduced");
  for (const spec of Object.values(out.figures)) compileSpec(spec);
  assert.deepEqual(
    Object.keys(out.figures).sort(),
    ["alignment", "alignment_vs_gap", "cost", "error_curve"].map((f) => `weight-decay_${f}`),
  );
  for (const c of out.summary.checks) assert.ok(c.holds, `${c.what} = ${c.value}`);
  assert.ok(out.summary.agreementChecks.every((c) => c.holds), "SGD agrees with the equations");
  const rows = out.summary.numbers.variants as { label: string; alignmentLong: number }[];
  const equal = rows.find((r) => r.label === "equal decay")!;
  const increasing = rows.find((r) => r.label === "increasing decay")!;
  assert.ok(increasing.alignmentLong - equal.alignmentLong > 0.2);
  // the time to align shrinks as the gaps of lambda grow, scan point by scan point
  const scan = out.summary.numbers.gapScan as { smallestGap: number; timeToAlign: number }[];
  for (let i = 1; i < scan.length; i++) {
    assert.ok(scan[i].smallestGap > scan[i - 1].smallestGap);
    assert.ok(scan[i].timeToAlign < scan[i - 1].timeToAlign, JSON.stringify(scan));
  }
});
