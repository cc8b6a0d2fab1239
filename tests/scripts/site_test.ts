/**
 * `deno task site --out DIR` never deletes what it did not make (issue 16,
 * defect 1: it removed a user's folder, and `--out .` the checkout): it
 * builds into a staging directory beside DIR and swaps it in only over a
 * site it built (its marker, or a build.json listing every file) or an
 * empty directory; anything else is refused with exit 2, one line, before
 * any work, and left as it was.
 * @module
 */
import assert from "node:assert/strict";
import { checkSiteOut, MARKER, swapIn } from "../../scripts/site.ts";
import { ConfigError } from "../../src/core/errors.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const SITE = `${ROOT}scripts/site.ts`;

async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, prefix: string) => {
    for await (const e of Deno.readDir(d)) {
      const st = await Deno.lstat(`${d}/${e.name}`);
      const body = st.isFile ? await Deno.readTextFile(`${d}/${e.name}`) : "";
      out.push(`${prefix}${e.name} ${st.mode} ${st.mtime?.getTime()} ${body}`);
      if (st.isDirectory) await walk(`${d}/${e.name}`, `${prefix}${e.name}/`);
    }
  };
  await walk(dir, "");
  return out.sort();
}

async function site(args: string[], cwd: string) {
  await Deno.mkdir(`${ROOT}.cache`, { recursive: true });
  await Deno.copyFile(`${ROOT}deno.lock`, `${ROOT}.cache/site.lock`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--lock=${ROOT}.cache/site.lock`, SITE, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** A user's folder: a thesis, a sub-folder, a hidden one (a checkout's .git). */
async function userFolder(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/chapters`, { recursive: true });
  await Deno.mkdir(`${dir}/.git`);
  await Deno.writeTextFile(`${dir}/thesis.tex`, "\\documentclass{book}");
  await Deno.writeTextFile(`${dir}/chapters/one.tex`, "\\chapter{One}");
  await Deno.writeTextFile(`${dir}/.git/HEAD`, "ref: refs/heads/main");
}

const REFUSED: [string, (dir: string) => Promise<string>, RegExp][] = [
  ["--out . (a checkout)", async (d) => {
    await userFolder(d);
    return ".";
  }, /^error: invalid --out: got "\. \(not a site this script built/],
  ["--out a user's folder with thesis.tex and a sub-folder", async (d) => {
    await userFolder(`${d}/mine`);
    return "mine";
  }, /invalid --out: got "mine \(not a site this script built/],
  ["--out a user's folder, given with a trailing slash", async (d) => {
    await userFolder(`${d}/mine`);
    return "mine/";
  }, /invalid --out: got "mine \(not a site/],
  ["--out a site that was built, to which a user added a file", async (d) => {
    await Deno.mkdir(`${d}/site`);
    await Deno.writeTextFile(
      `${d}/site/build.json`,
      JSON.stringify({ files: [{ file: "app.js" }] }),
    );
    await Deno.writeTextFile(`${d}/site/app.js`, "x");
    await Deno.writeTextFile(`${d}/site/${MARKER}`, "x");
    await Deno.writeTextFile(`${d}/site/notes.md`, "mine");
    return "site";
  }, /invalid --out: got "site \(holds files this script did not make: notes\.md\)"/],
  ["--out a symlink to a user's folder", async (d) => {
    await userFolder(`${d}/mine`);
    await Deno.symlink("mine", `${d}/link`);
    return "link";
  }, /invalid --out: got "link \(a symlink: name the directory itself\)"/],
];

for (const [name, setup, message] of REFUSED) {
  Deno.test(`deno task site: ${name} is refused with exit 2 before any work, untouched`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const out = await setup(dir);
      const before = await snapshot(dir);
      const started = performance.now();
      const r = await site(["--out", out], dir);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], message);
      assert.deepEqual(await snapshot(dir), before, "nothing changed");
      assert.ok(performance.now() - started < 30_000, "refused before the bundler ran");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("site: the swap replaces only a site it built (marker or a build.json listing every file)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const staging = async () => {
      const s = `${dir}/.staging-${crypto.randomUUID()}`;
      await Deno.mkdir(s);
      await Deno.writeTextFile(`${s}/index.html`, "new");
      return s;
    };
    // an earlier build without the marker: every file listed in its build.json
    await Deno.mkdir(`${dir}/old`);
    await Deno.writeTextFile(`${dir}/old/index.html`, "old");
    await Deno.writeTextFile(
      `${dir}/old/build.json`,
      JSON.stringify({ files: [{ file: "index.html" }] }),
    );
    await swapIn(await staging(), `${dir}/old`);
    assert.equal(await Deno.readTextFile(`${dir}/old/index.html`), "new");
    // an empty directory, and no directory at all
    await Deno.mkdir(`${dir}/empty`);
    await swapIn(await staging(), `${dir}/empty`);
    await swapIn(await staging(), `${dir}/fresh`);
    assert.equal(await Deno.readTextFile(`${dir}/fresh/index.html`), "new");
    // a directory with a file no build.json lists: refused, both left as they were
    await Deno.mkdir(`${dir}/user`);
    await Deno.writeTextFile(`${dir}/user/thesis.tex`, "mine");
    const s = await staging();
    await assert.rejects(() => swapIn(s, `${dir}/user`), ConfigError);
    assert.equal(await Deno.readTextFile(`${dir}/user/thesis.tex`), "mine");
    assert.equal(await Deno.readTextFile(`${s}/index.html`), "new");
    assert.throws(() => checkSiteOut(`${dir}/user`), /--out/);
    // only the directories named above, the refused staging one, and nothing moved aside
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names.filter((n) => !n.startsWith(".staging-")), [
      "empty",
      "fresh",
      "old",
      "user",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task site rebuilds over a site it built (one build: about 10 s); the parent's files stay", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await userFolder(dir);
    const before = await snapshot(dir);
    // an earlier build (its marker, build.json and a chunk of its own)
    await Deno.mkdir(`${dir}/site`);
    await Deno.writeTextFile(`${dir}/site/chunk-OLD.js`, "old");
    await Deno.writeTextFile(
      `${dir}/site/build.json`,
      JSON.stringify({ files: [{ file: "chunk-OLD.js" }] }),
    );
    await Deno.writeTextFile(`${dir}/site/${MARKER}`, "built");
    const r = await site(["--out", "site"], dir);
    assert.equal(r.code, 0, r.stderr);
    const built = JSON.parse(await Deno.readTextFile(`${dir}/site/build.json`));
    const names = [...Deno.readDirSync(`${dir}/site`)].map((e) => e.name).sort();
    assert.deepEqual(
      names,
      [...built.files.map((f: { file: string }) => f.file), "build.json", MARKER].sort(),
      "exactly the new build: the old chunk is gone",
    );
    assert.ok(!names.includes("chunk-OLD.js"));
    // beside site/: the user's files as they were, no staging or old directory left
    const after = (await snapshot(dir)).filter((l) => !l.startsWith("site"));
    assert.deepEqual(after, before);
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      [".git", "chapters", "site", "thesis.tex"],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
