// Level-1/2 building blocks on f64 vectors: SIMD (f64x2) main loop plus a
// scalar tail. Pointers are byte addresses of f64 arrays; n is an element count.

/** sum_i a[i] b[i] over n elements. */
export function dot(a: usize, b: usize, n: i32): f64 {
  let s0 = f64x2.splat(0.0);
  let s1 = f64x2.splat(0.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  s0 = f64x2.add(s0, s1);
  let r = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; i < n; i++) {
    const o = (<usize>i) << 3;
    r += load<f64>(a + o) * load<f64>(b + o);
  }
  return r;
}

/** y[i] += alpha x[i] over n elements. */
export function axpy(y: usize, alpha: f64, x: usize, n: i32): void {
  const va = f64x2.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(va, v128.load(x + o))));
    v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(va, v128.load(x + o, 16))), 16);
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 3;
    store<f64>(y + o, load<f64>(y + o) + alpha * load<f64>(x + o));
  }
}

/** y[i] += alpha x[i] + beta z[i] over n elements. */
export function axpy2(y: usize, alpha: f64, x: usize, beta: f64, z: usize, n: i32): void {
  const va = f64x2.splat(alpha);
  const vb = f64x2.splat(beta);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 3;
    const t = f64x2.add(f64x2.mul(va, v128.load(x + o)), f64x2.mul(vb, v128.load(z + o)));
    v128.store(y + o, f64x2.add(v128.load(y + o), t));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 3;
    store<f64>(y + o, load<f64>(y + o) + (alpha * load<f64>(x + o) + beta * load<f64>(z + o)));
  }
}

/** y[i] = alpha x[i] over n elements (y may alias x). */
export function scale(y: usize, alpha: f64, x: usize, n: i32): void {
  const va = f64x2.splat(alpha);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 3;
    v128.store(y + o, f64x2.mul(va, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 3;
    store<f64>(y + o, alpha * load<f64>(x + o));
  }
}

/**
 * out[i*n + j] = alpha * (A_i . B_j) for A (m x d) and B (n x d), row-major:
 * out = alpha A B^T, an m x n matrix.
 */
export function gemmNT(a: usize, b: usize, m: i32, n: i32, d: i32, alpha: f64, out: usize): void {
  const rowBytes = (<usize>d) << 3;
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * rowBytes;
    for (let j = 0; j < n; j++) {
      store<f64>(out + ((<usize>(i * n + j)) << 3), alpha * dot(ai, b + <usize>j * rowBytes, d));
    }
  }
}

/**
 * Apply a low-rank-plus-identity operator to the rows of W (k x d):
 * out_i = diag W_i + sum_m coef[m] (W_i . U_m) U_m, with U (r x d).
 * proj (k x r) receives W U^T. out may not alias W.
 */
export function lowRankApply(
  w: usize, k: i32, u: usize, coef: usize, r: i32, diag: f64, d: i32, proj: usize, out: usize,
): void {
  const rowBytes = (<usize>d) << 3;
  gemmNT(w, u, k, r, d, 1.0, proj);
  for (let i = 0; i < k; i++) {
    const oi = out + <usize>i * rowBytes;
    scale(oi, diag, w + <usize>i * rowBytes, d);
    for (let m = 0; m < r; m++) {
      const c = load<f64>(coef + ((<usize>m) << 3)) * load<f64>(proj + ((<usize>(i * r + m)) << 3));
      axpy(oi, c, u + <usize>m * rowBytes, d);
    }
  }
}

/**
 * out[0] = a . x and out[1] = b . x over n elements in one pass over x, each
 * summed exactly as {@link dot} sums it (same partial sums, same order).
 */
export function dot2(a: usize, b: usize, x: usize, n: i32, out: usize): void {
  let a0 = f64x2.splat(0.0);
  let a1 = f64x2.splat(0.0);
  let b0 = f64x2.splat(0.0);
  let b1 = f64x2.splat(0.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 3;
    const x0 = v128.load(x + o);
    const x1 = v128.load(x + o, 16);
    a0 = f64x2.add(a0, f64x2.mul(v128.load(a + o), x0));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(a + o, 16), x1));
    b0 = f64x2.add(b0, f64x2.mul(v128.load(b + o), x0));
    b1 = f64x2.add(b1, f64x2.mul(v128.load(b + o, 16), x1));
  }
  a0 = f64x2.add(a0, a1);
  b0 = f64x2.add(b0, b1);
  let ra = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  let rb = f64x2.extract_lane(b0, 0) + f64x2.extract_lane(b0, 1);
  for (; i < n; i++) {
    const o = (<usize>i) << 3;
    const xi = load<f64>(x + o);
    ra += load<f64>(a + o) * xi;
    rb += load<f64>(b + o) * xi;
  }
  store<f64>(out, ra);
  store<f64>(out, rb, 8);
}

/**
 * out[j] = A_j . x for the m rows of A (m x n, row-major), two rows per pass
 * over x ({@link dot2}); every value is bit-identical to dot(A_j, x, n).
 */
export function dotRows(a: usize, m: i32, x: usize, n: i32, out: usize): void {
  const rowBytes = (<usize>n) << 3;
  let j = 0;
  for (; j + 2 <= m; j += 2) {
    const aj = a + <usize>j * rowBytes;
    dot2(aj, aj + rowBytes, x, n, out + ((<usize>j) << 3));
  }
  if (j < m) store<f64>(out + ((<usize>j) << 3), dot(a + <usize>j * rowBytes, x, n));
}
