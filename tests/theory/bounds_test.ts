/**
 * Work that cannot succeed is refused before it starts, and work that can
 * does not fail after it is done (issue 16, defect 6): 1e5 recording times
 * over 3 seeds ran 83 s and then overflowed the stack while plotting; a
 * theory whose curves could not be returned as JSON is refused up front;
 * and no step h that the solver's table accepts runs out of fixed steps.
 * @module
 */
import assert from "node:assert/strict";
import { ConfigError, theory } from "../../mod.ts";
import { MAX_RECORDED_VALUES } from "../../src/theory/theory.ts";
import { MAX_FIXED_STEPS, resolveSolver } from "../../src/theory/solver.ts";
import { resolveProblem } from "../../src/problem/resolve.ts";
import { errorCurveSpec } from "../../src/plot/mod.ts";
import type { CurveResult } from "../../src/problem/types.ts";

Deno.test("the figure of a theory with 100,000 recorded times is made (was: Maximum call stack size exceeded)", async () => {
  const small = await theory({ data: { D: 20 }, network: { K: 1 }, tMax: 10, nTimes: 4 });
  const n = 100_000;
  const times = Array.from({ length: n }, (_, i) => 10 * (i + 1) / n);
  const curve = times.map((t) => 0.5 / (1 + t));
  const big: CurveResult = {
    ...small,
    times,
    eps: curve,
    epsStd: curve.map(() => 0),
    epsMin: curve,
    epsMax: curve,
    runs: small.runs.map((r) => ({ ...r, eps: curve, order: times.map(() => r.order[0]) })),
  };
  const spec = errorCurveSpec(big, { title: "large" }) as { layer?: unknown[] };
  assert.ok(JSON.stringify(spec).length > n, "every point is in the spec");
});

Deno.test("a theory whose curves could not be returned is refused before any work, naming --n-times", async () => {
  const started = performance.now();
  const input = {
    data: { D: 50 },
    network: { K: 20 },
    tMax: 100_000,
    nTimes: 100_000,
    seeds: [1, 2, 3],
  };
  await assert.rejects(theory(input), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(
      e.message,
      /^invalid nTimes \(--n-times\): got 100000; allowed: at most \d+ recording times \(the grid has \d+ distinct/,
    );
    const fit = Number(/at most (\d+) recording times/.exec(e.message)![1]);
    assert.ok(fit >= 1 && fit * 3 * (5 * 400) <= MAX_RECORDED_VALUES, e.message);
    return true;
  });
  const took = performance.now() - started;
  assert.ok(took < 5000, `refused after ${took.toFixed(0)} ms (an integration would take minutes)`);
  // explicit times are named as --times
  await assert.rejects(
    theory({ ...input, nTimes: undefined, times: Array.from({ length: 5000 }, (_, i) => i + 1) }),
    /invalid times \(--times\): got 5000; allowed: at most \d+ recording times with 3 seed/,
  );
  // the bound counts what is recorded: the same times with one unit and one seed pass the check
  const ok = await theory({ data: { D: 20 }, network: { K: 1 }, tMax: 20, nTimes: 3000 });
  assert.equal(ok.runs[0].order.length, ok.times.length);
});

Deno.test("the smallest h the solver accepts reaches t-max within the theory's step budget", async () => {
  const problem = resolveProblem({
    data: { D: 10 },
    network: { K: 1 },
    tMax: 1,
    times: [0.1234567, 0.5, 1],
  });
  const hMin = 1 / MAX_FIXED_STEPS;
  assert.throws(() => resolveSolver({ integrator: "rk4", h: hMin / 2 }, problem), /invalid h/);
  const h = hMin * 1.0000001;
  const settings = resolveSolver({ integrator: "euler", h }, problem);
  // counted up front: t-max / h steps, plus one shortened step per recording time off the step grid
  const controller = new AbortController();
  const run = theory(problem, settings, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error("long enough")), 300);
  await assert.rejects(run, /long enough/, "it runs (it is not refused for its step count)");
});

Deno.test("the stiff integrator on more equations than it can step through quickly is refused up front, with the bins that fit", async () => {
  const D = 150;
  const eigenvalues = Array.from({ length: D }, (_, i) => 1 + 5 * Math.exp(-i / 10) + i * 1e-3);
  const eigenvectors = Array.from(
    { length: D },
    (_, i) => Array.from({ length: D }, (_, j) => (i === j ? 1 : 0)),
  );
  const problem = resolveProblem({
    data: { kind: "gaussian", D, eigenvalues, eigenvectors },
    network: { K: 3 },
    tMax: 1,
    nTimes: 3,
  });
  const started = performance.now();
  let bins = 0;
  await assert.rejects(theory(problem, { integrator: "stiff" }), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(
      e.message,
      /^invalid integrator: got "stiff"; allowed: "adaptive" for this problem, or the spectrum binned \(--bins (\d+) or fewer\): "stiff" takes at most 600 equations .* here there are 900 \(150 directions/,
    );
    bins = Number(/--bins (\d+)/.exec(e.message)![1]);
    return true;
  });
  // one step at 900 equations takes seconds and cannot be interrupted: refused before any
  assert.ok(performance.now() - started < 3000);
  // the bins it suggests fit, one more does not
  const fits = await theory(problem, { integrator: "stiff", bins });
  assert.ok(fits.eps.every(Number.isFinite));
  await assert.rejects(theory(problem, { integrator: "stiff", bins: bins + 1 }), /at most 600/);
  // the adaptive integrator takes the whole spectrum
  const adaptive = await theory(problem, { integrator: "adaptive" });
  assert.ok(Math.abs(adaptive.eps.at(-1)! - fits.eps.at(-1)!) < 0.05);
});
