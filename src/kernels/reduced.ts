/**
 * The binding of the reduced SGD kernel (assembly/reduced.ts, THEORY.md
 * section 6a): bound once from an options object into a function of the
 * random state and the number of steps. Binding allocates nothing but what
 * the caller passes; calling allocates nothing.
 * @module
 */
import type { KernelExports, Ptr } from "./wasm.ts";

/** What the reduced trainer needs, pointers into one instance. */
export interface ReducedOptions {
  /** Spike coordinates A of the n network vectors, n x r. */
  A: Ptr;
  /** Bulk Gram matrix G of the n network vectors, n x n. */
  G: Ptr;
  /** Hidden biases, K. */
  b: Ptr;
  /** Network vectors n (K rows of W, then K of V when untied, then c with an output bias). */
  n: number;
  /** Spikes r. */
  r: number;
  /** Hidden units K. */
  k: number;
  /** sqrt(rho_tau) of the r spike eigenvalues, r values. */
  sqrtRho: Ptr;
  /** Standard deviation of the isotropic bulk (sqrt of its eigenvalue). */
  sigmaB: number;
  /** Input dimension D (at least r + n). */
  d: number;
  /** Learning rate eta. */
  eta: number;
  /** Kernel code of the activation. */
  activation: number;
  /** Kernel code of the rule (0 vanilla, 1 truncated, 2 Sanger). */
  rule: number;
  /** Tied weights. */
  tied: boolean;
  /** Trained hidden biases. */
  bias: boolean;
  /** An output bias c (the last network vector). */
  outputBias: boolean;
  /** Scratch of `reducedWorkSize(n, r, k)` f64 slots. */
  work: Ptr;
}

/**
 * Bind `reducedTrain`: the result runs `steps` steps of the reduced process
 * with the generator at `rng`, in place on A, G and b.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernels, RNG_BYTES } from "./wasm.ts";
 * import { reducedTrainer } from "./reduced.ts";
 * const k = await createKernels();
 * const n = 2, r = 1, K = 1;
 * const A = k.put([0.1, 0.1]), G = k.put([1, 0, 0, 1]), b = k.f64(1);
 * const train = reducedTrainer(k.x, {
 *   A, G, b, n, r, k: K, sqrtRho: k.put([2]), sigmaB: 1, d: 100, eta: 1,
 *   activation: 0, rule: 0, tied: false, bias: false, outputBias: false,
 *   work: k.f64(k.x.reducedWorkSize(n, r, K)),
 * });
 * const rng = k.alloc(RNG_BYTES);
 * k.x.rngSeed(rng, 1);
 * train(rng, 10);
 * assert.ok(k.view(G, 4).every(Number.isFinite) && k.view(G, 4)[0] !== 1, "the example's claim holds");
 * ```
 */
export function reducedTrainer(
  x: KernelExports,
  o: ReducedOptions,
): (rng: Ptr, steps: number) => void {
  const df = o.d - o.r - o.n;
  if (!(df >= 0)) throw new RangeError(`reduced process: D = ${o.d} < r + n = ${o.r + o.n}`);
  const tied = o.tied ? 1 : 0, bias = o.bias ? 1 : 0, ob = o.outputBias ? 1 : 0;
  const { A, G, b, n, r, k, sqrtRho, sigmaB, d, eta, activation, rule, work } = o;
  return (rng, steps) =>
    x.reducedTrain(
      rng,
      A,
      G,
      b,
      steps,
      n,
      r,
      k,
      sqrtRho,
      sigmaB,
      d,
      df,
      eta,
      activation,
      rule,
      tied,
      bias,
      ob,
      work,
    );
}
