/**
 * File-system adapters for the CLI (the only module besides cli.ts that uses
 * the `Deno` namespace): reading input files with clear errors and writing
 * output files atomically.
 * @module
 */
import { ConfigError } from "../core/errors.ts";

/** Read a text file; a missing or unreadable file is a {@link ConfigError} naming the flag. */
export async function readTextFile(path: string, flag: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "a file that does not exist"
      : (e as Error).message;
    throw new ConfigError(flag, `${path} (${why})`, "a readable file");
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

/** Read all JSON files of a directory (a missing directory gives none). */
export async function readJsonFiles(dir: string): Promise<unknown[]> {
  const out: unknown[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".json")) continue;
      try {
        out.push(JSON.parse(await Deno.readTextFile(`${dir}/${entry.name}`)));
      } catch {
        // an unreadable checkpoint is ignored: its run is simply done again
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}

/** Remove a directory tree if it exists. */
export async function removeDir(dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
}
