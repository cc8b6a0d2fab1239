/**
 * Who runs this process, for locks and temporary files: the host (and its
 * boot), the PID and the process's start time, and the judgement of whether
 * a recorded holder is provably dead (split from io.ts, which writes the
 * files these identify).
 * @module
 */
let hostCache: string | undefined;

/**
 * This machine's name ("" when it cannot be read: then nothing is judged
 * dead): /etc/hostname first (readable with --allow-read alone, so runs with
 * any permissions agree), else the kernel's name.
 */
export function hostName(): string {
  if (hostCache !== undefined) return hostCache;
  let name = readOrEmpty("/etc/hostname") || readOrEmpty("/proc/sys/kernel/hostname");
  if (!name) {
    try {
      name = Deno.hostname();
    } catch {
      name = ""; // no --allow-sys
    }
  }
  return hostCache = name;
}

function readOrEmpty(path: string): string {
  try {
    return Deno.readTextFileSync(path).trim();
  } catch {
    return ""; // missing, or (without --allow-all) Deno refuses /proc
  }
}

/** The boot's identity (Linux), "" elsewhere. */
function bootId(): string {
  return readOrEmpty("/proc/sys/kernel/random/boot_id");
}

/**
 * The start time of process `pid` in clock ticks since boot (field 22 of
 * /proc/PID/stat), "" when the process does not exist, undefined when it
 * cannot be known (no /proc).
 */
export function startTicks(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return "";
  try {
    Deno.lstatSync("/proc/self/stat");
  } catch {
    return undefined; // no /proc, or Deno lets only --allow-all runs read it
  }
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "";
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields after the last ")"
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19] ?? undefined; // field 22 overall; 3 is the first after comm
}

/** A 64-bit FNV-1a hash of a text as 16 hex digits (names the host in temporary files). */
export function fnv64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}

/** Who holds a lock: written into it, judged by {@link provablyDead}. */
export interface Holder {
  /** The machine's name. */
  host: string;
  /** The boot's identity (Linux), "" when unknown. */
  boot: string;
  /** The process id. */
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/PID/stat), "" when unknown. */
  start: string;
  /** When the lock was taken (ISO time, for people). */
  started: string;
}

/** This process as a lock holder. */
export function thisHolder(): Holder {
  return {
    host: hostName(),
    boot: bootId(),
    pid: Deno.pid,
    start: startTicks(Deno.pid) ?? "",
    started: new Date().toISOString(),
  };
}

/**
 * Whether the holder of a lock is provably dead: it ran on this host (a
 * known name), and the machine rebooted since, or its process is gone, or
 * its PID belongs now to a process started at another time, or (`unheld`)
 * nobody holds the advisory lock that every holder keeps on its lock file
 * for as long as it lives (the system releases it when the process dies;
 * the proof used when /proc cannot be read). A holder on another host, or
 * one that cannot be checked, is never judged dead.
 */
export function provablyDead(h: Partial<Holder>, unheld?: () => boolean): boolean {
  const host = hostName();
  if (!host || h.host !== host || typeof h.pid !== "number") return false;
  const boot = bootId();
  if (boot && typeof h.boot === "string" && h.boot && h.boot !== boot) return true;
  const now = startTicks(h.pid);
  if (now === "") return true;
  if (now !== undefined && typeof h.start === "string" && h.start !== "" && h.start !== now) {
    return true;
  }
  return unheld?.() ?? false;
}

/** Whether no process holds an advisory lock on `path` (a regular file); false if unsure. */
export function unheldLock(path: string): boolean {
  let f: Deno.FsFile | undefined;
  try {
    if (!Deno.lstatSync(path).isFile) return false;
    f = Deno.openSync(path, { read: true });
    return f.tryLockSync(true);
  } catch {
    return false;
  } finally {
    f?.close(); // releases the probe's lock at once
  }
}
