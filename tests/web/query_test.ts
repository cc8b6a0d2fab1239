/**
 * The page's URL contract, without a browser: the query string takes
 * simulate()'s config keys by dotted path with the CLI's defaults, plus the
 * page's keys; a malformed value or an unknown key is refused naming it; a
 * state survives the trip to a URL and back.
 * @module
 */
import assert from "node:assert/strict";
import {
  formatQuery,
  labelOf,
  PAGE_PARAMS,
  parseQuery,
  parseValue,
  problemInput,
} from "../../web/query.ts";
import { problemParams, resolveProblem } from "../../src/problem/resolve.ts";
import { ConfigError } from "../../src/core/errors.ts";

Deno.test("the query string gives the problem the CLI would resolve from the same keys", () => {
  const state = parseQuery(
    "?data.D=100&network.K=2&network.activation=erf&lr=1&tMax=20&seeds=1,2&data.directions=sinusoidal",
  );
  const p = resolveProblem(problemInput(state));
  assert.equal(p.data.D, 100);
  assert.equal(p.network.K, 2);
  assert.equal(p.tMax, 20);
  assert.deepEqual([...p.seeds], [1, 2]);
  assert.equal((p.data as { directions: string }).directions, "sinusoidal");
  // everything else: the CLI's defaults
  const defaults = resolveProblem({ data: { kind: "spiked", D: 100 } });
  assert.equal(p.nTimes, defaults.nTimes);
  assert.equal(p.nTest, defaults.nTest);
  assert.equal(p.rule, "vanilla");
  assert.deepEqual(p.data.kind, "spiked");
});

Deno.test("an empty query is the CLI's default problem", () => {
  assert.deepEqual(resolveProblem(problemInput(parseQuery(""))), resolveProblem({}));
});

Deno.test("every problem parameter of the table is a query key, with a label", () => {
  assert.deepEqual(PAGE_PARAMS.map((p) => p.path), problemParams("spiked").map((p) => p.path));
  for (const spec of PAGE_PARAMS) {
    assert.ok(labelOf(spec).length > 0 && labelOf(spec).length < 40, labelOf(spec));
  }
});

Deno.test("the page's keys: preset, size, autorun, images", () => {
  const s = parseQuery("?preset=tied&size=default&autorun=1");
  assert.equal(s.preset, "tied");
  assert.equal(s.size, "default");
  assert.equal(s.autorun, true);
  assert.equal(parseQuery("?autorun=0").autorun, false);
  const m = parseQuery("?images=mnist&network.K=2&heldOut=500");
  assert.equal(m.images, "mnist");
  assert.equal(m.heldOut, 500);
  assert.equal(problemInput(m).data, undefined, "the worker sets the data from the images");
});

Deno.test("bad keys and values are refused, naming them", () => {
  const refused = (q: string, name: RegExp) =>
    assert.throws(
      () => parseQuery(q),
      (e: unknown) => e instanceof ConfigError && name.test(e.message),
    );
  refused("?data.D=abc", /data\.D.*"abc"/);
  refused("?data.D=0x10", /data\.D/);
  refused("?network.K=2.5", /network\.K/);
  refused("?network.tied=maybe", /network\.tied/);
  refused("?seeds=1,x", /seeds/);
  refused("?lr=1&lr=2", /lr/);
  refused("?D=100", /query key.*"D"/);
  refused("?size=huge", /size/);
  refused("?images=mnist&data.D=100", /data\.D/);
  // ranges are left to resolveProblem, which names the parameter and its flag
  assert.throws(
    () => resolveProblem(problemInput(parseQuery("?data.D=-3"))),
    /invalid data\.D \(--D\)/,
  );
});

Deno.test("a state survives the trip to a URL and back (defaults left out)", () => {
  for (
    const q of [
      "?data.D=100&network.K=2&seeds=1%2C2&autorun=1",
      "?network.activation=relu&network.bias=true&rule=truncated",
      "?preset=realdata&size=full&autorun=1",
      "?network.K=2&images=mnist&heldOut=500",
      "",
    ]
  ) {
    assert.equal(formatQuery(parseQuery(q)), q);
  }
  // a value equal to its default is left out; K's default depends on D
  assert.equal(formatQuery(parseQuery("?data.D=500&network.K=3&lr=1")), "");
  assert.equal(formatQuery(parseQuery("?data.D=2&network.K=2")), "?data.D=2");
});

Deno.test("values are parsed by their type in the table", () => {
  const spec = (path: string) => PAGE_PARAMS.find((p) => p.path === path)!;
  assert.deepEqual(parseValue(spec("data.spikes"), "3, 5,9"), [3, 5, 9]);
  assert.equal(parseValue(spec("network.tied"), "1"), true);
  assert.equal(parseValue(spec("lr"), "1e-1"), 0.1);
  assert.equal(parseValue(spec("network.activation"), "relu"), "relu");
});
