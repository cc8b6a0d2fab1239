// mod.ts in a real browser: bundled for the browser, served from loopback,
// run in headless Chromium, and compared with the same calls in Deno. The
// simulation (all in WebAssembly) must agree to the last bit; the theory, whose
// Gaussian averages use the JS engine's Math functions, to 1e-12.
// Skipped (and said so) where no Chromium is installed; .ci/run installs it.
import assert from "node:assert/strict";
import { simulate, spikedModel, theory } from "../mod.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});

const PAGE = `<!doctype html><html><body><pre id="out">pending</pre>
<script type="module">
import { simulate, spikedModel, theory } from "./aedyn.js";
try {
  const cfg = __CFG__;
  const s = await simulate({ ...cfg, data: spikedModel(cfg.data) });
  const t = await theory({ ...cfg, data: spikedModel(cfg.data) });
  document.getElementById("out").textContent = JSON.stringify({ sim: s.eps, th: t.eps, Q: s.runs[0].order.at(-1).Q });
} catch (e) {
  document.getElementById("out").textContent = "error: " + e.message;
}
</script></body></html>`;

Deno.test({
  name: "mod.ts runs in headless Chromium and gives Deno's numbers",
  ignore: CHROMIUM === undefined,
  async fn() {
    const dir = await Deno.makeTempDir();
    const bundle = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform",
        "browser",
        new URL("../mod.ts", import.meta.url).pathname,
        "-o",
        `${dir}/aedyn.js`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(bundle.code, 0, new TextDecoder().decode(bundle.stderr));
    const cfg = {
      data: { D: 60, spikes: [4, 2] },
      network: { K: 2, activation: "erf" },
      lr: 1,
      tMax: 5,
      seeds: [3],
      nTimes: 6,
      nTest: 200,
    };
    await Deno.writeTextFile(`${dir}/index.html`, PAGE.replace("__CFG__", JSON.stringify(cfg)));
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      const name = new URL(req.url).pathname.slice(1) || "index.html";
      if (!["index.html", "aedyn.js"].includes(name)) {
        return new Response("not found", { status: 404 });
      }
      const type = name.endsWith(".js") ? "text/javascript" : "text/html";
      return new Response(await Deno.readFile(`${dir}/${name}`), {
        headers: { "content-type": type },
      });
    });
    try {
      const out = await new Deno.Command(CHROMIUM!, {
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${dir}/profile`,
          "--virtual-time-budget=30000",
          "--dump-dom",
          `http://127.0.0.1:${server.addr.port}/index.html`,
        ],
        stdout: "piped",
        stderr: "null",
      }).output();
      const dom = new TextDecoder().decode(out.stdout);
      const text = dom.match(/<pre id="out">([^<]*)<\/pre>/)?.[1] ?? `no output (exit ${out.code})`;
      assert.ok(text.startsWith("{"), `browser: ${text}`);
      const browser = JSON.parse(text.replaceAll("&quot;", '"'));
      const data = spikedModel(cfg.data as { D: number; spikes: number[] });
      const input = { ...cfg, data, network: { K: 2, activation: "erf" as const } };
      const sim = await simulate(input);
      const th = await theory(input);
      assert.deepEqual(browser.sim, sim.eps, "the simulation is bit-identical");
      assert.deepEqual(browser.Q, sim.runs[0].order.at(-1)!.Q);
      browser.th.forEach((e: number, i: number) =>
        assert.ok(Math.abs(e / th.eps[i] - 1) < 1e-12, `theory at t = ${th.times[i]}`)
      );
    } finally {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
