// The page's side of a module Web Worker that holds its own copy of the engine (the lesson's and
// the lab's trainers; any new panel's worker). The worker's side is worker-serve.js.
//
// The protocol (structured-clone messages):
//   page → worker  {id, type, args}   a request: run handler `type` of the worker with args
//                  {cancel: id}       ask request id to stop early (the handler decides what that
//                                     means: the lab's training stops and still answers)
//   worker → page  {id, progress}     zero or more progress events of request id
//                  {id, result}       its answer, once; or
//                  {id, error}        why it failed (a message), once
// Requests run in the order sent; an async handler may still be working when the next starts.
// Request "engine" is sent first, by startWorker: the engine build this page chose (engine.js: the
// SIMD probe or ?engine=) and the site's base URL, so the worker loads the same build through
// engine.js; a worker that cannot load it fails each request that needs the engine with the reason.
//
// startWorker(path, baseUrl, {name, onBusy, onError, engine}) → {request(type, args, {onProgress,
//   signal}) → Promise of the result, engine (Promise of {kind}), terminate()}
//   path: the worker's module, relative to baseUrl (e.g. './js/lab/train-worker.js');
//   name: what messages call it ("training worker"); onBusy(busy): true while requests are open;
//   onError(Error): a progress handler of the page that threw (the request itself goes on);
//   engine: the page's own engine under way (engine.js startEngine), if it runs one: the worker
//   is handed its compiled WebAssembly.Module with "engine" (sent once it is compiled) and only
//   instantiates it, instead of downloading and compiling the same build a second time.
// A worker whose script cannot load or run fails every open request with "The <name> failed…".
//
// prestartWorker(path, baseUrl, early = [], {engine}) starts the worker from a page's start script (in its
// <head>), so that it fetches its modules and loads the engine while the page's own modules still
// load: it sends "engine" at once, then the requests named in early (no args), whose answers
// nobody reads (id 0: the worker keeps what they made and answers the page's own request of the
// same type from it). The page's first startWorker of the same path takes the worker over (if
// the page's modules ran first, the start script starts none).

import { chooseEngine } from './engine.js';

// The args of request "engine": the build, the site's base URL and, when the page runs that build
// itself (engine: its startEngine), the compiled module once it is. → Promise (never rejected)
function engineArgs(baseUrl, engine) {
  const args = { build: chooseEngine(), baseUrl: new URL('./', baseUrl).href };
  if (engine?.build !== args.build) return Promise.resolve(args);
  return engine.wasm.then((module) => ({ ...args, module }), () => args);
}

const early = new Map();  // href → {worker, failure (an error event, or null), posted, stop()}
const taken = new Set();  // hrefs a startWorker has asked for: too late to start early
export function prestartWorker(path, baseUrl, requests = [], { engine } = {}) {
  const href = new URL(path, baseUrl).href;
  if (early.has(href) || taken.has(href)) return;
  const worker = new Worker(href, { type: 'module' });
  const started = { worker, failure: null };
  const onFailure = (e) => {
    e.preventDefault();
    started.failure = e;
  };
  worker.addEventListener('error', onFailure);
  started.stop = () => worker.removeEventListener('error', onFailure);
  // settled once the early messages are posted: the page's own come after them
  started.posted = engineArgs(baseUrl, engine).then((args) => {
    for (const [type, a] of [['engine', args], ...requests.map((r) => [r, {}])]) worker.postMessage({ id: 0, type, args: a });
  });
  early.set(href, started);
}

export function startWorker(path, baseUrl, { name = 'worker', onBusy = () => {}, onError = () => {}, engine: pageEngine } = {}) {
  const href = new URL(path, baseUrl).href;
  const started = early.get(href);
  early.delete(href);
  taken.add(href);
  started?.stop();
  const worker = started?.worker ?? new Worker(href, { type: 'module' });
  const failed = (e) => new Error(`The ${name} failed${e.message ? `: ${e.message}` : ' to start'}.`);
  // Messages go out in the order sent, each once the one before is out ("engine" may wait for
  // the page's compile); message: an object or a Promise of one.
  let queue = started?.posted ?? Promise.resolve();
  const send = (message) => {
    queue = queue.then(() => message).then((m) => worker.postMessage(m))
      .catch((e) => failAll(new Error(`The ${name} could not be sent a message: ${e.message}`)));
  };
  const pending = new Map();  // id → {resolve, reject, onProgress}
  let nextId = 0;
  let broken = null;  // the Error of a worker that died: every later request fails with it

  const settle = (id) => {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) onBusy(false);
    return p;
  };
  const failAll = (error) => {
    broken = error;
    for (const id of [...pending.keys()]) settle(id).reject(error);
  };

  worker.addEventListener('message', ({ data }) => {
    if (!pending.has(data.id)) return;  // a cancelled or failed request's late message
    if ('progress' in data) {
      try {
        pending.get(data.id).onProgress(data.progress);
      } catch (e) {  // a drawing that fails is reported, never left half done in silence
        onError(new Error(`Showing the ${name}'s progress failed: ${e.message}`));
      }
      return;
    }
    const p = settle(data.id);
    if (data.error === undefined) p.resolve(data.result);
    else p.reject(new Error(data.error));
  });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    failAll(failed(e));
  });
  if (started?.failure) failAll(failed(started.failure));
  worker.addEventListener('messageerror', () => failAll(new Error(`A message from the ${name} could not be read.`)));

  function request(type, args = {}, { onProgress = () => {}, signal } = {}) {
    if (broken) return Promise.reject(broken);
    const id = ++nextId;
    const answer = new Promise((resolve, reject) => pending.set(id, { resolve, reject, onProgress }));
    onBusy(true);
    send(Promise.resolve(args).then((a) => ({ id, type, args: a })));
    signal?.addEventListener('abort', () => pending.has(id) && send({ cancel: id }), { once: true });
    return answer;
  }

  const engine = request('engine', engineArgs(baseUrl, pageEngine));
  engine.catch(() => {});  // the requests that need the engine fail with the reason
  return { request, engine, terminate: () => worker.terminate() };
}
