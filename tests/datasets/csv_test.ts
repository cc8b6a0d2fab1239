import { ConfigError } from "../../src/core/errors.ts";
import assert from "node:assert/strict";
import { parseCsv, readCsv } from "../../src/datasets/csv.ts";
import { readDataset } from "../../src/datasets/detect.ts";
import { gzip, rejectsFormat, throwsFormat } from "./fixtures.ts";

Deno.test("a CSV without header reads every line as a row", () => {
  const ds = parseCsv("1,2,3\n-4.5, 5e-1 ,6E2\n.25,+7,0\n", "plain.csv");
  assert.deepEqual([ds.n, ds.d, ds.source], [3, 3, "plain.csv"]);
  assert.ok(ds.data instanceof Float32Array);
  assert.deepEqual(Array.from(ds.data), [1, 2, 3, -4.5, 0.5, 600, 0.25, 7, 0]);
  assert.equal(ds.shape, undefined);
});

Deno.test("a non-numeric first line is a header and is skipped", () => {
  const ds = parseCsv("\uFEFFpixel0,pixel1\r\n0.5,1\r\n2,3\r\n\r\n", "header.csv");
  assert.deepEqual([ds.n, ds.d], [2, 2]);
  assert.deepEqual(Array.from(ds.data), [0.5, 1, 2, 3]);
  const one = parseCsv("x\n3\n4\n", "col.csv");
  assert.deepEqual([one.n, one.d, Array.from(one.data)], [2, 1, [3, 4]]);
  const img = parseCsv("1,2,3,4,5,6\n", "img.csv", { shape: [2, 3] });
  assert.deepEqual(img.shape, [2, 3]);
});

Deno.test("CSV reads from a Blob, gzip and through format detection", async () => {
  const text = "a,b\n1,2\n3,4\n";
  const bytes = new TextEncoder().encode(text);
  for (const input of [new Blob([text]), await gzip(bytes), new File([bytes], "f.csv")]) {
    const ds = await readCsv(input, "f.csv");
    assert.deepEqual(Array.from(ds.data), [1, 2, 3, 4]);
  }
  const auto = await readDataset(new File([await gzip(bytes)], "f.csv.gz"));
  assert.deepEqual(Array.from(auto.data), [1, 2, 3, 4]);
});

Deno.test("malformed CSV is rejected with source, line and expectation", async () => {
  const cases: [string, RegExp][] = [
    [
      "1,2,3\n4,5\n",
      /^c\.csv: line 2: expected 3 values like the first row, found 2 \(a ragged row\)$/,
    ],
    [
      "a,b\n1,2\n3,4,5\n",
      /^c\.csv: line 3: expected 2 values like the first row, found 3 \(a ragged row\)$/,
    ],
    ["1,2\n3,NaN\n", /^c\.csv: line 2: expected a finite number in column 2, found NaN$/],
    ["1,2\n-inf,3\n", /^c\.csv: line 2: expected a finite number in column 1, found -inf$/],
    ["nan,2\n", /^c\.csv: line 1: expected a finite number in column 1, found nan$/],
    ["1,2\n3,abc\n", /^c\.csv: line 2: expected a number in column 2, found "abc"$/],
    ["1,2\n3,\n", /^c\.csv: line 2: expected a number in column 2, found an empty field$/],
    ["1,2\n0x10,3\n", /^c\.csv: line 2: expected a number in column 1, found "0x10"$/],
    [
      "1,2\n1e39,3\n",
      /^c\.csv: line 2: expected a number within the float32 range in column 1, found 1e39$/,
    ],
    ["1,2\n\n3,4\n", /^c\.csv: line 2: expected 2 comma-separated numbers, found an empty line$/],
    ["x,y\n", /^c\.csv: line 2: expected rows of numbers after the header line, found no rows$/],
    [
      "x,y\n1,2,3\n",
      /^c\.csv: line 2: expected as many values as the header has columns \(2\), found 3$/,
    ],
    ["", /^c\.csv: line 1: expected rows of comma-separated numbers, found an empty file$/],
    ["\n \n", /^c\.csv: line 1: expected rows of comma-separated numbers, found an empty file$/],
  ];
  for (const [text, re] of cases) {
    throwsFormat(() => parseCsv(text, "c.csv"), re, JSON.stringify(text));
  }
  throwsFormat(
    () => parseCsv(new Uint8Array([0x31, 0x2c, 0xff, 0xfe]), "bin.csv"),
    /^bin\.csv: line 1: expected UTF-8 text/,
  );
  await rejectsFormat(
    readCsv(new Uint8Array(0), "e.csv"),
    /^e\.csv: at byte 0: expected data, found an empty file$/,
  );
  assert.throws(() => parseCsv("1,2,3\n", "img.csv", { shape: [2, 2] }), ConfigError);
});

Deno.test("quoted fields and mixed line ends are read, and lines are counted across quoted breaks", () => {
  const ds = parseCsv('"a","b, c"\n"1"," 2.5"\r\n3,4\r5,6\n', "q.csv");
  assert.deepEqual([ds.n, ds.d, Array.from(ds.data)], [3, 2, [1, 2.5, 3, 4, 5, 6]]);
  const cases: [string, RegExp][] = [
    ['x,y\n"1\n",2\n3,abc\n', /^q\.csv: line 4: expected a number in column 2, found "abc"$/],
    ["1,2\r\n3,4\r\n5,x\r\n", /^q\.csv: line 3: expected a number in column 2, found "x"$/],
    [
      '1,2\n3,"4\n5,6\n',
      /^q\.csv: line 2: expected quoted fields closed by a double quote .*, found an unclosed quote$/,
    ],
    [
      '1,2\n"3"x,4\n',
      /^q\.csv: line 2: expected quoted fields .*, found a malformed quoted field$/,
    ],
    ['"a,b\n1,2\n', /^q\.csv: line 1: expected quoted fields .*, found an unclosed quote$/],
  ];
  for (const [text, re] of cases) {
    throwsFormat(() => parseCsv(text, "q.csv"), re, JSON.stringify(text));
  }
});
