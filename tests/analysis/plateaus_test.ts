import assert from "node:assert/strict";
import {
  findPlateaus,
  formatPlateauTable,
  matchPlateaus,
  type Plateau,
} from "../../src/analysis/plateaus.ts";
import { ConfigError } from "../../src/core/errors.ts";

// ---------------------------------------------------------------------------
// Synthetic learning curves

const LEVELS = [0.5, 0.15, 0.04, 0.004];
/** PCA errors near (not at) the levels, plus one below the last. */
const EPS_PCA = [0.5, 0.14, 0.045, 0.0042, 0.0035];

const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));

/**
 * ln eps(t) = ln L0 + sum_j ln(L_{j+1} / L_j) sigmoid(ln(t / c_j) / w): smooth
 * drops in log time between known levels, and the exact log-log slope.
 */
function dropCurve(levels: number[], centers: number[], w: number) {
  const eps = (t: number) => {
    let le = Math.log(levels[0]);
    for (let j = 0; j < centers.length; j++) {
      le += Math.log(levels[j + 1] / levels[j]) * sigmoid(Math.log(t / centers[j]) / w);
    }
    return Math.exp(le);
  };
  const slope = (t: number) => {
    let s = 0;
    for (let j = 0; j < centers.length; j++) {
      const g = sigmoid(Math.log(t / centers[j]) / w);
      s += Math.log(levels[j + 1] / levels[j]) * g * (1 - g) / w;
    }
    return s;
  };
  return { eps, slope };
}

/** Stretches where the exact |slope| < thr, on a fine log grid over [t0, t1]. */
function exactStretches(
  slope: (t: number) => number,
  t0: number,
  t1: number,
  thr = 0.1,
): [number, number][] {
  const out: [number, number][] = [];
  const n = 20000;
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const t = t0 * Math.pow(t1 / t0, i / n);
    const flat = Math.abs(slope(t)) < thr;
    if (flat && start < 0) start = t;
    if (!flat && start > 0) {
      out.push([start, t]);
      start = -1;
    }
  }
  if (start > 0) out.push([start, t1]);
  return out;
}

/** t = 0, then `perDecade` log-spaced times from 1e-2 to 1e5. */
function logTimes(perDecade: number): number[] {
  return [
    0,
    ...Array.from({ length: 7 * perDecade + 1 }, (_, i) => 1e-2 * Math.pow(10, i / perDecade)),
  ];
}

/** Seeded uniform in [0, 1) (mulberry32) and standard normal (Box–Muller). */
function normalSource(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** |ln(a / b)|: distance on a log scale. */
const logDist = (a: number, b: number) => Math.abs(Math.log(a / b));

/**
 * The plateaus agree with the exact stretches of the noise-free curve: same
 * number, levels within `levelTol` (relative), edges within a factor `edgeTol`.
 */
function assertMatchesExact(
  found: Plateau[],
  exact: [number, number][],
  edgeTol: number,
  levelTol: number,
  what: string,
) {
  assert.equal(found.length, exact.length, `${what}: ${JSON.stringify(found)}`);
  for (let k = 0; k < exact.length; k++) {
    const p = found[k];
    assert.ok(
      Math.abs(p.level / LEVELS[k] - 1) < levelTol,
      `${what} plateau ${k}: level ${p.level}`,
    );
    assert.ok(
      logDist(p.start, exact[k][0]) < Math.log(edgeTol),
      `${what} plateau ${k}: start ${p.start} vs ${exact[k][0]}`,
    );
    assert.ok(
      logDist(p.end, exact[k][1]) < Math.log(edgeTol),
      `${what} plateau ${k}: end ${p.end} vs ${exact[k][1]}`,
    );
  }
}

// ---------------------------------------------------------------------------

Deno.test("three smooth drops give four plateaus at the known levels, matched to the right m", () => {
  const curve = dropCurve(LEVELS, [1, 50, 2500], 0.3);
  const exact = exactStretches(curve.slope, 1e-2, 1e5);
  assert.equal(exact.length, 4); // the reference itself
  for (const perDecade of [15, 25, 50]) {
    const times = logTimes(perDecade);
    const eps = times.map((t) => (t === 0 ? 0.5 : curve.eps(t)));
    const found = findPlateaus(times, eps);
    assertMatchesExact(found, exact, 1.3, 0.02, `${perDecade} a decade`);
    // t = 0 ignored; the first and last plateaus touch the ends of the data
    assert.equal(found[0].start, 1e-2);
    assert.ok(found[0].atStart && !found[0].atEnd && found[3].atEnd && !found[3].atStart);
    assert.equal(found[3].end, times[times.length - 1]);
    const matched = matchPlateaus(found, EPS_PCA);
    assert.deepEqual(matched.map((p) => p.m), [0, 1, 2, 3]);
    for (const p of matched) {
      assert.equal(p.epsPCA, EPS_PCA[p.m]);
      assert.ok(Math.abs(p.ratio - p.level / p.epsPCA) < 1e-15);
    }
  }
});

Deno.test("a monotone power law has no plateau", () => {
  const times = logTimes(25);
  for (const a of [0.3, 0.5, 1, 2]) {
    assert.deepEqual(
      findPlateaus(times, times.map((t) => (t === 0 ? 1 : Math.pow(t, -a)))),
      [],
      `t^-${a}`,
    );
    const noise = normalSource(17);
    const noisy = times.map((t) => (t === 0 ? 1 : Math.pow(t, -a) * (1 + 0.02 * noise())));
    assert.deepEqual(findPlateaus(times, noisy), [], `noisy t^-${a}`);
  }
  // a very slow decay is flat by the default threshold, but not by a stricter one
  const slow = times.map((t) => (t === 0 ? 1 : Math.pow(t, -0.05)));
  assert.equal(findPlateaus(times, slow).length, 1);
  assert.equal(findPlateaus(times, slow, { slope: 0.02 }).length, 0);
});

Deno.test("2% seeded noise: the same plateaus, levels and matches", () => {
  const curve = dropCurve(LEVELS, [1, 50, 2500], 0.3);
  const exact = exactStretches(curve.slope, 1e-2, 1e5);
  const times = logTimes(25);
  for (let seed = 1; seed <= 20; seed++) {
    const noise = normalSource(seed);
    const eps = times.map((t) => (t === 0 ? 0.5 : curve.eps(t) * (1 + 0.02 * noise())));
    const found = findPlateaus(times, eps);
    assertMatchesExact(found, exact, 1.6, 0.03, `seed ${seed}`);
    assert.deepEqual(matchPlateaus(found, EPS_PCA).map((p) => p.m), [0, 1, 2, 3], `seed ${seed}`);
  }
});

Deno.test("plateaus shorter than minFactor are not reported", () => {
  // the 0.15 level lasts only a factor ~1.85 in time (exact), between drops at t = 1 and t = 7
  const curve = dropCurve(LEVELS, [1, 7, 300], 0.15);
  const exact = exactStretches(curve.slope, 1e-2, 1e5);
  assert.equal(exact.length, 4);
  assert.ok(exact[1][1] / exact[1][0] > 1.6 && exact[1][1] / exact[1][0] < 2);
  const times = logTimes(30);
  const eps = times.map((t) => (t === 0 ? 0.5 : curve.eps(t)));
  const opts = { window: 0.1 }; // a narrow fit window, so that the short stretch is seen at all
  const levels = (ps: Plateau[]) => ps.map((p) => +p.level.toPrecision(2));
  assert.deepEqual(levels(findPlateaus(times, eps, opts)), [0.5, 0.04, 0.004]);
  assert.deepEqual(levels(findPlateaus(times, eps)), [0.5, 0.04, 0.004]);
  const all = findPlateaus(times, eps, { ...opts, minFactor: 1.5 });
  assert.deepEqual(levels(all), [0.5, 0.15, 0.04, 0.004]);
  assert.ok(all[1].end / all[1].start < 2 && all[1].end / all[1].start >= 1.5);
});

Deno.test("a flat curve is one plateau over the whole data; too few points give none", () => {
  const times = logTimes(10);
  const flat = findPlateaus(times, times.map(() => 0.25));
  assert.equal(flat.length, 1);
  assert.ok(Math.abs(flat[0].level - 0.25) < 1e-14);
  assert.deepEqual({ ...flat[0], level: 0.25 }, {
    start: 1e-2,
    end: times[times.length - 1],
    level: 0.25,
    atStart: true,
    atEnd: true,
  });
  assert.deepEqual(findPlateaus([0, 1], [0.5, 0.4]), []);
  assert.deepEqual(findPlateaus([], []), []);
});

Deno.test("matchPlateaus picks the nearest eps_PCA(m) on a log scale", () => {
  const p = (level: number): Plateau => ({ start: 1, end: 3, level, atStart: false, atEnd: false });
  // 0.07 is nearer 0.04 than 0.15 on a log scale (ratio 1.75 vs 2.14), though not arithmetically
  const got = matchPlateaus([p(0.07), p(0.1), p(1e-3)], [0.5, 0.15, 0.04, 0, 0.004]);
  assert.deepEqual(got.map((g) => g.m), [2, 1, 4]);
  assert.equal(got[2].epsPCA, 0.004);
  assert.ok(Math.abs(got[2].ratio - 0.25) < 1e-15);
  assert.throws(() => matchPlateaus([p(0.1)], [0, NaN]), ConfigError);
});

Deno.test("formatPlateauTable lists start, end, level, nearest m, eps_PCA(m), ratio", () => {
  const curve = dropCurve(LEVELS, [1, 50, 2500], 0.3);
  const times = logTimes(25);
  const found = findPlateaus(times, times.map((t) => (t === 0 ? 0.5 : curve.eps(t))));
  const text = formatPlateauTable(matchPlateaus(found, EPS_PCA));
  const lines = text.split("\n");
  assert.equal(lines.length, 2 + 4);
  assert.deepEqual(lines[0].trim().split(/\s{2,}/), [
    "start",
    "end",
    "level",
    "nearest m",
    "eps_PCA(m)",
    "ratio",
  ]);
  assert.match(lines[1], /^-+( +-+){5}$/);
  // every line has the same width (right-aligned columns)
  assert.ok(lines.every((l) => l.length === lines[0].length));
  const row = lines[3].trim().split(/\s+/);
  assert.equal(row[3], "1");
  assert.equal(row[4], "0.140");
  assert.ok(lines[2].includes("<=0.0100") && lines[5].includes(">=1.00e+5"));
  // unmatched plateaus show "-" in the match columns
  const plain = formatPlateauTable(found).split("\n")[2].trim().split(/\s+/);
  assert.deepEqual(plain.slice(3), ["-", "-", "-"]);
});

Deno.test("invalid curves are refused with a ConfigError", () => {
  assert.throws(() => findPlateaus([1, 2], [0.5]), ConfigError);
  assert.throws(() => findPlateaus([1, 2, 2], [0.5, 0.4, 0.3]), /times\[2\]/);
  assert.throws(() => findPlateaus([0, 1, 2], [0, 0.4, -1]), /eps\[2\]/);
  assert.throws(() => findPlateaus([1, 2, 3], [0.5, NaN, 0.3]), /eps\[1\]/);
  assert.throws(() => findPlateaus([1, 2, 3], [0.5, 0.4, 0.3], { minFactor: 0.5 }), /minFactor/);
  assert.throws(() => findPlateaus([1, 2, 3], [0.5, 0.4, 0.3], { slope: 0 }), /slope/);
});
