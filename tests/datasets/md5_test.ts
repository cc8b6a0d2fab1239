import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Md5, md5Hex } from "../../src/datasets/md5.ts";

Deno.test("MD5 matches the RFC 1321 test suite", () => {
  const vectors: [string, string][] = [
    ["", "d41d8cd98f00b204e9800998ecf8427e"],
    ["a", "0cc175b9c0f1b6a831c399e269772661"],
    ["abc", "900150983cd24fb0d6963f7d28e17f72"],
    ["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
    ["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
    [
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "d174ab98d277d9f5a5611c2c9f419d9f",
    ],
    ["1234567890".repeat(8), "57edf4a22be3c955ac49da2e2107b67a"],
  ];
  for (const [text, hex] of vectors) {
    assert.equal(md5Hex(new TextEncoder().encode(text)), hex, JSON.stringify(text));
  }
});

Deno.test("incremental MD5 over any chunking equals the one-shot digest and node:crypto", () => {
  for (const n of [55, 56, 63, 64, 65, 119, 120, 128, 1000, 100_003]) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 131 + 17) & 255);
    const ref = createHash("md5").update(bytes).digest("hex");
    assert.equal(md5Hex(bytes), ref, `length ${n}`);
    for (const chunk of [1, 7, 64, 333]) {
      const h = new Md5();
      for (let i = 0; i < n; i += chunk) h.update(bytes.subarray(i, i + chunk));
      assert.equal(h.hex(), ref, `length ${n} in chunks of ${chunk}`);
    }
  }
  const h = new Md5().update(new Uint8Array(3));
  const once = h.hex();
  assert.equal(h.hex(), once, "the digest can be read twice");
  assert.throws(() => h.update(new Uint8Array(1)), /after digest/);
});

Deno.test("interleaved MD5 hashes keep their own state", () => {
  const a = new Uint8Array(5000).map((_, i) => i & 255);
  const b = new Uint8Array(3001).map((_, i) => (i * 7) & 255);
  const ha = new Md5(), hb = new Md5(), hc = new Md5();
  for (let i = 0; i < 5000; i += 100) {
    ha.update(a.subarray(i, i + 100));
    if (i < 3001) hb.update(b.subarray(i, i + 100));
    if (i === 2000) assert.equal(hc.hex(), "d41d8cd98f00b204e9800998ecf8427e", "empty in between");
  }
  assert.equal(hb.hex(), createHash("md5").update(b).digest("hex"));
  ha.update(a.subarray(0, 1)); // more after the other finished
  const ref = createHash("md5").update(a).update(a.subarray(0, 1)).digest();
  assert.deepEqual(ha.digest(), new Uint8Array(ref));
  const d = ha.digest();
  d.fill(0);
  assert.deepEqual(ha.digest(), new Uint8Array(ref), "the digest returned is a copy");
});

Deno.test("MD5 of 8 MiB fed in 1 MiB chunks (as downloads feed it) equals the one-shot digest", () => {
  const bytes = new Uint8Array(8 << 20).map((_, i) => (i * 2654435761) >>> 24);
  const ref = createHash("md5").update(bytes).digest("hex");
  const h = new Md5();
  for (let i = 0; i < bytes.length; i += 1 << 20) h.update(bytes.subarray(i, i + (1 << 20)));
  assert.equal(h.hex(), ref);
  assert.equal(md5Hex(bytes), ref);
});
