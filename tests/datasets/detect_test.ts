import assert from "node:assert/strict";
import { detectFormat, readDataset } from "../../src/datasets/detect.ts";
import { cifarRecord, gzip, idxImages, idxLabels, npy, rejectsFormat } from "./fixtures.ts";

Deno.test("the format is recognised from the content, with the name as a hint", async () => {
  const record = cifarRecord(1, () => [10, 20, 30]);
  const cases: [Uint8Array, string, string][] = [
    [npy("<f4", [1, 2], [1, 2]), "x", "npy"],
    [idxImages(1, 1, 2, [1, 2]), "x", "idx"],
    [record, "test_batch.bin", "cifar10"],
    [record, "noname", "cifar10"],
    [new TextEncoder().encode("1,2\n"), "x", "csv"],
    [new TextEncoder().encode("1,2\n"), "x.txt", "csv"],
  ];
  for (const [bytes, name, format] of cases) {
    assert.equal(detectFormat(bytes, name), format, `${name} ${format}`);
  }
  const viaGzip = await readDataset(new File([await gzip(record)], "test_batch.bin.gz"));
  assert.deepEqual([viaGzip.n, viaGzip.d, viaGzip.labels![0]], [1, 1024, 1]);
  const forced = await readDataset(new TextEncoder().encode("1,2\n"), "x.bin", { format: "csv" });
  assert.deepEqual(Array.from(forced.data), [1, 2]);
});

Deno.test("inputs of no supported format are rejected", async () => {
  await rejectsFormat(
    readDataset(idxLabels([1, 2]), "labels"),
    /^labels: at byte 0: expected a data file.*IDX labels file/,
  );
  await rejectsFormat(
    readDataset(new Uint8Array([0xff, 0xfe, 0xfd, 0x80]), "junk"),
    /^junk: at byte 0: expected a CIFAR-10 batch .*found binary data/,
  );
  await rejectsFormat(
    readDataset(new Blob([]), "empty"),
    /^empty: at byte 0: expected data, found an empty file$/,
  );
  await rejectsFormat(
    readDataset(new Response("nope", { status: 404 }), "remote"),
    /^remote: expected a successful HTTP response, found status 404$/,
  );
});
