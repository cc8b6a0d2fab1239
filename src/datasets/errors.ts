/**
 * Errors raised while reading data files and downloading data sets.
 * @module
 */

/** Where in a file a problem was found. */
export interface DataLocation {
  /** Name of the file or stream, as given by the caller. */
  source: string;
  /** Byte offset from the start of the (inflated) data, for binary formats. */
  offset?: number;
  /** Line number, from 1, for text formats. */
  line?: number;
  /** True when the offset counts bytes of the gunzipped data, not of the file. */
  gunzipped?: boolean;
}

/**
 * A data file that does not have the expected format. The message names the
 * source, the place (byte offset, or line for CSV) and what was expected.
 *
 * @example
 * ```ts
 * import { DataFormatError } from "./errors.ts";
 * const e = new DataFormatError({ source: "a.npy", offset: 0 }, "the magic string \\x93NUMPY", "PK");
 * if (!(e.message === 'a.npy: at byte 0: expected the magic string \\x93NUMPY, found PK')) throw new Error("example failed");
 * ```
 */
export class DataFormatError extends Error {
  /** Name of the file or stream. */
  readonly source: string;
  /** Byte offset of the problem, when the format is binary. */
  readonly offset?: number;
  /** Line of the problem (from 1), when the format is text. */
  readonly line?: number;
  /** What would have been accepted. */
  readonly expected: string;
  /** What was found instead, when it can be said briefly. */
  readonly found?: string;

  /** Build the error; the message names the place, the expectation and the finding. */
  constructor(at: DataLocation, expected: string, found?: string) {
    let where = at.source;
    if (at.line !== undefined) where += `: line ${at.line}`;
    else if (at.offset !== undefined) {
      where += `: at byte ${at.offset}${at.gunzipped ? " of the gunzipped data" : ""}`;
    }
    super(`${where}: expected ${expected}${found === undefined ? "" : `, found ${found}`}`);
    this.name = "DataFormatError";
    this.source = at.source;
    this.offset = at.offset;
    this.line = at.line;
    this.expected = expected;
    this.found = found;
  }
}

/**
 * A download that failed: HTTP error, truncated body, checksum mismatch or a
 * file the archive should have held. Nothing of the data set was handed to
 * `writeFile` when this is thrown before unpacking.
 *
 * @example
 * ```ts
 * import { DownloadError } from "./errors.ts";
 * const e = new DownloadError("https://example.org/a.gz", "HTTP 404 Not Found");
 * if (!(e.message.includes("a.gz") && e.message.includes("404"))) throw new Error("example failed");
 * ```
 */
export class DownloadError extends Error {
  /** The URL being downloaded. */
  readonly url: string;

  /** Build the error for `url` with the reason. */
  constructor(url: string, reason: string) {
    super(`download of ${url} failed: ${reason}`);
    this.name = "DownloadError";
    this.url = url;
  }
}
