/**
 * Paths of the diffusion limit of SGD in the reduced state (THEORY.md 6b):
 *
 *     dX = F(X) dt + sqrt(Sigma(X) / D) dW,
 *
 * F the projected equations (`system.ts`), Sigma the covariance of the
 * per-sample increment (`sde_noise.ts`). The scheme is Euler's with the
 * noise of each step drawn as the normalised sum of {@link SAMPLES_PER_STEP}
 * independent per-sample increments minus their mean F:
 *
 *     X <- X + F(X) dt + sqrt(dt / (D M)) sum_{i <= M} (h_i - F(X)),
 *
 * an increment with mean F dt and covariance Sigma dt / D exactly, at a cost
 * independent of D and without factorising Sigma (the simplified weak Euler
 * scheme of Kloeden & Platen, which allows any increment with the right
 * first two moments; its higher cumulants are those of M samples and vanish
 * as dt -> 0 like the time discretisation's error). The step is `step`, or
 * less where the mean flow moves the noisy components by more than
 * {@link MAX_RELATIVE_DRIFT} of their size, and lands on every recording time.
 * Only the explicit directions and the bias means carry noise; the Gram
 * blocks of degenerate groups (the bulk) follow the mean flow (their noise
 * is O(1/D) or smaller: docs/fluctuations.md) plus its second-order (Ito)
 * part, the mean of sum_tau h(tau) h(tau)^T / D over the group per unit of
 * time, estimated from the same samples: an O(1/D) correction that sets the
 * excess error of SGD over the fixed point (e.g. 1.6% above eps_PCA(3) for
 * tied linear units at D = 1000), which the D -> infinity equations drop.
 * @module
 */
import { DomainError } from "../core/errors.ts";
import { RNG_BYTES } from "../kernels/wasm.ts";
import type { Kernels } from "../kernels/wasm.ts";
import type { FlowSystem } from "./system.ts";
import type { StepNoise } from "./sde_noise.ts";

/** Per-sample increments summed into the noise of one step. */
export const SAMPLES_PER_STEP = 8;

/** Largest relative change of the noisy components by the drift in one step. */
export const MAX_RELATIVE_DRIFT = 0.02;

/** Random stream of a path's noise: state 8 seed + 3 of the package's generator (0-2: init, train, test). */
export const PATH_STREAM = 3;

/** One path's run: the error at the recording times and the steps it took. */
export interface PathRun {
  /** Predicted (population) error of the path's state at each recording time. */
  eps: number[];
  /** Euler steps taken. */
  steps: number;
}

/** A sampler of SDE paths over one system, with its buffers (allocated once). */
export class PathSampler {
  readonly #sys: FlowSystem;
  readonly #noise: StepNoise;
  readonly #k: Kernels;
  readonly #rng: number;
  readonly #buf: number;
  readonly #F: Float64Array;
  readonly #h: Float64Array;
  readonly #xi: Float64Array;
  readonly #index: Int32Array;
  readonly #ito: Float64Array;

  /**
   * @param sys the flow system (drift, overlaps, error)
   * @param noise the per-sample increment of the same system
   * @param kernels a kernel instance for the random numbers (its memory holds the buffers)
   */
  constructor(sys: FlowSystem, noise: StepNoise, kernels: Kernels) {
    this.#sys = sys;
    this.#noise = noise;
    this.#k = kernels;
    this.#rng = kernels.alloc(RNG_BYTES);
    this.#buf = kernels.f64(SAMPLES_PER_STEP * noise.normals);
    this.#F = new Float64Array(sys.stateSize);
    this.#h = new Float64Array(noise.components);
    this.#xi = new Float64Array(noise.components);
    this.#index = Int32Array.from({ length: noise.components }, (_, i) => noise.stateIndex(i));
    this.#ito = new Float64Array(sys.nG * sys.m * sys.m);
  }

  /**
   * One path from state y0 (not modified), with the noise of random seed
   * `seed`, recorded at `times` (increasing, the first may be 0).
   *
   * @param y0 initial state
   * @param times recording times
   * @param step largest Euler step (t units)
   * @param seed seed of the path's noise
   * @param signal checked every 1024 steps, after yielding to the event loop
   */
  async run(
    y0: Float64Array,
    times: readonly number[],
    step: number,
    seed: number,
    signal?: AbortSignal,
  ): Promise<PathRun> {
    const sys = this.#sys, noise = this.#noise, k = this.#k;
    const D = sys.dirs.D;
    const X = y0.slice();
    const F = this.#F, h = this.#h, xi = this.#xi, idx = this.#index, ito = this.#ito;
    const N = noise.components, nn = noise.normals;
    k.x.rngSeed(this.#rng, seed * 8 + PATH_STREAM);
    const eps: number[] = [];
    let t = 0, steps = 0;
    for (const target of times) {
      while (t < target - 1e-12 * Math.max(1, target)) {
        if ((steps & 1023) === 1023) {
          // let timers and signal handlers run (Ctrl-C), then check
          await new Promise((resolve) => setTimeout(resolve, 0));
          signal?.throwIfAborted();
        }
        sys.rhs(t, X, F);
        let sx = 0, sf = 0;
        for (let i = 0; i < N; i++) {
          sx += X[idx[i]] ** 2;
          sf += F[idx[i]] ** 2;
        }
        let dt = Math.min(step, target - t);
        if (sf > 0) dt = Math.min(dt, MAX_RELATIVE_DRIFT * Math.sqrt(sx / sf));
        noise.prepare(X);
        k.x.rngFillNormal(this.#rng, this.#buf, SAMPLES_PER_STEP * nn);
        const z = k.view(this.#buf, SAMPLES_PER_STEP * nn);
        xi.fill(0);
        ito.fill(0);
        for (let s = 0; s < SAMPLES_PER_STEP; s++) {
          noise.increment(z, s * nn, h);
          noise.secondOrder(ito);
          for (let i = 0; i < N; i++) xi[i] += h[i] - F[idx[i]];
        }
        for (let i = 0; i < X.length; i++) X[i] += F[i] * dt;
        // the second-order mean change of the Gram blocks, sum of h h^T / D^2 per step
        const gram = sys.m * sys.n, itoDt = dt / (D * SAMPLES_PER_STEP);
        for (let i = 0; i < ito.length; i++) X[gram + i] += itoDt * ito[i];
        const amp = Math.sqrt(dt / (D * SAMPLES_PER_STEP));
        for (let i = 0; i < N; i++) X[idx[i]] += amp * xi[i];
        t = dt >= target - t ? target : t + dt;
        steps++;
      }
      sys.observe(X);
      const e = sys.error();
      if (!Number.isFinite(e)) {
        throw new DomainError(t, `a path of the diffusion limit (seed ${seed}) has error ${e}`);
      }
      eps.push(e);
    }
    return { eps, steps };
  }
}
