import assert from "node:assert/strict";
import {
  type AdaptiveEntry,
  DomainError,
  type FixedStepEntry,
  integrate,
  IntegrationError,
  type MethodCache,
  type MethodSetup,
  type OdeProblem,
  PIController,
  solve,
  solveAsync,
} from "../../src/ode/mod.ts";

// ---------------------------------------------------------------------------
// The domain guard and the finiteness check on recorded (interpolated) states

/** y' = omega sin(omega t), y(0) = 0: y = 1 - cos(omega t) >= 0, touching 0 every period. */
function rectifiedWave(omega: number): OdeProblem {
  return { rhs: (t, _y, dy) => (dy[0] = omega * Math.sin(omega * t), undefined), y0: [0] };
}

const nonNegative = (_t: number, y: Float64Array) => (y[0] >= 0 ? null : `y = ${y[0]} < 0`);

for (
  const [method, omega, rtol] of [["dopri5", 5, 1e-2], ["rosenbrock", 1, 1e-3]] as const
) {
  Deno.test(`${method}: a recorded state interpolated out of the domain raises a DomainError at its time`, () => {
    const prob = rectifiedWave(omega);
    const times = Array.from({ length: 2001 }, (_, i) => i * 0.005);
    const opts = { method, rtol, atol: rtol };
    // without the guard: every accepted state is in the domain, but the
    // dense-output interpolant dips below 0 at some requested times
    const ends: [number, number][] = [];
    const free = solve(prob, times, { ...opts, onStep: (t, y) => ends.push([t, y[0]]) });
    assert.ok(ends.every(([, y]) => y >= 0), "the accepted states stay in the domain");
    const firstOut = free.states.findIndex((y) => y[0] < 0);
    assert.ok(firstOut > 0, "the interpolant leaves the domain");
    assert.ok(!ends.some(([t]) => t === times[firstOut]), "inside a step, not at its end");
    // with it: stopped at that requested time, with the guard's message
    const checked: number[] = [];
    assert.throws(
      () =>
        solve(prob, times, {
          ...opts,
          check: (t, y) => (checked.push(t), nonNegative(t, y)),
        }),
      (e: unknown) => {
        assert.ok(e instanceof DomainError, `${e}`);
        assert.equal(e.t, times[firstOut]);
        assert.match(e.detail, /^y = -[\d.e-]+ < 0$/);
        assert.equal(e.detail, `y = ${free.states[firstOut][0]} < 0`);
        return true;
      },
    );
    // the guard saw the recorded states inside steps, with their times
    const inside = times.slice(1, firstOut).filter((t) => !ends.some(([te]) => te === t));
    for (const t of inside) assert.ok(checked.includes(t), `check not called at t = ${t}`);
  });
}

Deno.test("fixed-step methods: recorded states are the guarded step ends", () => {
  // the check runs on the initial state and after each step, once each
  const checked: number[] = [];
  const sol = solve(rectifiedWave(1), [0, 0.5, 1], {
    method: "rk4",
    h: 0.25,
    check: (t) => (checked.push(t), null),
  });
  assert.deepEqual(checked, [0, 0.25, 0.5, 0.75, 1]);
  assert.equal(sol.states.length, 3);
});

// ---------------------------------------------------------------------------
// Methods outside the registry go through the same driver

/**
 * A test-only adaptive method, Heun–Euler 2(1): Heun's step, error against
 * Euler's, linear interpolation inside a step (or NaN, to test the guard).
 */
function heunEuler(interpolation: "linear" | "nan"): AdaptiveEntry {
  class Cache implements MethodCache {
    y: Float64Array;
    yNew: Float64Array;
    evaluations = 0;
    #k1: Float64Array;
    #k2: Float64Array;
    #t = 0;
    #h = 0;
    constructor(private setup: MethodSetup) {
      this.y = Float64Array.from(setup.y0);
      this.yNew = new Float64Array(setup.n);
      this.#k1 = new Float64Array(setup.n);
      this.#k2 = new Float64Array(setup.n);
    }
    start(t: number) {
      this.setup.rhs(t, this.y, this.#k1);
      this.evaluations++;
      return this.#k1;
    }
    attempt(t: number, h: number, tNew: number) {
      const { rhs, atol, rtol, n } = this.setup;
      this.#t = t;
      this.#h = h;
      for (let i = 0; i < n; i++) this.yNew[i] = this.y[i] + h * this.#k1[i];
      rhs(tNew, this.yNew, this.#k2);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        this.yNew[i] = this.y[i] + 0.5 * h * (this.#k1[i] + this.#k2[i]);
        const e = 0.5 * h * (this.#k2[i] - this.#k1[i]);
        const q = e / (atol[i] + rtol[i] * Math.abs(this.y[i]));
        sum += q * q;
      }
      this.evaluations++;
      return Math.sqrt(sum / n);
    }
    interpolate(tq: number, out: Float64Array) {
      const th = (tq - this.#t) / this.#h;
      for (let i = 0; i < out.length; i++) {
        out[i] = interpolation === "nan" ? NaN : this.y[i] + th * (this.yNew[i] - this.y[i]);
      }
    }
    accept(tNew: number) {
      [this.y, this.yNew] = [this.yNew, this.y];
      this.setup.rhs(tNew, this.y, this.#k1);
      this.evaluations++;
    }
  }
  return {
    name: "heun-euler",
    aliases: [],
    adaptive: true,
    order: 2,
    errorOrder: 2,
    doc: "test-only adaptive Heun–Euler 2(1)",
    create: (setup) => new Cache(setup),
    controller: () => new PIController(2),
  };
}

/** A test-only fixed-step method: the explicit midpoint rule (order 2). */
const MIDPOINT: FixedStepEntry = {
  name: "midpoint",
  aliases: [],
  adaptive: false,
  order: 2,
  doc: "test-only explicit midpoint rule",
  create: ({ rhs, n, y0 }) => {
    const k = new Float64Array(n), ym = new Float64Array(n);
    const cache = {
      y: Float64Array.from(y0),
      yNew: new Float64Array(n),
      evaluations: 0,
      start: () => null,
      attempt(t: number, h: number) {
        rhs(t, cache.y, k);
        for (let i = 0; i < n; i++) ym[i] = cache.y[i] + 0.5 * h * k[i];
        rhs(t + 0.5 * h, ym, k);
        for (let i = 0; i < n; i++) cache.yNew[i] = cache.y[i] + h * k[i];
        cache.evaluations += 2;
        return 0;
      },
      interpolate() {
        throw new Error("not used by fixed-step methods");
      },
      accept() {
        [cache.y, cache.yNew] = [cache.yNew, cache.y];
      },
    };
    return cache;
  },
};

Deno.test("a method outside the registry runs through the same driver (integrate)", () => {
  const decay: OdeProblem = { rhs: (_t, y, dy) => (dy[0] = -y[0], undefined), y0: [1] };
  const times = Array.from({ length: 21 }, (_, i) => i * 0.1);
  const sol = integrate(heunEuler("linear"), decay, times, { rtol: 1e-6, atol: 1e-9 });
  assert.ok(sol.steps > 10 && sol.rejected >= 0);
  assert.equal(sol.rhsEvaluations, 1 + 1 + (sol.steps + sol.rejected) + sol.steps);
  for (let i = 0; i < times.length; i++) {
    assert.ok(Math.abs(sol.states[i][0] - Math.exp(-times[i])) < 1e-4, `t = ${times[i]}`);
  }
  const errs = [0.1, 0.05].map((h) =>
    Math.abs(integrate(MIDPOINT, decay, [1], { h }).states[0][0] - Math.exp(-1))
  );
  assert.ok(Math.abs(Math.log2(errs[0] / errs[1]) - 2) < 0.1, `${errs}`);
  // the driver's validation applies to them too
  assert.throws(() => integrate(MIDPOINT, decay, [1]), /invalid h/);
  assert.throws(() => integrate(heunEuler("linear"), decay, [1], { rtol: -1 }), /invalid rtol/);
});

Deno.test("a non-finite interpolated state raises IntegrationError(non-finite) at its time", () => {
  const decay: OdeProblem = { rhs: (_t, y, dy) => (dy[0] = -y[0], undefined), y0: [1] };
  const steps: number[] = [];
  assert.throws(
    () =>
      integrate(heunEuler("nan"), decay, [0, 0.5, 1, 2, 5], {
        rtol: 1e-3,
        hInit: 2,
        hMax: 2,
        onStep: (t) => steps.push(t),
      }),
    (e: unknown) => {
      assert.ok(e instanceof IntegrationError && !(e instanceof DomainError));
      assert.equal(e.reason, "non-finite");
      assert.ok([0.5, 1, 2].includes(e.t), `t = ${e.t}`);
      assert.match(e.message, /component 0 of the interpolated state is NaN/);
      return true;
    },
  );
  // an interpolated state is checked before the step that holds it is accepted
  assert.ok(steps.every((t) => t < 0.5), `${steps}`);
  // requested times at step ends are never interpolated
  const ok = integrate(heunEuler("nan"), decay, [1, 2], { hInit: 1, hMax: 1, rtol: 1e3 });
  assert.equal(ok.steps, 2);
});

// ---------------------------------------------------------------------------
// solveAsync: the same steps, in slices between which an abort is delivered

/** y'' = -y as a first-order system. */
const oscillator: OdeProblem = {
  rhs: (_t, y, dy) => {
    dy[0] = y[1];
    dy[1] = -y[0];
  },
  y0: [1, 0],
};

Deno.test("solveAsync gives the same bits as solve for every method, pausing between slices", async () => {
  const times = Array.from({ length: 20 }, (_, i) => (i + 1) * 0.37);
  for (const method of ["euler", "rk4", "dopri5", "rosenbrock"]) {
    const opts = { method, h: 1e-2, rtol: 1e-6, atol: 1e-9 };
    const sync = solve(oscillator, times, opts);
    let pauses = 0;
    const ticker = setInterval(() => pauses++, 0);
    const slow: OdeProblem = {
      ...oscillator,
      rhs: (t, y, dy) => {
        const until = performance.now() + 0.02;
        while (performance.now() < until); // a slower step, so that slices end
        oscillator.rhs(t, y, dy);
      },
    };
    const asyncSol = await solveAsync(slow, times, { ...opts, yieldEvery: 5 });
    clearInterval(ticker);
    assert.deepEqual(asyncSol, sync, method);
    assert.ok(pauses > 0, `${method}: a timer ran while it integrated`);
  }
});

Deno.test("solveAsync: an abort during a long solve is acted on within a slice", async () => {
  const slowDecay: OdeProblem = { rhs: (_t, y, dy) => (dy[0] = -1e-9 * y[0], undefined), y0: [1] };
  for (const method of ["euler", "dopri5"]) {
    const controller = new AbortController();
    const reason = new Error("stop");
    let abortedAt = NaN;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort(reason);
    }, 100);
    // euler: 1e9 steps; dopri5: its steps are bounded by hMax = 1, so about 1e9 too
    await assert.rejects(
      solveAsync(slowDecay, [1e9], {
        method,
        h: 1,
        hMax: 1,
        maxSteps: 1e12,
        signal: controller.signal,
      }),
      (e: unknown) => e === reason,
    );
    const latency = performance.now() - abortedAt;
    assert.ok(latency < 100, `${method}: the abort took ${latency.toFixed(0)} ms`);
  }
});

Deno.test("solveAsync refuses a bad yieldEvery, and a fixed step's budget before any step", async () => {
  await assert.rejects(
    solveAsync(oscillator, [1], { method: "rk4", h: 0.1, yieldEvery: -1 }),
    /invalid yieldEvery/,
  );
  let evaluations = 0;
  const counted: OdeProblem = {
    ...oscillator,
    rhs: (t, y, dy) => (evaluations++, oscillator.rhs(t, y, dy)),
  };
  // 1e6 steps of h = 1e-3, plus one shortened step per requested time off the step grid
  const times = [0.0005, 1000];
  await assert.rejects(
    solveAsync(counted, times, { method: "rk4", h: 1e-3, maxSteps: 1e6 }),
    (e: unknown) => {
      assert.ok(e instanceof IntegrationError && e.reason === "max-steps" && e.t === 0);
      assert.match(e.message, /1000001 steps of h = 0.001/);
      return true;
    },
  );
  assert.equal(evaluations, 0, "no step was taken");
  const sol = solve(counted, times, { method: "rk4", h: 1e-3, maxSteps: 1_000_001 });
  assert.equal(sol.steps, 1_000_001);
});
