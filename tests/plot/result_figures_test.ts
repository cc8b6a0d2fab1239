/**
 * One figure path: src/plot's resultFigures makes a result's figures for the
 * CLI (as files, with SVG) and the page (at its sizes), and the seed-count
 * label has one source. Also the look of the error curve that every front
 * end shares: seed lines in opaque tints (no blended third colour where two
 * results' seeds cross) and a time axis whose labels are round numbers.
 * @module
 */
import assert from "node:assert/strict";
import { resolveProblem } from "../../src/problem/resolve.ts";
import { prepare } from "../../src/problem/prepare.ts";
import { simulate } from "../../src/sgd/simulate.ts";
import { theory } from "../../src/theory/theory.ts";
import { componentsFigure, errorCurveSpec } from "../../src/plot/mod.ts";
import { resultFigures, seedsLabel, sgdLabel, theoryLabel } from "../../src/plot/result_figures.ts";
import { resultFigureFiles } from "../../src/cli/figures.ts";
import { assertCompilesCleanly, layers, simulation, theory as fakeTheory } from "./_fixtures.ts";

const problem = resolveProblem({
  data: { kind: "spiked", D: 40, spikes: [4, 2] },
  network: { K: 2, activation: "erf" },
  tMax: 3,
  nTimes: 8,
  seeds: [1, 2],
});

Deno.test("one resultFigures: the CLI's files are the page's specs, but for the sizes", async () => {
  const sim = await simulate(problem);
  const th = await theory(problem);
  const { spectrum } = prepare(problem);
  const page = resultFigures(sim, spectrum, { theory: th, width: 500, componentHeight: 80 });
  const cli = await resultFigureFiles(sim, problem, { svg: false, theory: th });
  assert.deepEqual(Object.keys(page), ["error_curve", "components", "overlaps"]);
  assert.deepEqual(Object.keys(cli), Object.keys(page).map((k) => `${k}.vl.json`));
  for (const spec of Object.values(page)) assertCompilesCleanly(spec);
  assert.equal(JSON.parse(JSON.stringify(page.error_curve)).width, 500, "the page's size");
  const cliCurve = JSON.parse(cli["error_curve.vl.json"]);
  assert.equal(cliCurve.width, 560, "the CLI's default size");
  // but for the sizes, the same figure: the same data and labels
  assert.deepEqual(
    JSON.stringify({ ...cliCurve, width: 0, title: 0 }),
    JSON.stringify({ ...JSON.parse(JSON.stringify(page.error_curve)), width: 0, title: 0 }),
  );
  // the mean is read against the mean
  const legend = JSON.stringify(page.error_curve);
  assert.ok(legend.includes("online SGD (mean of 2 seeds)"));
  assert.ok(legend.includes("theory (mean over the same 2 initial weights)"));
});

Deno.test("the seed-count words have one source", () => {
  assert.equal(seedsLabel(1), "1 seed");
  assert.equal(seedsLabel(2), "2 seeds");
  assert.equal(sgdLabel({ runs: [{}] } as never), "online SGD (1 seed)");
  assert.equal(theoryLabel({ runs: [{}] } as never), "theory (same initial weights)");
});

Deno.test("error curve: seed lines are opaque tints of their result's colour", () => {
  const spec = errorCurveSpec([simulation, { ...fakeTheory, runs: simulation.runs }], {
    labels: ["SGD", "theory"],
  });
  assertCompilesCleanly(spec);
  const seedLayers = layers(spec).filter((l) =>
    l.mark.type === "line" && l.data.values.some((v) => v.run !== undefined)
  );
  assert.equal(seedLayers.length, 2, "one layer of seed lines per result");
  for (const l of seedLayers) {
    const mark = l.mark as unknown as { opacity?: number; color?: string };
    assert.equal(mark.opacity, undefined, "opaque");
    assert.match(mark.color ?? "", /^#[0-9a-f]{6}$/);
  }
  const colours = seedLayers.map((l) => (l.mark as unknown as { color: string }).color);
  assert.notEqual(colours[0], colours[1]);
});

Deno.test("error curve: the time axis starts at a round time and every label but the end is round", () => {
  const times = [0.0102, 0.05, 1, 10, 130];
  const eps = [0.5, 0.4, 0.3, 0.2, 0.1];
  const spec = errorCurveSpec({
    kind: "theory",
    runs: [],
    times,
    eps,
    epsStd: eps.map(() => 0),
    epsMin: eps,
    epsMax: eps,
    pca: { epsPCA: [0.5, 0.2, 0.1] },
  });
  const x = (layers(spec)[0] as unknown as {
    encoding: { x: { scale: { domain: number[] }; axis: { values: number[] } } };
  }).encoding.x;
  assert.deepEqual(x.scale.domain, [0.01, 130]);
  assert.equal(x.axis.values[0], 0.01);
  assert.equal(x.axis.values.at(-1), 130);
  for (const v of x.axis.values.slice(0, -1)) {
    assert.match(String(v), /^[125](e-?\d+)?$|^0\.0*[125]$|^[125]0*$/, `tick ${v}`);
  }
});

Deno.test("componentsFigure names an unknown rule, with the registry's names", () => {
  assert.throws(
    () => componentsFigure({ t: 1, W: [[1, 0]], V: [[1, 0]] }, "hebb", [[1, 0]]),
    /invalid rule: got "hebb"; allowed: vanilla/,
  );
});
