import assert from "node:assert/strict";
import { ConfigError, deviation, pca, simulate, spikedModel, theory } from "../../mod.ts";
import { drawInitialWeights } from "../../src/problem/init.ts";
import { RULE_NAMES, RULES } from "../../src/problem/rules.ts";
import { materialise } from "../../src/data/mod.ts";
import { ACTIVATION_NAMES, ACTIVATIONS, averagesFor } from "../../src/activations/mod.ts";
import { directionsOf, FlowSystem, initialState } from "../../src/theory/system.ts";
import { createKernels } from "../../src/kernels/wasm.ts";

const gap = spikedModel({ D: 200, spikes: [9, 5, 3], seed: 1 });

/** Activations with closed-form averages (the long runs below would take minutes by quadrature). */
const CLOSED = ACTIVATION_NAMES.filter((a) => ACTIVATIONS[a].closedForm);

Deno.test("the projected form runs to t = 10,000 for every closed-form activation x rule without leaving the domain", async () => {
  const levels = pca(gap, 3).epsPCA;
  const cases = [
    ...CLOSED.flatMap((activation) =>
      (["vanilla", "truncated"] as const).flatMap((rule) =>
        [false, true].map((tied) => ({ activation, rule, tied }))
      )
    ),
    // the Hebbian rules (Sanger's, Oja's): linear, untied, no bias
    ...RULE_NAMES.filter((r) => RULES[r].hebbian).map((rule) => ({
      activation: "linear" as const,
      rule,
      tied: false,
    })),
    ...CLOSED.filter((a) => a !== "linear").map((activation) => ({
      activation,
      rule: "vanilla" as const,
      tied: false,
      bias: true,
    })),
  ];
  for (const c of cases) {
    const res = await theory({
      data: gap,
      network: { K: 3, activation: c.activation, tied: c.tied, bias: "bias" in c },
      rule: c.rule,
      lr: 1,
      tMax: 10_000,
      times: [0, 100, 1000, 10_000],
    });
    assert.ok(res.eps.every((e) => Number.isFinite(e) && e > 0), JSON.stringify(c));
    const final = res.eps.at(-1)!;
    assert.ok(final >= levels[3] * (1 - 1e-6), `${JSON.stringify(c)}: ${final} below eps_PCA(3)`);
    if (c.activation === "linear") {
      assert.ok(
        final < 1.02 * levels[3],
        `${JSON.stringify(c)}: linear ends at ${final / levels[3]} x eps_PCA(3)`,
      );
    }
  }
});

Deno.test("the untied erf autoencoder keeps approaching eps_PCA(K); the tied one stays above it", async () => {
  const levels = pca(gap, 3).epsPCA;
  const run = (tied: boolean) =>
    theory({
      data: gap,
      network: { K: 3, activation: "erf", tied },
      lr: 1,
      tMax: 10_000,
      times: [0, 100, 1000, 10_000],
    });
  const untied = await run(false);
  const gaps = untied.eps.slice(1).map((e) => e / levels[3] - 1);
  console.log(
    `untied erf: gap to eps_PCA(3) at t = 100, 1000, 10000: ${
      gaps.map((g) => (100 * g).toFixed(2) + "%").join(", ")
    }`,
  );
  assert.ok(gaps[0] > gaps[1] && gaps[1] > gaps[2] && gaps[2] > 0, `gaps ${gaps}`);
  const tied = await run(true);
  assert.ok(
    tied.eps.at(-1)! > 1.2 * levels[3],
    `tied erf ${tied.eps.at(-1)} vs eps_PCA(3) ${levels[3]}`,
  );
});

Deno.test("one Euler step of length 1/D is the mean of one SGD step (encoder and decoder)", async () => {
  const D = 40, K = 2, lr = 0.8, N = 40_000;
  const data = spikedModel({ D, spikes: [4, 2], seed: 3 });
  const mat = materialise(data);
  const { spectrum } = pca(data, 2);
  const net = { K, activation: "erf" as const, tied: false, bias: false, sigma0: 0.5 };
  const w0 = drawInitialWeights(net, D, 4);
  // theory: one Euler step h = 1/D from the same weights
  const dirs = directionsOf(spectrum, K, "projected");
  const sys = new FlowSystem(dirs, K, "vanilla", lr, averagesFor("erf"), await createKernels());
  const y = initialState(dirs, K, w0.W, w0.V!);
  const dy = new Float64Array(y.length);
  sys.rhs(0, y, dy);
  const n = dirs.rho.length;
  // SGD: N independent single steps from (W0, V0); the change of w^k . e_tau and
  // v^k . e_tau / sqrt(D) along each explicit direction, with its sample mean and standard error
  const k = await createKernels();
  const W = k.f64(K * D), V = k.f64(K * D), b = k.f64(K), X = k.f64(D);
  const work = k.f64(k.x.sgdWorkSize(D, K));
  const z = k.f64(2), st = k.alloc(24);
  const U = k.put(mat.sampler.kind === "spiked" ? mat.sampler.U : []);
  const coef = k.put(mat.sampler.kind === "spiked" ? mat.sampler.coef : []);
  const sigma = mat.sampler.kind === "spiked" ? mat.sampler.sigma : 0;
  k.x.rngSeed(st, 77);
  const W0 = w0.W.flat(), V0 = w0.V!.flat();
  const sum = new Float64Array(2 * K * n), sq = new Float64Array(2 * K * n);
  for (let s = 0; s < N; s++) {
    k.write(W, W0);
    k.write(V, V0);
    k.x.sampleSpiked(st, U, coef, 2, sigma, D, X, 1, z);
    k.x.sgdSteps(W, V, b, X, 1, D, K, lr, 1, 0, 0, 0, work);
    const w = k.view(W, K * D), v = k.view(V, K * D);
    for (let kk = 0; kk < K; kk++) {
      for (let t = 0; t < n; t++) {
        let da = 0, db = 0;
        for (let i = 0; i < D; i++) {
          const e = dirs.vectors[t * D + i];
          da += (w[kk * D + i] - W0[kk * D + i]) * e;
          db += (v[kk * D + i] - V0[kk * D + i]) * e;
        }
        db /= Math.sqrt(D);
        for (const [j, x] of [[kk * n + t, da], [(K + kk) * n + t, db]] as const) {
          sum[j] += x;
          sq[j] += x * x;
        }
      }
    }
  }
  for (let j = 0; j < 2 * K * n; j++) {
    const mean = sum[j] / N;
    const se = Math.sqrt((sq[j] / N - mean * mean) / N);
    const predicted = dy[j] / D;
    const what = j < K * n ? "encoder" : "decoder";
    assert.ok(
      Math.abs(mean - predicted) < 5 * se,
      `${what} ${j}: ${mean} vs ${predicted} (se ${se})`,
    );
    assert.ok(Math.abs(predicted) > 3 * se, `${what} ${j}: the check has power`);
  }
});

Deno.test("theory and SGD at D = 1000 (5 seeds) agree; at D = 250 they deviate more", async () => {
  const dev: Record<number, ReturnType<typeof deviation>> = {};
  for (const D of [1000, 250]) {
    const cfg = {
      data: spikedModel({ D, spikes: [3, 5, 9] }),
      network: { K: 3, activation: "erf" as const },
      lr: 1,
      tMax: 200,
      seeds: [1, 2, 3, 4, 5],
      nTimes: 40,
      nTest: 5000,
    };
    dev[D] = deviation(await simulate(cfg), await theory(cfg));
    console.log(
      `D = ${D}: max deviation ${(100 * dev[D].max).toFixed(2)}% at t = ${dev[D].maxAt}, mean ${
        (100 * dev[D].mean).toFixed(2)
      }%`,
    );
  }
  assert.ok(dev[1000].max <= 0.15 && dev[1000].mean <= 0.05);
  assert.ok(dev[250].mean > dev[1000].mean, "finite-size deviation grows as D shrinks");
});

Deno.test("theory: bad solver settings name the parameter", async () => {
  const data = spikedModel({ D: 20 });
  await assert.rejects(
    theory({ data }, { integrator: "leapfrog" }),
    (e: unknown) => e instanceof ConfigError && /integrator/.test(e.message),
  );
  await assert.rejects(theory({ data }, { form: "dense" as never }), /invalid form: got "dense"/);
  await assert.rejects(theory({ data }, { integrator: "rk4", h: -1 }), /invalid h: got -1/);
});

Deno.test("a state that leaves the domain is a clear error, not NaN", async () => {
  const data = spikedModel({ D: 50, spikes: [5] });
  await assert.rejects(
    theory({
      data,
      network: { K: 1, activation: "linear" },
      lr: 2000,
      tMax: 100,
    }, { integrator: "euler", h: 1 }),
    /domain|variance|finite|t = /,
  );
});

Deno.test("tanh (averages by quadrature) tracks SGD as closely as erf (closed forms) does", async () => {
  const devs: Record<string, { max: number; mean: number }> = {};
  for (const activation of ["erf", "tanh"] as const) {
    const problem = {
      data: spikedModel({ D: 300, spikes: [3, 5, 9], directions: "sinusoidal" as const }),
      network: { K: 3, activation },
      lr: 1,
      tMax: 100,
      seeds: [1, 2],
      nTimes: 30,
    };
    devs[activation] = deviation(await simulate(problem), await theory(problem));
  }
  console.log(
    `theory vs SGD, D = 300: erf max ${(100 * devs.erf.max).toFixed(2)}% mean ${
      (100 * devs.erf.mean).toFixed(2)
    }%; tanh max ${(100 * devs.tanh.max).toFixed(2)}% mean ${(100 * devs.tanh.mean).toFixed(2)}%`,
  );
  for (const d of Object.values(devs)) assert.ok(d.max <= 0.15 && d.mean <= 0.05);
  assert.ok(devs.tanh.max <= 1.5 * devs.erf.max, "tanh's max deviation beyond 1.5 x erf's");
  assert.ok(devs.tanh.mean <= 1.5 * devs.erf.mean, "tanh's mean deviation beyond 1.5 x erf's");
});

Deno.test("output bias: SGD follows the equations (error, C_k and C0), ReLU with hidden and output biases", async () => {
  const problem = {
    data: spikedModel({ D: 500, spikes: [9, 5, 3], seed: 0 }),
    network: { K: 3, activation: "relu" as const, bias: true, outputBias: true },
    lr: 0.5,
    tMax: 300,
    seeds: [1, 2],
    nTimes: 30,
    nTest: 1000,
  };
  const sim = await simulate(problem);
  const th = await theory(problem);
  const d = deviation(sim, th);
  assert.equal(d.basis, "population");
  const last = (r: typeof sim, s: number) => r.runs[s].order[r.times.length - 1];
  let worstC = 0;
  for (let s = 0; s < 2; s++) {
    const a = last(sim, s), b = last(th, s);
    const scale = Math.sqrt(b.C0!);
    for (let k = 0; k < 3; k++) worstC = Math.max(worstC, Math.abs(a.C![k] - b.C![k]) / scale);
    worstC = Math.max(worstC, Math.abs(a.C0! / b.C0! - 1));
  }
  const levels = pca(problem.data, 3).epsPCA;
  console.log(
    `output bias, D = 500: deviation max ${(100 * d.max).toFixed(2)}% (t = ${d.maxAt}), mean ${
      (100 * d.mean).toFixed(2)
    }%; final SGD (exact error) ${
      (d.simulationEps.at(-1)! / levels[3]).toFixed(3)
    } x eps_PCA(3), held-out ${(sim.eps.at(-1)! / levels[3]).toFixed(3)}, theory ${
      (th.eps.at(-1)! / levels[3]).toFixed(3)
    }; largest relative difference of C_k, C0 at t = 300: ${worstC.toFixed(4)}`,
  );
  assert.ok(d.max <= 0.15 && d.mean <= 0.05, `deviation ${d.max}, ${d.mean}`);
  assert.ok(worstC < 0.1, `C_k and C0 of SGD and theory differ by ${worstC}`);
});
