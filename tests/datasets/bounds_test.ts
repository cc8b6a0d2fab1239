/**
 * The readers are bounded before the work (issue 16, defect 7): gunzip stops
 * at the size the format's header promises (the header is read from the
 * first inflated bytes), no input is read beyond MAX_DATA_BYTES (or what the
 * caller allows), a download that announces too much is refused before its
 * body is read, and a tar entry whose header claims too much is refused
 * before it is read. Multi-member gzip (`cat a.gz b.gz`) is valid gzip.
 * @module
 */
import assert from "node:assert/strict";
import { DataFormatError, DownloadError } from "../../src/core/errors.ts";
import { gunzip, load, MAX_DATA_BYTES, readBytes } from "../../src/datasets/dataset.ts";
import { readDataset } from "../../src/datasets/detect.ts";
import { readIdx, readIdxImages } from "../../src/datasets/idx.ts";
import { readNpy } from "../../src/datasets/npy.ts";
import { readCsv } from "../../src/datasets/csv.ts";
import { cifar10Bound, readCifar10 } from "../../src/datasets/cifar10.ts";
import { readTar } from "../../src/datasets/tar.ts";
import { downloadDataset } from "../../src/datasets/download.ts";
import {
  type Bytes,
  cifarRecord,
  concat,
  gzip,
  idxImages,
  idxLabels,
  npy,
  rejectsFormat,
  tar,
} from "./fixtures.ts";

const MiB = 1 << 20;

/** One gzip member of 64 MiB of zeros (about 64 KB), made once. */
const ZEROS_64MIB = await gzip(new Uint8Array(64 * MiB));

/**
 * A gzip bomb: a small first member holding `head` and 1 MiB of zeros, then
 * `members` members of 64 MiB of zeros, concatenated (valid multi-member gzip).
 */
async function bomb(head: Uint8Array, members: number): Promise<Bytes> {
  const first = new Uint8Array(MiB);
  first.set(head);
  return concat(await gzip(first), ...Array.from({ length: members }, () => ZEROS_64MIB));
}

/** Run `f` and return its outcome, the milliseconds it took and the growth of the resident set. */
async function measured<T>(
  f: () => Promise<T>,
): Promise<{ error: unknown; ms: number; grew: number }> {
  const rss = Deno.memoryUsage().rss;
  const t = performance.now();
  let error: unknown;
  try {
    await f();
  } catch (e) {
    error = e;
  }
  return { error, ms: performance.now() - t, grew: Deno.memoryUsage().rss - rss };
}

Deno.test("a 2 GiB gzip bomb named as IDX is refused from its first bytes (was: 1.5 GB before the magic check)", async () => {
  const zeros = await bomb(new Uint8Array(0), 32); // 2 GiB of zeros in about 2 MB
  assert.ok(zeros.length < 4 * MiB, `${zeros.length} bytes`);
  for (
    const [what, read] of [
      ["readIdxImages", () => readIdxImages(zeros, "train-images-idx3-ubyte.gz")],
      ["readDataset", () => readDataset(zeros, "train-images-idx3-ubyte.gz")],
      ["readIdx", () => readIdx(zeros, { source: "train-images-idx3-ubyte.gz" })],
    ] as const
  ) {
    const { error, ms, grew } = await measured(read);
    assert.ok(error instanceof DataFormatError, `${what}: ${error}`);
    assert.match(error.message, /magic number 0x00000803, found 0x00000000/, what);
    assert.ok(grew < 256 * MiB, `${what}: the resident set grew by ${(grew / MiB).toFixed(0)} MiB`);
    assert.ok(ms < 5000, `${what}: ${ms.toFixed(0)} ms`);
  }
});

Deno.test("gunzip stops at the size an IDX or .npy header promises, and refuses a promise beyond the limit", async () => {
  // a valid IDX header for one 28 x 28 image, then 1 GiB of zeros
  const idxHead = idxImages(1, 28, 28, []);
  const idxBomb = await bomb(idxHead, 16);
  const idx = await measured(() => readIdxImages(idxBomb, "big-idx3-ubyte.gz"));
  assert.ok(idx.error instanceof DataFormatError, String(idx.error));
  assert.match(idx.error.message, /at byte 800 of the gunzipped data: expected at most 800 bytes/);
  assert.ok(idx.grew < 256 * MiB, `grew by ${(idx.grew / MiB).toFixed(0)} MiB`);

  const npyHead = npy("|u1", [2, 2], new Uint8Array([1, 2, 3, 4]));
  const npyBomb = await bomb(npyHead, 16);
  const np = await measured(() => readNpy(npyBomb, "big.npy.gz"));
  assert.ok(np.error instanceof DataFormatError, String(np.error));
  assert.match(np.error.message, new RegExp(`at most ${npyHead.length} bytes`));
  assert.ok(np.grew < 256 * MiB, `grew by ${(np.grew / MiB).toFixed(0)} MiB`);

  // a header that promises 2^31 images of 28 x 28: refused at once
  const huge = await gzip(concat(idxImages(2 ** 31, 28, 28, []), new Uint8Array(100)));
  await rejectsFormat(readDataset(huge, "x.gz"), /header that promises 1683627180048 bytes/);
  // the exact size passes
  const exact = idxImages(2, 2, 2, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal((await readIdxImages(await gzip(exact), "ok.gz")).data[7], 8);
});

Deno.test("a zero bomb as CSV or CIFAR-10 stops within its first MiB", async () => {
  const zeros = await bomb(new Uint8Array(0), 16); // 1 GiB
  const csv = await measured(() => readCsv(zeros, "x.csv.gz"));
  assert.ok(
    csv.error instanceof DataFormatError && /NUL byte/.test(csv.error.message),
    `${csv.error}`,
  );
  assert.ok(csv.grew < 256 * MiB, `csv grew by ${(csv.grew / MiB).toFixed(0)} MiB`);
  // labels 0 are valid CIFAR-10: the records are bounded by the whole data set (60000 records)
  assert.equal(cifar10Bound("b")(new Uint8Array(64 * 3073), false), 60_000 * 3073);
  const lots = await bomb(new Uint8Array(0), 1);
  await rejectsFormat(
    load(lots, "data_batch_1.bin.gz", cifar10Bound("data_batch_1.bin.gz"), 8 * MiB),
    /at most 8388608 bytes/,
  );
  // a label byte above 9 is refused from the first bytes
  await rejectsFormat(readCifar10(await bomb(new Uint8Array([10]), 2), "b.bin.gz"), /label byte/);
});

Deno.test("multi-member gzip is one stream (was: refused as corrupt); corrupt gzip still is", async () => {
  const a = new TextEncoder().encode("x,y\n1,2\n");
  const b = new TextEncoder().encode("3,4\n5,6\n");
  const joined = concat(await gzip(a), await gzip(b));
  const ds = await readDataset(joined, "points.csv.gz");
  assert.deepEqual([ds.n, ds.d, Array.from(ds.data)], [3, 2, [1, 2, 3, 4, 5, 6]]);
  // an IDX file split over three members, as `gzip -c part >> file` makes
  const file = idxImages(3, 2, 2, Array.from({ length: 12 }, (_, i) => i));
  const parts = await Promise.all([file.subarray(0, 5), file.subarray(5, 17), file.subarray(17)]
    .map((p) => gzip(p)));
  const img = await readIdxImages(concat(...parts), "three-idx3-ubyte.gz");
  assert.deepEqual(Array.from(img.data), Array.from({ length: 12 }, (_, i) => i));
  assert.deepEqual(await gunzip(concat(...parts), "g"), file);
  // truncated: the last member cut short
  const cut = concat(parts[0], parts[1], parts[2].subarray(0, parts[2].length - 4));
  await rejectsFormat(gunzip(cut, "cut.gz"), /complete, uncorrupted gzip stream/);
  // junk after a member
  await rejectsFormat(
    gunzip(concat(parts[0], new Uint8Array([1, 2, 3, 4])), "junk.gz"),
    /complete, uncorrupted gzip stream/,
  );
});

Deno.test("readBytes and load read at most maxBytes: Blobs and Responses by their announced size, streams as they flow", async () => {
  const big = new Uint8Array(5000);
  await rejectsFormat(
    readBytes(new Blob([big]), "b", 4096),
    /at byte 4096: expected at most 4096 bytes.*found 5000 bytes/,
  );
  await rejectsFormat(readBytes(big, "u", 4096), /at most 4096 bytes/);
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled++;
      c.enqueue(new Uint8Array(1024));
    },
  });
  await rejectsFormat(readBytes(endless, "/dev/zero", 4096), /at most 4096 bytes/);
  assert.ok(pulled < 10, `${pulled} chunks pulled`);
  // a response that announces more than the limit is not read at all
  let read = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      read++;
      c.enqueue(new Uint8Array(1024));
    },
  });
  const announced = new Response(body, { headers: { "content-length": String(2 ** 40) } });
  await rejectsFormat(readBytes(announced, "mirror"), /found 1099511627776 bytes/);
  assert.ok(read <= 1, `${read} chunks read`);
  await rejectsFormat(load(new Blob([big]), "l.csv", undefined, 100), /at most 100 bytes/);
  assert.equal(MAX_DATA_BYTES, 2 ** 30);
});

Deno.test("download: a mirror announcing a huge content-length is refused before its body (was: Array buffer allocation failed)", async () => {
  let pulled = 0;
  const lying = () =>
    Promise.resolve(
      new Response(
        new ReadableStream<Uint8Array>({
          pull(c) {
            pulled++;
            c.enqueue(new Uint8Array(1024));
          },
        }),
        { headers: { "content-length": String(2 ** 45) } },
      ),
    );
  const written: string[] = [];
  await assert.rejects(
    downloadDataset("fashion-mnist", {
      fetch: lying,
      writeFile: (name) => void written.push(name),
    }),
    (e: unknown) => {
      assert.ok(e instanceof DownloadError, String(e));
      assert.match(e.message, /announces 35184372088832 bytes .*nothing was written/);
      return true;
    },
  );
  assert.ok(pulled <= 1 && written.length === 0, `${pulled} chunks, ${written}`);
  // no content-length, a body that never ends: stopped at maxBytes
  const endless = () =>
    Promise.resolve(
      new Response(
        new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(4096)) }),
      ),
    );
  await assert.rejects(
    downloadDataset("fashion-mnist", { fetch: endless, writeFile: () => {}, maxBytes: 1 << 16 }),
    /too long: more than the 65536 bytes/,
  );
  await assert.rejects(
    downloadDataset("fashion-mnist", { writeFile: () => {}, maxBytes: -1 }),
    /invalid maxBytes/,
  );
});

Deno.test("tar: an entry whose header claims more than the limit is refused before it is read", async () => {
  const archive = tar([{ name: "a.bin", bytes: new Uint8Array(2000).fill(1) }]);
  const entries = async (max: number) => {
    const out = [];
    for await (const e of readTar(new Blob([archive]).stream(), "a.tar", max)) out.push(e);
    return out;
  };
  assert.equal((await entries(1 << 20)).length, 1);
  await rejectsFormat(entries(1024), /a file that ends within 1024 bytes.*a size of 2000 bytes/);
});

Deno.test("the IDX labels and a reader's own format are checked from the first inflated bytes too", async () => {
  const labels = await bomb(idxLabels([1, 2, 3]), 4);
  await rejectsFormat(readDataset(labels, "t10k-labels-idx1-ubyte.gz"), /IDX labels file/);
  const images = await bomb(idxImages(1, 1, 1, [5]), 4);
  await rejectsFormat(
    readIdx(await gzip(idxImages(1, 1, 1, [5])), { labels: images, labelsSource: "l.gz" }),
    /labels magic number 0x00000801, found 0x00000803/,
  );
  await rejectsFormat(readNpy(images, "x.npy.gz"), /magic string/);
  // and a good CIFAR-10 batch in gzip still reads
  const batch = concat(cifarRecord(3, () => [1, 2, 3]), cifarRecord(9, () => [4, 5, 6]));
  assert.deepEqual(Array.from((await readCifar10(await gzip(batch), "b.bin.gz")).labels!), [3, 9]);
});

Deno.test("a stream that is not gzip is bounded by its format as it is read", async () => {
  let pulled = 0;
  const zeros = () =>
    new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(1 << 16));
      },
    });
  await rejectsFormat(
    readIdxImages(zeros(), "x-idx3-ubyte"),
    /^x-idx3-ubyte: at byte 0: expected the images magic/,
  );
  assert.ok(pulled <= 2, `${pulled} chunks pulled`);
  pulled = 0;
  await rejectsFormat(
    readDataset(new Response(zeros()), "endless.csv"),
    /endless.csv: line 1: expected UTF-8 text, found a NUL byte/,
  );
  assert.ok(pulled <= 3, `${pulled} chunks pulled`);
  // a file of the exact size passes, as before
  const file = idxImages(1, 2, 2, [1, 2, 3, 4]);
  assert.equal((await readIdxImages(new Blob([file]).stream(), "ok")).data[3], 4);
});
