/**
 * Files and what a run leaves behind (issue 16, part A), run as a user runs
 * the CLI: every output path that is not a regular file (or absent) is
 * refused before any work with exit 2 and one line naming the flag,
 * without hanging on a FIFO and without touching anything; a symlink is
 * written through; the files of a run appear together or not at all (a
 * full disk leaves no result.json); temporaries of dead writers are
 * cleaned, nothing else. The lock: lock_test.ts; the guarantee per
 * command: untouched_test.ts.
 * @module
 */
import assert from "node:assert/strict";
import { tempPath } from "../../src/cli/io.ts";
import {
  changes,
  cli,
  deadPid,
  exists,
  existsOnSystem,
  holdAsLive,
  mkfifo,
  SMALL,
  snapshot,
} from "./_files.ts";

interface Refusal {
  name: string;
  args: string[];
  /** Make the hostile files in the working directory. */
  setup?: (dir: string) => Promise<void> | void;
  names: RegExp;
  /** Checked afterwards, e.g. that a device is still a device. */
  after?: () => void;
  ignore?: boolean;
}

const REFUSALS: Refusal[] = [
  {
    name: "--save-init /dev/null (a device node: it stays one)",
    args: ["theory", ...SMALL, "--save-init", "/dev/null"],
    names: /^aedyn: invalid --save-init: got "\/dev\/null \(a device\)"/,
    after: () => assert.ok(Deno.statSync("/dev/null").isCharDevice, "/dev/null is a device"),
  },
  {
    name: "--save-init onto a FIFO (refused, never opened: no hang)",
    args: ["theory", ...SMALL, "--save-init", "fifo"],
    setup: (d) => mkfifo(`${d}/fifo`),
    names: /--save-init: got "fifo \(a FIFO\)"/,
  },
  {
    name: "--save-init /dev/stdout",
    args: ["theory", ...SMALL, "--save-init", "/dev/stdout"],
    names: /--save-init: got "\/dev\/stdout \(a symlink to (a FIFO|a device|nothing)\)"/,
  },
  {
    name: "--save-init /proc/self/comm (a kernel file, no temporary beside it)",
    args: ["theory", ...SMALL, "--save-init", "/proc/self/comm"],
    names: /--save-init: got "\/proc\/self\/comm \(no file can be written in \/proc\/self/,
    ignore: !existsOnSystem("/proc/self/comm"),
  },
  {
    name: "--save-spectrum /proc/self/new.json",
    args: ["simulate", ...SMALL, "--save-spectrum", "/proc/self/new.json"],
    names: /--save-spectrum: got "\/proc\/self\/new\.json/,
    ignore: !existsOnSystem("/proc/self"),
  },
  {
    name: "--save-init a symlink to nothing",
    args: ["theory", ...SMALL, "--save-init", "dangling.json"],
    setup: (d) => Deno.symlinkSync("nowhere/none.json", `${d}/dangling.json`),
    names: /--save-init: got "dangling\.json \(a symlink to nothing\)"/,
  },
  {
    name: "--save-init a symlink to a FIFO",
    args: ["theory", ...SMALL, "--save-init", "link.json"],
    setup: (d) => {
      mkfifo(`${d}/fifo`);
      Deno.symlinkSync("fifo", `${d}/link.json`);
    },
    names: /--save-init: got "link\.json \(a symlink to a FIFO\)"/,
  },
  {
    name: "--save-spectrum onto a socket",
    args: ["simulate", ...SMALL, "--save-spectrum", "sock"],
    setup: (d) => {
      // a socket file with no listener (Deno's listener removes its file when closed)
      const py = "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])";
      const r = new Deno.Command("python3", { args: ["-c", py, `${d}/sock`] }).outputSync();
      if (!r.success) throw new Error("python3 could not make a socket");
    },
    names: /--save-spectrum: got "sock \(a socket\)"/,
    ignore: !exists("/usr/bin/python3"),
  },
  {
    name: "--save-init in a read-only file system (/sys)",
    args: ["theory", ...SMALL, "--save-init", "/sys/aedyn-w.json"],
    names: /^aedyn: invalid --save-init: got "\/sys\/aedyn-w\.json \(/,
    ignore: !existsOnSystem("/sys/kernel"),
  },
  {
    name: "--save-init in a directory that does not exist",
    args: ["theory", ...SMALL, "--save-init", "nodir/w.json"],
    names: /--save-init: got "nodir\/w\.json"; allowed: a file in an existing directory/,
  },
  {
    name: "--save-spectrum the same file as --save-init through a symlink",
    args: ["simulate", ...SMALL, "--save-init", "w.json", "--save-spectrum", "alias.json"],
    setup: (d) => {
      Deno.writeTextFileSync(`${d}/w.json`, "mine");
      Deno.symlinkSync("w.json", `${d}/alias.json`);
    },
    names: /--save-spectrum: got "alias\.json \(the same file as --save-init's\)"/,
  },
  {
    name: "--save-init one of the files the run writes into --out",
    args: ["simulate", ...SMALL, "--out", "o", "--save-init", "o/result.json"],
    setup: (d) => Deno.mkdirSync(`${d}/o`),
    names: /--save-init: got "o\/result\.json \(a file the run writes into o\)"/,
  },
  {
    name: "--out whose result.json is a directory",
    args: ["simulate", ...SMALL, "--out", "o"],
    setup: (d) => Deno.mkdirSync(`${d}/o/result.json`, { recursive: true }),
    names: /--out: got "o \(o\/result\.json is a directory\)"/,
  },
  {
    name: "--out whose result.json is a FIFO",
    args: ["theory", ...SMALL, "--out", "o"],
    setup: (d) => {
      Deno.mkdirSync(`${d}/o`);
      mkfifo(`${d}/o/result.json`);
    },
    names: /--out: got "o \(o\/result\.json is a FIFO\)"/,
  },
  {
    name: "--out whose figure is a symlink to /dev/null",
    args: ["simulate", ...SMALL, "--out", "o"],
    setup: (d) => {
      Deno.mkdirSync(`${d}/o`);
      Deno.symlinkSync("/dev/null", `${d}/o/error_curve.svg`);
    },
    names: /--out: got "o \(o\/error_curve\.svg is a symlink to a device\)"/,
  },
  {
    name: "--out whose checkpoint file is a directory",
    args: ["simulate", ...SMALL, "--out", "o"],
    setup: (d) => Deno.mkdirSync(`${d}/o/.partial/run-1.json`, { recursive: true }),
    names: /--out: got "o\/\.partial \(o\/\.partial\/run-1\.json is a directory\)"/,
  },
  {
    name: "--out a symlink to a file",
    args: ["theory", ...SMALL, "--out", "o"],
    setup: (d) => {
      Deno.writeTextFileSync(`${d}/thesis.tex`, "\\documentclass{article}");
      Deno.symlinkSync("thesis.tex", `${d}/o`);
    },
    names:
      /--out: got "o"; allowed: a directory, or a path where one can be created \(this is a file\)/,
  },
];

for (const c of REFUSALS) {
  Deno.test({
    name: `files: ${c.name} -> exit 2 naming the flag, nothing touched`,
    ignore: c.ignore ?? false,
    async fn() {
      const dir = await Deno.makeTempDir();
      try {
        Deno.writeTextFileSync(`${dir}/notes.txt`, "the user's");
        await c.setup?.(dir);
        const before = await snapshot(dir);
        const r = await cli(c.args, dir);
        assert.equal(r.signal, null, `killed: it hung (${r.stderr})`);
        assert.equal(r.code, 2, `${c.args.join(" ")}: ${r.stderr}`);
        const lines = r.stderr.trimEnd().split("\n");
        assert.equal(lines.length, 1, `one line: ${r.stderr}`);
        assert.match(lines[0], c.names);
        assert.deepEqual(changes(before, await snapshot(dir)), [], "nothing changed");
        c.after?.();
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test("files: --save-init through a symlink writes the file it points to; the link stays", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/data`);
    await Deno.writeTextFile(`${dir}/data/w.json`, "old");
    await Deno.symlink("data/w.json", `${dir}/link.json`);
    const r = await cli(["theory", ...SMALL, "--quiet", "--save-init", "link.json"], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok((await Deno.lstat(`${dir}/link.json`)).isSymlink, "the link is still a link");
    assert.equal(await Deno.readLink(`${dir}/link.json`), "data/w.json");
    const w = JSON.parse(await Deno.readTextFile(`${dir}/data/w.json`));
    assert.equal(w.W.length, 2, "the weights went to the link's target");
    assert.deepEqual(
      [...Deno.readDirSync(`${dir}/data`)].map((e) => e.name),
      ["w.json"],
      "no temporary left",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("files: a sweep whose point file is a directory is refused up front (exit 2, naming --out)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const spec = {
      problem: { data: { D: 20 }, network: { K: 1 }, tMax: 1, nTimes: 3, nTest: 20 },
      axes: { lr: [0.5, 1] },
      run: ["theory"],
    };
    await Deno.writeTextFile(`${dir}/s.json`, JSON.stringify(spec));
    const first = await cli(["sweep", "s.json", "--out", "o", "--quiet", "--workers", "1"], dir);
    assert.equal(first.code, 0, first.stderr);
    const point = [...Deno.readDirSync(`${dir}/o/points`)][0].name;
    await Deno.remove(`${dir}/o/points/${point}`);
    await Deno.mkdir(`${dir}/o/points/${point}`);
    const before = await snapshot(dir);
    const r = await cli(["sweep", "s.json", "--out", "o", "--quiet", "--workers", "1"], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`--out: got "o/points \\(o/points/${point} is a directory`));
    assert.deepEqual(changes(before, await snapshot(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A name of a temporary this package makes, as a process `pid` of this host would. */
function tempOf(dir: string, name: string, pid: number): string {
  return tempPath(`${dir}/${name}`).replace(/-\d+-([0-9a-z]{6})\.tmp$/, `-${pid}-$1.tmp`);
}

Deno.test("files: temporaries of dead writers are cleaned by the next run; nothing else is", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dead = await deadPid();
    const o = `${dir}/o`;
    await Deno.mkdir(`${o}/points`, { recursive: true });
    const stale = [
      tempOf(o, "result.json", dead), // a SIGKILL during the write of result.json
      `${o}/result.json.1a2b3c4d.tmp`, // an earlier version's name for the same
    ];
    const kept = [
      tempOf(o, "result.json", Deno.pid), // a live writer (this test process)
      `${o}/notes.1a2b3c4d.tmp`, // a user's file of the same form, not one the package writes
      `${o}/.result.json.aedyn-mine.tmp`, // a user's look-alike
      `${o}/draft.tmp`,
    ];
    for (const p of [...stale, ...kept]) await Deno.writeTextFile(p, "partial");
    const live = holdAsLive(kept[0]); // a live writer holds its temporary
    const r = await cli(["simulate", ...SMALL, "--quiet", "--out", "o"], dir);
    live.close();
    assert.equal(r.code, 0, r.stderr);
    for (const p of stale) assert.ok(!exists(p), `${p} is removed`);
    for (const p of kept) assert.equal(await Deno.readTextFile(p), "partial", `${p} is kept`);
    assert.ok(exists(`${o}/result.json`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("files: a sweep cleans the temporaries a SIGKILL left in points/, and only those", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const spec = {
      problem: { data: { D: 20 }, network: { K: 1 }, tMax: 1, nTimes: 3, nTest: 20 },
      axes: { lr: [0.5] },
      run: ["theory"],
    };
    await Deno.writeTextFile(`${dir}/s.json`, JSON.stringify(spec));
    const pts = `${dir}/o/points`;
    await Deno.mkdir(pts, { recursive: true });
    const dead = await deadPid();
    const stale = [
      tempOf(pts, "0123456789abcdef.json", dead),
      `${pts}/0123456789abcdef.json.deadbeef.tmp`,
    ];
    const kept = [
      tempOf(pts, "fedcba9876543210.json", Deno.pid),
      `${pts}/readme.txt`,
      `${pts}/readme.txt.deadbeef.tmp`,
    ];
    for (const p of [...stale, ...kept]) await Deno.writeTextFile(p, "partial");
    const live = holdAsLive(kept[0]); // a shard's point being written
    const r = await cli(["sweep", "s.json", "--out", "o", "--quiet", "--workers", "1"], dir);
    live.close();
    assert.equal(r.code, 0, r.stderr);
    for (const p of stale) assert.ok(!exists(p), `${p} is removed`);
    for (const p of kept) assert.equal(await Deno.readTextFile(p), "partial", `${p} is kept`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Mount a tmpfs of `kb` KB at `dir` (root only); false when this machine does not allow it. */
function mountSmall(dir: string, kb: number): boolean {
  try {
    return new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", `size=${kb}k`, "tmpfs", dir],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

Deno.test("files: on a full disk no complete-looking result.json is left beside missing figures", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    // 64 KB: result.json (about 9 KB) fits, the figures (about 110 KB) do not
    if (!mountSmall(dir, 64)) {
      await t.step({ name: "needs a tmpfs mount (root)", ignore: true, fn() {} });
      return;
    }
    try {
      await Deno.writeTextFile(`${dir}/thesis.tex`, "the user's");
      const r = await cli(["simulate", ...SMALL, "--quiet", "--out", "o"], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
      const left = [...Deno.readDirSync(`${dir}/o`)].map((e) => e.name).filter((n) =>
        n !== ".partial"
      );
      assert.deepEqual(left, [], "no result.json, no figure, no temporary");
      assert.equal(await Deno.readTextFile(`${dir}/thesis.tex`), "the user's");
      // the finished seed is kept for the rerun
      assert.deepEqual([...Deno.readDirSync(`${dir}/o/.partial`)].map((e) => e.name), [
        "run-1.json",
      ]);
    } finally {
      new Deno.Command("umount", { args: [dir] }).outputSync();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
