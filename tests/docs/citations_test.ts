/**
 * Every document the package cites is in it: each "THEORY.md section X" (or
 * "THEORY.md X", "THEORY.md sections X and Y", "THEORY.md section 5, claim N",
 * "THEORY.md 5.N") in the README, the sources, the page, the presets, the
 * scripts and the tests names a section that docs/THEORY.md has, and each
 * `docs/NAME.md` the README and the sources name exists.
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const SELF = new URL(import.meta.url).pathname;

/** Text files whose citations are checked: everything the package ships or tests, but the docs. */
const SCAN = [
  "README.md",
  "mod.ts",
  "cli.ts",
  "src",
  "web",
  "examples",
  "scripts",
  "bench",
  "assembly",
  "tests",
];
const EXTENSIONS = /\.(ts|js|json|md|html|css|py)$/;
const SKIP = /(^|\/)(node_modules|generated|\.cache)(\/|$)/;

async function* files(path: string): AsyncGenerator<string> {
  const url = new URL(path, ROOT);
  const info = await Deno.stat(url).catch(() => undefined);
  if (!info) return;
  if (info.isFile) {
    yield url.pathname;
    return;
  }
  for await (const entry of Deno.readDir(url)) {
    const child = `${path}/${entry.name}`;
    if (SKIP.test(child)) continue;
    if (entry.isDirectory) yield* files(child);
    else if (EXTENSIONS.test(entry.name)) yield new URL(child, ROOT).pathname;
  }
}

/** The sections of a markdown document ("1", "1b", "4b", "6a", ...) and the claims of section 5. */
export function sectionsOf(markdown: string): { sections: Set<string>; claims: Set<number> } {
  const sections = new Set<string>();
  for (const m of markdown.matchAll(/^#{2,4} (\d+[a-z]?)\. /gm)) sections.add(m[1]);
  const claims = new Set<number>();
  const five = markdown.split(/^## /m).find((s) => s.startsWith("5. ")) ?? "";
  for (const m of five.matchAll(/^(\d+)\. \*\*/gm)) claims.add(Number(m[1]));
  return { sections, claims };
}

/** A citation found in a file. */
interface Citation {
  file: string;
  text: string;
  sections: string[];
  claims: number[];
}

/**
 * The citations of THEORY.md in a text: comment markers and line breaks are
 * folded first, so a citation split over two comment lines is one.
 */
export function citationsIn(text: string): Omit<Citation, "file">[] {
  const flat = text.replace(/\s*\n\s*(?:\*|\/\/|#)?\s*/g, " ");
  const out: Omit<Citation, "file">[] = [];
  const id = String.raw`\d+[a-z]?(?:\.\d+)?`;
  const list = String.raw`${id}(?:\s*(?:,|and|-|–|to)\s*${id}(?![\w.]*\s*claim))*`;
  const re = new RegExp(
    String
      .raw`THEORY\.md(?:'s)?,?\s+(?:(?:sections?|§)\s*(${list})(?:,?\s*claims?\s+(\d+))?|(${id})\b|claims?\s+(\d+))`,
    "g",
  );
  for (const m of flat.matchAll(re)) {
    const sections: string[] = [];
    const claims: number[] = [];
    const ids = m[1] ?? m[3];
    if (ids) {
      const parts = ids.split(/\s*(?:,|and|–|to)\s*/).flatMap((p) => {
        const range = p.match(/^(\d+)\s*-\s*(\d+)$/);
        if (!range) return [p];
        const [a, b] = [Number(range[1]), Number(range[2])];
        return Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
      });
      for (const p of parts) {
        const dotted = p.match(/^(\d+)\.(\d+)$/);
        if (dotted) {
          sections.push(dotted[1]);
          claims.push(Number(dotted[2]));
        } else sections.push(p);
      }
    }
    if (m[2]) claims.push(Number(m[2]));
    if (m[4]) claims.push(Number(m[4]));
    if (claims.length && !sections.includes("5")) sections.push("5");
    out.push({ text: m[0], sections, claims });
  }
  return out;
}

Deno.test("the citation parser reads every form the package uses", () => {
  const got = citationsIn(
    "(THEORY.md section 4b) THEORY.md 1b; THEORY.md sections 4 and 4b\n * THEORY.md\n * sections 1-3)" +
      " THEORY.md 5.4): THEORY.md section 5, claim 4 THEORY.md claim 1",
  ).map((c) => [c.sections.join("+"), c.claims.join("+")]);
  assert.deepEqual(got, [
    ["4b", ""],
    ["1b", ""],
    ["4+4b", ""],
    ["1+2+3", ""],
    ["5", "4"],
    ["5", "4"],
    ["5", "1"],
  ]);
});

Deno.test("docs/THEORY.md has every section and claim the package cites", async () => {
  const theory = await Deno.readTextFile(new URL("docs/THEORY.md", ROOT));
  const { sections, claims } = sectionsOf(theory);
  for (const s of ["1", "1b", "2", "3", "4", "4b", "5", "6", "6a", "6b", "7"]) {
    assert.ok(sections.has(s), `docs/THEORY.md lacks section ${s}`);
  }
  assert.deepEqual([...claims].sort(), [1, 2, 3, 4, 5, 6]);
  const missing: string[] = [];
  let count = 0;
  for (const path of SCAN) {
    for await (const file of files(path)) {
      if (file === SELF) continue;
      const text = await Deno.readTextFile(file);
      for (const c of citationsIn(text)) {
        count++;
        const bad = [
          ...c.sections.filter((s) => !sections.has(s)).map((s) => `section ${s}`),
          ...c.claims.filter((n) => !claims.has(n)).map((n) => `claim ${n}`),
        ];
        if (bad.length) {
          missing.push(`${file.slice(ROOT.pathname.length)}: "${c.text}" (${bad.join(", ")})`);
        }
      }
    }
  }
  assert.ok(count > 40, `only ${count} citations found: the scan is broken`);
  assert.deepEqual(missing, [], `citations of sections docs/THEORY.md does not have`);
});

Deno.test("every document under docs/ that the package names exists, and the README names THEORY.md's place", async () => {
  const missing: string[] = [];
  for (const path of ["README.md", "src", "web", "examples", "mod.ts", "cli.ts"]) {
    for await (const file of files(path)) {
      const text = await Deno.readTextFile(file);
      for (const m of text.matchAll(/\bdocs\/([\w.-]+\.md)\b/g)) {
        const ok = await Deno.stat(new URL(`docs/${m[1]}`, ROOT)).then(() => true, () => false);
        if (!ok) missing.push(`${file.slice(ROOT.pathname.length)}: docs/${m[1]}`);
      }
    }
  }
  assert.deepEqual(missing, []);
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  assert.match(readme, /docs\/THEORY\.md/);
  assert.doesNotMatch(readme, /shared\/(spec|bench)/, "the README points outside the repository");
});
