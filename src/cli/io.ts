/**
 * File-system adapters of the CLI (with session.ts, the only modules that
 * use the `Deno` namespace): reading input files with clear errors, checking
 * every output path before any work, an exclusive lock on an output
 * directory, and writing output files atomically.
 *
 * What is promised about output files:
 * - Nothing is written through anything but a regular file: a path that is
 *   a device, a FIFO, a socket or a directory is refused (exit 2, naming the
 *   flag) before any work. A symlink is followed: the file it points to is
 *   written (the link stays); a symlink to nothing is refused.
 * - Every file is written to a temporary file beside its target and renamed
 *   over it, so a reader never sees half a file. The files of one run
 *   ({@link writeFiles}) are all written first and renamed in only when
 *   every one is complete, the run's record (its first file, e.g.
 *   result.json) last: a full disk leaves the directory as it was.
 * - Temporary files are named `.NAME.aedyn-HOST-PID-RANDOM.tmp`; those whose
 *   writer died (same host, process gone) are removed by the next run
 *   ({@link cleanStaleTemps}); nothing else is ever removed.
 * - The lock `DIR/.lock` is created atomically with its whole content (a
 *   hard link of a complete file), holds host, boot, PID and process start
 *   time, and its holder keeps an advisory lock on it while it lives. It is
 *   taken over only when its holder is provably dead: same host, and the
 *   process is gone, or the PID now belongs to a process started at another
 *   time, or the machine rebooted, or nobody holds the advisory lock (the
 *   proof when /proc cannot be read: Deno lets only --allow-all runs read
 *   it). A lock of another host is never taken over: the message says how
 *   to clear it. Temporary files are held the same way while written.
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import {
  fnv64,
  type Holder,
  hostName,
  provablyDead,
  startTicks,
  thisHolder,
  unheldLock,
} from "./holder.ts";

export { type Holder, provablyDead, thisHolder } from "./holder.ts";

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

/** What `info` returns, or null when nothing is at the path (or a part of it is not a directory). */
function orNull(info: () => Deno.FileInfo): Deno.FileInfo | null {
  try {
    return info();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return null;
    throw e;
  }
}

function statOrNull(path: string): Deno.FileInfo | null {
  return orNull(() => Deno.statSync(path));
}

/** The file info of a path itself (a symlink is not followed), or null when nothing is there. */
export function lstatOrNull(path: string): Deno.FileInfo | null {
  return orNull(() => Deno.lstatSync(path));
}

/** The directory part of a path ("." for a bare name). */
export function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : trimmed.slice(0, i);
}

/** The last part of a path. */
export function baseOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
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

/** What a file that is not a regular file is, for messages. */
function kindOf(st: Deno.FileInfo): string {
  if (st.isFile) return "a file";
  if (st.isDirectory) return "a directory";
  if (st.isCharDevice || st.isBlockDevice) return "a device";
  if (st.isFifo) return "a FIFO";
  if (st.isSocket) return "a socket";
  return "not a regular file";
}

// ---------------------------------------------------------- temporary files

const TEMP = /^\.(.+)\.aedyn-([0-9a-f]{16})-(\d+)-[0-9a-z]{6}\.tmp$/;

/**
 * A temporary path beside `target` (a file a write goes through, or a
 * staging directory), named so that {@link cleanStaleTemps} can tell its
 * writer: `.NAME.aedyn-HOST-PID-RANDOM.tmp`.
 */
export function tempPath(target: string): string {
  const rand = crypto.randomUUID().replace(/-/g, "").slice(0, 6);
  return `${parentOf(target)}/.${baseOf(target)}.aedyn-${
    fnv64(hostName())
  }-${Deno.pid}-${rand}.tmp`;
}

/**
 * Remove the temporary files in `dir` that a write of this package left
 * when its process died (a SIGKILL, a crash, a power cut): names
 * `.NAME.aedyn-HOST-PID-RANDOM.tmp` (files, or staging directories) of this
 * host whose process is gone, and files an earlier version of the package
 * named `NAME.XXXXXXXX.tmp` when `legacy` says NAME is one of its files. Nothing else is touched;
 * another live process's temporaries (e.g. a shard on another node) stay.
 * Returns the names removed.
 */
export async function cleanStaleTemps(
  dir: string,
  legacy?: (name: string) => boolean,
): Promise<string[]> {
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return [];
    throw e;
  }
  const host = hostName();
  const tag = host ? fnv64(host) : "";
  for (const e of entries) {
    const m = TEMP.exec(e.name);
    if (!e.isFile && !(m && e.isDirectory)) continue;
    let stale = false;
    if (m) {
      const pid = Number(m[3]);
      stale = tag !== "" && m[2] === tag && pid !== Deno.pid &&
        (startTicks(pid) === "" || unheldLock(`${dir}/${e.name}`));
    } else {
      const old = /^(.+)\.[0-9a-f]{8}\.tmp$/.exec(e.name);
      stale = old !== null && legacy !== undefined && legacy(old[1]);
    }
    if (!stale) continue;
    await Deno.remove(`${dir}/${e.name}`, { recursive: e.isDirectory }).catch(() => {});
    removed.push(e.name);
  }
  return removed;
}

// ---------------------------------------------------------------- checks

/**
 * The file a write of `path` replaces: `path` itself when it is a regular
 * file or absent (in an existing directory), the file a symlink points to
 * (followed to the end). Anything else is a {@link ConfigError} naming
 * `flag`: a directory, a device, a FIFO, a socket, a symlink to nothing, a
 * missing directory.
 */
export function outputTarget(path: string, flag: string): string {
  if (path.trim() === "") throw new ConfigError(flag, path, "a file path that is not empty");
  const lst = lstatOrNull(path);
  let target = path;
  if (lst?.isSymlink) {
    try {
      target = Deno.realPathSync(path);
    } catch {
      // e.g. /dev/stdout -> /proc/self/fd/1 -> "pipe:[...]": not a path, but stat follows it
      const st = statOrNull(path);
      const what = st ? `a symlink to ${kindOf(st)}` : "a symlink to nothing";
      throw new ConfigError(flag, `${path} (${what})`, "a regular file or a new one");
    }
  }
  const st = target === path ? lst : statOrNull(target);
  if (st && !st.isFile) {
    const what = target === path ? kindOf(st) : `a symlink to ${kindOf(st)}`;
    throw new ConfigError(flag, `${path} (${what})`, "a regular file or a new one");
  }
  const dir = parentOf(target);
  const ds = statOrNull(dir);
  if (!ds?.isDirectory) {
    throw new ConfigError(flag, path, `a file in an existing directory (${dir} is not one)`);
  }
  return target;
}

/**
 * Run `probe` (which makes and removes something in directory `dir`), then
 * put back the directory's access and modification times, so that a check
 * leaves no trace (its change time is the system's and stays changed).
 */
function keepingTimes<T>(dir: string, probe: () => T): T {
  const st = statOrNull(dir);
  try {
    return probe();
  } finally {
    if (st?.atime && st.mtime) {
      try {
        Deno.utimeSync(dir, st.atime, st.mtime);
      } catch {
        // a directory we may not change the times of: the probe's trace stays
      }
    }
  }
}

/**
 * The absolute real path of the file a write of `path` replaces (see
 * {@link outputTarget}), to tell two output flags naming one file.
 */
export function outputIdentity(path: string, flag: string): string {
  const target = outputTarget(path, flag);
  try {
    return `${Deno.realPathSync(parentOf(target))}/${baseOf(target)}`;
  } catch {
    return target;
  }
}

/**
 * Refuse (a {@link ConfigError} naming `flag`) an extra output file that is
 * one of the files a run writes into its output directory `dir` (or its
 * lock): one would overwrite the other.
 */
export function checkNotInOutputDir(path: string, flag: string, dir: string): void {
  let real: string;
  try {
    real = Deno.realPathSync(dir);
  } catch {
    return; // not there yet: a file in it would have no existing directory, refused already
  }
  const id = outputIdentity(path, flag);
  const base = baseOf(id);
  if (parentOf(id) === real && (PACKAGE_OUTPUT.test(base) || /^\.(lock|partial)/.test(base))) {
    throw new ConfigError(
      flag,
      `${path} (a file the run writes into ${dir})`,
      "a file outside the output directory, or one of another name",
    );
  }
}

/**
 * Check, before any work, that `path` is a directory that exists and is
 * writable, or one that can be created (its nearest existing ancestor is a
 * writable directory). Probes by doing — a temporary file inside an existing
 * directory, or the missing directories created and removed again — within
 * the path itself, so that a run allowed to write only there can be checked;
 * nothing is left behind. Files the package writes into it (result.json,
 * *.vl.json, *.svg, ...; or the names `names` matches) that stand there as
 * something other than a regular file are refused too. A
 * {@link ConfigError} names the flag.
 */
export function checkOutputDir(path: string, flag: string, names = PACKAGE_OUTPUT): void {
  if (path.trim() === "") throw new ConfigError(flag, path, "a directory path that is not empty");
  const denied = permissionProblem(path);
  if (denied) throw new ConfigError(flag, `${path} (${denied})`, "a writable directory");
  const st = statOrNull(path);
  if (st) {
    if (!st.isDirectory) {
      throw new ConfigError(
        flag,
        path,
        `a directory, or a path where one can be created (this is ${kindOf(st)})`,
      );
    }
    try {
      keepingTimes(path, () => {
        Deno.removeSync(Deno.makeTempFileSync({ dir: path, prefix: ".aedyn-probe-" }));
      });
    } catch (e) {
      const why = refused(e) ? "not writable" : (e as Error).message.split("\n")[0];
      throw new ConfigError(flag, `${path} (${why})`, "a writable directory");
    }
    for (const e of Deno.readDirSync(path)) {
      if (!names.test(e.name) || e.isFile) continue;
      const file = `${path}/${e.name}`;
      const s = e.isSymlink ? statOrNull(file) : null;
      if (s?.isFile) continue;
      const what = e.isSymlink ? (s ? `a symlink to ${kindOf(s)}` : "a symlink to nothing") : (
        kindOf(Deno.lstatSync(file))
      );
      throw new ConfigError(
        flag,
        `${path} (${file} is ${what})`,
        "a directory whose output files are regular files or absent",
      );
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
  keepingTimes(up, () => {
    try {
      Deno.mkdirSync(path, { recursive: true });
    } catch (e) {
      const why = refused(e) ? `${up} is not writable` : (e as Error).message.split("\n")[0];
      throw new ConfigError(flag, `${path} (${why})`, "a directory that can be created");
    }
    for (const dir of missing) Deno.removeSync(dir);
  });
}

/** Names of the files the commands write into an output directory. */
const PACKAGE_OUTPUT =
  /^(result\.json|comparison\.json|summary\.json|summary\.csv|spec\.json|report\.html|build\.json|.+\.vl\.json|.+\.svg)$/;

/**
 * Check, before any work, that `path` can be written as a file (see
 * {@link outputTarget}: a regular file, absent, or a symlink to one), and
 * that the write can be done: a temporary file can be made beside the
 * target (and is removed again), and an existing target can be opened for
 * writing. Never opens anything but a regular file (a FIFO would block).
 */
export function checkOutputFile(path: string, flag: string): void {
  if (path.trim() === "") throw new ConfigError(flag, path, "a file path that is not empty");
  const denied = permissionProblem(path);
  if (denied) throw new ConfigError(flag, `${path} (${denied})`, "a writable file");
  const target = outputTarget(path, flag);
  const deniedThere = target === path ? null : permissionProblem(target);
  if (deniedThere) {
    throw new ConfigError(flag, `${path} (links to ${target}: ${deniedThere})`, "a writable file");
  }
  const exists = statOrNull(target) !== null;
  const tmp = tempPath(target);
  try {
    keepingTimes(parentOf(target), () => {
      Deno.openSync(tmp, { write: true, createNew: true }).close();
      Deno.removeSync(tmp);
    });
    if (exists) Deno.openSync(target, { write: true }).close();
  } catch (e) {
    const why = refused(e)
      ? `${exists ? target : parentOf(target)} is not writable`
      : `no file can be written in ${parentOf(target)}: ${(e as Error).name}`;
    throw new ConfigError(flag, `${path} (${why})`, "a writable file");
  }
}

// ---------------------------------------------------------------- writes

/**
 * Write a file atomically: the data go to a temporary file beside the
 * target, which is then renamed over it, so a reader never sees half a file.
 * A symlink is followed (the file it points to is replaced, the link
 * stays); anything but a regular file or an absent one is refused with a
 * {@link ConfigError} naming `flag` (by default "output file"; the message
 * names the path).
 */
export async function writeAtomic(
  path: string,
  data: string | Uint8Array,
  flag = "output file",
): Promise<void> {
  const target = outputTarget(path, flag);
  const tmp = await writeTemp(target, data);
  try {
    await Deno.rename(tmp.path, target);
  } catch (e) {
    await Deno.remove(tmp.path).catch(() => {});
    throw e;
  } finally {
    tmp.file.close();
  }
}

/** A complete temporary file, still open: its advisory lock says its writer lives. */
interface Temp {
  path: string;
  file: Deno.FsFile;
}

/**
 * Write `data` in full to a new temporary file beside `target`, holding an
 * advisory lock on it (until the caller closes it, after the rename) so that
 * {@link cleanStaleTemps} of another process never takes it for a dead one's.
 */
async function writeTemp(target: string, data: string | Uint8Array): Promise<Temp> {
  const path = tempPath(target);
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(path, { write: true, createNew: true });
    file.tryLockSync(true); // a new file: nobody else holds it
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    for (let off = 0; off < bytes.length;) off += await file.write(bytes.subarray(off));
    await file.sync();
    return { path, file };
  } catch (e) {
    file?.close();
    await Deno.remove(path).catch(() => {});
    throw e;
  }
}

/**
 * Write the files of one run into a directory (created if needed), all or
 * none: every file is first written in full to a temporary file beside its
 * target, and only when all are complete are they renamed in, the first
 * one named (the run's record, e.g. result.json) last. A failure while
 * writing (a full disk) removes the temporaries and leaves the directory as
 * it was. Temporaries a dead process left there are removed first.
 * Returns the paths written.
 */
export async function writeFiles(
  dir: string,
  files: Record<string, string>,
  flag = "--out",
): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const names = Object.keys(files);
  await cleanStaleTemps(dir, (n) => names.includes(n));
  const targets = names.map((name) => outputTarget(`${dir}/${name}`, flag));
  const temps: Temp[] = [];
  try {
    for (let i = 0; i < names.length; i++) temps.push(await writeTemp(targets[i], files[names[i]]));
    // the record last: a complete-looking record means every file is in
    for (let i = names.length - 1; i >= 0; i--) await Deno.rename(temps[i].path, targets[i]);
  } catch (e) {
    for (const t of temps) await Deno.remove(t.path).catch(() => {});
    throw e;
  } finally {
    for (const t of temps) t.file.close();
  }
  return names.map((name) => `${dir}/${name}`);
}

/** Remove a directory tree if it exists. */
export async function removeDir(dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
}

// ---------------------------------------------------------------- the lock

/** An exclusive lock on an output directory; release it when the run ends. */
export interface DirLock {
  /** Remove the lock file (and the directory, if the lock created it and it is left empty). */
  release(): Promise<void>;
}

/**
 * Create `path` holding `text`, atomically and exclusively: the text is
 * written in full to a temporary file that is then hard-linked to `path`
 * (fails if `path` exists), so no reader ever sees a partial lock. Where
 * hard links are not supported, an exclusive create and a write. Returns
 * the file, open and holding its advisory lock (the proof that its holder
 * lives; close it to release), or null when `path` exists.
 */
async function createComplete(path: string, text: string): Promise<Deno.FsFile | null> {
  const tmp = await writeTemp(path, text); // locked before it appears as `path`
  let kept = false;
  try {
    await Deno.link(tmp.path, path);
    kept = true;
    return tmp.file;
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return null;
    if (refused(e) || e instanceof Deno.errors.NotFound) throw e;
    // no hard links here: an exclusive create
    let f: Deno.FsFile | undefined;
    try {
      f = await Deno.open(path, { write: true, createNew: true });
      f.tryLockSync(true);
      const bytes = new TextEncoder().encode(text);
      for (let off = 0; off < bytes.length;) off += await f.write(bytes.subarray(off));
      return f;
    } catch (e2) {
      f?.close();
      if (e2 instanceof Deno.errors.AlreadyExists) return null;
      throw e2;
    }
  } finally {
    if (!kept) tmp.file.close();
    await Deno.remove(tmp.path).catch(() => {});
  }
}

/** A lock's text; null when there is none, "" when it cannot be read (a directory, a FIFO). */
async function readOrNull(path: string): Promise<string | null> {
  const st = lstatOrNull(path);
  if (st === null) return null;
  if (!st.isFile) return ""; // never opened: a FIFO would block
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    return "";
  }
}

function parseHolder(text: string): Partial<Holder> {
  try {
    const h = JSON.parse(text);
    return typeof h === "object" && h !== null ? h : {};
  } catch {
    return {};
  }
}

/**
 * Take an exclusive lock on output directory `dir` (created if needed): a
 * file `dir/.lock` (or `dir/<file>`, e.g. one per shard of a sweep) holding
 * this process's {@link Holder} record, created atomically. A lock whose
 * holder is not {@link provablyDead} is refused with a {@link ConfigError}
 * that names the process and its host; a dead holder's lock is taken over,
 * by one process only however many try at once: the takeover is serialised
 * by an advisory lock on `dir/<file>.takeover` (released by the system if
 * its holder dies), under which the lock is read again and removed only if
 * it is still the dead holder's.
 */
export async function lockOutputDir(
  dir: string,
  flag = "--out",
  file = ".lock",
): Promise<DirLock> {
  const existed = statOrNull(dir) !== null;
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${file}`;
  const mine = JSON.stringify(thisHolder());
  const handle = (held: Deno.FsFile): DirLock => ({
    async release() {
      if ((await readOrNull(path)) === mine) await Deno.remove(path).catch(() => {});
      held.close(); // the advisory lock goes with it
      if (!existed) await Deno.remove(dir).catch(() => {}); // only if left empty
    },
  });
  for (let attempt = 0; attempt < 8; attempt++) {
    const held = await createComplete(path, mine);
    if (held) return handle(held);
    const seen = await readOrNull(path);
    if (seen === null) continue; // released meanwhile
    const holder = parseHolder(seen);
    if (!provablyDead(holder, () => unheldLock(path))) {
      const who = typeof holder.pid === "number"
        ? `process ${holder.pid}${holder.host ? ` on ${holder.host}` : ""} since ${
          holder.started ?? "?"
        }`
        : "an unreadable lock";
      const other = holder.host && holder.host !== hostName();
      throw new ConfigError(
        flag,
        `${dir} (in use by ${who})`,
        "an output directory no other run is writing to" +
          (other
            ? ` (a lock of another host is never taken over: if no run is writing there, remove ${path})`
            : holder.host
            ? ""
            : ` (if no run is writing there, remove ${path})`),
      );
    }
    // the holder is dead: take over under the takeover lock, one process at a time
    const guard = await Deno.open(`${path}.takeover`, { read: true, write: true, create: true });
    try {
      await guard.lock(true);
      if ((await readOrNull(path)) === seen) {
        await Deno.remove(path);
        const held = await createComplete(path, mine);
        if (held) return handle(held);
      }
    } finally {
      guard.close(); // closing releases the advisory lock
    }
  }
  throw new ConfigError(flag, dir, "an output directory whose lock can be taken");
}
