// Loading the engine and files, for the pages (main.js, lesson.js; lab.js picks the build here). The engine is the SIMD build
// where WebAssembly SIMD exists, else the scalar build (TOOLCHAIN.md §6). Paths are resolved
// against the page's base URL, never this module's, so the site works from any sub-path.

// A 29-byte module that validates only where WebAssembly SIMD exists.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);
const ENGINE_SIMD = './engine/convscope.mjs';
const ENGINE_SCALAR = './engine/convscope-scalar.mjs';

// The build this browser can run → {path (relative to the page), simd, kind}. The jet lab passes
// the path to its worker, which loads the engine there.
export function engineChoice() {
  const simd = WebAssembly.validate(SIMD_PROBE);
  return { path: simd ? ENGINE_SIMD : ENGINE_SCALAR, simd, kind: simd ? 'WebAssembly SIMD' : 'WebAssembly (scalar)' };
}

// → {cs, kind}; throws an Error naming what failed.
export async function loadEngine(baseUrl) {
  const { path, simd, kind } = engineChoice();
  let createConvScope;
  try {
    ({ default: createConvScope } = await import(new URL(path, baseUrl).href));
  } catch (e) {
    const why = simd ? '' : 'This browser has no WebAssembly SIMD, and the scalar build is needed. ';
    throw new Error(`${why}Could not load the engine (${path.slice(2)}): ${e.message}`);
  }
  let cs;
  try {
    cs = await createConvScope();
  } catch (e) {
    throw new Error(`Could not start the engine: ${e?.message ?? e}`);
  }
  return { cs, kind };
}

// GET url (relative to baseUrl) → Uint8Array; onProgress(loaded, total) as bytes arrive (total 0
// when the server does not say). Throws an Error naming the file and the HTTP status.
export async function fetchBytes(url, baseUrl, onProgress = () => {}) {
  const href = new URL(url, baseUrl).href;
  let response;
  try {
    response = await fetch(href);
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
