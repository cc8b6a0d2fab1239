/**
 * The claims of the report as presets (examples/*.json), bundled into the
 * page: one per claim of THEORY.md section 5, in the report's order.
 * @module
 */
import sequential from "../examples/sequential.json" with { type: "json" };
import tied from "../examples/tied.json" with { type: "json" };
import reluBias from "../examples/relu-bias.json" with { type: "json" };
import truncated from "../examples/truncated.json" with { type: "json" };
import components from "../examples/components.json" with { type: "json" };
import realdata from "../examples/realdata.json" with { type: "json" };
import demo from "../examples/demo.json" with { type: "json" };

/** A preset as stored: its experiment kind, title and claim (the rest is read by `parsePreset`). */
export interface PresetFile {
  experiment: string;
  title: string;
  claim: string;
  [key: string]: unknown;
}

/**
 * The presets by name (the file name without .json), in the report's order.
 * The object has no prototype, so that a name from a URL such as
 * `constructor` or `__proto__` finds nothing (rather than an inherited
 * member); look names up with {@link presetFile}.
 */
export const PRESETS: Readonly<Record<string, PresetFile>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, PresetFile>, {
    sequential,
    tied,
    "relu-bias": reluBias,
    truncated,
    components,
    realdata,
  }),
);

/**
 * The preset of this name, or undefined when there is none (own names only:
 * `constructor`, `__proto__` and `toString` are not presets).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { presetFile } from "./presets.ts";
 * assert.ok(presetFile("tied")?.experiment && presetFile("constructor") === undefined, "the example's claim holds");
 * ```
 */
export function presetFile(name: string): PresetFile | undefined {
  return typeof name === "string" && Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}

/** The names of the presets, in order. */
export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);

/** The README's demo problem (examples/demo.json), as the form's "demo" settings. */
export const DEMO: Record<string, unknown> = demo;
