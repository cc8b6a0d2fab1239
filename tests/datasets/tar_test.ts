import assert from "node:assert/strict";
import { readTar, untar } from "../../src/datasets/tar.ts";
import { concat, gzip, paxRecord, tar, tarHeader } from "./fixtures.ts";
import { DataFormatError } from "../../src/core/errors.ts";

const enc = new TextEncoder();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("a ustar archive yields its regular files with their paths and contents", async () => {
  const big = new Uint8Array(70_000).map((_, i) => i % 251);
  const longName = "cifar-10-batches-bin/" + "x".repeat(120) + ".bin";
  const archive = tar([
    { name: "cifar-10-batches-bin/", type: "5" },
    { name: "./cifar-10-batches-bin/readme.html", bytes: enc.encode("<p>hi</p>") },
    { name: "cifar-10-batches-bin/data_batch_1.bin", bytes: big },
    { name: "empty.txt", bytes: new Uint8Array(0) },
    { name: "././@LongLink", type: "L", bytes: enc.encode(longName + "\0") },
    { name: "short-name-replaced", bytes: enc.encode("long") },
    { name: "PaxHeader", type: "x", bytes: enc.encode(paxRecord("path", "pax/é-name.txt")) },
    { name: "short", bytes: enc.encode("pax") },
    { name: "batches.meta.txt", prefix: "deep/folder", bytes: enc.encode("airplane\n") },
  ]);
  const files = await untar(archive, "a.tar");
  assert.deepEqual(files.map((f) => f.name), [
    "cifar-10-batches-bin/readme.html",
    "cifar-10-batches-bin/data_batch_1.bin",
    "empty.txt",
    longName,
    "pax/é-name.txt",
    "deep/folder/batches.meta.txt",
  ]);
  assert.equal(text(files[0].bytes), "<p>hi</p>");
  assert.deepEqual(files[1].bytes, big);
  assert.equal(files[2].bytes.length, 0);
  assert.equal(text(files[3].bytes), "long");
  assert.equal(text(files[4].bytes), "pax");
  // the same through gzip and a stream in small chunks
  const gz = await gzip(archive);
  const names: string[] = [];
  const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
  for await (const f of readTar(stream, "a.tar.gz")) names.push(f.name);
  assert.deepEqual(names, files.map((f) => f.name));
});

Deno.test("truncated, corrupt and escaping tar archives are rejected", async () => {
  const good = tar([{ name: "a.bin", bytes: new Uint8Array(1000).fill(1) }]);
  const cases: [Uint8Array, RegExp][] = [
    [
      good.subarray(0, 700),
      /^t\.tar: at byte 700: expected 1000 bytes of data for "a\.bin" \(from byte 512\), found only 188 \(truncated archive\)$/,
    ],
    [
      good.subarray(0, 300),
      /^t\.tar: at byte 0: expected a 512-byte tar header.*found only 300 bytes$/,
    ],
    [
      good.subarray(0, 1536),
      /^t\.tar: at byte 1536: expected a 512-byte tar header or the end-of-archive zero block, found the end of the data \(truncated archive\)$/,
    ],
    [
      good.map((b, i) => (i === 5 ? b + 1 : b)),
      /^t\.tar: at byte 0: expected a tar header with checksum \d+, found checksum \d+$/,
    ],
    [
      tar([{ name: "../evil.sh", bytes: enc.encode("x") }]),
      /^t\.tar: at byte 0: expected a relative file name inside the archive's folder, found "\.\.\/evil\.sh"$/,
    ],
    [tar([{ name: "/etc/passwd", bytes: enc.encode("x") }]), /found "\/etc\/passwd"$/],
    [
      tar([{ name: "ok", bytes: enc.encode("x") }, { name: "a/../../b", bytes: enc.encode("y") }]),
      /^t\.tar: at byte 1024: .*found "a\/\.\.\/\.\.\/b"$/,
    ],
    [tar([{ name: "C:evil", bytes: enc.encode("x") }]), /found "C:evil"$/],
  ];
  for (const [bytes, re] of cases) {
    await assert.rejects(untar(bytes, "t.tar"), (e: unknown) => {
      assert.ok(e instanceof DataFormatError, String(e));
      assert.match(e.message, re);
      return true;
    });
  }
  const badSize = tarHeader({ name: "a", bytes: new Uint8Array(1) });
  badSize.set(enc.encode("0000000009x\0"), 124);
  await assert.rejects(
    untar(concat(badSize, new Uint8Array(1024)), "s.tar"),
    /s\.tar: at byte 0: expected a tar header with checksum/,
  );
});

Deno.test("pax records are measured in bytes, as GNU tar writes them for non-ASCII names", async () => {
  // The record GNU tar 1.34 (--format=pax) writes for "d/é-name.txt": 22 bytes, 21 characters.
  assert.equal(paxRecord("path", "d/é-name.txt"), "22 path=d/é-name.txt\n");
  const records = paxRecord("mtime", "1700000000.123456789") +
    paxRecord("path", "données/日本 語.bin") + paxRecord("atime", "1700000001");
  const archive = tar([
    { name: "PaxHeader/x", type: "x", bytes: enc.encode(records) },
    { name: "donn_es/__ __.bin", bytes: enc.encode("ok") },
    { name: "plain.txt", bytes: enc.encode("after") },
  ]);
  const files = await untar(archive, "p.tar");
  assert.deepEqual(files.map((f) => [f.name, text(f.bytes)]), [
    ["données/日本 語.bin", "ok"],
    ["plain.txt", "after"],
  ]);
  archive.fill(0);
  assert.equal(text(files[1].bytes), "after", "untar's files are copies, not views of the archive");
});
