// Kernels of the exact learning-dynamics equations (THEORY.md sections 4, 4b).
//
// Projected form: per explicit eigen-direction tau the state is the 2K-vector
// y(tau) = [a_1..a_K, b_1..b_K](tau), stored as Y (2K x n, row i = component i
// over the n directions, row-major). The flow is linear in y with a matrix
// that depends on rho_tau only through M(rho) = rho M1 + M0 (2K x 2K each):
//   dy(tau)/dt = (rho_tau M1 + M0) y(tau).
// Gram blocks: a group of directions sharing one eigenvalue (or one direction
// in the density form) is carried by S = sum_tau y y^T (2K x 2K), with
//   dS/dt = M S + S M^T,  M = rho M1 + M0.

import { axpy, dot } from "./blas";

/**
 * dY = (rho M1 + M0) Y column by column (per direction) for Y (m x n),
 * m = 2K, given RY = rho Y (row i times rho, elementwise; as left by
 * projectedMoments), M1 and M0 (m x m, row-major). Zero coefficients are
 * skipped, so the cost is (non-zeros of M1 and M0) x n.
 */
export function projectedRhs(y: usize, ry: usize, n: i32, m: i32, m1: usize, m0: usize, dy: usize): void {
  const rowBytes = (<usize>n) << 3;
  for (let i = 0; i < m; i++) {
    const di = dy + <usize>i * rowBytes;
    memory.fill(di, 0, rowBytes);
    for (let j = 0; j < m; j++) {
      const ij = (<usize>(i * m + j)) << 3;
      const c1 = load<f64>(m1 + ij);
      const c0 = load<f64>(m0 + ij);
      if (c1 != 0.0) axpy(di, c1, ry + <usize>j * rowBytes, n);
      if (c0 != 0.0) axpy(di, c0, y + <usize>j * rowBytes, n);
    }
  }
}

/**
 * Moments of the explicit directions: P = sum_tau rho_tau y(tau) y(tau)^T and
 * U = sum_tau y(tau) y(tau)^T, both m x m (full, symmetric), for Y (m x n);
 * also leaves RY = rho Y (m x n) for projectedRhs.
 */
export function projectedMoments(y: usize, rho: usize, n: i32, m: i32, p: usize, u: usize, ry: usize): void {
  const rowBytes = (<usize>n) << 3;
  for (let i = 0; i < m; i++) {
    const yi = y + <usize>i * rowBytes;
    const ri = ry + <usize>i * rowBytes;
    let t = 0;
    for (; t + 2 <= n; t += 2) {
      const o = (<usize>t) << 3;
      v128.store(ri + o, f64x2.mul(v128.load(yi + o), v128.load(rho + o)));
    }
    for (; t < n; t++) {
      const o = (<usize>t) << 3;
      store<f64>(ri + o, load<f64>(yi + o) * load<f64>(rho + o));
    }
  }
  for (let i = 0; i < m; i++) {
    const yi = y + <usize>i * rowBytes;
    const ri = ry + <usize>i * rowBytes;
    for (let j = i; j < m; j++) {
      const yj = y + <usize>j * rowBytes;
      const vp = dot(ri, yj, n);
      const vu = dot(yi, yj, n);
      store<f64>(p + ((<usize>(i * m + j)) << 3), vp);
      store<f64>(p + ((<usize>(j * m + i)) << 3), vp);
      store<f64>(u + ((<usize>(i * m + j)) << 3), vu);
      store<f64>(u + ((<usize>(j * m + i)) << 3), vu);
    }
  }
}

/**
 * Gram blocks: for each of the n blocks S_g (m x m, stored one after the
 * other), dS_g = M S_g + S_g M^T with M = rho_g M1 + M0. work: m*m slots.
 */
export function gramRhs(s: usize, rho: usize, n: i32, m: i32, m1: usize, m0: usize, ds: usize, work: usize): void {
  const mm = m * m;
  for (let g = 0; g < n; g++) {
    const r = load<f64>(rho + ((<usize>g) << 3));
    const sg = s + ((<usize>(g * mm)) << 3);
    const dg = ds + ((<usize>(g * mm)) << 3);
    // work = M S
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        let acc = 0.0;
        for (let l = 0; l < m; l++) {
          const il = (<usize>(i * m + l)) << 3;
          acc += (load<f64>(m1 + il) * r + load<f64>(m0 + il)) * load<f64>(sg + ((<usize>(l * m + j)) << 3));
        }
        store<f64>(work + ((<usize>(i * m + j)) << 3), acc);
      }
    }
    // dS = work + work^T (S symmetric, so S M^T = (M S)^T)
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        const v = load<f64>(work + ((<usize>(i * m + j)) << 3)) + load<f64>(work + ((<usize>(j * m + i)) << 3));
        store<f64>(dg + ((<usize>(i * m + j)) << 3), v);
      }
    }
  }
}

/**
 * Moments of Gram blocks: P = sum_g rho_g S_g and U = sum_g S_g (m x m),
 * accumulated into p and u (not cleared first).
 */
export function gramMoments(s: usize, rho: usize, n: i32, m: i32, p: usize, u: usize): void {
  const mm = m * m;
  for (let g = 0; g < n; g++) {
    const r = load<f64>(rho + ((<usize>g) << 3));
    const sg = s + ((<usize>(g * mm)) << 3);
    for (let i = 0; i < mm; i++) {
      const o = (<usize>i) << 3;
      const v = load<f64>(sg + o);
      store<f64>(p + o, load<f64>(p + o) + r * v);
      store<f64>(u + o, load<f64>(u + o) + v);
    }
  }
}
