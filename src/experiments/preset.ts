/**
 * Experiment presets: a claim of THEORY.md section 5 as plain data (the JSON
 * files in examples/), with the problem, the variants compared and the sizes
 * at which to run it.
 * @module
 */
import type { Network, ProblemInput, Rule } from "../problem/types.ts";
import { ConfigError } from "../core/errors.ts";
import { checkKeys } from "../core/params.ts";
import { resolveProblem } from "../problem/resolve.ts";

/** The experiments the package knows how to analyse. */
export type ExperimentKind =
  | "sequential"
  | "tied"
  | "relu-bias"
  | "truncated"
  | "components"
  | "weight-decay"
  | "realdata";
/** The allowed experiment kinds. */
export const EXPERIMENTS: readonly ExperimentKind[] = [
  "sequential",
  "tied",
  "relu-bias",
  "truncated",
  "components",
  "weight-decay",
  "realdata",
];

/** One network/rule compared within an experiment. */
export interface Variant {
  /** Legend name. */
  label: string;
  /** Overrides of the preset's network. */
  network?: Partial<Network>;
  /** Overrides of the preset's rule. */
  rule?: Rule;
  /** Overrides of the preset's learning rate. */
  lr?: number;
}

/** Overrides for a run size: the data dimension D and any simulate field. */
export type SizeOverrides =
  & Partial<Pick<ProblemInput, "tMax" | "seeds" | "nTest" | "nTimes" | "lr">>
  & {
    D?: number;
    /** Overrides the preset's longTime. */
    longTime?: number;
    /** Overrides the preset's scanD. */
    scanD?: number[];
  };

/** Run sizes: "reduced" (tests), "default" (deno task figures), "full" (paper-sized). */
export type Size = "reduced" | "default" | "full";
/** The allowed sizes. */
export const SIZES: readonly Size[] = ["reduced", "default", "full"];

/** A preset, as stored in examples/NAME.json. */
export interface Preset {
  /** What is analysed, and how. */
  experiment: ExperimentKind;
  /** Figure and report title. */
  title: string;
  /** The claim, in words. */
  claim: string;
  /** The shared problem at the default size. */
  problem: ProblemInput;
  /** The variants compared (default: the problem alone). */
  variants?: Variant[];
  /** Overrides per size. */
  sizes?: Partial<Record<"reduced" | "full", SizeOverrides>>;
  /** Time up to which the theory is integrated for the long-time analysis (tied, relu-bias). */
  longTime?: number;
  /**
   * Further input dimensions D at which the analysis reruns a variant to see a trend with D
   * (truncated: vanilla SGD's alignment against the theory's).
   */
  scanD?: number[];
  /** Real images (realdata): the embedded MNIST, split and preprocessing. */
  images?: {
    nHeldOut: number;
    splitSeed: number;
    pixelCentre?: boolean;
    bins?: number;
    gaussianSeeds?: number[];
  };
}

/** The keys a size's overrides may hold. */
const SIZE_KEYS = ["D", "tMax", "seeds", "nTest", "nTimes", "lr", "longTime", "scanD"];

/** A list of input dimensions for a scan: integers from 2 to 1e5. */
function checkScanD(name: string, value: unknown): void {
  if (
    !Array.isArray(value) ||
    value.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 2 || d > 1e5)
  ) {
    throw new ConfigError(name, value, "a list of input dimensions D, integers from 2 to 100000");
  }
}

/** The long-time horizon of the tied analysis: a time of the equations, t > 0. */
function checkLongTime(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > 1e8) {
    throw new ConfigError(name, value, "a time t of the equations, from above 0 to 1e8");
  }
}

/** Parse and check a preset (the JSON text of an examples/ file). */
export function parsePreset(text: string, source = "preset"): Preset {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(
      source,
      `text that is not JSON (${(e as Error).message})`,
      "a JSON preset",
    );
  }
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    throw new ConfigError(source, obj, "an object with experiment, title, claim, problem");
  }
  const p = obj as Preset;
  if (!EXPERIMENTS.includes(p.experiment)) {
    throw new ConfigError(`${source}: experiment`, p.experiment, EXPERIMENTS.join(", "));
  }
  for (const key of ["title", "claim"] as const) {
    if (typeof p[key] !== "string" || p[key].length === 0) {
      throw new ConfigError(`${source}: ${key}`, p[key], "a non-empty string");
    }
  }
  if (typeof p.problem !== "object" || p.problem === null) {
    throw new ConfigError(`${source}: problem`, p.problem, "simulate()'s fields as an object");
  }
  if (p.variants !== undefined) {
    if (!Array.isArray(p.variants) || p.variants.length === 0) {
      throw new ConfigError(
        `${source}: variants`,
        p.variants,
        "a non-empty list of {label, network?, rule?}",
      );
    }
    p.variants.forEach((v, i) => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) {
        throw new ConfigError(
          `${source}: variants[${i}]`,
          v,
          "an object {label, network?, rule?, lr?}",
        );
      }
      for (const key of Object.keys(v)) {
        if (!["label", "network", "rule", "lr"].includes(key)) {
          throw new ConfigError(`${source}: variants[${i}] key`, key, "label, network, rule, lr");
        }
      }
      if (
        v.network !== undefined &&
        (typeof v.network !== "object" || v.network === null || Array.isArray(v.network))
      ) {
        throw new ConfigError(
          `${source}: variants[${i}].network`,
          v.network,
          "an object of network fields",
        );
      }
    });
    const labels = p.variants.map((v) => v.label);
    if (labels.some((l) => typeof l !== "string" || !l) || new Set(labels).size !== labels.length) {
      throw new ConfigError(`${source}: variants`, labels, "distinct non-empty labels");
    }
  }
  if (p.sizes !== undefined) {
    if (typeof p.sizes !== "object" || p.sizes === null || Array.isArray(p.sizes)) {
      throw new ConfigError(
        `${source}: sizes`,
        p.sizes,
        'an object {"reduced"?: {...}, "full"?: {...}}',
      );
    }
    for (const [key, over] of Object.entries(p.sizes)) {
      if (key !== "reduced" && key !== "full") {
        throw new ConfigError(`${source}: sizes key`, key, "reduced, full");
      }
      checkKeys(`${source}: sizes.${key}`, over, SIZE_KEYS);
      if (over.longTime !== undefined) {
        checkLongTime(`${source}: sizes.${key}.longTime`, over.longTime);
      }
      if (over.scanD !== undefined) checkScanD(`${source}: sizes.${key}.scanD`, over.scanD);
    }
  }
  if (p.longTime !== undefined) checkLongTime(`${source}: longTime`, p.longTime);
  if (p.scanD !== undefined) checkScanD(`${source}: scanD`, p.scanD);
  // every variant at every size resolves: a bad preset is refused before any work
  if (p.experiment !== "realdata") {
    for (const size of SIZES) {
      for (const v of p.variants ?? [undefined]) {
        try {
          resolveProblem(variantProblem(p, v, size));
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          const where = `${size} size${v ? `, variant "${v.label}"` : ""}`;
          throw new ConfigError(`${source} (${where}): ${e.param}`, e.value, e.allowed);
        }
      }
    }
  }
  for (const key of Object.keys(p)) {
    if (
      ![
        "experiment",
        "title",
        "claim",
        "problem",
        "variants",
        "sizes",
        "longTime",
        "scanD",
        "images",
      ].includes(key)
    ) {
      throw new ConfigError(
        `${source} key`,
        key,
        "experiment, title, claim, problem, variants, sizes, longTime, scanD, images",
      );
    }
  }
  return p;
}

/** The problem of one variant at one size. */
export function variantProblem(
  preset: Preset,
  variant: Variant | undefined,
  size: Size,
): ProblemInput {
  const over: SizeOverrides = size === "default" ? {} : preset.sizes?.[size] ?? {};
  const { D, longTime: _longTime, scanD: _scanD, ...rest } = over;
  const base = preset.problem;
  const data = base.data && D !== undefined ? { ...base.data, D } : base.data;
  return {
    ...base,
    ...rest,
    ...(data ? { data } : {}),
    network: { ...base.network, ...variant?.network },
    ...(variant?.rule ? { rule: variant.rule } : {}),
    ...(variant?.lr !== undefined ? { lr: variant.lr } : {}),
  };
}

/** The dimensions of a preset's scan at a size (none by default). */
export function scanDOf(preset: Preset, size: Size): number[] {
  return (size === "default" ? undefined : preset.sizes?.[size]?.scanD) ?? preset.scanD ?? [];
}

/** The long-time horizon of a preset at a size. */
export function longTimeOf(preset: Preset, size: Size): number | undefined {
  return (size === "default" ? undefined : preset.sizes?.[size]?.longTime) ?? preset.longTime;
}
