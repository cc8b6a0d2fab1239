import assert from "node:assert/strict";
import {
  DomainError,
  dopri5,
  euler,
  IntegrationError,
  type OdeProblem,
  rk4,
  solve,
} from "../../src/theory/integrate.ts";
import { ConfigError } from "../../src/errors.ts";

// ---------------------------------------------------------------------------
// Test problems with exact solutions

/** y' = lambda y, y(0) = 1. */
function exponential(lambda: number): OdeProblem {
  return { rhs: (_t, y, dy) => (dy[0] = lambda * y[0], undefined), y0: [1] };
}

/** x'' = -omega^2 x as (x, v); x(0) = 1, v(0) = 0: x = cos(omega t). */
function oscillator(omega = 1): OdeProblem {
  const w2 = omega * omega;
  return {
    rhs: (_t, y, dy) => {
      dy[0] = y[1];
      dy[1] = -w2 * y[0];
    },
    y0: [1, 0],
  };
}

/** Energy (v^2 + omega^2 x^2) / 2 of the oscillator. */
function energy(y: Float64Array, omega = 1): number {
  return 0.5 * (y[1] * y[1] + omega * omega * y[0] * y[0]);
}

/** y' = A y for a 2 x 2 matrix A (row-major). */
function linear2(A: number[], y0: number[]): OdeProblem {
  return {
    rhs: (_t, y, dy) => {
      dy[0] = A[0] * y[0] + A[1] * y[1];
      dy[1] = A[2] * y[0] + A[3] * y[1];
    },
    y0,
  };
}

/**
 * Exact solution of y' = A y for a 2 x 2 A with real distinct eigenvalues:
 * eigen-decomposition A = V diag(l1, l2) V^-1, y(t) = V diag(exp(l t)) V^-1 y0.
 */
function linear2Exact(A: number[], y0: number[]): (t: number) => [number, number] {
  const [a, b, c, d] = A;
  const tr = a + d, det = a * d - b * c;
  const disc = Math.sqrt(tr * tr - 4 * det);
  const l = [(tr + disc) / 2, (tr - disc) / 2];
  // eigenvector of [[a, b], [c, d]] for eigenvalue l: (b, l - a), or (l - d, c)
  const vec = (li: number): [number, number] =>
    Math.abs(b) > Math.abs(c) ? [b, li - a] : [li - d, c];
  const v1 = vec(l[0]), v2 = vec(l[1]);
  const dv = v1[0] * v2[1] - v2[0] * v1[1];
  const c1 = (v2[1] * y0[0] - v2[0] * y0[1]) / dv;
  const c2 = (-v1[1] * y0[0] + v1[0] * y0[1]) / dv;
  return (t) => {
    const e1 = c1 * Math.exp(l[0] * t), e2 = c2 * Math.exp(l[1] * t);
    return [e1 * v1[0] + e2 * v2[0], e1 * v1[1] + e2 * v2[1]];
  };
}

/** Stiff-ish: eigenvalues -1 and -1000 (Hairer & Wanner's classic example). */
const STIFF = [998, 1998, -999, -1999];

function relErr(got: number, want: number): number {
  return Math.abs(got - want) / Math.abs(want);
}

function oscillatorError(y: Float64Array, t: number): number {
  return Math.hypot(y[0] - Math.cos(t), y[1] + Math.sin(t));
}

// ---------------------------------------------------------------------------
// Exactness of the fixed-step grid

Deno.test("Euler with h = 1/D takes exactly t D steps to integer times", () => {
  const D = 100;
  const times = Array.from({ length: 10 }, (_, i) => i + 1);
  const sol = euler(exponential(-1), times, 1 / D);
  assert.equal(sol.steps, 10 * D);
  assert.equal(sol.rhsEvaluations, 10 * D);
  // Euler on y' = -y is exactly (1 - h)^n
  for (let i = 0; i < times.length; i++) {
    assert.ok(relErr(sol.states[i][0], Math.pow(1 - 1 / D, D * times[i])) < 1e-12);
  }
  // a log-spaced grid of whole SGD steps s / D, as recorded by simulate()
  const D2 = 500;
  const stepsGrid = [0, 1, 2, 5, 13, 37, 101, 271, 733, 1999, 5437, 14779, 40000];
  const grid = stepsGrid.map((s) => s / D2);
  const ends: number[] = [];
  const sol2 = euler(exponential(-1), grid, 1 / D2, { onStep: (t) => ends.push(t) });
  assert.equal(sol2.steps, 40000);
  for (let i = 0; i < ends.length; i++) assert.ok(Math.abs(ends[i] * D2 - (i + 1)) < 1e-8);
  assert.ok(relErr(sol2.states[grid.length - 1][0], Math.pow(1 - 1 / D2, 40000)) < 1e-11);
});

Deno.test("fixed-step methods shorten the last step before an off-grid time", () => {
  const ends: number[] = [];
  const sol = solve({ rhs: (t, _y, dy) => (dy[0] = 2 * t, undefined), y0: [0] }, [0.5, 1], {
    method: "rk4",
    h: 0.3,
    onStep: (t) => ends.push(t),
  });
  assert.deepEqual(ends.map((t) => +t.toFixed(12)), [0.3, 0.5, 0.8, 1]);
  assert.equal(sol.times[1], 1);
  // RK4 integrates y' = 2t exactly, whatever the step lengths
  assert.ok(Math.abs(sol.states[0][0] - 0.25) < 1e-15 && Math.abs(sol.states[1][0] - 1) < 1e-15);
});

Deno.test("requested times equal to t0 or repeated return copies of the state", () => {
  for (const method of ["euler", "rk4", "dopri5"] as const) {
    const sol = solve(exponential(-1), [0, 0, 1, 1], { method, h: 0.1 });
    assert.equal(sol.states.length, 4);
    assert.equal(sol.states[0][0], 1);
    assert.notStrictEqual(sol.states[0], sol.states[1]);
    assert.equal(sol.states[2][0], sol.states[3][0]);
    sol.states[2][0] = 42;
    assert.notEqual(sol.states[3][0], 42);
  }
  assert.deepEqual(solve(exponential(-1), [], { method: "dopri5" }).states, []);
});

// ---------------------------------------------------------------------------
// Exponential decay and growth

Deno.test("exponential decay and growth: all three methods converge to exp(lambda t)", () => {
  for (const lambda of [-2, 1.5]) {
    const T = 2, exact = Math.exp(lambda * T);
    const e = euler(exponential(lambda), [T], 1e-4).states[0][0];
    const r = rk4(exponential(lambda), [T], 1e-2).states[0][0];
    const d = dopri5(exponential(lambda), [T], { rtol: 1e-8, atol: 1e-12 }).states[0][0];
    assert.ok(relErr(e, exact) < 1e-3, `euler lambda=${lambda}: ${relErr(e, exact)}`);
    assert.ok(relErr(r, exact) < 1e-8, `rk4 lambda=${lambda}: ${relErr(r, exact)}`);
    assert.ok(relErr(d, exact) < 1e-7, `dopri5 lambda=${lambda}: ${relErr(d, exact)}`);
  }
});

// ---------------------------------------------------------------------------
// Convergence orders

Deno.test("halving h divides the error by ~2 for Euler and ~16 for RK4", () => {
  const T = 5;
  const errors = (method: "euler" | "rk4", hs: number[]) =>
    hs.map((h) => oscillatorError(solve(oscillator(), [T], { method, h }).states[0], T));
  const eu = errors("euler", [0.01, 0.005, 0.0025]);
  const rk = errors("rk4", [0.1, 0.05, 0.025]);
  for (let i = 0; i + 1 < eu.length; i++) {
    const order = Math.log2(eu[i] / eu[i + 1]);
    assert.ok(Math.abs(order - 1) < 0.05, `Euler order ${order}`);
  }
  for (let i = 0; i + 1 < rk.length; i++) {
    const order = Math.log2(rk[i] / rk[i + 1]);
    assert.ok(Math.abs(order - 4) < 0.1, `RK4 order ${order}`);
  }
  // the same on the decay problem
  const decay = (method: "euler" | "rk4", h: number) =>
    relErr(solve(exponential(-1), [1], { method, h }).states[0][0], Math.exp(-1));
  assert.ok(Math.abs(decay("euler", 0.01) / decay("euler", 0.005) - 2) < 0.05);
  assert.ok(Math.abs(decay("rk4", 0.1) / decay("rk4", 0.05) - 16) < 1);
});

// ---------------------------------------------------------------------------
// Harmonic oscillator: energy

Deno.test("harmonic oscillator: Euler energy grows by exactly (1 + h^2) a step, RK4 and DOPRI5 keep it", () => {
  const h = 0.01, n = 1000;
  const eu = euler(oscillator(), [n * h], h);
  assert.equal(eu.steps, n);
  assert.ok(relErr(energy(eu.states[0]), 0.5 * Math.pow(1 + h * h, n)) < 1e-12);

  const times = Array.from({ length: 101 }, (_, i) => i);
  const r = rk4(oscillator(), times, 0.01);
  const d = dopri5(oscillator(), times, { rtol: 1e-8, atol: 1e-10 });
  for (let i = 0; i < times.length; i++) {
    assert.ok(Math.abs(energy(r.states[i]) - 0.5) < 1e-9, `rk4 energy at t=${times[i]}`);
    assert.ok(Math.abs(energy(d.states[i]) - 0.5) < 1e-6, `dopri5 energy at t=${times[i]}`);
    assert.ok(oscillatorError(r.states[i], times[i]) < 1e-8);
  }
});

// ---------------------------------------------------------------------------
// Stiff-ish linear system

Deno.test("stiff-ish 2 x 2 linear system (eigenvalues -1, -1000) matches its eigen-decomposition", () => {
  const y0 = [1, 0.5];
  const exact = linear2Exact(STIFF, y0);
  // the exact solution itself solves y' = A y (check of the reference)
  const [a0, a1] = exact(0);
  assert.ok(Math.abs(a0 - 1) < 1e-12 && Math.abs(a1 - 0.5) < 1e-12);
  const times = [0.001, 0.01, 0.1, 1, 2, 5];
  const d = dopri5(linear2(STIFF, y0), times, { rtol: 1e-8, atol: 1e-12 });
  const r = rk4(linear2(STIFF, y0), times, 1e-4);
  for (let i = 0; i < times.length; i++) {
    const [u, v] = exact(times[i]);
    const scale = Math.hypot(u, v);
    const ed = Math.hypot(d.states[i][0] - u, d.states[i][1] - v) / scale;
    const er = Math.hypot(r.states[i][0] - u, r.states[i][1] - v) / scale;
    assert.ok(ed < 1e-6, `dopri5 t=${times[i]}: ${ed}`);
    assert.ok(er < 1e-6, `rk4 t=${times[i]}: ${er}`);
  }
  // explicit methods are bound by stability (|h lambda| <~ 3.3) once the fast mode has decayed
  assert.ok(d.steps > 5 * 1000 / 3.4 * 0.8 && d.steps < 5000, `dopri5 steps ${d.steps}`);
});

// ---------------------------------------------------------------------------
// DOPRI5: tolerances, dense output, rejections

Deno.test("DOPRI5 meets rtol = 1e-8 to 1e-6 relative on decay, growth, oscillator and stiff system", () => {
  const opts = { rtol: 1e-8, atol: 1e-12 };
  const worst: number[] = [];
  for (const lambda of [-3, 2]) {
    const sol = dopri5(exponential(lambda), [0.5, 1, 3], opts);
    worst.push(
      Math.max(...sol.times.map((t, i) => relErr(sol.states[i][0], Math.exp(lambda * t)))),
    );
  }
  const osc = dopri5(oscillator(2), [1, 10, 30], opts);
  worst.push(
    Math.max(...osc.times.map((t, i) => Math.abs(osc.states[i][0] - Math.cos(2 * t)))),
  );
  const exact = linear2Exact(STIFF, [0.3, -1]);
  const st = dopri5(linear2(STIFF, [0.3, -1]), [0.5, 3], opts);
  worst.push(
    Math.max(...st.times.map((t, i) => {
      const [u, v] = exact(t);
      return Math.hypot(st.states[i][0] - u, st.states[i][1] - v) / Math.hypot(u, v);
    })),
  );
  for (const w of worst) assert.ok(w < 1e-6, `worst relative error ${worst}`);
  // and the error follows the tolerance
  const loose = dopri5(oscillator(), [20], { rtol: 1e-4, atol: 1e-8 });
  const tight = dopri5(oscillator(), [20], { rtol: 1e-9, atol: 1e-12 });
  const el = oscillatorError(loose.states[0], 20), et = oscillatorError(tight.states[0], 20);
  assert.ok(el < 1e-2 && et < 1e-7 && et < el / 1000, `loose ${el}, tight ${et}`);
  assert.ok(tight.steps > loose.steps);
});

Deno.test("DOPRI5 dense output is accurate at requested times that fall inside steps", () => {
  const times = Array.from({ length: 4001 }, (_, i) => i * 0.005);
  const ends = new Set<number>();
  for (const rtol of [1e-6, 1e-9]) {
    ends.clear();
    const sol = dopri5(oscillator(), times, {
      rtol,
      atol: rtol * 1e-2,
      onStep: (t) => ends.add(t),
    });
    // far fewer steps than requested times: most of them are interpolated
    assert.ok(sol.steps < times.length / 4, `steps ${sol.steps}`);
    let inside = 0, worstInside = 0, worstEnd = 0;
    for (let i = 0; i < times.length; i++) {
      const e = oscillatorError(sol.states[i], times[i]);
      if (ends.has(times[i]) || i === 0) worstEnd = Math.max(worstEnd, e);
      else {
        inside++;
        worstInside = Math.max(worstInside, e);
      }
    }
    assert.ok(inside > times.length / 2);
    assert.ok(worstInside < 100 * rtol, `rtol ${rtol}: worst interpolated error ${worstInside}`);
  }
  // the interpolant is a continuous curve: samples within one step of sin(t) are smooth
  const fine = Array.from({ length: 1001 }, (_, i) => i * 1e-3);
  const sol = dopri5({ rhs: (t, _y, dy) => (dy[0] = Math.cos(t), undefined), y0: [0] }, fine, {
    rtol: 1e-7,
  });
  assert.ok(sol.steps < 20);
  for (let i = 0; i < fine.length; i++) {
    assert.ok(Math.abs(sol.states[i][0] - Math.sin(fine[i])) < 1e-7, `t=${fine[i]}`);
  }
});

Deno.test("DOPRI5 rejects steps at a sharp transient and stays accurate", () => {
  // y' = k (1 + tanh((t - 1) / w)): a jump in the slope of width w at t = 1
  const k = 50, w = 1e-3;
  const lncosh = (x: number) => Math.abs(x) + Math.log1p(Math.exp(-2 * Math.abs(x))) - Math.LN2;
  const exact = (t: number) => k * (t + w * lncosh((t - 1) / w) - w * lncosh(-1 / w));
  const times = [0.5, 0.999, 1, 1.001, 1.5, 2];
  const sol = dopri5(
    { rhs: (t, _y, dy) => (dy[0] = k * (1 + Math.tanh((t - 1) / w)), undefined), y0: [0] },
    times,
    {
      rtol: 1e-8,
      atol: 1e-10,
    },
  );
  assert.ok(sol.rejected > 0, `rejected ${sol.rejected}`);
  for (let i = 0; i < times.length; i++) {
    assert.ok(
      Math.abs(sol.states[i][0] - exact(times[i])) < 1e-6 * Math.max(1, exact(times[i])),
      `t=${times[i]}`,
    );
  }
  // function evaluations: 6 per attempt, plus the first slope and the starting-step probe
  assert.equal(sol.rhsEvaluations, 6 * (sol.steps + sol.rejected) + 2);
});

Deno.test("per-component tolerances are honoured", () => {
  // two decoupled decays; only the first is asked for accuracy
  const prob: OdeProblem = {
    rhs: (_t, y, dy) => {
      dy[0] = -y[0];
      dy[1] = -y[1];
    },
    y0: [1, 1],
  };
  const both = dopri5(prob, [3], { rtol: [1e-10, 1e-10], atol: [1e-12, 1e-12] });
  const one = dopri5(prob, [3], { rtol: [1e-10, 1e-2], atol: [1e-12, 1e-2] });
  assert.ok(relErr(one.states[0][0], Math.exp(-3)) < 1e-8);
  // the RMS norm over components: a loose second component lets the steps grow a little
  assert.ok(
    one.steps < both.steps && one.steps > 0.8 * both.steps,
    `${one.steps} vs ${both.steps}`,
  );
  assert.throws(() => dopri5(prob, [1], { atol: [1e-6] }), ConfigError);
});

// ---------------------------------------------------------------------------
// Guards

Deno.test("the domain guard stops the solve with a DomainError at the right t", () => {
  const fall: OdeProblem = { rhs: (_t, _y, dy) => (dy[0] = -1, undefined), y0: [1] };
  const check = (_t: number, y: Float64Array) => (y[0] < 0.45 ? `variance ${y[0]} <= 0.45` : null);
  const seen: number[] = [];
  const err = assert.throws(
    () => euler(fall, [2], 0.1, { check, onStep: (t) => seen.push(t) }),
    (e: unknown) => {
      assert.ok(e instanceof DomainError && e instanceof IntegrationError);
      assert.ok(Math.abs(e.t - 0.6) < 1e-12, `t = ${e.t}`);
      assert.equal(e.reason, "domain");
      assert.match(e.message, /t = 0\.6/);
      assert.match(e.detail, /variance 0\.39\d* <= 0\.45/);
      return true;
    },
  );
  assert.equal(err, undefined);
  assert.equal(seen.length, 5); // onStep is not called for the offending step

  // DOPRI5: at the end of the first accepted step past t = 0.55
  assert.throws(() => dopri5(fall, [2], { check, hMax: 0.05 }), (e: unknown) => {
    assert.ok(e instanceof DomainError);
    assert.ok(e.t > 0.55 - 1e-12 && e.t <= 0.6 + 1e-12, `t = ${e.t}`);
    return true;
  });
  // an initial state outside the domain is refused at t0
  assert.throws(
    () => rk4({ ...fall, y0: [0.1], t0: 3 }, [4], 0.1, { check }),
    (e: unknown) => e instanceof DomainError && e.t === 3,
  );
});

Deno.test("a blow-up throws instead of returning NaN: non-finite state or step underflow, naming t", () => {
  const blowUp: OdeProblem = { rhs: (_t, y, dy) => (dy[0] = y[0] * y[0], undefined), y0: [1] };
  assert.throws(() => euler(blowUp, [3], 0.01), (e: unknown) => {
    assert.ok(e instanceof IntegrationError && e.reason === "non-finite");
    assert.ok(e.t > 1 && e.t < 3, `t = ${e.t}`);
    assert.match(e.message, /t = \d/);
    return true;
  });
  assert.throws(() => dopri5(blowUp, [3]), (e: unknown) => {
    assert.ok(e instanceof IntegrationError && e.reason === "step-underflow");
    assert.ok(Math.abs(e.t - 1) < 1e-3, `t = ${e.t}`); // y = 1 / (1 - t)
    return true;
  });
  // a right-hand side that returns NaN (e.g. sqrt of a negative variance) is rejected, then underflows
  const sqrtProb: OdeProblem = {
    rhs: (_t, y, dy) => (dy[0] = -Math.sqrt(y[0]) * 10, undefined),
    y0: [1],
  };
  assert.throws(() => dopri5(sqrtProb, [5]), (e: unknown) => {
    assert.ok(e instanceof IntegrationError);
    assert.ok(Math.abs(e.t - 0.2) < 1e-2, `t = ${e.t}`); // sqrt(y) = 1 - 5 t reaches 0 at t = 0.2
    return true;
  });
});

Deno.test("maxSteps and an abort signal stop the solve", () => {
  assert.throws(() => dopri5(oscillator(), [1000], { maxSteps: 20 }), (e: unknown) => {
    assert.ok(e instanceof IntegrationError && e.reason === "max-steps");
    assert.ok(e.t > 0 && e.t < 1000);
    assert.match(e.message, /maxSteps = 20/);
    return true;
  });
  assert.throws(() => euler(exponential(-1), [1], 0.1, { maxSteps: 5 }), (e: unknown) => {
    assert.ok(e instanceof IntegrationError && e.reason === "max-steps");
    assert.ok(Math.abs(e.t - 0.5) < 1e-12);
    return true;
  });
  const ctrl = new AbortController();
  let n = 0;
  assert.throws(
    () =>
      rk4(exponential(-1), [1], 0.01, {
        signal: ctrl.signal,
        onStep: () => ++n === 3 && ctrl.abort(new Error("stop")),
      }),
    /stop/,
  );
  assert.equal(n, 3);
});

Deno.test("invalid input is refused with a ConfigError naming the parameter", () => {
  const p = exponential(-1);
  assert.throws(() => solve(p, [1], { method: "euler" }), /invalid h/);
  assert.throws(() => solve(p, [1], { method: "rk4", h: -1 }), /invalid h/);
  assert.throws(() => solve(p, [1, 0.5], { method: "dopri5" }), /invalid times\[1\]/);
  assert.throws(() => solve({ ...p, t0: 2 }, [1], { method: "dopri5" }), /invalid times\[0\]/);
  assert.throws(() => solve(p, [1], { method: "rk45" as "rk4" }), /invalid method/);
  assert.throws(() => solve({ ...p, y0: [NaN] }, [1], { method: "rk4", h: 1 }), /invalid y0\[0\]/);
  assert.throws(() => solve(p, [1], { method: "dopri5", rtol: 0, atol: 0 }), ConfigError);
});
