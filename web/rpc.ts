/**
 * The page's side of its worker: one module worker, started on first use,
 * requests numbered and answered by promise, the events of a request
 * (theory, records, progress) passed to its handler as they come.
 * @module
 */
/// <reference lib="dom" />
import type { Reply, Request } from "./protocol.ts";

type Pending = {
  onEvent: (r: Reply) => void;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
};

/** A request to the worker without its id (the id is given here). */
export type RequestBody = Request extends infer R ? R extends { id: number } ? Omit<R, "id"> : never
  : never;

/** Resolves when the worker listens: messages sent before it would be lost (its modules use top-level await). */
let ready: Promise<Worker> | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function getWorker(): Promise<Worker> {
  if (ready) return ready;
  const w = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "aedyn" });
  let listening: (w: Worker) => void;
  ready = new Promise((resolve) => (listening = resolve));
  w.onmessage = (e: MessageEvent<Reply | { type: "ready" }>) => {
    if (e.data.type === "ready") {
      listening(w);
      return;
    }
    const r = e.data;
    const p = pending.get(r.id);
    if (!p) return;
    if (r.type === "theory" || r.type === "record" || r.type === "progress") {
      p.onEvent(r);
      return;
    }
    pending.delete(r.id);
    if (r.type === "error") {
      const err = new Error(r.message);
      err.name = r.name;
      p.reject(err);
    } else {
      p.resolve(r);
    }
  };
  w.onerror = (e) => {
    e.preventDefault();
    const err = new Error(`the worker failed: ${e.message || "it could not be loaded"}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    ready = undefined;
  };
  return ready;
}

/** Ask the worker to stop its job (after the requests already sent). */
export function stopWorker(): void {
  void ready?.then((w) => w.postMessage({ type: "stop" } as Request));
}

/** Send a request to the worker; events go to `onEvent`, the final reply resolves `done`. */
export function call(body: RequestBody, onEvent: (r: Reply) => void = () => {}): {
  id: number;
  done: Promise<Reply>;
} {
  const id = nextId++;
  const done = new Promise<Reply>((resolve, reject) => {
    pending.set(id, { onEvent, resolve, reject });
  });
  getWorker().then((w) => w.postMessage({ ...body, id } as Request));
  return { id, done };
}
