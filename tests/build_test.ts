// The build: the committed kernels and their typed bindings match their
// sources and build deterministically, the bindings declare exactly the
// module's exports, and the embedded module is valid SIMD WebAssembly.
import assert from "node:assert/strict";
import {
  API_PATH,
  GENERATED_PATH,
  type KernelBuild,
  parseDeclarations,
  renderApi,
  renderModule,
} from "../scripts/kernel_api.ts";
import {
  KERNELS_WASM_BASE64,
  KERNELS_WASM_BYTES,
  KERNELS_WASM_SHA256,
} from "../src/kernels/generated/kernels_wasm.ts";
import { KERNEL_EXPORT_KINDS } from "../src/kernels/generated/kernels_api.ts";
import { RNG_BYTES, sharedKernels } from "../src/kernels/wasm.ts";

const ROOT = new URL("../", import.meta.url);

/**
 * Build the kernels as `deno task build` does (its own config and lock file:
 * the compiler never enters this package's graph), printing the result.
 */
async function buildKernels(root: URL): Promise<KernelBuild> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      "scripts/build/deno.json",
      "--allow-read",
      "--allow-env",
      "scripts/build.ts",
      "--json",
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, `the build failed:\n${new TextDecoder().decode(stderr)}`);
  const out = JSON.parse(new TextDecoder().decode(stdout));
  return { wasm: decodeBase64(out.wasm), declarations: out.declarations };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** "" if a === b, else where the two texts first differ (line number and both lines). */
function firstDifference(a: string, b: string): string {
  if (a === b) return "";
  const la = a.split("\n");
  const lb = b.split("\n");
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  return `line ${i + 1}: ${JSON.stringify(la[i] ?? "<end>")} vs ${
    JSON.stringify(lb[i] ?? "<end>")
  }`;
}

Deno.test("generated kernels and bindings are up to date and the build is deterministic", async () => {
  const first = await buildKernels(ROOT);
  const committed = await Deno.readTextFile(new URL(GENERATED_PATH, ROOT));
  assert.ok(
    committed === await renderModule(first.wasm),
    `stale ${GENERATED_PATH}: run deno task build`,
  );
  const api = await renderApi(first.declarations, ROOT);
  const committedApi = await Deno.readTextFile(new URL(API_PATH, ROOT));
  const stale = firstDifference(committedApi, api);
  assert.ok(stale === "", `stale ${API_PATH} (committed vs fresh, ${stale}): run deno task build`);
  const second = await buildKernels(ROOT);
  assert.ok(
    sameBytes(first.wasm, second.wasm),
    "two builds of the same sources gave different bytes",
  );
  const again = await renderApi(second.declarations, ROOT);
  assert.ok(
    again === api,
    `two builds of the same sources gave different bindings: ${firstDifference(api, again)}`,
  );
});

/**
 * The members of `interface KernelExports` in the text of the generated
 * module: name -> kind (as `WebAssembly.Module.exports` names it) and, for
 * functions, the parameter count. Every line of the interface body is either
 * doc comment or one of the two member shapes the build writes.
 */
function parseInterface(text: string): Map<string, { kind: string; arity?: number }> {
  const open = "export interface KernelExports {\n";
  const start = text.indexOf(open);
  assert.ok(start >= 0, "no interface KernelExports in the generated module");
  const end = text.indexOf("\n}\n", start);
  assert.ok(end > start, "unterminated interface KernelExports");
  const members = new Map<string, { kind: string; arity?: number }>();
  for (const line of text.slice(start + open.length, end).split("\n")) {
    if (/^ {2}\/\*\*/.test(line) || /^ {3}\*/.test(line)) continue;
    const fn = /^ {2}(\w+)\(([^)]*)\): \w+;$/.exec(line);
    const value = /^ {2}readonly (\w+): WebAssembly\.(Memory|Global);$/.exec(line);
    const name = fn?.[1] ?? value?.[1];
    assert.ok(name, `unexpected line in interface KernelExports: ${JSON.stringify(line)}`);
    assert.ok(!members.has(name), `${name} declared twice`);
    members.set(
      name,
      fn
        ? { kind: "function", arity: fn[2] === "" ? 0 : fn[2].split(", ").length }
        : { kind: value![2].toLowerCase() },
    );
  }
  return members;
}

Deno.test("KernelExports declares exactly the exports of the module", async () => {
  const module = await WebAssembly.compile(decodeBase64(KERNELS_WASM_BASE64) as BufferSource);
  const exported = WebAssembly.Module.exports(module);
  const actual = exported.map((e) => `${e.name}: ${e.kind}`).sort();
  assert.equal(new Set(exported.map((e) => e.name)).size, exported.length);

  // The generated constant: its type maps every key of KernelExports, and no
  // other, to that member's kind, so deno check ties it to the interface.
  const listed = Object.entries(KERNEL_EXPORT_KINDS).map(([n, k]) => `${n}: ${k}`).sort();
  assert.deepEqual(listed, actual, "KERNEL_EXPORT_KINDS vs WebAssembly.Module.exports");

  // The interface itself, parsed from the committed text, with parameter counts.
  const members = parseInterface(await Deno.readTextFile(new URL(API_PATH, ROOT)));
  const parsed = [...members].map(([n, m]) => `${n}: ${m.kind}`).sort();
  assert.deepEqual(parsed, actual, "interface KernelExports vs WebAssembly.Module.exports");
  const instance = await WebAssembly.instantiate(module, {});
  for (const [name, m] of members) {
    const value = instance.exports[name];
    if (m.kind === "function") {
      assert.equal(typeof value, "function", name);
      assert.equal((value as (...args: number[]) => unknown).length, m.arity, `arity of ${name}`);
    } else if (m.kind === "global") {
      assert.ok(value instanceof WebAssembly.Global, name);
    } else {
      assert.ok(value instanceof WebAssembly.Memory, name);
    }
  }

  // Kernels.x is the typed raw exports: no index signature, so a name the
  // module does not export fails deno check.
  const k = sharedKernels();
  // @ts-expect-error: not an export of the kernel module
  const typo: unknown = k.x.rngSed;
  assert.equal(typo, undefined);
  assert.equal(k.x.RNG_BYTES.value, RNG_BYTES, "RNG_BYTES in src/kernels/wasm.ts");
});

Deno.test("parseDeclarations accepts the compiler's shapes and rejects what it cannot type", () => {
  const dts = (body: string) =>
    `declare namespace __AdaptedExports {\n${body}}\n/** Instantiates ... */\n`;
  const fn = (sig: string, tags: string[]) =>
    `  /**\n   * assembly/x/f\n${tags.map((t) => `   * ${t}\n`).join("")}   */\n` +
    `  export function ${sig};\n`;
  assert.deepEqual(
    parseDeclarations(dts(
      "  /** Exported memory */\n  export const memory: WebAssembly.Memory;\n" +
        fn("f(p: number, n: number, big: bigint): number", [
          "@param p `usize`",
          "@param n `i32`",
          "@param big `i64`",
          "@returns `f64`",
        ]) +
        "  /** assembly/x/G */\n  export const G: {\n    /** @type `f64` */\n" +
        "    get value(): number;\n    set value(value: number);\n  };\n",
    )),
    [
      { kind: "memory", name: "memory" },
      {
        kind: "function",
        name: "f",
        internal: "assembly/x/f",
        params: [{ name: "p", type: "usize" }, { name: "n", type: "i32" }, {
          name: "big",
          type: "i64",
        }],
        returns: "f64",
      },
      { kind: "global", name: "G", internal: "assembly/x/G", type: "f64", mutable: true },
    ],
  );
  const rejects = (body: string, pattern: RegExp) =>
    assert.throws(() => parseDeclarations(dts(body)), pattern);
  rejects(fn("f(b: boolean): void", ["@param b `bool`"]), /type bool is not supported/);
  rejects(fn("f(n?: number): void", ["@param n `i32`"]), /unsupported parameter n\?/);
  rejects(fn("f(n: number): void", ["@param m `i32`"]), /@param m does not match/);
  rejects(fn("f(s: string): void", ["@param s `~lib/string/String`"]), /not supported/);
  rejects("  /** assembly/x/E */\n  export enum E {\n  }\n", /unsupported declaration/);
});

/** The payload of the first wasm section with id `id` (the module must be well formed). */
function wasmSection(bytes: Uint8Array, id: number): Uint8Array | undefined {
  let p = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[p++];
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  while (p < bytes.length) {
    const sid = bytes[p++];
    const size = leb();
    if (sid === id) return bytes.subarray(p, p + size);
    p += size;
  }
  return undefined;
}

function countSequence(hay: Uint8Array, needle: number[]): number {
  let n = 0;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    n++;
  }
  return n;
}

Deno.test("the embedded module is valid WebAssembly with SIMD instructions", async () => {
  const bytes = decodeBase64(KERNELS_WASM_BASE64);
  assert.equal(bytes.length, KERNELS_WASM_BYTES);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(hex, KERNELS_WASM_SHA256);
  assert.deepEqual(Array.from(bytes.subarray(0, 8)), [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  assert.ok(
    WebAssembly.validate(bytes as BufferSource),
    "WebAssembly.validate rejected the kernels",
  );
  const code = wasmSection(bytes, 10);
  assert.ok(code, "no code section");
  assert.ok(code.includes(0xfd), "no 0xfd (SIMD) prefix in the code section");
  // f64x2.add = 0xfd 240, f64x2.mul = 0xfd 242 (LEB128 opcodes 0xf0 0x01, 0xf2 0x01).
  assert.ok(countSequence(code, [0xfd, 0xf0, 0x01]) > 0, "no f64x2.add");
  assert.ok(countSequence(code, [0xfd, 0xf2, 0x01]) > 0, "no f64x2.mul");
});
