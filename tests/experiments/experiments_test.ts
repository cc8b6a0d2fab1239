// Every claim of THEORY.md section 5 (1-5), run from its preset in examples/
// at reduced size with fixed seeds; each claim's inequalities are asserted.
// (Agreement of simulation and theory is asserted at D = 1000 in
// tests/theory/theory_test.ts; at these small sizes it is only reported.)
import assert from "node:assert/strict";
import { parsePreset } from "../../src/experiments/preset.ts";
import { runPreset } from "../../src/experiments/run.ts";
import { reportHtml, verdictLine } from "../../src/experiments/report.ts";
import { compileSpec } from "../../src/plot/render.ts";

async function run(name: string) {
  const text = await Deno.readTextFile(new URL(`../../examples/${name}.json`, import.meta.url));
  const out = await runPreset(name, parsePreset(text, name), "reduced");
  for (const spec of Object.values(out.figures)) compileSpec(spec); // every figure compiles
  const claimChecks = out.summary.checks.filter((c) =>
    !c.what.includes("deviation simulation vs theory")
  );
  console.log(`${name}: ${verdictLine(out.summary)}`);
  return { ...out, claimChecks };
}

function assertHolds(checks: { what: string; holds: boolean; value: number }[], name: string) {
  assert.ok(checks.length > 0, `${name} has checks`);
  for (const c of checks) assert.ok(c.holds, `${name}: ${c.what} = ${c.value}`);
}

Deno.test("claim 1: the error passes plateaus at eps_PCA(m) and components are learnt in order", async () => {
  const { claimChecks } = await run("sequential");
  assertHolds(claimChecks, "sequential");
});

Deno.test("claim 3: tied erf stays above eps_PCA(K); tied linear and untied erf reach it", async () => {
  const { claimChecks, summary } = await run("tied");
  assertHolds(claimChecks, "tied");
  const rows = summary.numbers.variants as { label: string; ratioSimulation: number }[];
  assert.ok(rows.find((r) => r.label === "erf, tied")!.ratioSimulation > 1.2);
});

Deno.test("claim 4: ReLU without bias stalls; hidden biases end at eps_PCA(K-1); hidden and output biases reach eps_PCA(K)", async () => {
  const { claimChecks, summary } = await run("relu-bias");
  assertHolds(claimChecks, "relu-bias");
  const rows = summary.numbers.variants as {
    bias: boolean;
    outputBias: boolean;
    ratio: number;
    ratioKminus1: number;
    finalSimulation: number;
    asymptoticTheory: number;
    epsPCA_K: number;
  }[];
  const none = rows.find((r) => !r.bias && !r.outputBias)!;
  const hidden = rows.find((r) => r.bias && !r.outputBias)!;
  const both = rows.find((r) => r.bias && r.outputBias)!;
  assert.ok(none.ratio >= 1.5, `without bias: ${none.ratio} x eps_PCA(K)`);
  assert.ok(none.finalSimulation / hidden.finalSimulation >= 1.5, "hidden biases lower the error");
  assert.ok(
    Math.abs(hidden.ratioKminus1 - 1) <= 0.1,
    `hidden: ${hidden.ratioKminus1} x eps_PCA(K-1)`,
  );
  assert.ok(Math.abs(both.ratio - 1) <= 0.15, `output bias, SGD: ${both.ratio} x eps_PCA(K)`);
  assert.ok(
    Math.abs(both.asymptoticTheory / both.epsPCA_K - 1) <= 0.05,
    `output bias, theory at long times: ${both.asymptoticTheory / both.epsPCA_K} x eps_PCA(K)`,
  );
  // the report explains the offset and why the output bias removes it
  assert.ok(summary.notes?.some((n) => n.includes("sum_k v^k b_k/sqrt(D)")));
  assert.ok(summary.notes?.some((n) => n.includes("output bias c absorbs")));
  // agreement on the exact error of the SGD weights (Gaussian inputs)
  assert.ok(summary.agreement.every((a) => a.basis === "population" && a.heldOut));
});

Deno.test("claim 5: truncated SGD and Sanger align each unit with one component; vanilla does not", async () => {
  const { claimChecks, summary } = await run("truncated");
  assertHolds(claimChecks, "truncated");
  const rows = summary.numbers.variants as {
    rule: string;
    alignmentFinal: number;
    alignmentGap: number;
  }[];
  assert.ok(rows.find((r) => r.rule === "truncated")!.alignmentFinal > 0.95);
  const vanilla = rows.find((r) => r.rule === "vanilla")!;
  assert.ok(vanilla.alignmentFinal < 0.8);
  // vanilla SGD's rotation is the theory's (same initial weights), up to finite-size noise
  assert.ok(vanilla.alignmentGap < 0.05, `|SGD - theory| alignment ${vanilla.alignmentGap}`);
  assert.ok(summary.notes?.some((n) => n.startsWith("vanilla SGD: final alignment")));
  // Oja's subspace rule beside Sanger's: the span (in the checks), not the components
  const [oja] = summary.numbers.hebbianSiblings as {
    rule: string;
    sanger: { alignment: number; span: number };
    oja: { alignment: number; span: number };
  }[];
  assert.equal(oja.rule, "oja");
  assert.ok(oja.oja.span >= 0.9 && oja.sanger.span >= 0.9, JSON.stringify(oja));
  assert.ok(oja.oja.alignment < 0.8 && oja.sanger.alignment > 0.95, JSON.stringify(oja));
  assert.ok(summary.notes?.some((n) => n.includes("Oja's rule learns the span")));
});

Deno.test("components: the learned decoder vectors match the principal components", async () => {
  const { claimChecks } = await run("components");
  assertHolds(claimChecks, "components");
});

Deno.test("report.html carries each verdict computed from the summary", async () => {
  const { summary } = await run("components");
  const page = reportHtml({ version: "test", size: "reduced", seconds: 1, experiments: [summary] });
  assert.ok(page.includes(verdictLine(summary)));
  const flipped = {
    ...summary,
    holds: false,
    checks: summary.checks.map((c, i) => i === 0 ? { ...c, holds: false } : c),
  };
  const page2 = reportHtml({
    version: "test",
    size: "reduced",
    seconds: 1,
    experiments: [flipped],
  });
  assert.match(page2, /does not hold: 1 of/);
  // the analysis's notes and the basis of the agreement are in the page
  const noted = { ...summary, notes: ["the constant offset <sum_k v^k b_k>"] };
  const page3 = reportHtml({ version: "test", size: "reduced", seconds: 1, experiments: [noted] });
  assert.ok(page3.includes("the constant offset &lt;sum_k v^k b_k&gt;"));
  assert.ok(page3.includes("on the exact error of the SGD weights"));
  // the agreement is judged against the finite-D prediction (paths at this D), in its own table
  // under its own sentence, never under the verdict; the D -> infinity deviation is labelled
  assert.ok(summary.agreement.length > 0 && summary.agreement.every((a) => a.finiteD));
  assert.ok(
    summary.agreementChecks.every((c) =>
      /vs predicted mean at this D|spread of the escapes from eps_PCA/.test(c.what)
    ),
  );
  const failing = {
    ...summary,
    agrees: false,
    agreementChecks: summary.agreementChecks.map((c, i) => i === 0 ? { ...c, holds: false } : c),
  };
  const page4 = reportHtml({
    version: "test",
    size: "reduced",
    seconds: 1,
    experiments: [failing],
  });
  const claimTable = page4.slice(
    page4.indexOf("Checks of the claim (the verdict)"),
    page4.indexOf("Agreement of simulation and theory (beside the verdict)"),
  );
  assert.ok(
    claimTable.length > 0 && !claimTable.includes('class="no"'),
    "no failing row under the verdict",
  );
  assert.match(page4, /1 of \d+ agreement checks? fails?/);
  assert.match(page4, /from the D -&gt; infinity curve/);
  assert.ok(summary.figures.some((f) => f.startsWith("components_band_")), "the seeds in the band");
  assert.ok(summary.figures.some((f) => f.startsWith("components_escapes_")), "the escape times");
});
