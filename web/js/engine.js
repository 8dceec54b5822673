// Loading the engine and files, for every page (demo/main.js, lesson.js, lab.js). The engine is
// the relaxed-SIMD build where relaxed SIMD exists (fused multiply-add), else the SIMD build where
// WebAssembly SIMD exists, else the scalar build; ?engine=relaxed, ?engine=simd or ?engine=scalar
// in the page URL forces one. A worker loads the build its page chose (worker-rpc.js hands it
// over). Paths are resolved against the page's base URL, never this module's, so the site works
// from any sub-path.

// A 29-byte module that validates only where WebAssembly SIMD exists.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);
// A 44-byte module whose one function is f32x4.relaxed_madd (fd 85 02): validates only where
// relaxed SIMD exists (Chromium; Node 20 only with --experimental-wasm-relaxed-simd).
const RELAXED_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11]);
const ENGINE_PATHS = {
  relaxed: './engine/convscope-relaxed.mjs',
  simd: './engine/convscope.mjs',
  scalar: './engine/convscope-scalar.mjs',
};

export const ENGINE_KINDS = {
  relaxed: 'WebAssembly relaxed SIMD',
  simd: 'WebAssembly SIMD',
  scalar: 'WebAssembly (scalar)',
};

// The build ?engine= in the page's (or worker's) URL forces, or null.
function forcedEngine(search = globalThis.location?.search ?? '') {
  const forced = new URLSearchParams(search).get('engine');
  return Object.hasOwn(ENGINE_PATHS, forced ?? '') ? forced : null;
}

// Which build to load: the one ?engine= forces, else feature detection decides.
// → 'relaxed' | 'simd' | 'scalar'.
export function chooseEngine(search = globalThis.location?.search ?? '') {
  const forced = forcedEngine(search);
  if (forced) return forced;
  if (WebAssembly.validate(RELAXED_PROBE)) return 'relaxed';
  return WebAssembly.validate(SIMD_PROBE) ? 'simd' : 'scalar';
}

// Why a forced build may not run here, for the error message ('' if it should).
function missingFeature(build) {
  if (build === 'relaxed' && !WebAssembly.validate(RELAXED_PROBE)) return 'This browser has no WebAssembly relaxed SIMD. ';
  if (build === 'simd' && !WebAssembly.validate(SIMD_PROBE)) return 'This browser has no WebAssembly SIMD. ';
  if (build === 'scalar' && !WebAssembly.validate(SIMD_PROBE)) return 'This browser has no WebAssembly SIMD, and the scalar build is needed. ';
  return '';
}

// The engine under way: its glue module imported and its wasm fetched and compiled, started once
// per page (or worker) and build. A page's boot script (boot.js, a classic script in its <head>)
// starts it before the page is laid out, so the wasm compiles while the page's modules still load;
// the first startEngine of that build takes it over, and loadEngine then finds it done or nearly.
// build: 'relaxed' | 'simd' | 'scalar' (chooseEngine() when not given);
// compiled: the build's WebAssembly.Module when it is already at hand (a worker gets its page's:
// worker-rpc.js), so it is neither downloaded nor compiled again.
// → {build, path, glue: Promise, wasm: Promise<WebAssembly.Module>}
const started = new Map();
export function startEngine(baseUrl, build = chooseEngine(), compiled = null) {
  if (started.has(build)) return started.get(build);
  const path = ENGINE_PATHS[build];
  const boot = globalThis.convscopeBoot;
  if (boot?.build === build && !compiled) {
    const engine = { build, path, glue: boot.glue, wasm: boot.wasm };
    started.set(build, engine);
    return engine;
  }
  const glue = import(new URL(path, baseUrl).href);
  // the same request as the glue's own (credentials same-origin)
  const wasmUrl = new URL(path.replace(/\.mjs$/, '.wasm'), baseUrl).href;
  const wasm = compiled ? Promise.resolve(compiled) : typeof WebAssembly.compileStreaming === 'function'
    ? WebAssembly.compileStreaming(fetch(wasmUrl, { credentials: 'same-origin' }))
    : Promise.reject(new Error('no streaming compile'));
  glue.catch(() => {});  // reported by loadEngine
  wasm.catch(() => {});  // loadEngine lets the glue fetch it itself, and report what fails
  const engine = { build, path, glue, wasm };
  started.set(build, engine);
  return engine;
}

// build: 'relaxed' | 'simd' | 'scalar' (chooseEngine() when not given) → {cs, kind, build};
// throws an Error naming what failed. A relaxed build picked by feature detection that does not
// load (a site built without clang-19 has none) gives way to the SIMD build.
export async function loadEngine(baseUrl, build = chooseEngine()) {
  if (build === 'relaxed' && !forcedEngine()) {
    try {
      return await loadBuild('relaxed', baseUrl);
    } catch {
      return loadBuild('simd', baseUrl);
    }
  }
  return loadBuild(build, baseUrl);
}

async function loadBuild(build, baseUrl) {
  const { path, glue, wasm } = startEngine(baseUrl, build);
  let createConvScope;
  try {
    ({ default: createConvScope } = await glue);
  } catch (e) {
    throw new Error(`${missingFeature(build)}Could not load the engine (${path.slice(2)}): ${e.message}`);
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
    throw new Error(`${missingFeature(build)}Could not start the engine (${path.slice(2).replace('.mjs', '.wasm')}): ${why}`);
  }
  return { cs, kind: ENGINE_KINDS[build], build };
}

// What a reader can do when the engine or a shipped model did not load: shown after the message.
export const LOAD_ADVICE = 'Reload the page to try again. If it keeps failing, check your internet connection ' +
  '(after one complete visit the pages also work offline), or try another, up-to-date browser.';

// The downloads a page's boot script started (its data-prefetch), each handed to the first
// fetchBytes of the same URL.
const bootFiles = () => globalThis.convscopeBoot?.files ?? new Map();

// GET url (relative to baseUrl) → Uint8Array; onProgress(loaded, total) as bytes arrive (total 0
// when the server does not say). Throws an Error naming the file and the HTTP status.
export async function fetchBytes(url, baseUrl, onProgress = () => {}) {
  const href = new URL(url, baseUrl).href;
  const started = bootFiles().get(href);
  bootFiles().delete(href);
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
