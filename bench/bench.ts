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
 * Each figure is the median of REPEATS timed runs after a warm-up run, the
 * wasm and TS runs alternating so that both see the same machine load. Rates
 * are per second of CPU time of this process (process.cpuUsage), which other
 * processes competing for the core do not inflate; the wasm rate per
 * wall-clock second is printed too. GFLOP/s counts 8 K D floating-point
 * operations per SGD step.
 *
 * Options: --quick (fewer, shorter repeats), --json (machine-readable output).
 * @module
 */
import process from "node:process";
import { createKernels, type Kernels, RNG_BYTES } from "../src/kernels/wasm.ts";
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

/** Steps (or samples) per second of CPU time and of wall-clock time. */
interface Rates {
  cpu: number;
  wall: number;
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

/** One timed run of `body(n)`: rates per CPU second and per wall-clock second. */
function timeRun(body: Body, n: number): { cpu: number; wall: number } {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  body(n);
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  return { cpu: n / Math.max(cpu, 1e-6), wall: n / wall };
}

/** A count of steps that takes about TARGET_SECONDS, a multiple of BLOCK. */
function calibrate(body: Body): number {
  let n = BLOCK;
  for (;;) {
    const t0 = performance.now();
    body(n);
    const dt = (performance.now() - t0) / 1000;
    if (dt > TARGET_SECONDS / 4) {
      return Math.max(BLOCK, Math.round((n * TARGET_SECONDS) / dt / BLOCK) * BLOCK);
    }
    n *= 2;
  }
}

/** Median rates of `wasm` and `ts`, timed alternately after a warm-up (so both see the same load). */
function measurePair(wasm: Body, ts: Body): { wasm: Rates; ts: Rates } {
  const nw = calibrate(wasm);
  const nt = calibrate(ts);
  wasm(nw);
  ts(nt);
  const w: { cpu: number; wall: number }[] = [];
  const t: { cpu: number; wall: number }[] = [];
  for (let r = 0; r < REPEATS; r++) {
    w.push(timeRun(wasm, nw));
    t.push(timeRun(ts, nt));
  }
  const med = (xs: { cpu: number; wall: number }[]): Rates => ({
    cpu: median(xs.map((x) => x.cpu)),
    wall: median(xs.map((x) => x.wall)),
  });
  return { wasm: med(w), ts: med(t) };
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
  wasm: Rates;
  ts: Rates;
}

const kern = await createKernels();
const rows: Row[] = [];
for (
  const [ruleName, rule] of [["vanilla", RULE_VANILLA], ["truncated", RULE_TRUNCATED]] as const
) {
  const wb = wasmBenches(kern, rule);
  const tb = tsBenches(rule);
  for (const what of ["step", "sample", "sim"] as const) {
    rows.push({ rule: ruleName, what, ...measurePair(wb[what], tb[what]) });
  }
}

const RATE_TARGET = 50_000;
const RATIO_TARGET = 4;
if (asJson) {
  console.log(JSON.stringify({ D, K, activation: "erf", block: BLOCK, repeats: REPEATS, rows }));
} else {
  const int = (r: number) => Math.round(r).toLocaleString("en-US");
  const gflops = (r: number, what: string) =>
    what === "sample" ? "-" : (r * FLOPS_PER_STEP / 1e9).toFixed(2);
  const label = { step: "step alone", sample: "sampling alone", sim: "sampling + step" };
  console.log(
    `aedyn SGD benchmark: D = ${D}, K = ${K}, erf, untied, eta = ${ETA}; spiked inputs ` +
      `(${SPIKES.length} spikes) sampled in blocks of ${BLOCK}; median of ${REPEATS} runs per figure.`,
  );
  console.log(
    "Rates are steps (sampling alone: samples) per second of CPU time of this process; the last\n" +
      "column is the wasm rate per wall-clock second, lower when other processes share the core.\n" +
      "GFLOP/s counts 8 K D flops per SGD step.\n",
  );
  const cols = [
    "rule",
    "measure",
    "wasm /s",
    "GFLOP/s",
    "TS /s",
    "GFLOP/s",
    "wasm/TS",
    "wasm wall /s",
  ];
  const table = rows.map((r) => [
    r.rule,
    label[r.what],
    int(r.wasm.cpu),
    gflops(r.wasm.cpu, r.what),
    int(r.ts.cpu),
    gflops(r.ts.cpu, r.what),
    (r.wasm.cpu / r.ts.cpu).toFixed(2),
    int(r.wasm.wall),
  ]);
  const widths = cols.map((c, j) => Math.max(c.length, ...table.map((t) => t[j].length)));
  const line = (cells: string[]) =>
    cells.map((c, j) => (j < 2 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ");
  console.log(line(cols));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const t of table) console.log(line(t));
  console.log();
  for (const r of rows.filter((r) => r.what === "sim")) {
    const ratio = r.wasm.cpu / r.ts.cpu;
    console.log(
      `${r.rule}, sampling + step: ${int(r.wasm.cpu)} steps/s ` +
        `(target > ${int(RATE_TARGET)}: ${r.wasm.cpu > RATE_TARGET ? "met" : "NOT met"}), ` +
        `${ratio.toFixed(2)}x the TS loop (target >= ${RATIO_TARGET}x: ${
          ratio >= RATIO_TARGET ? "met" : "NOT met"
        })`,
    );
  }
}
