/**
 * Property tests of the readers (fast-check, seeded, a few hundred cases per
 * property): given random bytes, or a valid file of each format with bytes
 * flipped, cut off or appended, a reader either parses (a data set whose
 * shape is consistent) or throws a DataFormatError that says where (a byte
 * offset or a line) — never another error, never a hang. And the bounds:
 * no stream is read, and no gzip inflated, beyond the limit or the size a
 * header promises; gzip members split anywhere read as the whole file.
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { DataFormatError } from "../../src/core/errors.ts";
import { type Dataset, load, readBytes } from "../../src/datasets/dataset.ts";
import { readIdxImages } from "../../src/datasets/idx.ts";
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

// ---------------------------------------------------------------------------
// The bounds (issue 16): what is read and inflated never passes what the
// format allows, whatever the bytes, chunks and limits.

Deno.test("readBytes on random chunked streams and limits: all the bytes when within the limit, else a DataFormatError", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 12 }),
      fc.integer({ min: 1, max: 400 }),
      async (chunks, max) => {
        const total = concat(...chunks);
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            for (const chunk of chunks) c.enqueue(chunk);
            c.close();
          },
        });
        let result: unknown;
        try {
          result = await readBytes(stream, "s", max);
        } catch (e) {
          result = e;
        }
        if (total.length <= max) assert.deepEqual(result, total);
        else {
          assert.ok(result instanceof DataFormatError, String(result));
          assert.match(result.message, new RegExp(`at most ${max} bytes`));
        }
      },
    ),
    { ...RUNS, numRuns: 200 },
  );
});

Deno.test("gunzip of random IDX headers and payloads: never more bytes than the header promises", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.tuple(fc.nat(40), fc.nat(6), fc.nat(6)),
      fc.integer({ min: -20, max: 60 }),
      fc.integer({ min: 1, max: 3 }),
      async ([n, rows, cols], extra, members) => {
        const promised = 16 + n * rows * cols;
        const payload = Math.max(0, n * rows * cols + extra);
        const file = concat(
          idxImages(n, rows, cols, []),
          Uint8Array.from({ length: payload }, (_, i) => i % 251),
        );
        // split into members, as `cat a.gz b.gz` makes
        const cuts = Array.from(
          { length: members - 1 },
          (_, k) => Math.floor(((k + 1) * file.length) / members),
        );
        const bounds = [0, ...cuts, file.length];
        const parts = await Promise.all(
          bounds.slice(1).map((end, k) => gzip(file.subarray(bounds[k], end))),
        );
        let result: unknown;
        try {
          result = await readIdxImages(concat(...parts), "r-idx3-ubyte.gz");
        } catch (e) {
          result = e;
        }
        if (result instanceof Error) {
          assert.ok(result instanceof DataFormatError, String(result));
          assert.ok(result.offset !== undefined, result.message);
          if (n * rows * cols > 0 && file.length > promised) {
            assert.match(result.message, new RegExp(`at most ${promised} bytes|more bytes`));
          }
        } else {
          const ds = result as Dataset;
          assert.equal(file.length, promised);
          assert.equal(ds.n * ds.d, n * rows * cols);
        }
      },
    ),
    { ...RUNS, numRuns: 120 },
  );
});

Deno.test("readDataset of a valid file split into gzip members: the same data set as the file itself", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...Object.keys(VALID)),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
      async (format, fractions) => {
        const file = VALID[format];
        const cuts = [...new Set(fractions.map((f) => Math.floor(f * file.length)))].sort((a, b) =>
          a - b
        );
        const bounds = [0, ...cuts.filter((c) => c > 0 && c < file.length), file.length];
        const parts = await Promise.all(
          bounds.slice(1).map((end, k) => gzip(file.subarray(bounds[k], end))),
        );
        const name = `x.${format === "cifar10" ? "bin" : format}.gz`;
        const whole = await readDataset(file, name.replace(/\.gz$/, ""));
        const split = await readDataset(concat(...parts), name);
        assert.deepEqual(
          [split.n, split.d, Array.from(split.data)],
          [whole.n, whole.d, Array.from(whole.data)],
        );
      },
    ),
    { ...RUNS, numRuns: 80 },
  );
});

Deno.test("load with a random limit on random gzipped bytes: at most the limit, or a DataFormatError with a place", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 600 }),
      fc.integer({ min: 1, max: 700 }),
      async (bytes, max) => {
        const packed = await gzip(bytes);
        try {
          const { bytes: out } = await load(packed, "x.gz", undefined, max);
          assert.ok(out.length <= max && out.length === bytes.length);
        } catch (e) {
          assert.ok(e instanceof DataFormatError, String(e));
          assert.ok(e.offset !== undefined, e.message);
          assert.ok(bytes.length > max || bytes.length === 0 || packed.length > max, e.message);
        }
      },
    ),
    { ...RUNS, numRuns: 150 },
  );
});
