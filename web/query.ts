/**
 * The page's state in its URL: the query string takes `simulate()`'s config
 * keys by dotted path (`data.D=100&network.K=2&lr=1&seeds=1,2`), each parsed
 * by its type in the parameter table, plus the page's own keys (`preset`,
 * `size`, `autorun`, `images`, `heldOut`, `splitSeed`). Missing keys take the
 * CLI's defaults (those of `resolveProblem`). Pure functions: no DOM, so the
 * same code is tested in Deno.
 * @module
 */
import { ConfigError } from "../src/core/errors.ts";
import {
  defaultOf,
  describeAllowed,
  isDecimal,
  type ParamSpec,
  parseDecimal,
  parseText,
  setPath,
} from "../src/core/params.ts";
import { problemParams } from "../src/problem/resolve.ts";
import type { ProblemInput } from "../src/problem/types.ts";
import { type Size, SIZES } from "../src/experiments/preset.ts";

/** The problem's parameters the page takes, in the table's order (spiked data first). */
export const PAGE_PARAMS: readonly ParamSpec[] = problemParams("spiked");

/** Real images the page can train on: the embedded MNIST, or a file the user dropped. */
export type ImagesSource = "mnist" | "file";

/** What a URL holds. */
export interface PageState {
  /** Problem values given in the URL, by dotted path, as strings (the form's values). */
  values: Record<string, string>;
  /** A preset (examples/NAME.json) to run instead of the problem. */
  preset?: string;
  /** The preset's size. */
  size: Size;
  /** Run at once on load. */
  autorun: boolean;
  /** Train on real images instead of the spiked model. */
  images?: ImagesSource;
  /** Held-out images (test error and spectrum) of a real-image run. */
  heldOut: number;
  /** Seed of the split into training and held-out images. */
  splitSeed: number;
}

/** Keys of the page itself (not problem parameters). */
export const PAGE_KEYS = ["preset", "size", "autorun", "images", "heldOut", "splitSeed"] as const;

/** Defaults of the page's own keys (the CLI's `realdata` defaults for the split). */
export const PAGE_DEFAULTS = { size: "reduced" as Size, heldOut: 2000, splitSeed: 1 };

/**
 * The value of one parameter from its text (a query value or a form field),
 * parsed by its type; ranges are checked later, once, by `resolveProblem`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PAGE_PARAMS, parseValue } from "./query.ts";
 * const seeds = PAGE_PARAMS.find((p) => p.path === "seeds")!;
 * assert.deepEqual(parseValue(seeds, "1, 2,3"), [1, 2, 3]);
 * ```
 */
export function parseValue(spec: ParamSpec, text: string): unknown {
  // the CLI's parser (src/core/params.ts); messages name the query key
  return parseText(spec, text, spec.path);
}

/** The text of a value in the URL and in the form (lists comma-separated). */
export function formatValue(value: unknown): string {
  return Array.isArray(value) ? value.join(",") : String(value);
}

/**
 * The default of a parameter as text, in the context of the values given
 * (e.g. K's default depends on D); "" for optional parameters without one.
 */
export function defaultText(spec: ParamSpec, values: Record<string, string>): string {
  const ctx: Record<string, unknown> = { D: 500 };
  const D = values["data.D"];
  if (D !== undefined && isDecimal(D) && Number.isInteger(Number(D))) ctx.D = Number(D);
  const d = defaultOf(spec, ctx);
  return d === undefined ? "" : formatValue(d);
}

/** Help text of a parameter: its doc, what is allowed, its default and unit. */
export function helpText(spec: ParamSpec, values: Record<string, string> = {}): string {
  const d = defaultText(spec, values);
  const ctx = { D: Number(values["data.D"] ?? 500) || 500 };
  const parts = [
    spec.doc,
    `allowed: ${describeAllowed(spec, ctx)}`,
    d === "" ? "optional" : `default ${d}`,
    spec.unit,
  ].filter(Boolean);
  return parts.join("; ");
}

/**
 * Read a query string into the page's state; throws a ConfigError naming
 * an unknown key or a malformed value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseQuery } from "./query.ts";
 * const s = parseQuery("?data.D=100&network.K=2&seeds=1,2&autorun=1");
 * assert.equal(s.values["data.D"], "100");
 * assert.ok(s.autorun);
 * assert.equal(s.size, "reduced");
 * ```
 */
export function parseQuery(search: string | URLSearchParams): PageState {
  const params = typeof search === "string" ? new URLSearchParams(search) : search;
  const state: PageState = { values: {}, autorun: false, ...PAGE_DEFAULTS };
  const seen = new Set<string>();
  for (const [key, value] of params) {
    if (seen.has(key)) throw new ConfigError(key, value, "one value (the key is given twice)");
    seen.add(key);
    const spec = PAGE_PARAMS.find((p) => p.path === key);
    if (spec) {
      parseValue(spec, value); // malformed values are refused here, naming the key
      state.values[key] = value;
      continue;
    }
    switch (key) {
      case "preset":
        state.preset = value;
        break;
      case "size":
        if (!(SIZES as readonly string[]).includes(value)) {
          throw new ConfigError("size", value, SIZES.join(", "));
        }
        state.size = value as Size;
        break;
      case "autorun":
        state.autorun = parseValue(
          { path: "autorun", flag: "", type: "boolean", doc: "" },
          value,
        ) as boolean;
        break;
      case "images":
        if (value !== "mnist" && value !== "file") {
          throw new ConfigError("images", value, "mnist (the embedded digits) or file");
        }
        state.images = value;
        break;
      case "heldOut":
      case "splitSeed": {
        const v = parseDecimal(key, value, true);
        if (v < (key === "heldOut" ? 1 : 0) || v > 2 ** 48) {
          throw new ConfigError(key, value, `an integer from ${key === "heldOut" ? 1 : 0} to 2^48`);
        }
        state[key] = v;
        break;
      }
      default:
        throw new ConfigError(
          "query key",
          key,
          `the config keys by dotted path (${PAGE_PARAMS.map((p) => p.path).join(", ")}) ` +
            `or ${PAGE_KEYS.join(", ")}`,
        );
    }
  }
  if (state.images) {
    const spiked = Object.keys(state.values).find((k) => k.startsWith("data."));
    if (spiked) {
      throw new ConfigError(spiked, state.values[spiked], "no spiked-model key with images");
    }
  }
  return state;
}

/**
 * The query string of a state: the problem values that differ from their
 * defaults, in the table's order, then the page's keys that differ from theirs.
 *
 * @example
 * ```ts
 * import { formatQuery, parseQuery } from "./query.ts";
 * const q = "?data.D=100&network.K=2&seeds=1%2C2&autorun=1";
 * if (formatQuery(parseQuery(q)) !== q) throw new Error(formatQuery(parseQuery(q)));
 * ```
 */
export function formatQuery(state: PageState): string {
  const out = new URLSearchParams();
  if (state.preset !== undefined) {
    out.set("preset", state.preset);
    if (state.size !== PAGE_DEFAULTS.size) out.set("size", state.size);
  } else {
    for (const spec of PAGE_PARAMS) {
      const v = state.values[spec.path];
      if (v === undefined || v.trim() === "") continue;
      if (state.images && spec.path.startsWith("data.")) continue;
      if (v === defaultText(spec, state.values)) continue;
      out.set(spec.path, v);
    }
    if (state.images) {
      out.set("images", state.images);
      if (state.heldOut !== PAGE_DEFAULTS.heldOut) out.set("heldOut", String(state.heldOut));
      if (state.splitSeed !== PAGE_DEFAULTS.splitSeed) {
        out.set("splitSeed", String(state.splitSeed));
      }
    }
  }
  if (state.autorun) out.set("autorun", "1");
  const q = out.toString();
  return q ? `?${q}` : "";
}

/**
 * The problem input of a state's values (spiked data; with images, the
 * data model is set by the worker from the images). Values are parsed by
 * type here; `resolveProblem` checks the ranges and fills in the defaults.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseQuery, problemInput } from "./query.ts";
 * const p = problemInput(parseQuery("?data.D=100&network.activation=relu&seeds=3"));
 * assert.equal((p.data as { D: number }).D, 100);
 * assert.ok(p.network?.activation === "relu");
 * assert.ok(p.seeds?.[0] === 3);
 * ```
 */
export function problemInput(state: PageState): ProblemInput {
  const out: Record<string, unknown> = {};
  for (const spec of PAGE_PARAMS) {
    const v = state.values[spec.path];
    if (v === undefined || v.trim() === "") continue;
    if (state.images && spec.path.startsWith("data.")) continue;
    setPath(out, spec.path, parseValue(spec, v.trim()));
  }
  if (!state.images) out.data = { kind: "spiked", ...(out.data as object | undefined) };
  return out as ProblemInput;
}

/** Labels for the few docs that do not read as a label (booleans whose doc is their "no-" flag's). */
const LABELS: Record<string, string> = {
  "data.normalise": "normalise x so that tr(Ω)/D = 1",
  "data.sigma": "noise standard deviation sigma",
  "network.activation": "activation g",
  "network.outputBias": "trained output bias c",
  "network.sigma0": "initial weights: standard deviation",
  "seeds": "seeds (one run each)",
};

/** The label of a parameter: its doc up to the first parenthesis or colon. */
export function labelOf(spec: ParamSpec): string {
  return LABELS[spec.path] ?? spec.doc.split(/ \(|: /)[0];
}
