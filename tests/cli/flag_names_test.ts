// Every message that names a parameter names it as the user types it: `path (--flag)` with a
// flag the CLI has (issue 17: `network.outputBias (--outputBias)` named a flag that does not
// exist). Checked over every declaration of every table, every rule's requirements and the
// initial weights' checks.
import assert from "node:assert/strict";
import { checkParam, type ParamSpec } from "../../src/core/params.ts";
import { DATA_KIND_NAMES } from "../../src/data/mod.ts";
import { problemParams, resolveProblem, validateInit } from "../../src/problem/resolve.ts";
import { RULE_NAMES, RULES } from "../../src/problem/rules.ts";
import { SOLVER_PARAMS } from "../../src/theory/solver.ts";
import { PROBLEM_FLAGS, SOLVER_FLAGS } from "../../src/cli/flags.ts";

const CLI_FLAGS = new Set([...Object.keys(PROBLEM_FLAGS), ...Object.keys(SOLVER_FLAGS)]);

/** The message of what `f` throws. */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("nothing was thrown");
}

/** Every flag a message names, "(--name)", is one the CLI has. */
function assertFlagsExist(message: string): void {
  for (const [, flag] of message.matchAll(/\(--([\w-]+)\)/g)) {
    assert.ok(CLI_FLAGS.has(flag), `--${flag} is not a flag of the CLI: ${message}`);
  }
}

/** A value no declaration of this type allows. */
function badValue(spec: ParamSpec): unknown {
  return spec.type === "choice" ? "no-such-choice" : spec.type === "boolean" ? "maybe" : "x";
}

Deno.test("every declaration's message names a flag the CLI has, or none", () => {
  const specs = [...DATA_KIND_NAMES.flatMap((k) => problemParams(k)), ...SOLVER_PARAMS];
  let named = 0;
  for (const spec of specs) {
    const message = messageOf(() => checkParam(spec, badValue(spec), { D: 10, tMax: 10 }));
    assert.match(message, new RegExp(`^invalid ${spec.path.replace(".", "\\.")}\\b`), message);
    assertFlagsExist(message);
    if (message.includes("(--")) named++;
  }
  assert.ok(named > 10, `only ${named} messages name a flag`);
});

Deno.test("a rule's requirements name the flag a user types (--output-bias, not --outputBias)", () => {
  const flip: Record<string, unknown> = {
    activation: "erf",
    tied: true,
    bias: true,
    outputBias: true,
  };
  let checked = 0;
  for (const rule of RULE_NAMES) {
    for (const [key] of RULES[rule].requires) {
      const network = { activation: "linear" as const, [key]: flip[key] };
      const message = messageOf(() => resolveProblem({ rule, network }));
      assert.match(message, new RegExp(`network\\.${key}`), message);
      assertFlagsExist(message);
      checked++;
    }
  }
  assert.ok(checked >= 8, `${checked} requirements`);
  const message = messageOf(() =>
    resolveProblem({ rule: "sanger", network: { activation: "linear", outputBias: true } })
  );
  assert.match(message, /^invalid network\.outputBias \(--output-bias\)/);
});

Deno.test("the initial weights' messages name --init", () => {
  for (
    const f of [
      () => validateInit({ W: [[1, 0, 0]] }, 1, 2, false),
      () => validateInit({ W: [[1, 0]], b: [1] }, 1, 2, false),
      () => validateInit({ W: [[1, 0]], c: [1, 1] }, 1, 2, false),
    ]
  ) {
    const message = messageOf(f);
    assert.match(message, /\(--init\)/);
    assertFlagsExist(message);
  }
});
