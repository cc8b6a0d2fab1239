/**
 * The notebooks under examples/ run under Deno's Jupyter kernel (through
 * nbclient, as `jupyter nbconvert --execute` would) and show Vega-Lite
 * figures; a cell ending in a `simulate` result shows its figure. Needs
 * python3 with nbclient, nbformat and jupyter_client (Debian:
 * python3-nbclient python3-nbformat python3-jupyter-client) and the Deno
 * kernel (`deno jupyter --install`); without them the tests are reported as
 * ignored, saying what is missing.
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const EXAMPLES = new URL("examples/", ROOT);
const RUNNER = new URL("run_notebook.py", import.meta.url).pathname;
const VEGA_LITE = "application/vnd.vegalite.v5+json";

/** A python3 that has nbclient, and the Deno kernel; or why not. */
async function findRunner(): Promise<{ python?: string; missing?: string }> {
  const probe = "import nbclient, nbformat, jupyter_client; " +
    "from jupyter_client.kernelspec import KernelSpecManager as M; " +
    "import sys; sys.exit(0 if 'deno' in M().find_kernel_specs() else 3)";
  let kernelMissing = false;
  // Debian's packages install for /usr/bin/python3, which a pyenv or venv python3 may hide
  for (const python of ["python3", "/usr/bin/python3"]) {
    try {
      const out = await new Deno.Command(python, {
        args: ["-c", probe],
        stdout: "null",
        stderr: "null",
      })
        .output();
      if (out.success) return { python };
      if (out.code === 3) kernelMissing = true;
    } catch {
      // not installed
    }
  }
  return {
    missing: kernelMissing
      ? "the Deno Jupyter kernel is not installed (deno jupyter --install)"
      : "python3 with nbclient, nbformat and jupyter_client is not installed " +
        "(Debian: apt-get install python3-nbclient python3-nbformat python3-jupyter-client)",
  };
}

const runner = await findRunner();
if (runner.missing) console.log(`notebook tests ignored: ${runner.missing}`);

interface CellReport {
  index: number;
  source: string;
  outputs: { type: string; mimes?: string[]; text?: string; error?: string }[];
}

async function runNotebook(name: string): Promise<CellReport[]> {
  const out = await new Deno.Command(runner.python!, {
    args: [RUNNER, `${EXAMPLES.pathname}${name}`, "300", EXAMPLES.pathname],
    cwd: EXAMPLES,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  assert.ok(out.success, `${name}: ${new TextDecoder().decode(out.stderr).slice(-1500)}`);
  const report = JSON.parse(text) as { error: string | null; seconds: number; cells: CellReport[] };
  console.log(`${name}: ${report.cells.length} code cells in ${report.seconds.toFixed(1)} s`);
  assert.equal(report.error, null, `${name}: ${report.error}`);
  for (const c of report.cells) {
    for (const o of c.outputs) {
      assert.notEqual(o.type, "error", `${name} cell ${c.index}: ${o.error}`);
    }
  }
  const figures = report.cells.filter((c) => c.outputs.some((o) => o.mimes?.includes(VEGA_LITE)));
  assert.ok(figures.length > 0, `${name} shows no Vega-Lite figure`);
  return report.cells;
}

const notebooks: string[] = [];
for await (const e of Deno.readDir(EXAMPLES)) if (e.name.endsWith(".ipynb")) notebooks.push(e.name);
notebooks.sort();

Deno.test("examples/ has the notebooks README lists", () => {
  assert.deepEqual(notebooks, [
    "claims.ipynb",
    "quickstart.ipynb",
    "realdata.ipynb",
    "sweep.ipynb",
  ]);
});

for (const name of notebooks) {
  Deno.test({
    name: `notebook ${name} runs under the Deno kernel and shows Vega-Lite figures`,
    ignore: runner.missing !== undefined,
    async fn() {
      const lock = new URL("deno.lock", ROOT);
      const before = await Deno.readTextFile(lock);
      try {
        const cells = await runNotebook(name);
        if (name === "quickstart.ipynb") {
          // a cell that ends in a simulate result displays its figure and its summary
          const cell = cells.find((c) => /await simulate\(problem\);\s*sgd\s*$/.test(c.source));
          assert.ok(cell, "the quick start has a cell ending in a simulate result");
          const shown = cell.outputs.find((o) => o.mimes?.includes(VEGA_LITE));
          assert.ok(shown, "the simulate result shows no figure");
          assert.match(shown.text ?? "", /^SGD over 2 seed\(s\): .* eps_PCA\(3\)/);
        }
        assert.equal(await Deno.readTextFile(lock), before, `${name} changed deno.lock`);
      } finally {
        if (await Deno.readTextFile(lock) !== before) await Deno.writeTextFile(lock, before);
      }
    },
  });
}
