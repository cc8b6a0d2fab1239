// The density form as published (THEORY.md 4b): Euler at dt = 1/D, transient crossings of
// Q_kk T_kk - R_kk^2 < 0 recorded as warnings, only non-finite values or a negative predicted
// error stop; the projected form keeps its strict check.
import assert from "node:assert/strict";
import { theory } from "../../mod.ts";
import { DomainError, IntegrationError } from "../../src/core/errors.ts";

/** D = 100: three spikes 0.698 D, 0.216 D, 0.078 D over a flat bulk, tr(Omega) / D = 1. */
const D = 100;
const SPIKES = [0.698 * D, 0.216 * D, 0.078 * D];
const data = {
  kind: "gaussian" as const,
  D,
  eigenvalues: SPIKES,
  eigenvectors: SPIKES.map((_, m) => Array.from({ length: D }, (_, i) => (i === m ? 1 : 0))),
  bulk: (D - SPIKES.reduce((s, x) => s + x, 0)) / (D - SPIKES.length),
};
const times = Array.from({ length: 2501 }, (_, i) => i / 100);

/** A seeded uniform generator (mulberry32) and Gaussian deviates: weights independent of the kernels' stream. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const u = rng(36);
const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
/** W0, V0 ~ N(0, 0.1^2): these cross Q_kk T_kk - R_kk^2 < 0 (by 2e-8) at t = 0.22. */
const init = {
  W: Array.from({ length: 3 }, () => Array.from({ length: D }, () => 0.1 * gauss())),
  V: Array.from({ length: 3 }, () => Array.from({ length: D }, () => 0.1 * gauss())),
};
const problem = {
  data,
  network: { K: 3, activation: "erf" as const, init },
  lr: 0.5,
  tMax: 25,
  times,
};

const relative = (a: number[], b: number[], upTo: number) =>
  Math.max(...a.map((x, i) => (times[i] <= upTo ? Math.abs(x / b[i] - 1) : 0)));

Deno.test("density form, Euler at 1/D: runs through a transient Q T - R^2 < 0, records it, and follows the projected form", async () => {
  const density = await theory(problem, { integrator: "euler", form: "density" });
  const projected = await theory(problem, { integrator: "euler" });
  assert.equal(density.eps.length, times.length);
  assert.ok(density.eps.every((e) => Number.isFinite(e) && e > 0));
  assert.equal(projected.warnings, undefined, "the projected form has no warning");
  const warnings = density.warnings ?? [];
  const crossings = warnings.filter((w) => /Q_kk T_kk - R_kk\^2 = -/.test(w.message));
  assert.ok(
    crossings.some((w) => w.t >= 0.1 && w.t <= 0.4),
    `a crossing in [0.1, 0.4]: ${JSON.stringify(warnings)}`,
  );
  const first = Math.min(...warnings.map((w) => w.t));
  const firstCrossing = Math.min(...crossings.map((w) => w.t));
  // Both are Euler steps of the same flow: the density step S + h (M S + S M^T) drops the
  // h^2 M S M^T of the projected step y + h M y. Until the crossing they agree to 1e-6 ...
  const early = relative(density.eps, projected.eps, firstCrossing);
  // ... and the difference is first order in h: halving h halves it, whatever the crossings
  const half = (form: "density" | "projected") =>
    theory(problem, { integrator: "euler", form, h: 1 / (2 * D) });
  const [density2, projected2] = [await half("density"), await half("projected")];
  const ratios = [1, 5, 10, 25].map((t) => {
    const i = Math.round(t * 100);
    return (density.eps[i] / projected.eps[i] - 1) / (density2.eps[i] / projected2.eps[i] - 1);
  });
  // with a high-order integrator the two forms coincide through t = 25
  const rk4 = await theory(problem, { integrator: "rk4", h: 0.01, form: "density" });
  const rk4Projected = await theory(problem, { integrator: "rk4", h: 0.01 });
  const late = relative(rk4.eps, rk4Projected.eps, 25);
  console.log(
    `density form, Euler h = 1/D: ${warnings.length} warnings, first at t = ${first}, ` +
      `Q T - R^2 < 0 first at t = ${firstCrossing}; |eps_density / eps_projected - 1| ` +
      `up to it ${early.toExponential(2)}, up to t = 1, 10, 25: ${
        [1, 10, 25].map((t) => relative(density.eps, projected.eps, t).toExponential(2)).join(
          ", ",
        )
      }; ratio of the differences at h and h/2 (t = 1, 5, 10, 25): ${
        ratios.map((r) => r.toFixed(3)).join(", ")
      }; RK4 h = 0.01: ${late.toExponential(2)}`,
  );
  assert.ok(early <= 1e-6, `before the crossing: ${early}`);
  for (const r of ratios) assert.ok(r > 1.8 && r < 2.2, `first order in h: ratios ${ratios}`);
  assert.ok(late <= 1e-9, `rk4: ${late}`);
});

Deno.test("density form: a negative predicted error or non-finite values still stop the run; the projected form stays strict", async () => {
  const blowUp = {
    data: { kind: "spiked", D: 50, spikes: [5] },
    network: { K: 1, activation: "linear" as const },
    lr: 2000,
    tMax: 100,
  };
  for (const form of ["density", "projected"] as const) {
    await assert.rejects(
      theory(blowUp, { integrator: "euler", h: 1, form }),
      (e: unknown) =>
        (e instanceof DomainError || e instanceof IntegrationError) &&
        /negative|finite|Infinity|NaN|variance|Gram|domain/.test(e.message),
    );
  }
  // the crossing the density form records stops the projected form's strict check when forced
  // on it: a state with Q T - R^2 < 0 is refused by the projected form (its Gram blocks cannot
  // produce one, so this is checked on the guard directly)
  const { FlowSystem, directionsOf, initialState } = await import("../../src/theory/system.ts");
  const { averagesFor } = await import("../../src/activations/mod.ts");
  const { pca } = await import("../../mod.ts");
  const { spectrum } = pca(data, 3);
  for (const form of ["projected", "density"] as const) {
    const dirs = directionsOf(spectrum, 1, form);
    const sys = new FlowSystem(
      dirs,
      1,
      "vanilla",
      0.5,
      averagesFor("erf"),
      undefined,
      false,
      undefined,
      { form },
    );
    const W = [Array.from({ length: D }, (_, i) => (i < 3 ? 1 : 0.1))];
    const y = initialState(dirs, 1, W, W.map((r) => r.map((x) => x * 0.5)));
    // break the rank one structure of the last block: R too large for Q T
    const m = 2, base = y.length - m * m;
    y[base + 1] = y[base + 2] = 10 * Math.sqrt(Math.abs(y[base] * y[base + 3])) + 10;
    const msg = sys.check(0.5, y);
    if (form === "projected") assert.match(msg ?? "", /not positive|negative/);
    else {
      assert.equal(msg, null);
      assert.ok(sys.warnings.length >= 1 && sys.warnings[0].t === 0.5);
      // the same condition again is the same episode: no new warning
      const n = sys.warnings.length;
      sys.check(0.51, y);
      assert.equal(sys.warnings.length, n);
    }
  }
});
