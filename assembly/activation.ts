// Activations g and their derivatives g', and the module's own erf.
// Codes (the `kernelCode` of each activation in src/activations/): 0 linear g(u) = u;
// 1 erf g(u) = erf(u / sqrt 2); 2 relu g(u) = max(0, u); 3 tanh g(u) = tanh(u).

export const ACT_LINEAR: i32 = 0;
export const ACT_ERF: i32 = 1;
export const ACT_RELU: i32 = 2;
export const ACT_TANH: i32 = 3;

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const INV_SQRT_PI: f64 = 0.5641895835477563;
const INV_SQRT2: f64 = 0.7071067811865476;
const SQRT_2_OVER_PI: f64 = 0.7978845608028654;

/**
 * Error function. |x| <= 3: the series erf x = (2/sqrt pi) e^{-x^2} sum_n
 * x (2x^2)^n / (1*3*...*(2n+1)) (all terms positive, summed until they stop
 * changing the sum). |x| > 3: 1 - erfc x with erfc from its Laplace continued
 * fraction, evaluated backwards with 48 terms. |x| >= 6.5: +-1.
 */
export function erf(x: f64): f64 {
  const ax = Math.abs(x);
  if (ax >= 6.5) return x > 0 ? 1.0 : -1.0;
  const x2 = ax * ax;
  let r: f64;
  if (ax <= 3.0) {
    let term = ax;
    let sum = ax;
    const twoX2 = 2.0 * x2;
    for (let n = 1; n < 200; n++) {
      term *= twoX2 / <f64>(2 * n + 1);
      const next = sum + term;
      if (next == sum) break;
      sum = next;
    }
    r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  } else {
    // erfc x = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
    let f = ax;
    for (let n = 48; n >= 1; n--) f = ax + (<f64>n * 0.5) / f;
    r = 1.0 - INV_SQRT_PI * Math.exp(-x2) / f;
  }
  return x < 0 ? -r : r;
}

/** g(u) for activation code act. */
export function act(code: i32, u: f64): f64 {
  if (code == ACT_ERF) return erf(u * INV_SQRT2);
  if (code == ACT_RELU) return u > 0.0 ? u : 0.0;
  if (code == ACT_TANH) return Math.tanh(u);
  return u;
}

/** g'(u) for activation code act (relu: 1 for u > 0, else 0). */
export function actDeriv(code: i32, u: f64): f64 {
  if (code == ACT_ERF) return SQRT_2_OVER_PI * Math.exp(-0.5 * u * u);
  if (code == ACT_RELU) return u > 0.0 ? 1.0 : 0.0;
  if (code == ACT_TANH) {
    const t = Math.tanh(u);
    return 1.0 - t * t;
  }
  return 1.0;
}
