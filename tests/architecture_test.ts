/**
 * The architecture, as the module graph shows it (`deno info --json`):
 * folders of src/ are layers, and an import goes down the layers only —
 * never up, never sideways to another folder of the same layer; there is no
 * import cycle; and no module reachable from a browser-safe export of
 * deno.json uses the `Deno` namespace (Deno-only code lives in src/cli).
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** The layers, bottom up: a module may import from its own folder and from lower layers. */
const LAYERS: string[][] = [
  ["core"],
  ["math", "kernels"],
  ["ode", "activations", "datasets"],
  ["data"],
  ["problem"],
  ["sgd", "theory", "analysis"],
  ["plot"],
  ["experiments", "sweep"],
  ["cli"],
];
const RANK = new Map(LAYERS.flatMap((folders, r) => folders.map((f) => [f, r] as const)));

/** The exports of deno.json meant for Deno only (the rest must run in a browser). */
const DENO_ONLY = new Set<string>();

interface Info {
  modules: {
    specifier: string;
    error?: string;
    dependencies?: {
      specifier: string;
      code?: { specifier?: string };
      type?: { specifier?: string };
    }[];
  }[];
}

/** The module graph of several roots (`deno info --json` takes one root: the union). */
async function moduleGraph(roots: string[]): Promise<Info> {
  const seen = new Map<string, Info["modules"][number]>();
  for (const root of new Set(roots)) {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      // no lock: the page's graph holds vega-embed, which only the site's lock holds
      args: ["info", "--json", "--no-lock", root],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, `deno info ${root} failed:\n${new TextDecoder().decode(stderr)}`);
    for (const m of (JSON.parse(new TextDecoder().decode(stdout)) as Info).modules) {
      seen.set(m.specifier, m);
    }
  }
  return { modules: [...seen.values()] };
}

/** The path of a local module relative to the repository root, or undefined. */
function relative(specifier: string | undefined): string | undefined {
  if (!specifier?.startsWith(ROOT.href)) return undefined;
  return specifier.slice(ROOT.href.length);
}

/** The layer folder of a path under src/ (undefined for files outside src/). */
function folderOf(path: string): string | undefined {
  const m = /^src\/([^/]+)\//.exec(path);
  return m?.[1];
}

/** Local import edges of a graph: [from, to], type-only imports included. */
function edges(info: Info): [string, string][] {
  const out: [string, string][] = [];
  for (const m of info.modules) {
    const from = relative(m.specifier);
    if (!from) continue;
    for (const d of m.dependencies ?? []) {
      for (const target of [d.code?.specifier, d.type?.specifier]) {
        const to = relative(target);
        if (to && to !== from) out.push([from, to]);
      }
    }
  }
  return out;
}

async function exportsOf(): Promise<Record<string, string>> {
  const cfg = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  return cfg.exports as Record<string, string>;
}

const ENTRY_POINTS = ["mod.ts", "cli.ts", "scripts/kernel_api.ts", "scripts/figures.ts"];

/**
 * The page's entry points: the page and its worker. Every module of web/ is
 * reachable from them, and `deno task check` type-checks them (its
 * `check-page` task, with the DOM and worker libraries they declare).
 */
const PAGE_ENTRY_POINTS = ["web/app.ts", "web/worker.ts"];

/** The modules of web/ (hand-written TypeScript). */
async function pageModules(): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(new URL("web/", ROOT))) {
    if (e.isFile && e.name.endsWith(".ts")) out.push(`web/${e.name}`);
  }
  return out.sort();
}

Deno.test("every import goes down the layers of src/, never up or sideways", async () => {
  const roots = [...ENTRY_POINTS, ...PAGE_ENTRY_POINTS, ...Object.values(await exportsOf())];
  const info = await moduleGraph(roots);
  const bad: string[] = [];
  let checked = 0;
  for (const [from, to] of edges(info)) {
    const a = folderOf(from), b = folderOf(to);
    if (!a || !b || a === b) continue;
    const ra = RANK.get(a), rb = RANK.get(b);
    assert.ok(ra !== undefined, `src/${a}/ is in no layer: add it to LAYERS`);
    assert.ok(rb !== undefined, `src/${b}/ is in no layer: add it to LAYERS`);
    checked++;
    if (!(rb! < ra!)) {
      bad.push(`${from} -> ${to} (${a} is layer ${ra}, ${b} layer ${rb})`);
    }
  }
  assert.ok(checked > 50, `only ${checked} cross-folder imports seen`);
  assert.deepEqual(bad, [], `imports against the layers:\n${bad.join("\n")}`);
});

Deno.test("the module graph has no import cycle", async () => {
  const roots = [...ENTRY_POINTS, ...PAGE_ENTRY_POINTS, ...Object.values(await exportsOf())];
  const graph = new Map<string, string[]>();
  for (const [from, to] of edges(await moduleGraph(roots))) {
    graph.set(from, [...(graph.get(from) ?? []), to]);
  }
  const cycles = findCycles(graph);
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.map((c) => c.join(" -> ")).join("\n")}`);
  // positive control: the finder sees a planted cycle
  assert.equal(findCycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]])).length, 1);
});

/** The strongly connected components with more than one module (Tarjan), as cycles. */
function findCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.reverse());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/**
 * `code` with comments, string and template literals, and regular-expression
 * literals blanked out (replaced by spaces), so that only code remains.
 */
function codeOnly(code: string): string {
  const out = code.split("");
  const blank = (from: number, to: number) => {
    for (let j = from; j < to; j++) if (out[j] !== "\n") out[j] = " ";
  };
  let i = 0;
  let prev = ""; // last significant code character, to tell a regex from a division
  while (i < code.length) {
    const c = code[i];
    const next = code[i + 1];
    if (c === "/" && next === "/") {
      const end = code.indexOf("\n", i);
      const stop = end < 0 ? code.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = code.indexOf("*/", i + 2);
      const stop = end < 0 ? code.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === "\\" ? 2 : 1;
      blank(i, j + 1);
      i = j + 1;
      prev = c;
    } else if (c === "/" && (prev === "" || "(,=:[!&|?{};+-*%<>~^".includes(prev))) {
      let j = i + 1;
      let inClass = false;
      while (j < code.length && code[j] !== "\n" && (inClass || code[j] !== "/")) {
        if (code[j] === "\\") j++;
        else if (code[j] === "[") inClass = true;
        else if (code[j] === "]") inClass = false;
        j++;
      }
      blank(i, j + 1);
      i = j + 1;
      prev = "/";
    } else {
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  return out.join("");
}

Deno.test("codeOnly keeps code and blanks comments, strings and regexes", () => {
  const src = [
    "const a = Deno.env; // Deno.exit()",
    "/* Deno.readFile */ const s = 'Deno.x' + \"Deno.y\" + `Deno.z`;",
    "const r = /Deno\\./g; const q = x / 2 / Deno.pid;",
  ].join("\n");
  const uses = codeOnly(src).match(/(?<![\w$])Deno\s*(\?\.|\.|\[)/g) ?? [];
  assert.equal(uses.length, 2); // Deno.env and Deno.pid
});

Deno.test("no module reachable from a browser-safe export uses the Deno namespace", async () => {
  const exported = Object.entries(await exportsOf()).filter(([name]) => !DENO_ONLY.has(name));
  assert.ok(exported.some(([name]) => name === "."), "deno.json exports no mod.ts");
  const info = await moduleGraph(exported.map(([, path]) => path));
  const local = info.modules.filter((m) => relative(m.specifier));
  assert.ok(local.length > 20, "the graph of the exports has few local modules");
  const offenders: string[] = [];
  for (const m of local) {
    assert.ok(!m.error, `${m.specifier}: ${m.error}`);
    const text = await Deno.readTextFile(new URL(m.specifier));
    const lines = codeOnly(text).split("\n");
    lines.forEach((line, n) => {
      if (/(?<![\w$])Deno\s*(\?\.|\.|\[)/.test(line)) {
        offenders.push(`${relative(m.specifier)}:${n + 1}: ${text.split("\n")[n].trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, [], `the Deno namespace is used:\n${offenders.join("\n")}`);
  // Positive control: the same scan finds the uses in src/cli/io.ts.
  const io = codeOnly(await Deno.readTextFile(new URL("src/cli/io.ts", ROOT)));
  assert.ok(/(?<![\w$])Deno\s*(\?\.|\.|\[)/.test(io), "the scan missed Deno in src/cli/io.ts");
});

/** The npm packages (by name) in the module graphs of `roots`, under a configuration. */
async function npmPackagesOf(
  roots: string[],
  config?: string,
): Promise<Set<string>> {
  // by name: without the lock, deno info may pick newer patch versions of transitive packages
  const used = new Set<string>();
  for (const root of roots) {
    const { code, stdout } = await new Deno.Command(Deno.execPath(), {
      args: [
        "info",
        "--json",
        "--no-lock",
        ...(config ? ["--config", config] : []),
        root,
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "null",
    }).output();
    assert.equal(code, 0, `deno info ${root}`);
    for (
      const id of Object.keys(
        JSON.parse(new TextDecoder().decode(stdout)).npmPackages ?? {},
      )
    ) {
      used.add(lockName(id));
    }
  }
  return used;
}

/** The package name of a lock or graph id ("vega-lite@6.5.0_vega@6.4.0" -> "vega-lite"). */
function lockName(id: string): string {
  const base = id.split("_")[0];
  return base.slice(0, base.lastIndexOf("@"));
}

/** The package names a lock file holds. */
async function lockedNames(path: string): Promise<string[]> {
  const lock = JSON.parse(await Deno.readTextFile(new URL(path, ROOT)));
  return Object.keys(lock.npm ?? {}).map(lockName);
}

Deno.test("deno.lock holds exactly the npm packages the programs use; the tests' packages are in tests/config/deno.lock", async () => {
  const programs = await npmPackagesOf([
    ...ENTRY_POINTS,
    ...Object.values(await exportsOf()),
  ]);
  assert.ok(
    programs.size > 5,
    `only ${programs.size} npm packages in the programs' graphs`,
  );
  const locked = await lockedNames("deno.lock");
  // a first run fetches every package of deno.lock: none beyond what the programs import
  const unused = locked.filter((n) => !programs.has(n));
  assert.deepEqual(
    unused,
    [],
    `deno.lock holds packages no program imports: ${unused}`,
  );
  // and a run adds nothing to it
  const missing = [...programs].filter((n) => !locked.includes(n));
  assert.deepEqual(
    missing,
    [],
    `deno.lock lacks packages the programs import: ${missing}`,
  );

  const tests: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(new URL(dir, ROOT))) {
      if (e.isDirectory) await walk(`${dir}${e.name}/`);
      else if (e.name.endsWith("_test.ts")) tests.push(`${dir}${e.name}`);
    }
  };
  await walk("tests/");
  const testOnly = [...await npmPackagesOf(tests, "tests/config/deno.json")].filter((
    n,
  ) => !programs.has(n));
  // positive control: the property tests and the browser tests use packages of their own
  for (const name of ["fast-check", "puppeteer-core"]) {
    assert.ok(
      testOnly.includes(name),
      `${name} not found in the tests' graphs`,
    );
  }
  const testLock = await lockedNames("tests/config/deno.lock");
  const stale = testLock.filter((n) => !programs.has(n) && !testOnly.includes(n));
  assert.deepEqual(
    stale,
    [],
    `tests/config/deno.lock holds packages nothing imports: ${stale}`,
  );
  const absent = testOnly.filter((n) => !testLock.includes(n));
  assert.deepEqual(
    absent,
    [],
    `tests/config/deno.lock lacks packages the tests import: ${absent}`,
  );

  // the tests' configuration maps every bare name the package's own configuration maps, alike
  const rootMap = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))).imports;
  const testMap = JSON.parse(await Deno.readTextFile(new URL("tests/config/deno.json", ROOT)))
    .imports;
  for (const [k, v] of Object.entries(rootMap)) {
    assert.equal(testMap[k], v, `tests/config/deno.json: ${k}`);
  }
});

Deno.test("the sources are formatted and lint-clean (deno fmt --check, deno lint), as deno task check asks", async () => {
  for (const args of [["fmt", "--check"], ["lint"]]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    // the files it names, not the whole report
    const files = [...new Set(text.match(/(?<=from )\S+(?=:)|(?<=at )\S+?(?=:\d)/g) ?? [])];
    assert.equal(out.code, 0, `deno ${args.join(" ")} failed on ${files.join(", ") || text}`);
  }
});

Deno.test("deno task check type-checks every page module: a type error in one fails it", async () => {
  const cfg = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  assert.match(cfg.tasks.check, /deno task check-page/, "check runs check-page");
  const pageCheck: string = cfg.tasks["check-page"];
  for (const entry of PAGE_ENTRY_POINTS) {
    assert.ok(pageCheck.split(/\s+/).includes(entry), `check-page does not check ${entry}`);
  }
  // every module of web/ is in the graph the check covers, and no module of src/ imports one
  const graph = await moduleGraph(PAGE_ENTRY_POINTS);
  const reached = new Set(graph.modules.map((m) => relative(m.specifier)));
  const missed = (await pageModules()).filter((m) => !reached.has(m));
  assert.deepEqual(missed, [], `page modules outside the checked graph: ${missed.join(", ")}`);
  const up = edges(graph).filter(([from, to]) => from.startsWith("src/") && to.startsWith("web/"));
  assert.deepEqual(up, [], "src/ imports the page");
  // the proof: the same task on a copy of the page with a type error planted in one module fails,
  // naming it (src/ and examples/ are linked, not copied)
  const dir = await Deno.makeTempDir({ prefix: "aedyn-check-page-" });
  try {
    await Deno.mkdir(`${dir}/web`);
    for (const m of await pageModules()) await Deno.copyFile(new URL(m, ROOT), `${dir}/${m}`);
    for (const f of ["deno.json", "deno.lock"]) {
      await Deno.copyFile(new URL(f, ROOT), `${dir}/${f}`);
    }
    for (const d of ["src", "examples"]) {
      await Deno.symlink(decodeURIComponent(new URL(d, ROOT).pathname), `${dir}/${d}`);
    }
    await Deno.writeTextFile(
      `${dir}/web/controls.ts`,
      '\nexport const planted: number = "not a number";\n',
      { append: true },
    );
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["task", "check-page"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.notEqual(code, 0, `the planted type error passed the check:\n${text}`);
    assert.match(text, /TS2322[\s\S]*web\/controls\.ts/, text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("no hand-written module of the package, its page or its scripts is over 700 lines", async () => {
  const long: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(new URL(dir, ROOT))) {
      const path = `${dir}${e.name}`;
      if (e.isDirectory && path !== "src/kernels/generated") await walk(`${path}/`);
      else if (e.isFile && e.name.endsWith(".ts")) {
        const lines = (await Deno.readTextFile(new URL(path, ROOT))).split("\n").length;
        if (lines > 700) long.push(`${path} (${lines} lines)`);
      }
    }
  };
  for (const dir of ["src/", "web/", "scripts/", "bench/"]) await walk(dir);
  assert.ok(
    (await pageModules()).includes("web/app.ts"),
    "the walk sees the page (positive control)",
  );
  assert.deepEqual(long, [], `split by concern: ${long.join(", ")}`);
});
