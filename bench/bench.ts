/**
 * Benchmark of the online-SGD hot loop (`deno task bench`): steps per second
 * at D = 1024, K = 4, erf, untied, for vanilla and truncated SGD, in the
 * WebAssembly kernels and in the plain-TypeScript reference loop
 * (tests/reference.ts) of the same algorithm, in the same run.
 *
 * Three measurements per rule and implementation:
 *   step     the SGD step alone, on pre-sampled inputs;
 *   sample   spiked-model sampling alone (3 spikes), in blocks;
 *   sim      sampling + step as a simulation runs them: blocks of BLOCK samples,
 *            then sgdSteps on the block.
 * Each figure is the median of REPEATS timed runs after a warm-up run.
 * GFLOP/s counts 8 K D floating-point operations per SGD step.
 *
 * Options: --quick (fewer, shorter repeats), --json (machine-readable output).
 * @module
 */
import { createKernels, type Kernels, RNG_BYTES } from "../src/wasm.ts";
import {
  ACT_ERF,
  Rng,
  RULE_TRUNCATED,
  RULE_VANILLA,
  sampleSpiked,
  sgdSteps,
  sgdWork,
} from "../tests/reference.ts";

const D = 1024;
const K = 4;
const ETA = 0.5;
const BLOCK = 64;
const SPIKES = [3, 5, 9]; // s_m = 2^m + 1, m = 1..3
const SIGMA = 1;
const BANK = 256; // pre-sampled inputs for the step-only measurement
const quick = Deno.args.includes("--quick");
const asJson = Deno.args.includes("--json");
const REPEATS = quick ? 3 : 7;
const TARGET_SECONDS = quick ? 0.1 : 0.3;
const FLOPS_PER_STEP = 8 * K * D;

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
const w0 = new Float64Array(K * D).map(() => 0.1 * setupRng.normal());
const v0 = new Float64Array(K * D).map(() => 0.1 * setupRng.normal());

/** A benchmark body: runs `n` steps (or samples) and returns nothing. */
type Body = (n: number) => void;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Steps per second: calibrate a count that takes ~TARGET_SECONDS, warm up, median of REPEATS. */
function measure(body: Body): number {
  let n = BLOCK;
  for (;;) {
    const t0 = performance.now();
    body(n);
    const dt = (performance.now() - t0) / 1000;
    if (dt > TARGET_SECONDS / 4) {
      n = Math.max(BLOCK, Math.round((n * TARGET_SECONDS) / dt / BLOCK) * BLOCK);
      break;
    }
    n *= 2;
  }
  body(n); // warm-up at the final size
  const rates: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    body(n);
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

interface WasmBench {
  step: Body;
  sample: Body;
  sim: Body;
}

function wasmBenches(kern: Kernels, rule: number): WasmBench {
  const x = kern.x;
  const st = kern.alloc(RNG_BYTES);
  x.rngSeed(st, 7);
  const dp = kern.put(dirs);
  const cp = kern.put(coef);
  const z = kern.f64(SPIKES.length);
  const block = kern.f64(BLOCK * D);
  const bank = kern.f64(BANK * D);
  x.sampleSpiked(st, dp, cp, SPIKES.length, sigma, D, bank, BANK, z);
  const w = kern.put(w0);
  const v = kern.put(v0);
  const b = kern.f64(K);
  const work = kern.f64(x.sgdWorkSize(D, K));
  const reset = () => {
    kern.write(w, w0);
    kern.write(v, v0);
  };
  return {
    step(n) {
      reset();
      for (let done = 0; done < n; done += BANK) {
        const m = Math.min(BANK, n - done);
        x.sgdSteps(w, v, b, bank, m, D, K, ETA, ACT_ERF, rule, 0, 0, work);
      }
    },
    sample(n) {
      for (let done = 0; done < n; done += BLOCK) {
        x.sampleSpiked(st, dp, cp, SPIKES.length, sigma, D, block, BLOCK, z);
      }
    },
    sim(n) {
      reset();
      for (let done = 0; done < n; done += BLOCK) {
        x.sampleSpiked(st, dp, cp, SPIKES.length, sigma, D, block, BLOCK, z);
        x.sgdSteps(w, v, b, block, BLOCK, D, K, ETA, ACT_ERF, rule, 0, 0, work);
      }
    },
  };
}

function tsBenches(rule: number): WasmBench {
  const rng = new Rng(7);
  const block = new Float64Array(BLOCK * D);
  const bank = new Float64Array(BANK * D);
  sampleSpiked(rng, dirs, coef, SPIKES.length, sigma, D, bank, BANK);
  const w = w0.slice();
  const v = v0.slice();
  const b = new Float64Array(K);
  const work = sgdWork(D, K);
  const reset = () => {
    w.set(w0);
    v.set(v0);
  };
  return {
    step(n) {
      reset();
      for (let done = 0; done < n; done += BANK) {
        const m = Math.min(BANK, n - done);
        sgdSteps(w, v, b, bank, m, D, K, ETA, ACT_ERF, rule, false, false, work);
      }
    },
    sample(n) {
      for (let done = 0; done < n; done += BLOCK) {
        sampleSpiked(rng, dirs, coef, SPIKES.length, sigma, D, block, BLOCK);
      }
    },
    sim(n) {
      reset();
      for (let done = 0; done < n; done += BLOCK) {
        sampleSpiked(rng, dirs, coef, SPIKES.length, sigma, D, block, BLOCK);
        sgdSteps(w, v, b, block, BLOCK, D, K, ETA, ACT_ERF, rule, false, false, work);
      }
    },
  };
}

interface Row {
  rule: string;
  what: "step" | "sample" | "sim";
  wasm: number;
  ts: number;
}

const kern = await createKernels();
const rows: Row[] = [];
for (const [ruleName, rule] of [["vanilla", RULE_VANILLA], ["truncated", RULE_TRUNCATED]] as const) {
  const wb = wasmBenches(kern, rule);
  const tb = tsBenches(rule);
  for (const what of ["step", "sample", "sim"] as const) {
    rows.push({ rule: ruleName, what, wasm: measure(wb[what]), ts: measure(tb[what]) });
  }
}

const SAMPLE_TARGET = 50_000;
const RATIO_TARGET = 4;
if (asJson) {
  console.log(JSON.stringify({ D, K, activation: "erf", block: BLOCK, repeats: REPEATS, rows }));
} else {
  const fmtRate = (r: number) => Math.round(r).toLocaleString("en-US").padStart(11);
  const fmtG = (r: number, what: string) => (what === "sample" ? "-" : (r * FLOPS_PER_STEP / 1e9).toFixed(2)).padStart(7);
  console.log(
    `aedyn SGD benchmark: D = ${D}, K = ${K}, erf, untied, eta = ${ETA}, spiked inputs (${SPIKES.length} spikes), ` +
      `blocks of ${BLOCK}; median of ${REPEATS} runs`,
  );
  console.log("GFLOP/s counts 8 K D flops per SGD step; 'sample' rows count samples per second.\n");
  const head = `${"rule".padEnd(10)} ${"measure".padEnd(16)} ${"wasm /s".padStart(11)} ${"GFLOP/s".padStart(7)}` +
    ` ${"TS /s".padStart(11)} ${"GFLOP/s".padStart(7)} ${"wasm/TS".padStart(7)}`;
  console.log(head);
  console.log("-".repeat(head.length));
  const label = { step: "step alone", sample: "sampling alone", sim: "sampling + step" };
  for (const r of rows) {
    console.log(
      `${r.rule.padEnd(10)} ${label[r.what].padEnd(16)} ${fmtRate(r.wasm)} ${fmtG(r.wasm, r.what)}` +
        ` ${fmtRate(r.ts)} ${fmtG(r.ts, r.what)} ${(r.wasm / r.ts).toFixed(2).padStart(7)}`,
    );
  }
  console.log();
  for (const r of rows.filter((r) => r.what === "sim")) {
    const okRate = r.wasm > SAMPLE_TARGET;
    const okRatio = r.wasm / r.ts >= RATIO_TARGET;
    console.log(
      `${r.rule}: sampling + step ${Math.round(r.wasm).toLocaleString("en-US")} steps/s ` +
        `(target > ${SAMPLE_TARGET.toLocaleString("en-US")}: ${okRate ? "met" : "NOT met"}), ` +
        `${(r.wasm / r.ts).toFixed(2)}x the TS loop (target >= ${RATIO_TARGET}x: ${okRatio ? "met" : "NOT met"})`,
    );
  }
}
