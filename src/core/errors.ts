/**
 * Errors raised at the package boundary.
 * @module
 */

/**
 * A configuration value that is not allowed. `param` names the parameter
 * (as the CLI flag or config key), `value` is what was received and
 * `allowed` says what would be accepted.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./errors.ts";
 * const e = new ConfigError("K", 0, "an integer from 1 to D");
 * if (!(e.message.includes("K"))) throw new Error("example failed");
 * ```
 */
export class ConfigError extends Error {
  /** Name of the offending parameter. */
  readonly param: string;
  /** The value received. */
  readonly value: unknown;
  /** What is allowed. */
  readonly allowed: string;

  /** Build the error; the message names all three. */
  constructor(param: string, value: unknown, allowed: string) {
    super(`invalid ${param}: got ${describe(value)}; allowed: ${allowed}`);
    this.name = "ConfigError";
    this.param = param;
    this.value = value;
    this.allowed = allowed;
  }
}

/** A run whose state stopped being finite (e.g. a learning rate too large). */
export class DivergenceError extends Error {
  /** Time t = steps/D at which divergence was detected. */
  readonly t: number;

  /** Build the error for time t with an explanation. */
  constructor(t: number, detail: string) {
    super(`the run diverged at t = ${t}: ${detail}`);
    this.name = "DivergenceError";
    this.t = t;
  }
}

function describe(value: unknown): string {
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
