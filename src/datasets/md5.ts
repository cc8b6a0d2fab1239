/**
 * MD5 (RFC 1321), incremental, for checking downloads against published
 * checksums (WebCrypto has no MD5). Not for security.
 * @module
 */

// Per-round shift amounts, and the constants K[i] = floor(2^32 |sin(i + 1)|)
// of RFC 1321 written out (not computed, so no engine's sin is involved).
const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = new Uint32Array([
  0xd76aa478,
  0xe8c7b756,
  0x242070db,
  0xc1bdceee,
  0xf57c0faf,
  0x4787c62a,
  0xa8304613,
  0xfd469501,
  0x698098d8,
  0x8b44f7af,
  0xffff5bb1,
  0x895cd7be,
  0x6b901122,
  0xfd987193,
  0xa679438e,
  0x49b40821,
  0xf61e2562,
  0xc040b340,
  0x265e5a51,
  0xe9b6c7aa,
  0xd62f105d,
  0x02441453,
  0xd8a1e681,
  0xe7d3fbc8,
  0x21e1cde6,
  0xc33707d6,
  0xf4d50d87,
  0x455a14ed,
  0xa9e3e905,
  0xfcefa3f8,
  0x676f02d9,
  0x8d2a4c8a,
  0xfffa3942,
  0x8771f681,
  0x6d9d6122,
  0xfde5380c,
  0xa4beea44,
  0x4bdecfa9,
  0xf6bb4b60,
  0xbebfbc70,
  0x289b7ec6,
  0xeaa127fa,
  0xd4ef3085,
  0x04881d05,
  0xd9d4d039,
  0xe6db99e5,
  0x1fa27cf8,
  0xc4ac5665,
  0xf4292244,
  0x432aff97,
  0xab9423a7,
  0xfc93a039,
  0x655b59c3,
  0x8f0ccc92,
  0xffeff47d,
  0x85845dd1,
  0x6fa87e4f,
  0xfe2ce6e0,
  0xa3014314,
  0x4e0811a1,
  0xf7537e82,
  0xbd3af235,
  0x2ad7d2bb,
  0xeb86d391,
]);

/**
 * An incremental MD5 hash: `update` with chunks in order, then `digest`.
 *
 * @example
 * ```ts
 * import { Md5 } from "./md5.ts";
 * const h = new Md5();
 * h.update(new TextEncoder().encode("a"));
 * h.update(new TextEncoder().encode("bc"));
 * if (!(h.hex() === "900150983cd24fb0d6963f7d28e17f72")) throw new Error("example failed");
 * ```
 */
export class Md5 {
  #state = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  #block = new Uint8Array(64);
  #blockView = new DataView(this.#block.buffer);
  #fill = 0;
  #length = 0; // bytes hashed
  #words = new Uint32Array(16);
  #done = false;

  /** Add bytes to the message. */
  update(bytes: Uint8Array): this {
    if (this.#done) throw new Error("Md5: update after digest");
    this.#length += bytes.length;
    let i = 0;
    if (this.#fill > 0) {
      const take = Math.min(64 - this.#fill, bytes.length);
      this.#block.set(bytes.subarray(0, take), this.#fill);
      this.#fill += take;
      i = take;
      if (this.#fill < 64) return this;
      this.#compress(this.#blockView, 0);
      this.#fill = 0;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (; i + 64 <= bytes.length; i += 64) this.#compress(view, i);
    if (i < bytes.length) {
      this.#block.set(bytes.subarray(i), 0);
      this.#fill = bytes.length - i;
    }
    return this;
  }

  /** The 16-byte digest; the hash cannot be updated afterwards. */
  digest(): Uint8Array {
    if (!this.#done) {
      const bits = this.#length * 8;
      const pad = new Uint8Array((this.#fill < 56 ? 56 : 120) - this.#fill + 8);
      pad[0] = 0x80;
      const pv = new DataView(pad.buffer);
      pv.setUint32(pad.length - 8, bits >>> 0, true);
      pv.setUint32(pad.length - 4, Math.floor(bits / 2 ** 32) >>> 0, true);
      const length = this.#length;
      this.update(pad);
      this.#length = length;
      this.#done = true;
    }
    const out = new Uint8Array(16);
    const ov = new DataView(out.buffer);
    for (let k = 0; k < 4; k++) ov.setUint32(4 * k, this.#state[k], true);
    return out;
  }

  /** The digest as 32 lowercase hexadecimal digits. */
  hex(): string {
    return Array.from(this.digest(), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  #compress(view: DataView, at: number): void {
    const M = this.#words;
    for (let k = 0; k < 16; k++) M[k] = view.getUint32(at + 4 * k, true);
    const st = this.#state;
    let a = st[0], b = st[1], c = st[2], d = st[3];
    for (let i = 0; i < 64; i++) {
      let f: number, g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const s = S[(i >> 4) * 4 + (i & 3)];
      const x = (a + f + K[i] + M[g]) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
    }
    st[0] = (st[0] + a) | 0;
    st[1] = (st[1] + b) | 0;
    st[2] = (st[2] + c) | 0;
    st[3] = (st[3] + d) | 0;
  }
}

/**
 * The MD5 of some bytes, as 32 lowercase hexadecimal digits.
 *
 * @example
 * ```ts
 * import { md5Hex } from "./md5.ts";
 * if (!(md5Hex(new Uint8Array(0)) === "d41d8cd98f00b204e9800998ecf8427e")) throw new Error("example failed");
 * ```
 */
export function md5Hex(bytes: Uint8Array): string {
  return new Md5().update(bytes).hex();
}
