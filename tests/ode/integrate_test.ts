import assert from "node:assert/strict";
import {
  DomainError,
  dopri5,
  euler,
  IntegrationError,
  type OdeProblem,
  rk4,
  ROS34PW2,
  rosenbrock,
  solve,
} from "../../src/ode/integrate.ts";
import { ConfigError } from "../../src/core/errors.ts";

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
  for (const method of ["euler", "rk4", "dopri5", "rosenbrock"] as const) {
    const sol = solve(exponential(-1), [0, 0, 1, 1], { method, h: 0.1 });
    assert.equal(sol.states.length, 4);
    assert.equal(sol.states[0][0], 1);
    assert.notStrictEqual(sol.states[0], sol.states[1]);
    assert.equal(sol.states[2][0], sol.states[3][0]);
    sol.states[2][0] = 42;
    assert.notEqual(sol.states[3][0], 42);
  }
  assert.deepEqual(solve(exponential(-1), [], { method: "dopri5" }).states, []);
  assert.deepEqual(solve(exponential(-1), [], { method: "rosenbrock" }).states, []);
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
  // a fixed step's budget is known before the first step: refused at t0, no step taken
  let stepped = 0;
  assert.throws(
    () => euler(exponential(-1), [1], 0.1, { maxSteps: 5, onStep: () => stepped++ }),
    (e: unknown) => {
      assert.ok(e instanceof IntegrationError && e.reason === "max-steps");
      assert.equal(e.t, 0);
      assert.match(e.message, /10 steps of h = 0.1 .* more than maxSteps = 5/);
      return true;
    },
  );
  assert.equal(stepped, 0);
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
  assert.throws(() => solve(p, [1], { method: "rosenbrock", rtol: 0, atol: 0 }), ConfigError);
  assert.throws(() => rosenbrock(p, [1], { atol: [1e-6, 1e-6] }), /invalid atol/);
  assert.throws(
    () => rosenbrock(p, [1], { jacobian: 3 as unknown as () => void }),
    /invalid jacobian/,
  );
  assert.throws(
    () => rosenbrock(p, [1], { autonomous: "yes" as unknown as boolean }),
    /invalid autonomous/,
  );
});

// ---------------------------------------------------------------------------
// Rosenbrock-W (ROS34PW2)

/** Stiff linear system with eigenvalues -1 and -L: A = [[L-2, 2L-2], [1-L, 1-2L]]. */
function stiffMatrix(L: number): number[] {
  return [L - 2, 2 * L - 2, 1 - L, 1 - 2 * L];
}

/** Robertson's chemical kinetics (Hairer & Wanner, Solving ODE II, IV.1). */
const ROBERTSON: OdeProblem = {
  rhs: (_t, y, dy) => {
    dy[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
    dy[2] = 3e7 * y[1] * y[1];
    dy[1] = -dy[0] - dy[2];
  },
  y0: [1, 0, 0],
};

/** One step of length h from t0 = 0: hInit = hMax = h and tolerances that accept any step. */
const oneStep = { rtol: 1e3, atol: 1e3 } as const;
function fixedStep(h: number) {
  return { hInit: h, hMax: h, ...oneStep };
}

/** Tableau sums: c = alpha 1, g = Gamma 1 (with the diagonal), B = alpha + Gamma. */
function tableauParts() {
  const s = ROS34PW2.b.length, gam = ROS34PW2.gamma;
  const G = Array.from(
    { length: s },
    (_, i) => Array.from({ length: s }, (_, j) => (i === j ? gam : ROS34PW2.gammaLower[i][j])),
  );
  const al = ROS34PW2.alpha.map((r) => [...r]);
  const B = al.map((r, i) => r.map((x, j) => x + G[i][j]));
  const mul = (M: number[][], v: number[]) =>
    M.map((r) => r.reduce((acc, x, j) => acc + x * v[j], 0));
  const dot = (u: readonly number[], v: readonly number[]) =>
    u.reduce((acc, x, i) => acc + x * v[i], 0);
  const one = new Array(s).fill(1);
  const c = mul(al, one), g = mul(G, one);
  return { s, G, al, B, mul, dot, one, c, g };
}

/** R(z) = 1 + z b^T (I - z B)^-1 1 for complex z = (zr, zi), B lower triangular. */
function stability(weights: readonly number[], zr: number, zi: number): [number, number] {
  const { s, B } = tableauParts();
  const xr = new Array(s).fill(0), xi = new Array(s).fill(0);
  for (let i = 0; i < s; i++) {
    // (1 - z B_ii) x_i = 1 + z sum_{j<i} B_ij x_j
    let sr = 1, si = 0;
    for (let j = 0; j < i; j++) {
      sr += B[i][j] * (zr * xr[j] - zi * xi[j]);
      si += B[i][j] * (zr * xi[j] + zi * xr[j]);
    }
    const dr = 1 - zr * B[i][i], di = -zi * B[i][i];
    const den = dr * dr + di * di;
    xr[i] = (sr * dr + si * di) / den;
    xi[i] = (si * dr - sr * di) / den;
  }
  let br = 0, bi = 0;
  for (let i = 0; i < s; i++) {
    br += weights[i] * xr[i];
    bi += weights[i] * xi[i];
  }
  return [1 + zr * br - zi * bi, zr * bi + zi * br];
}

Deno.test("ROS34PW2 tableau: W-method order 3, embedded order 2, stiffly accurate, L-stable", () => {
  const { s, G, al, B, mul, dot, one, c, g } = tableauParts();
  const { b, bHat, gamma } = ROS34PW2;
  const close = (x: number, want: number, what: string) =>
    assert.ok(Math.abs(x - want) < 1e-14, `${what}: ${x} vs ${want}`);
  close(gamma ** 3 - 3 * gamma ** 2 + 1.5 * gamma - 1 / 6, 0, "gamma polynomial");
  // W-method order conditions up to order 3 (any W in place of the Jacobian)
  const c2 = c.map((x) => x * x);
  const conditions = (w: readonly number[]) => [
    [dot(w, one), 1],
    [dot(w, c), 1 / 2],
    [dot(w, g), 0],
    [dot(w, c2), 1 / 3],
    [dot(w, mul(al, c)), 1 / 6],
    [dot(w, mul(al, g)), 0],
    [dot(w, mul(G, c)), 0],
    [dot(w, mul(G, g)), 0],
  ];
  conditions(b).forEach(([x, want], k) => close(x, want, `b, condition ${k}`));
  const emb = conditions(bHat);
  emb.slice(0, 3).forEach(([x, want], k) => close(x, want, `bHat, condition ${k}`));
  assert.ok(Math.abs(emb[3][0] - 1 / 3) > 1e-2, "the embedded method is of order 2 only");
  // with the exact Jacobian (Hairer & Wanner Table IV.7.1): sum b beta beta' = 1/6 - gamma + gamma^2
  close(dot(b, mul(B, mul(B, one))), 1 / 6, "Rosenbrock order-3 condition");
  // stiffly accurate: b is the last row of alpha + Gamma
  for (let j = 0; j < s; j++) close(b[j], B[s - 1][j], `stiff accuracy b[${j}]`);
  // dense output: order-2 W conditions at every theta, one order-3 condition, b(1) = b
  for (const th of [0.1, 0.37, 0.5, 0.81, 1]) {
    const bt = ROS34PW2.dense.map((r) => r.reduce((acc, x, k) => acc + x * th ** (k + 1), 0));
    close(dot(bt, one), th, `dense sum at ${th}`);
    close(dot(bt, c), th * th / 2, `dense c at ${th}`);
    close(dot(bt, g), 0, `dense g at ${th}`);
    close(dot(bt, c2), th ** 3 / 3, `dense c^2 at ${th}`);
    if (th === 1) bt.forEach((x, i) => close(x, b[i], `dense b(1)[${i}]`));
    // no amplification of stiff components inside a step
    for (let k = -3; k <= 12; k += 0.25) {
      assert.ok(Math.abs(stability(bt, -(10 ** k), 0)[0]) <= 1 + 1e-12, `R_${th}(-1e${k})`);
    }
  }
  // stability function: R(z) - e^z = O(z^4), R(-inf) = 0, |R| <= 1 on the imaginary axis
  const r4 = [0.02, 0.01].map((z) => (stability(b, -z, 0)[0] - Math.exp(-z)) / z ** 4);
  assert.ok(Math.abs(r4[0] / r4[1] - 1) < 0.05, `local error constant ${r4}`);
  assert.ok(Math.abs(stability(b, -1e12, 0)[0]) < 1e-11);
  assert.ok(Math.abs(stability(bHat, -1e12, 0)[0]) < 0.5); // A-stable, not L-stable
  for (let k = -3; k <= 6; k += 0.05) {
    for (const w of [b, bHat]) {
      assert.ok(Math.hypot(...stability(w, 0, 10 ** k)) <= 1 + 1e-12, `|R(i 1e${k})|`);
      assert.ok(Math.abs(stability(w, -(10 ** k), 0)[0]) <= 1, `|R(-1e${k})|`);
    }
  }
});

Deno.test("rosenbrock: one step on a linear problem is R(h lambda) y0 of the tableau", () => {
  // y' = lambda y with the exact Jacobian: the step reproduces the stability function
  for (const z of [-1e8, -1e3, -10, -1, -0.1, 0.5]) {
    const h = 0.25, lambda = z / h;
    const sol = rosenbrock(exponential(lambda), [h], {
      ...fixedStep(h),
      jacobian: (_t, _y, J) => (J[0] = lambda, undefined),
      autonomous: true,
    });
    assert.equal(sol.steps, 1);
    const R = stability(ROS34PW2.b, z, 0)[0];
    assert.ok(Math.abs(sol.states[0][0] - R) <= 1e-13 * Math.max(1, Math.abs(R)), `z = ${z}`);
  }
  // L-stable: the fast mode is annihilated in one large step (down to the
  // relative error ~ sqrt(eps) of a finite-difference Jacobian) ...
  const big = rosenbrock(exponential(-1e12), [1], fixedStep(1));
  assert.ok(Math.abs(big.states[0][0]) < 1e-7, `${big.states[0][0]}`);
  // ... and A-stable: a rotation (eigenvalues +-i omega) never grows
  for (const omega of [0.5, 3, 100, 1e5]) {
    const sol = rosenbrock(oscillator(omega), [1], fixedStep(1));
    const norm = Math.hypot(sol.states[0][0], sol.states[0][1] / omega);
    assert.ok(norm <= 1 + 1e-12, `omega ${omega}: ${norm}`);
  }
});

Deno.test("rosenbrock: order 3 at fixed steps, also with an inexact Jacobian (W-method)", () => {
  // non-autonomous and nonlinear: y' = -2 t y^2, y = 1 / (1 + t^2)
  const prob: OdeProblem = {
    rhs: (t, y, dy) => (dy[0] = -2 * t * y[0] * y[0], undefined),
    y0: [1],
  };
  const T = 2, exact = 1 / (1 + T * T);
  const variants: [string, Record<string, unknown>][] = [
    ["finite differences", {}],
    ["exact Jacobian", {
      jacobian: (t: number, y: Float64Array, J: Float64Array) => (J[0] = -4 * t * y[0]),
    }],
    ["W = J / 2", {
      jacobian: (t: number, y: Float64Array, J: Float64Array) => (J[0] = -2 * t * y[0]),
    }],
    ["W = 0", { jacobian: () => {} }],
  ];
  for (const [name, extra] of variants) {
    const errs = [40, 80, 160].map((N) =>
      Math.abs(rosenbrock(prob, [T], { ...fixedStep(T / N), ...extra }).states[0][0] - exact)
    );
    for (let i = 0; i + 1 < errs.length; i++) {
      const order = Math.log2(errs[i] / errs[i + 1]);
      assert.ok(Math.abs(order - 3) < 0.2, `${name}: order ${order} (errors ${errs})`);
    }
  }
  // autonomous, linear: the oscillator
  const osc = [25, 50, 100].map((N) =>
    oscillatorError(rosenbrock(oscillator(), [5], fixedStep(5 / N)).states[0], 5)
  );
  for (let i = 0; i + 1 < osc.length; i++) {
    const order = Math.log2(osc[i] / osc[i + 1]);
    assert.ok(Math.abs(order - 3) < 0.15, `oscillator order ${order}`);
  }
});

Deno.test("rosenbrock: the error follows the tolerance, steps grow like rtol^(-1/3)", () => {
  const runs = [1e-4, 1e-6, 1e-8].map((rtol) => {
    const sol = rosenbrock(oscillator(), [10], { rtol, atol: rtol * 1e-3 });
    return { rtol, steps: sol.steps, err: oscillatorError(sol.states[0], 10) };
  });
  for (const r of runs) {
    assert.ok(r.err < 100 * r.rtol && r.err > 0, `rtol ${r.rtol}: error ${r.err}`);
  }
  for (let i = 0; i + 1 < runs.length; i++) {
    const ratio = runs[i + 1].steps / runs[i].steps; // 100^(1/3) = 4.6
    assert.ok(ratio > 3.5 && ratio < 6, `steps ${runs.map((r) => r.steps)}`);
    assert.ok(runs[i + 1].err < runs[i].err / 20, `errors ${runs.map((r) => r.err)}`);
  }
});

Deno.test("rosenbrock: dense output is accurate inside steps, for slow and for stiff components", () => {
  const times = Array.from({ length: 2001 }, (_, i) => i * 0.01);
  for (const rtol of [1e-3, 1e-5]) {
    const ends: number[] = [];
    const sol = rosenbrock(oscillator(), times, {
      rtol,
      atol: rtol * 1e-2,
      onStep: (t) => ends.push(t),
    });
    // most requested times fall inside steps; only the last one is a step end
    assert.ok(sol.steps < times.length / 3, `steps ${sol.steps}`);
    assert.equal(ends.filter((t) => times.includes(t)).length, 1);
    let worstInside = 0;
    for (let i = 1; i + 1 < times.length; i++) {
      worstInside = Math.max(worstInside, oscillatorError(sol.states[i], times[i]));
    }
    // the interpolation error stays below the global error accumulated by t = 20
    const atEnd = oscillatorError(sol.states[times.length - 1], 20);
    assert.ok(worstInside < 20 * rtol, `rtol ${rtol}: worst interpolated error ${worstInside}`);
    assert.ok(worstInside < 1.5 * atEnd, `rtol ${rtol}: ${worstInside} vs ${atEnd} at t = 20`);
  }
  // Robertson's y2 ~ 1e-5 is a fast (quasi-stationary) component: an interpolant
  // built from f at the step ends would be off by up to 100%; the stage-based one is not
  const grid = [0.4, 4, 40, 400];
  const sol = rosenbrock(ROBERTSON, grid, { rtol: 1e-4, atol: [1e-6, 1e-12, 1e-6] });
  const atEnd = rosenbrock(ROBERTSON, [40], { rtol: 1e-4, atol: [1e-6, 1e-12, 1e-6] });
  assert.ok(relErr(sol.states[2][1], 9.185535e-6) < 1e-3, `y2(40) = ${sol.states[2][1]}`);
  assert.ok(relErr(atEnd.states[0][1], 9.185535e-6) < 1e-3, `y2(40) = ${atEnd.states[0][1]}`);
});

Deno.test("rosenbrock: stiff 2 x 2 system (eigenvalues -1, -1e4 ... -1e6) to t = 10 in < 200 steps", () => {
  const y0 = [1, 0.5];
  const times = [1e-6, 1e-4, 0.01, 0.1, 1, 5, 10];
  for (const L of [1e4, 1e5, 1e6]) {
    const A = stiffMatrix(L);
    const exact = linear2Exact(A, y0);
    for (
      const jacobian of [undefined, (_t: number, _y: Float64Array, J: Float64Array) => J.set(A)]
    ) {
      const sol = rosenbrock(linear2(A, y0), times, { rtol: 1e-4, atol: 1e-10, jacobian });
      assert.ok(sol.steps < 200, `L = ${L}: ${sol.steps} steps`);
      for (let i = 0; i < times.length; i++) {
        const [u, v] = exact(times[i]);
        const e = Math.hypot(sol.states[i][0] - u, sol.states[i][1] - v) / Math.hypot(u, v);
        assert.ok(e < 1e-3, `L = ${L}, t = ${times[i]}: relative error ${e}`);
      }
    }
  }
  // DOPRI5 is held to |h lambda| <~ 3.3 by stability: > 10,000 steps at L = 1e4 ...
  const A4 = stiffMatrix(1e4);
  const d = dopri5(linear2(A4, y0), [10], { rtol: 1e-4, atol: 1e-10 });
  assert.ok(d.steps > 10_000, `dopri5 steps ${d.steps}`);
  // ... and at L = 1e6 it spends 20,000 steps on the first 0.07 time units
  assert.throws(
    () =>
      dopri5(linear2(stiffMatrix(1e6), y0), [10], { rtol: 1e-4, atol: 1e-10, maxSteps: 20_000 }),
    (e: unknown) => e instanceof IntegrationError && e.reason === "max-steps" && e.t < 0.1,
  );
});

Deno.test("rosenbrock: Robertson's kinetics to t = 1e5 conserve mass and match the reference at t = 40", () => {
  const times = [1e-5, 1e-3, 0.4, 4, 40, 400, 4e3, 4e4, 1e5];
  const atol = [1e-8, 1e-14, 1e-8];
  const sol = rosenbrock(ROBERTSON, times, { rtol: 1e-6, atol });
  assert.ok(sol.steps < 1000, `steps ${sol.steps}`);
  for (let i = 0; i < times.length; i++) {
    const y = sol.states[i];
    assert.ok(Math.abs(y[0] + y[1] + y[2] - 1) < 1e-6, `mass at t = ${times[i]}`);
    assert.ok(y[0] > 0 && y[1] > 0 && y[2] > 0, `positivity at t = ${times[i]}`);
  }
  // reference values (Hairer & Wanner, Solving ODE II, IV.10)
  const y40 = sol.states[4];
  assert.ok(relErr(y40[0], 0.7158271) < 1e-5, `y1(40) = ${y40[0]}`);
  assert.ok(relErr(y40[1], 9.185535e-6) < 1e-4, `y2(40) = ${y40[1]}`);
  assert.ok(relErr(y40[2], 0.2841637) < 1e-5, `y3(40) = ${y40[2]}`);
  // at t = 1e5 against a 1000x tighter run
  const tight = rosenbrock(ROBERTSON, [1e5], { rtol: 1e-9, atol: atol.map((a) => a * 1e-3) });
  for (let k = 0; k < 3; k++) {
    assert.ok(relErr(sol.states[8][k], tight.states[0][k]) < 1e-4, `y${k + 1}(1e5)`);
  }
  assert.ok(relErr(tight.states[0][0], 1.786592e-2) < 1e-5, `${tight.states[0][0]}`);
  // DOPRI5 needs > 30,000 steps for t = 40 already
  assert.throws(
    () => dopri5(ROBERTSON, [40], { rtol: 1e-6, atol, maxSteps: 20_000 }),
    (e: unknown) => e instanceof IntegrationError && e.reason === "max-steps" && e.t < 40,
  );
});

Deno.test("rosenbrock: van der Pol with mu = 1000 over one period", () => {
  const mu = 1000;
  const vdp: OdeProblem = {
    rhs: (_t, y, dy) => {
      dy[0] = y[1];
      dy[1] = mu * (1 - y[0] * y[0]) * y[1] - y[0];
    },
    y0: [2, 0],
  };
  // period (3 - 2 ln 2) mu + 3 a mu^(-1/3) + O(ln(mu) / mu), a = 2.338107 (first zero of -Ai)
  const period = (3 - 2 * Math.LN2) * mu + 3 * 2.338107 * Math.cbrt(1 / mu);
  // the two downward zero crossings, from fine grids around half and 3/2 periods
  const window = (c: number) => Array.from({ length: 3001 }, (_, i) => c - 1.5 + i * 1e-3);
  const grid = [...window(period / 2), ...window(1.5 * period)];
  const sol = rosenbrock(vdp, grid, { rtol: 1e-6, atol: 1e-8 });
  assert.ok(sol.steps < 10_000, `steps ${sol.steps}`);
  const crossings: number[] = [];
  for (let i = 1; i < grid.length; i++) {
    const a = sol.states[i - 1][0], b = sol.states[i][0];
    if (grid[i] - grid[i - 1] < 0.01 && a > 0 && b <= 0) {
      crossings.push(grid[i - 1] + (grid[i] - grid[i - 1]) * a / (a - b));
    }
  }
  assert.equal(crossings.length, 2, `crossings ${crossings}`);
  const measured = crossings[1] - crossings[0];
  assert.ok(Math.abs(measured - period) < 0.05, `period ${measured} vs ${period}`);
  // the amplitude stays 2 (up to O(mu^(-4/3))) between the jumps
  const maxAbs = Math.max(...sol.states.map((y) => Math.abs(y[0])));
  assert.ok(Math.abs(maxAbs - 2) < 1e-2, `amplitude ${maxAbs}`);
  // DOPRI5 crawls at h ~ 3 / mu on the slow branches
  assert.throws(
    () => dopri5(vdp, [period], { rtol: 1e-6, atol: 1e-8, maxSteps: 20_000 }),
    (e: unknown) =>
      e instanceof IntegrationError && e.reason === "max-steps" && e.t < 0.05 * period,
  );
});

Deno.test("rosenbrock: rhs evaluations are counted, and the Jacobian is reused when a step is rejected", () => {
  // the sharp transient of the DOPRI5 test forces rejections
  const k = 50, w = 1e-3;
  const prob: OdeProblem = {
    rhs: (t, y, dy) => {
      dy[0] = k * (1 + Math.tanh((t - 1) / w)) - 0.1 * y[0];
      dy[1] = -y[1];
    },
    y0: [0, 1],
  };
  const n = 2;
  const fd = rosenbrock(prob, [2], { rtol: 1e-6, atol: 1e-9 });
  assert.ok(fd.rejected > 0, `rejected ${fd.rejected}`);
  // f(t0) + the starting-step probe + 3 stages per attempt + f(t_new) after every
  // accepted step but the last + (n + 1: Jacobian and df/dt) once per accepted state
  assert.equal(
    fd.rhsEvaluations,
    2 + 3 * (fd.steps + fd.rejected) + (fd.steps - 1) + (n + 1) * fd.steps,
  );
  let jacobians = 0;
  const user = rosenbrock(prob, [2], {
    rtol: 1e-6,
    atol: 1e-9,
    jacobian: (_t, _y, J) => {
      jacobians++;
      J[0] = -0.1;
      J[3] = -1;
    },
  });
  assert.equal(jacobians, user.steps);
  assert.equal(
    user.rhsEvaluations,
    2 + 3 * (user.steps + user.rejected) + (user.steps - 1) + user.steps,
  );
  const auto = rosenbrock(exponential(-1), [1], { autonomous: true, hInit: 0.1 });
  assert.equal(
    auto.rhsEvaluations,
    1 + 3 * (auto.steps + auto.rejected) + (auto.steps - 1) + auto.steps,
  );
});

Deno.test("rosenbrock: domain guard, blow-up, NaN, singular matrix, maxSteps and abort", () => {
  // domain guard
  const fall: OdeProblem = { rhs: (_t, _y, dy) => (dy[0] = -1, undefined), y0: [1] };
  const check = (_t: number, y: Float64Array) => (y[0] < 0.45 ? `variance ${y[0]} <= 0.45` : null);
  const seen: number[] = [];
  assert.throws(
    () => rosenbrock(fall, [2], { check, hMax: 0.05, onStep: (t) => seen.push(t) }),
    (e: unknown) => {
      assert.ok(e instanceof DomainError);
      assert.ok(e.t > 0.55 - 1e-12 && e.t <= 0.6 + 1e-12, `t = ${e.t}`);
      assert.equal(e.t, seen[seen.length - 1] + Math.min(0.05, e.t - seen[seen.length - 1]));
      return true;
    },
  );
  assert.throws(
    () => rosenbrock({ ...fall, y0: [0.1], t0: 3 }, [4], { check }),
    (e: unknown) => e instanceof DomainError && e.t === 3,
  );
  // y' = y^2 blows up at t = 1: the step size underflows there
  const blowUp: OdeProblem = { rhs: (_t, y, dy) => (dy[0] = y[0] * y[0], undefined), y0: [1] };
  assert.throws(() => rosenbrock(blowUp, [3]), (e: unknown) => {
    assert.ok(e instanceof IntegrationError && e.reason === "step-underflow");
    assert.ok(Math.abs(e.t - 1) < 1e-3, `t = ${e.t}`);
    assert.match(e.message, /t = 1\.0/);
    return true;
  });
  // sqrt of a negative state: NaN trial steps are rejected until the step underflows
  const sqrtProb: OdeProblem = {
    rhs: (_t, y, dy) => (dy[0] = -Math.sqrt(y[0]) * 10, undefined),
    y0: [1],
  };
  assert.throws(() => rosenbrock(sqrtProb, [5]), (e: unknown) => {
    assert.ok(e instanceof IntegrationError);
    assert.ok(Math.abs(e.t - 0.2) < 1e-2, `t = ${e.t}`);
    return true;
  });
  // a non-finite Jacobian stops at once, naming the entry
  assert.throws(
    () => rosenbrock(exponential(-1), [1], { jacobian: (_t, _y, J) => (J[0] = NaN, undefined) }),
    (e: unknown) =>
      e instanceof IntegrationError && e.reason === "non-finite" && e.t === 0 &&
      /entry \(0, 0\) of the Jacobian/.test(e.message),
  );
  // I / (h gamma) - J singular at the first trial step: halved and retried
  const lam = 1 / ROS34PW2.gamma;
  const grow = rosenbrock(exponential(lam), [1], {
    hInit: 1,
    rtol: 1e-8,
    atol: 1e-10,
    jacobian: (_t, _y, J) => (J[0] = lam, undefined),
    autonomous: true,
  });
  assert.ok(grow.rejected >= 1);
  assert.ok(relErr(grow.states[0][0], Math.exp(lam)) < 1e-6);
  // ... and singular whatever the step: IntegrationError at the time reached
  assert.throws(
    () =>
      rosenbrock({ ...oscillator(), t0: 2 }, [3], {
        jacobian: (_t, _y, J) => (J.fill(1e300), undefined),
      }),
    (e: unknown) => {
      assert.ok(e instanceof IntegrationError && e.reason === "singular-matrix");
      assert.equal(e.t, 2);
      assert.match(e.message, /singular/);
      return true;
    },
  );
  // maxSteps and abort
  assert.throws(() => rosenbrock(oscillator(), [1000], { maxSteps: 20 }), (e: unknown) => {
    assert.ok(e instanceof IntegrationError && e.reason === "max-steps");
    assert.ok(e.t > 0 && e.t < 1000);
    return true;
  });
  const ctrl = new AbortController();
  let calls = 0;
  assert.throws(
    () =>
      rosenbrock(oscillator(), [100], {
        signal: ctrl.signal,
        onStep: () => ++calls === 3 && ctrl.abort(new Error("stop")),
      }),
    /stop/,
  );
  assert.equal(calls, 3);
});
