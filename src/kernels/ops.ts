/**
 * The kernels with long argument lists, bound once from an options object
 * into small functions of what changes from call to call: an SGD stepper
 * (the block of samples), an SGD trainer (the random state and the number of
 * steps: it draws its own samples), a test-error evaluator (the block of
 * held-out rows), a sampler (the random state and the output), an applier of
 * a low-rank covariance (the rows it multiplies). Binding allocates nothing
 * but what the caller passes; calling allocates nothing.
 * @module
 */
import type { KernelExports, Ptr } from "./wasm.ts";

/** What an SGD stepper needs (THEORY.md section 2), pointers into one instance. */
export interface SgdOptions {
  /** Encoder, K x D. */
  w: Ptr;
  /** Decoder, K x D (= w when tied; ignored by Sanger's rule). */
  v: Ptr;
  /** Biases, K. */
  b: Ptr;
  /** Input dimension D. */
  d: number;
  /** Hidden units K. */
  k: number;
  /** Learning rate eta. */
  eta: number;
  /** Kernel code of the activation (the activation registry's `kernelCode`). */
  activation: number;
  /** Kernel code of the learning rule (the rule registry's `kernelCode`). */
  rule: number;
  /** Tied weights. */
  tied: boolean;
  /** Trained biases. */
  bias: boolean;
  /** Output bias c, D (THEORY.md 1b), trained and in every residual; 0 or absent: none. */
  c?: Ptr;
  /** Scratch of `sgdWorkSize(d, k)` f64 slots. */
  work: Ptr;
  /**
   * The training protocols of THEORY.md 7 (absent: a constant eta, no weight
   * decay, the plain kernel): each step's learning rate, and the decay.
   */
  protocol?: SgdProtocol;
}

/** A learning-rate schedule and weight decay for {@link sgdTrainer}. */
export interface SgdProtocol {
  /** The learning rate of step number `step` (0 the first step of the run). */
  etaAt: (step: number) => number;
  /** Scratch for one call's learning rates: `capacity` f64 slots. */
  etas: Ptr;
  /** Most steps of one call. */
  capacity: number;
  /** Per-unit weight decay lambda_k (K f64), or 0 for none. */
  decay: Ptr;
  /** Mini-batch size B (absent or 1: one sample per step). */
  batch?: number;
  /** Scratch of `sgdBatchWorkSize(d, k, batch)` f64 slots when batch > 1. */
  batchWork?: Ptr;
}

/**
 * Bind `sgdStepsC`: the result applies one SGD step per row of `xs` (n x D),
 * on samples the caller made (the noise tests of the diffusion theory
 * project single steps of the kernel at chosen states).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernels } from "./wasm.ts";
 * import { sgdStepper } from "./ops.ts";
 * const k = await createKernels();
 * const d = 4, K = 1;
 * const w = k.put([0.1, 0, 0, 0]), v = k.put([0.1, 0, 0, 0]), b = k.f64(1);
 * const step = sgdStepper(k.x, { w, v, b, d, k: K, eta: 1, activation: 0, rule: 0, tied: false, bias: false, work: k.f64(k.x.sgdWorkSize(d, K)) });
 * step(k.put([1, 0, 0, 0]), 1);
 * assert.ok(k.view(v, 4)[0] > 0.1, "the decoder moved towards x");
 * ```
 */
export function sgdStepper(x: KernelExports, o: SgdOptions): (xs: Ptr, n: number) => void {
  const tied = o.tied ? 1 : 0, bias = o.bias ? 1 : 0;
  const { w, v, b, d, k, eta, activation, rule, work } = o;
  const c = o.c ?? 0;
  return (xs, n) => x.sgdStepsC(w, v, b, c, xs, n, d, k, eta, activation, rule, tied, bias, work);
}

/**
 * Bind `sgdTrain`: the result runs n SGD steps on n fresh samples drawn from
 * `sampler` with random state `rng` (the samples that `sampler.draw(rng, xs,
 * n)` would draw, and the bits of the stepper on them). With a `protocol`
 * (`sgdTrainProtocol`), step j of the call is step `first + j` of the run, at
 * the learning rate `etaAt(first + j)`, followed by the weight decay; with
 * `batch` B > 1 (`sgdTrainBatch`) each step averages the updates of B samples.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernels } from "./wasm.ts";
 * import { samplerOf, sgdTrainer } from "./ops.ts";
 * const k = await createKernels();
 * const d = 4, K = 1;
 * const sampler = samplerOf(k.x, { kind: "spiked", u: k.put([2, 0, 0, 0]), coef: k.put([1]), r: 1, sigma: 0.1, d, z: k.f64(1) }, k.alloc(k.x.SAMPLER_BYTES.value));
 * const w = k.put([0.1, 0, 0, 0]), v = k.put([0.1, 0, 0, 0]), b = k.f64(1), rng = k.alloc(k.x.RNG_BYTES.value);
 * const train = sgdTrainer(k.x, { w, v, b, d, k: K, eta: 1, activation: 0, rule: 0, tied: false, bias: false, work: k.f64(k.x.sgdWorkSize(d, K)) }, sampler);
 * train(rng, 100);
 * // the decoder learnt the spike
 * assert.ok(Math.abs(k.view(v, 4)[0]) > 0.1);
 * ```
 */
export function sgdTrainer(
  x: KernelExports,
  o: SgdOptions,
  sampler: Sampler,
): (rng: Ptr, n: number, first?: number) => void {
  const tied = o.tied ? 1 : 0, bias = o.bias ? 1 : 0;
  const { w, v, b, d, k, eta, activation, rule, work } = o;
  const c = o.c ?? 0;
  const s = sampler.desc;
  const p = o.protocol;
  if (!p) {
    return (rng, n) =>
      x.sgdTrain(s, rng, w, v, b, c, n, d, k, eta, activation, rule, tied, bias, work);
  }
  // steps 'first' .. first + n - 1 of the run, each at its own learning rate
  return (rng, n, first = 0) => {
    if (n > p.capacity) throw new Error(`internal: ${n} steps for ${p.capacity} learning rates`);
    const etas = new Float64Array(x.memory.buffer, p.etas, n);
    for (let j = 0; j < n; j++) etas[j] = p.etaAt(first + j);
    const B = p.batch ?? 1;
    if (B > 1) {
      x.sgdTrainBatch(
        s,
        rng,
        0,
        w,
        v,
        b,
        c,
        n,
        B,
        d,
        k,
        p.etas,
        p.decay,
        activation,
        rule,
        tied,
        bias,
        p.batchWork!,
      );
    } else {
      x.sgdTrainProtocol(
        s,
        rng,
        0,
        w,
        v,
        b,
        c,
        n,
        d,
        k,
        p.etas,
        p.decay,
        activation,
        rule,
        tied,
        bias,
        work,
      );
    }
  };
}

/** What a test-error evaluator needs. */
export interface TestErrorOptions {
  /** Encoder, K x D. */
  w: Ptr;
  /** Decoder rows, K x D, scaled by `vscale` (Sanger's rule: w and 1/sqrt(D)). */
  v: Ptr;
  /** Factor of the decoder rows. */
  vscale: number;
  /** Biases, K. */
  b: Ptr;
  /** Whether the biases enter the fields. */
  bias: boolean;
  /** Output bias c, D, added to the reconstruction; 0 or absent: none. */
  c?: Ptr;
  /** Input dimension D. */
  d: number;
  /** Hidden units K. */
  k: number;
  /** Kernel code of the activation. */
  activation: number;
  /** Scratch of `testErrorWorkSize(k)` f64 slots. */
  work: Ptr;
}

/**
 * The test error over row chunks: `begin(r0, nr)` computes rows r0 ..
 * r0 + nr - 1 of the decoder's Gram matrix (and, with r0 = 0, zeroes the
 * running sum); once all K rows are done, `rows(xs, n)` adds |x - xhat|^2 of
 * n rows at `xs` (in order) and returns the running sum; the test error over
 * N rows is that sum / (2 D N), the same bits however the work is chunked.
 */
export interface TestErrorKernel {
  /** Start a new test error: rows r0 .. r0 + nr - 1 of the Gram matrix. */
  begin(r0: number, nr: number): void;
  /** Add n rows; returns the running sum of squared errors. */
  rows(xs: Ptr, n: number): number;
}

/**
 * Bind `testErrorBegin` and `testErrorRows`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernels } from "./wasm.ts";
 * import { testErrorOf } from "./ops.ts";
 * const k = await createKernels();
 * const w = k.put([0, 0]), v = k.put([0, 0]), b = k.f64(1);
 * const err = testErrorOf(k.x, { w, v, vscale: 1, b, bias: false, d: 2, k: 1, activation: 0, work: k.f64(k.x.testErrorWorkSize(1)) });
 * err.begin(0, 1);
 * const sum = err.rows(k.put([3, 4]), 1); // xhat = 0: |x|^2 = 25
 * assert.equal(sum, 25);
 * ```
 */
export function testErrorOf(x: KernelExports, o: TestErrorOptions): TestErrorKernel {
  const bias = o.bias ? 1 : 0;
  const { w, v, vscale, b, d, k, activation, work } = o;
  const c = o.c ?? 0;
  return {
    begin: (r0, nr) => x.testErrorBegin(v, vscale, c, d, k, r0, nr, work),
    rows: (xs, n) => x.testErrorRows(w, v, vscale, b, bias, c, xs, n, d, k, activation, work),
  };
}

/**
 * The inputs of a sampler, pointers into one instance (see `SamplerSpec` in
 * src/data): z is scratch for the latent coefficients (spiked: r slots;
 * eigen: 32 r slots).
 */
export type SamplerOptions =
  | { kind: "spiked"; u: Ptr; coef: Ptr; r: number; sigma: number; d: number; z: Ptr }
  | {
    kind: "eigen";
    e: Ptr;
    sqrtRho: Ptr;
    r: number;
    sqrtBulk: number;
    d: number;
    z: Ptr;
    /** Without a bulk: 32 D slots where the trainer draws 32 samples at a time (else one at a time). */
    block?: Ptr;
  }
  | {
    kind: "rows";
    rows: Ptr;
    bytes: boolean;
    nRows: number;
    d: number;
    mean: number;
    scale: number;
    pixelMean: Ptr;
  };

/** A sampler bound into a descriptor in kernel memory. */
export interface Sampler {
  /** The descriptor (`SAMPLER_BYTES` bytes), which `sgdTrain` reads. */
  readonly desc: Ptr;
  /** Draw n inputs (n x D) from random state `rng` into `out`. */
  draw(rng: Ptr, out: Ptr, n: number): void;
}

/**
 * Bind a sampler: write its descriptor at `desc` (`SAMPLER_BYTES` bytes, kept
 * alive by the caller); the result draws inputs with any random state.
 */
export function samplerOf(x: KernelExports, o: SamplerOptions, desc: Ptr): Sampler {
  switch (o.kind) {
    case "spiked":
      x.samplerSpiked(desc, o.u, o.coef, o.r, o.sigma, o.d, o.z);
      break;
    case "eigen":
      x.samplerEigen(desc, o.e, o.sqrtRho, o.r, o.sqrtBulk, o.d, o.z, o.block ?? 0);
      break;
    case "rows":
      x.samplerRows(desc, o.rows, o.bytes ? 1 : 0, o.nRows, o.d, o.mean, o.scale, o.pixelMean);
      break;
  }
  return { desc, draw: (rng, out, n) => x.sampleFrom(desc, rng, out, n) };
}

/** A covariance diag I + U^T diag(coef) U (r x D rows U), and scratch for its product. */
export interface CovarianceOptions {
  /** Rows U, r x D. */
  u: Ptr;
  /** Weights, r. */
  coef: Ptr;
  /** Number of rows r. */
  r: number;
  /** Multiple of the identity. */
  diag: number;
  /** Input dimension D. */
  d: number;
  /** Scratch of k x r f64 slots for the largest k used. */
  proj: Ptr;
}

/** Bind `lowRankApply`: the result writes Omega applied to k rows at `w` (k x D) into `out`. */
export function covarianceApplier(
  x: KernelExports,
  o: CovarianceOptions,
): (w: Ptr, k: number, out: Ptr) => void {
  const { u, coef, r, diag, d, proj } = o;
  return (w, k, out) => x.lowRankApply(w, k, u, coef, r, diag, d, proj, out);
}
