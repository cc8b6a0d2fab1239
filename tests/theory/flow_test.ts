// The equations against the exact population gradient flow in weight space.
//
// For Gaussian inputs the test error is a function f(Q, R, T, T0) of the
// overlaps (THEORY.md section 4). The mean SGD step is a gradient step on it:
// vanilla SGD follows dw^k/dt = -eta grad_{w^k} f, dv^k/dt = -eta D grad_{v^k} f;
// truncated SGD does the same for unit k on the loss of units 1..k. Here the
// gradient is taken by fourth-order finite differences of f in the overlaps and
// the chain rule, in the eigenbasis of Omega, independently of the Stein-form
// averages the equations use.
import assert from "node:assert/strict";
import { ACTIVATION_NAMES, averagesFor } from "../../src/activations/mod.ts";
import { type Overlaps, predictedError } from "../../src/theory/equations.ts";
import { directionsOf, FlowSystem, initialState } from "../../src/theory/system.ts";
import { createKernels } from "../../src/kernels/wasm.ts";
import { covarianceSpectrum, materialise, type Spectrum, spikedModel } from "../../src/data/mod.ts";
import type { Activation, Rule } from "../../src/problem/types.ts";
import { solve } from "../../src/ode/integrate.ts";
import { RULE_NAMES, RULES } from "../../src/problem/rules.ts";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function gauss(u: () => number) {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Overlaps of weights given in eigen-coordinates (w(tau), v(tau)) for diagonal Omega = rho. */
function overlaps(
  K: number,
  D: number,
  rho: Float64Array,
  w: Float64Array[],
  v: Float64Array[],
  units: number,
): Overlaps {
  const o = {
    Q: new Float64Array(K * K),
    R: new Float64Array(K * K),
    T: new Float64Array(K * K),
    T0: new Float64Array(K * K),
  };
  for (let k = 0; k < units; k++) {
    for (let l = 0; l < units; l++) {
      let q = 0, r = 0, t = 0, t0 = 0;
      for (let i = 0; i < D; i++) {
        q += rho[i] * w[k][i] * w[l][i];
        r += rho[i] * v[k][i] * w[l][i];
        t += rho[i] * v[k][i] * v[l][i];
        t0 += v[k][i] * v[l][i];
      }
      o.Q[k * K + l] = q / D;
      o.R[k * K + l] = r / D ** 1.5;
      o.T[k * K + l] = t / D ** 2;
      o.T0[k * K + l] = t0 / D;
    }
  }
  return o;
}

/** Gradient of f = predictedError over `units` units w.r.t. every overlap entry (4th-order differences). */
function overlapGradient(
  units: number,
  K: number,
  traceOverD: number,
  act: Activation,
  o: Overlaps,
) {
  const avg = averagesFor(act);
  const sub = (x: Float64Array) => {
    const s = new Float64Array(units * units);
    for (let k = 0; k < units; k++) for (let l = 0; l < units; l++) s[k * units + l] = x[k * K + l];
    return s;
  };
  const base: Overlaps = { Q: sub(o.Q), R: sub(o.R), T: sub(o.T), T0: sub(o.T0) };
  const grad: Record<"Q" | "R" | "T" | "T0", Float64Array> = {
    Q: new Float64Array(K * K),
    R: new Float64Array(K * K),
    T: new Float64Array(K * K),
    T0: new Float64Array(K * K),
  };
  for (const key of ["Q", "R", "T", "T0"] as const) {
    for (let k = 0; k < units; k++) {
      for (let l = 0; l < units; l++) {
        const x = base[key];
        const i = k * units + l;
        const x0 = x[i];
        const h = 1e-3 * Math.max(Math.abs(base.Q[k * units + k]), 1e-2);
        const f = (d: number) => {
          x[i] = x0 + d;
          const v = predictedError(units, traceOverD, avg, base);
          x[i] = x0;
          return v;
        };
        grad[key][k * K + l] = (8 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12 * h);
      }
    }
  }
  return grad;
}

/** Weight-space flow (dw, dv per unit, eigen-coordinates) from the gradient of the population loss. */
function weightFlow(
  K: number,
  D: number,
  rho: Float64Array,
  traceOverD: number,
  act: Activation,
  rule: Rule,
  lr: number,
  w: Float64Array[],
  v: Float64Array[],
) {
  const dw = w.map(() => new Float64Array(D));
  const dv = v.map(() => new Float64Array(D));
  const sets = rule === "vanilla" ? [K] : Array.from({ length: K }, (_, k) => k + 1);
  for (const units of sets) {
    const o = overlaps(K, D, rho, w, v, units);
    const g = overlapGradient(units, K, traceOverD, act, o);
    const owners = rule === "vanilla" ? Array.from({ length: K }, (_, k) => k) : [units - 1];
    for (const k of owners) {
      for (let i = 0; i < D; i++) {
        let gw = 0, gv = 0;
        for (let a = 0; a < units; a++) {
          // dQ_ab/dw^k = (d_ak rho w^b + d_bk rho w^a)/D ; dR_ab/dw^k = d_bk rho v^a / D^1.5
          gw += (g.Q[k * K + a] + g.Q[a * K + k]) * rho[i] * w[a][i] / D +
            g.R[a * K + k] * rho[i] * v[a][i] / D ** 1.5;
          // dR_ab/dv^k = d_ak rho w^b / D^1.5 ; dT_ab/dv^k = (d_ak rho v^b + d_bk rho v^a)/D^2 ; dT0 likewise / D
          gv += g.R[k * K + a] * rho[i] * w[a][i] / D ** 1.5 +
            (g.T[k * K + a] + g.T[a * K + k]) * rho[i] * v[a][i] / D ** 2 +
            (g.T0[k * K + a] + g.T0[a * K + k]) * v[a][i] / D;
        }
        dw[k][i] = -lr * gw;
        dv[k][i] = -lr * D * gv;
      }
    }
  }
  return { dw, dv };
}

/** A spectrum with D distinct eigenvalues: a few spikes of order D and a bulk of order 1, standard basis. */
function randomSpectrum(D: number, seed: number): Spectrum {
  const u = rng(seed);
  const vals = Array.from({ length: D }, (_, i) => (i < 3 ? (0.5 - 0.12 * i) * D : 0.3 + u()));
  vals.sort((a, b) => b - a);
  const eigenvectors = new Float64Array(D * D);
  for (let i = 0; i < D; i++) eigenvectors[i * D + i] = 1;
  const eigenvalues = new Float64Array(vals);
  return { D, eigenvalues, eigenvectors, bulk: 0, traceOverD: vals.reduce((s, x) => s + x, 0) / D };
}

/** Random weights with O(1) entries and larger components along the three spike directions. */
function randomWeights(K: number, D: number, u: () => number) {
  const w = Array.from({ length: K }, () => Float64Array.from({ length: D }, () => 0.4 * gauss(u)));
  const v = Array.from({ length: K }, () => Float64Array.from({ length: D }, () => 0.4 * gauss(u)));
  for (let k = 0; k < K; k++) {
    for (let m = 0; m < 3; m++) {
      w[k][m] += gauss(u) / 4;
      v[k][m] += 2 * gauss(u);
    }
  }
  return { w, v };
}

for (const rule of ["vanilla", "truncated"] as const) {
  for (const act of ACTIVATION_NAMES) {
    Deno.test(`projected right-hand side = population gradient flow in weight space (${act}, ${rule})`, async () => {
      const D = 24, K = 3, lr = 0.7;
      const spec = randomSpectrum(D, 11);
      const u = rng(5);
      const { w, v } = randomWeights(K, D, u);
      const dirs = directionsOf(spec, K, "projected");
      assert.equal(dirs.rho.length, D);
      const sys = new FlowSystem(dirs, K, rule, lr, averagesFor(act), await createKernels());
      const y = initialState(dirs, K, w.map((r) => Array.from(r)), v.map((r) => Array.from(r)));
      const dy = new Float64Array(y.length);
      sys.rhs(0, y, dy);
      const flow = weightFlow(K, D, spec.eigenvalues, spec.traceOverD, act, rule, lr, w, v);
      let maxErr = 0, scale = 0;
      for (let k = 0; k < K; k++) {
        for (let t = 0; t < D; t++) {
          const da = dy[k * D + t], db = dy[(K + k) * D + t];
          const ea = flow.dw[k][t], eb = flow.dv[k][t] / Math.sqrt(D);
          maxErr = Math.max(maxErr, Math.abs(da - ea), Math.abs(db - eb));
          scale = Math.max(scale, Math.abs(ea), Math.abs(eb));
        }
      }
      assert.ok(maxErr <= 1e-8 * scale, `max deviation ${maxErr} vs scale ${scale}`);
    });
  }
}

Deno.test("projected form, density form and the weight-space flow agree to 1e-9 on eps(t), t <= 20", async () => {
  const D = 100, K = 3, lr = 0.5, act = "erf" as const;
  const model = spikedModel({ D, spikes: [3, 5, 9], seed: 2 });
  const spec = covarianceSpectrum(materialise(model).covariance);
  const u = rng(9);
  const W = Array.from({ length: K }, () => Array.from({ length: D }, () => 0.1 * gauss(u)));
  const V = Array.from({ length: K }, () => Array.from({ length: D }, () => 0.1 * gauss(u)));
  const times = [0, 1, 2, 5, 10, 15, 20];
  const curve = async (form: "projected" | "density") => {
    const dirs = directionsOf(spec, K, form);
    const sys = new FlowSystem(dirs, K, "vanilla", lr, averagesFor(act), await createKernels());
    const sol = solve({ rhs: sys.rhs, y0: initialState(dirs, K, W, V) }, times, {
      method: "rk4",
      h: 0.01,
    });
    return sol.states.map((y) => (sys.observe(y), sys.error()));
  };
  const projected = await curve("projected");
  const density = await curve("density");
  // weight space: a full orthonormal eigenbasis (the spike eigenvectors, completed by Gram-Schmidt)
  const r = spec.eigenvalues.length;
  const basis: Float64Array[] = [];
  for (let m = 0; m < r; m++) basis.push(spec.eigenvectors.slice(m * D, (m + 1) * D));
  for (let i = 0; basis.length < D; i++) {
    const e = new Float64Array(D);
    e[i] = 1;
    for (const b of basis) {
      let d = 0;
      for (let t = 0; t < D; t++) d += b[t] * e[t];
      for (let t = 0; t < D; t++) e[t] -= d * b[t];
    }
    let n2 = 0;
    for (const x of e) n2 += x * x;
    if (n2 < 1e-8) continue;
    for (let t = 0; t < D; t++) e[t] /= Math.sqrt(n2);
    basis.push(e);
  }
  const rho = Float64Array.from({ length: D }, (_, i) => (i < r ? spec.eigenvalues[i] : spec.bulk));
  const coords = (M: number[][]) =>
    M.map((row) => Float64Array.from(basis, (e) => row.reduce((s, x, t) => s + x * e[t], 0)));
  const w0 = coords(W), v0 = coords(V);
  const y0 = new Float64Array(2 * K * D);
  for (let k = 0; k < K; k++) {
    y0.set(w0[k], k * D);
    y0.set(v0[k], (K + k) * D);
  }
  const unpack = (y: Float64Array) => ({
    w: Array.from({ length: K }, (_, k) => y.subarray(k * D, (k + 1) * D)),
    v: Array.from({ length: K }, (_, k) => y.subarray((K + k) * D, (K + k + 1) * D)),
  });
  const avg = averagesFor(act);
  const sol = solve(
    {
      rhs: (_t, y, dy) => {
        const { w, v } = unpack(y);
        const f = weightFlow(K, D, rho, spec.traceOverD, act, "vanilla", lr, w, v);
        for (let k = 0; k < K; k++) {
          dy.set(f.dw[k], k * D);
          dy.set(f.dv[k], (K + k) * D);
        }
      },
      y0,
    },
    times,
    { method: "rk4", h: 0.01 },
  );
  const weight = sol.states.map((y) => {
    const { w, v } = unpack(y);
    return predictedError(K, spec.traceOverD, avg, overlaps(K, D, rho, w, v, K));
  });
  for (let i = 0; i < times.length; i++) {
    assert.ok(
      Math.abs(density[i] / projected[i] - 1) < 1e-9,
      `t=${times[i]}: density ${density[i]} projected ${projected[i]}`,
    );
    assert.ok(
      Math.abs(weight[i] / projected[i] - 1) < 1e-9,
      `t=${times[i]}: weight ${weight[i]} projected ${projected[i]}`,
    );
  }
  assert.ok(projected.at(-1)! < 0.5 * projected[0], "the error has dropped by t = 20");
});

for (const rule of ["vanilla", "truncated"] as const) {
  for (const act of ACTIVATION_NAMES) {
    Deno.test(`tied weights: the flow is the encoder plus the decoder gradient flow at v = w (${act}, ${rule})`, async () => {
      const D = 20, K = 2, lr = 0.6;
      const spec = randomSpectrum(D, 4);
      const u = rng(8);
      const w = Array.from(
        { length: K },
        () => Float64Array.from({ length: D }, () => 0.5 * gauss(u)),
      );
      for (let k = 0; k < K; k++) for (let m = 0; m < 3; m++) w[k][m] += gauss(u);
      const dirs = directionsOf(spec, K, "projected");
      const sys = new FlowSystem(dirs, K, rule, lr, averagesFor(act), await createKernels(), true);
      const W = w.map((r) => Array.from(r));
      const y = initialState(dirs, K, W, W);
      const dy = new Float64Array(y.length);
      sys.rhs(0, y, dy);
      const flow = weightFlow(K, D, spec.eigenvalues, spec.traceOverD, act, rule, lr, w, w);
      let maxErr = 0, scale = 0;
      for (let k = 0; k < K; k++) {
        for (let t = 0; t < D; t++) {
          const expected = flow.dw[k][t] + flow.dv[k][t];
          maxErr = Math.max(maxErr, Math.abs(dy[k * D + t] - expected));
          // b = a / sqrt(D) is kept along the flow
          maxErr = Math.max(maxErr, Math.abs(dy[(K + k) * D + t] - dy[k * D + t] / Math.sqrt(D)));
          scale = Math.max(scale, Math.abs(expected));
        }
      }
      assert.ok(maxErr <= 1e-8 * scale, `max deviation ${maxErr} vs scale ${scale}`);
    });
  }
}

// The Hebbian rules (no decoder): their flow from the registry's A(k), written out here
for (const rule of RULE_NAMES.filter((r) => !RULES[r].decoder)) {
  Deno.test(`${RULES[rule].label}: dw^k/dt = (eta/D) (Omega w^k - sum_{a in A(k)} Q_ka w^a)`, async () => {
    const D = 20, K = 3, lr = 0.8;
    const spec = randomSpectrum(D, 6);
    const u = rng(3);
    const W = Array.from({ length: K }, () => Array.from({ length: D }, () => gauss(u)));
    const dirs = directionsOf(spec, K, "projected");
    const sys = new FlowSystem(dirs, K, rule, lr, averagesFor("linear"), await createKernels());
    const V = W.map((row) => row.map((x) => x / Math.sqrt(D)));
    const y = initialState(dirs, K, W, V);
    const dy = new Float64Array(y.length);
    sys.rhs(0, y, dy);
    const Q = (k: number, a: number) =>
      W[k].reduce((s, x, i) => s + spec.eigenvalues[i] * x * W[a][i], 0) / D;
    for (let k = 0; k < K; k++) {
      for (let t = 0; t < D; t++) {
        let expected = spec.eigenvalues[t] * W[k][t];
        for (let a = 0; a < K; a++) if (RULES[rule].uses(k, a)) expected -= Q(k, a) * W[a][t];
        expected *= lr / D;
        assert.ok(Math.abs(dy[k * D + t] - expected) <= 1e-12 * Math.max(1, Math.abs(expected)));
        assert.ok(
          Math.abs(dy[(K + k) * D + t] - expected / D) <= 1e-14 * Math.max(1, Math.abs(expected)),
        );
      }
    }
  });
}

// Trained biases: the population loss now also depends on the field means mu_k = b_k / sqrt(D).
// The bias follows db_k/dt = -eta D dL/db_k, i.e. dmu_k/dt = -eta dL/dmu_k; the weights as before.
import { biasedAveragesFor } from "../../src/activations/mod.ts";
import { biasedFields, centralFields } from "../../src/theory/equations.ts";

for (const rule of ["vanilla", "truncated"] as const) {
  for (const act of ACTIVATION_NAMES.filter((a) => a !== "linear")) {
    Deno.test(`trained bias: flow of weights and bias = population gradient flow (${act}, ${rule})`, async () => {
      const D = 20, K = 2, lr = 0.9;
      const spec = randomSpectrum(D, 12);
      const u = rng(21);
      const { w, v } = randomWeights(K, D, u);
      const mu = [0.4, -0.7];
      const bavg = biasedAveragesFor(act);
      const dirs = directionsOf(spec, K, "projected");
      const sys = new FlowSystem(
        dirs,
        K,
        rule,
        lr,
        averagesFor(act),
        await createKernels(),
        false,
        bavg,
      );
      const vec = initialState(dirs, K, w.map((r) => Array.from(r)), v.map((r) => Array.from(r)));
      const y = new Float64Array(vec.length + K);
      y.set(vec);
      y.set(mu, vec.length);
      const dy = new Float64Array(y.length);
      sys.rhs(0, y, dy);
      // expected: gradient flow of L(Q, R, T, T0, mu) by 4th-order differences
      const sets = rule === "vanilla" ? [K] : Array.from({ length: K }, (_, k) => k + 1);
      let maxErr = 0, scale = 0;
      for (const units of sets) {
        const owners = rule === "vanilla" ? Array.from({ length: K }, (_, k) => k) : [units - 1];
        const o = overlaps(K, D, spec.eigenvalues, w, v, units);
        const loss = (ov: Overlaps, m: number[]) => {
          const sub = (x: Float64Array) => {
            const s = new Float64Array(units * units);
            for (let k = 0; k < units; k++) {
              for (let l = 0; l < units; l++) s[k * units + l] = x[k * K + l];
            }
            return s;
          };
          const so = { Q: sub(ov.Q), R: sub(ov.R), T: sub(ov.T), T0: sub(ov.T0) };
          return predictedError(units, spec.traceOverD, biasedFields(bavg, so.Q, m, units), so);
        };
        const diff = (f: (h: number) => number, h: number) =>
          (8 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12 * h);
        // bias part
        for (const k of owners) {
          const dL = diff((h) => {
            const m = mu.slice();
            m[k] += h;
            return loss(o, m);
          }, 1e-3);
          const expected = -lr * dL;
          maxErr = Math.max(maxErr, Math.abs(dy[vec.length + k] - expected));
          scale = Math.max(scale, Math.abs(expected));
        }
        // weight part (encoder of the owners), through dL/dQ and dL/dR
        for (const k of owners) {
          const gQ = new Float64Array(K * K), gR = new Float64Array(K * K);
          for (let a = 0; a < units; a++) {
            for (const [g, key] of [[gQ, "Q"], [gR, "R"]] as const) {
              for (const [i, j] of [[k, a], [a, k]]) {
                const idx = i * K + j;
                if (g[idx] !== 0) continue;
                g[idx] = diff((h) => {
                  const x = o[key][idx];
                  o[key][idx] = x + h;
                  const val = loss(o, mu);
                  o[key][idx] = x;
                  return val;
                }, 1e-3 * Math.max(o.Q[k * K + k], 1e-2));
              }
            }
          }
          for (let t = 0; t < D; t++) {
            let gw = 0;
            for (let a = 0; a < units; a++) {
              gw += (gQ[k * K + a] + gQ[a * K + k]) * spec.eigenvalues[t] * w[a][t] / D +
                gR[a * K + k] * spec.eigenvalues[t] * v[a][t] / D ** 1.5;
            }
            const expected = -lr * gw;
            maxErr = Math.max(maxErr, Math.abs(dy[k * D + t] - expected));
            scale = Math.max(scale, Math.abs(expected));
          }
        }
      }
      assert.ok(maxErr <= 1e-7 * scale, `max deviation ${maxErr} vs scale ${scale}`);
    });
  }
}

// The output bias c (THEORY.md 1b): the population loss gains sum_k C_k E[g(lambda_k)] + C0 / 2,
// with C_k = v^k . c / D and C0 = c . c / D. c follows dc/dt = -eta D grad_c L of the full loss
// (truncated SGD too); the weights and the hidden biases follow their (nested) losses as before.
// The gradient is taken by 4th-order differences of predictedError in every overlap
// (Q, R, T, T0, mu, C, C0) and the chain rule, in the eigenbasis of Omega.

/** Gradient of the loss of the first `units` units in every overlap, K-indexed. */
function fullOverlapGradient(
  units: number,
  K: number,
  traceOverD: number,
  act: Activation,
  bias: boolean,
  o: Overlaps & { C: Float64Array; C0: number },
  mu: number[],
) {
  const sub = (x: Float64Array) => {
    const s = new Float64Array(units * units);
    for (let k = 0; k < units; k++) for (let l = 0; l < units; l++) s[k * units + l] = x[k * K + l];
    return s;
  };
  const cur = {
    Q: sub(o.Q),
    R: sub(o.R),
    T: sub(o.T),
    T0: sub(o.T0),
    C: o.C.slice(0, units),
    C0: o.C0,
    mu: mu.slice(0, units),
  };
  const loss = () => {
    const f = bias
      ? biasedFields(biasedAveragesFor(act), cur.Q, cur.mu, units)
      : centralFields(averagesFor(act), cur.Q, units);
    return predictedError(units, traceOverD, f, cur);
  };
  const diff = (set: (h: number) => void, h: number) => {
    const f = (d: number) => {
      set(d);
      const v = loss();
      set(-d);
      return v;
    };
    return (8 * (f(h) - f(-h)) - (f(2 * h) - f(-2 * h))) / (12 * h);
  };
  const g = {
    Q: new Float64Array(K * K),
    R: new Float64Array(K * K),
    T: new Float64Array(K * K),
    T0: new Float64Array(K * K),
    C: new Float64Array(K),
    C0: 0,
    mu: new Float64Array(K),
  };
  for (const key of ["Q", "R", "T", "T0"] as const) {
    for (let k = 0; k < units; k++) {
      for (let l = 0; l < units; l++) {
        const i = k * units + l;
        const h = 1e-3 * Math.max(Math.abs(cur.Q[k * units + k]), 1e-2);
        g[key][k * K + l] = diff((d) => (cur[key][i] += d), h);
      }
    }
  }
  for (let k = 0; k < units; k++) {
    g.C[k] = diff((d) => (cur.C[k] += d), 1e-3);
    if (bias) g.mu[k] = diff((d) => (cur.mu[k] += d), 1e-3);
  }
  g.C0 = diff((d) => (cur.C0 += d), 1e-3);
  return g;
}

/** Overlaps with the output-bias terms, from weights in eigen-coordinates. */
function overlapsWithC(
  K: number,
  D: number,
  rho: Float64Array,
  w: Float64Array[],
  v: Float64Array[],
  c: Float64Array,
) {
  const o = overlaps(K, D, rho, w, v, K);
  const C = new Float64Array(K);
  let C0 = 0;
  for (let i = 0; i < D; i++) C0 += c[i] * c[i] / D;
  for (let k = 0; k < K; k++) for (let i = 0; i < D; i++) C[k] += v[k][i] * c[i] / D;
  return { ...o, C, C0 };
}

/** The population gradient flow of (w, v, c, mu) with an output bias, eigen-coordinates. */
function outputBiasFlow(
  K: number,
  D: number,
  rho: Float64Array,
  traceOverD: number,
  act: Activation,
  rule: Rule,
  lr: number,
  bias: boolean,
  w: Float64Array[],
  v: Float64Array[],
  c: Float64Array,
  mu: number[],
) {
  const dw = w.map(() => new Float64Array(D));
  const dv = v.map(() => new Float64Array(D));
  const dc = new Float64Array(D);
  const dmu = new Float64Array(K);
  const o = overlapsWithC(K, D, rho, w, v, c);
  const sets = rule === "vanilla" ? [K] : Array.from({ length: K }, (_, k) => k + 1);
  for (const units of sets) {
    const g = fullOverlapGradient(units, K, traceOverD, act, bias, o, mu);
    const owners = rule === "vanilla" ? Array.from({ length: K }, (_, k) => k) : [units - 1];
    for (const k of owners) {
      for (let i = 0; i < D; i++) {
        let gw = 0, gv = g.C[k] * c[i] / D;
        for (let a = 0; a < units; a++) {
          gw += (g.Q[k * K + a] + g.Q[a * K + k]) * rho[i] * w[a][i] / D +
            g.R[a * K + k] * rho[i] * v[a][i] / D ** 1.5;
          gv += g.R[k * K + a] * rho[i] * w[a][i] / D ** 1.5 +
            (g.T[k * K + a] + g.T[a * K + k]) * rho[i] * v[a][i] / D ** 2 +
            (g.T0[k * K + a] + g.T0[a * K + k]) * v[a][i] / D;
        }
        dw[k][i] = -lr * gw;
        dv[k][i] = -lr * D * gv;
      }
      dmu[k] = -lr * g.mu[k];
    }
    if (units === K) {
      // c descends the full loss (all K units) under both rules
      for (let i = 0; i < D; i++) {
        let gc = 2 * g.C0 * c[i] / D;
        for (let a = 0; a < K; a++) gc += g.C[a] * v[a][i] / D;
        dc[i] = -lr * D * gc;
      }
    }
  }
  return { dw, dv, dc, dmu };
}

for (const rule of ["vanilla", "truncated"] as const) {
  for (const act of ACTIVATION_NAMES) {
    for (const tied of [false, true]) {
      for (const bias of [false, true]) {
        const what = `${act}, ${rule}, ${tied ? "tied" : "untied"}, ${
          bias ? "hidden biases" : "no hidden bias"
        }`;
        Deno.test(`output bias: flow of weights, biases and c = population gradient flow (${what})`, async () => {
          const D = 20, K = 2, lr = 0.8;
          const spec = randomSpectrum(D, 31);
          const u = rng(17 + (tied ? 1 : 0) + (bias ? 2 : 0));
          const ws = randomWeights(K, D, u);
          const w = ws.w, v = tied ? ws.w : ws.v;
          // c with O(1) overlaps C_k: partly along the decoder, plus O(1) noise and spike parts
          const c = Float64Array.from(
            { length: D },
            (_, i) => 0.3 * v[0][i] - 0.2 * v[1][i] + 0.5 * gauss(u) + (i < 3 ? gauss(u) : 0),
          );
          const mu = bias ? [0.4, -0.7] : [0, 0];
          const dirs = directionsOf(spec, K, "projected");
          const sys = new FlowSystem(
            dirs,
            K,
            rule,
            lr,
            averagesFor(act),
            await createKernels(),
            tied,
            bias ? biasedAveragesFor(act) : undefined,
            { outputBias: true },
          );
          const vec = initialState(
            dirs,
            K,
            w.map((r) => Array.from(r)),
            v.map((r) => Array.from(r)),
            c,
          );
          assert.equal(vec.length, (2 * K + 1) * D);
          const y = new Float64Array(vec.length + (bias ? K : 0));
          y.set(vec);
          if (bias) y.set(mu, vec.length);
          const dy = new Float64Array(y.length);
          sys.rhs(0, y, dy);
          const o = sys.observe(y);
          const want = overlapsWithC(K, D, spec.eigenvalues, w, v, c);
          for (let k = 0; k < K; k++) assert.ok(Math.abs(o.C![k] - want.C[k]) < 1e-13);
          assert.ok(Math.abs(o.C0! - want.C0) < 1e-13);
          const flow = outputBiasFlow(
            K,
            D,
            spec.eigenvalues,
            spec.traceOverD,
            act,
            rule,
            lr,
            bias,
            w,
            v,
            c,
            mu,
          );
          const sd = Math.sqrt(D);
          let maxErr = 0, scale = 0;
          const cmp = (got: number, expected: number) => {
            maxErr = Math.max(maxErr, Math.abs(got - expected));
            scale = Math.max(scale, Math.abs(expected));
          };
          for (let t = 0; t < D; t++) {
            for (let k = 0; k < K; k++) {
              if (tied) {
                cmp(dy[k * D + t], flow.dw[k][t] + flow.dv[k][t]);
                cmp(dy[(K + k) * D + t], dy[k * D + t] / sd); // b = a / sqrt(D) is kept
              } else {
                cmp(dy[k * D + t], flow.dw[k][t]);
                cmp(dy[(K + k) * D + t], flow.dv[k][t] / sd);
              }
            }
            cmp(dy[2 * K * D + t], flow.dc[t] / sd);
          }
          if (bias) { for (let k = 0; k < K; k++) cmp(dy[vec.length + k], flow.dmu[k]); }
          // the c part is not trivially small
          const cPart = Math.max(...Array.from(flow.dc, Math.abs)) / sd;
          assert.ok(cPart > 1e-3 * scale, `the flow of c is ${cPart} vs ${scale}`);
          if (Deno.env.get("FLOW_VERBOSE")) {
            console.log(`${what}: ${(maxErr / scale).toExponential(2)}`);
          }
          assert.ok(maxErr <= 1e-8 * scale, `max deviation ${maxErr} vs scale ${scale}`);
        });
      }
    }
  }
}
