/**
 * The declaration machinery beyond types and ranges: a required value, a
 * declared constraint on what came before (`check`), a canonical form
 * (`canonical`) that the context and the result hold, and matrices; and the
 * two tables built on them, the solver's settings and the initial weights.
 * @module
 */
import assert from "node:assert/strict";
import { type ParamSpec, resolveTable } from "../../src/core/params.ts";
import { resolveSolver, SOLVER_PARAMS } from "../../src/theory/solver.ts";
import { INIT_PARAMS, validateInit } from "../../src/problem/init.ts";
import { resolveProblem } from "../../src/problem/resolve.ts";

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("no error was thrown");
};

const TABLE = [
  {
    path: "mode",
    flag: "mode",
    type: "choice",
    choices: () => ["fast", "f", "slow"],
    canonical: (m: string): string => (m === "f" ? "fast" : m),
    default: "slow",
    doc: "mode",
  },
  {
    path: "step",
    flag: "step",
    type: "number",
    min: 0,
    max: 1,
    check: (_: number, c: Record<string, unknown>): string | undefined =>
      c.mode === "fast" ? undefined : "a step with the fast mode only",
    doc: "step",
  },
  {
    path: "m",
    flag: "m-file",
    type: "matrix",
    rows: 2,
    cols: (c: Record<string, unknown>): number => c.n as number,
    shapeNote: ["rows", "n"],
    required: true,
    doc: "a matrix",
  },
] as const satisfies readonly ParamSpec[];

Deno.test("resolveTable: canonical forms, declared checks, required values and matrices", () => {
  const m = [[1, 2, 3], [4, 5, 6]];
  const out = resolveTable(TABLE, { mode: "f", step: 0.5, m }, { n: 3 });
  // the alias became its canonical form, in the result as in the context the check saw
  assert.equal(out.mode, "fast");
  assert.equal(out.step, 0.5);
  assert.deepEqual(out.m, m);
  assert.equal(
    messageOf(() => resolveTable(TABLE, { step: 0.5, m }, { n: 3 })),
    "invalid step: got 0.5; allowed: a step with the fast mode only",
  );
  assert.equal(
    messageOf(() => resolveTable(TABLE, { mode: "fast" }, { n: 3 })),
    "invalid m (--m-file): got nothing; allowed: rows = 2 rows of n = 3 finite numbers",
  );
  assert.equal(
    messageOf(() => resolveTable(TABLE, { m: [[1, 2, 3], [4, 5]] }, { n: 3 })),
    'invalid m[1] (--m-file): got "2 numbers"; allowed: n = 3 finite numbers',
  );
  assert.equal(
    messageOf(() => resolveTable(TABLE, { m: [[1, 2, 3], [4, NaN, 6]] }, { n: 3 })),
    "invalid m[1] (--m-file): got NaN; allowed: finite numbers",
  );
  assert.match(messageOf(() => resolveTable(TABLE, { m: [m[0]] }, { n: 3 })), /got "1 rows"/);
});

Deno.test("the solver's settings come from their declaration, constraints included", () => {
  const problem = resolveProblem({ data: { D: 50 }, tMax: 2 });
  assert.equal(resolveSolver({ integrator: "stiff" }, problem).integrator, "rosenbrock");
  assert.equal(resolveSolver({ integrator: "adaptive" }, problem).integrator, "dopri5");
  assert.equal(resolveSolver({ integrator: "rk4" }, problem).h, 0.01);
  assert.equal(resolveSolver({}, problem).h, undefined);
  assert.match(
    messageOf(() => resolveSolver({ h: 0.1 }, problem)),
    /^invalid h: got 0\.1; allowed: no step for the adaptive integrator dopri5$/,
  );
  assert.match(
    messageOf(() => resolveSolver({ form: "density", bins: 4 }, problem)),
    /^invalid bins: got 4; allowed: binning with the projected form only$/,
  );
  assert.equal(resolveSolver({ bins: 4 }, problem).bins, 4);
  assert.match(messageOf(() => resolveSolver({ pathz: 3 } as never, problem)), /solver key/);
  // the diffusion paths' options: declared constraints too
  assert.match(
    messageOf(() => resolveSolver({ pathStep: 0.01 }, problem)),
    /^invalid pathStep \(--path-step\): got 0\.01; allowed: only with paths \(--paths N\)$/,
  );
  assert.match(
    messageOf(() => resolveSolver({ form: "density", paths: 4 }, problem)),
    /^invalid paths: got 4; allowed: paths with the projected form only$/,
  );
  // every key of the settings is one declaration
  assert.deepEqual(
    Object.keys(resolveSolver({ integrator: "euler", bins: 2, paths: 4 }, problem)).sort(),
    SOLVER_PARAMS.map((s) => s.path).sort(),
  );
});

Deno.test("explicit initial weights are checked by their declaration", () => {
  assert.deepEqual(INIT_PARAMS.map((s) => s.path), [
    "network.init.W",
    "network.init.V",
    "network.init.b",
    "network.init.c",
  ]);
  validateInit({ W: [[1, 0]], V: [[0, 1]], b: [0.5], c: [0, 0] }, 1, 2, true);
  const cases: [() => void, RegExp][] = [
    [
      () => validateInit({ W: [[1, 0, 0]] }, 1, 2, false),
      /^invalid network\.init\.W\[0\] \(--init\)/,
    ],
    [() => validateInit({ W: [[1e100, 0]] }, 1, 2, false), /got "squared norm 1e\+200"/],
    [() => validateInit({ W: [[1, 0]], b: [1] }, 1, 2, false), /zeros, or a network with bias on/],
    [() => validateInit({ W: [[1, 0]], c: [1, 1] }, 1, 2, false), /--output-bias/],
    [() => validateInit({ V: [[1, 0]] } as never, 1, 2, false), /network\.init\.W.*got nothing/],
    [() => validateInit({ W: [[1, 0]], x: 1 } as never, 1, 2, false), /init \(--init\) key/],
    [
      () => resolveProblem({ data: { D: 2, spikes: [1] }, network: { K: 1, init: { W: [[1]] } } }),
      /D = 2/,
    ],
  ];
  for (const [f, expected] of cases) assert.match(messageOf(f), expected);
  // an untied network needs its decoder (refused when resolved, before any work); a tied one
  // and a rule without a decoder do not
  const W = [[1, 0]];
  const data = { D: 2, spikes: [1] };
  assert.match(
    messageOf(() => resolveProblem({ data, network: { K: 1, init: { W } } })),
    /^invalid network\.init\.V \(--init\): got nothing; .*the decoder of an untied network$/,
  );
  resolveProblem({ data, network: { K: 1, tied: true, init: { W } } });
  resolveProblem({ data, rule: "sanger", network: { K: 1, activation: "linear", init: { W } } });
});
