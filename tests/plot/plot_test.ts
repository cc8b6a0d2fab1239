import assert from "node:assert/strict";
import {
  componentsSpec,
  errorCurveSpec,
  imageGridSpec,
  overlapHeatmapSpec,
  type VegaLiteSpec,
} from "../../src/plot/plot.ts";
import { compileSpec, renderSvg } from "../../src/plot/render.ts";
import type { CurveResult, OrderParameters, Run } from "../../src/problem/types.ts";

const D = 20;
const K = 2;
const EPS_PCA = [0.5, 0.3, 0.12];

/** Smooth step from 0 to 1 around time t0 on a log time axis. */
function step(t: number, t0: number): number {
  return 1 / (1 + (t0 / t) ** 4);
}

/** eps(t) descending through plateaus at eps_PCA(0), (1), (2); `shift` delays it. */
function epsCurve(t: number, shift: number): number {
  const [e0, e1, e2] = EPS_PCA;
  return e2 + (e0 - e1) * (1 - step(t, 3 * shift)) + (e1 - e2) * (1 - step(t, 60 * shift));
}

/** Order parameters with unit k turning towards component k around its plateau's end. */
function order(t: number, shift: number): OrderParameters {
  const zero = [[0, 0], [0, 0]];
  const a = [
    [Math.sqrt(D) * step(t, 3 * shift), 0.3],
    [0.2, Math.sqrt(D) * step(t, 60 * shift)],
  ];
  const WW = a.map((row, k) =>
    row.map((_, l) => (k === l ? (row[0] ** 2 + row[1] ** 2 + 1) / D : 0))
  );
  return { Q: zero, R: zero, T: zero, T0: zero, WW, a, b: zero, bias: [0, 0] };
}

function fabricate(kind: "simulation" | "theory", seeds: number[]): CurveResult {
  const times = [0, ...Array.from({ length: 40 }, (_, i) => 0.1 * 10 ** (i / 10))];
  const runs: Run[] = seeds.map((seed, s) => ({
    seed,
    eps: times.map((t) => epsCurve(Math.max(t, 1e-3), 1 + 0.3 * s)),
    order: times.map((t) => order(Math.max(t, 1e-3), 1 + 0.3 * s)),
    snapshots: [],
  }));
  const eps = times.map((_, i) => runs.reduce((s, r) => s + r.eps[i], 0) / runs.length);
  const epsStd = times.map((_, i) =>
    Math.sqrt(runs.reduce((s, r) => s + (r.eps[i] - eps[i]) ** 2, 0) / runs.length)
  );
  return {
    kind,
    version: "0.1.0",
    config: { D, K },
    times,
    eps,
    epsStd,
    epsMin: times.map((_, i) => Math.min(...runs.map((r) => r.eps[i]))),
    epsMax: times.map((_, i) => Math.max(...runs.map((r) => r.eps[i]))),
    runs,
    pca: { traceOverD: 1, eigenvalues: [4, 3.6], epsPCA: EPS_PCA },
    seconds: 0,
  };
}

const simulation = fabricate("simulation", [1, 2]);
const theory = fabricate("theory", [1]);

/** Unit vectors along the first m coordinates... made less trivial by a sine. */
function components(m: number): number[][] {
  return Array.from(
    { length: m },
    (_, j) => Array.from({ length: D }, (_, i) => Math.sin(((j + 1) * Math.PI * (i + 0.5)) / D)),
  );
}

type Layer = { data: { values: Record<string, unknown>[] }; mark: { type: string } };

function layers(spec: VegaLiteSpec): Layer[] {
  return spec.layer as Layer[];
}

function values(spec: VegaLiteSpec): Record<string, unknown>[] {
  return (spec.data as { values: Record<string, unknown>[] }).values;
}

function assertCompilesCleanly(spec: VegaLiteSpec): void {
  const { warnings } = compileSpec(spec, { strict: false });
  assert.deepEqual(warnings, []);
}

Deno.test("error curve: compiles without warnings, log time axis, one line per seed", () => {
  const spec = errorCurveSpec([simulation, theory]);
  assertCompilesCleanly(spec);
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v6.json");
  const [runs, mean] = layers(spec);
  const x = (mean as unknown as { encoding: { x: { scale: { type: string } } } }).encoding.x;
  assert.equal(x.scale.type, "log");
  const ids = new Set(runs.data.values.map((v) => v.run));
  assert.equal(ids.size, 2, "two seeds of the simulation; the one-run theory has no seed lines");
  assert.ok(runs.data.values.every((v) => v.series === "simulation"));
  const series = new Set(mean.data.values.map((v) => v.series));
  assert.deepEqual([...series], ["simulation", "theory"]);
  assert.ok(mean.data.values.every((v) => (v.t as number) > 0), "t = 0 left out of a log axis");
  assert.equal(mean.data.values.length, 2 * 40);
});

Deno.test("error curve: dashed PCA rules at eps_PCA(1..K), labelled", () => {
  const spec = errorCurveSpec(simulation);
  const rule = layers(spec).find((l) => l.mark.type === "rule")!;
  assert.deepEqual(rule.data.values.map((v) => v.eps), [EPS_PCA[1], EPS_PCA[2]]);
  assert.deepEqual(rule.data.values.map((v) => v.label), ["PCA m=1", "PCA m=2"]);
  const none = errorCurveSpec(simulation, { pcaLevels: false });
  assert.ok(!layers(none).some((l) => l.mark.type === "rule"));
});

Deno.test("error curve: bands and the linear scale compile cleanly", () => {
  for (const spread of ["minmax", "std", "none"] as const) {
    for (const yScale of ["log", "linear"] as const) {
      const spec = errorCurveSpec([simulation, theory], { spread, yScale, title: "t" });
      assertCompilesCleanly(spec);
      const band = layers(spec).find((l) => l.mark.type === "area");
      assert.equal(band !== undefined, spread !== "none");
      for (const v of band?.data.values ?? []) assert.ok((v.lo as number) <= (v.hi as number));
    }
  }
});

Deno.test("error curve: SVG renders with the axis titles and legend", async () => {
  const svg = await renderSvg(errorCurveSpec([simulation, theory]));
  assert.ok(svg.startsWith("<svg"));
  for (const s of ["time t = steps / D", "test error ε", "PCA m=1", "simulation", "theory"]) {
    assert.ok(svg.includes(s), `SVG lacks "${s}"`);
  }
});

Deno.test("error curve: bad input throws a clear error", () => {
  assert.throws(() => errorCurveSpec([]), /results.*at least one CurveResult/);
  const short = { ...simulation, eps: simulation.eps.slice(1) };
  assert.throws(() => errorCurveSpec(short), /results\[0\]\.eps\.length: got 40; allowed: 41/);
  const badRun = {
    ...simulation,
    runs: [simulation.runs[0], { ...simulation.runs[1], eps: [0.1] }],
  };
  assert.throws(() => errorCurveSpec([theory, badRun]), /results\[1\]\.runs\[1\]\.eps\.length/);
  assert.throws(() => errorCurveSpec(simulation, { labels: ["a", "b"] }), /labels/);
  const early = { ...theory, times: theory.times.map(() => 0) };
  assert.throws(() => errorCurveSpec(early), /time t > 0/);
});

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

Deno.test("overlap heatmap: |cos| from a and WW at selected times", async () => {
  const spec = overlapHeatmapSpec(simulation, { times: [0.1, 10, 700] });
  assertCompilesCleanly(spec);
  const rows = values(spec);
  const times = [...new Set(rows.map((r) => r.time))];
  assert.equal(times.length, 3);
  assert.equal(rows.length, 3 * K * K);
  const t = simulation.times.at(-1)!;
  const o = order(t, 1);
  const last = rows.filter((r) => r.time === times[2]);
  const expected = Math.abs(o.a[0][0]) / Math.sqrt(D * o.WW[0][0]);
  assert.ok(Math.abs((last.find((r) => r.k === 1 && r.m === 1)!.cos as number) - expected) < 1e-4);
  assert.ok(rows.every((r) => (r.cos as number) >= 0 && (r.cos as number) <= 1));
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("hidden unit k") && svg.includes("component m"));
  const byDefault = values(overlapHeatmapSpec(theory));
  assert.equal(new Set(byDefault.map((r) => r.time)).size, 4);
  assert.throws(() => overlapHeatmapSpec(simulation, { run: 5 }), /run: got 5/);
  const noD = { ...simulation, config: {} };
  assert.throws(() => overlapHeatmapSpec(noD), /invalid D/);
  const short = { ...simulation, runs: [{ ...simulation.runs[0], order: [] }] };
  assert.throws(() => overlapHeatmapSpec(short), /order\.length: got 0; allowed: 41/);
  const order0 = { ...simulation.runs[0].order[40], WW: [[1]] };
  const badWW = {
    ...simulation,
    runs: [{ ...simulation.runs[0], order: [...simulation.runs[0].order.slice(0, 40), order0] }],
  };
  assert.throws(() => overlapHeatmapSpec(badWW), /order\[40\]\.WW\.length: got 1; allowed: K = 2/);
});

Deno.test("compileSpec: a broken spec throws, a warning is raised in strict mode", () => {
  assert.throws(
    () => compileSpec({ $schema: "x", data: { values: [] } }),
    /compileSpec: the Vega-Lite specification does not compile/,
  );
  const warned = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values: [{ a: 1 }] },
    mark: "point",
    encoding: {
      x: { field: "a", type: "quantitative" },
      shape: { field: "a", type: "quantitative" },
    },
  };
  assert.throws(() => compileSpec(warned), /compileSpec: Vega-Lite warned/);
  assert.ok(compileSpec(warned, { strict: false }).warnings.length > 0);
  assert.throws(() => compileSpec(null), /expected a Vega-Lite specification object/);
});
