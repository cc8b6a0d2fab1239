/**
 * The registry of experiment analyses: an experiment kind maps to the
 * function that turns its variants' runs into numbers, checks (the claim's
 * verdict) and figures. Adding an experiment is one file here, one line
 * below and its preset in examples/.
 * @module
 */
import type { AnalysisFn } from "../types.ts";
import { sequential } from "./sequential.ts";
import { tied } from "./tied.ts";
import { reluBias } from "./relu_bias.ts";
import { truncated } from "./truncated.ts";
import { components } from "./components.ts";
import { weightDecay } from "./weight_decay.ts";

export { THRESHOLDS } from "./shared.ts";

/** The analysis of each experiment kind (real images have their own runner). */
export const ANALYSES: Record<string, AnalysisFn> = {
  sequential,
  tied,
  "relu-bias": reluBias,
  truncated,
  components,
  "weight-decay": weightDecay,
};
