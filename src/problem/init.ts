/**
 * Initial weights: their declaration ({@link INIT_PARAMS}, which checks
 * explicit weights), the i.i.d. Gaussian draw of a seed (the same for
 * `simulate` and `theory`), and the "informed" start along the top-K
 * eigenvectors (THEORY.md section 1).
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import {
  checkKeys,
  keysOf,
  type ParamContext,
  type ParamSpec,
  resolveTable,
} from "../core/params.ts";
import { RNG_BYTES, sharedKernels } from "../kernels/wasm.ts";
import { type DataModel, resolveData, spectrumOf } from "../data/mod.ts";
import { RULES } from "./rules.ts";
import type { InitialWeights, Network, Rule } from "./types.ts";

const K = (c: ParamContext): number => c["network.K"] as number;
const D = (c: ParamContext): number => c.D as number;

/** Weights whose squared norm reaches this are refused (their squares would overflow later). */
const MAX_NORM2 = 1e150;
/** The largest magnitude of a bias entry. */
const MAX_BIAS = 1e75;

/** A matrix's squared norm below {@link MAX_NORM2}, or what to say of it. */
function normBelow(m: number[][]): { got: string; allowed: string } | undefined {
  let n2 = 0;
  for (const row of m) for (const x of row) n2 += x * x;
  return n2 < MAX_NORM2
    ? undefined
    : { got: `squared norm ${n2}`, allowed: `weights with a squared norm below ${MAX_NORM2}` };
}

/** Whether a list holds a non-zero entry. */
const nonZero = (v: number[]): boolean => v.some((x) => x !== 0);

/**
 * The declaration of explicit initial weights (`network.init`, the file of
 * `--init`), checked against the network resolved before them (K, D, the
 * bias flags): W and V K x D with a finite squared norm, b K numbers (zeros
 * unless the network has biases), c D numbers (zeros unless it has an
 * output bias).
 */
export const INIT_PARAMS = [
  {
    path: "network.init.W",
    flag: "init",
    type: "matrix",
    rows: K,
    cols: D,
    shapeNote: ["K", "D"],
    required: true,
    check: normBelow,
    doc: "the encoder's initial weights W (K x D)",
  },
  {
    path: "network.init.V",
    flag: "init",
    type: "matrix",
    rows: K,
    cols: D,
    shapeNote: ["K", "D"],
    required: (c: ParamContext): string | undefined =>
      c.decoder ? "the decoder of an untied network" : undefined,
    check: normBelow,
    doc: "the decoder's initial weights V (K x D, untied networks)",
  },
  {
    path: "network.init.b",
    flag: "init",
    type: "numbers",
    minLength: K,
    maxLength: K,
    min: -MAX_BIAS,
    max: MAX_BIAS,
    check: (b: number[], c: ParamContext): string | undefined =>
      c["network.bias"] || !nonZero(b) ? undefined : "zeros, or a network with bias on",
    doc: "the hidden biases' initial values (K)",
  },
  {
    path: "network.init.c",
    flag: "init",
    type: "numbers",
    minLength: D,
    maxLength: D,
    min: -MAX_BIAS,
    max: MAX_BIAS,
    check: (v: number[], c: ParamContext): { got: string; allowed: string } | undefined =>
      c["network.outputBias"] || !nonZero(v) ? undefined : {
        got: "non-zero entries",
        allowed: "zeros, or a network with an output bias (--output-bias)",
      },
    doc: "the output bias's initial value (D)",
  },
] as const satisfies readonly ParamSpec[];

/**
 * Check explicit initial weights against K, D and the bias flags, from
 * their declaration {@link INIT_PARAMS}: keys, shapes, finite entries,
 * finite squared norms (weights whose squares overflow are refused here,
 * not found as a divergence later), a decoder V when the network has its
 * own (`decoder`: untied, and a rule with a decoder).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateInit } from "./init.ts";
 * validateInit({ W: [[1, 0]], V: [[0, 1]] }, 1, 2, false);
 * // a row of 3 numbers where D = 2 is refused, naming the row
 * assert.throws(() => validateInit({ W: [[1, 0, 0]] }, 1, 2, false), /network\.init\.W\[0\]/);
 * ```
 */
export function validateInit(
  init: InitialWeights,
  K: number,
  D: number,
  bias: boolean,
  outputBias = false,
  decoder = false,
): void {
  checkKeys("network.init (--init)", init, keysOf(INIT_PARAMS, "network.init"));
  const ctx = {
    D,
    "network.K": K,
    "network.bias": bias,
    "network.outputBias": outputBias,
    decoder,
  };
  resolveTable(INIT_PARAMS, { network: { init } }, ctx);
}

/** Random streams per seed: stream s of seed n starts from state 8n + s. */
export const STREAM = { init: 0, train: 1, test: 2 } as const;

function rows(view: Float64Array, K: number, D: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < K; i++) out.push(Array.from(view.subarray(i * D, (i + 1) * D)));
  return out;
}

/**
 * The initial weights of a seed: i.i.d. N(0, sigma0^2) entries, W first,
 * then V (networks with their own decoder only), from random stream
 * 8 * seed of the package's generator; biases start at 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { drawInitialWeights } from "./init.ts";
 * const w = drawInitialWeights({ K: 2, sigma0: 0.1, tied: false }, 30, 1);
 * assert.equal(w.W.length, 2);
 * assert.equal(w.V!.length, 2);
 * assert.equal(w.W[0].length, 30);
 * ```
 */
export function drawInitialWeights(
  network: Pick<Network, "K" | "sigma0" | "tied">,
  D: number,
  seed: number,
  rule: Rule = "vanilla",
): InitialWeights {
  const { K, sigma0, tied } = network;
  const k = sharedKernels();
  const mark = k.mark();
  try {
    const st = k.alloc(RNG_BYTES);
    k.x.rngSeed(st, seed * 8 + STREAM.init);
    const p = k.f64(K * D);
    const draw = () => {
      k.x.rngFillNormal(st, p, K * D);
      k.x.scale(p, sigma0, p, K * D);
      return rows(k.view(p, K * D), K, D);
    };
    const W = draw();
    const V = !tied && RULES[rule].decoder ? draw() : undefined;
    return { W, ...(V ? { V } : {}), b: new Array(K).fill(0) };
  } finally {
    k.release(mark);
  }
}

/**
 * "Informed" initial weights (THEORY.md section 1): w^k = v^k = sigma0 sqrt(D) e_k along the top-K
 * eigenvectors e_k of the data model, the norms random weights of that sigma0 would have.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { informedWeights, spikedModel } from "@aedyn/aedyn";
 * const w = informedWeights(spikedModel({ D: 20, spikes: [3, 2] }), { K: 2, sigma0: 0.1 });
 * const n2 = w.W[0].reduce((s, x) => s + x * x, 0);
 * // the squared norm of a row is sigma0^2 D, as for random weights
 * assert.ok(Math.abs(n2 - 0.01 * 20) <= 1e-12, `|w|^2 = ${n2}, expected 0.2`);
 * ```
 */
export function informedWeights(
  model: DataModel,
  network: { K: number; sigma0: number },
): InitialWeights {
  const spec = spectrumOf(resolveData(model));
  const D = spec.D;
  const { K, sigma0 } = network;
  if (K > spec.eigenvalues.length) {
    throw new ConfigError(
      "network.K (--K)",
      K,
      `at most ${spec.eigenvalues.length} (the listed eigenvectors) for an informed start`,
    );
  }
  const W = Array.from(
    { length: K },
    (_, k) =>
      Array.from(spec.eigenvectors.subarray(k * D, (k + 1) * D), (e) => sigma0 * Math.sqrt(D) * e),
  );
  return { W, V: W.map((row) => row.slice()), b: new Array(K).fill(0) };
}
