/**
 * Two-sample comparisons of distributions for the tests and the validation
 * script of the reduced engine: the Kolmogorov-Smirnov statistic with its
 * asymptotic p-value, and the difference of means and of standard
 * deviations in units of their standard errors.
 * @module
 */

/** The two-sample Kolmogorov-Smirnov statistic sup |F1 - F2| and its asymptotic p-value. */
export function ksTwoSample(a: readonly number[], b: readonly number[]): { d: number; p: number } {
  const x = [...a].sort((u, v) => u - v);
  const y = [...b].sort((u, v) => u - v);
  let i = 0, j = 0, d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  const ne = (x.length * y.length) / (x.length + y.length);
  const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
  return { d, p: kolmogorovQ(lambda) };
}

/** Q(lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2), the Kolmogorov tail. */
export function kolmogorovQ(lambda: number): number {
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += (j % 2 ? 1 : -1) * term;
    if (term < 1e-12) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Mean and sample standard deviation. */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, n - 1);
  return { mean, std: Math.sqrt(v) };
}

/**
 * The differences of two samples' means and standard deviations in units of
 * their standard errors (the std's standard error from the fourth moments,
 * sqrt((m4 - s^4) / (4 s^2 n)) per sample).
 */
export function zScores(
  a: readonly number[],
  b: readonly number[],
): { zMean: number; zStd: number } {
  const A = meanStd(a), B = meanStd(b);
  const seMean = Math.sqrt(A.std ** 2 / a.length + B.std ** 2 / b.length);
  const seStd = (xs: readonly number[], m: number, s: number) => {
    const m4 = xs.reduce((acc, x) => acc + (x - m) ** 4, 0) / xs.length;
    return s > 0 ? Math.sqrt(Math.max(m4 - s ** 4, 0) / (4 * s * s * xs.length)) : 0;
  };
  const seS = Math.hypot(seStd(a, A.mean, A.std), seStd(b, B.mean, B.std));
  return {
    zMean: seMean > 0 ? (A.mean - B.mean) / seMean : 0,
    zStd: seS > 0 ? (A.std - B.std) / seS : 0,
  };
}
