/**
 * Download support for the data sets of the catalogue that are published
 * (catalogue.ts gives their sources and checksums), with `fetch` only (no file
 * system: the caller passes `writeFile(name, bytes)`). Each archive is
 * fetched whole, its MD5 compared with the published checksum, and only when
 * every file of the data set is complete and verified are the files handed
 * to `writeFile`: a truncated download or a checksum mismatch writes nothing.
 *
 * - `cifar10`: `cifar-10-binary.tar.gz` from the Toronto site (md5 published
 *   on https://www.cs.toronto.edu/~kriz/cifar.html), gunzipped and untarred;
 *   the files are written under their archive paths
 *   (`cifar-10-batches-bin/data_batch_1.bin`, ..., `test_batch.bin`,
 *   `batches.meta.txt`, `readme.html`).
 * - `fashion-mnist`: the four `*-ubyte.gz` IDX files from the zalando
 *   research GitHub repository (md5s published in its README), written as
 *   they are (gzipped: the IDX readers inflate them).
 * @module
 */
import { ConfigError } from "../core/errors.ts";
import { DownloadError } from "../core/errors.ts";
import { Md5 } from "./md5.ts";
import { readTar } from "./tar.ts";
import { MAX_DATA_BYTES } from "./dataset.ts";
import { type DatasetName, DATASETS, DOWNLOADABLE, type RemoteFile } from "./catalogue.ts";

/** Progress of one file's download. */
export interface DownloadProgress {
  /** File name. */
  file: string;
  /** Its URL. */
  url: string;
  /** Bytes received so far. */
  loaded: number;
  /** Bytes announced by content-length, or null when not announced. */
  total: number | null;
}

/** Options of {@link downloadDataset}. */
export interface DownloadOptions {
  /** Store one file (name relative, "/"-separated); awaited before the next. */
  writeFile: (name: string, bytes: Uint8Array) => void | Promise<void>;
  /** Replace the folder URL the file names are appended to (a mirror, a local server). */
  baseUrl?: string;
  /** Replace expected checksums, by file name (e.g. for a mirror with other files). */
  md5?: Record<string, string>;
  /** Called as bytes arrive (at most once per MiB of a file, and at its end). */
  onProgress?: (progress: DownloadProgress) => void;
  /** The fetch to use; the global one by default. */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  /** Abort the download. */
  signal?: AbortSignal;
  /**
   * Most bytes of one downloaded file, and of an archive's unpacked content
   * (default `MAX_DATA_BYTES`, 1 GiB): a larger content-length is refused
   * before the body is read, a longer body as soon as it passes the limit.
   */
  maxBytes?: number;
}

/** What was downloaded and written. */
export interface DownloadResult {
  /** The data set downloaded. */
  dataset: DatasetName;
  /** The files fetched, with their size and verified MD5. */
  downloaded: { name: string; url: string; bytes: number; md5: string }[];
  /** The files handed to writeFile, with their sizes. */
  written: { name: string; bytes: number }[];
}

const PROGRESS_STEP = 1 << 20;

/** Fetch a URL whole, hashing as it arrives; truncated bodies and checksum mismatches throw. */
async function fetchVerified(
  file: RemoteFile,
  url: string,
  options: DownloadOptions,
): Promise<{ bytes: Uint8Array; md5: string }> {
  const doFetch = options.fetch ?? ((u: string, init?: RequestInit) => fetch(u, init));
  let res: Response;
  try {
    res = await doFetch(url, { signal: options.signal });
  } catch (e) {
    throw new DownloadError(url, `no response (${(e as Error).message}); nothing was written`);
  }
  if (!res.ok || res.body === null) {
    await res.body?.cancel();
    throw new DownloadError(
      url,
      `HTTP ${res.status} ${res.statusText}`.trim() + "; nothing was written",
    );
  }
  const encoded = (res.headers.get("content-encoding") ?? "identity") !== "identity";
  const announced = res.headers.get("content-length");
  const total = !encoded && announced !== null && /^\d+$/.test(announced)
    ? Number(announced)
    : null;
  const max = options.maxBytes ?? MAX_DATA_BYTES;
  if (total !== null && total > max) {
    await res.body.cancel().catch(() => {});
    throw new DownloadError(
      url,
      `the server announces ${total} bytes (content-length), more than the ${max} a data file ` +
        "may hold (maxBytes); nothing was written",
    );
  }
  const hash = new Md5();
  // With a content-length the body goes straight into one buffer; otherwise chunks are joined at the end.
  const whole = total !== null ? new Uint8Array(total) : null;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let reported = 0;
  const report = () => {
    reported = loaded;
    options.onProgress?.({ file: file.name, url, loaded, total });
  };
  const reader = res.body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.length > max) {
        await reader.cancel().catch(() => {});
        throw new DownloadError(
          url,
          `too long: more than the ${max} bytes a data file may hold (maxBytes); nothing was written`,
        );
      }
      hash.update(value);
      if (whole === null) chunks.push(value);
      else if (loaded + value.length <= whole.length) whole.set(value, loaded);
      loaded += value.length;
      if (loaded - reported >= PROGRESS_STEP) report();
    }
  } catch (e) {
    if (e instanceof DownloadError) throw e;
    const of = total === null ? "" : ` of ${total}`;
    throw new DownloadError(
      url,
      `truncated: the transfer broke after ${loaded}${of} bytes (${
        (e as Error).message
      }); nothing was written`,
    );
  }
  report();
  if (total !== null && loaded !== total) {
    const what = loaded < total ? "truncated: received" : "too long: received";
    throw new DownloadError(
      url,
      `${what} ${loaded} bytes of the ${total} announced by content-length; nothing was written`,
    );
  }
  const md5 = hash.hex();
  const expected = (options.md5?.[file.name] ?? file.md5).toLowerCase();
  if (md5 !== expected) {
    throw new DownloadError(
      url,
      `checksum mismatch: expected md5 ${expected}, got ${md5} for ${loaded} bytes; nothing was written`,
    );
  }
  if (whole !== null) return { bytes: whole, md5 };
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, md5 };
}

/**
 * Download a data set, verify it and hand its files to `writeFile` (see the
 * module documentation for the sources and what is written).
 *
 * @example
 * ```ts ignore
 * import { downloadDataset } from "./download.ts";
 * await downloadDataset("fashion-mnist", {
 *   writeFile: (name, bytes) => Deno.writeFile(`data/${name}`, bytes),
 *   onProgress: (p) => console.log(p.file, p.loaded, p.total),
 * });
 * ```
 */
export async function downloadDataset(
  name: DatasetName,
  options: DownloadOptions,
): Promise<DownloadResult> {
  if (!DOWNLOADABLE.includes(name)) {
    throw new ConfigError("dataset", name, DOWNLOADABLE.map((k) => `"${k}"`).join(" or "));
  }
  const spec = DATASETS[name].source!;
  if (typeof options?.writeFile !== "function") {
    throw new ConfigError(
      "writeFile",
      options?.writeFile,
      "a function (name, bytes) storing one file",
    );
  }
  for (const [file, sum] of Object.entries(options.md5 ?? {})) {
    if (!spec.files.some((f) => f.name === file)) {
      throw new ConfigError("md5", file, spec.files.map((f) => f.name).join(", "));
    }
    if (!/^[0-9a-fA-F]{32}$/.test(sum)) {
      throw new ConfigError(`md5 of ${file}`, sum, "32 hexadecimal digits");
    }
  }
  const max = options.maxBytes;
  if (max !== undefined && !(Number.isSafeInteger(max) && max >= 1)) {
    throw new ConfigError("maxBytes", max, "a whole number of bytes >= 1");
  }
  let base = options.baseUrl ?? spec.baseUrl;
  if (!base.endsWith("/")) base += "/";
  try {
    new URL(base);
  } catch {
    throw new ConfigError("baseUrl", options.baseUrl, "an absolute URL of a folder");
  }

  // Fetch and verify everything before anything is written.
  const fetched: { file: RemoteFile; url: string; bytes: Uint8Array; md5: string }[] = [];
  for (const file of spec.files) {
    const url = new URL(file.name, base).href;
    const { bytes, md5 } = await fetchVerified(file, url, options);
    fetched.push({ file, url, bytes, md5 });
  }

  const written: { name: string; bytes: number }[] = [];
  for (const { file, url, bytes } of fetched) {
    if (spec.unpack === "none") {
      await options.writeFile(file.name, bytes);
      written.push({ name: file.name, bytes: bytes.length });
      continue;
    }
    const tar = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
      new DecompressionStream("gzip"),
    );
    const unpacked = readTar(tar, `${file.name} (${url})`, options.maxBytes ?? MAX_DATA_BYTES);
    for await (const entry of unpacked) {
      await options.writeFile(entry.name, entry.bytes);
      written.push({ name: entry.name, bytes: entry.bytes.length });
    }
    if (written.length === 0) throw new DownloadError(url, "the archive holds no files");
  }
  return {
    dataset: name,
    downloaded: fetched.map(({ file, url, bytes, md5 }) => ({
      name: file.name,
      url,
      bytes: bytes.length,
      md5,
    })),
    written,
  };
}
