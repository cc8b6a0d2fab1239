/**
 * Linear-algebra benchmarks (part of `deno task bench`): covariance of a
 * 10,000 x 1024 sample matrix and the symmetric eigen-decomposition of a
 * 1024 x 1024 matrix in WebAssembly, side by side with numpy (one thread)
 * in the same run when a python3 with numpy is installed (Debian:
 * python3-numpy).
 * @module
 */
import { covariance, eigh } from "../src/kernels/linalg.ts";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeIt(f: () => void, reps: number): number {
  f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push((performance.now() - t0) / 1000);
  }
  return median(ts);
}

const NUMPY = `
import time, numpy as np
rng = np.random.default_rng(1)
X = rng.standard_normal((10000, 1024))
def med(f, reps=3):
    f(); ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]
cov = med(lambda: (X.T @ X) / X.shape[0])
A = rng.standard_normal((1024, 1024)); A = (A + A.T) / 2
eig = med(lambda: np.linalg.eigh(A))
print(cov, eig)
`;

async function numpyTimes(): Promise<{ cov: number; eig: number; python: string } | string> {
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      const out = await new Deno.Command(python, {
        args: ["-c", NUMPY],
        env: { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (out.code !== 0) continue;
      const [cov, eig] = new TextDecoder().decode(out.stdout).trim().split(/\s+/).map(Number);
      return { cov, eig, python };
    } catch {
      // try the next interpreter
    }
  }
  return "numpy not found (apt-get install python3-numpy): no side-by-side ratio";
}

export async function benchLinalg(): Promise<string[]> {
  const N = 10000, D = 1024;
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5);
  const X = Float64Array.from({ length: N * D }, rand);
  const A = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j <= i; j++) A[i * D + j] = A[j * D + i] = rand();
  const tCov = timeIt(() => covariance(X, N, D), 3);
  const tEig = timeIt(() => eigh(A, D), 3);
  const np = await numpyTimes();
  const lines = [
    `covariance 10,000 x 1024: wasm ${tCov.toFixed(3)} s (${
      (N * D * D / tCov / 1e9).toFixed(2)
    } GFLOP/s, upper triangle)` +
    (typeof np === "string"
      ? ""
      : `, numpy (1 thread) ${np.cov.toFixed(3)} s, ratio ${(tCov / np.cov).toFixed(2)}x`),
    `eigh 1024 x 1024 (values and vectors): wasm ${tEig.toFixed(3)} s` +
    (typeof np === "string"
      ? ""
      : `, numpy eigh (1 thread) ${np.eig.toFixed(3)} s, ratio ${
        (tEig / np.eig).toFixed(2)
      }x  [target within 3x]`),
  ];
  if (typeof np === "string") lines.push(np);
  return lines;
}

if (import.meta.main) {
  for (const line of await benchLinalg()) console.log(line);
}
