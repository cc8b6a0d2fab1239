import assert from "node:assert/strict";
import {
  parseIdxImages,
  parseIdxLabels,
  readIdx,
  readIdxImages,
  readIdxLabels,
} from "../../src/datasets/idx.ts";
import { readDataset } from "../../src/datasets/detect.ts";
import { DataFormatError } from "../../src/core/errors.ts";
import { gzip, idxImages, idxLabels, rejectsFormat, throwsFormat } from "./fixtures.ts";

const pixels = Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37) % 256);
const images = idxImages(3, 4, 5, pixels);
const labels = idxLabels([7, 0, 9]);

Deno.test("IDX images and labels read as bytes, shape [rows, cols], row-major", () => {
  const ds = parseIdxImages(images, "imgs");
  assert.equal(ds.n, 3);
  assert.equal(ds.d, 20);
  assert.deepEqual(ds.shape, [4, 5]);
  assert.ok(ds.data instanceof Uint8Array);
  assert.deepEqual(Array.from(ds.data), pixels);
  assert.deepEqual(Array.from(parseIdxLabels(labels, "labs")), [7, 0, 9]);
});

Deno.test("gzipped IDX files round-trip through CompressionStream and DecompressionStream", async () => {
  const [gzImages, gzLabels] = [await gzip(images), await gzip(labels)];
  assert.deepEqual([gzImages[0], gzImages[1]], [0x1f, 0x8b]);
  const ds = await readIdx(new Blob([gzImages]), {
    labels: new Blob([gzLabels]),
    source: "t10k-images-idx3-ubyte.gz",
  });
  assert.deepEqual(Array.from(ds.data), pixels);
  assert.deepEqual(Array.from(ds.labels!), [7, 0, 9]);
  assert.equal(ds.source, "t10k-images-idx3-ubyte.gz");
  const plain = await readIdx(images, { labels });
  assert.deepEqual(plain.data, ds.data);
  const auto = await readDataset(new File([gzImages], "x-idx3-ubyte.gz"));
  assert.deepEqual(auto.data, ds.data);
  assert.deepEqual(Array.from(await readIdxLabels(new Response(gzLabels), "l")), [7, 0, 9]);
});

Deno.test("malformed IDX files are rejected with source, offset and expectation", async () => {
  const cases: [Uint8Array, RegExp][] = [
    [
      labels,
      /^f: at byte 0: expected the images magic number 0x00000803, found 0x00000801 \(an IDX labels file\)$/,
    ],
    [
      new Uint8Array([0, 0, 0x0d, 3, 0, 0, 0, 1]),
      /at byte 0: .*0x00000803, found 0x00000d03 \(IDX data that is not unsigned bytes\)/,
    ],
    [
      new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]),
      /at byte 0: expected the images magic number 0x00000803, found 0x504b0304$/,
    ],
    [
      new Uint8Array([0, 0, 8]),
      /at byte 0: expected the images magic number 0x00000803, found 3 bytes/,
    ],
    [
      images.subarray(0, 10),
      /^f: at byte 10: expected a 16-byte IDX header with 3 dimensions, found the end of the data/,
    ],
    [
      images.subarray(0, images.length - 7),
      /^f: at byte 69: expected 60 bytes of images after the header \(3 x 4 x 5\), found only 53 \(truncated\)$/,
    ],
    [
      new Uint8Array([...images, 1, 2]),
      /^f: at byte 76: expected the end of the data after 3 x 4 x 5 images, found 2 more bytes$/,
    ],
    [idxImages(0, 4, 5, []), /^f: at byte 4: expected a dimension of at least 1, found 0$/],
  ];
  for (const [bytes, re] of cases) throwsFormat(() => parseIdxImages(bytes, "f"), re);
  throwsFormat(
    () => parseIdxLabels(images, "l"),
    /^l: at byte 0: expected the labels magic number 0x00000801, found 0x00000803/,
  );
  throwsFormat(
    () => parseIdxLabels(labels.subarray(0, 9), "l"),
    /^l: at byte 9: expected 3 bytes of labels.*found only 1 \(truncated\)/,
  );
  await rejectsFormat(
    readIdx(images, { labels: idxLabels([1, 2]), labelsSource: "two-labels" }),
    /^two-labels: at byte 4: expected 3 labels, one per image of input, found 2$/,
  );
  const gz = await gzip(images.subarray(0, 30));
  await rejectsFormat(
    readIdxImages(gz, "cut.gz"),
    /^cut\.gz: at byte 30 of the gunzipped data: expected 60 bytes of images/,
  );
  const full = await gzip(images);
  await rejectsFormat(
    readIdxImages(full.subarray(0, full.length - 4), "trunc.gz"),
    /^trunc\.gz: at byte 0: expected a complete, uncorrupted gzip stream/,
  );
  await rejectsFormat(
    readIdxImages(new Uint8Array(0), "empty"),
    /^empty: at byte 0: expected data, found an empty file$/,
  );
  await assert.rejects(readDataset(labels, "l"), DataFormatError);
});
