/**
 * Property tests of the output-file helpers (fast-check, seeded): whatever
 * a user's directory holds, cleaning removes exactly the temporaries of
 * dead writers of this host (and an earlier version's, for the names it is
 * told are the package's); a run's files land with their exact content and
 * nothing else changes; a write target is accepted exactly when it is, or
 * a chain of symlinks leads to, a regular file or an absent one in an
 * existing directory.
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { cleanStaleTemps, outputTarget, tempPath, writeFiles } from "../../src/cli/io.ts";
import { ConfigError } from "../../src/core/errors.ts";

const RUNS = { seed: 20261203, numRuns: 40 };

/** A file name a user might have (no "/", not "." or ".."). */
const userName = fc.stringMatching(/^[A-Za-z0-9._ -]{1,30}$/).filter((n) =>
  n !== "." && n !== ".."
);

async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("property: cleaning removes exactly the dead writers' temporaries of this host", async () => {
  const dead = await deadPid();
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(userName, { maxLength: 12 }),
      fc.array(fc.constantFrom("result.json", "summary.csv", "a.svg", "run-3.json"), {
        maxLength: 4,
      }),
      fc.array(fc.constantFrom("result.json", "notes.txt"), { maxLength: 3 }),
      async (user, ours, legacy) => {
        const dir = await Deno.makeTempDir();
        try {
          for (const n of user) await Deno.writeTextFile(`${dir}/${n}`, "user");
          const expected = new Set<string>();
          const keep = new Set(user);
          for (const base of ours) {
            const own = tempPath(`${dir}/${base}`);
            const deadOne = own.replace(/-\d+-([0-9a-z]{6})\.tmp$/, `-${dead}-$1.tmp`);
            const live = own.replace(/-\d+-([0-9a-z]{6})\.tmp$/, `-${Deno.pid}-$1.tmp`);
            const other = deadOne.replace(/aedyn-[0-9a-f]{16}-/, "aedyn-0123456789abcdef-");
            for (const p of [deadOne, live, other]) await Deno.writeTextFile(p, "tmp");
            expected.add(deadOne.slice(dir.length + 1));
            keep.add(live.slice(dir.length + 1)).add(other.slice(dir.length + 1));
          }
          for (const [i, base] of legacy.entries()) {
            const name = `${base}.${(0x1a2b3c40 + i).toString(16)}.tmp`;
            await Deno.writeTextFile(`${dir}/${name}`, "tmp");
            (base === "result.json" ? expected : keep).add(name);
          }
          const removed = await cleanStaleTemps(dir, (n) => n === "result.json");
          assert.deepEqual(removed.sort(), [...expected].sort());
          assert.deepEqual(names(dir), [...keep].sort());
          for (const n of user) assert.equal(await Deno.readTextFile(`${dir}/${n}`), "user");
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      },
    ),
    RUNS,
  );
});

Deno.test("property: a run's files land with their content; a user's files beside them do not change", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(userName, { maxLength: 8 }),
      fc.dictionary(fc.stringMatching(/^[a-z]{1,8}\.(json|svg|csv)$/), fc.string(), {
        minKeys: 1,
        maxKeys: 6,
      }),
      async (user, files) => {
        const dir = await Deno.makeTempDir();
        try {
          const mine = user.filter((n) => !(n in files));
          for (const n of mine) await Deno.writeTextFile(`${dir}/${n}`, `user ${n}`);
          const written = await writeFiles(dir, files);
          assert.deepEqual(written, Object.keys(files).map((n) => `${dir}/${n}`));
          for (const [n, text] of Object.entries(files)) {
            assert.equal(await Deno.readTextFile(`${dir}/${n}`), text);
          }
          for (const n of mine) assert.equal(await Deno.readTextFile(`${dir}/${n}`), `user ${n}`);
          assert.deepEqual(names(dir), [...new Set([...mine, ...Object.keys(files)])].sort());
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      },
    ),
    RUNS,
  );
});

type Kind = "file" | "absent" | "dir" | "fifo" | "dangling";

Deno.test("property: a target is accepted exactly when it leads to a regular file or a new one", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<Kind>("file", "absent", "dir", "fifo", "dangling"),
      fc.integer({ min: 0, max: 3 }),
      async (kind, links) => {
        const dir = await Deno.makeTempDir();
        try {
          const end = `${dir}/end`;
          if (kind === "file") await Deno.writeTextFile(end, "x");
          if (kind === "dir") await Deno.mkdir(end);
          if (kind === "fifo") new Deno.Command("mkfifo", { args: [end] }).outputSync();
          let path = kind === "dangling" ? `${dir}/nowhere/end` : end;
          for (let i = 0; i < links; i++) {
            await Deno.symlink(path, `${dir}/link${i}`);
            path = `${dir}/link${i}`;
          }
          const ok = kind === "file" || (kind === "absent" && links === 0);
          if (ok) {
            const target = outputTarget(path, "--save-init");
            assert.equal(await Deno.realPath(target).catch(() => target), await realEnd(end));
          } else {
            assert.throws(
              () => outputTarget(path, "--save-init"),
              (e: unknown) => e instanceof ConfigError && e.param === "--save-init",
            );
          }
          if (kind === "file") {
            assert.equal(await Deno.readTextFile(end), "x", "a check writes nothing");
          }
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      },
    ),
    RUNS,
  );
});

async function realEnd(end: string): Promise<string> {
  const dir = await Deno.realPath(end.slice(0, end.lastIndexOf("/")));
  return `${dir}/end`;
}
