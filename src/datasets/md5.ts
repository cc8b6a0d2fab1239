/**
 * MD5 (RFC 1321), incremental, for checking downloads against published
 * checksums (WebCrypto has no MD5). Not for security.
 *
 * A thin synchronous adapter over the WebAssembly MD5 of `npm:hash-wasm`
 * (browser-safe: WebAssembly only, no Node built-ins). The module compiles
 * that hasher once when it is loaded (a top-level `await`); every {@link Md5}
 * keeps its own state, so several hashes can run interleaved. Where
 * WebAssembly is unavailable (e.g. a page whose Content-Security-Policy
 * forbids it), loading still succeeds and hashing throws.
 * @module
 */
// a full specifier, so that this module also resolves when imported by URL (no import map)
// deno-lint-ignore no-import-prefix
import { createMD5, type IHasher } from "npm:hash-wasm@4.13.0";

let loadError: unknown;
/** The one WebAssembly hasher; its state belongs to {@link owner}. */
const hasher: IHasher | null = await createMD5().catch((e: unknown) => {
  loadError = e;
  return null;
});
/** The Md5 whose unfinished state is in {@link hasher} now, if any. */
let owner: Md5 | null = null;

function wasm(): IHasher {
  if (hasher === null) {
    throw new Error(
      `Md5: the WebAssembly MD5 of hash-wasm could not be loaded (${
        loadError instanceof Error ? loadError.message : String(loadError)
      })`,
    );
  }
  return hasher;
}

/**
 * An incremental MD5 hash: `update` with chunks in order, then `digest` (or
 * `hex`); both can be read again, but the hash cannot be updated after them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Md5 } from "./md5.ts";
 * const h = new Md5();
 * h.update(new TextEncoder().encode("a"));
 * h.update(new TextEncoder().encode("bc"));
 * assert.equal(h.hex(), "900150983cd24fb0d6963f7d28e17f72");
 * ```
 */
export class Md5 {
  /** Saved state of the hasher while another Md5 owns it; null before the first byte. */
  #saved: Uint8Array | null = null;
  #digest: Uint8Array | null = null;

  /** Put this hash's state into the shared hasher (saving the previous owner's). */
  #acquire(): IHasher {
    const h = wasm();
    if (owner !== this) {
      if (owner !== null) owner.#saved = h.save();
      if (this.#saved === null) h.init();
      else h.load(this.#saved);
      owner = this;
    }
    return h;
  }

  /**
   * Add bytes to the message.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Md5 } from "./md5.ts";
   * const hex = new Md5().update(new Uint8Array([1, 2])).update(new Uint8Array([3])).hex();
   * assert.equal(hex, new Md5().update(new Uint8Array([1, 2, 3])).hex());
   * ```
   */
  update(bytes: Uint8Array): this {
    if (this.#digest !== null) throw new Error("Md5: update after digest");
    this.#acquire().update(bytes);
    return this;
  }

  /**
   * The 16-byte digest; the hash cannot be updated afterwards.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Md5 } from "./md5.ts";
   * const d = new Md5().digest();
   * assert.equal(d.length, 16);
   * assert.equal(d[0], 0xd4);
   * assert.equal(d[15], 0x7e);
   * ```
   */
  digest(): Uint8Array {
    if (this.#digest === null) {
      this.#digest = this.#acquire().digest("binary");
      owner = null;
      this.#saved = null;
    }
    return this.#digest.slice();
  }

  /**
   * The digest as 32 lowercase hexadecimal digits.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Md5 } from "./md5.ts";
   * assert.equal(new Md5().hex(), "d41d8cd98f00b204e9800998ecf8427e");
   * ```
   */
  hex(): string {
    return Array.from(this.digest(), (b) => b.toString(16).padStart(2, "0")).join("");
  }
}

/**
 * The MD5 of some bytes, as 32 lowercase hexadecimal digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { md5Hex } from "./md5.ts";
 * assert.equal(md5Hex(new Uint8Array(0)), "d41d8cd98f00b204e9800998ecf8427e");
 * ```
 */
export function md5Hex(bytes: Uint8Array): string {
  return new Md5().update(bytes).hex();
}
