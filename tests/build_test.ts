// The build: the committed kernels match their sources and build
// deterministically, mod.ts stays free of the `Deno` namespace, and the
// embedded module is valid SIMD WebAssembly.
import assert from "node:assert/strict";
import { buildKernels, GENERATED_PATH, renderModule } from "../scripts/build.ts";
import {
  KERNELS_WASM_BASE64,
  KERNELS_WASM_BYTES,
  KERNELS_WASM_SHA256,
} from "../src/kernels/generated/kernels_wasm.ts";

const ROOT = new URL("../", import.meta.url);

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

Deno.test("generated kernels are up to date and the build is deterministic", async () => {
  const first = await buildKernels(ROOT);
  const committed = await Deno.readTextFile(new URL(GENERATED_PATH, ROOT));
  assert.ok(committed === await renderModule(first), "stale: run deno task build");
  const second = await buildKernels(ROOT);
  assert.ok(sameBytes(first, second), "two builds of the same sources gave different bytes");
});

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

Deno.test("no module in the graph of mod.ts uses the Deno namespace", async () => {
  const modUrl = new URL("mod.ts", ROOT);
  const exists = await Deno.stat(modUrl).then(() => true, () => false);
  assert.ok(exists, "mod.ts is missing");
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "mod.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, `deno info failed:\n${new TextDecoder().decode(stderr)}`);
  const info = JSON.parse(new TextDecoder().decode(stdout)) as {
    modules: { specifier: string; local?: string; error?: string }[];
  };
  const local = info.modules.filter((m) => m.specifier.startsWith("file:"));
  assert.ok(local.length > 1, "the graph of mod.ts has no local modules besides itself");
  const offenders: string[] = [];
  for (const m of local) {
    assert.ok(!m.error, `${m.specifier}: ${m.error}`);
    const text = await Deno.readTextFile(new URL(m.specifier));
    const lines = codeOnly(text).split("\n");
    lines.forEach((line, n) => {
      if (/(?<![\w$])Deno\s*(\?\.|\.|\[)/.test(line)) {
        offenders.push(`${m.specifier}:${n + 1}: ${text.split("\n")[n].trim()}`);
      }
    });
  }
  assert.deepEqual(
    offenders,
    [],
    `the Deno namespace is used under mod.ts:\n${offenders.join("\n")}`,
  );
  // Positive control: the same scan finds the uses in scripts/build.ts.
  const build = codeOnly(await Deno.readTextFile(new URL("scripts/build.ts", ROOT)));
  assert.ok(
    /(?<![\w$])Deno\s*(\?\.|\.|\[)/.test(build),
    "the scan missed Deno in scripts/build.ts",
  );
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
