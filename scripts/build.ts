/**
 * Build the WebAssembly kernels: AssemblyScript (assembly/index.ts, SIMD on,
 * relaxed SIMD off) -> binaryen wasm-opt -O3 -> two generated modules under
 * src/kernels/generated/ (see kernel_api.ts):
 *
 * - kernels_wasm.ts embeds the bytes as base64, so that importing mod.ts needs
 *   no file access;
 * - kernels_api.ts types the module's exports.
 *
 * The compiler and the optimiser (npm:assemblyscript, npm:binaryen: 200 MB)
 * are pinned in scripts/build/deno.json with their own lock file, so that
 * running the package never fetches them. Deterministic: the same sources
 * give the same bytes and the same text. `deno task build` writes the files;
 * with `--json` the build prints {wasm (base64), declarations} instead (the
 * build test compares that with the committed files).
 * @module
 */
import asc from "assemblyscript/asc";
import binaryen from "binaryen";
import { fileURLToPath } from "node:url";
import {
  API_PATH,
  GENERATED_PATH,
  type KernelBuild,
  parseDeclarations,
  renderApi,
  renderModule,
} from "./kernel_api.ts";

const ASC_FLAGS = [
  "--runtime",
  "stub",
  "-O3",
  "--noAssert",
  "--enable",
  "simd",
  "--disable",
  "relaxed-simd",
  "--initialMemory",
  "2",
];

/** Compile and optimise the kernels; returns the wasm bytes and the compiler's declarations. */
export async function buildKernels(
  root: URL = new URL("../", import.meta.url),
): Promise<KernelBuild> {
  const outputs: Record<string, Uint8Array | string> = {};
  // The entry is given relative to --baseDir so that the declarations name
  // each export's source by its path from the root, whatever the working
  // directory (the wasm bytes do not depend on either).
  const result = await asc.main(
    [
      "assembly/index.ts",
      "--baseDir",
      fileURLToPath(root),
      "--outFile",
      "kernels.wasm",
      "--bindings",
      "raw",
      ...ASC_FLAGS,
    ],
    {
      writeFile(name: string, contents: Uint8Array | string) {
        outputs[name] = contents;
      },
    },
  );
  if (result.error) {
    throw new Error(`AssemblyScript compilation failed:\n${result.stderr.toString()}`);
  }
  const raw = outputs["kernels.wasm"];
  if (!(raw instanceof Uint8Array)) throw new Error("AssemblyScript produced no kernels.wasm");
  const declarations = outputs["kernels.d.ts"];
  if (typeof declarations !== "string") {
    throw new Error("AssemblyScript produced no kernels.d.ts");
  }
  const mod = binaryen.readBinary(raw);
  try {
    const F = binaryen.Features;
    mod.setFeatures(
      F.MVP | F.SIMD128 | F.MutableGlobals | F.SignExt | F.NontrappingFPToInt | F.BulkMemory |
        F.BulkMemoryOpt,
    );
    binaryen.setOptimizeLevel(3);
    binaryen.setShrinkLevel(0);
    mod.optimize();
    if (!mod.validate()) throw new Error("wasm-opt produced an invalid module");
    return { wasm: mod.emitBinary(), declarations };
  } finally {
    mod.dispose();
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url);
  const { wasm, declarations } = await buildKernels(root);
  if (Deno.args.includes("--json")) {
    console.log(JSON.stringify({ wasm: toBase64(wasm), declarations }));
    Deno.exit(0);
  }
  const files: [string, string][] = [
    [GENERATED_PATH, await renderModule(wasm)],
    [API_PATH, await renderApi(declarations, root)],
  ];
  // Write every file beside its target first, then rename them all: a failed
  // build leaves the committed files as they were.
  const moves: [URL, URL][] = [];
  for (const [path, text] of files) {
    const out = new URL(path, root);
    await Deno.mkdir(new URL("./", out), { recursive: true });
    const tmp = new URL(`${out.pathname}.tmp`, out);
    await Deno.writeTextFile(tmp, text);
    moves.push([tmp, out]);
  }
  for (const [tmp, out] of moves) await Deno.rename(tmp, out);
  console.log(`wrote ${GENERATED_PATH} (${wasm.length} bytes of wasm)`);
  console.log(`wrote ${API_PATH} (${parseDeclarations(declarations).length} exports)`);
}
