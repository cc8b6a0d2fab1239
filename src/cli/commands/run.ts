/**
 * `cli.ts run PRESET.json`: one experiment preset — every variant simulated
 * and integrated, the claim's checks and verdict, its figures and report.
 * @module
 */
import type { Command } from "../command.ts";
import { ConfigError } from "../../core/errors.ts";
import { VERSION } from "../../core/version.ts";
import { parsePreset, SIZES } from "../../experiments/preset.ts";
import { runPreset } from "../../experiments/run.ts";
import { reportHtml, verdictLine } from "../../experiments/report.ts";
import { parseFlags, textFlag, UsageError } from "../flags.ts";
import { checkOutputs, withOutputDir, workersOf } from "../output.ts";
import { readTextFile, writeFiles } from "../io.ts";
import { loadEmbeddedMnistIsolated } from "../embedded_mnist.ts";
import { specFiles } from "../figures.ts";
import { clearProgress, interruptible, progressPrinter } from "../session.ts";

/** The presets shipped in the package's examples/ (the files with an "experiment" field). */
const EXAMPLES = new URL("../../../examples/", import.meta.url);

/** The names of the shipped presets, sorted. */
async function presetNames(): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(EXAMPLES)) {
      if (!e.isFile || !e.name.endsWith(".json")) continue;
      const text = await Deno.readTextFile(new URL(e.name, EXAMPLES));
      if (/"experiment"\s*:/.test(text)) names.push(e.name.slice(0, -5));
    }
  } catch {
    // the package imported by URL: no directory to list
  }
  return names.sort();
}

/**
 * The file of a preset argument: a path as given when it exists, else a
 * preset's name (`truncated`, `relu-bias`) in the package's examples/.
 */
async function presetPath(arg: string): Promise<string> {
  const exists = await Deno.stat(arg).then((s) => s.isFile, () => false);
  if (exists || /[/\\]|\.json$/.test(arg)) return arg;
  const names = await presetNames();
  if (names.includes(arg) && EXAMPLES.protocol === "file:") {
    return decodeURIComponent(new URL(`${arg}.json`, EXAMPLES).pathname);
  }
  throw new ConfigError(
    "PRESET (run's argument)",
    arg,
    `a preset file (examples/NAME.json) or a preset's name: ${names.join(", ")}`,
  );
}

/** The `run` command. */
export const RUN: Command = {
  name: "run",
  summary: "an experiment preset (examples/NAME.json): simulation, theory,\n" +
    "             the claim's checks and verdict, figures",
  help: () =>
    `Usage: deno run -A cli.ts run PRESET.json|NAME [--size ${
      SIZES.join("|")
    }] [--out DIR] [--no-svg]
       [--workers N]

Runs an experiment preset, a file or the name of one in examples/
(sequential, tied, relu-bias, truncated, components, weight-decay, realdata): every variant simulated and
integrated by
the theory from the same initial weights, the claim's numeric checks with a
verdict, and its figures. --out DIR writes summary.json, report.html and one
Vega-Lite spec (and SVG) per figure. --workers N: the seeds of each
variant computed in parallel, each in a Web Worker (default: the cores).`,
  async run(args) {
    const { flags, positionals } = parseFlags(args, {
      size: { type: "string" },
      out: { type: "string" },
      "no-svg": { type: "boolean" },
      quiet: { type: "boolean" },
      workers: { type: "string" },
      help: { type: "boolean", short: "h" },
    }, 1);
    const workers = workersOf(flags);
    if (positionals.length !== 1) {
      throw new UsageError("run takes one preset file (examples/NAME.json), got none");
    }
    const sizeText = textFlag(flags, "size") ?? "default";
    const size = SIZES.find((s) => s === sizeText);
    if (size === undefined) {
      throw new ConfigError("--size", sizeText, SIZES.join(", "));
    }
    const path = await presetPath(positionals[0]);
    const out = textFlag(flags, "out");
    if (out !== undefined && out.replace(/\/+$/, "") === path.replace(/\/+$/, "")) {
      throw new ConfigError("--out", out, "a directory other than the preset file");
    }
    const name = path.replace(/^.*\//, "").replace(/\.json$/, "");
    const preset = parsePreset(await readTextFile(path, "preset"), path);
    checkOutputs(flags);
    return await withOutputDir(out, async () => {
      const printer = progressPrinter(Boolean(flags.quiet));
      const { summary, figures } = await interruptible(
        "interrupted",
        (signal) =>
          runPreset(name, preset, size, {
            signal,
            workers,
            ...(printer ? { onProgress: printer } : {}),
          }, loadEmbeddedMnistIsolated),
      )
        .catch((e) => {
          // name the preset file in problems found inside it
          throw e instanceof ConfigError
            ? new ConfigError(`${path}: ${e.param}`, e.value, e.allowed)
            : e;
        });
      clearProgress(printer);
      console.error(`${name}: ${verdictLine(summary)}`);
      for (const c of summary.checks) {
        console.error(
          `  ${c.holds ? "ok " : "NO "} ${c.what}: ${
            c.value.toPrecision(4)
          } ${c.op} ${c.threshold}`,
        );
      }
      if (out) {
        const texts = await specFiles(figures, !flags["no-svg"]);
        const record = { version: VERSION, size, seconds: summary.seconds, experiments: [summary] };
        texts["summary.json"] = JSON.stringify(record, null, 1);
        texts["report.html"] = reportHtml(record, { svg: !flags["no-svg"] });
        console.log((await writeFiles(out, texts)).join("\n"));
      } else {
        console.log(JSON.stringify(summary));
      }
      return 0;
    });
  },
};
