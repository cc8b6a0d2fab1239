import assert from "node:assert/strict";
import { compileSpec } from "../../src/plot/render.ts";

Deno.test("compileSpec: a broken spec throws, a warning is raised in strict mode", () => {
  assert.throws(
    () => compileSpec({ $schema: "x", data: { values: [] } }),
    /compileSpec: the Vega-Lite specification does not compile/,
  );
  const warned = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values: [{ a: 1 }] },
    mark: "point",
    encoding: {
      x: { field: "a", type: "quantitative" },
      shape: { field: "a", type: "quantitative" },
    },
  };
  assert.throws(() => compileSpec(warned), /compileSpec: Vega-Lite warned/);
  assert.ok(compileSpec(warned, { strict: false }).warnings.length > 0);
  assert.throws(() => compileSpec(null), /expected a Vega-Lite specification object/);
});
