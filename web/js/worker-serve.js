// The worker's side of worker-rpc.js (the protocol is described there): a module worker calls
// serveRequests once with its handlers and awaits workerEngine() for the engine.
//
//   serveRequests({train: async (args, {progress, signal}) => result, …})
//     A handler gets the request's args, progress(data) to send a progress event, and an
//     AbortSignal that is aborted when the page cancels the request; long work runs in chunks and
//     awaits pause() between them, so that a cancel (or another request) gets in. What it returns
//     (or resolves to) is the answer; what it throws, the error the page sees (its message).
//   workerEngine() → Promise of {cs, kind}: the engine build the page chose, loaded by engine.js.

import { loadEngine, startEngine } from './engine.js';

let engineLoaded = null;
let resolveEngine;
const engineReady = new Promise((resolve) => { resolveEngine = resolve; });

export const workerEngine = () => engineReady.then(() => engineLoaded);

// A macrotask's pause: messages queued meanwhile (a cancel, a request) are read.
export const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

// The built-in request "engine" {build, baseUrl, module}, sent first by the page: loads it once.
// module: the page's compiled build (a WebAssembly.Module), when the page had one: only
// instantiated here, not downloaded and compiled a second time.
function loadPageEngine({ build, baseUrl, module }) {
  if (!engineLoaded && module instanceof WebAssembly.Module) startEngine(baseUrl, build, module);
  engineLoaded ??= loadEngine(baseUrl, build);
  engineLoaded.catch(() => {});  // reported by every request that awaits it
  resolveEngine();
  return engineLoaded.then(({ kind }) => ({ kind }));
}

export function serveRequests(handlers, scope = self) {
  const running = new Map();  // id → AbortController
  const all = { engine: loadPageEngine, ...handlers };
  scope.addEventListener('message', async ({ data }) => {
    if (data.cancel !== undefined) {
      running.get(data.cancel)?.abort();
      return;
    }
    const { id, type, args } = data;
    const controller = new AbortController();
    running.set(id, controller);
    try {
      if (!Object.hasOwn(all, type)) throw new Error(`unknown request "${type}"`);
      const progress = (p) => scope.postMessage({ id, progress: p });
      const result = await all[type](args ?? {}, { progress, signal: controller.signal });
      scope.postMessage({ id, result });
    } catch (e) {
      scope.postMessage({ id, error: e?.message ?? String(e) });
    } finally {
      running.delete(id);
    }
  });
}
