/**
 * What `cli.ts theory` and `cli.ts compare` write and print: the figures and
 * the comparison record with its plain-text report.
 * @module
 */
import { bandSpec } from "../plot/band.ts";
import { escapesSpec } from "../plot/escapes.ts";
import { escapeTimes } from "../theory/fluctuations.ts";
import type { CurveResult } from "../problem/types.ts";
import { deviation } from "../analysis/deviation.ts";
import { errorCurveSpec } from "../plot/mod.ts";
import { seedsLabel } from "../plot/result_figures.ts";
import { specFiles } from "./figures.ts";
import { finiteAgreement, finiteAgreementText, seedCurves } from "../theory/finite_agreement.ts";
import { findPlateaus, formatPlateauTable, matchPlateaus } from "../analysis/plateaus.ts";

/** The error curve of a theory result. */
export function theoryFigures(
  result: CurveResult,
  opts: { svg: boolean },
): Promise<Record<string, string>> {
  return specFiles({
    error_curve: errorCurveSpec(result, { title: "Test error predicted by the equations" }),
    // theory --paths: the predicted 10-90% band of the seeds at this D (THEORY.md 6b)
    ...(result.fluctuations
      ? {
        band: bandSpec(result, {
          title: `Predicted spread between seeds at D = ${result.config.D}`,
        }),
      }
      : {}),
  }, opts.svg);
}

/**
 * Simulation and theory overlaid in one error-curve plot; with a theory with
 * paths also the predicted 10-90% band at this D with the seeds as thin lines.
 */
export function comparisonFigures(
  simulation: CurveResult,
  theory: CurveResult,
  opts: { svg: boolean },
): Promise<Record<string, string>> {
  return specFiles({
    error_curve: errorCurveSpec([simulation, theory], {
      labels: [`SGD simulation (${seedsLabel(simulation.runs.length)})`, "theory"],
      title: "Online SGD and the exact equations, with the PCA levels",
    }),
    ...(theory.fluctuations
      ? {
        band: bandSpec(theory, {
          seeds: seedCurves(simulation).curves,
          times: simulation.times,
          title: `SGD seeds (thin lines) in the predicted spread at D = ${simulation.config.D}`,
        }),
        escapes: escapesSpec(
          theory.fluctuations.escapes,
          escapeTimes(simulation.times, seedCurves(simulation).curves, simulation.pca.epsPCA),
          {
            title:
              `Escape times at D = ${simulation.config.D}: paths (lines) and SGD seeds (diamonds)`,
          },
        ),
      }
      : {}),
  }, opts.svg);
}

/**
 * The comparison record (written as comparison.json) and its text report:
 * `deviation` of the mean SGD error from the D -> infinity curve, and with a
 * theory with paths `finiteD`, the seeds against the prediction at this D.
 */
export function compareCurves(simulation: CurveResult, theory: CurveResult) {
  const dev = deviation(simulation, theory);
  const finiteD = theory.fluctuations ? finiteAgreement(simulation, theory) : undefined;
  const levels = simulation.pca.epsPCA;
  // plateaus per run: averaging seeds that escape at different times smears them
  const perRun = (res: CurveResult) =>
    res.runs.map((r) => ({
      seed: r.seed,
      plateaus: matchPlateaus(findPlateaus(res.times, r.eps), levels),
    }));
  const plateaus = { simulation: perRun(simulation), theory: perRun(theory) };
  const text = [
    finiteD
      ? `SGD ${finiteAgreementText(finiteD)}`
      : "SGD against the finite-D prediction: not measured (add --paths N for the spread between seeds at this D)",
    `deviation of the mean simulated error from the D -> infinity theory: max ${
      (100 * dev.max).toFixed(2)
    }% (at t = ${dev.maxAt.toPrecision(4)}), mean ${(100 * dev.mean).toFixed(2)}% over ${
      simulation.times.length - 1
    } recorded times, ${
      dev.basis === "population"
        ? "with the exact error of the SGD weights (Gaussian inputs)"
        : "with the held-out estimate of the SGD error"
    }`,
    ...(dev.heldOut
      ? [
        `  (with the held-out estimate instead: max ${(100 * dev.heldOut.max).toFixed(2)}%, mean ${
          (100 * dev.heldOut.mean).toFixed(2)
        }%)`,
      ]
      : []),
    `plateaus of the simulation, seed ${plateaus.simulation[0].seed}:`,
    formatPlateauTable(plateaus.simulation[0].plateaus),
    `plateaus of the theory, seed ${plateaus.theory[0].seed}:`,
    formatPlateauTable(plateaus.theory[0].plateaus),
  ].join("\n");
  const record = {
    simulation,
    theory,
    deviation: {
      max: dev.max,
      maxAt: dev.maxAt,
      mean: dev.mean,
      relative: dev.relative,
      basis: dev.basis,
      simulationEps: dev.simulationEps,
      ...(dev.heldOut ? { heldOut: dev.heldOut } : {}),
    },
    ...(finiteD ? { finiteD } : {}),
    plateaus,
    epsPCA: levels,
  };
  return { text, record };
}
