/**
 * The page's presets are looked up by own name only (issue 16, defect 12):
 * `?preset=constructor` or `?preset=__proto__` found an inherited member of
 * the presets object and the page showed a TypeError.
 * @module
 */
import assert from "node:assert/strict";
import { PRESET_NAMES, presetFile, PRESETS } from "../../web/presets.ts";

Deno.test("presets: every listed name is found, names inherited from Object are not", () => {
  assert.ok(PRESET_NAMES.length >= 6);
  for (const name of PRESET_NAMES) {
    const file = presetFile(name);
    assert.ok(file && typeof file.experiment === "string" && typeof file.title === "string", name);
  }
  for (
    const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "", "demo"]
  ) {
    assert.equal(presetFile(name), undefined, name);
    assert.equal(PRESETS[name], undefined, `PRESETS[${JSON.stringify(name)}]`);
  }
  assert.deepEqual(Object.keys(PRESETS), [...PRESET_NAMES]);
  assert.throws(() => ((PRESETS as Record<string, unknown>).x = 1), TypeError, "frozen");
});
