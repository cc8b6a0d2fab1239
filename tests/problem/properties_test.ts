/**
 * Property tests at the boundary (fast-check, seeded, a few hundred cases
 * per property): random problem values and random command lines, built
 * from the parameter tables with mostly valid and sometimes wrong values,
 * unknown keys and flags, duplicates and malformed numbers, either resolve
 * to a problem that satisfies its invariants, or are refused with a
 * ConfigError (exit code 2) that names a real parameter — never another
 * error.
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { AedynError, ConfigError } from "../../src/core/errors.ts";
import type { ParamSpec } from "../../src/core/params.ts";
import {
  NETWORK_KEYS,
  PROBLEM_KEYS,
  problemParams,
  resolveProblem,
} from "../../src/problem/resolve.ts";
import { recordingTimes } from "../../src/core/grid.ts";
import { resolveSolver, SOLVER_PARAMS } from "../../src/theory/solver.ts";
import {
  flagOf,
  inputsFromFlags,
  parseFlags,
  PROBLEM_FLAGS,
  SOLVER_FLAGS,
} from "../../src/cli/flags.ts";
import type { Problem } from "../../src/problem/types.ts";
import { simulate, type SimulateControl } from "../../src/sgd/simulate.ts";
import { theory, type TheoryControl } from "../../src/theory/theory.ts";
import {
  checkSweepSpec,
  parseSweepSpec,
  pointAt,
  pointResultProblem,
  sweep,
  type SweepOptions,
} from "../../src/sweep/mod.ts";

const RUNS = { seed: 20261130, numRuns: 400 };
const SPECS = [...problemParams("spiked"), ...SOLVER_PARAMS];

/** Every name a message may use for a parameter: paths, flags, keys. */
const NAMES = [
  ...SPECS.flatMap((s) => [s.path, `--${flagOf(s)}`]),
  ...PROBLEM_KEYS,
  ...NETWORK_KEYS.map((k) => `network.${k}`),
  "config key",
  "network key",
  "data key",
  "data.kind",
  "data.eigenvalues",
  "data.eigenvectors",
  "--seeds",
  "solver key",
];

function namesAParameter(message: string): boolean {
  return NAMES.some((n) => message.includes(n));
}

/** Values that no parameter takes, or not there: null, strings, NaN, huge, negative, lists, objects. */
const wrong = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 6 }),
  fc.double(),
  fc.constant(-1),
  fc.constant(1e300),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant({}),
);

/** A valid value of a parameter in a problem with D inputs and t-max = 10. */
function goodValue(spec: ParamSpec, D: number): fc.Arbitrary<unknown> {
  switch (spec.type) {
    case "boolean":
      return fc.boolean();
    case "choice":
      return fc.constantFrom(...(spec.choices?.() ?? ["x"]));
    case "integer":
      return spec.path === "network.K"
        ? fc.integer({ min: 1, max: D })
        : spec.path === "data.seed"
        ? fc.nat(1000)
        : fc.integer({ min: 1, max: 50 });
    case "number":
      return spec.path === "tMin"
        ? fc.double({ min: 0.5, max: 5, noNaN: true })
        : fc.double({ min: 0.05, max: 5, noNaN: true });
    case "numbers":
      return spec.path === "data.spikes"
        ? fc.array(fc.double({ min: 0.1, max: 9, noNaN: true }), { maxLength: 4 })
        : spec.path === "network.weightDecay" // one lambda for every unit (K of them: K varies)
        ? fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 1 })
        : fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 4 });
    case "integers":
      return fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 4 });
    case "matrix":
      // no problem or solver parameter is a matrix (initial weights come from a file)
      throw new Error(`no generator for the matrix ${spec.path}`);
    case "text":
      return fc.constantFrom("constant", "inverse:50", "cosine", "steps:2@0.5,4@0.1");
  }
}

/** null five times in six. */
const rarely = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: a });

const SETTABLE = problemParams("spiked").filter((s) => !["data.D", "tMax"].includes(s.path));

/**
 * A random problem input: a subset of the parameters at their paths with
 * valid values (t-max = 10), and in about half the cases one of them wrong,
 * an unknown key, or another data kind.
 */
const problemInput = fc.integer({ min: 2, max: 60 }).chain((D) =>
  fc.tuple(
    fc.subarray(SETTABLE),
    fc.boolean(),
    rarely(fc.constantFrom("tmax", "foo", "integrator")),
    rarely(fc.constantFrom("gaussian", "foo")),
  ).chain(([specs, dirty, junk, kind]) =>
    fc.tuple(
      fc.tuple(...specs.map((s) => goodValue(s, D))),
      fc.nat(Math.max(0, specs.length - 1)),
      wrong,
    ).map(([values, spoilt, bad]) => {
      const input: Record<string, unknown> = {
        data: { D, ...(dirty && kind ? { kind } : {}) },
        tMax: 10,
      };
      specs.forEach((s, i) => {
        const keys = s.path.split(".");
        let at = input;
        for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
        at[keys[keys.length - 1]] = dirty && i === spoilt ? bad : values[i];
      });
      if (dirty && junk) input[junk] = 1;
      return input;
    })
  )
);

function checkInvariants(p: Problem): void {
  const D = p.data.D;
  assert.ok(Number.isInteger(p.network.K) && p.network.K >= 1 && p.network.K <= D);
  assert.ok(p.tMax >= 1 / D && p.lr > 0 && p.network.sigma0 > 0);
  assert.equal(new Set(p.seeds).size, p.seeds.length);
  for (const t of [...(p.times ?? []), ...(p.snapshotTimes ?? [])]) {
    assert.ok(t >= 0 && t <= p.tMax);
  }
  assert.ok(recordingTimes({ ...p, D }).some((t) => t > 0), "a recorded time after 0");
  assert.equal(resolveProblem(p), p, "resolving a resolved problem is the identity");
}

Deno.test("random problem values resolve to a valid problem or are refused naming a parameter", () => {
  let resolved = 0, refused = 0;
  fc.assert(
    fc.property(problemInput, (input) => {
      try {
        checkInvariants(resolveProblem(input as never));
        resolved++;
      } catch (e) {
        assert.ok(
          e instanceof ConfigError,
          `${(e as Error).constructor.name}: ${(e as Error).message}`,
        );
        assert.ok(namesAParameter(e.message), `names no parameter: ${e.message}`);
        refused++;
      }
    }),
    RUNS,
  );
  console.log(`problem values: ${resolved} resolved, ${refused} refused`);
  assert.ok(resolved > 20 && refused > 20, `${resolved} resolved, ${refused} refused`);
});

/** A token standing for a number on a command line: decimal, or something that is not. */
const numberText = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 60 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.double({ min: 1e-3, max: 50, noNaN: true }).map((x) => x.toPrecision(4)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("0x20", "1e400", "-3", "abc", "", "Infinity", "1,2,x", "0", " 5"),
  },
);

/** One flag with a value (or none for booleans), from the problem's and the solver's tables. */
const flagTokens = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...SPECS) }.arbitrary.chain(
    (s): fc.Arbitrary<string[]> => {
      const flag = `--${flagOf(s)}`;
      if (s.type === "boolean") return fc.constant([flag]);
      if (s.type === "choice") {
        return fc.oneof(fc.constantFrom(...(s.choices?.() ?? [])), fc.constant("nope")).map((
          v,
        ) => [flag, v]);
      }
      if (s.type === "numbers" || s.type === "integers") {
        return fc.array(numberText, { minLength: 1, maxLength: 3 }).map((v) => [flag, v.join(",")]);
      }
      return numberText.map((v) => [flag, v]);
    },
  ),
  {
    weight: 1,
    arbitrary: fc.constantFrom<string[]>(["--frobnicate"], ["--K"], ["stray"], ["--seeds", "0"]),
  },
);

Deno.test("random command lines resolve or are refused with exit code 2 naming a flag or parameter", () => {
  let resolved = 0, refused = 0;
  fc.assert(
    fc.property(fc.array(flagTokens, { maxLength: 7 }), (tokens) => {
      const args = ["--t-max", "1", ...tokens.flat()];
      try {
        const { flags } = parseFlags(args, { ...PROBLEM_FLAGS, ...SOLVER_FLAGS });
        const { problem, solver } = inputsFromFlags(flags, {});
        const p = resolveProblem(problem);
        resolveSolver(solver, p);
        checkInvariants(p);
        resolved++;
      } catch (e) {
        assert.ok(
          e instanceof AedynError,
          `${(e as Error).constructor.name}: ${(e as Error).message}`,
        );
        assert.equal(e.exitCode, 2, e.message);
        const message = e.message;
        const ok = namesAParameter(message) ||
          /--[\w-]+|Unknown option|unexpected argument/.test(message);
        assert.ok(ok, `names no flag or parameter: ${message}`);
        assert.ok(!message.includes("\n"), "one line");
        refused++;
      }
    }),
    RUNS,
  );
  console.log(`command lines: ${resolved} resolved, ${refused} refused`);
  assert.ok(resolved > 20 && refused > 20, `${resolved} resolved, ${refused} refused`);
});

// ---- the library's control objects, sweep specs and point records ----

const TINY = { data: { D: 20 }, network: { K: 2 }, tMax: 1, nTimes: 3, nTest: 20, seeds: [4] };
const TINY_RUN = (await simulate(TINY)).runs[0];
const TINY_SPEC = parseSweepSpec(JSON.stringify({
  problem: TINY,
  axes: { lr: [0.5] },
  run: ["theory"],
}));
const [TINY_POINT] = await sweep(TINY_SPEC);

/** An option's value: right three times in four, else one of the wrong values. */
const option = (good: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: wrong });

const hook = fc.constant(() => {});
const signal = fc.constantFrom(new AbortController().signal);
/** Random control objects: any subset of the options, each right or wrong. */
const controls = fc.record({
  chunk: option(fc.integer({ min: 1, max: 2 ** 26 })),
  workers: option(fc.integer({ min: 1, max: 256 })),
  onProgress: option(hook),
  onRun: option(hook),
  onRecord: option(hook),
  signal: option(signal),
  done: option(
    fc.constantFrom([], [TINY_RUN], [{ ...TINY_RUN, eps: [1] }], [{ ...TINY_RUN, seed: 5 }]),
  ),
}, { requiredKeys: [] });

/** Run `f`; it must succeed or throw a one-line ConfigError naming an option. */
async function runsOrRefuses(f: () => Promise<unknown>, names: string[]): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    assert.ok(
      e instanceof ConfigError,
      `${(e as Error).constructor.name}: ${(e as Error).message}`,
    );
    assert.ok(names.some((n) => e.param.startsWith(n)), `names no option: ${e.message}`);
    assert.ok(!e.message.includes("\n"), "one line");
    return false;
  }
}

Deno.test("random control objects of simulate and theory run or are refused naming the option", async () => {
  let ran = 0, refused = 0;
  await fc.assert(
    fc.asyncProperty(controls, async (control) => {
      const names = ["chunk", "workers", "onProgress", "onRun", "onRecord", "signal", "done"];
      const sim = await runsOrRefuses(async () => {
        const r = await simulate(TINY, control as SimulateControl);
        assert.equal(r.eps.length, r.times.length);
        assert.ok(r.eps.every(Number.isFinite), "finite errors");
      }, names);
      const { done: _, ...rest } = control;
      const th = await runsOrRefuses(() => theory(TINY, {}, rest as TheoryControl), names);
      ran += Number(sim) + Number(th);
      refused += Number(!sim) + Number(!th);
    }),
    { seed: RUNS.seed, numRuns: 120 },
  );
  console.log(`control objects: ${ran} ran, ${refused} refused`);
  assert.ok(ran > 20 && refused > 20, `${ran} ran, ${refused} refused`);
});

Deno.test("random sweep options run or are refused naming the option", async () => {
  let ran = 0, refused = 0;
  const options = fc.record({
    workers: option(fc.integer({ min: 1, max: 256 })),
    shard: option(
      fc.record({ index: fc.integer({ min: 0, max: 3 }), count: fc.integer({ min: 1, max: 4 }) }),
    ),
    onPoint: option(hook),
    onProgress: option(hook),
    signal: option(signal),
    finished: option(
      fc.constantFrom(
        () => undefined,
        () => TINY_POINT,
        () => ({ ...TINY_POINT, index: -5 }),
        () => null,
      ),
    ),
  }, { requiredKeys: [] });
  await fc.assert(
    fc.asyncProperty(options, async (opts) => {
      const ok = await runsOrRefuses(async () => {
        const rs = await sweep(TINY_SPEC, opts as SweepOptions);
        for (const r of rs) {
          assert.equal(pointResultProblem(r, await pointAt(TINY_SPEC, 0), ["theory"]), null);
        }
      }, ["workers", "shard", "onPoint", "onProgress", "signal", "finished", "sweep options"]);
      if (ok) ran++;
      else refused++;
    }),
    { seed: RUNS.seed, numRuns: 120 },
  );
  console.log(`sweep options: ${ran} ran, ${refused} refused`);
  assert.ok(ran > 10 && refused > 10, `${ran} ran, ${refused} refused`);
});

Deno.test("random sweep specs and point records are checked, or refused naming the key, never a TypeError", async () => {
  // axes: one or two parameters with lists of valid values, sometimes spoilt
  const goodAxes = fc.subarray([...SETTABLE], { minLength: 1, maxLength: 2 }).chain((chosen) =>
    fc.tuple(
      ...chosen.map((spec) =>
        fc.uniqueArray(goodValue(spec, 20), {
          minLength: 1,
          maxLength: 3,
          selector: (v) => JSON.stringify(v),
        })
      ),
    ).map((lists) => Object.fromEntries(chosen.map((spec, i) => [spec.path, lists[i]])))
  );
  const specs = fc.record({
    problem: fc.oneof({ weight: 6, arbitrary: fc.constant(TINY) }, { weight: 1, arbitrary: wrong }),
    axes: fc.oneof(
      { weight: 6, arbitrary: goodAxes },
      { weight: 1, arbitrary: wrong },
      { weight: 1, arbitrary: fc.constantFrom({}, { foo: [1] }, { lr: [1, 1] }, { lr: [] }) },
    ),
    run: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(["theory"], ["simulate"], ["simulate", "theory"]) },
      { weight: 1, arbitrary: wrong },
    ),
  }, { requiredKeys: ["problem", "axes"] });
  let checked = 0, refused = 0;
  await fc.assert(
    fc.asyncProperty(specs, async (value) => {
      try {
        const spec = checkSweepSpec(value);
        await pointAt(spec, 0);
        checked++;
      } catch (e) {
        assert.ok(
          e instanceof ConfigError,
          `${(e as Error).constructor.name}: ${(e as Error).message}`,
        );
        assert.match(e.message, /sweep spec|^invalid [\w.]+ \(--/, e.message);
        refused++;
      }
    }),
    RUNS,
  );
  console.log(`sweep specs: ${checked} checked, ${refused} refused`);
  assert.ok(checked > 20 && refused > 20, `${checked} checked, ${refused} refused`);
  // a point record with one field replaced: refused with a reason, or still the point's
  const point = await pointAt(TINY_SPEC, 0);
  const fields = [
    "index",
    "name",
    "values",
    "failure",
    "epsPCA",
    "seconds",
    "version",
    "evil",
    "metrics.finalError",
    "metrics.plateauEnds",
    "metrics.extra",
    "curves.times",
    "curves.theory",
    "curves.simulation",
  ];
  fc.assert(
    fc.property(fc.constantFrom(...fields), wrong, (field, v) => {
      const r = structuredClone(TINY_POINT) as unknown as Record<string, Record<string, unknown>>;
      const [a, b] = field.split(".");
      if (b === undefined) (r as Record<string, unknown>)[a] = v;
      else r[a][b] = v;
      const why = pointResultProblem(r, point, ["theory"]);
      if (why === null) {
        // accepted: then it is a record a summary can hold
        const harmless = (["failure", "curves.simulation"].includes(field) && v === null) ||
          (field === "seconds" && typeof v === "number" && v >= 0 && Number.isFinite(v));
        assert.ok(harmless, `${field} = ${JSON.stringify(v)}`);
      } else assert.equal(typeof why, "string");
    }),
    RUNS,
  );
});
