import assert from "node:assert/strict";
import { main } from "../../scripts/figures.ts";
import { ConfigError } from "../../src/core/errors.ts";

async function entries(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) names.push(e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return names.sort();
}

Deno.test("deno task figures: bad arguments are refused before any work, naming the flag", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/figures`;
    const refused = async (args: string[], param: string) => {
      await assert.rejects(
        () => main([...args, "--out", out]),
        (e: unknown) => e instanceof ConfigError && e.param === param,
        args.join(" "),
      );
      assert.deepEqual(await entries(out), [], `${args.join(" ")} wrote nothing`);
    };
    await refused(["--only", "nosuch"], "--only");
    await refused(["--only", "components,tide"], "--only");
    await refused(["--full", "--reduced"], "--full");
    await refused(["--workers", "0"], "--workers");
    // an --out that is a file
    await Deno.writeTextFile(`${dir}/file`, "x");
    await assert.rejects(
      () => main(["--reduced", "--only", "components", "--out", `${dir}/file`]),
      (e: unknown) => e instanceof ConfigError && e.param === "--out",
    );
    assert.equal(await Deno.readTextFile(`${dir}/file`), "x");
    // unknown flags: exit code 2, nothing written
    assert.equal(await main(["--bogus", "--out", out]), 2);
    assert.deepEqual(await entries(out), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task figures --only components --reduced writes its figures, the summary and the report", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(
      await main(["--reduced", "--only", "components", "--out", dir, "--workers", "1"]),
      0,
    );
    const names = await entries(dir);
    for (const f of ["summary.json", "report.html", "components_error_curve.svg"]) {
      assert.ok(names.includes(f), `${f} in ${names.join(", ")}`);
    }
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
    assert.deepEqual(summary.experiments.map((e: { name: string }) => e.name), ["components"]);
    assert.equal(summary.size, "reduced");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
