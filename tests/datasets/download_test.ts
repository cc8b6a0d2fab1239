import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readCifar10 } from "../../src/datasets/cifar10.ts";
import { DATASETS } from "../../src/datasets/catalogue.ts";
import {
  downloadDataset,
  type DownloadOptions,
  type DownloadProgress,
} from "../../src/datasets/download.ts";
import { DownloadError } from "../../src/core/errors.ts";
import { readIdx } from "../../src/datasets/idx.ts";
import { ConfigError } from "../../src/core/errors.ts";
import { type Bytes, cifarRecord, concat, gzip, idxImages, idxLabels, tar } from "./fixtures.ts";

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

// Small files in the published formats, under the published names.
const fashion: Record<string, Bytes> = {
  "train-images-idx3-ubyte.gz": await gzip(
    idxImages(3, 28, 28, Array.from({ length: 3 * 784 }, (_, i) => i % 256)),
  ),
  "train-labels-idx1-ubyte.gz": await gzip(idxLabels([9, 0, 3])),
  "t10k-images-idx3-ubyte.gz": await gzip(idxImages(2, 28, 28, new Array(2 * 784).fill(7))),
  "t10k-labels-idx1-ubyte.gz": await gzip(idxLabels([1, 2])),
};
const batch = concat(cifarRecord(6, (p) => [p % 256, 0, 0]), cifarRecord(2, () => [10, 20, 30]));
const cifar: Record<string, Bytes> = {
  "cifar-10-binary.tar.gz": await gzip(tar([
    { name: "cifar-10-batches-bin/", type: "5" },
    { name: "cifar-10-batches-bin/data_batch_1.bin", bytes: batch },
    {
      name: "cifar-10-batches-bin/batches.meta.txt",
      bytes: new TextEncoder().encode("airplane\nautomobile\n"),
    },
  ])),
};
const sums = (files: Record<string, Uint8Array>) =>
  Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, md5(bytes)]));

/** Serve the files under /<name>; names in `truncate` announce their full length but send half. */
function handler(truncate: string[] = []): (req: Request) => Response {
  const files = { ...fashion, ...cifar };
  return (req) => {
    const name = new URL(req.url).pathname.split("/").pop()!;
    const bytes = files[name];
    if (bytes === undefined || new URL(req.url).pathname.startsWith("/missing/")) {
      return new Response("not found", { status: 404 });
    }
    const headers = {
      "content-length": String(bytes.length),
      "content-type": "application/octet-stream",
    };
    if (!truncate.includes(name)) return new Response(bytes, { headers });
    const half = bytes.slice(0, bytes.length >> 1);
    return new Response(new ReadableStream({ start: (c) => (c.enqueue(half), c.close()) }), {
      headers,
    });
  };
}

/** Run a download collecting what reaches writeFile and the progress reports. */
function run(name: "cifar10" | "fashion-mnist", options: Omit<DownloadOptions, "writeFile">) {
  const written = new Map<string, Uint8Array>();
  const progress: DownloadProgress[] = [];
  const call = downloadDataset(name, {
    ...options,
    onProgress: (p) => progress.push(p),
    writeFile: (file, bytes) => void written.set(file, bytes),
  });
  return { call, written, progress };
}

/** The same checks against any server: `base` is its URL, `fetchFor` makes the fetch to use. */
async function scenarios(
  base: string,
  fetchFor: (truncate?: string[]) => DownloadOptions["fetch"],
) {
  // FashionMNIST: four verified files handed over as they are
  {
    const { call, written, progress } = run("fashion-mnist", {
      baseUrl: base,
      md5: sums(fashion),
      fetch: fetchFor(),
    });
    const result = await call;
    assert.deepEqual([...written.keys()], Object.keys(fashion));
    for (const [name, bytes] of Object.entries(fashion)) assert.deepEqual(written.get(name), bytes);
    assert.deepEqual(result.downloaded.map((d) => d.md5), Object.values(sums(fashion)));
    for (const name of Object.keys(fashion)) {
      const last = progress.filter((p) => p.file === name).at(-1)!;
      assert.equal(last.loaded, fashion[name].length);
      assert.equal(last.total, fashion[name].length);
      assert.equal(last.url, `${base}/${name}`);
    }
    const train = await readIdx(written.get("train-images-idx3-ubyte.gz")!, {
      labels: written.get("train-labels-idx1-ubyte.gz")!,
    });
    assert.deepEqual([train.n, train.d, Array.from(train.labels!)], [3, 784, [9, 0, 3]]);
  }
  // a wrong checksum on the last file: an error, and nothing written (not even the first three)
  {
    const wrong = { ...sums(fashion), "t10k-labels-idx1-ubyte.gz": "0".repeat(32) };
    const { call, written } = run("fashion-mnist", {
      baseUrl: base,
      md5: wrong,
      fetch: fetchFor(),
    });
    await assert.rejects(call, (e: unknown) => {
      assert.ok(e instanceof DownloadError);
      assert.match(
        e.message,
        /t10k-labels-idx1-ubyte\.gz failed: checksum mismatch: expected md5 0{32}, got [0-9a-f]{32}/,
      );
      assert.match(e.message, /nothing was written$/);
      return true;
    });
    assert.equal(written.size, 0);
  }
  // a truncated transfer: an error, and nothing written
  {
    const { call, written } = run("fashion-mnist", {
      baseUrl: base,
      md5: sums(fashion),
      fetch: fetchFor(["train-labels-idx1-ubyte.gz"]),
    });
    await assert.rejects(
      call,
      /train-labels-idx1-ubyte\.gz failed: truncated: .*nothing was written$/,
    );
    assert.equal(written.size, 0);
  }
  // HTTP errors
  {
    const { call, written } = run("fashion-mnist", {
      baseUrl: `${base}/missing/`,
      fetch: fetchFor(),
    });
    await assert.rejects(call, /missing\/train-images-idx3-ubyte\.gz failed: HTTP 404/);
    assert.equal(written.size, 0);
  }
  // CIFAR-10: the tar.gz is verified, gunzipped and untarred; regular files are written
  {
    const { call, written } = run("cifar10", {
      baseUrl: base,
      md5: sums(cifar),
      fetch: fetchFor(),
    });
    const result = await call;
    assert.deepEqual([...written.keys()], [
      "cifar-10-batches-bin/data_batch_1.bin",
      "cifar-10-batches-bin/batches.meta.txt",
    ]);
    assert.deepEqual(result.written.map((w) => w.bytes), [2 * 3073, 20]);
    const ds = await readCifar10(
      written.get("cifar-10-batches-bin/data_batch_1.bin")!,
      "data_batch_1.bin",
    );
    assert.deepEqual([ds.n, Array.from(ds.labels!)], [2, [6, 2]]);
    assert.ok(Math.abs(ds.data[1024] - (0.299 * 10 + 0.587 * 20 + 0.114 * 30)) < 1e-4);
  }
  for (const truncate of [[], ["cifar-10-binary.tar.gz"]]) {
    const md5s = truncate.length
      ? sums(cifar)
      : { "cifar-10-binary.tar.gz": md5(new Uint8Array(1)) };
    const { call, written } = run("cifar10", {
      baseUrl: base,
      md5: md5s,
      fetch: fetchFor(truncate),
    });
    await assert.rejects(call, truncate.length ? /truncated/ : /checksum mismatch/);
    assert.equal(written.size, 0);
  }
}

Deno.test("downloads verify checksums and write nothing unless complete (in-memory server)", async () => {
  const fetchFor = (truncate: string[] = []) => (url: string) =>
    Promise.resolve(handler(truncate)(new Request(url)));
  await scenarios("http://files.test", fetchFor);
});

const net = (await Deno.permissions.query({ name: "net", host: "127.0.0.1" })).state === "granted";

Deno.test({
  name: "downloads verify checksums and write nothing unless complete (local HTTP server)",
  ignore: !net, // needs --allow-net=127.0.0.1
  async fn() {
    let truncate: string[] = [];
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req) => handler(truncate)(req),
    );
    try {
      const base = `http://127.0.0.1:${server.addr.port}`;
      await scenarios(base, (t = []) => {
        truncate = t;
        return undefined; // the global fetch
      });
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test("the published sources and bad download options", async () => {
  assert.equal(DATASETS.cifar10.source.files[0].md5, "c32a1d4ab5d03f1284b67883e8d87530");
  assert.equal(
    new URL(DATASETS.cifar10.source.files[0].name, DATASETS.cifar10.source.baseUrl).href,
    "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
  );
  assert.deepEqual(DATASETS["fashion-mnist"].source.files.map((f) => f.md5), [
    "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "25c81989df183df01b3e8a0aad5dffbe",
    "bef4ecab320f06d8554ea6380940ec79",
    "bb300cfdad3c16e7a12a480ee83cd310",
  ]);
  const writeFile = () => {};
  const isConfig = (re: RegExp) => (e: unknown) => e instanceof ConfigError && re.test(e.message);
  await assert.rejects(
    downloadDataset("mnist" as never, { writeFile }),
    isConfig(/dataset.*"cifar10" or "fashion-mnist"/),
  );
  await assert.rejects(
    downloadDataset("cifar10", { writeFile, md5: { "x.gz": "0".repeat(32) } }),
    isConfig(/md5.*x\.gz/),
  );
  await assert.rejects(
    downloadDataset("cifar10", { writeFile, md5: { "cifar-10-binary.tar.gz": "abc" } }),
    isConfig(/md5 of cifar-10-binary\.tar\.gz.*32 hexadecimal digits/),
  );
  await assert.rejects(
    downloadDataset("cifar10", { writeFile, baseUrl: "not a url" }),
    isConfig(/baseUrl/),
  );
  await assert.rejects(downloadDataset("cifar10", {} as never), isConfig(/writeFile/));
});
