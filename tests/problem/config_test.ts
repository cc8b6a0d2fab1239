import assert from "node:assert/strict";
import { resolveProblem, spikedModel, VERSION } from "../../mod.ts";
import { defaultTimes } from "../../src/core/grid.ts";
import { defaultOf } from "../../src/core/params.ts";
import { problemParams } from "../../src/problem/resolve.ts";

const DEFAULT = (path: string, ctx = {}) =>
  defaultOf(problemParams().find((p) => p.path === path)!, ctx);

Deno.test("the version in the code is deno.json's", async () => {
  const cfg = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assert.equal(VERSION, cfg.version);
});

Deno.test("defaults are filled in and the demo config file resolves", async () => {
  const cfg = resolveProblem({});
  assert.equal(cfg.data.D, DEFAULT("data.D"));
  assert.equal(cfg.network.K, DEFAULT("network.K", { D: cfg.data.D }));
  assert.equal(cfg.network.activation, "erf");
  assert.equal(cfg.rule, "vanilla");
  const demo = JSON.parse(
    await Deno.readTextFile(new URL("../../examples/demo.json", import.meta.url)),
  );
  const resolved = resolveProblem(demo);
  assert.deepEqual(resolved.data, demo.data);
});

Deno.test("recording times: 0 first, whole steps, log-spaced, ending at t-max", () => {
  const ts = defaultTimes(100, 50, 20);
  assert.equal(ts[0], 0);
  assert.equal(ts.at(-1), 100);
  for (const t of ts) assert.ok(Math.abs(Math.round(t * 50) - t * 50) < 1e-9);
  for (let i = 2; i < ts.length; i++) assert.ok(ts[i] > ts[i - 1]);
  const ratios = ts.slice(3).map((t, i) => t / ts[i + 2]);
  assert.ok(Math.max(...ratios) / Math.min(...ratios) < 1.5, "roughly constant ratio");
});

Deno.test("spiked model defaults are the published ones", () => {
  const m = spikedModel({ D: 10 });
  assert.deepEqual(m.spikes, [3, 5, 9]);
  assert.equal(m.sigma, 1);
  assert.equal(m.normalise, true);
});

Deno.test("the demo runs examples/demo.json, and its help and summary say what is in it", async () => {
  const { DEMO, DEMO_PROBLEM } = await import("../../src/cli/commands/demo.ts");
  const demo = JSON.parse(
    await Deno.readTextFile(new URL("../../examples/demo.json", import.meta.url)),
  );
  assert.deepEqual(DEMO_PROBLEM, demo);
  const help = DEMO.help();
  for (const text of [`D = ${demo.data.D}`, `K = ${demo.network.K} ${demo.network.activation}`]) {
    assert.ok(help.includes(text), `${text} not in the help:\n${help}`);
  }
  assert.ok(help.includes(`seeds ${demo.seeds.join(", ")}, t up to ${demo.tMax}`), help);
  assert.ok(DEMO.summary.includes(`${demo.seeds.length} seeds`), DEMO.summary);
});
