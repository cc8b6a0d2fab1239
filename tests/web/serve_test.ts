/**
 * scripts/serve.ts: the site and the package's modules with the content
 * types Deno and browsers require (a module served as anything but
 * JavaScript or TypeScript is refused by Deno), gzip for clients that ask,
 * and no path outside the two folders.
 * @module
 */
import assert from "node:assert/strict";
import { contentType, siteHandler } from "../../scripts/serve.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");

async function withServer(fn: (url: string, site: string) => Promise<void>): Promise<void> {
  const site = await Deno.makeTempDir();
  await Deno.writeTextFile(`${site}/index.html`, "<!doctype html><title>x</title>");
  await Deno.writeTextFile(`${site}/app.js`, "export const x = 1;\n".repeat(100));
  await Deno.writeFile(`${site}/mnist.bin`, new Uint8Array([1, 2, 3]));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    siteHandler({ site, root: ROOT }),
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}/`, site);
  } finally {
    await server.shutdown();
    await Deno.remove(site, { recursive: true });
  }
}

Deno.test("content types: .ts as TypeScript, .js as JavaScript, .json, .wasm", () => {
  assert.match(contentType("mod.ts"), /^application\/typescript/);
  assert.match(contentType("a.js"), /^text\/javascript/);
  assert.match(contentType("deno.json"), /^application\/json/);
  assert.equal(contentType("k.wasm"), "application/wasm");
  assert.match(contentType("index.html"), /^text\/html/);
  assert.equal(contentType("mnist.bin"), "application/octet-stream");
});

Deno.test("the server sends the site, the package's modules, and nothing else", async () => {
  await withServer(async (url) => {
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(url + path, { headers });
      const body = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, type: res.headers.get("content-type") ?? "", res, body };
    };
    const index = await get("");
    assert.equal(index.status, 200);
    assert.match(index.type, /^text\/html/);
    const mod = await get("mod.ts");
    assert.equal(mod.status, 200);
    assert.match(mod.type, /^application\/typescript/);
    assert.match(new TextDecoder().decode(mod.body), /export/);
    assert.match((await get("src/sgd/simulate.ts")).type, /^application\/typescript/);
    assert.match((await get("examples/demo.json")).type, /^application\/json/);
    assert.match((await get("app.js")).type, /^text\/javascript/);
    for (const path of ["cli.ts", "deno.lock", "tests/web/serve_test.ts", "nope.js"]) {
      assert.equal((await get(path)).status, 404, path);
    }
    for (const path of ["..%2Fdeno.lock", "src/..%2F..%2Fetc%2Fpasswd", "%2e%2e/deno.lock"]) {
      assert.notEqual((await get(path)).status, 200, path);
    }
    const gz = await get("app.js", { "accept-encoding": "gzip" });
    assert.equal(gz.status, 200);
    assert.equal(gz.body.length, "export const x = 1;\n".length * 100, "fetch inflates it");
    const post = await fetch(url, { method: "POST", body: "x" });
    await post.body?.cancel();
    assert.equal(post.status, 405);
  });
});

Deno.test("Deno imports the package by URL from the server (mod.ts, no npm package)", async () => {
  await withServer(async (url) => {
    const dir = await Deno.makeTempDir();
    try {
      const host = new URL(url).host;
      const main = `${dir}/main.ts`;
      await Deno.writeTextFile(
        main,
        `import { simulate, VERSION } from "${url}mod.ts";\n` +
          `const r = await simulate({ data: { D: 30 }, network: { K: 1 }, tMax: 1, nTimes: 3, nTest: 50 });\n` +
          `console.log(VERSION, r.eps.length);\n`,
      );
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-lock", "--no-config", `--allow-import=${host}`, main],
        // a fresh cache: nothing cached from an earlier server, whatever types it sent
        env: { DENO_DIR: `${dir}/cache` },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(code, 0, new TextDecoder().decode(stderr));
      assert.match(new TextDecoder().decode(stdout), /^\d+\.\d+\.\d+ 4\n$/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("deno task serve and deno task site refuse bad flags with exit 2 and one line", async () => {
  const file = await Deno.makeTempFile();
  try {
    for (
      const [script, args, message] of [
        ["serve.ts", ["--bogus"], /Unknown option '--bogus'/],
        ["serve.ts", ["--port", "70000"], /invalid --port/],
        ["site.ts", ["--bogus"], /Unknown option '--bogus'/],
        ["site.ts", ["--out", file], /invalid --out: .*this is a file/],
      ] as const
    ) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-lock", "-A", `${ROOT}/scripts/${script}`, ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr).trim();
      assert.equal(out.code, 2, `${script} ${args.join(" ")}: ${stderr}`);
      assert.match(stderr, message);
      assert.equal(stderr.split("\n").length, 1, stderr);
    }
    assert.equal(await Deno.readTextFile(file), "");
  } finally {
    await Deno.remove(file);
  }
});
