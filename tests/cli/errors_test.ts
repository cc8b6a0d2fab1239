/**
 * Every error path of the CLI, run as a user runs it: the exit code (2 bad
 * input, 1 a run that failed), a one-line message that names the parameter
 * or the file, and nothing new in the working directory. The cases include
 * the reproductions of the reliability review (issue 9: solver settings in
 * --config, tolerances, overflowing derived quantities, grids, unusable
 * output paths, positionals equal to flag values, names in messages,
 * silently accepted input).
 * @module
 */
import assert from "node:assert/strict";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

interface Case {
  /** What is tried. */
  name: string;
  /** The command line after cli.ts. */
  args: string[];
  /** Files to create first, relative to the working directory. */
  files?: Record<string, string>;
  /** The exit code expected. */
  code: 1 | 2;
  /** What the message must name. */
  names: RegExp;
}

const SMALL = ["--D", "30", "--K", "2", "--t-max", "2", "--n-times", "3", "--n-test", "50"];
const spec = JSON.stringify({
  eigenvalues: [1, 2],
  eigenvectors: [[2, 0, 0, 0], [0, 1, 0, 0]], // row 0 is not a unit vector
  bulk: 0.5,
});

const CASES: Case[] = [
  // 1. solver settings in --config: theory and compare honour them; the others refuse them
  {
    name: "an unknown integrator in --config",
    args: ["theory", ...SMALL, "--config", "s.json"],
    files: { "s.json": '{"integrator": "magic"}' },
    code: 2,
    names: /integrator.*"magic"/,
  },
  {
    name: "a bad form in compare's --config",
    args: ["compare", ...SMALL, "--config", "s.json"],
    files: { "s.json": '{"form": "dense"}' },
    code: 2,
    names: /form.*"dense"/,
  },
  {
    name: "solver settings in simulate's --config",
    args: ["simulate", ...SMALL, "--config", "s.json"],
    files: { "s.json": '{"rtol": 1e-6}' },
    code: 2,
    names: /s\.json: rtol.*theory and compare/,
  },
  // 2. tolerances bounded
  { name: "--atol 1", args: ["theory", ...SMALL, "--atol", "1"], code: 2, names: /atol.*0\.001/ },
  { name: "--rtol 0.5", args: ["theory", ...SMALL, "--rtol", "0.5"], code: 2, names: /rtol/ },
  // 3. derived quantities, named by the parameter given
  {
    name: "--spikes 1e200",
    args: ["simulate", ...SMALL, "--spikes", "1e200"],
    code: 2,
    names: /--spikes/,
  },
  {
    name: "--sigma 1e200",
    args: ["simulate", ...SMALL, "--sigma", "1e200"],
    code: 2,
    names: /--sigma\b/,
  },
  {
    name: "--sigma0 1e200",
    args: ["simulate", ...SMALL, "--sigma0", "1e200"],
    code: 2,
    names: /--sigma0/,
  },
  {
    name: "--spikes 1e160 --no-normalise",
    args: ["simulate", ...SMALL, "--spikes", "1e160", "--no-normalise"],
    code: 2,
    names: /--spikes/,
  },
  // 4. grids validated before the run
  {
    name: "--times 0",
    args: ["simulate", ...SMALL, "--times", "0", "--out", "o"],
    code: 2,
    names: /--times/,
  },
  {
    name: "--t-max 1e-9",
    args: ["simulate", "--D", "30", "--t-max", "1e-9"],
    code: 2,
    names: /--t-max/,
  },
  // 5. output paths checked before the run
  {
    name: "--out in /proc",
    args: ["simulate", ...SMALL, "--out", "/proc/nope"],
    code: 2,
    names: /--out/,
  },
  {
    name: "--out under a file",
    args: ["simulate", ...SMALL, "--out", "f.txt/sub"],
    files: { "f.txt": "x" },
    code: 2,
    names: /--out.*f\.txt is a file/,
  },
  {
    name: "--save-init a directory",
    args: ["theory", ...SMALL, "--save-init", "/tmp"],
    code: 2,
    names: /--save-init/,
  },
  {
    name: "--save-spectrum in no directory",
    args: ["simulate", ...SMALL, "--save-spectrum", "/nodir/x.json"],
    code: 2,
    names: /--save-spectrum/,
  },
  // 9. realdata against the data set's D (784 for MNIST): refused before the images are read
  { name: "realdata --K 785", args: ["realdata", "--K", "785"], code: 2, names: /K <= D = 784/ },
  {
    name: "realdata --dataset imagenet",
    args: ["realdata", "--dataset", "imagenet"],
    code: 2,
    names: /--dataset/,
  },
  // 10. positionals are not picked out by value
  {
    name: "run p.json --out p.json",
    args: ["run", "p.json", "--out", "p.json"],
    files: { "p.json": "{}" },
    code: 2,
    names: /--out/,
  },
  {
    name: "run with two presets",
    args: ["run", "a.json", "b.json"],
    code: 2,
    names: /unexpected argument/i,
  },
  {
    name: "download imagenet",
    args: ["download", "imagenet"],
    code: 2,
    names: /data set.*imagenet/,
  },
  // 11. names in messages
  {
    name: "a covariance file with a bad row 0",
    args: ["simulate", "--K", "2", "--t-max", "2", "--spectrum", "c.json"],
    files: { "c.json": spec },
    code: 2,
    names: /--spectrum c\.json: eigenvectors\[0\]/,
  },
  {
    name: "--init with 1e300 weights",
    args: ["simulate", "--D", "4", "--K", "1", "--t-max", "2", "--init", "w.json"],
    files: { "w.json": JSON.stringify({ W: [[1e300, 0, 0, 0]], V: [[0, 0, 0, 1]] }) },
    code: 2,
    names: /init\.W/,
  },
  {
    name: "a preset with longTime -5",
    args: ["run", "t.json", "--size", "reduced"],
    files: {
      "t.json": JSON.stringify({
        experiment: "tied",
        title: "t",
        claim: "c",
        problem: {},
        longTime: -5,
      }),
    },
    code: 2,
    names: /t\.json: longTime/,
  },
  {
    name: "realdata --split-seed -4",
    args: ["realdata", "--split-seed", "-4"],
    code: 2,
    names: /--split-seed/,
  },
  {
    name: "a demo config holding a string",
    args: ["demo", "--config", "h.json"],
    files: { "h.json": '"hello"' },
    code: 2,
    names: /--config h\.json/,
  },
  {
    name: "initial weights with no rows",
    args: ["simulate", ...SMALL, "--init", "w.json"],
    files: { "w.json": '{"W": [], "V": []}' },
    code: 2,
    names: /--init w\.json: W/,
  },
  // 12. no longer silently accepted
  {
    name: "a config file holding null",
    args: ["simulate", ...SMALL, "--config", "n.json"],
    files: { "n.json": "null" },
    code: 2,
    names: /--config n\.json/,
  },
  { name: "--D 20 --D 30", args: ["simulate", "--D", "20", "--D", "30"], code: 2, names: /--D/ },
  { name: "--out ''", args: ["simulate", ...SMALL, "--out", ""], code: 2, names: /--out/ },
  { name: "--D 0x20", args: ["simulate", "--D", "0x20"], code: 2, names: /--D/ },
  // the classics
  { name: "an unknown flag", args: ["simulate", "--frobnicate"], code: 2, names: /frobnicate/ },
  { name: "an unknown command", args: ["simulat"], code: 2, names: /simulat/ },
  {
    name: "a missing --init file",
    args: ["simulate", ...SMALL, "--init", "none.json"],
    code: 2,
    names: /--init/,
  },
  {
    name: "a truncated IDX file",
    args: ["realdata", "--dataset", "fashion-mnist", "--path", "d", "--t-max", "1"],
    files: {
      "d/train-images-idx3-ubyte": "\x00\x00\x08\x03\x00\x00\x00\x05",
      "d/t10k-images-idx3-ubyte": "\x00\x00\x08\x03",
    },
    code: 2,
    names: /train-images-idx3-ubyte/,
  },
  // a run that fails: exit 1
  // sweeps: the spec and every point are checked before anything is written
  {
    name: "a sweep axis that is no problem key",
    args: ["sweep", "s.json", "--out", "o"],
    files: { "s.json": '{"problem": {}, "axes": {"learning_rate": [1]}}' },
    code: 2,
    names: /s\.json: axes key.*"learning_rate".*network\.K/,
  },
  {
    name: "a sweep point that does not resolve",
    args: ["sweep", "s.json", "--out", "o"],
    files: { "s.json": '{"problem": {"data": {"D": 4}}, "axes": {"network.K": [2, 5]}}' },
    code: 2,
    names: /point 1: network\.K = 5/,
  },
  {
    name: "a merge of a directory that holds no sweep",
    args: ["sweep", "--merge", "d"],
    files: { "d/x.txt": "x" },
    code: 2,
    names: /--merge: got "d"; allowed: the directory of a sweep: DIR\/spec\.json/,
  },
  {
    name: "a learning rate that diverges",
    args: [
      "simulate",
      "--D",
      "50",
      "--K",
      "2",
      "--activation",
      "linear",
      "--lr",
      "500",
      "--t-max",
      "50",
    ],
    code: 1,
    names: /diverged at t = /,
  },
];

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, prefix: string) => {
    for await (const e of Deno.readDir(d)) {
      out.push(`${prefix}${e.name}`);
      if (e.isDirectory) await walk(`${d}/${e.name}`, `${prefix}${e.name}/`);
    }
  };
  await walk(dir, "");
  return out.sort();
}

for (const c of CASES) {
  Deno.test(`cli error path: ${c.name} -> exit ${c.code}, named, nothing written`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      for (const [name, text] of Object.entries(c.files ?? {})) {
        const path = `${dir}/${name}`;
        await Deno.mkdir(path.replace(/\/[^/]*$/, ""), { recursive: true });
        await Deno.writeFile(path, Uint8Array.from(text, (ch) => ch.charCodeAt(0)));
      }
      const before = await listing(dir);
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", CLI, ...c.args],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, c.code, `${c.args.join(" ")}: ${stderr}`);
      const lines = stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, `one line: ${stderr}`);
      assert.match(lines[0], /^aedyn: /);
      assert.match(lines[0], c.names);
      assert.deepEqual(await listing(dir), before, "the working directory is unchanged");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
