/**
 * Shared inputs of the plot tests: fabricated learning curves (a simulation
 * of two seeds and a one-run theory) with their order parameters, sine
 * "principal components", and accessors into a specification.
 * @module
 */
import assert from "node:assert/strict";
import type { VegaLiteSpec } from "../../src/plot/mod.ts";
import { compileSpec } from "../../src/plot/render.ts";
import type { CurveResult, OrderParameters, Run } from "../../src/problem/types.ts";

export const D = 20;
export const K = 2;
export const EPS_PCA = [0.5, 0.3, 0.12];

/** Smooth step from 0 to 1 around time t0 on a log time axis. */
export function step(t: number, t0: number): number {
  return 1 / (1 + (t0 / t) ** 4);
}

/** eps(t) descending through plateaus at eps_PCA(0), (1), (2); `shift` delays it. */
export function epsCurve(t: number, shift: number): number {
  const [e0, e1, e2] = EPS_PCA;
  return e2 + (e0 - e1) * (1 - step(t, 3 * shift)) + (e1 - e2) * (1 - step(t, 60 * shift));
}

/** Order parameters with unit k turning towards component k around its plateau's end. */
export function order(t: number, shift: number): OrderParameters {
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

export function fabricate(kind: "simulation" | "theory", seeds: number[]): CurveResult {
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
    config: { D, K } as unknown as CurveResult["config"],
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

export const simulation = fabricate("simulation", [1, 2]);
export const theory = fabricate("theory", [1]);

/** Unit vectors along the first m coordinates... made less trivial by a sine. */
export function components(m: number): number[][] {
  return Array.from(
    { length: m },
    (_, j) => Array.from({ length: D }, (_, i) => Math.sin(((j + 1) * Math.PI * (i + 0.5)) / D)),
  );
}

export type Layer = { data: { values: Record<string, unknown>[] }; mark: { type: string } };

/** A specification as the plain JSON it is written as (its fields read without Vega-Lite's types). */
export function json(spec: VegaLiteSpec): Record<string, unknown> {
  return JSON.parse(JSON.stringify(spec));
}

export function layers(spec: VegaLiteSpec): Layer[] {
  return json(spec).layer as Layer[];
}

export function values(spec: VegaLiteSpec): Record<string, unknown>[] {
  return (json(spec).data as { values: Record<string, unknown>[] }).values;
}

export function assertCompilesCleanly(spec: VegaLiteSpec): void {
  const { warnings } = compileSpec(spec, { strict: false });
  assert.deepEqual(warnings, []);
}
