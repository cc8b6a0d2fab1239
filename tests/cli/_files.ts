/**
 * Helpers of the file, lock and output tests (files_test.ts, lock_test.ts,
 * untouched_test.ts): snapshots of a directory, the CLI run as a user runs
 * it, FIFOs, dead PIDs and live advisory locks.
 * @module
 */
export const ROOT = new URL("../../", import.meta.url).pathname;
export const CLI = `${ROOT}cli.ts`;
export const TAKER = `${ROOT}tests/cli/_lock_taker.ts`;
export const SMALL = ["--D", "30", "--K", "2", "--t-max", "2", "--n-times", "3", "--n-test", "50"];

/** Everything under `dir`, not following links: type, size, content, link target, mtime. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
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
export function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of before) if (after.get(k) !== v) out.push(after.has(k) ? `~${k}` : `-${k}`);
  for (const k of after.keys()) if (!before.has(k)) out.push(`+${k}`);
  return out.sort();
}

/** Run the CLI in `cwd` (killed after `timeout` ms: a hang fails the test, it never blocks it). */
export async function cli(args: string[], cwd: string, timeout = 60_000) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeout),
  }).output();
  return { code: out.code, signal: out.signal, stderr: new TextDecoder().decode(out.stderr) };
}

/** Make a FIFO at `path` (mkfifo). */
export function mkfifo(path: string): void {
  const r = new Deno.Command("mkfifo", { args: [path] }).outputSync();
  if (!r.success) throw new Error(`mkfifo ${path} failed`);
}

/** Hold an advisory lock on `path` as a live writer or lock holder does; close to let go. */
export function holdAsLive(path: string): Deno.FsFile {
  const f = Deno.openSync(path, { read: true });
  f.lockSync(true);
  return f;
}

/** A PID that no process has: one of a process that has exited. */
export async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

/** Whether anything stands at `p` that this process may see (not following a symlink). */
export const exists = (p: string) => {
  try {
    Deno.lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/**
 * Whether anything stands at `p` on this system, asked of test(1): Deno
 * refuses to stat /proc and /sys to a run without --allow-all (as the test
 * task runs), but the CLI runs the tests start are given -A.
 */
export const existsOnSystem = (p: string) =>
  exists(p) || new Deno.Command("test", { args: ["-e", p, "-o", "-L", p] }).outputSync().success;
