// Covariance kernels: C = (1/N) sum_n (x_n - mu)(x_n - mu)^T for a row-major
// sample block X (N x D, f64), optionally centred on a given mean vector mu.
//
// This is the GEMM C += Xc^T Xc restricted to the upper triangle. Blocks of KC
// rows of X are centred and packed into column panels of 4 (panel p holds
// columns 4p..4p+3 of the block, row after row, zero-padded past D); then every
// 4x4 tile (pi, pj), pj >= pi, of C is accumulated by a register-blocked
// micro-kernel (8 f64x2 accumulators) over the KC rows. Column blocks of JB
// panels keep the "B" panels in L2 while the "A" panel stays in L1.
//
// Pointers are byte addresses; no allocation.

/** Rows of X per packed block. */
const KC: i32 = 256;
/** Panels (4 columns each) per column block of C: JB * 4 columns. */
const JB: i32 = 32;

/** f64 slots of workspace needed by covAccumulate / covariance for dimension d. */
export function covWorkSize(d: i32): i32 {
  return KC * (((d + 3) >> 2) << 2);
}

/** Centre (when mean != 0) and pack rows n0..n0+kb-1 of x into 4-column panels. */
function pack(x: usize, n0: i32, kb: i32, d: i32, mean: usize, buf: usize): void {
  const full = d >> 2;
  const rowBytes = (<usize>d) << 3;
  const panelBytes = (<usize>kb) << 5;
  for (let t = 0; t < kb; t++) {
    const xr = x + <usize>(n0 + t) * rowBytes;
    let dst = buf + ((<usize>t) << 5);
    if (mean != 0) {
      for (let p = 0; p < full; p++) {
        const o = (<usize>p) << 5;
        v128.store(dst, f64x2.sub(v128.load(xr + o), v128.load(mean + o)));
        v128.store(dst, f64x2.sub(v128.load(xr + o, 16), v128.load(mean + o, 16)), 16);
        dst += panelBytes;
      }
    } else {
      for (let p = 0; p < full; p++) {
        const o = (<usize>p) << 5;
        v128.store(dst, v128.load(xr + o));
        v128.store(dst, v128.load(xr + o, 16), 16);
        dst += panelBytes;
      }
    }
    if ((full << 2) < d) {
      for (let c = 0; c < 4; c++) {
        const j = (full << 2) + c;
        let v = 0.0;
        if (j < d) {
          const o = (<usize>j) << 3;
          v = load<f64>(xr + o);
          if (mean != 0) v -= load<f64>(mean + o);
        }
        store<f64>(dst + ((<usize>c) << 3), v);
      }
    }
  }
}

/** Add a 4x4 tile held as row pairs (r0a, r0b, ..., r3b) to C at (i0, j0), clipped to d. */
function addTileEdge(
  c: usize, d: i32, i0: i32, j0: i32,
  r0a: v128, r0b: v128, r1a: v128, r1b: v128, r2a: v128, r2b: v128, r3a: v128, r3b: v128,
): void {
  for (let r = 0; r < 4; r++) {
    const i = i0 + r;
    if (i >= d) break;
    let va: v128 = r0a;
    let vb: v128 = r0b;
    if (r == 1) {
      va = r1a;
      vb = r1b;
    } else if (r == 2) {
      va = r2a;
      vb = r2b;
    } else if (r == 3) {
      va = r3a;
      vb = r3b;
    }
    const row = c + ((<usize>i * <usize>d) << 3);
    for (let q = 0; q < 4; q++) {
      const j = j0 + q;
      if (j >= d) break;
      let v = 0.0;
      if (q == 0) v = f64x2.extract_lane(va, 0);
      else if (q == 1) v = f64x2.extract_lane(va, 1);
      else if (q == 2) v = f64x2.extract_lane(vb, 0);
      else v = f64x2.extract_lane(vb, 1);
      const o = row + ((<usize>j) << 3);
      store<f64>(o, load<f64>(o) + v);
    }
  }
}

/**
 * C[i0..i0+3][j0..j0+3] += A^T B for the packed 4-column panels pa, pb (kb
 * rows each): the register-blocked micro-kernel.
 */
function tile(pa0: usize, pb0: usize, kb: i32, c: usize, d: i32, i0: i32, j0: i32): void {
  let pa = pa0;
  let pb = pb0;
  let c0a = f64x2.splat(0.0);
  let c0b = f64x2.splat(0.0);
  let c1a = f64x2.splat(0.0);
  let c1b = f64x2.splat(0.0);
  let c2a = f64x2.splat(0.0);
  let c2b = f64x2.splat(0.0);
  let c3a = f64x2.splat(0.0);
  let c3b = f64x2.splat(0.0);
  for (let t = 0; t < kb; t++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load64_splat(pa);
    c0a = f64x2.add(c0a, f64x2.mul(a, b0));
    c0b = f64x2.add(c0b, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 8);
    c1a = f64x2.add(c1a, f64x2.mul(a, b0));
    c1b = f64x2.add(c1b, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 16);
    c2a = f64x2.add(c2a, f64x2.mul(a, b0));
    c2b = f64x2.add(c2b, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 24);
    c3a = f64x2.add(c3a, f64x2.mul(a, b0));
    c3b = f64x2.add(c3b, f64x2.mul(a, b1));
    pa += 32;
    pb += 32;
  }
  if (i0 + 4 <= d && j0 + 4 <= d) {
    const rowBytes = (<usize>d) << 3;
    let o = c + <usize>i0 * rowBytes + ((<usize>j0) << 3);
    v128.store(o, f64x2.add(v128.load(o), c0a));
    v128.store(o, f64x2.add(v128.load(o, 16), c0b), 16);
    o += rowBytes;
    v128.store(o, f64x2.add(v128.load(o), c1a));
    v128.store(o, f64x2.add(v128.load(o, 16), c1b), 16);
    o += rowBytes;
    v128.store(o, f64x2.add(v128.load(o), c2a));
    v128.store(o, f64x2.add(v128.load(o, 16), c2b), 16);
    o += rowBytes;
    v128.store(o, f64x2.add(v128.load(o), c3a));
    v128.store(o, f64x2.add(v128.load(o, 16), c3b), 16);
  } else {
    addTileEdge(c, d, i0, j0, c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b);
  }
}

/**
 * Accumulate all upper-triangle tiles of one packed block (kb rows) into C.
 * (tile has two call sites, the diagonal tile and the ones right of it, which
 * keeps it out of line: V8 then tiers it up after a few calls instead of
 * running a whole block in its baseline compiler.)
 */
function blockUpdate(buf: usize, kb: i32, d: i32, c: usize): void {
  const np = (d + 3) >> 2;
  const panelBytes = (<usize>kb) << 5;
  for (let jb = 0; jb < np; jb += JB) {
    const je = min(jb + JB, np);
    for (let pi = 0; pi < je; pi++) {
      const pa = buf + <usize>pi * panelBytes;
      let pj = max(pi, jb);
      if (pj == pi) {
        tile(pa, pa, kb, c, d, pi << 2, pi << 2);
        pj++;
      }
      for (; pj < je; pj++) tile(pa, buf + <usize>pj * panelBytes, kb, c, d, pi << 2, pj << 2);
    }
  }
}

/**
 * C[i][j] += sum_n (x_n - mean)_i (x_n - mean)_j over the n rows of x (n x d),
 * for j >= i (upper triangle; entries below the diagonal inside the 4x4
 * diagonal tiles are also touched: treat the strict lower triangle as
 * scratch until covFinalize). mean == 0 means no centring.
 * work: covWorkSize(d) f64 slots. C is d x d, row-major.
 */
export function covAccumulate(x: usize, n: i32, d: i32, mean: usize, c: usize, work: usize): void {
  for (let n0 = 0; n0 < n; n0 += KC) {
    const kb = min(KC, n - n0);
    pack(x, n0, kb, d, mean, work);
    blockUpdate(work, kb, d, c);
  }
}

/** Scale the upper triangle of C (d x d) by `scale` and mirror it into the lower triangle. */
export function covFinalize(c: usize, d: i32, scale: f64): void {
  const rowBytes = (<usize>d) << 3;
  for (let i = 0; i < d; i++) {
    const ri = c + <usize>i * rowBytes;
    const dg = ri + ((<usize>i) << 3);
    store<f64>(dg, scale * load<f64>(dg));
    let down = dg + rowBytes;
    for (let j = i + 1; j < d; j++) {
      const o = ri + ((<usize>j) << 3);
      const v = scale * load<f64>(o);
      store<f64>(o, v);
      store<f64>(down, v);
      down += rowBytes;
    }
  }
}

/**
 * c (d x d) = (1/n) sum_n (x_n - mean)(x_n - mean)^T for x (n x d), full
 * symmetric result. mean == 0: no centring. work: covWorkSize(d) f64 slots.
 */
export function covariance(x: usize, n: i32, d: i32, mean: usize, c: usize, work: usize): void {
  memory.fill(c, 0, (<usize>d * <usize>d) << 3);
  covAccumulate(x, n, d, mean, c, work);
  covFinalize(c, d, 1.0 / <f64>n);
}

/** dst[i] = f64(src[i]) for n float32 values (src: byte address of f32 data). */
export function f32ToF64(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(src + ((<usize>i) << 2));
    const o = dst + ((<usize>i) << 3);
    v128.store(o, f64x2.promote_low_f32x4(v));
    v128.store(o, f64x2.promote_low_f32x4(v128.shuffle<u32>(v, v, 2, 3, 0, 1)), 16);
  }
  for (; i < n; i++) {
    store<f64>(dst + ((<usize>i) << 3), <f64>load<f32>(src + ((<usize>i) << 2)));
  }
}

/** dst[i] = scale * src[i] for n uint8 values (src: byte address). */
export function u8ToF64(dst: usize, src: usize, n: i32, scale: f64): void {
  const vs = f64x2.splat(scale);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const b = v128.load64_zero(src + <usize>i);
    const h = i16x8.extend_low_i8x16_u(b);
    const lo = i32x4.extend_low_i16x8_u(h);
    const hi = i32x4.extend_high_i16x8_u(h);
    const o = dst + ((<usize>i) << 3);
    v128.store(o, f64x2.mul(vs, f64x2.convert_low_i32x4_u(lo)));
    const lo2 = v128.shuffle<u32>(lo, lo, 2, 3, 0, 1);
    v128.store(o, f64x2.mul(vs, f64x2.convert_low_i32x4_u(lo2)), 16);
    v128.store(o, f64x2.mul(vs, f64x2.convert_low_i32x4_u(hi)), 32);
    const hi2 = v128.shuffle<u32>(hi, hi, 2, 3, 0, 1);
    v128.store(o, f64x2.mul(vs, f64x2.convert_low_i32x4_u(hi2)), 48);
  }
  for (; i < n; i++) {
    store<f64>(dst + ((<usize>i) << 3), scale * <f64>load<u8>(src + <usize>i));
  }
}
