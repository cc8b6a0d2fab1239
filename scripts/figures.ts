/**
 * `deno task figures`: run every experiment preset of examples/ and write,
 * to figures/ (or --out DIR), one Vega-Lite spec and one SVG per figure,
 * summary.json with every measured number, and report.html with a verdict
 * per claim computed from those numbers.
 *
 *   deno task figures            default sizes (minutes here)
 *   deno task figures --full     paper-sized runs
 *   deno task figures --reduced  the sizes the tests use
 *   deno task figures --only tied,truncated
 *   deno task figures --workers 1  every seed in this thread (default: a
 *                                  worker per core; same numbers either way)
 * @module
 */
import { parseArgs } from "node:util";
import { parsePreset, type Preset, type Size } from "../src/experiments/preset.ts";
import { clearProgress, progressPrinter } from "../src/cli/session.ts";
import { loadEmbeddedMnistIsolated } from "../src/cli/embedded_mnist.ts";
import { runPreset } from "../src/experiments/run.ts";
import type { ExperimentSummary } from "../src/experiments/types.ts";
import {
  agreementText,
  type FiguresSummary,
  reportHtml,
  verdictLine,
} from "../src/experiments/report.ts";
import { specFiles } from "../src/cli/figures.ts";
import { writeFiles } from "../src/cli/io.ts";
import { withOutputDir, workersOf } from "../src/cli/output.ts";
import { checkOutputDir } from "../src/cli/io.ts";
import { AedynError, ConfigError } from "../src/core/errors.ts";
import { VERSION } from "../src/core/version.ts";

/** The presets of examples/ (files with an "experiment" field), by name, in a fixed order. */
export async function loadPresets(dir: URL): Promise<[string, Preset][]> {
  const out: [string, Preset][] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".json")) continue;
    const text = await Deno.readTextFile(new URL(entry.name, dir));
    if (!("experiment" in JSON.parse(text))) continue;
    out.push([entry.name.slice(0, -5), parsePreset(text, `examples/${entry.name}`)]);
  }
  const order = [
    "sequential",
    "tied",
    "relu-bias",
    "truncated",
    "components",
    "weight-decay",
    "realdata",
  ];
  return out.sort(([a], [b]) =>
    (order.indexOf(a) + 99 * +!order.includes(a)) - (order.indexOf(b) + 99 * +!order.includes(b)) ||
    a.localeCompare(b)
  );
}

/** The run of `deno task figures` with these arguments; its exit code. */
export async function main(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        full: { type: "boolean" },
        reduced: { type: "boolean" },
        out: { type: "string" },
        only: { type: "string" },
        workers: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`error: ${(e as Error).message.split("\n")[0]}`);
    return 2;
  }
  if (values.help) {
    console.log(
      "Usage: deno task figures [--full | --reduced] [--out DIR] [--only NAME,...] [--workers N]",
    );
    return 0;
  }
  if (values.full && values.reduced) {
    throw new ConfigError("--full", true, "not with --reduced: one size at a time");
  }
  const size: Size = values.full ? "full" : values.reduced ? "reduced" : "default";
  const out = values.out ?? "figures";
  const workers = workersOf(values);
  const all = await loadPresets(new URL("../examples/", import.meta.url));
  const only = values.only?.split(",");
  const unknown = only?.filter((n) => !all.some(([name]) => name === n));
  if (only && (only.length === 0 || unknown!.length > 0)) {
    throw new ConfigError(
      "--only",
      values.only,
      `names of presets, comma-separated, from: ${all.map(([n]) => n).join(", ")}`,
    );
  }
  const presets = all.filter(([n]) => !only || only.includes(n));
  // the output directory is checked before any work, and held locked while it is written
  checkOutputDir(out, "--out");
  return await withOutputDir(out, async () => {
    const started = performance.now();
    const experiments: ExperimentSummary[] = [];
    for (const [name, preset] of presets) {
      console.error(`${name}: running at size ${size} ...`);
      const printer = progressPrinter(false);
      const { summary, figures } = await runPreset(
        name,
        preset,
        size,
        { workers, ...(printer ? { onProgress: printer } : {}) },
        loadEmbeddedMnistIsolated,
      );
      clearProgress(printer);
      await writeFiles(out, await specFiles(figures, true));
      experiments.push(summary);
      console.error(`${name}: ${verdictLine(summary)} (${summary.seconds.toFixed(1)} s)`);
      for (const note of summary.notes ?? []) console.error(`  ${note}`);
      // the report's sentence: the seeds against the finite-D prediction, the D -> infinity deviation labelled
      const agree = agreementText(summary);
      if (agree) console.error(`  ${agree}`);
    }
    const summary: FiguresSummary = {
      version: VERSION,
      size,
      seconds: (performance.now() - started) / 1000,
      experiments,
    };
    // together, the summary (the record) renamed in last
    await writeFiles(out, {
      "summary.json": JSON.stringify(summary, null, 1),
      "report.html": reportHtml(summary),
    });
    console.log(`${out}/report.html\n${out}/summary.json`);
    console.error(
      `${experiments.filter((e) => e.holds).length} of ${experiments.length} claims hold; ${
        summary.seconds.toFixed(0)
      } s`,
    );
    return 0;
  });
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (e) {
    if (!(e instanceof AedynError)) throw e;
    console.error(`error: ${e.message}`);
    Deno.exitCode = e.exitCode;
  }
}
