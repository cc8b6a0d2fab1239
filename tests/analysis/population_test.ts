import assert from "node:assert/strict";
import { simulate, spikedModel, theory } from "../../mod.ts";
import { deviation } from "../../src/analysis/deviation.ts";
import { populationError, populationErrorUnavailable } from "../../src/analysis/population.ts";
import { ACTIVATION_NAMES, ACTIVATIONS } from "../../src/activations/mod.ts";
import { ConfigError } from "../../src/core/errors.ts";

const data = spikedModel({ D: 60, spikes: [5, 3], seed: 2 });

Deno.test("the exact error of the theory's recorded overlaps is the theory's own error, for every activation, bias and output bias", async () => {
  for (const activation of ACTIVATION_NAMES.filter((a) => ACTIVATIONS[a].closedForm)) {
    for (const [bias, outputBias] of [[false, false], [true, false], [false, true], [true, true]]) {
      const res = await theory({
        data,
        network: { K: 2, activation, bias, outputBias },
        lr: 0.8,
        tMax: 50,
        nTimes: 8,
      });
      const exact = populationError(res);
      for (let i = 0; i < res.times.length; i++) {
        assert.ok(
          Math.abs(exact.eps[i] - res.eps[i]) <= 1e-13 * res.eps[i],
          `${activation} bias ${bias} output bias ${outputBias} t = ${res.times[i]}: ${
            exact.eps[i]
          } vs ${res.eps[i]}`,
        );
      }
    }
  }
});

Deno.test("the exact error of SGD weights lies within the held-out estimate's noise, and has none of it", async () => {
  for (const [activation, bias] of [["erf", false], ["relu", true]] as const) {
    const res = await simulate({
      data,
      network: { K: 2, activation, bias },
      lr: 1,
      tMax: 20,
      nTimes: 6,
      seeds: [1, 2],
      nTest: 20_000,
    });
    const exact = populationError(res);
    assert.equal(exact.runs.length, 2);
    // held-out estimate of one run: mean of 20,000 i.i.d. squared errors; its relative standard
    // error here is below 1.5% (|x|^2 / D is dominated by the two spikes' chi-squares)
    for (let s = 0; s < 2; s++) {
      res.runs[s].eps.forEach((e, i) => {
        const rel = Math.abs(e / exact.runs[s][i] - 1);
        assert.ok(
          rel < 0.05,
          `${activation} seed ${s} t = ${res.times[i]}: held-out ${e}, exact ${exact.runs[s][i]}`,
        );
      });
    }
  }
});

Deno.test("deviation uses the exact error for Gaussian inputs and says so; real images keep the held-out estimate", async () => {
  const problem = { data, network: { K: 2 }, lr: 1, tMax: 10, nTimes: 5, nTest: 300 };
  const sim = await simulate(problem), th = await theory(problem);
  const d = deviation(sim, th);
  assert.equal(d.basis, "population");
  assert.ok(d.heldOut && d.heldOut.relative.length === sim.times.length);
  // at t = 0 the weights are the theory's: the exact error matches to round-off, the held-out
  // estimate of 300 samples does not
  assert.ok(d.relative[0] < 1e-12, `exact at t = 0: ${d.relative[0]}`);
  assert.ok(d.heldOut!.relative[0] > 1e-4, `held-out at t = 0: ${d.heldOut!.relative[0]}`);
  const held = deviation(sim, th, { basis: "held-out" });
  assert.equal(held.basis, "held-out");
  assert.equal(held.max, d.heldOut!.max);
  const images = { ...sim, config: { ...sim.config, data: { kind: "dataset" } } };
  assert.equal(deviation(images, th).basis, "held-out");
  assert.match(populationErrorUnavailable(images) ?? "", /not Gaussian/);
  assert.throws(() => deviation(images, th, { basis: "population" }), ConfigError);
  assert.throws(() => populationError(images), ConfigError);
});
