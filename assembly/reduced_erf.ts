// The reduced kernel's own erf and exp (assembly/reduced.ts only; the full
// engine keeps assembly/activation.ts's): g(u) = erf(u / sqrt 2) and
// g'(u) = sqrt(2 / pi) e^{-u^2 / 2} of the erf activation share one e^{-x^2},
// x = u / sqrt 2, and evaluate fixed polynomials (no loop that depends on x,
// no division), accurate to round-off:
//   |x| < 1/2:        erf x = x P_0(x^2), P_0 of degree 9;
//   1/2 <= |x| < 6:   erf |x| = 1 - e^{-x^2} P_j(|x| - c_j), on 11 pieces of
//                     width 1/2 with centres c_j, P_j of degree 13 fitting
//                     e^{x^2} erfc x (scripts/reduced_erf_fit.py: Chebyshev
//                     fits in 40 digits, relative error below 6e-18);
//   |x| >= 6:         erf x = +-1 (erfc 6 = 2.2e-17 is below half an ulp of 1).
// Each polynomial is evaluated as an even and an odd half in v^2 (two chains
// of half the length: the step's critical path runs through them).
// e^t: t = k ln 2 + r, |r| <= ln 2 / 2, e^r by its Taylor polynomial of
// degree 13 split the same way, times 2^k; 0 below t = -708 (below the
// smallest normal double). e^{-x^2} and x P_0(x^2) are evaluated two units
// at a time in f64x2, the large pieces per unit only where |x| >= 1/2.
// Measured: max relative error 4.5e-16 against mpmath on 17,000 points of
// [-6, 6] (the registry's series: 1.1e-15); max relative difference from the
// registry's erf 1.6e-15 on a grid of step 1e-5 (tests/kernels/reduced_test.ts
// checks it on [-8, 8]).

const INV_SQRT2: f64 = 0.7071067811865476;
const SQRT_2_OVER_PI: f64 = 0.7978845608028654;
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.4426950408889634;

/** The 12 x 14 coefficients (constant term first): P_0 in x^2, then P_1..P_11 in |x| - c_j. */
const ERF_TABLE: usize = memory.data<f64>([
  1.1283791670955126, -0.3761263890318375, 0.1128379167095487, -0.02686617064499972, 0.0052239776220169365, -0.0008548326510724796, 0.00012055286202005714, -1.4923003368152099e-05, 1.637123442577e-06, -1.462091340945175e-07, 0.0, 0.0, 0.0, 0.0,
  0.5069376502931449, -0.3679726916557954, 0.23095813155129497, -0.12983606199488007, 0.06679054252841538, -0.031897262039946896, 0.01428919858470859, -0.006051532271776434, 0.002437641069942269, -0.000938513222881505, 0.00034666379283020214, -0.00012332717214560827, 4.337915907561481e-05, -1.440376961255891e-05,
  0.3678229164523611, -0.20882187596460985, 0.10679557149659845, -0.05021827439590747, 0.022011364250946238, -0.009081627632959959, 0.003553109894683297, -0.0013257829272368543, 0.0004739707006153454, -0.00016296012111131222, 5.404491508514403e-05, -1.7341459254977562e-05, 5.501701839828387e-06, -1.6610767030625112e-06,
  0.2849722347374364, -0.1309763455144852, 0.05576363008708723, -0.022259995241388317, 0.008404319207340187, -0.0030209746514281146, 0.001039204521356914, -0.00034353335318474803, 0.0001095053381684006, -3.375536830552878e-05, 1.0085518680104132e-05, -2.92763224927802e-06, 8.406449608561853e-07, -2.3131132443809953e-07,
  0.23108725873039188, -0.08848650280874916, 0.031992627410706256, -0.011002060756440045, 0.0036189953543597905, -0.0011437284836541604, 0.0003485354218814771, -0.00010272108111777696, 2.9353254863530408e-05, -8.150285053705488e-06, 2.2028461470983834e-06, -5.805909757132036e-07, 1.5147418685283685e-07, -3.8093997572624824e-08,
  0.1936620962790687, -0.06323763756063484, 0.019758592987322864, -0.005934337896997976, 0.001719581885289515, -0.0004821950849811217, 0.00013118180050158485, -3.469860957140213e-05, 8.940157366119897e-06, -2.2473737254695783e-06, 5.519449177126979e-07, -1.3261857188670576e-07, 3.1568164431976944e-08, -7.279738484278512e-09,
  0.16633534842682188, -0.047199402321170376, 0.012937290883018157, -0.003435471300907574, 0.0008860045775343321, -0.00022238256956848873, 5.442040880644052e-05, -1.3004640264149419e-05, 3.0388322525197412e-06, -6.952081224454215e-07, 1.558749388297477e-07, -3.4288600060257634e-08, 7.478692856076797e-09, -1.586936266709577e-09,
  0.14558972127503855, -0.03645625753272353, 0.008878755527325298, -0.00210728287016911, 0.00048822238209558116, -0.00011057957492429544, 2.4516325375175097e-05, -5.326672789022946e-06, 1.1353256642536615e-06, -2.3760040556954934e-07, 4.8863416523494246e-08, -9.882877201280105e-09, 1.983538604342367e-09, -3.886928977136085e-10,
  0.12934527478598792, -0.028944331414615332, 0.006331866273872749, -0.0013559331671040983, 0.0002845751568401692, -5.8595500213358165e-05, 1.1848093644133921e-05, -2.3546006354783887e-06, 4.602602510051801e-07, -8.855436560091711e-08, 1.678048346916335e-08, -3.1337186685536493e-09, 5.811724586030923e-10, -1.0555257375577111e-10,
  0.11630270721024731, -0.02350344859816315, 0.00466132636897234, -0.0009080988970296905, 0.00017392830404065597, -3.277578113463187e-05, 6.081114550292908e-06, -1.1115677200716773e-06, 2.002919741920613e-07, -3.5595747942067336e-08, 6.242335630900769e-09, -1.0807446894693348e-09, 1.859478945996065e-10, -3.141135105048579e-11,
  0.1056127354688918, -0.01944544467214865, 0.003524150940111397, -0.0006291014910425433, 0.00011068405606902267, -1.920407867207035e-05, 3.287547680190039e-06, -5.55558100260598e-07, 9.271691472357647e-08, -1.52876234438342e-08, 2.4913485679760037e-09, -4.0142946040380724e-10, 6.432031515574242e-11, -1.0140384592111234e-11,
  0.09669877816971392, -0.016343218143802483, 0.002725273842849635, -0.00044859569827805586, 7.2924288875407e-05, -1.1712414897786451e-05, 1.8593010710359471e-06, -2.918382112209443e-07, 4.5307839541466324e-08, -6.959585888416656e-09, 1.0580344538295682e-09, -1.5924080266529063e-10, 2.384598604374149e-11, -3.5200073691581453e-12,
]);

// @ts-ignore: decorator
@inline function c(row: usize, i: i32): f64 {
  return load<f64>(row + ((<usize>i) << 3));
}

/** e^t (relative error ~3e-16; 0 for t < -708): erfPair's operations on one lane (for the tests). */
export function reducedExp(t: f64): f64 {
  if (t < -708.0) return 0.0;
  const k = Math.floor(t * INV_LN2 + 0.5);
  const r = (t - k * LN2_HI) - k * LN2_LO;
  const r2 = r * r;
  let e: f64 = 1.0 / 479001600.0;
  e = 1.0 / 3628800.0 + r2 * e;
  e = 1.0 / 40320.0 + r2 * e;
  e = 1.0 / 720.0 + r2 * e;
  e = 1.0 / 24.0 + r2 * e;
  e = 0.5 + r2 * e;
  e = 1.0 + r2 * e;
  let o: f64 = 1.0 / 6227020800.0;
  o = 1.0 / 39916800.0 + r2 * o;
  o = 1.0 / 362880.0 + r2 * o;
  o = 1.0 / 5040.0 + r2 * o;
  o = 1.0 / 120.0 + r2 * o;
  o = 1.0 / 6.0 + r2 * o;
  o = 1.0 + r2 * o;
  const p = e + r * o;
  // 2^k from its bits; k >= -1022 for t >= -708
  return p * reinterpret<f64>((<u64>(<i64>k + 1023)) << 52);
}

/** The polynomial of row `row` at v (even and odd halves in v^2). */
// @ts-ignore: decorator
@inline function piece(row: usize, v: f64): f64 {
  const v2 = v * v;
  let e = c(row, 12);
  e = c(row, 10) + v2 * e;
  e = c(row, 8) + v2 * e;
  e = c(row, 6) + v2 * e;
  e = c(row, 4) + v2 * e;
  e = c(row, 2) + v2 * e;
  e = c(row, 0) + v2 * e;
  let o = c(row, 13);
  o = c(row, 11) + v2 * o;
  o = c(row, 9) + v2 * o;
  o = c(row, 7) + v2 * o;
  o = c(row, 5) + v2 * o;
  o = c(row, 3) + v2 * o;
  o = c(row, 1) + v2 * o;
  return e + v * o;
}

/** 32 bytes: erfPair's e^{-x^2} and x P_0(x^2) of two lanes. */
const PAIR: usize = memory.data(32, 16);

// @ts-ignore: decorator
@inline function cs(i: i32): v128 {
  return f64x2.splat(load<f64>(ERF_TABLE + ((<usize>i) << 3)));
}

/**
 * e^{-x^2} and x P_0(x^2) of two lanes in f64x2, the operations of
 * reducedExp and piece lane by lane (the same bits), into PAIR.
 */
// @ts-ignore: decorator
@inline function erfPair(x: v128): void {
  const x2 = f64x2.mul(x, x);
  const t = f64x2.max(f64x2.neg(x2), f64x2.splat(-708.0));
  const k = f64x2.floor(f64x2.add(f64x2.mul(t, f64x2.splat(INV_LN2)), f64x2.splat(0.5)));
  const r = f64x2.sub(f64x2.sub(t, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  const r2 = f64x2.mul(r, r);
  let e = f64x2.splat(1.0 / 479001600.0);
  e = f64x2.add(f64x2.splat(1.0 / 3628800.0), f64x2.mul(r2, e));
  e = f64x2.add(f64x2.splat(1.0 / 40320.0), f64x2.mul(r2, e));
  e = f64x2.add(f64x2.splat(1.0 / 720.0), f64x2.mul(r2, e));
  e = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r2, e));
  e = f64x2.add(f64x2.splat(0.5), f64x2.mul(r2, e));
  e = f64x2.add(f64x2.splat(1.0), f64x2.mul(r2, e));
  let o = f64x2.splat(1.0 / 6227020800.0);
  o = f64x2.add(f64x2.splat(1.0 / 39916800.0), f64x2.mul(r2, o));
  o = f64x2.add(f64x2.splat(1.0 / 362880.0), f64x2.mul(r2, o));
  o = f64x2.add(f64x2.splat(1.0 / 5040.0), f64x2.mul(r2, o));
  o = f64x2.add(f64x2.splat(1.0 / 120.0), f64x2.mul(r2, o));
  o = f64x2.add(f64x2.splat(1.0 / 6.0), f64x2.mul(r2, o));
  o = f64x2.add(f64x2.splat(1.0), f64x2.mul(r2, o));
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const scale = i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
  let ex = f64x2.mul(f64x2.add(e, f64x2.mul(r, o)), scale);
  ex = v128.bitselect(f64x2.splat(0.0), ex, f64x2.lt(f64x2.neg(x2), f64x2.splat(-708.0)));
  v128.store(PAIR, ex);
  // x P_0(x^2): piece(ERF_TABLE, x^2)
  const v2 = f64x2.mul(x2, x2);
  let pe = cs(12);
  pe = f64x2.add(cs(10), f64x2.mul(v2, pe));
  pe = f64x2.add(cs(8), f64x2.mul(v2, pe));
  pe = f64x2.add(cs(6), f64x2.mul(v2, pe));
  pe = f64x2.add(cs(4), f64x2.mul(v2, pe));
  pe = f64x2.add(cs(2), f64x2.mul(v2, pe));
  pe = f64x2.add(cs(0), f64x2.mul(v2, pe));
  let po = cs(13);
  po = f64x2.add(cs(11), f64x2.mul(v2, po));
  po = f64x2.add(cs(9), f64x2.mul(v2, po));
  po = f64x2.add(cs(7), f64x2.mul(v2, po));
  po = f64x2.add(cs(5), f64x2.mul(v2, po));
  po = f64x2.add(cs(3), f64x2.mul(v2, po));
  po = f64x2.add(cs(1), f64x2.mul(v2, po));
  v128.store(PAIR, f64x2.mul(x, f64x2.add(pe, f64x2.mul(x2, po))), 16);
}

/** erf x from its lane's e^{-x^2} and x P_0(x^2) (the large pieces evaluated here). */
// @ts-ignore: decorator
@inline function erfFromPair(x: f64, ex: f64, small: f64): f64 {
  const ax = Math.abs(x);
  if (ax < 0.5) return small;
  if (!(ax < 6.0)) return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x); // NaN stays NaN
  const j = <i32>((ax - 0.5) * 2.0); // 0..10
  const row = ERF_TABLE + (<usize>(j + 1)) * 112;
  const r = 1.0 - ex * piece(row, ax - (<f64>j * 0.5 + 0.75));
  return x < 0.0 ? -r : r;
}

/** erf x, the reduced kernel's (for the tests: lane 0 of the kernel's path). */
export function reducedErf(x: f64): f64 {
  erfPair(f64x2.splat(x));
  return erfFromPair(x, load<f64>(PAIR), load<f64>(PAIR, 16));
}

/**
 * g = erf(u / sqrt 2) and g' = sqrt(2/pi) e^{-u^2/2} of the erf activation
 * for the k fields at pre, into gs and gps (pre may be gs): e^{-x^2} and the
 * small-|x| polynomial two units at a time in f64x2, the large pieces per unit.
 */
// @ts-ignore: decorator
@inline export function erfUnits(pre: usize, gs: usize, gps: usize, k: i32): void {
  for (let u = 0; u < k; u += 2) {
    const o = (<usize>u) << 3;
    const two = u + 1 < k;
    const x0 = load<f64>(pre + o) * INV_SQRT2;
    const x1 = two ? load<f64>(pre + o, 8) * INV_SQRT2 : x0;
    erfPair(f64x2.replace_lane(f64x2.splat(x0), 1, x1));
    const e0 = load<f64>(PAIR), e1 = load<f64>(PAIR, 8);
    store<f64>(gs + o, erfFromPair(x0, e0, load<f64>(PAIR, 16)));
    store<f64>(gps + o, SQRT_2_OVER_PI * e0);
    if (two) {
      store<f64>(gs + o, erfFromPair(x1, e1, load<f64>(PAIR, 24)), 8);
      store<f64>(gps + o, SQRT_2_OVER_PI * e1, 8);
    }
  }
}
