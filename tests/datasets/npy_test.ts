import assert from "node:assert/strict";
import { parseNpy, readNpy } from "../../src/datasets/npy.ts";
import { readDataset } from "../../src/datasets/detect.ts";
import { concat, gzip, npy, npyRaw, rejectsFormat, throwsFormat } from "./fixtures.ts";

const values = [0, 1, 2.5, -3.25, 100, 0.125];

Deno.test("npy files of each dtype read with their values, bytes stay bytes", () => {
  for (const descr of ["|u1", "<u1"]) {
    const ds = parseNpy(npy(descr, [2, 3], [0, 1, 2, 3, 4, 255]), "b.npy");
    assert.ok(ds.data instanceof Uint8Array, descr);
    assert.deepEqual([ds.n, ds.d, ds.shape], [2, 3, undefined]);
    assert.deepEqual(Array.from(ds.data), [0, 1, 2, 3, 4, 255]);
  }
  for (const descr of ["<f4", "<f8"]) {
    const ds = parseNpy(npy(descr, [3, 2], values), "f.npy");
    assert.ok(ds.data instanceof Float32Array, descr);
    assert.deepEqual([ds.n, ds.d], [3, 2]);
    assert.deepEqual(Array.from(ds.data), values);
  }
  const third = parseNpy(npy("<f8", [1, 1], [1 / 3]), "third.npy");
  assert.equal(third.data[0], Math.fround(1 / 3), "float64 is rounded to float32");
});

Deno.test("a 3-D npy array (n, h, w) gives d = h w and shape [h, w]", async () => {
  const pixels = Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
  const ds = parseNpy(npy("<f4", [2, 3, 4], pixels), "imgs.npy");
  assert.deepEqual([ds.n, ds.d, ds.shape], [2, 12, [3, 4]]);
  assert.equal(ds.data[12 + 4 * 1 + 2], 18, "image 1, row 1, column 2");
  const gz = await readNpy(new Blob([await gzip(npy("|u1", [2, 3, 4], pixels))]), "imgs.npy.gz");
  assert.deepEqual(Array.from(gz.data), pixels);
  assert.deepEqual(gz.shape, [3, 4]);
  const auto = await readDataset(npy("<f8", [2, 3, 4], pixels), "x");
  assert.deepEqual(Array.from(auto.data), pixels);
});

Deno.test("npy format versions 1.0, 2.0 and 3.0 and header spellings are accepted", () => {
  for (const version of [1, 2, 3]) {
    const ds = parseNpy(npy("<f4", [3, 2], values, { version }), `v${version}.npy`);
    assert.deepEqual(Array.from(ds.data), values, `version ${version}`);
  }
  const payload = new Uint8Array([1, 2, 3, 4]);
  const spellings = [
    `{"descr": "|u1", "shape": (2, 2), "fortran_order": False}`,
    `{'shape':(2,2),'fortran_order':False,'descr':'<u1'}`,
    `{'descr': '|u1', 'fortran_order': False, 'shape': (2L, 2L), }`,
  ];
  for (const dict of spellings) {
    assert.deepEqual(Array.from(parseNpy(npyRaw(dict, payload), "s.npy").data), [1, 2, 3, 4]);
  }
});

Deno.test("malformed npy files are rejected with source, offset and expectation", () => {
  const good = npy("<f4", [3, 2], values); // a 118-byte header: the data start at byte 128
  const header = (dict: string) => npyRaw(dict, new Uint8Array(16));
  const nan = npy("<f4", [3, 2], [0, 1, 2, NaN, 4, 5]);
  const cases: [Uint8Array, RegExp][] = [
    [
      new TextEncoder().encode("PK\x03\x04 not numpy"),
      /^a\.npy: at byte 0: expected the \.npy magic string .*found 50 4b 03 04 20 6e$/,
    ],
    [
      new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 4, 0, 0, 0]),
      /^a\.npy: at byte 6: expected format version 1\.0, 2\.0 or 3\.0, found 4\.0$/,
    ],
    [
      npy("<f4", [3, 2], values, { fortran: true }),
      /^a\.npy: at byte 10: expected 'fortran_order': False \(C order\), found True$/,
    ],
    [
      npy(">f4", [3, 2], values),
      /^a\.npy: at byte 10: expected a dtype among \|u1, <u1, <f4, <f8, found '>f4' \(big-endian; expected little-endian\)$/,
    ],
    [npy(">f8", [3, 2], values), /found '>f8' \(big-endian/],
    [
      header("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }"),
      /expected a dtype among .*found '<i4'$/,
    ],
    [
      header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,), }"),
      /expected 'descr' a simple dtype.*found a list/,
    ],
    [
      header("{'descr': '<f4', 'fortran_order': False, 'shape': (16,), }"),
      /expected 'shape' a tuple \(n, d\) or \(n, h, w\).*found \(16,\)$/,
    ],
    [
      header("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4), }"),
      /expected 'shape' a tuple.*found \(0, 4\)$/,
    ],
    [
      header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'x': 1}"),
      /expected only the header keys.*found 'x'$/,
    ],
    [
      header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)"),
      /expected "," or "}", found the end of the header$/,
    ],
    [
      header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 2)}"),
      /^a\.npy: at byte 44: expected a Python literal/,
    ],
    [
      good.subarray(0, good.length - 3),
      /^a\.npy: at byte 149: expected 24 bytes of <f4 data for shape \(3, 2\), found only 21 \(truncated\)$/,
    ],
    [
      concat(good, new Uint8Array(4)),
      /^a\.npy: at byte 152: expected the end of the file after shape \(3, 2\), found 4 more bytes$/,
    ],
    [
      good.subarray(0, 40),
      /^a\.npy: at byte 40: expected a header of 118 bytes from byte 10, found the end of the file \(truncated header\)$/,
    ],
    [nan, /^a\.npy: at byte 140: expected a finite number \(row 1, column 1\), found NaN$/],
    [
      npy("<f8", [3, 2], [0, 1, 2, 3, Infinity, 5]),
      /^a\.npy: at byte 160: expected a finite number within the float32 range \(row 2, column 0\), found Infinity$/,
    ],
    [
      npy("<f8", [3, 2], [0, 1, 2, 3, 4, -1e300]),
      /at byte 168: expected a finite number within the float32 range \(row 2, column 1\), found -1e\+300$/,
    ],
    [
      npy("<f4", [3, 2], [0, 1, 2, 3, 4, -Infinity]),
      /at byte 148: expected a finite number \(row 2, column 1\), found -Infinity$/,
    ],
  ];
  for (const [bytes, re] of cases) throwsFormat(() => parseNpy(bytes, "a.npy"), re);
});

Deno.test("an empty or gzip-truncated npy input is rejected", async () => {
  await rejectsFormat(
    readNpy(new Uint8Array(0), "e.npy"),
    /^e\.npy: at byte 0: expected data, found an empty file$/,
  );
  const gz = await gzip(npy("<f4", [3, 2], [0, 1, 2, NaN, 4, 5]));
  await rejectsFormat(
    readNpy(gz, "n.npy.gz"),
    /^n\.npy\.gz: at byte 140 of the gunzipped data: expected a finite number/,
  );
});
