/**
 * Text inputs and small data sets (issue 16, defects 7 and 12): `--init
 * /dev/zero` read without bound; a spectrum file too wide was refused as
 * `data.D (--D)` without naming the file; a one-row CSV said "an integer
 * from 1 to 0". Each is now refused before any work, with one line that
 * names the file or flag and says what is allowed.
 * @module
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/core/errors.ts";
import { readTextFile } from "../../src/cli/io.ts";
import { parseCovariance, parseInitialWeights } from "../../src/problem/formats.ts";
import { MAX_D } from "../../src/data/mod.ts";
import { readCsv } from "../../src/datasets/csv.ts";
import { checkHeldOut, preprocess } from "../../src/datasets/preprocess.ts";
import { MAX_DATA_BYTES } from "../../src/datasets/dataset.ts";
import { loadDataset } from "../../src/cli/datasets.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

Deno.test("readTextFile refuses devices and binary data at their first chunk, and large files by their size", async () => {
  for (const device of ["/dev/zero", "/dev/urandom"]) {
    const started = performance.now();
    await assert.rejects(readTextFile(device, "--init"), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(
        e.message,
        new RegExp(`^invalid --init: got "${device} \\(a NUL byte at byte \\d+`),
      );
      return true;
    });
    assert.ok(performance.now() - started < 1000, device);
  }
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/big.json`, JSON.stringify({ W: [[1, 2, 3]] }));
  await assert.rejects(
    readTextFile(`${dir}/big.json`, "--config", 10),
    /invalid --config: got ".*big.json \(15 bytes\)"; allowed: a text file of at most 10 bytes/,
  );
  assert.equal(await readTextFile(`${dir}/big.json`, "--config"), '{"W":[[1,2,3]]}');
  await assert.rejects(readTextFile(dir, "--spectrum"), /\(a directory\)/);
  await assert.rejects(readTextFile(`${dir}/none`, "--spectrum"), /does not exist/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cli: --init /dev/zero exits 2 at once with one line naming the flag", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "theory", "--init", "/dev/zero", "--t-max", "1"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  assert.equal(out.code, 2, stderr);
  assert.equal(stderr.split("\n").length, 1, stderr);
  assert.match(stderr, /--init.*\/dev\/zero.*NUL byte/);
});

Deno.test("a spectrum or initial weights wider than MAX_D are refused naming the file, before any check of the rows", () => {
  const D = MAX_D + 1;
  const row = new Array(D).fill(0);
  row[0] = 1;
  const wide = JSON.stringify({ eigenvalues: [2], eigenvectors: [row], bulk: 1 });
  assert.throws(() => parseCovariance(wide, "--spectrum wide.json"), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(
      e.message,
      `invalid --spectrum wide.json: eigenvectors[0]: got "${D} numbers"; ` +
        `allowed: rows of D <= ${MAX_D} numbers (D, the input dimension, is at most ${MAX_D})`,
    );
    return true;
  });
  assert.throws(
    () => parseInitialWeights(JSON.stringify({ W: [row] }), "--init w.json"),
    /^ConfigError: invalid --init w.json: W\[0\]: got "100001 numbers"|invalid --init w.json: W\[0\]/,
  );
  // at MAX_D itself the file's own checks run (here: the bulk is missing)
  const fits = JSON.stringify({ eigenvalues: [2], eigenvectors: [row.slice(0, MAX_D)] });
  assert.throws(() => parseCovariance(fits, "f.json"), /f.json: bulk/);
});

Deno.test("a one-row data set says it has too few rows for a held-out split, and how many are needed", async () => {
  const one = await readCsv(new TextEncoder().encode("1,2,3\n"), "one.csv");
  assert.equal(one.n, 1);
  for (const f of [() => preprocess(one, { nHeldOut: 1 }), () => checkHeldOut(one, 1, "heldOut")]) {
    assert.throws(f, (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(
        e.message,
        'invalid one.csv: got "1 row"; allowed: at least 2 rows for a held-out split ' +
          "(at least 1 held out for the test error and 1 to train on)",
      );
      return true;
    });
  }
  const three = await readCsv(new TextEncoder().encode("1,2\n3,4\n5,6\n"), "three.csv");
  assert.throws(
    () => checkHeldOut(three, 3, "--n-held-out"),
    /invalid --n-held-out: got 3; allowed: an integer from 1 to 2 \(three.csv has 3 rows/,
  );
  assert.equal(preprocess(three, { nHeldOut: 2 }).nTrain, 1);
});

Deno.test("a catalogued data file larger than MAX_DATA_BYTES is refused by its size, before it is read", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/data_batch_1.bin`;
  // sparse: takes no space, and reading it whole would take a GiB
  await Deno.writeFile(path, new Uint8Array(0));
  await Deno.truncate(path, MAX_DATA_BYTES + 1);
  const started = performance.now();
  await assert.rejects(loadDataset("cifar10", dir), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(
      e.message,
      /^invalid --path: got ".*data_batch_1.bin"; allowed: a data file of at most 1073741824 bytes/,
    );
    return true;
  });
  assert.ok(performance.now() - started < 1000);
  await Deno.remove(dir, { recursive: true });
});
