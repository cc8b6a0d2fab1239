/**
 * The training protocols of THEORY.md 7 in the equations: the weight decay's
 * term of the flow (against its definition, the decay of each weight vector at
 * the rate eta lambda_k), a schedule's eta(t) and its jumps (the integration
 * split there), and the equations against SGD with both.
 * @module
 */
import assert from "node:assert/strict";
import { averagesFor } from "../../src/activations/mod.ts";
import { directionsOf, FlowSystem, initialState } from "../../src/theory/system.ts";
import { createKernels } from "../../src/kernels/wasm.ts";
import { covarianceSpectrum, materialise, spikedModel } from "../../src/data/mod.ts";
import { deviation } from "../../src/analysis/deviation.ts";
import { simulate, theory } from "../../mod.ts";
import { protocolFlow } from "../../src/theory/protocols.ts";
import { solvePiecewiseAsync } from "../../src/ode/integrate.ts";
import type { Rule } from "../../src/problem/types.ts";

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

const cases: [Rule, boolean][] = [["vanilla", false], ["truncated", false], ["vanilla", true], [
  "sanger",
  false,
]];
for (const [rule, tied] of cases) {
  Deno.test(`weight decay in the flow: each projection of unit k gains -eta lambda_k times itself (${rule}${tied ? ", tied" : ""})`, async () => {
    const D = 40, K = 3, lr = 0.8, decay = [0.3, 1.1, 2.5];
    const model = spikedModel({ D, spikes: [3, 5, 9], seed: 4 });
    const spec = covarianceSpectrum(materialise(model).covariance);
    const dirs = directionsOf(spec, K, "projected");
    const u = lcg(7);
    const W = Array.from({ length: K }, () => Array.from({ length: D }, () => u()));
    const V = tied || rule === "sanger"
      ? (rule === "sanger" ? W.map((r) => r.map((x) => x / Math.sqrt(D))) : W)
      : Array.from({ length: K }, () => Array.from({ length: D }, () => u()));
    const act = averagesFor("linear");
    const y = initialState(dirs, K, W, V);
    const rhs = async (weightDecay?: number[]) => {
      const sys = new FlowSystem(dirs, K, rule, lr, act, await createKernels(), tied, undefined, {
        ...(weightDecay ? { weightDecay } : {}),
      });
      const dy = new Float64Array(y.length);
      sys.rhs(0, y, dy);
      return dy;
    };
    const plain = await rhs(), decayed = await rhs(decay);
    const n = dirs.rho.length;
    let err = 0, size = 0;
    for (let k = 0; k < K; k++) {
      for (const row of [k, K + k]) {
        for (let t = 0; t < n; t++) {
          const i = row * n + t;
          const expected = -lr * decay[k] * y[i];
          err = Math.max(err, Math.abs(decayed[i] - plain[i] - expected));
          size = Math.max(size, Math.abs(expected));
        }
      }
    }
    assert.ok(size > 0 && err <= 1e-12 * size, `deviation ${err} against ${size}`);
  });
}

Deno.test("a step schedule: the integration is split at its jumps, each segment at its own eta", async () => {
  // y' = -eta(t) y with eta = 2, halved at t = 1 and again at 2.5: y(t) = exp(-int eta)
  const p = protocolFlow({ lr: 2, tMax: 4, lrSchedule: "steps:1@0.5,2.5@0.5", network: { K: 1 } });
  assert.deepEqual(p.jumps, [1, 2.5]);
  const segments: number[] = [];
  const sol = await solvePiecewiseAsync(
    { rhs: (t, y, dy) => (dy[0] = -p.options.lrAt!(t) * y[0]), y0: [1] },
    [0.5, 1, 2, 2.5, 4],
    p.jumps,
    { method: "dopri5", rtol: 1e-11, atol: 1e-13 },
    (i) => {
      segments.push(i);
      p.onSegment(i);
    },
  );
  assert.deepEqual(segments, [0, 1, 2]);
  const exact = [1, 2, 3, 3.5, 4.25].map((x) => Math.exp(-x));
  sol.states.forEach((y, i) => assert.ok(Math.abs(y[0] - exact[i]) < 1e-9, `${i}: ${y[0]}`));
});

Deno.test("SGD with weight decay per unit and a step schedule against the equations (D = 300, K = 3, linear and erf): max <= 15%, mean <= 5%", async () => {
  for (const activation of ["linear", "erf"] as const) {
    const problem = {
      data: spikedModel({ D: 300, spikes: [3, 5, 9], seed: 1 }),
      network: { K: 3, activation, weightDecay: [0.05, 0.1, 0.2] },
      lr: 1,
      lrSchedule: "steps:8@0.5",
      tMax: 25,
      seeds: [1, 2],
      nTimes: 25,
      nTest: 200,
    };
    const sim = await simulate(problem);
    const th = await theory(problem);
    const dev = deviation(sim, th);
    assert.ok(
      dev.max <= 0.15 && dev.mean <= 0.05,
      `${activation}: max ${dev.max}, mean ${dev.mean}`,
    );
    // the protocol matters: without it the curve ends elsewhere, by far more than the deviation
    const plain = await theory({
      ...problem,
      network: { K: 3, activation },
      lrSchedule: "constant",
    });
    const gap = Math.abs(plain.eps.at(-1)! - th.eps.at(-1)!) / th.eps.at(-1)!;
    assert.ok(gap > 3 * dev.relative.at(-1)!, `${activation}: the protocol changed eps by ${gap}`);
  }
});

Deno.test("mini-batches leave the mean flow unchanged in t: SGD with B = 8 against the same equations (D = 300, K = 3), and the samples seen", async () => {
  const problem = {
    data: spikedModel({ D: 300, spikes: [3, 5, 9], seed: 1 }),
    network: { K: 3, activation: "erf" as const },
    lr: 1,
    tMax: 25,
    seeds: [1, 2],
    nTimes: 20,
    nTest: 200,
  };
  const th = await theory(problem);
  // the equations do not see B: the same curve, bit for bit
  assert.deepEqual((await theory({ ...problem, batch: 8 })).eps, th.eps);
  const one = await simulate(problem);
  const eight = await simulate({ ...problem, batch: 8 });
  const dev8 = deviation(eight, th), dev1 = deviation(one, th);
  assert.ok(dev8.max <= 0.15 && dev8.mean <= 0.05, `B = 8: max ${dev8.max}, mean ${dev8.mean}`);
  // the noise shrinks: B = 8 follows the equations more closely than B = 1 on average
  assert.ok(dev8.mean < dev1.mean, `B = 8: mean ${dev8.mean}, B = 1: ${dev1.mean}`);
  assert.deepEqual(eight.samples, eight.times.map((t) => Math.round(t * 300) * 8));
  assert.equal(one.samples, undefined);
});
