/**
 * The mini-batch rows of `deno task bench` (bench/bench.ts; THEORY.md 7):
 * samples per second of vanilla SGD against the batch size B = 1 .. 64 at
 * K = 4 and 16, kernel level with the sampling included (B = 1: the
 * one-sample kernel sgdTrain, as simulate runs it; B > 1: sgdTrainBatch), and
 * the target at K = 16: B = 32 at least 1.5x the samples per second of B = 1.
 * @module
 */
import { createKernels, type Kernels, RNG_BYTES, SAMPLER_BYTES } from "../src/kernels/wasm.ts";
import { samplerOf, sgdTrainer } from "../src/kernels/ops.ts";
import { ACT_ERF, RULE_VANILLA } from "../tests/kernels/reference.ts";

/** Units per second of CPU time and of wall-clock time (the best run), and the median CPU rate. */
export interface Rates {
  cpu: number;
  wall: number;
  cpuMedian: number;
}

/** What the rows share with bench.ts: the problem, the initial weights and the timer. */
export interface BatchSetup {
  D: number;
  dirs: Float64Array;
  coef: number[];
  sigma: number;
  spikes: number;
  eta: number;
  /** Samples per call of the trainer (at most). */
  bank: number;
  weights: (K: number) => { w0: Float64Array; v0: Float64Array };
  measure: (body: (n: number) => void | Promise<void>, unit: number) => Promise<Rates>;
}

/** One row: K, B and the rates in samples per second. */
export interface BatchRow {
  K: number;
  B: number;
  rates: Rates;
}

/** The batch sizes of the rows. */
export const BATCHES = [1, 2, 4, 8, 16, 32, 64];

/** Training at batch size B: body(n) processes n samples. */
async function batchBody(s: BatchSetup, K: number, B: number) {
  const kern: Kernels = await createKernels();
  const x = kern.x;
  const st = kern.alloc(RNG_BYTES);
  x.rngSeed(st, 7);
  const sampler = samplerOf(x, {
    kind: "spiked",
    u: kern.put(s.dirs),
    coef: kern.put(s.coef),
    r: s.spikes,
    sigma: s.sigma,
    d: s.D,
    z: kern.f64(s.spikes),
  }, kern.alloc(SAMPLER_BYTES));
  const { w0, v0 } = s.weights(K);
  const w = kern.put(w0), v = kern.put(v0);
  const steps = Math.max(1, Math.floor(s.bank / B));
  const train = sgdTrainer(x, {
    w,
    v,
    b: kern.f64(K),
    d: s.D,
    k: K,
    eta: s.eta,
    activation: ACT_ERF,
    rule: RULE_VANILLA,
    tied: false,
    bias: false,
    work: kern.f64(x.sgdWorkSize(s.D, K)),
    ...(B > 1
      ? {
        protocol: {
          etaAt: () => s.eta,
          etas: kern.f64(steps),
          capacity: steps,
          decay: 0,
          batch: B,
          batchWork: kern.f64(x.sgdBatchWorkSize(s.D, K, B)),
        },
      }
      : {}),
  }, sampler);
  return (n: number) => {
    kern.write(w, w0);
    kern.write(v, v0);
    for (let done = 0; done < n; done += steps * B) {
      train(st, Math.min(steps, Math.ceil((n - done) / B)));
    }
  };
}

/** Measure every row. */
export async function measureBatches(s: BatchSetup): Promise<BatchRow[]> {
  const out: BatchRow[] = [];
  for (const K of [4, 16]) {
    for (const B of BATCHES) {
      out.push({ K, B, rates: await s.measure(await batchBody(s, K, B), s.bank) });
    }
  }
  return out;
}

/** Print the rows and the check of the target (K = 16: B = 32 at least 1.5x B = 1). */
export function printBatches(table: BatchRow[], D: number): void {
  console.log(
    `\nMini-batch SGD (vanilla, erf, untied, D = ${D}; sampling included; samples per second of ` +
      "CPU time, best run; B = 1 is the one-sample kernel simulate runs):",
  );
  console.log(["K", ...BATCHES.map((B) => `B = ${B}`)].join("\t"));
  for (const K of [4, 16]) {
    const row = BATCHES.map((B) => table.find((r) => r.K === K && r.B === B)!.rates.cpu);
    console.log([K, ...row.map((r) => Math.round(r).toLocaleString("en-US"))].join("\t"));
  }
  const at = (B: number) => table.find((r) => r.K === 16 && r.B === B)!.rates.cpu;
  const ratio = at(32) / at(1);
  console.log(
    `K = 16: B = 32 processes ${ratio.toFixed(2)}x the samples per second of B = 1 ` +
      `(target >= 1.5: ${ratio >= 1.5 ? "met" : "NOT met"})`,
  );
}
