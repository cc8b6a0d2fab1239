/**
 * README's parameter table is the one the parameter tables give today, and
 * `simulate --help` points at it.
 * @module
 */
import assert from "node:assert/strict";
import { END, paramsTable, START, unpadded, withTable } from "../../scripts/params_table.ts";
import { PROBLEM_PARAMS } from "../../src/problem/params.ts";
import { SOLVER_PARAMS } from "../../src/theory/solver.ts";
import { SPIKED_PARAMS } from "../../src/data/mod.ts";
import { problemHelp } from "../../src/cli/flags.ts";

const README = new URL("../../README.md", import.meta.url);

Deno.test("README's parameter table is current (deno task params rewrites it)", async () => {
  const readme = await Deno.readTextFile(README);
  assert.ok(readme.includes(START) && readme.includes(END), "the markers are in README.md");
  assert.equal(unpadded(withTable(readme)), unpadded(readme), "stale: run deno task params");
});

Deno.test("the table has a row per parameter, with its flag, default and allowed values", () => {
  const table = paramsTable();
  for (const s of [...SPIKED_PARAMS, ...PROBLEM_PARAMS, ...SOLVER_PARAMS]) {
    assert.match(table, new RegExp(`\\| \`${s.path.replace(".", "\\.")}\` \\| \`--`), s.path);
  }
  // computed, not copied: K's bound at the default D, the integrators of the registry
  assert.match(table, /`network\.K` \| `--K` \| 3 \(at the defaults\) \| an integer from 1 to 500/);
  assert.match(table, /`integrator` \| `--integrator` \| adaptive \| euler, rk4, adaptive/);
  // a positive control for the staleness check: a changed cell is seen
  const readme = `${START}\n\n${table.replace("hidden units K", "hidden units")}\n\n${END}\n`;
  assert.notEqual(unpadded(withTable(readme)), unpadded(readme));
});

Deno.test("simulate --help points at README's parameter table", () => {
  assert.match(problemHelp(), /README\.md, "Parameters"/);
});
