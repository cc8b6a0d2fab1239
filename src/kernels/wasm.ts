/**
 * The WebAssembly kernels: instantiation from the embedded bytes and a small
 * memory arena. Browser-safe (no file access, no `Deno` namespace).
 *
 * Every kernel takes byte offsets of f64 arrays in the instance's linear
 * memory. A {@link Kernels} object owns one instance; its arena hands out
 * 16-byte-aligned blocks and grows the memory as needed. Pointers never leave
 * the module that allocated them: wrappers copy in and out.
 * @module
 */
import { KERNELS_WASM_BASE64 } from "./generated/kernels_wasm.ts";
import type { KernelExports } from "./generated/kernels_api.ts";

// The raw exports are typed by the build (scripts/build.ts), from the
// declarations the AssemblyScript compiler writes for assembly/.
export type { KernelExportKinds, KernelExports, Ptr } from "./generated/kernels_api.ts";

/** Bytes of one random-generator state in wasm memory (the u64 counter of assembly/rng.ts). */
export const RNG_BYTES = 8;

/** Bytes of one sampler descriptor in wasm memory (assembly/sample.ts). */
export const SAMPLER_BYTES = 48;

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const wasmModule: WebAssembly.Module = await WebAssembly.compile(
  decodeBase64(KERNELS_WASM_BASE64) as BufferSource,
);

const imports = {
  env: {
    abort(_msg: number, _file: number, line: number, col: number): never {
      throw new Error(`aedyn kernel aborted at ${line}:${col}`);
    },
  },
};

/** One kernel instance with its own linear memory and arena. */
export class Kernels {
  /** The raw exports. */
  readonly x: KernelExports;
  #top: number;
  readonly #base: number;

  /** Wrap an instance (use {@link createKernels} or {@link sharedKernels}). */
  constructor(instance: WebAssembly.Instance) {
    this.x = instance.exports as unknown as KernelExports;
    this.#base = (this.x.heapBase() + 15) & ~15;
    this.#top = this.#base;
  }

  /** Current arena position, to pass to {@link release}. */
  mark(): number {
    return this.#top;
  }

  /** Free everything allocated after `mark`. */
  release(mark: number): void {
    this.#top = mark;
  }

  /** Allocate n bytes (16-byte aligned, zero-filled); returns the byte offset. */
  alloc(bytes: number): number {
    const ptr = this.#top;
    const end = ptr + ((bytes + 15) & ~15);
    const mem = this.x.memory;
    const size = mem.buffer.byteLength;
    if (end > size) {
      const pages = Math.ceil((end - size) / 65536);
      mem.grow(pages);
    }
    // memory grown now is zero already; below the old size it may hold released blocks
    const dirty = Math.min(end, size);
    if (dirty > ptr) new Uint8Array(mem.buffer, ptr, dirty - ptr).fill(0);
    this.#top = end;
    return ptr;
  }

  /** Allocate n f64 slots; returns the byte offset. */
  f64(n: number): number {
    return this.alloc(8 * n);
  }

  /** Allocate and fill with `values`; returns the byte offset. */
  put(values: ArrayLike<number>): number {
    const ptr = this.f64(values.length);
    this.view(ptr, values.length).set(values);
    return ptr;
  }

  /** A Float64Array view of n slots at ptr (invalid after the next alloc). */
  view(ptr: number, n: number): Float64Array {
    return new Float64Array(this.x.memory.buffer, ptr, n);
  }

  /** A fresh copy of n slots at ptr. */
  read(ptr: number, n: number): Float64Array {
    return this.view(ptr, n).slice();
  }

  /** Write values at ptr. */
  write(ptr: number, values: ArrayLike<number>): void {
    this.view(ptr, values.length).set(values);
  }
}

/** A new kernel instance with its own memory (for long-lived work such as a simulation). */
export async function createKernels(): Promise<Kernels> {
  const instance = await WebAssembly.instantiate(wasmModule, imports);
  return new Kernels(instance);
}

let shared: Kernels | undefined;

/**
 * The shared kernel instance, for synchronous work that releases its memory
 * before returning (mark/release around each call).
 */
export function sharedKernels(): Kernels {
  shared ??= new Kernels(new WebAssembly.Instance(wasmModule, imports));
  return shared;
}
