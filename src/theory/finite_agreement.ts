/**
 * Agreement of SGD seeds with the finite-D prediction (THEORY.md 6b): the
 * paths of the diffusion limit predict the distribution of the error between
 * seeds at this D, so the seeds are judged against it rather than against
 * the D -> infinity curve, whose deviation at finite D is mostly the spread
 * of escape times.
 *
 * Two tests, each at level ALPHA (1%) under the hypothesis that the seeds
 * are draws from the predicted distribution:
 * - **mean**: at every recorded time t > 0 the two-sample t statistic of the
 *   seeds' mean against the paths' mean, with the pooled standard deviation
 *   of seeds and paths, so that the standard error combines SGD's
 *   sigma / sqrt(n) and the paths' own sigma / sqrt(P). The largest |t| over
 *   the m recorded times is compared with the Bonferroni bound: the
 *   quantile 1 - ALPHA / (2 m) of Student's t with n + P - 2 degrees of
 *   freedom.
 * - **spread** (n >= 2 seeds): the spread between seeds is the spread of
 *   the times at which they leave the plateaus (near an escape the error's
 *   distribution is bimodal, escaped or not, so its std says little). For
 *   the plateau with the widest predicted spread that every seed and at
 *   least 80% of the paths leave, the std of ln(escape time) over the seeds
 *   is divided by that over the paths (escape times by `escapeTimes`, the
 *   same estimator for both). Under the hypothesis the squared ratio is
 *   F-distributed with (n - 1, P' - 1) degrees of freedom (P' paths that
 *   left), so the ratio's two-sided interval is sqrt(F_q) for q = ALPHA / 2
 *   and 1 - ALPHA / 2: wide for few seeds or paths, as it must be.
 * @module
 */
import type { CurveResult } from "../problem/types.ts";
import { ConfigError } from "../core/errors.ts";
import { ncdf } from "../math/erf.ts";
import { escapeTimes, exactErrors } from "./fluctuations.ts";

/** Level of each test (two-sided). */
export const ALPHA = 0.01;

/** The seeds' mean against the predicted mean. */
export interface MeanAgreement {
  /** Largest |mean_seeds - mean_paths| / standard error over the recorded times t > 0. */
  maxZ: number;
  /** Where it occurs. */
  maxAt: number;
  /** The seeds' mean there. */
  measured: number;
  /** The predicted mean there. */
  predicted: number;
  /** The bound on maxZ: Student's t quantile 1 - ALPHA / (2 m) (n + P - 2 degrees of freedom) for m recorded times. */
  threshold: number;
  /** maxZ <= threshold. */
  holds: boolean;
}

/** The seeds' spread of escape times against the predicted spread. */
export interface SpreadAgreement {
  /** Seeds' std of ln(escape time) / the paths'. */
  ratio: number;
  /** The plateau eps_PCA(m) whose escape is compared. */
  m: number;
  /** The paths' median escape time from it. */
  at: number;
  /** The seeds' std of ln(escape time). */
  measured: number;
  /** The paths' std of ln(escape time). */
  predicted: number;
  /** Lower end of the ratio's interval for n seeds and the paths at level ALPHA. */
  low: number;
  /** Upper end of that interval. */
  high: number;
  /** low <= ratio <= high. */
  holds: boolean;
}

/** SGD seeds against the finite-D prediction of a theory with paths. */
export interface FiniteAgreement {
  /** Number of SGD seeds n. */
  seeds: number;
  /** Number of paths P. */
  paths: number;
  /** The error of the seeds used (as in {@link deviation}). */
  basis: "population" | "held-out";
  /** The seeds' mean against the predicted mean. */
  mean: MeanAgreement;
  /** The seeds' spread against the predicted spread; absent with one seed (no spread to measure). */
  spread?: SpreadAgreement;
  /** Both tests hold. */
  holds: boolean;
}

/** Standard normal quantile (bisection on Phi; |error| < 1e-12). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p = ${p} is not in (0, 1)`);
  let lo = -40, hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    const mid = (lo + hi) / 2;
    if (ncdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** ln Gamma(a) for a > 0 (Lanczos, g = 7). */
function lnGamma(a: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - lnGamma(1 - a);
  const x = a - 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, Lentz). */
export function betaI(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  if (x > (a + 1) / (a + b + 2)) return 1 - betaI(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1, d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 1000; m++) {
    const m2 = 2 * m;
    let aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return front * h / a;
}

/** Quantile p >= 0.5 of Student's t with nu degrees of freedom (bisection on the tail I_{nu/(nu+t^2)}(nu/2, 1/2) / 2). */
export function studentQuantile(p: number, nu: number): number {
  if (!(p >= 0.5 && p < 1) || !(nu > 0)) {
    throw new RangeError(`studentQuantile: p = ${p}, nu = ${nu} (need 0.5 <= p < 1, nu > 0)`);
  }
  const tail = (t: number) => 0.5 * betaI(nu / (nu + t * t), nu / 2, 0.5);
  let lo = 0, hi = 1;
  while (tail(hi) > 1 - p) hi *= 2;
  for (let i = 0; i < 300 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > 1 - p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Regularised lower incomplete gamma P(a, x) (series below a + 1, continued fraction above). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lead = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let term = 1 / a, sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(lead);
  }
  // Lentz's continued fraction for Q(a, x)
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return 1 - Math.exp(lead) * h;
}

/** Quantile q of the chi-square distribution with k degrees of freedom. */
export function chiSquareQuantile(q: number, k: number): number {
  if (!(q > 0 && q < 1) || !(k > 0)) {
    throw new RangeError(`chiSquareQuantile: q = ${q}, k = ${k} (need 0 < q < 1, k > 0)`);
  }
  let lo = 0, hi = Math.max(10, 4 * k);
  while (gammaP(k / 2, hi / 2) < q) hi *= 2;
  for (let i = 0; i < 300 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (gammaP(k / 2, mid / 2) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Quantile q of Fisher's F distribution with (d1, d2) degrees of freedom. */
export function fQuantile(q: number, d1: number, d2: number): number {
  if (!(q > 0 && q < 1) || !(d1 > 0 && d2 > 0)) {
    throw new RangeError(`fQuantile: q = ${q}, d1 = ${d1}, d2 = ${d2} (need 0 < q < 1, d > 0)`);
  }
  const cdf = (x: number) => betaI(d1 * x / (d1 * x + d2), d1 / 2, d2 / 2);
  let lo = 0, hi = 1;
  while (cdf(hi) < q) hi *= 2;
  for (let i = 0; i < 300 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The interval of s_n / s_P (sample stds of n and of P draws of one normal
 * distribution) at two-sided level `alpha`: the square roots of the F(n - 1,
 * P - 1) quantiles; without P, of s_n / sigma (chi-square, sigma known).
 */
export function spreadInterval(n: number, alpha = ALPHA, P = Infinity): [number, number] {
  const k = n - 1;
  if (!Number.isFinite(P)) {
    return [
      Math.sqrt(chiSquareQuantile(alpha / 2, k) / k),
      Math.sqrt(chiSquareQuantile(1 - alpha / 2, k) / k),
    ];
  }
  return [
    Math.sqrt(fQuantile(alpha / 2, k, P - 1)),
    Math.sqrt(fQuantile(1 - alpha / 2, k, P - 1)),
  ];
}

function meanStd(xs: readonly number[]): [number, number] {
  const n = xs.length;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1) : 0;
  return [m, Math.sqrt(v)];
}

/**
 * The seeds' error curves a comparison uses: the exact error of their
 * weights for Gaussian inputs, the held-out estimate otherwise.
 */
export function seedCurves(
  simulation: CurveResult,
): { curves: number[][]; basis: "population" | "held-out" } {
  const gaussian = ["spiked", "gaussian"].includes(String(simulation.config?.data?.kind));
  // with an output bias the exact error needs its overlaps C, C0 in the record
  const recorded = !simulation.config.network?.outputBias ||
    simulation.runs.every((r) => r.order.every((o) => o.C !== undefined));
  return gaussian && recorded
    ? { curves: exactErrors(simulation), basis: "population" }
    : { curves: simulation.runs.map((r) => r.eps), basis: "held-out" };
}

/**
 * Judge a simulation's seeds against the finite-D prediction of a theory
 * with paths (`theory --paths N`), on the shared time grid.
 *
 * @param simulation SGD seeds
 * @param theory a theory result with `fluctuations`
 * @throws ConfigError when the theory has no fluctuations or the times differ
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spreadInterval } from "./finite_agreement.ts";
 * const [low, high] = spreadInterval(2);
 * assert.ok(low < 0.01 && high > 2.8 && high < 2.9);
 * ```
 */
export function finiteAgreement(simulation: CurveResult, theory: CurveResult): FiniteAgreement {
  const f = theory.fluctuations;
  if (!f) {
    throw new ConfigError("paths", undefined, "at least 2 paths of the theory (--paths N)");
  }
  const { times } = simulation;
  if (
    times.length !== theory.times.length ||
    times.some((t, i) => Math.abs(t - theory.times[i]) > 1e-12 * Math.max(1, t))
  ) {
    throw new ConfigError("times", theory.times.length, `the simulation's ${times.length} times`);
  }
  const { curves, basis } = seedCurves(simulation);
  const n = curves.length, P = f.paths;
  const tested = times.map((_, j) => j).filter((j) => times[j] > 0);
  const threshold = studentQuantile(1 - ALPHA / (2 * Math.max(1, tested.length)), n + P - 2);
  let maxZ = 0, maxJ = tested[0] ?? 0;
  for (const j of tested) {
    const [ms, ss] = meanStd(curves.map((c) => c[j]));
    const pooled = Math.sqrt(((n - 1) * ss ** 2 + (P - 1) * f.std[j] ** 2) / (n + P - 2));
    const se = pooled * Math.sqrt(1 / n + 1 / P);
    const diff = Math.abs(ms - f.mean[j]);
    const z = diff === 0 ? 0 : se > 0 ? diff / se : Infinity;
    if (z > maxZ || !Number.isFinite(z)) {
      maxZ = z;
      maxJ = j;
      if (!Number.isFinite(z)) break;
    }
  }
  const mean: MeanAgreement = {
    maxZ,
    maxAt: times[maxJ],
    measured: meanStd(curves.map((c) => c[maxJ]))[0],
    predicted: f.mean[maxJ],
    threshold,
    holds: maxZ <= threshold,
  };
  let spread: SpreadAgreement | undefined;
  if (n >= 2) {
    const seedEscapes = escapeTimes(times, curves, simulation.pca.epsPCA);
    let best = -1;
    for (const pe of f.escapes) {
      const se = seedEscapes.find((e) => e.m === pe.m);
      if (!se || se.left < n || pe.left < 0.8 * P || pe.left < 2) continue;
      const lnPaths = pe.times.filter((t): t is number => t !== null && t > 0).map(Math.log);
      const lnSeeds = se.times.map((t) => Math.log(t!));
      const predicted = meanStd(lnPaths)[1];
      if (!(predicted > best)) continue;
      best = predicted;
      const measured = meanStd(lnSeeds)[1];
      const [low, high] = spreadInterval(n, ALPHA, lnPaths.length);
      const ratio = measured / predicted;
      spread = {
        ratio,
        m: pe.m,
        at: pe.quantiles["0.5"] ?? NaN,
        measured,
        predicted,
        low,
        high,
        holds: ratio >= low && ratio <= high,
      };
    }
  }
  return {
    seeds: n,
    paths: P,
    basis,
    mean,
    ...(spread ? { spread } : {}),
    holds: mean.holds && (spread?.holds ?? true),
  };
}

/** One sentence saying what {@link finiteAgreement} measured and whether it holds. */
export function finiteAgreementText(a: FiniteAgreement): string {
  const g = (x: number) => x.toPrecision(3);
  const mean = `mean of ${a.seeds} seed${a.seeds === 1 ? "" : "s"} vs the mean of ${a.paths} ` +
    `paths at this D: largest |difference| / standard error ${g(a.mean.maxZ)} (at t = ${
      g(a.mean.maxAt)
    }: ${g(a.mean.measured)} vs ${g(a.mean.predicted)}), ${
      a.mean.holds ? "within" : "above"
    } the bound ${g(a.mean.threshold)}`;
  const spread = a.spread
    ? `; std of ln(time leaving eps_PCA(${a.spread.m})) over the seeds / over the paths ${
      g(a.spread.ratio)
    } (${g(a.spread.measured)} vs ${g(a.spread.predicted)}, median time ${g(a.spread.at)}), ${
      a.spread.holds ? "within" : "outside"
    } [${g(a.spread.low)}, ${g(a.spread.high)}] for ${a.seeds} seeds and ${a.paths} paths`
    : a.seeds === 1
    ? "; spread not tested with 1 seed"
    : "; spread not tested: no plateau left by every seed and 80% of the paths";
  return `${a.holds ? "agrees" : "disagrees"} with the finite-D prediction (${mean}${spread})`;
}
