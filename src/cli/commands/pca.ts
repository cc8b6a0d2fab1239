/**
 * `cli.ts pca`: the spectrum of a data model and its PCA errors.
 * @module
 */
import type { Command } from "../command.ts";
import { parseFlags, PROBLEM_FLAGS } from "../flags.ts";
import { resolveInputs } from "../inputs.ts";
import { checkOutputs, saveExtras } from "../output.ts";
import { prepare } from "../../problem/prepare.ts";
import { pcaErrors } from "../../data/mod.ts";

/** The `pca` command. */
export const PCA: Command = {
  name: "pca",
  summary: "spectrum and PCA errors eps_PCA(m) of a data model",
  help: () =>
    `Usage: deno run -A cli.ts pca [flags]

Prints the leading eigenvalues of the data model's covariance and the PCA
errors eps_PCA(m) = (1/2D) * (sum of all but the m largest eigenvalues).

Flags: the data flags of simulate (--D, --spikes, --sigma, --directions,
--data-seed, --no-normalise, --spectrum FILE, --config FILE), --K N (levels
m = 0..K), --save-spectrum FILE, --json (print JSON).`,
  async run(args) {
    const { flags } = parseFlags(args, {
      ...PROBLEM_FLAGS,
      "save-spectrum": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    });
    const { problem } = await resolveInputs(flags, false);
    checkOutputs(flags);
    const { spectrum } = prepare(problem);
    const epsPCA = pcaErrors(spectrum, problem.network.K);
    await saveExtras(flags, problem, true);
    if (flags.json) {
      console.log(JSON.stringify({
        D: spectrum.D,
        traceOverD: spectrum.traceOverD,
        eigenvalues: Array.from(spectrum.eigenvalues),
        bulk: spectrum.bulk,
        epsPCA,
      }));
      return 0;
    }
    console.log(`D = ${spectrum.D}, tr(Omega)/D = ${spectrum.traceOverD.toPrecision(6)}`);
    console.log(
      `leading eigenvalues: ${
        Array.from(spectrum.eigenvalues.subarray(0, 10), (v) => v.toPrecision(6)).join(", ")
      }`,
    );
    if (spectrum.eigenvalues.length < spectrum.D) {
      const n = spectrum.D - spectrum.eigenvalues.length;
      console.log(`bulk eigenvalue (x ${n}): ${spectrum.bulk.toPrecision(6)}`);
    }
    epsPCA.forEach((e, m) => console.log(`eps_PCA(${m}) = ${e.toPrecision(6)}`));
    return 0;
  },
};
