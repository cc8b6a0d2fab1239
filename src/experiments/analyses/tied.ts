/**
 * Claim 3 (tied vs untied): the long-time error of tied and untied networks against eps_PCA(K).
 * @module
 */
import { type AnalysisFn, type Check, check } from "../types.ts";
import { longTimeOf } from "../preset.ts";
import { curves, finalOf, K_OF, levelsOf, longTimeErrors, THRESHOLDS } from "./shared.ts";
/** Claim 3 (tied vs untied): the long-time error of tied and untied networks against eps_PCA(K). */
export const tied: AnalysisFn = async (preset, runs, size, control = {}) => {
  const long = longTimeOf(preset, size) ?? 1e5;
  const rows: {
    label: string;
    tied: boolean;
    activation: string;
    finalSimulation: number;
    finalTheory: number;
    asymptoticTheory: number;
    asymptoticAt: number;
    driftLastDecade: number;
    epsPCA_K: number;
    ratioSimulation: number;
    ratioAsymptotic: number;
  }[] = [];
  for (const r of runs) {
    const K = K_OF(r);
    const levels = levelsOf(r);
    let asymptotic = NaN, drift = NaN;
    if (r.theory) {
      const [tenth, end] = await longTimeErrors(r, long, control);
      asymptotic = end;
      drift = Math.abs(end / tenth - 1);
    }
    rows.push({
      label: r.label,
      tied: r.config.network.tied,
      activation: r.config.network.activation,
      finalSimulation: finalOf(r.simulation),
      finalTheory: r.theory ? finalOf(r.theory) : NaN,
      asymptoticTheory: asymptotic,
      asymptoticAt: long,
      driftLastDecade: drift,
      epsPCA_K: levels[K],
      ratioSimulation: finalOf(r.simulation) / levels[K],
      ratioAsymptotic: asymptotic / levels[K],
    });
  }
  const find = (act: string, tiedFlag: boolean) =>
    rows.find((x) => x.activation === act && x.tied === tiedFlag);
  const checks: Check[] = [];
  const tl = find("linear", true), ue = find("erf", false), te = find("erf", true);
  if (tl) {
    checks.push(
      check(
        "tied linear: asymptotic error / eps_PCA(K)",
        tl.ratioAsymptotic,
        "<=",
        THRESHOLDS.reaches,
      ),
    );
  }
  if (ue) {
    checks.push(
      check(
        "untied erf: asymptotic error / eps_PCA(K)",
        ue.ratioAsymptotic,
        "<=",
        THRESHOLDS.reaches,
      ),
    );
  }
  if (te) {
    checks.push(
      check("tied erf: final SGD error / eps_PCA(K)", te.ratioSimulation, ">", THRESHOLDS.above),
    );
    checks.push(
      check("tied erf: asymptotic error / eps_PCA(K)", te.ratioAsymptotic, ">", THRESHOLDS.above),
    );
  }
  return {
    numbers: { variants: rows },
    checks,
    figures: { error_curve: curves(runs, preset.title) },
  };
};
