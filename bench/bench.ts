/**
 * Benchmark of online SGD (`deno task bench`), one core, D = 1024, erf,
 * untied, vanilla and truncated SGD, K = 2, 4, 8, 16, 32, on the spiked model
 * (3 spikes, random directions). Measured:
 *
 *   normals        the Gaussian generator alone (rngFillNormal, 4096 per call):
 *                  ns per number, and the plain-TypeScript reference's;
 *   samples        the spiked sampler alone (sampleSpiked): samples per second;
 *   kernel step    sgdSteps on pre-drawn inputs (a bank of 256, reused);
 *   kernel train   sgdTrain: each step draws its sample (sampling fused into
 *                  the step's first pass), 256 steps per call;
 *   simulate       `simulate` itself, a whole run (setup, initial weights, a
 *                  held-out set of 100, 3 recorded times: t = 0, t_min, t_max)
 *                  divided by its steps;
 *   TS             the plain-TypeScript reference loop (tests/kernels/reference.ts:
 *                  sampleSpiked, then sgdSteps) of the same algorithm, for the ratio.
 *
 * GFLOP/s counts 6 K D flops per step: the three K x D products of a step
 * (the fields W x, the reconstruction sum_k v^k g_k and the back-projection
 * V Delta), not the two rank-one updates of W and V (4 K D more) nor the
 * sampling. Rates are per second of CPU time of this process
 * (process.cpuUsage), which time-sharing with other processes does not
 * deflate; the simulate rate per wall-clock second is printed too. Each
 * figure is the best of REPEATS timed runs after a warm-up (V8 first runs
 * baseline code), each run starting from the same weights (erf costs more
 * as the fields grow): other work on the machine only slows a run down (on
 * a virtual machine whose cores share a physical core, by up to a half, CPU
 * time included), so the best run is the machine's rate; the medians are in
 * the --json output and printed for simulate.
 *
 *   reduced        the exact reduced engine (THEORY.md 6a, assembly/reduced.ts) at the
 *                  same problem (erf, untied, vanilla, K = 4, 3 spikes): its kernel
 *                  (reducedTrain, from the seed's reduced initial state) and `simulate`
 *                  with engine "reduced" (a whole run), against the full engine's
 *                  sample+step kernel and `simulate`; and the reduced kernel's steps
 *                  per second at D = 1e3, 1e4, 1e5, 1e6, each timed on blocks of
 *                  1000 steps from the same Wishart initial state (fields of the
 *                  same size at every D: erf costs more on larger fields), so that
 *                  the cost per step is compared at equal states.
 *
 * When `python3` can import numpy or torch, bench/peer_sgd.py
 * (D = 1024, K = 4, 3000 steps) times the peers' loops, and their ratios to
 * simulate at K = 4 are printed; nothing is installed.
 *
 *   batch          mini-batch SGD (THEORY.md 7): samples per second against the
 *                  batch size B = 1 .. 64 at K = 4 and 16 (sampling included),
 *                  and the ratio of B = 32 to B = 1 at K = 16.
 *
 * Options: --quick (fewer, shorter repeats), --json (machine-readable output),
 * --reduced (only the full engine's vanilla K = 4 row and the reduced engine),
 * --batch (only the mini-batch rows).
 * @module
 */
import process from "node:process";
import { simulate, spikedModel } from "../mod.ts";
import { createKernels, type Kernels, RNG_BYTES, SAMPLER_BYTES } from "../src/kernels/wasm.ts";
import { samplerOf, sgdTrainer } from "../src/kernels/ops.ts";
import { reducedTrainer } from "../src/kernels/reduced.ts";
import { measureBatches, printBatches } from "./batch_rows.ts";
import { type ReducedState, wishartInitialState } from "../src/sgd/reduced.ts";
import {
  ACT_ERF,
  Rng,
  RULE_TRUNCATED,
  RULE_VANILLA,
  sampleSpiked,
  sgdSteps,
  sgdWork,
} from "../tests/kernels/reference.ts";

const D = 1024;
const onlyReduced = Deno.args.includes("--reduced");
const KS = onlyReduced ? [4] : [2, 4, 8, 16, 32];
const ETA = 0.5;
const SPIKES = [3, 5, 9]; // s_m = 2^m + 1, m = 1..3
const SIGMA = 1;
const BANK = 256;
const quick = Deno.args.includes("--quick");
const asJson = Deno.args.includes("--json");
const REPEATS = quick ? 3 : 7;
const TARGET_SECONDS = quick ? 0.08 : 0.25;
const WARMUP_SECONDS = quick ? 0.05 : 0.15;
const flops = (K: number) => 6 * K * D;

// Spiked model normalised to tr(Omega)/D = 1, random directions of norm sqrt(D).
const norm = Math.sqrt(SPIKES.reduce((s, x) => s + x * x, 0) + SIGMA * SIGMA);
const coef = SPIKES.map((s) => s / norm);
const sigma = SIGMA / norm;
const setupRng = new Rng(2024);
const dirs = new Float64Array(SPIKES.length * D);
for (let m = 0; m < SPIKES.length; m++) {
  let s = 0;
  for (let i = 0; i < D; i++) {
    const z = setupRng.normal();
    dirs[m * D + i] = z;
    s += z * z;
  }
  const f = Math.sqrt(D / s);
  for (let i = 0; i < D; i++) dirs[m * D + i] *= f;
}
const weights = (K: number) => ({
  w0: new Float64Array(K * D).map(() => 0.1 * setupRng.normal()),
  v0: new Float64Array(K * D).map(() => 0.1 * setupRng.normal()),
});

/** A benchmark body: runs `n` units of work (steps, samples, numbers). */
type Body = (n: number) => void | Promise<void>;

/** Units per second of CPU time and of wall-clock time (the best run), and the median CPU rate. */
interface Rates {
  cpu: number;
  wall: number;
  cpuMedian: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Seconds of CPU time used by this process so far (user + system). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function timeRun(body: Body, n: number): Promise<{ cpu: number; wall: number }> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  await body(n);
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  return { cpu: n / Math.max(cpu, 1e-6), wall: n / wall };
}

/**
 * Rates over REPEATS runs of about TARGET_SECONDS (a multiple of `unit`),
 * after a warm-up of WARMUP_SECONDS (V8 runs a wasm function's baseline code
 * until its optimised code, compiled in the background, is in): the best run
 * and the median.
 */
async function measure(body: Body, unit: number, warmup = WARMUP_SECONDS): Promise<Rates> {
  const w0 = performance.now();
  while (performance.now() - w0 < warmup * 1000) await body(unit);
  let n = unit;
  for (;;) {
    const t0 = performance.now();
    await body(n);
    const dt = (performance.now() - t0) / 1000;
    if (dt > TARGET_SECONDS / 4) {
      n = Math.max(unit, Math.round((n * TARGET_SECONDS) / dt / unit) * unit);
      break;
    }
    n *= 2;
  }
  const runs: { cpu: number; wall: number }[] = [];
  for (let r = 0; r < REPEATS; r++) runs.push(await timeRun(body, n));
  return {
    cpu: Math.max(...runs.map((x) => x.cpu)),
    wall: Math.max(...runs.map((x) => x.wall)),
    cpuMedian: median(runs.map((x) => x.cpu)),
  };
}

/** Kernel-level bodies for one rule and K, in their own instance. */
async function kernelBodies(rule: number, K: number): Promise<{ step: Body; train: Body }> {
  const kern: Kernels = await createKernels();
  const x = kern.x;
  const st = kern.alloc(RNG_BYTES);
  x.rngSeed(st, 7);
  const sampler = samplerOf(x, {
    kind: "spiked",
    u: kern.put(dirs),
    coef: kern.put(coef),
    r: SPIKES.length,
    sigma,
    d: D,
    z: kern.f64(SPIKES.length),
  }, kern.alloc(SAMPLER_BYTES));
  const bank = kern.f64(BANK * D);
  sampler.draw(st, bank, BANK);
  const { w0, v0 } = weights(K);
  const w = kern.put(w0);
  const v = kern.put(v0);
  const opts = {
    w,
    v,
    b: kern.f64(K),
    d: D,
    k: K,
    eta: ETA,
    activation: ACT_ERF,
    rule,
    tied: false,
    bias: false,
    work: kern.f64(x.sgdWorkSize(D, K)),
  };
  const train = sgdTrainer(x, opts, sampler);
  const reset = () => {
    kern.write(w, w0);
    kern.write(v, v0);
  };
  return {
    step(n) {
      reset();
      for (let done = 0; done < n; done += BANK) {
        x.sgdSteps(
          w,
          v,
          opts.b,
          bank,
          Math.min(BANK, n - done),
          D,
          K,
          ETA,
          ACT_ERF,
          rule,
          0,
          0,
          opts.work,
        );
      }
    },
    train(n) {
      reset();
      for (let done = 0; done < n; done += BANK) {
        train(st, Math.min(BANK, n - done));
      }
    },
  };
}

/** The plain-TypeScript loop: sampleSpiked, then sgdSteps, in blocks of 64. */
function tsBody(rule: number, K: number): Body {
  const rng = new Rng(7);
  const block = new Float64Array(64 * D);
  const { w0, v0 } = weights(K);
  const w = w0.slice();
  const v = v0.slice();
  const b = new Float64Array(K);
  const work = sgdWork(D, K);
  return (n) => {
    w.set(w0);
    v.set(v0);
    for (let done = 0; done < n; done += 64) {
      const m = Math.min(64, n - done);
      sampleSpiked(rng, dirs, coef, SPIKES.length, sigma, D, block, m);
      sgdSteps(w, v, b, null, block, m, D, K, ETA, ACT_ERF, rule, false, false, work);
    }
  };
}

/** `simulate` itself: n steps are one run of tMax = n / D. */
function simulateBody(rule: "vanilla" | "truncated", K: number): Body {
  const data = spikedModel({ D, spikes: SPIKES, seed: 1 });
  return async (n) => {
    await simulate({
      data,
      network: { K, activation: "erf" },
      rule,
      lr: ETA,
      tMax: n / D,
      seeds: [1],
      nTimes: 2,
      nTest: 100,
      snapshotTimes: [],
    });
  };
}

/**
 * The reduced kernel (vanilla erf, untied, K units, the bench's 3 spikes) at
 * dimension d, from a Wishart initial state: body(n) runs n steps, resetting
 * the state every `block` steps (and at the start).
 */
async function reducedBody(K: number, d: number, block: number): Promise<Body> {
  const kern: Kernels = await createKernels();
  const n = 2 * K, r = SPIKES.length;
  // the spectrum of the bench's model: its r spike eigenvalues and the bulk sigma^2
  const rho = spikeEigenvalues(d);
  const s0: ReducedState = wishartInitialState(kern, {
    n,
    nRandom: n,
    r,
    K,
    D: d,
    sigma0: 0.1,
    seed: 1,
  });
  const A = kern.put(s0.A), G = kern.put(s0.G), b = kern.f64(K);
  const train = reducedTrainer(kern.x, {
    A,
    G,
    b,
    n,
    r,
    k: K,
    sqrtRho: kern.put(rho.map(Math.sqrt)),
    sigmaB: sigma,
    d,
    eta: ETA,
    activation: ACT_ERF,
    rule: RULE_VANILLA,
    tied: false,
    bias: false,
    outputBias: false,
    work: kern.f64(kern.x.reducedWorkSize(n, r, K)),
  });
  const st = kern.alloc(RNG_BYTES);
  kern.x.rngSeed(st, 7);
  return (steps) => {
    for (let done = 0; done < steps; done += block) {
      kern.write(A, s0.A);
      kern.write(G, s0.G);
      train(st, Math.min(block, steps - done));
    }
  };
}

/**
 * The r spike eigenvalues of the bench's model at dimension d (random
 * directions of norm sqrt(d), nearly orthogonal): coef_m^2 d + sigma^2 to
 * O(sqrt d), the cost of a step does not depend on them.
 */
function spikeEigenvalues(d: number): number[] {
  return coef.map((c) => c * c * d + sigma * sigma);
}

/** `simulate` with the reduced engine: n steps are one run of tMax = n / D. */
function reducedSimulateBody(K: number): Body {
  const data = spikedModel({ D, spikes: SPIKES, seed: 1 });
  return async (n) => {
    await simulate({
      data,
      network: { K, activation: "erf" },
      lr: ETA,
      tMax: n / D,
      seeds: [1],
      nTimes: 2,
      engine: "reduced",
    });
  };
}

/** The peers' steps per second (peer_sgd.py), or why there are none. */
async function peers(): Promise<{ rates: Record<string, number>; note: string }> {
  const script = new URL("./peer_sgd.py", import.meta.url);
  // Debian's python3-torch and python3-numpy install for /usr/bin/python3,
  // which a pyenv or venv python3 earlier on PATH would hide.
  let python = "python3";
  const run = async (args: string[]) => {
    try {
      const out = await new Deno.Command(python, { args, stdout: "piped", stderr: "piped" })
        .output();
      return { ok: out.success, text: new TextDecoder().decode(out.stdout) };
    } catch {
      return { ok: false, text: "" };
    }
  };
  const probeArgs = [
    "-c",
    "import importlib.util, sys; " +
    "sys.exit(0 if any(importlib.util.find_spec(m) for m in ('numpy', 'torch')) else 1)",
  ];
  let found = false;
  for (const candidate of ["/usr/bin/python3", "python3"]) {
    python = candidate;
    if ((await run(probeArgs)).ok) {
      found = true;
      break;
    }
  }
  if (!found) {
    return { rates: {}, note: "peers not run: python3 with numpy or torch is not installed" };
  }
  try {
    await Deno.stat(script);
  } catch {
    return { rates: {}, note: `peers not run: ${script.pathname} not found` };
  }
  const res = await run([script.pathname, String(D), "4", "3000"]);
  const line = res.text.trim().split("\n").at(-1) ?? "";
  try {
    const rates = JSON.parse(line) as Record<string, number>;
    return {
      rates,
      note:
        `peers: ${python} ${script.pathname} ${D} 4 3000 (variants whose package is missing are left out)`,
    };
  } catch {
    return { rates: {}, note: `peers not run: peer_sgd.py printed no JSON (${line.slice(0, 80)})` };
  }
}

interface Row {
  rule: string;
  K: number;
  kernelStep: Rates;
  kernelTrain: Rates;
  simulate: Rates;
  ts: Rates;
}

// a line on stderr as each measurement ends: the first table takes a minute or more
// --- mini-batches (THEORY.md 7): samples per second against the batch size B (./batch_rows.ts) ---
const batchSetup = {
  D,
  dirs,
  coef,
  sigma,
  spikes: SPIKES.length,
  eta: ETA,
  bank: BANK,
  weights,
  measure,
};
const batchTable = () => measureBatches(batchSetup);

if (Deno.args.includes("--batch")) {
  const table = await batchTable();
  if (asJson) console.log(JSON.stringify({ D, batch: table }));
  else printBatches(table, D);
  Deno.exit(0);
}

const benchStart = performance.now();
const note = (what: string) =>
  console.error(
    `bench: ${what} (${((performance.now() - benchStart) / 1000).toFixed(0)} s)`,
  );

// --- generator and sampler alone ---
const kern = await createKernels();
const st = kern.alloc(RNG_BYTES);
kern.x.rngSeed(st, 1);
const NORMALS = 4096;
const nbuf = kern.f64(NORMALS);
const normalsWasm = await measure((n) => {
  for (let done = 0; done < n; done += NORMALS) {
    kern.x.rngFillNormal(st, nbuf, NORMALS);
  }
}, NORMALS);
const tsRng = new Rng(1);
const tsBuf = new Float64Array(NORMALS);
const normalsTs = await measure((n) => {
  for (let done = 0; done < n; done += NORMALS) {
    tsRng.fillNormal(tsBuf, 0, NORMALS);
  }
}, NORMALS);
const sbuf = kern.f64(64 * D);
const [up, cp, zp] = [kern.put(dirs), kern.put(coef), kern.f64(SPIKES.length)];
const samplesWasm = await measure((n) => {
  for (let done = 0; done < n; done += 64) {
    kern.x.sampleSpiked(st, up, cp, SPIKES.length, sigma, D, sbuf, 64, zp);
  }
}, 64);
const tsBlock = new Float64Array(64 * D);
const samplesTs = await measure((n) => {
  for (let done = 0; done < n; done += 64) {
    sampleSpiked(tsRng, dirs, coef, SPIKES.length, sigma, D, tsBlock, 64);
  }
}, 64);
note("generator and sampler measured");

// --- steps ---
const rows: Row[] = [];
for (
  const [ruleName, rule] of onlyReduced
    ? [["vanilla", RULE_VANILLA]] as const
    : [["vanilla", RULE_VANILLA], ["truncated", RULE_TRUNCATED]] as const
) {
  for (const K of KS) {
    const kb = await kernelBodies(rule, K);
    rows.push({
      rule: ruleName,
      K,
      kernelStep: await measure(kb.step, BANK),
      kernelTrain: await measure(kb.train, BANK),
      simulate: await measure(simulateBody(ruleName, K), D),
      ts: await measure(tsBody(rule, K), 64),
    });
    note(`${ruleName} SGD at K = ${K} measured`);
  }
}
note("running the peers (python3)");
const peer = onlyReduced ? { rates: {}, note: "peers: skipped (--reduced)" } : await peers();

// --- the reduced engine ---
const REDUCED_DS = [1000, 10_000, 100_000, 1_000_000];
// the reduced kernel is one large function (its straight-line code for n <= 10): V8's
// optimising compiler takes ~0.2 s to replace its baseline code on a loaded host, and a
// call keeps the code it started in, so its rows warm up for REDUCED_WARMUP seconds
const REDUCED_WARMUP = 0.5;
const reduced = {
  kernel: await measure(await reducedBody(4, D, 1 << 30), 1000, REDUCED_WARMUP),
  simulate: await measure(reducedSimulateBody(4), D, REDUCED_WARMUP),
  byD: [] as { D: number; rates: Rates }[],
};
for (const d of REDUCED_DS) {
  reduced.byD.push({
    D: d,
    rates: await measure(await reducedBody(4, d, 1000), 1000, REDUCED_WARMUP),
  });
}

const TARGETS = {
  simulateVanillaK4: 100_000,
  simulateTruncatedK4: 85_000,
  trainK4: 120_000,
  gflopsWide: 5,
};

if (asJson) {
  console.log(JSON.stringify({
    D,
    activation: "erf",
    spikes: SPIKES,
    repeats: REPEATS,
    flopsPerStep: "6 K D",
    normals: { wasmNs: 1e9 / normalsWasm.cpu, tsNs: 1e9 / normalsTs.cpu },
    samples: { wasm: samplesWasm, ts: samplesTs },
    rows,
    peers: peer.rates,
    peersNote: peer.note,
    reduced,
  }));
} else {
  const int = (r: number) => Math.round(r).toLocaleString("en-US");
  const gf = (r: number, K: number) => (r * flops(K) / 1e9).toFixed(2);
  console.log(
    `aedyn SGD benchmark: D = ${D}, erf, untied, eta = ${ETA}; spiked inputs (${SPIKES.length} ` +
      `spikes, random directions); one core; best of ${REPEATS} runs per figure.\n` +
      "Rates per second of CPU time of this process (sim wall: per wall-clock second; sim med: " +
      "the median run).\n" +
      "GFLOP/s counts 6 K D flops per step (W x, sum_k v^k g_k, V Delta; not the updates, not " +
      "the sampling).\n",
  );
  console.log(
    `Gaussian numbers: wasm ${(1e9 / normalsWasm.cpu).toFixed(2)} ns each, TS reference ` +
      `${(1e9 / normalsTs.cpu).toFixed(2)} ns (${
        (normalsWasm.cpu / normalsTs.cpu).toFixed(1)
      }x); ` +
      `spiked samples: wasm ${int(samplesWasm.cpu)}/s, TS ${int(samplesTs.cpu)}/s ` +
      `(${(samplesWasm.cpu / samplesTs.cpu).toFixed(1)}x)\n`,
  );
  const cols = [
    "rule",
    "K",
    "step /s",
    "GF/s",
    "sample+step /s",
    "GF/s",
    "simulate /s",
    "GF/s",
    "sim med /s",
    "sim wall /s",
    "TS /s",
    "sim/TS",
  ];
  const table = rows.map((r) => [
    r.rule,
    String(r.K),
    int(r.kernelStep.cpu),
    gf(r.kernelStep.cpu, r.K),
    int(r.kernelTrain.cpu),
    gf(r.kernelTrain.cpu, r.K),
    int(r.simulate.cpu),
    gf(r.simulate.cpu, r.K),
    int(r.simulate.cpuMedian),
    int(r.simulate.wall),
    int(r.ts.cpu),
    (r.simulate.cpu / r.ts.cpu).toFixed(1),
  ]);
  const widths = cols.map((c, j) => Math.max(c.length, ...table.map((t) => t[j].length)));
  const line = (cells: string[]) =>
    cells.map((c, j) => (j < 1 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ");
  console.log(
    "step: kernel on pre-drawn inputs; sample+step: kernel drawing its inputs; simulate: a whole run",
  );
  console.log(line(cols));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const t of table) console.log(line(t));
  console.log();
  const at = (rule: string, K: number) => rows.find((r) => r.rule === rule && r.K === K)!;
  const v4 = at("vanilla", 4);
  console.log(peer.note);
  for (const [name, rate] of Object.entries(peer.rates)) {
    console.log(
      `  ${name.padEnd(13)} ${int(rate).padStart(9)} steps/s; aedyn simulate vanilla K = 4 is ` +
        `${(v4.simulate.cpu / rate).toFixed(1)}x, sample+step kernel ${
          (v4.kernelTrain.cpu / rate).toFixed(1)
        }x`,
    );
  }
  console.log();
  const check = (what: string, got: number, want: number, unit: string, fmt = int) =>
    console.log(
      `${what}: ${fmt(got)} ${unit} (target >= ${fmt(want)}: ${got >= want ? "met" : "NOT met"})`,
    );
  check("simulate, vanilla, K = 4", v4.simulate.cpu, TARGETS.simulateVanillaK4, "steps/s");
  if (!onlyReduced) {
    check(
      "simulate, truncated, K = 4",
      at("truncated", 4).simulate.cpu,
      TARGETS.simulateTruncatedK4,
      "steps/s",
    );
    check("sample+step kernel, vanilla, K = 4", v4.kernelTrain.cpu, TARGETS.trainK4, "steps/s");
    check(
      "sample+step kernel, truncated, K = 4",
      at("truncated", 4).kernelTrain.cpu,
      TARGETS.trainK4,
      "steps/s",
    );
  }
  console.log();
  console.log(
    "reduced engine (THEORY.md 6a), erf, untied, vanilla, K = 4, 3 spikes: steps/s of CPU time",
  );
  console.log(
    `  D = ${D}: kernel ${int(reduced.kernel.cpu)}/s (full sample+step kernel ` +
      `${int(v4.kernelTrain.cpu)}/s: ${(reduced.kernel.cpu / v4.kernelTrain.cpu).toFixed(1)}x); ` +
      `simulate ${int(reduced.simulate.cpu)}/s (full simulate ${int(v4.simulate.cpu)}/s: ` +
      `${(reduced.simulate.cpu / v4.simulate.cpu).toFixed(1)}x)`,
  );
  for (const { D: d, rates } of reduced.byD) {
    console.log(
      `  D = ${d.toExponential(0)}: ${int(rates.cpu)} steps/s, ${
        (1e9 / rates.cpu).toFixed(0)
      } ns per step`,
    );
  }
  const costRatio = reduced.byD[0].rates.cpu / reduced.byD[reduced.byD.length - 1].rates.cpu;
  check(
    "reduced kernel / full sample+step kernel, D = 1024, K = 4",
    reduced.kernel.cpu / v4.kernelTrain.cpu,
    30,
    "x",
    (x) => x.toFixed(1),
  );
  check(
    "reduced simulate / full simulate, D = 1024, K = 4",
    reduced.simulate.cpu / v4.simulate.cpu,
    30,
    "x",
    (x) => x.toFixed(1),
  );
  console.log(
    `reduced cost per step at D = 1e6 / at D = 1e3: ${costRatio.toFixed(2)} ` +
      `(target <= 1.2: ${costRatio <= 1.2 ? "met" : "NOT met"})`,
  );
  if (!onlyReduced) {
    for (const rule of ["vanilla", "truncated"]) {
      for (const K of [16, 32]) {
        const r = at(rule, K);
        check(
          `simulate, ${rule}, K = ${K}`,
          r.simulate.cpu * flops(K) / 1e9,
          TARGETS.gflopsWide,
          "GFLOP/s",
          (x) => x.toFixed(2),
        );
      }
    }
  }
}

// (the JSON record is one line above; --batch --json gives these rows as JSON)
if (!onlyReduced && !asJson) printBatches(await batchTable(), D);
