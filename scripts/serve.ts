/**
 * `deno task serve`: serve the explorer page built by `deno task site`
 * (site/) and the package's modules (mod.ts, src/, examples/, deno.json),
 * so that a browser opens the page and a Deno program imports the package by
 * URL, on 127.0.0.1 with the content types Deno and browsers require: .ts as
 * application/typescript (a server that sends .ts as anything else, e.g.
 * python's http.server with text/vnd.trolltech.linguist, makes Deno refuse
 * the module), .js as text/javascript, .json, .wasm, .html, .css, .svg.
 *
 *   deno run --allow-net=127.0.0.1 --allow-read scripts/serve.ts [--port 8000] [--dir site]
 *
 * `--port 0` lets the system pick a free port; the first line printed is the
 * page's URL. A port in use (or one this user may not open) is refused with
 * exit 2 and one line.
 *
 * Paths: no `..`, and no file whose real path (symlinks resolved) leaves
 * the folder it is served from; a path longer than {@link MAX_PATH} is
 * answered 414, any path that cannot be read 404 (never a 500 or a stack
 * trace). HEAD answers with the headers a GET would have, the real
 * content-length among them, and no body.
 * @module
 */
import { parseArgs } from "node:util";

/** Content types by file extension. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".ts": "application/typescript; charset=utf-8",
  ".mts": "application/typescript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** The package's files served beside the site, for URL imports (paths relative to the root). */
const PACKAGE = [/^mod\.ts$/, /^deno\.json$/, /^src\/.+\.(ts|json)$/, /^examples\/[^/]+\.json$/];

/** The content type of a file name (application/octet-stream when unknown). */
export function contentType(name: string): string {
  const dot = name.lastIndexOf(".");
  return (dot >= 0 && CONTENT_TYPES[name.slice(dot).toLowerCase()]) || "application/octet-stream";
}

/** Content types sent gzipped to clients that accept it (all but PNG; mnist.bin: 15 MB, 2 MB gzipped). */
const COMPRESSIBLE = /^(text\/|application\/|image\/svg)/;

/** Gzipped files by path, with the bytes they were made from (recompressed when those change). */
const GZIP_CACHE = new Map<string, { source: Uint8Array; gz: Uint8Array }>();

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The gzip of a file's bytes (cached: the MNIST chunk takes about a second to compress). */
async function gzipped(file: string, body: Uint8Array): Promise<Uint8Array> {
  const hit = GZIP_CACHE.get(file);
  if (hit && same(hit.source, body)) return hit.gz;
  const stream = new Blob([body as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  const gz = new Uint8Array(await new Response(stream).arrayBuffer());
  GZIP_CACHE.set(file, { source: body, gz });
  return gz;
}

/** The longest URL path (in characters, decoded) the server looks up; longer ones get 414. */
export const MAX_PATH = 1024;

/** The real path of a folder (cached), or null when it does not exist. */
const REAL = new Map<string, string | null>();
async function realDir(dir: string): Promise<string | null> {
  if (!REAL.has(dir)) REAL.set(dir, await Deno.realPath(dir).catch(() => null));
  return REAL.get(dir)!;
}

/**
 * The bytes of `base/rel` if it is a regular file whose real path lies
 * inside `base`'s real path (a symlink out of the folder is not followed),
 * else null; any error (missing, too long a name, no permission) is null.
 */
async function readInside(base: string, rel: string): Promise<Uint8Array | null> {
  try {
    const root = await realDir(base);
    if (root === null) return null;
    const real = await Deno.realPath(`${base}/${rel}`);
    if (!real.startsWith(root.endsWith("/") ? root : `${root}/`)) return null;
    const info = await Deno.stat(real);
    if (!info.isFile) return null;
    return await Deno.readFile(real);
  } catch {
    return null;
  }
}

/** Where the server reads from. */
export interface ServeOptions {
  /** The built site (default: site/ of the checkout). */
  site: string;
  /** The checkout whose package modules are served (default: this script's checkout). */
  root: string;
}

/**
 * The request handler: GET and HEAD of the site's files (the directory
 * serves index.html), then of the package's modules; 404 for anything else,
 * 405 for other methods, 414 for a path longer than {@link MAX_PATH}. No
 * path leaves the two folders, through `..` or a symlink.
 */
export function siteHandler(opts: ServeOptions): (req: Request) => Promise<Response> {
  return async (req) => {
    try {
      return await answer(req, opts);
    } catch (e) {
      // not expected: one line on the console, no stack trace to the client
      console.error(`serve: ${req.method} ${req.url.slice(0, 200)}: ${(e as Error)?.name}`);
      return new Response("not found\n", { status: 404 });
    }
  };
}

async function answer(req: Request, opts: ServeOptions): Promise<Response> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  let rel: string;
  try {
    rel = decodeURIComponent(new URL(req.url).pathname).replace(/^\/+/, "");
  } catch {
    return new Response("bad path\n", { status: 400 });
  }
  if (rel.length > MAX_PATH) return new Response("path too long\n", { status: 414 });
  if (
    rel.split("/").some((s) => s === ".." || s === "." || s.includes("\\") || s.includes("\0"))
  ) {
    return new Response("bad path\n", { status: 400 });
  }
  if (rel === "" || rel.endsWith("/")) rel += "index.html";
  const bases = [opts.site];
  if (PACKAGE.some((re) => re.test(rel))) bases.push(opts.root);
  for (const base of bases) {
    const file = `${base}/${rel}`;
    let body = await readInside(base, rel);
    if (body === null) continue;
    const type = contentType(rel);
    const headers: Record<string, string> = {
      "content-type": type,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "vary": "accept-encoding",
    };
    if (COMPRESSIBLE.test(type) && /\bgzip\b/.test(req.headers.get("accept-encoding") ?? "")) {
      body = await gzipped(file, body);
      headers["content-encoding"] = "gzip";
    }
    headers["content-length"] = String(body.length);
    return new Response(req.method === "HEAD" ? null : body as Uint8Array<ArrayBuffer>, {
      headers,
    });
  }
  return new Response(`not found: /${rel}\n`, {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

if (import.meta.main) {
  let values;
  try {
    values = parseArgs({
      args: Deno.args,
      options: {
        port: { type: "string", default: "8000" },
        dir: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`error: ${(e as Error).message.split("\n")[0]} (see --help)`);
    Deno.exit(2);
  }
  if (values.help) {
    console.log(
      "Usage: deno task serve [--port N (8000; 0: any free port)] [--dir DIR (site)]\n" +
        "Serves the explorer page built by `deno task site` and the package's modules on 127.0.0.1.",
    );
    Deno.exit(0);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port!) || port > 65535) {
    console.error(`invalid --port: got ${JSON.stringify(values.port)}; allowed: 0 to 65535`);
    Deno.exit(2);
  }
  const root = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(/\/$/, "");
  const site = values.dir ?? `${root}/site`;
  try {
    await Deno.stat(`${site}/index.html`);
  } catch {
    console.error(`no ${site}/index.html: build the site first (deno task site)`);
    Deno.exit(2);
  }
  try {
    Deno.serve({
      hostname: "127.0.0.1",
      port,
      onListen: ({ port }) => {
        console.log(`http://127.0.0.1:${port}/`);
        console.log(`the package, for URL imports: http://127.0.0.1:${port}/mod.ts`);
      },
      onError: (e) => {
        console.error(`serve: ${(e as Error)?.name}: ${(e as Error)?.message?.split("\n")[0]}`);
        return new Response("not found\n", { status: 404 });
      },
    }, siteHandler({ site, root }));
  } catch (e) {
    const why = e instanceof Deno.errors.AddrInUse
      ? "in use by another program"
      : e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable
      ? "not one this user may open"
      : (e as Error).message.split("\n")[0];
    console.error(
      `invalid --port: got ${port} (${why}); allowed: a free port, or 0 for any free one`,
    );
    Deno.exit(2);
  }
}
