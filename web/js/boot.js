// The first script a page runs: a classic script in its <head>, after the stylesheets. It starts
// the engine (its glue module imported, its wasm fetched and compiled) and the downloads listed in
// its data-prefetch attribute, before the browser lays the page out. (A module script, even async,
// runs only once its imports are fetched and compiled, which in a cold load of the drawing page
// came after a ~130 ms first layout: the engine was requested ~300 ms after navigation, not ~110.)
// engine.js takes what this started (startEngine, fetchBytes), so nothing is fetched
// twice. It cannot import engine.js (a classic script would wait for it like a module), so the
// build is chosen here the way engine.js chooseEngine chooses it; a test keeps the two the same.
// → globalThis.convscopeBoot = {build, glue: Promise, wasm: Promise<WebAssembly.Module>, files: Map<href, Promise<Response>>}
(() => {
  performance.mark('convscope:boot');  // read by npm run bench
  if (typeof WebAssembly !== 'object') return;  // the page's own load says what is missing
  // the probes of engine.js: f32x4 (SIMD) and f32x4.relaxed_madd (relaxed SIMD)
  const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);
  const RELAXED_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11]);
  const FILES = { relaxed: 'convscope-relaxed', simd: 'convscope', scalar: 'convscope-scalar' };
  const query = new URLSearchParams(location.search);
  const forced = query.get('engine');
  const build = Object.hasOwn(FILES, forced ?? '') ? forced
    : WebAssembly.validate(RELAXED_PROBE) ? 'relaxed' : WebAssembly.validate(SIMD_PROBE) ? 'simd' : 'scalar';
  const base = document.baseURI;
  const url = (path) => new URL(path, base).href;
  const quiet = (promise) => {
    promise.catch(() => {});  // engine.js reports what fails, when the page asks for it
    return promise;
  };
  const glue = quiet(import(url(`./engine/${FILES[build]}.mjs`)));
  const wasm = quiet(typeof WebAssembly.compileStreaming === 'function'
    ? WebAssembly.compileStreaming(fetch(url(`./engine/${FILES[build]}.wasm`), { credentials: 'same-origin' }))
    : Promise.reject(new Error('no streaming compile')));
  // data-prefetch: files, space-separated; "model=./x" is the file the page URL's ?model= names,
  // else ./x (the drawing page's development parameters: demo/model-files.js)
  const files = new Map();
  for (const item of (document.currentScript?.dataset.prefetch ?? '').split(/\s+/).filter(Boolean)) {
    const [, param, fallback] = item.match(/^(?:([\w-]+)=)?(.+)$/);
    const file = (param && query.get(param)) || fallback;
    files.set(url(file), quiet(fetch(url(file))));
  }
  globalThis.convscopeBoot = { build, glue, wasm, files };
})();
