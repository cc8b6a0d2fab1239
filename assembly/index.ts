// Entry point of the aedyn WebAssembly module: every kernel the TypeScript side
// calls is re-exported here. All kernels take raw pointers into linear memory
// (f64, row-major); the TypeScript wrapper (src/kernels/wasm.ts) owns that memory.

export * from "./activation";
export * from "./blas";
export * from "./rng";
export * from "./sample";
export * from "./sgd";
export * from "./batch";
export * from "./reduced";
export * from "./metrics";
export * from "./covariance";
export * from "./eigen";

/** First free byte after the module's static data: the TS arena starts here. */
export function heapBase(): usize {
  return __heap_base;
}
export * from "./theory";
