/**
 * `deno task serve` (issue 16, defect 12): no symlink is followed out of
 * the site; a long path gets 414 and an unreadable one 404 (never a 500 or
 * a stack trace); a port in use gives one line and exit 2; HEAD answers
 * with the real content-length and no body.
 * @module
 */
import assert from "node:assert/strict";
import { MAX_PATH, siteHandler } from "../../scripts/serve.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
const SERVE = `${ROOT}/scripts/serve.ts`;
const APP = "export const x = 1;\n".repeat(100);

/** A site with a symlink out of it, one to a folder outside, and one inside. */
async function withSite(fn: (url: string, outside: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  const site = `${dir}/site`;
  const outside = `${dir}/private`;
  await Deno.mkdir(site);
  await Deno.mkdir(outside);
  await Deno.writeTextFile(`${outside}/secret.txt`, "the user's secret");
  await Deno.writeTextFile(`${site}/index.html`, "<!doctype html><title>x</title>");
  await Deno.writeTextFile(`${site}/app.js`, APP);
  await Deno.symlink(`${outside}/secret.txt`, `${site}/secret.txt`);
  await Deno.symlink(outside, `${site}/private`);
  await Deno.symlink("/etc/passwd", `${site}/passwd.txt`);
  await Deno.symlink("app.js", `${site}/alias.js`);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    siteHandler({ site, root: ROOT }),
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}/`, outside);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

async function get(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const body = await res.text();
  return { status: res.status, headers: res.headers, body };
}

Deno.test("serve: no symlink out of the site is followed; one inside it is", async () => {
  await withSite(async (url) => {
    for (const path of ["secret.txt", "private/secret.txt", "passwd.txt", "private/"]) {
      const r = await get(url + path);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(r.body, /the user's secret|root:/, path);
    }
    const alias = await get(url + "alias.js");
    assert.equal(alias.status, 200);
    assert.equal(alias.body, APP);
  });
});

Deno.test("serve: a long path gets 414, a name too long for the file system 404, never a 500", async () => {
  await withSite(async (url) => {
    const long = await get(url + "a/".repeat(MAX_PATH));
    assert.equal(long.status, 414);
    for (const path of ["x".repeat(300) + ".js", `${"d".repeat(250)}/`.repeat(3) + "f.js"]) {
      const r = await get(url + path);
      assert.equal(r.status, 404, `${path.length} characters`);
      assert.doesNotMatch(r.body, /Error|at /);
    }
  });
});

Deno.test("serve: HEAD answers with the content-length of a GET and no body", async () => {
  await withSite(async (url) => {
    for (const encoding of ["identity", "gzip"]) {
      const headers = { "accept-encoding": encoding };
      const got = await fetch(url + "app.js", { headers });
      await got.arrayBuffer();
      const head = await fetch(url + "app.js", { method: "HEAD", headers });
      assert.equal(head.status, 200);
      assert.equal((await head.arrayBuffer()).byteLength, 0, "no body");
      const length = Number(head.headers.get("content-length"));
      assert.equal(head.headers.get("content-length"), got.headers.get("content-length"));
      if (encoding === "identity") {
        assert.equal(length, APP.length);
      } else {
        assert.equal(head.headers.get("content-encoding"), "gzip");
        assert.ok(length > 0 && length < APP.length, `gzipped: ${length}`);
      }
    }
  });
});

Deno.test("deno task serve on a port in use: one line naming --port, exit 2, no stack trace", async () => {
  const site = await Deno.makeTempDir();
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await Deno.writeTextFile(`${site}/index.html`, "x");
    const port = (taken.addr as Deno.NetAddr).port;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-lock", "-A", SERVE, "--port", String(port), "--dir", site],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    assert.equal(out.code, 2, stderr);
    assert.equal(stderr.split("\n").length, 1, stderr);
    assert.match(
      stderr,
      new RegExp(`^invalid --port: got ${port} \\(in use by another program\\)`),
    );
  } finally {
    taken.close();
    await Deno.remove(site, { recursive: true });
  }
});
