/**
 * Property tests of the readers (fast-check, seeded, a few hundred cases per
 * property): given random bytes, or a valid file of each format with bytes
 * flipped, cut off or appended, a reader either parses (a data set whose
 * shape is consistent) or throws a DataFormatError that says where (a byte
 * offset or a line) — never another error, never a hang.
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { DataFormatError } from "../../src/core/errors.ts";
import type { Dataset } from "../../src/datasets/dataset.ts";
import { DATA_FORMAT_NAMES, DATA_FORMATS } from "../../src/datasets/formats.ts";
import { readDataset } from "../../src/datasets/detect.ts";
import { untar } from "../../src/datasets/tar.ts";
import { cifarRecord, concat, gzip, idxImages, npy, tar } from "./fixtures.ts";

/** Seed and size of every property here. */
const RUNS = { seed: 20261130, numRuns: 250 };

/** Valid files of every format, small. */
const VALID: Record<string, Uint8Array> = {
  idx: idxImages(3, 2, 2, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
  npy: npy("<f4", [3, 4], new Float32Array(12).map((_, i) => i / 7)),
  csv: new TextEncoder().encode("a,b,c\n1,2,3\n4.5,6,-7\n8,9e1,10\n"),
  cifar10: concat(
    cifarRecord(3, (p) => [p % 256, (2 * p) % 256, 255 - (p % 256)]),
    cifarRecord(7, (p) => [(3 * p) % 256, p % 256, 7]),
  ),
};

/** What a reader may do with bad bytes: parse consistently, or a DataFormatError that says where. */
function acceptable(result: Dataset | unknown, format: string): void {
  if (result instanceof Error) {
    assert.ok(
      result instanceof DataFormatError,
      `${format}: ${result.constructor.name}: ${result.message}`,
    );
    assert.ok(
      result.offset !== undefined || result.line !== undefined,
      `${format}: no place in "${result.message}"`,
    );
    return;
  }
  const ds = result as Dataset;
  assert.ok(Number.isInteger(ds.n) && ds.n >= 1 && Number.isInteger(ds.d) && ds.d >= 1, format);
  assert.equal(ds.data.length, ds.n * ds.d, `${format}: n x d = data length`);
  if (ds.shape) assert.equal(ds.shape[0] * ds.shape[1], ds.d, `${format}: shape`);
}

function parseWith(format: string, bytes: Uint8Array): Dataset | unknown {
  try {
    return DATA_FORMATS[format as keyof typeof DATA_FORMATS].parse(bytes, `x.${format}`);
  } catch (e) {
    return e;
  }
}

/** A mutation of a valid file: flipped bytes, a cut, appended bytes. */
const mutation = (size: number) =>
  fc.oneof(
    fc.record({
      kind: fc.constant("flip" as const),
      at: fc.array(fc.nat(size - 1), { minLength: 1, maxLength: 4 }),
      to: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
    }),
    fc.record({ kind: fc.constant("cut" as const), at: fc.nat(size - 1) }),
    fc.record({
      kind: fc.constant("append" as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
    }),
  );

// deno-lint-ignore no-explicit-any
function mutate(bytes: Uint8Array, m: any): Uint8Array {
  const out = Uint8Array.from(bytes);
  if (m.kind === "flip") {
    (m.at as number[]).forEach((i, j) => (out[i] = (m.to as number[])[j]));
    return out;
  }
  if (m.kind === "cut") return out.subarray(0, m.at as number);
  return concat(out, m.bytes as Uint8Array);
}

Deno.test("every reader, on random bytes: a data set of consistent shape or a DataFormatError with a place", () => {
  for (const format of DATA_FORMAT_NAMES) {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        acceptable(parseWith(format, bytes), format);
      }),
      RUNS,
    );
  }
});

Deno.test("every reader, on mutated valid files: a data set of consistent shape or a DataFormatError with a place", () => {
  for (const [format, valid] of Object.entries(VALID)) {
    acceptable(parseWith(format, valid), format); // the valid file itself parses
    assert.ok(!(parseWith(format, valid) instanceof Error), `${format}: the valid file`);
    fc.assert(
      fc.property(mutation(valid.length), (m) => {
        acceptable(parseWith(format, mutate(valid, m)), format);
      }),
      RUNS,
    );
  }
});

Deno.test("readDataset on mutated gzipped files: parsed, or a DataFormatError with a place", async () => {
  const gz = await gzip(VALID.idx);
  await fc.assert(
    fc.asyncProperty(mutation(gz.length), async (m) => {
      let result: unknown;
      try {
        result = await readDataset(mutate(gz, m), "x.idx.gz");
      } catch (e) {
        result = e;
      }
      acceptable(result, "idx.gz");
    }),
    { ...RUNS, numRuns: 150 },
  );
});

Deno.test("untar on mutated archives: entries, or a DataFormatError with a place", async () => {
  const archive = tar([
    { name: "a.bin", bytes: new Uint8Array(700).fill(1) },
    { name: "dir/b.txt", bytes: new TextEncoder().encode("hello") },
  ]);
  await fc.assert(
    fc.asyncProperty(mutation(archive.length), async (m) => {
      try {
        const entries = await untar(mutate(archive, m), "x.tar");
        for (const e of entries) {
          assert.ok(!e.name.startsWith("/") && !e.name.split("/").includes(".."), e.name);
        }
      } catch (e) {
        assert.ok(e instanceof DataFormatError, `${(e as Error).constructor.name}: ${e}`);
        assert.ok(e.offset !== undefined, `no offset in "${e.message}"`);
      }
    }),
    RUNS,
  );
});
