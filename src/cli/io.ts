/**
 * File-system adapters of the CLI (with session.ts, the only modules that
 * use the `Deno` namespace): reading input files with clear errors, checking
 * every output path before any work, an exclusive lock on an output
 * directory, and writing output files atomically.
 * @module
 */
import { ConfigError } from "../core/errors.ts";

/**
 * Most bytes of a text input (a config, spectrum, initial weights, preset or
 * sweep spec): about the longest string JSON.parse can be given.
 */
export const MAX_TEXT_BYTES = 512 * 1024 * 1024;

/**
 * Read a text file of at most `maxBytes` bytes; a missing, unreadable or
 * too large file, or one that holds a NUL byte (binary data, a device such
 * as /dev/zero), is a {@link ConfigError} naming the flag. It is read in
 * chunks, so a device that never ends is refused at its first chunk or at
 * the limit, never read without bound.
 */
export async function readTextFile(
  path: string,
  flag: string,
  maxBytes: number = MAX_TEXT_BYTES,
): Promise<string> {
  const refuse = (why: string, allowed = "a readable file") =>
    new ConfigError(flag, `${path} (${why})`, allowed);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "a file that does not exist"
      : e instanceof Deno.errors.IsADirectory
      ? "a directory"
      : (e as Error).message;
    throw refuse(why);
  }
  try {
    const info = await file.stat();
    if (info.isDirectory) throw refuse("a directory");
    const allowed = `a text file of at most ${maxBytes} bytes`;
    if (info.isFile && info.size > maxBytes) throw refuse(`${info.size} bytes`, allowed);
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(1 << 16);
    let text = "";
    let total = 0;
    for (;;) {
      const n = await file.read(buffer);
      if (n === null) break;
      const chunk = buffer.subarray(0, n);
      const nul = chunk.indexOf(0);
      if (nul >= 0) {
        throw refuse(`a NUL byte at byte ${total + nul}: binary data or a device`, allowed);
      }
      total += n;
      if (total > maxBytes) throw refuse(`more than ${maxBytes} bytes`, allowed);
      text += decoder.decode(chunk, { stream: true });
    }
    return text + decoder.decode();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw refuse((e as Error).message);
  } finally {
    file.close();
  }
}

function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return null;
    throw e;
  }
}

function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : trimmed.slice(0, i);
}

/** Why a write permission of this run does not cover `path`, or null when it does. */
function permissionProblem(path: string): string | null {
  const state = Deno.permissions.querySync({ name: "write", path }).state;
  return state === "denied" ? "this run may not write there (grant it with --allow-write)" : null;
}

/** Whether `e` says the run lacks a permission or the file system refused access. */
function refused(e: unknown): boolean {
  return e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable;
}

/**
 * Check, before any work, that `path` is a directory that exists and is
 * writable, or one that can be created (its nearest existing ancestor is a
 * writable directory). Probes by doing — a temporary file inside an existing
 * directory, or the missing directories created and removed again — within
 * the path itself, so that a run allowed to write only there can be checked;
 * nothing is left behind. A {@link ConfigError} names the flag.
 */
export function checkOutputDir(path: string, flag: string): void {
  if (path.trim() === "") throw new ConfigError(flag, path, "a directory path that is not empty");
  const denied = permissionProblem(path);
  if (denied) throw new ConfigError(flag, `${path} (${denied})`, "a writable directory");
  const st = statOrNull(path);
  if (st) {
    if (!st.isDirectory) {
      throw new ConfigError(
        flag,
        path,
        "a directory, or a path where one can be created (this is a file)",
      );
    }
    try {
      Deno.removeSync(Deno.makeTempFileSync({ dir: path, prefix: ".aedyn-probe-" }));
    } catch (e) {
      if (!refused(e)) throw e;
      throw new ConfigError(flag, `${path} (not writable)`, "a writable directory");
    }
    return;
  }
  // the missing directories, deepest first, up to the nearest existing ancestor
  const missing: string[] = [path];
  let up = parentOf(path);
  for (;;) {
    const s = statOrNull(up);
    if (s) {
      if (!s.isDirectory) {
        throw new ConfigError(
          flag,
          path,
          `a directory, or a path where one can be created (${up} is a file)`,
        );
      }
      break;
    }
    if (up === "/" || up === ".") {
      throw new ConfigError(flag, path, "a path whose parent directories can be created");
    }
    missing.push(up);
    up = parentOf(up);
  }
  try {
    Deno.mkdirSync(path, { recursive: true });
  } catch (e) {
    const why = refused(e) ? `${up} is not writable` : (e as Error).message;
    throw new ConfigError(flag, `${path} (${why})`, "a directory that can be created");
  }
  for (const dir of missing) Deno.removeSync(dir);
}

/**
 * Check, before any work, that `path` can be written as a file: not a
 * directory, in an existing directory, writable (probed by opening it for
 * appending, and removing it again if that created it). Writes nothing.
 */
export function checkOutputFile(path: string, flag: string): void {
  if (path.trim() === "") throw new ConfigError(flag, path, "a file path that is not empty");
  const denied = permissionProblem(path);
  if (denied) throw new ConfigError(flag, `${path} (${denied})`, "a writable file");
  const st = statOrNull(path);
  if (st?.isDirectory) throw new ConfigError(flag, path, "a file path (this is a directory)");
  const dir = parentOf(path);
  const ds = statOrNull(dir);
  if (!ds?.isDirectory) {
    throw new ConfigError(flag, path, `a file in an existing directory (${dir} is not one)`);
  }
  try {
    Deno.openSync(path, { append: true, create: true }).close();
    if (!st) Deno.removeSync(path);
  } catch (e) {
    if (!refused(e)) throw e;
    throw new ConfigError(flag, `${path} (not writable)`, "a writable file");
  }
}

/**
 * Write a file atomically: the text goes to a temporary file beside the
 * target, which is then renamed over it, so a reader never sees half a file.
 */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Write several files into a directory (created if needed), each atomically. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = `${dir}/${name}`;
    await writeAtomic(path, text);
    written.push(path);
  }
  return written;
}

/** Remove a directory tree if it exists. */
export async function removeDir(dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
}

/** An exclusive lock on an output directory; release it when the run ends. */
export interface DirLock {
  /** Remove the lock file (and the directory, if the lock created it and it is left empty). */
  release(): Promise<void>;
}

/** Whether process `pid` is alive (Linux: /proc; elsewhere assumed alive). */
function alive(pid: number): boolean {
  if (statOrNull("/proc/self") === null) return true;
  return statOrNull(`/proc/${pid}`) !== null;
}

/**
 * Take an exclusive lock on output directory `dir` (created if needed): a
 * file `dir/.lock` (or `dir/<file>`, e.g. one per shard of a sweep) holding
 * this process's pid. A lock held by a live
 * process is refused with a {@link ConfigError} that names the process; a
 * lock left by a dead one is taken over.
 */
export async function lockOutputDir(
  dir: string,
  flag = "--out",
  file = ".lock",
): Promise<DirLock> {
  const existed = statOrNull(dir) !== null;
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${file}`;
  const record = JSON.stringify({ pid: Deno.pid, started: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const f = await Deno.open(path, { write: true, createNew: true });
      await f.write(new TextEncoder().encode(record));
      f.close();
      return {
        async release() {
          await Deno.remove(path).catch(() => {});
          if (!existed) await Deno.remove(dir).catch(() => {}); // only if left empty
        },
      };
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      let holder: { pid?: number; started?: string } = {};
      try {
        holder = JSON.parse(await Deno.readTextFile(path));
      } catch {
        // unreadable: a lock being written, or garbage; treated as stale below
      }
      if (typeof holder.pid === "number" && holder.pid !== Deno.pid && alive(holder.pid)) {
        throw new ConfigError(
          flag,
          `${dir} (in use by process ${holder.pid} since ${holder.started ?? "?"})`,
          "an output directory no other run is writing to",
        );
      }
      await Deno.remove(path).catch(() => {}); // stale: its process is gone
    }
  }
  throw new ConfigError(flag, dir, "an output directory whose lock can be taken");
}
