// Loading the engine and files, for every page (demo/main.js, lesson.js, lab.js). The engine is the SIMD
// build where WebAssembly SIMD exists (its wasm validates only there), else the scalar build;
// ?engine=scalar or ?engine=simd in the page URL forces one. A worker loads the build its page chose
// (worker-rpc.js hands it over). Paths are resolved against the page's base URL, never
// this module's, so the site works from any sub-path.

// A 29-byte module that validates only where WebAssembly SIMD exists.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);
const ENGINE_SIMD = './engine/convscope.mjs';
const ENGINE_SCALAR = './engine/convscope-scalar.mjs';

export const ENGINE_KINDS = { simd: 'WebAssembly SIMD', scalar: 'WebAssembly (scalar)' };

// Which build to load: ?engine=simd or ?engine=scalar in the page's (or worker's) URL forces one;
// anything else lets feature detection decide. → 'simd' | 'scalar'.
export function chooseEngine(search = globalThis.location?.search ?? '') {
  const forced = new URLSearchParams(search).get('engine');
  if (forced === 'simd' || forced === 'scalar') return forced;
  return WebAssembly.validate(SIMD_PROBE) ? 'simd' : 'scalar';
}

// The engine under way: its glue module imported and its wasm fetched and compiled, started once
// per page (or worker) and build. The pages start it from an async module script in their <head>
// (engine-start.js), so the wasm compiles while the page's other modules still load; loadEngine
// then finds it done or nearly. build: 'simd' | 'scalar' (chooseEngine() when not given)
// → {build, path, glue: Promise, wasm: Promise<WebAssembly.Module>}
const started = new Map();
export function startEngine(baseUrl, build = chooseEngine()) {
  if (started.has(build)) return started.get(build);
  const path = build === 'simd' ? ENGINE_SIMD : ENGINE_SCALAR;
  const glue = import(new URL(path, baseUrl).href);
  // the same request as the glue's own (credentials same-origin)
  const wasmUrl = new URL(path.replace(/\.mjs$/, '.wasm'), baseUrl).href;
  const wasm = typeof WebAssembly.compileStreaming === 'function'
    ? WebAssembly.compileStreaming(fetch(wasmUrl, { credentials: 'same-origin' }))
    : Promise.reject(new Error('no streaming compile'));
  glue.catch(() => {});  // reported by loadEngine
  wasm.catch(() => {});  // loadEngine lets the glue fetch it itself, and report what fails
  const engine = { build, path, glue, wasm };
  started.set(build, engine);
  return engine;
}

// build: 'simd' | 'scalar' (chooseEngine() when not given) → {cs, kind}; throws an Error naming
// what failed.
export async function loadEngine(baseUrl, build = chooseEngine()) {
  const { path, glue, wasm } = startEngine(baseUrl, build);
  let createConvScope;
  try {
    ({ default: createConvScope } = await glue);
  } catch (e) {
    const why = build === 'scalar' && !WebAssembly.validate(SIMD_PROBE) ? 'This browser has no WebAssembly SIMD, and the scalar build is needed. ' : '';
    throw new Error(`${why}Could not load the engine (${path.slice(2)}): ${e.message}`);
  }
  const compiled = await wasm.catch(() => null);
  let cs;
  try {
    cs = await new Promise((resolve, reject) => {
      // with the module compiled early, the glue only instantiates it
      const hook = compiled && {
        instantiateWasm(imports, receive) {
          WebAssembly.instantiate(compiled, imports).then((instance) => receive(instance, compiled), reject);
          return {};
        },
      };
      createConvScope(hook || {}).then(resolve, reject);
    });
  } catch (e) {
    const why = String(e?.message ?? e).replace(/ Build with -s ASSERTIONS=1 for more info\.?$/, '');  // advice for developers only
    throw new Error(`Could not start the engine (${path.slice(2).replace('.mjs', '.wasm')}): ${why}`);
  }
  return { cs, kind: ENGINE_KINDS[build] };
}

// What a reader can do when the engine or a shipped model did not load: shown after the message.
export const LOAD_ADVICE = 'Reload the page to try again. If it keeps failing, check your internet connection ' +
  '(after one complete visit the pages also work offline), or try another, up-to-date browser.';

// Downloads started early (a page's start script, from its <head>), each handed to the first
// fetchBytes of the same URL.
const early = new Map();
export function prefetch(url, baseUrl) {
  const href = new URL(url, baseUrl).href;
  if (early.has(href)) return;
  const response = fetch(href);
  response.catch(() => {});  // reported by fetchBytes
  early.set(href, response);
}

// GET url (relative to baseUrl) → Uint8Array; onProgress(loaded, total) as bytes arrive (total 0
// when the server does not say). Throws an Error naming the file and the HTTP status.
export async function fetchBytes(url, baseUrl, onProgress = () => {}) {
  const href = new URL(url, baseUrl).href;
  const started = early.get(href);
  early.delete(href);
  let response;
  try {
    response = await (started ?? fetch(href));
  } catch (e) {
    throw new Error(`${url}: could not download (${e.message})`);
  }
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
  const total = Number(response.headers.get('Content-Length')) || 0;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
