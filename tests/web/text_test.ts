/**
 * The page's words, computed: the caption of a claim's checks agrees with
 * the report's verdict, a single check reads in the singular, sizes read as
 * people read them, and an error names the field it marks.
 * @module
 */
import assert from "node:assert/strict";
import { bytesText, checksCaption, fieldOfError, presetProblemText } from "../../web/text.ts";
import { verdictLine } from "../../src/experiments/report.ts";
import { check, type ExperimentSummary } from "../../src/experiments/types.ts";
import { PRESETS } from "../../web/presets.ts";
import { PAGE_PARAMS } from "../../web/query.ts";

const summary = (checks: ReturnType<typeof check>[], agreementChecks = []) =>
  ({
    checks,
    agreementChecks,
    holds: checks.every((c) => c.holds),
  }) as unknown as ExperimentSummary;

Deno.test("one check reads in the singular, in the verdict and in the caption", () => {
  const one = summary([check("deviation", 0.001, "<=", 0.05)]);
  assert.equal(verdictLine(one), "holds: the 1 check passes");
  assert.equal(checksCaption(one), "the claim's check (it passes)");
  const failed = summary([check("deviation", 0.1, "<=", 0.05)]);
  assert.equal(verdictLine(failed), "does not hold: 1 of 1 check fails (deviation)");
  const three = summary([check("a", 1, "<", 2), check("b", 1, "<", 2), check("c", 3, "<", 2)]);
  assert.equal(verdictLine(three), "does not hold: 1 of 3 checks fails (c)");
  assert.equal(checksCaption(three), "the claim's 3 checks (1 fails)");
});

Deno.test("the MNIST size is computed from bytes, not written by hand", () => {
  assert.equal(bytesText(2_088_000), "2 MB");
  assert.equal(bytesText(2_200_000), "2.1 MB");
  assert.equal(bytesText(5 * 1024), "5 KB");
});

Deno.test("an error message names the field to mark; others name none", () => {
  const paths = PAGE_PARAMS.map((p) => p.path);
  assert.equal(fieldOfError("invalid network.K (--K): got 500; allowed: ...", paths), "network.K");
  assert.equal(fieldOfError('invalid data.D: got "abc"; allowed: an integer', paths), "data.D");
  assert.equal(fieldOfError("invalid query key: got x", paths), undefined);
  assert.equal(fieldOfError("stopped", paths), undefined);
});

Deno.test("what each preset runs is said from its file", () => {
  for (const [name, p] of Object.entries(PRESETS)) {
    const text = presetProblemText(name, p, "reduced");
    assert.match(text, new RegExp(`^Runs examples/${name}\\.json at reduced size \\(`));
    assert.ok(!text.includes("undefined"), text);
  }
});
