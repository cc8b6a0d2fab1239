import assert from "node:assert/strict";
import { deviation, simulate, theory } from "../../mod.ts";
import { loadEmbeddedMnist } from "../../src/datasets/mnist_embedded.ts";
import { preprocess } from "../../src/datasets/preprocess.ts";
import { datasetModel, gaussianEquivalent, spectrumOf } from "../../src/data/mod.ts";
import type { Dataset } from "../../src/datasets/dataset.ts";

Deno.test("embedded MNIST, D = 784, K = 3, erf, lr = 0.5: the theory stays within 5% of SGD on the images up to t = 100", async () => {
  const p = preprocess(await loadEmbeddedMnist(), { nHeldOut: 2000, seed: 1 });
  const data = datasetModel(p);
  const cfg = {
    data,
    network: { K: 3, activation: "erf" as const },
    lr: 0.5,
    tMax: 100,
    seeds: [1, 2, 3],
    nTimes: 40,
  };
  const sim = await simulate(cfg);
  const th = await theory(cfg);
  const d = deviation(sim, th);
  console.log(
    `MNIST: largest deviation of SGD from the theory ${
      (100 * d.max).toFixed(3)
    }% at t = ${d.maxAt}, mean ${(100 * d.mean).toFixed(3)}%`,
  );
  assert.ok(d.max <= 0.05, `max deviation ${d.max}`);
  assert.ok(sim.eps.at(-1)! < 0.95 * sim.eps[0], "SGD has learnt something by t = 100");
  assert.equal((sim.config.data as { kind: string }).kind, "dataset");
  assert.ok(
    !("train" in (sim.config.data as object)),
    "results describe the data set, they do not copy it",
  );
});

function tinyImages(n: number, h: number, w: number, seed: number): Dataset {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const data = new Uint8Array(n * h * w);
  for (let i = 0; i < n; i++) {
    const a = rand(), b = rand();
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        data[i * h * w + r * w + c] = Math.round(
          255 * Math.max(0, Math.min(1, a * r / h + b * c / w + 0.2 * rand())),
        );
      }
    }
  }
  return { n, d: h * w, data, shape: [h, w], source: "tiny" };
}

Deno.test("a data set's test error is taken on its held-out rows", async () => {
  const p = preprocess(tinyImages(300, 6, 6, 3), { nHeldOut: 100, seed: 2 });
  const data = datasetModel(p);
  const res = await simulate({
    data,
    network: { K: 2, activation: "linear" },
    lr: 0.5,
    tMax: 1,
    seeds: [4],
    times: [0, 1],
    snapshotTimes: [0],
  });
  const { W, V } = res.runs[0].snapshots[0];
  const D = 36;
  let total = 0;
  for (let n = 0; n < 100; n++) {
    const x = p.heldOut.subarray(n * D, (n + 1) * D);
    const lam = W.map((w) => w.reduce((s, wi, i) => s + wi * x[i], 0) / Math.sqrt(D));
    let e = 0;
    for (let i = 0; i < D; i++) e += (x[i] - V[0][i] * lam[0] - V[1][i] * lam[1]) ** 2;
    total += e / (2 * D);
  }
  assert.ok(Math.abs(res.eps[0] / (total / 100) - 1) < 1e-12);
});

Deno.test("the Gaussian equivalent has the held-out second moment", () => {
  const p = preprocess(tinyImages(400, 4, 5, 7), { nHeldOut: 150, seed: 1 });
  const data = datasetModel(p);
  const g = gaussianEquivalent(data, spectrumOf(data));
  const D = 20;
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      let c = 0;
      for (let n = 0; n < 150; n++) c += p.heldOut[n * D + i] * p.heldOut[n * D + j];
      c /= 150;
      let r = 0;
      for (let m = 0; m < D; m++) {
        r += g.eigenvalues[m] * g.eigenvectors[m][i] * g.eigenvectors[m][j];
      }
      assert.ok(Math.abs(r - c) < 1e-12, `C[${i}][${j}]`);
    }
  }
  assert.equal(spectrumOf(data), spectrumOf(data), "cached");
});

Deno.test("cli: realdata on IDX files writes the three curves on one grid", async () => {
  const dir = await Deno.makeTempDir();
  const ds = tinyImages(240, 5, 5, 11);
  const idx = (n: number, rows: Uint8Array) => {
    const head = new Uint8Array(16);
    new DataView(head.buffer).setUint32(0, 0x803);
    new DataView(head.buffer).setUint32(4, n);
    new DataView(head.buffer).setUint32(8, 5);
    new DataView(head.buffer).setUint32(12, 5);
    const out = new Uint8Array(16 + rows.length);
    out.set(head);
    out.set(rows, 16);
    return out;
  };
  const data = ds.data as Uint8Array;
  await Deno.writeFile(`${dir}/train-images-idx3-ubyte`, idx(200, data.subarray(0, 200 * 25)));
  await Deno.writeFile(`${dir}/t10k-images-idx3-ubyte`, idx(40, data.subarray(200 * 25)));
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      new URL("../../cli.ts", import.meta.url).pathname,
      "realdata",
      "--dataset",
      "fashion-mnist",
      "--path",
      dir,
      "--K",
      "2",
      "--t-max",
      "2",
      "--seeds",
      "1",
      "--n-held-out",
      "60",
      "--n-times",
      "8",
      "--bins",
      "2",
      "--no-svg",

      "--out",
      `${dir}/out`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, err);
  assert.match(err, /theory vs SGD on the images: max/);
  assert.match(err, /binned theory \(2 bins\)/);
  const r = JSON.parse(await Deno.readTextFile(`${dir}/out/result.json`));
  for (const k of ["simulation", "gaussian", "theory"]) {
    assert.deepEqual(r[k].times, r.simulation.times, k);
    assert.equal(r[k].eps.length, r.simulation.times.length, k);
  }
  const bad = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      new URL("../../cli.ts", import.meta.url).pathname,
      "realdata",
      "--dataset",
      "cifar10",
      "--path",
      `${dir}/nothing`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(bad.code, 2);
  assert.match(new TextDecoder().decode(bad.stderr), /--path.*CIFAR-10/);
  await Deno.remove(dir, { recursive: true });
});
