/**
 * The one assembly of a curve result from the runs of a prepared problem
 * (`simulate` and `theory` both return it, so one plot overlays them): the
 * problem as recorded, the recording times, the mean, spread and extremes of
 * the error over the runs, the mean exact error when every run carries one,
 * the runs, the PCA levels and the seconds spent.
 * @module
 */
import { summarise } from "../core/stats.ts";
import { VERSION } from "../core/version.ts";
import { displayable } from "../core/display.ts";
import type { Prepared } from "./prepare.ts";
import type { CurveResult, Fluctuations, Run, SolverRecord } from "./types.ts";

/** What a result holds besides the runs: the theory's solver record and its warnings. */
export interface CurveExtras {
  /** The theory's solver settings and counts. */
  solver?: SolverRecord;
  /** Conditions met along the way (left out when empty). */
  warnings?: { t: number; message: string }[];
  /** The predicted spread between seeds at this D (a theory with paths). */
  fluctuations?: Fluctuations;
  /** Samples seen at each recorded time (simulations with mini-batches). */
  samples?: number[];
}

/**
 * The result of `kind` from the runs of `prep`'s seeds (in the problem's
 * order), `started` being the `performance.now()` at which the work began.
 */
export function curveResult(
  prep: Prepared,
  kind: CurveResult["kind"],
  runs: Run[],
  started: number,
  extras: CurveExtras = {},
): CurveResult {
  const exact = runs.length > 0 && runs.every((r) => r.epsExact)
    ? { epsExact: meanOf(runs.map((r) => r.epsExact!)) }
    : {};
  const result: CurveResult = {
    kind,
    version: VERSION,
    config: prep.record,
    ...(extras.solver ? { solver: extras.solver } : {}),
    times: [...prep.times],
    ...summarise(runs.map((r) => r.eps)),
    ...exact,
    runs,
    pca: prep.pca,
    ...(extras.warnings?.length ? { warnings: extras.warnings } : {}),
    ...(extras.fluctuations ? { fluctuations: extras.fluctuations } : {}),
    ...(extras.samples ? { samples: extras.samples } : {}),
    seconds: (performance.now() - started) / 1000,
  };
  return displayable(result, "curve");
}

/** The mean over runs at each recorded time. */
function meanOf(rows: number[][]): number[] {
  return rows[0].map((_, i) => rows.reduce((s, row) => s + row[i], 0) / rows.length);
}
