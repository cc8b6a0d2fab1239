/**
 * The training protocols' kernel (THEORY.md 7: a learning rate per step,
 * decoupled weight decay per unit) against the plain loops of reference.ts,
 * and its sampling against the given-samples path.
 * @module
 */
import assert from "node:assert/strict";
import { createKernels, RNG_BYTES } from "../../src/kernels/wasm.ts";
import { ACTIVATIONS } from "../../src/activations/mod.ts";
import { RULES } from "../../src/problem/rules.ts";
import {
  ACT_LINEAR,
  Rng,
  RULE_TRUNCATED,
  RULE_VANILLA,
  sgdSteps,
  sgdStepsBatch,
  sgdStepsProtocol,
} from "./reference.ts";

function normals(rng: Rng, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * rng.normal();
  return out;
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}

const HEBBIAN = Object.values(RULES).filter((r) => !r.decoder).map((r) => r.kernelCode);

Deno.test("sgdTrainProtocol: per-step eta and per-unit decay equal the reference to 1e-12 (every rule, tied, bias, output bias, K blocks)", async () => {
  const kern = await createKernels();
  for (const [d, k] of [[37, 3], [130, 9]]) {
    const rng = new Rng(500 + d);
    const n = 120;
    const xs = normals(rng, n * d, 1);
    const w0 = normals(rng, k * d, 0.4), v0 = normals(rng, k * d, 0.4), b0 = normals(rng, k, 0.3);
    const c0 = normals(rng, d, 0.2);
    // a schedule with a jump and a strong decay, so both change the result visibly
    const etas = Array.from({ length: n }, (_, j) => (j < 60 ? 0.9 : 0.3) / (1 + j / 40));
    const decay = Array.from({ length: k }, (_, u) => 2 + 3 * u);
    const combos: [number, boolean, boolean, boolean][] = [];
    for (const rule of [RULE_VANILLA, RULE_TRUNCATED]) {
      for (const tied of [false, true]) {
        for (const out of [false, true]) combos.push([rule, tied, out, true]);
      }
    }
    for (const rule of HEBBIAN) combos.push([rule, false, false, false]);
    const mark = kern.mark();
    const xp = kern.put(xs), ep = kern.put(etas), lp = kern.put(decay);
    const work = kern.f64(kern.x.sgdWorkSize(d, k));
    for (const [rule, tied, out, bias] of combos) {
      for (const withDecay of [false, true]) {
        const act = HEBBIAN.includes(rule) ? ACT_LINEAR : ACTIVATIONS.erf.kernelCode;
        const label = `D=${d} K=${k} rule=${rule} tied=${tied} out=${out} decay=${withDecay}`;
        const w = w0.slice(), v = tied ? w0.slice() : v0.slice(), b = b0.slice();
        const c = out ? c0.slice() : null;
        const wp = kern.put(w), vp = tied ? wp : kern.put(v), bp = kern.put(b);
        const cp = c ? kern.put(c) : 0;
        const t = tied ? 1 : 0, bi = bias ? 1 : 0;
        // two calls: the state carries over
        for (const [j0, m] of [[0, 50], [50, n - 50]]) {
          kern.x.sgdTrainProtocol(
            0,
            0,
            xp + 8 * j0 * d,
            wp,
            vp,
            bp,
            cp,
            m,
            d,
            k,
            ep + 8 * j0,
            withDecay ? lp : 0,
            act,
            rule,
            t,
            bi,
            work,
          );
        }
        sgdStepsProtocol(
          w,
          v,
          b,
          c,
          xs,
          n,
          d,
          k,
          etas,
          withDecay ? decay : null,
          act,
          rule,
          tied,
          bias,
        );
        assert.ok(relDiff(kern.read(wp, k * d), w) <= 1e-12, `${label}: W`);
        if (!tied && !HEBBIAN.includes(rule)) {
          assert.ok(relDiff(kern.read(vp, k * d), v) <= 1e-12, `${label}: V`);
        }
        if (c) assert.ok(relDiff(kern.read(cp, d), c) <= 1e-12, `${label}: c`);
        // the protocol changed the result: against constant eta without decay
        const w1 = w0.slice(), v1 = tied ? w0.slice() : v0.slice(), b1 = b0.slice();
        sgdSteps(w1, v1, b1, c ? c0.slice() : null, xs, n, d, k, etas[0], act, rule, tied, bias);
        // (by a good part of how far the weights moved: steps at D = 130 are small)
        const moved = relDiff(w1, w0);
        assert.ok(
          moved > 0 && relDiff(w, w1) > 0.1 * moved,
          `${label}: the schedule changed nothing`,
        );
      }
    }
    kern.release(mark);
  }
});

Deno.test("sgdTrainProtocol: a constant eta without decay gives the bits of sgdTrain; the sampler path equals given samples", async () => {
  const kern = await createKernels();
  const d = 64, k = 5, n = 70, eta = 0.8;
  const rng = new Rng(9);
  const w0 = normals(rng, k * d, 0.3), v0 = normals(rng, k * d, 0.3);
  const desc = kern.alloc(kern.x.SAMPLER_BYTES.value);
  const u = normals(rng, 2 * d, 1);
  kern.x.samplerSpiked(desc, kern.put(u), kern.put([1.5, 0.8]), 2, 0.6, d, kern.f64(2));
  const st = kern.alloc(RNG_BYTES);
  const work = kern.f64(kern.x.sgdWorkSize(d, k));
  const act = ACTIVATIONS.erf.kernelCode;
  const run = (how: "plain" | "protocol" | "given", decay: number) => {
    const w = kern.put(w0), v = kern.put(v0), b = kern.f64(k);
    const etas = kern.put(new Array(n).fill(eta));
    const lam = decay ? kern.put(new Array(k).fill(decay)) : 0;
    kern.x.rngSeed(st, 5);
    if (how === "plain") kern.x.sgdTrain(desc, st, w, v, b, 0, n, d, k, eta, act, 0, 0, 0, work);
    else if (how === "protocol") {
      kern.x.sgdTrainProtocol(desc, st, 0, w, v, b, 0, n, d, k, etas, lam, act, 0, 0, 0, work);
    } else {
      const xs = kern.f64(n * d);
      kern.x.sampleFrom(desc, st, xs, n);
      kern.x.sgdTrainProtocol(0, 0, xs, w, v, b, 0, n, d, k, etas, lam, act, 0, 0, 0, work);
    }
    return [kern.read(w, k * d), kern.read(v, k * d)];
  };
  assert.deepEqual(run("protocol", 0), run("plain", 0));
  assert.deepEqual(run("protocol", 0.5), run("given", 0.5));
  assert.notDeepEqual(run("protocol", 0.5), run("plain", 0));
});

Deno.test("sgdTrainBatch: the mean of B one-sample updates from the same weights, to 1e-11 (vanilla, truncated, tied, bias, output bias, decay, K and D off the blocks)", async () => {
  const kern = await createKernels();
  for (const [d, k, bs] of [[37, 3, 5], [130, 9, 8], [64, 4, 1], [33, 6, 3]]) {
    const rng = new Rng(900 + d);
    const n = 12;
    const xs = normals(rng, n * bs * d, 1);
    const w0 = normals(rng, k * d, 0.5), v0 = normals(rng, k * d, 0.5), b0 = normals(rng, k, 0.3);
    const c0 = normals(rng, d, 0.2);
    const etas = Array.from({ length: n }, (_, j) => 2 / (1 + j / 4));
    const decay = Array.from({ length: k }, (_, u) => 1 + u);
    const mark = kern.mark();
    const xp = kern.put(xs), ep = kern.put(etas), lp = kern.put(decay);
    const work = kern.f64(kern.x.sgdBatchWorkSize(d, k, bs));
    for (const rule of [RULE_VANILLA, RULE_TRUNCATED]) {
      for (const tied of [false, true]) {
        for (const out of [false, true]) {
          const act = ACTIVATIONS.erf.kernelCode;
          const label = `D=${d} K=${k} B=${bs} rule=${rule} tied=${tied} out=${out}`;
          const w = w0.slice(), v = tied ? w : v0.slice(), b = b0.slice();
          const c = out ? c0.slice() : null;
          const wp = kern.put(w), vp = tied ? wp : kern.put(v), bp = kern.put(b);
          const cp = c ? kern.put(c) : 0;
          const t = tied ? 1 : 0;
          for (const [j0, m] of [[0, 5], [5, n - 5]]) {
            kern.x.sgdTrainBatch(
              0,
              0,
              xp + 8 * j0 * bs * d,
              wp,
              vp,
              bp,
              cp,
              m,
              bs,
              d,
              k,
              ep + 8 * j0,
              lp,
              act,
              rule,
              t,
              1,
              work,
            );
          }
          sgdStepsBatch(w, v, b, c, xs, n, bs, d, k, etas, decay, act, rule, tied, true);
          assert.ok(relDiff(w, w0) > 1e-3, `${label}: the weights did not move`);
          assert.ok(
            relDiff(kern.read(wp, k * d), w) <= 1e-11,
            `${label}: W ${relDiff(kern.read(wp, k * d), w)}`,
          );
          if (!tied) assert.ok(relDiff(kern.read(vp, k * d), v) <= 1e-11, `${label}: V`);
          assert.ok(relDiff(kern.read(bp, k), b) <= 1e-11, `${label}: b`);
          if (c) assert.ok(relDiff(kern.read(cp, d), c) <= 1e-11, `${label}: c`);
        }
      }
    }
    kern.release(mark);
  }
});

Deno.test("sgdTrainBatch with B = 1 gives sgdTrainProtocol's weights; the sampler path equals given samples", async () => {
  const kern = await createKernels();
  const d = 50, k = 5, n = 40, bs = 4;
  const rng = new Rng(3);
  const w0 = normals(rng, k * d, 0.3), v0 = normals(rng, k * d, 0.3);
  const desc = kern.alloc(kern.x.SAMPLER_BYTES.value);
  kern.x.samplerSpiked(
    desc,
    kern.put(normals(rng, 2 * d, 1)),
    kern.put([1.5, 0.8]),
    2,
    0.6,
    d,
    kern.f64(2),
  );
  const st = kern.alloc(RNG_BYTES);
  const act = ACTIVATIONS.erf.kernelCode;
  const etas = kern.put(new Array(n).fill(0.9));
  const run = (how: "one" | "batch1" | "sampled" | "given") => {
    const w = kern.put(w0), v = kern.put(v0), b = kern.f64(k);
    kern.x.rngSeed(st, 5);
    const B = how === "one" || how === "batch1" ? 1 : bs;
    const work = kern.f64(Math.max(kern.x.sgdBatchWorkSize(d, k, B), kern.x.sgdWorkSize(d, k)));
    if (how === "one") {
      kern.x.sgdTrainProtocol(desc, st, 0, w, v, b, 0, n, d, k, etas, 0, act, 0, 0, 0, work);
    } else if (how === "batch1" || how === "sampled") {
      kern.x.sgdTrainBatch(desc, st, 0, w, v, b, 0, n, B, d, k, etas, 0, act, 0, 0, 0, work);
    } else {
      const xs = kern.f64(n * B * d);
      kern.x.sampleFrom(desc, st, xs, n * B);
      kern.x.sgdTrainBatch(0, 0, xs, w, v, b, 0, n, B, d, k, etas, 0, act, 0, 0, 0, work);
    }
    return [kern.read(w, k * d), kern.read(v, k * d)];
  };
  const [w1, v1] = run("one"), [w2, v2] = run("batch1");
  assert.ok(relDiff(w2, w1) <= 1e-12 && relDiff(v2, v1) <= 1e-12);
  assert.deepEqual(run("sampled"), run("given"));
});
