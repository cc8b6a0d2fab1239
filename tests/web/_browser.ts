/**
 * Helpers of the page's browser tests: Debian's Chromium launched headless
 * with a fresh profile and driven through the DevTools protocol by
 * puppeteer-core (connected to the running browser: nothing is downloaded),
 * the site built into a temporary folder by scripts/site.ts, and served by
 * scripts/serve.ts on a port the system picks.
 * @module
 */
// the full specifier: pinned here, the only user of the package
// deno-lint-ignore no-import-prefix
import puppeteer, { type Browser } from "npm:puppeteer-core@25.16.0";

export type { Browser, CDPSession, Page } from "npm:puppeteer-core@25.16.0";

const ROOT = new URL("../../", import.meta.url);
/** The checkout's root folder. */
export const ROOT_DIR = decodeURIComponent(ROOT.pathname).replace(/\/$/, "");

/** The Chromium executable, or undefined when none is installed (the tests are then ignored). */
export const CHROMIUM: string | undefined = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
  .find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });

/** Flags of a quiet, headless, offline-friendly Chromium. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Read lines of a stream until one matches; returns the match (throws after `ms`). */
async function waitForLine(
  stream: ReadableStream<Uint8Array>,
  re: RegExp,
  ms: number,
  what: string,
): Promise<RegExpMatchArray> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const timer = setTimeout(() => reader.cancel(), ms);
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value, { stream: true });
      const m = seen.match(re);
      if (m) {
        // keep draining in the background, so that the process never blocks on a full pipe
        (async () => {
          try {
            while (!(await reader.read()).done);
          } catch { /* closed */ }
        })();
        return m;
      }
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`${what}: no line matching ${re} in ${ms} ms; got:\n${seen.slice(-2000)}`);
}

/** A running Chromium and the puppeteer connection to it. */
export interface RunningBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Launch Chromium (fresh profile under `dir`) and connect puppeteer to it. */
export async function launchBrowser(dir: string): Promise<RunningBrowser> {
  const child = new Deno.Command(CHROMIUM!, {
    args: [
      ...CHROMIUM_ARGS,
      `--user-data-dir=${dir}/profile`,
      "--remote-debugging-port=0",
      "--remote-debugging-address=127.0.0.1",
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    const m = await waitForLine(
      child.stderr,
      /DevTools listening on (ws:\/\/\S+)/,
      30_000,
      "chromium",
    );
    const browser = await puppeteer.connect({
      browserWSEndpoint: m[1],
      defaultViewport: { width: 1366, height: 768 },
      protocolTimeout: 120_000,
    });
    return {
      browser,
      async close() {
        try {
          await browser.close();
        } catch { /* already gone */ }
        try {
          child.kill("SIGKILL");
        } catch { /* exited */ }
        await child.status;
      },
    };
  } catch (e) {
    child.kill("SIGKILL");
    await child.status;
    throw e;
  }
}

/** Build the site into `out` with scripts/site.ts (as `deno task site` does); returns build.json. */
export async function buildSite(
  out: string,
): Promise<{ files: { file: string; bytes: number; gzip: number; role: string }[] }> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--lock=${ROOT_DIR}/.cache/site.lock`, "scripts/site.ts", "--out", out],
    cwd: ROOT_DIR,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`scripts/site.ts failed:\n${new TextDecoder().decode(stderr)}`);
  return JSON.parse(await Deno.readTextFile(`${out}/build.json`));
}

/** A running scripts/serve.ts. */
export interface Server {
  /** The page's URL (ends with "/"). */
  url: string;
  close(): Promise<void>;
}

/** Serve `site` with scripts/serve.ts on a port the system picks. */
export async function serveSite(site: string): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--no-lock",
      "scripts/serve.ts",
      "--port",
      "0",
      "--dir",
      site,
    ],
    cwd: ROOT_DIR,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const m = await waitForLine(
      child.stdout,
      /(http:\/\/127\.0\.0\.1:\d+\/)\n/,
      30_000,
      "serve.ts",
    );
    return {
      url: m[1],
      async close() {
        try {
          child.kill("SIGTERM");
        } catch { /* exited */ }
        await child.status;
      },
    };
  } catch (e) {
    child.kill("SIGKILL");
    await child.status;
    throw e;
  }
}
