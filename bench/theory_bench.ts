/**
 * Theory benchmarks (part of `deno task bench`): the full predicted curve of
 * a spiked model with the adaptive integrator, and one full-spectrum
 * right-hand-side evaluation in WebAssembly against a plain-TypeScript
 * version of the same computation.
 * @module
 */
import { spikedModel, theory } from "../mod.ts";
import { averagesFor } from "../src/activations/mod.ts";
import { flowMatrices, type Overlaps, overlapsFromMoments } from "../src/theory/equations.ts";
import { directionsOf, FlowSystem, initialState } from "../src/theory/system.ts";
import type { Spectrum } from "../src/data/mod.ts";
import { createKernels } from "../src/kernels/wasm.ts";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Plain-TS right-hand side of the explicit directions: the same moments, matrices and per-direction flow. */
function plainRhs(
  K: number,
  D: number,
  rho: Float64Array,
  y: Float64Array,
  dy: Float64Array,
  lr: number,
  o: Overlaps,
) {
  const m = 2 * K;
  const n = rho.length;
  const P = new Float64Array(m * m), U = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      let p = 0, u = 0;
      for (let t = 0; t < n; t++) {
        const prod = y[i * n + t] * y[j * n + t];
        u += prod;
        p += prod * rho[t];
      }
      P[i * m + j] = P[j * m + i] = p;
      U[i * m + j] = U[j * m + i] = u;
    }
  }
  overlapsFromMoments(K, D, P, U, o);
  const M1 = new Float64Array(m * m), M0 = new Float64Array(m * m);
  flowMatrices(K, "vanilla", lr, D, averagesFor("erf"), o, M1, M0);
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < m; i++) {
      let acc = 0;
      for (let j = 0; j < m; j++) acc += (M1[i * m + j] * rho[t] + M0[i * m + j]) * y[j * n + t];
      dy[i * n + t] = acc;
    }
  }
}

export async function benchTheory(): Promise<string[]> {
  const lines: string[] = [];
  // 1. the full curve to t = 1000, spiked model D = 1000, K = 4, 3 spikes, adaptive
  const cfg = {
    data: spikedModel({ D: 1000, spikes: [3, 5, 9] }),
    network: { K: 4, activation: "erf" as const },
    lr: 1,
    tMax: 1000,
    nTimes: 60,
  };
  await theory(cfg); // warm-up (JIT)
  const runs: { s: number; steps: number; rhs: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const res = await theory(cfg);
    runs.push({
      s: (performance.now() - t0) / 1000,
      steps: res.solver!.steps,
      rhs: res.solver!.rhsEvaluations,
    });
  }
  const s = median(runs.map((r) => r.s));
  lines.push(
    `theory curve, spiked D = 1000, K = 4, 3 spikes, erf, t = 0..1000, adaptive (DOPRI5, rtol 1e-8): ` +
      `${s.toFixed(3)} s (median of 5), ${runs[0].steps} steps, ${
        runs[0].rhs
      } right-hand sides  [target < 0.2 s]`,
  );

  // 2. one full-spectrum right-hand side, D = 1024, K = 4, all directions distinct
  const D = 1024, K = 4;
  const values = Float64Array.from(
    { length: D },
    (_, i) => (i < 4 ? (0.3 - 0.05 * i) * D : 0.5 + 0.4 * Math.cos(i)),
  );
  values.sort().reverse();
  const vectors = new Float64Array(D * D);
  for (let i = 0; i < D; i++) vectors[i * D + i] = 1;
  const spec: Spectrum = {
    D,
    eigenvalues: values,
    eigenvectors: vectors,
    bulk: 0,
    traceOverD: values.reduce((a, b) => a + b) / D,
  };
  const dirs = directionsOf(spec, K, "projected");
  const W = Array.from(
    { length: K },
    (_, k) => Array.from({ length: D }, (_, i) => 0.1 * Math.sin(1.7 * i + k)),
  );
  const V = Array.from(
    { length: K },
    (_, k) => Array.from({ length: D }, (_, i) => 0.1 * Math.cos(0.3 * i + k)),
  );
  const y = initialState(dirs, K, W, V);
  const dy = new Float64Array(y.length), dyPlain = new Float64Array(y.length);
  const sys = new FlowSystem(dirs, K, "vanilla", 1, averagesFor("erf"), await createKernels());
  const o: Overlaps = {
    Q: new Float64Array(K * K),
    R: new Float64Array(K * K),
    T: new Float64Array(K * K),
    T0: new Float64Array(K * K),
  };
  const time = (f: () => void, reps: number) => {
    for (let i = 0; i < reps / 10; i++) f();
    const samples: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) f();
      samples.push((performance.now() - t0) / reps);
    }
    return median(samples) * 1000; // microseconds
  };
  const usWasm = time(() => sys.rhs(0, y, dy), 2000);
  const usPlain = time(() => plainRhs(K, D, dirs.rho, y, dyPlain, 1, o), 300);
  let maxDiff = 0, scale = 0;
  for (let i = 0; i < dy.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(dy[i] - dyPlain[i]));
    scale = Math.max(scale, Math.abs(dyPlain[i]));
  }
  const flops = 2 * (2 * K) * (2 * K) * D * 2 + 3 * (2 * K) * (2 * K + 1) / 2 * D;
  lines.push(
    `full-spectrum right-hand side, D = 1024, K = 4, 1024 distinct directions: wasm ${
      usWasm.toFixed(1)
    } us ` +
      `(${(flops / usWasm / 1e3).toFixed(2)} GFLOP/s), plain TS ${usPlain.toFixed(1)} us, ratio ${
        (usPlain / usWasm).toFixed(1)
      }x, ` +
      `max |difference| ${(maxDiff / scale).toExponential(1)} relative  [target < 100 us]`,
  );
  return lines;
}

if (import.meta.main) {
  for (const line of await benchTheory()) console.log(line);
}
