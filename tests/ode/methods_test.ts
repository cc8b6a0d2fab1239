import assert from "node:assert/strict";
import {
  type IntegratorEntry,
  INTEGRATORS,
  ODE_METHODS,
  type OdeMethod,
  type OdeMethodAlias,
  type OdeProblem,
  resolveIntegrator,
  solve,
  type SolveOptions,
} from "../../src/ode/mod.ts";
import { ConfigError } from "../../src/core/errors.ts";

const ENTRIES: IntegratorEntry[] = Object.values(INTEGRATORS);

/** y' = -y, y(0) = 1. */
const DECAY: OdeProblem = { rhs: (_t, y, dy) => (dy[0] = -y[0], undefined), y0: [1] };

/**
 * Options that run `entry` at the step h: `h` for a fixed-step method; for an
 * adaptive one hInit = hMax = h and tolerances that accept every step.
 */
function atStep(entry: IntegratorEntry, h: number): SolveOptions {
  return entry.adaptive
    ? { method: entry.name as OdeMethod, hInit: h, hMax: h, rtol: 1e3, atol: 1e3 }
    : { method: entry.name as OdeMethod, h };
}

Deno.test("the registry: canonical names, aliases, and ODE_METHODS derived from it", () => {
  assert.deepEqual(Object.keys(INTEGRATORS), ["euler", "rk4", "dopri5", "rosenbrock"]);
  assert.deepEqual([...ODE_METHODS], Object.keys(INTEGRATORS));
  for (const [key, entry] of Object.entries(INTEGRATORS)) {
    assert.equal(entry.name, key);
    assert.ok(Array.isArray(entry.aliases));
    assert.equal(typeof entry.adaptive, "boolean");
    assert.ok(Number.isInteger(entry.order) && entry.order >= 1, `${key}: order ${entry.order}`);
    assert.ok(entry.doc.length > 10 && !entry.doc.includes("\n"), `${key}: doc "${entry.doc}"`);
    assert.equal(typeof entry.create, "function");
    if (entry.adaptive) {
      assert.ok(entry.errorOrder >= 1);
      assert.equal(typeof entry.controller, "function");
      assert.notStrictEqual(entry.controller(), entry.controller()); // one per solve
    }
  }
  assert.deepEqual(
    ENTRIES.map((e) => [e.name, e.adaptive, e.order]),
    [["euler", false, 1], ["rk4", false, 4], ["dopri5", true, 5], ["rosenbrock", true, 3]],
  );
  // the name types follow the registry
  const aliases: OdeMethodAlias[] = ["adaptive", "stiff"];
  assert.deepEqual(ENTRIES.flatMap((e) => e.aliases), aliases);
  // @ts-expect-error an alias is not a canonical name
  const notCanonical: OdeMethod = "adaptive";
  assert.ok(!ODE_METHODS.includes(notCanonical));
  // no name is claimed twice
  const names = ENTRIES.flatMap((e) => [e.name, ...e.aliases]);
  assert.equal(new Set(names).size, names.length);
});

Deno.test("resolveIntegrator accepts names and aliases and refuses others with a ConfigError", () => {
  for (const name of ODE_METHODS) assert.strictEqual(resolveIntegrator(name), INTEGRATORS[name]);
  assert.strictEqual(resolveIntegrator("adaptive"), INTEGRATORS.dopri5);
  assert.strictEqual(resolveIntegrator("stiff"), INTEGRATORS.rosenbrock);
  for (const bad of ["rk45", "", "Euler", "toString", "constructor", "__proto__"]) {
    assert.throws(() => resolveIntegrator(bad), (e: unknown) => {
      assert.ok(e instanceof ConfigError, `${bad}: ${e}`);
      assert.equal(e.param, "integrator");
      assert.equal(e.value, bad);
      for (const name of names()) assert.ok(e.allowed.includes(`"${name}"`), e.allowed);
      assert.match(e.message, /^invalid integrator: got "/);
      return true;
    });
  }
  assert.throws(() => resolveIntegrator(undefined as unknown as string), ConfigError);
  // solve names the parameter "method"
  assert.throws(
    () => solve(DECAY, [1], { method: "rk45" as OdeMethod }),
    (e: unknown) => e instanceof ConfigError && e.param === "method" && e.value === "rk45",
  );
});

function names(): string[] {
  return ENTRIES.flatMap((e) => [e.name, ...e.aliases]);
}

Deno.test("solve accepts the aliases: the same bits as the canonical name", () => {
  const opts = { rtol: 1e-7, atol: 1e-9 };
  const osc: OdeProblem = {
    rhs: (_t, y, dy) => {
      dy[0] = y[1];
      dy[1] = -y[0];
    },
    y0: [1, 0],
  };
  const times = [0.5, 1, 3, 7];
  for (const entry of ENTRIES) {
    for (const alias of entry.aliases) {
      const a = solve(osc, times, { ...opts, method: alias as OdeMethod });
      const b = solve(osc, times, { ...opts, method: entry.name as OdeMethod });
      assert.deepEqual(a, b, `${alias} vs ${entry.name}`);
    }
  }
  assert.deepEqual(
    solve(osc, times, { ...opts, method: "adaptive" }),
    solve(osc, times, { ...opts, method: "dopri5" }),
  );
  assert.deepEqual(
    solve(osc, times, { ...opts, method: "stiff" }),
    solve(osc, times, { ...opts, method: "rosenbrock" }),
  );
});

Deno.test("every registered method reaches its order of accuracy on y' = -y", () => {
  const T = 2, exact = Math.exp(-T);
  for (const entry of ENTRIES) {
    // halving the step divides the error by 2^order
    const hs = [0.1, 0.05, 0.025];
    const runs = hs.map((h) => solve(DECAY, [T], atStep(entry, h)));
    runs.forEach((sol, i) => assert.equal(sol.steps, Math.round(T / hs[i]), entry.name));
    const errs = runs.map((sol) => Math.abs(sol.states[0][0] - exact));
    for (let i = 0; i + 1 < errs.length; i++) {
      const order = Math.log2(errs[i] / errs[i + 1]);
      assert.ok(
        Math.abs(order - entry.order) < 0.15,
        `${entry.name}: observed order ${order}, expected ${entry.order} (errors ${errs})`,
      );
    }
    if (entry.adaptive) {
      // a 1000 times tighter tolerance: the error follows, like tol^(order / errorOrder)
      const tolErr = [1e-4, 1e-7].map((rtol) =>
        Math.abs(
          solve(DECAY, [T], { method: entry.name as OdeMethod, rtol, atol: rtol * 1e-3 })
            .states[0][0] - exact,
        )
      );
      const want = Math.pow(1000, entry.order / entry.errorOrder);
      assert.ok(
        tolErr[0] / tolErr[1] > want / 10 && tolErr[1] < 1e-6,
        `${entry.name}: errors ${tolErr} at rtol 1e-4, 1e-7`,
      );
    }
  }
});

Deno.test("a method allocates its buffers once per solve, not per step", () => {
  for (const entry of ENTRIES) {
    const seen = new Set<Float64Array>();
    const rhs = (_t: number, y: Float64Array, dy: Float64Array) => {
      seen.add(y);
      seen.add(dy);
      dy[0] = y[1];
      dy[1] = -y[0];
    };
    const short = solve({ rhs, y0: [1, 0] }, [1], atStep(entry, 0.01));
    const fewBuffers = seen.size;
    seen.clear();
    const long = solve({ rhs, y0: [1, 0] }, [10], atStep(entry, 0.01));
    assert.ok(long.steps > 5 * short.steps);
    assert.equal(seen.size, fewBuffers, `${entry.name}: ${fewBuffers} then ${seen.size} buffers`);
    assert.ok(seen.size <= 12, `${entry.name}: ${seen.size} buffers`);
  }
});
