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
        : fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 4 });
    case "integers":
      return fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 4 });
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
