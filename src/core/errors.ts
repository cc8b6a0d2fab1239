/**
 * The package's errors: one base class, {@link AedynError}, and below it one
 * class per kind of failure, so that a caller (the CLI among them) can tell
 * bad input (exit code 2: {@link ConfigError}, {@link DataFormatError}) from
 * a run that failed (exit code 1: {@link DivergenceError},
 * {@link IntegrationError} and its {@link DomainError}, {@link DownloadError}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AedynError, ConfigError } from "./errors.ts";
 * const e = new ConfigError("network.K", 0, "an integer from 1 to D");
 * assert.ok(e instanceof AedynError);
 * assert.equal(e.exitCode, 2);
 * ```
 * @module
 */

/**
 * Base class of every error the package throws on purpose. `exitCode` is the
 * CLI's exit code for it: 2 for bad input (nothing was run or written), 1 for
 * a run that failed.
 */
export class AedynError extends Error {
  /** Exit code of the CLI for this error: 2 bad input, 1 a failed run. */
  readonly exitCode: 1 | 2;

  /** Build the error with its message and exit code. */
  constructor(message: string, exitCode: 1 | 2) {
    super(message);
    this.name = "AedynError";
    this.exitCode = exitCode;
  }
}

/**
 * A configuration value that is not allowed. `param` names the parameter
 * (as the CLI flag or config key), `value` is what was received and
 * `allowed` says what would be accepted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigError } from "./errors.ts";
 * const e = new ConfigError("K", 0, "an integer from 1 to D");
 * assert.ok(e.message.includes("K"));
 * ```
 */
export class ConfigError extends AedynError {
  /** Name of the offending parameter. */
  readonly param: string;
  /** The value received. */
  readonly value: unknown;
  /** What is allowed. */
  readonly allowed: string;

  /** Build the error; the message names all three. */
  constructor(param: string, value: unknown, allowed: string) {
    super(`invalid ${param}: got ${describeValue(value)}; allowed: ${allowed}`, 2);
    this.name = "ConfigError";
    this.param = param;
    this.value = value;
    this.allowed = allowed;
  }
}

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
 * import assert from "node:assert/strict";
 * import { DataFormatError } from "./errors.ts";
 * const e = new DataFormatError({ source: "a.npy", offset: 0 }, "the magic string \\x93NUMPY", "PK");
 * assert.equal(e.message, 'a.npy: at byte 0: expected the magic string \\x93NUMPY, found PK');
 * ```
 */
export class DataFormatError extends AedynError {
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
    super(`${where}: expected ${expected}${found === undefined ? "" : `, found ${found}`}`, 2);
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
 * import assert from "node:assert/strict";
 * import { DownloadError } from "./errors.ts";
 * const e = new DownloadError("https://example.org/a.gz", "HTTP 404 Not Found");
 * assert.ok(e.message.includes("a.gz"));
 * assert.ok(e.message.includes("404"));
 * ```
 */
export class DownloadError extends AedynError {
  /** The URL being downloaded. */
  readonly url: string;

  /** Build the error for `url` with the reason. */
  constructor(url: string, reason: string) {
    super(`download of ${url} failed: ${reason}`, 1);
    this.name = "DownloadError";
    this.url = url;
  }
}

/**
 * A simulation whose state stopped being finite (e.g. a learning rate too large).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DivergenceError } from "./errors.ts";
 * const e = new DivergenceError(12.5, "the weights blew up");
 * assert.equal(e.t, 12.5);
 * assert.equal(e.exitCode, 1);
 * ```
 */
export class DivergenceError extends AedynError {
  /** Time t = steps/D at which divergence was detected. */
  readonly t: number;

  /** Build the error for time t with an explanation. */
  constructor(t: number, detail: string) {
    super(`the run diverged at t = ${t}: ${detail}`, 1);
    this.name = "DivergenceError";
    this.t = t;
  }
}

/** Why an integration stopped early. */
export type IntegrationFailure =
  | "domain"
  | "non-finite"
  | "step-underflow"
  | "max-steps"
  | "singular-matrix";

/**
 * An integration that could not continue; `t` is the time reached (the end of
 * the last accepted step, or the time at which the failing step started).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IntegrationError } from "./errors.ts";
 * const e = new IntegrationError("max-steps", 3, "too many steps");
 * assert.equal(e.reason, "max-steps");
 * assert.ok(e.message.includes("t = 3"));
 * ```
 */
export class IntegrationError extends AedynError {
  /** Time at which the integration stopped. */
  readonly t: number;
  /** What went wrong. */
  readonly reason: IntegrationFailure;
  /** Build the error; the message names t. */
  constructor(reason: IntegrationFailure, t: number, detail: string) {
    super(`integration stopped at t = ${t}: ${detail}`, 1);
    this.name = "IntegrationError";
    this.reason = reason;
    this.t = t;
  }
}

/**
 * The state left the domain of the equations (a domain guard returned a
 * message) at time `t`. `detail` is the guard's message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DomainError, IntegrationError } from "./errors.ts";
 * const e = new DomainError(2, "Q_11 <= 0");
 * assert.ok(e instanceof IntegrationError);
 * assert.equal(e.detail, "Q_11 <= 0");
 * ```
 */
export class DomainError extends IntegrationError {
  /** The message returned by the guard. */
  readonly detail: string;
  /** Build the error for time t with the guard's message. */
  constructor(t: number, detail: string) {
    super("domain", t, `the state left the domain: ${detail}`);
    this.name = "DomainError";
    this.detail = detail;
  }
}

/**
 * A value as a short string for messages: strings quoted, long JSON cut at 80 characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeValue } from "./errors.ts";
 * assert.equal(describeValue("erf"), '"erf"');
 * assert.equal(describeValue(undefined), "nothing");
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  if (value === undefined) return "nothing";
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}
