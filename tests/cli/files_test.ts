/**
 * Files, locks and what a run leaves behind (issue 16, part A), run as a
 * user runs the CLI: every output path that is not a regular file (or
 * absent) is refused before any work with exit 2 and one line naming the
 * flag, without hanging on a FIFO and without touching anything; a symlink
 * is written through; the files of a run appear together or not at all (a
 * full disk leaves no result.json); temporaries of dead writers are
 * cleaned, nothing else; the lock is taken over by exactly one of several
 * simultaneous takers, and only from a provably dead holder.
 * @module
 */
import assert from "node:assert/strict";
import { tempPath, thisHolder } from "../../src/cli/io.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = `${ROOT}cli.ts`;
const TAKER = `${ROOT}tests/cli/_lock_taker.ts`;
const SMALL = ["--D", "30", "--K", "2", "--t-max", "2", "--n-times", "3", "--n-test", "50"];

/** Everything under `dir`, not following links: type, size, content, link target, mtime. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string, prefix: string) => {
    for await (const e of Deno.readDir(d)) {
      const path = `${d}/${e.name}`;
      const st = await Deno.lstat(path);
      let what = `${st.mode} ${st.mtime?.getTime()}`;
      if (st.isSymlink) what += ` -> ${await Deno.readLink(path)}`;
      else if (st.isFile) what += ` ${new TextDecoder().decode(await Deno.readFile(path))}`;
      else if (st.isDirectory) what += " dir";
      else what += " special";
      out.set(`${prefix}${e.name}`, what);
      if (st.isDirectory) await walk(path, `${prefix}${e.name}/`);
    }
  };
  await walk(dir, "");
  return out;
}

/** The entries that changed, appeared or disappeared between two snapshots. */
function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of before) if (after.get(k) !== v) out.push(after.has(k) ? `~${k}` : `-${k}`);
  for (const k of after.keys()) if (!before.has(k)) out.push(`+${k}`);
  return out.sort();
}

/** Run the CLI in `cwd` (killed after `timeout` ms: a hang fails the test, it never blocks it). */
async function cli(args: string[], cwd: string, timeout = 60_000) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeout),
  }).output();
  return { code: out.code, signal: out.signal, stderr: new TextDecoder().decode(out.stderr) };
}

function mkfifo(path: string): void {
  const r = new Deno.Command("mkfifo", { args: [path] }).outputSync();
  if (!r.success) throw new Error(`mkfifo ${path} failed`);
}

/** Hold an advisory lock on `path` as a live writer or lock holder does; close to let go. */
function holdAsLive(path: string): Deno.FsFile {
  const f = Deno.openSync(path, { read: true });
  f.lockSync(true);
  return f;
}

/** A PID that no process has: one of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

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

const exists = (p: string) => {
  try {
    Deno.lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

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
    ignore: !exists("/proc/self/comm"),
  },
  {
    name: "--save-spectrum /proc/self/new.json",
    args: ["simulate", ...SMALL, "--save-spectrum", "/proc/self/new.json"],
    names: /--save-spectrum: got "\/proc\/self\/new\.json/,
    ignore: !exists("/proc/self"),
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
    ignore: !exists("/sys/kernel"),
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

// ------------------------------------------------------------------ the lock

/** Start `n` processes that take the lock of `dir` at the same instant; their outcomes. */
async function takers(dir: string, n: number, perms = ["-A"]): Promise<string[]> {
  const at = Date.now() + 2500; // every process started and compiled by then
  const children = Array.from({ length: n }, () =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", ...perms, TAKER, dir, String(at), "1500"],
      stdout: "piped",
      stderr: "piped",
    }).output());
  return (await Promise.all(children)).map((o) =>
    new TextDecoder().decode(o.stdout).trim() || new TextDecoder().decode(o.stderr)
  );
}

Deno.test("lock: of several simultaneous takers over a stale lock, exactly one wins, every time", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (let trial = 0; trial < 3; trial++) {
      const d = `${dir}/o${trial}`;
      await Deno.mkdir(d);
      const dead = { ...thisHolder(), pid: await deadPid(), start: "1" };
      await Deno.writeTextFile(`${d}/.lock`, JSON.stringify(dead));
      const outcomes = await takers(d, 4);
      const won = outcomes.filter((o) => o === "won").length;
      assert.equal(won, 1, `trial ${trial}: ${outcomes.join(" | ")}`);
      for (const o of outcomes.filter((o) => o !== "won")) {
        assert.match(o, /^refused invalid --out: got ".* \(in use by process \d+ on /);
      }
      assert.ok(!exists(`${d}/.lock`), "released by the winner");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lock: holds host, boot, PID and start time; a live holder is refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // this test process is alive and holds its lock as every holder does
    await Deno.writeTextFile(`${dir}/.lock`, JSON.stringify(thisHolder()));
    const held = holdAsLive(`${dir}/.lock`);
    try {
      const [outcome] = await takers(dir, 1);
      assert.match(outcome, new RegExp(`in use by process ${Deno.pid} on `));
      // without --allow-all Deno refuses /proc: the advisory lock is the proof of life
      const [restricted] = await takers(dir, 1, ["--allow-read", "--allow-write"]);
      assert.match(restricted, new RegExp(`in use by process ${Deno.pid} on `));
    } finally {
      held.close();
    }
    const h = thisHolder();
    assert.ok(h.host.length > 0 && h.pid === Deno.pid && h.started.length > 0);
    if (exists("/proc/self/stat")) assert.match(h.start, /^\d+$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lock: without --allow-all (no /proc), a dead holder is known by its released advisory lock", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dead = { ...thisHolder(), pid: await deadPid() };
    await Deno.writeTextFile(`${dir}/.lock`, JSON.stringify(dead));
    const outcomes = await takers(dir, 3, ["--allow-read", "--allow-write"]);
    assert.equal(outcomes.filter((o) => o === "won").length, 1, outcomes.join(" | "));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lock: the same PID with another start time is dead, and its lock is taken over", async () => {
  const dir = await Deno.makeTempDir();
  try {
    if (!exists("/proc/self/stat")) return;
    // this live process's PID, but started at another time: a PID reused since
    const reused = { ...thisHolder(), start: "1" };
    await Deno.writeTextFile(`${dir}/.lock`, JSON.stringify(reused));
    assert.deepEqual(await takers(dir, 1), ["won"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lock: another host's lock is never taken over; the message says how to clear it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const other = { ...thisHolder(), host: "node-17.cluster", pid: await deadPid() };
    await Deno.writeTextFile(`${dir}/.lock`, JSON.stringify(other));
    const [outcome] = await takers(dir, 1);
    assert.match(outcome, /in use by process \d+ on node-17\.cluster/);
    assert.match(outcome, /another host is never taken over: if no run is writing there, remove /);
    assert.equal(await Deno.readTextFile(`${dir}/.lock`), JSON.stringify(other), "untouched");
    // an unreadable lock (or one of an earlier version, without a host) is not judged either
    await Deno.writeTextFile(`${dir}/.lock`, "garbage");
    const [garbage] = await takers(dir, 1);
    assert.match(garbage, /an unreadable lock.*remove .*\.lock/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ------------------------------------------- the general guarantee, per command

/** A working directory full of a user's files (and one FIFO, which nothing may open). */
async function userFiles(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/notes/figures`, { recursive: true });
  await Deno.writeTextFile(`${dir}/thesis.tex`, "\\documentclass{book}");
  await Deno.writeTextFile(`${dir}/notes/a.txt`, "the user's notes");
  await Deno.writeTextFile(`${dir}/notes/result.json.bak`, "{}");
  await Deno.writeTextFile(`${dir}/notes/figures/plot.svg`, "<svg/>");
  await Deno.writeTextFile(`${dir}/w.json`, "an older file the user names as an output");
  await Deno.symlink("thesis.tex", `${dir}/link.tex`);
  mkfifo(`${dir}/pipe`);
  await Deno.writeTextFile(
    `${dir}/s.json`,
    JSON.stringify({
      problem: { data: { D: 20 }, network: { K: 1 }, tMax: 1, nTimes: 3, nTest: 20 },
      axes: { lr: [0.5, 1] },
      run: ["theory"],
    }),
  );
}

interface General {
  command: string;
  /** The arguments of a run that succeeds, and the outputs it names. */
  ok: string[];
  outputs: string[];
  /** The same command aimed at a user's file: refused. */
  hostile: string[];
  /** Arguments before the command's (cli.ts by default). */
  script?: string;
}

const GENERAL: General[] = [
  {
    command: "simulate",
    ok: ["simulate", ...SMALL, "--out", "notes", "--save-init", "w.json", "--save-spectrum", "sp"],
    outputs: ["notes", "w.json", "sp"],
    hostile: ["simulate", ...SMALL, "--out", "thesis.tex"],
  },
  {
    command: "theory",
    ok: ["theory", ...SMALL, "--out", "o"],
    outputs: ["o"],
    hostile: ["theory", ...SMALL, "--save-init", "pipe"],
  },
  {
    command: "compare",
    ok: ["compare", ...SMALL, "--out", "o", "--no-svg"],
    outputs: ["o"],
    hostile: ["compare", ...SMALL, "--out", "link.tex"],
  },
  {
    command: "pca",
    ok: ["pca", "--D", "30", "--K", "2", "--save-spectrum", "w.json"],
    outputs: ["w.json"],
    hostile: ["pca", "--D", "30", "--K", "2", "--save-spectrum", "notes"],
  },
  {
    command: "run",
    ok: ["run", `${ROOT}examples/components.json`, "--size", "reduced", "--out", "o"],
    outputs: ["o"],
    hostile: ["run", `${ROOT}examples/components.json`, "--out", "notes/a.txt/x"],
  },
  {
    command: "sweep",
    ok: ["sweep", "s.json", "--out", "o", "--workers", "1"],
    outputs: ["o"],
    hostile: ["sweep", "s.json", "--out", "pipe"],
  },
  {
    command: "figures",
    script: `${ROOT}scripts/figures.ts`,
    ok: ["--reduced", "--only", "components", "--workers", "1", "--out", "notes"],
    outputs: ["notes"],
    hostile: ["--reduced", "--only", "components", "--out", "thesis.tex"],
  },
  {
    command: "site",
    script: `${ROOT}scripts/site.ts`,
    ok: [],
    outputs: [],
    hostile: ["--out", "notes"],
  },
];

/** Changes outside the named outputs, or to a file that stood inside one before. */
function forbidden(
  before: Map<string, string>,
  after: Map<string, string>,
  outputs: string[],
): string[] {
  return changes(before, after).filter((c) => {
    const path = c.slice(1);
    const named = outputs.find((o) => path === o || path.startsWith(`${o}/`));
    if (named === undefined) return true;
    if (path === named) return false; // the output itself: written (a directory: its entries)
    return c[0] !== "+"; // inside an output directory: only new files
  });
}

for (const g of GENERAL) {
  Deno.test(`files: ${g.command} changes nothing but its named outputs in a directory of user files`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      await userFiles(dir);
      const run = (args: string[]) =>
        g.script
          ? new Deno.Command(Deno.execPath(), {
            args: ["run", "-A", "--no-lock", g.script, ...args],
            cwd: dir,
            stdout: "piped",
            stderr: "piped",
            signal: AbortSignal.timeout(120_000),
          }).output().then((o) => ({
            code: o.code,
            signal: o.signal,
            stderr: new TextDecoder().decode(o.stderr),
          }))
          : cli(args, dir, 120_000);
      const before = await snapshot(dir);
      const bad = await run(g.hostile);
      assert.equal(bad.code, 2, `${g.hostile.join(" ")}: ${bad.stderr}`);
      assert.equal(bad.stderr.trimEnd().split("\n").length, 1, bad.stderr);
      assert.match(bad.stderr, /invalid --(out|save-init|save-spectrum)/);
      assert.deepEqual(changes(before, await snapshot(dir)), [], "a refusal changes nothing");
      if (g.ok.length === 0) return;
      const good = await run(g.ok);
      assert.equal(good.code, 0, `${g.ok.join(" ")}: ${good.stderr}`);
      assert.deepEqual(forbidden(before, await snapshot(dir), g.outputs), []);
      for (const o of g.outputs) assert.ok(exists(`${dir}/${o}`), `${o} written`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
