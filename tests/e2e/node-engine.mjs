// The engine build the pages run by default in Chromium, loaded in Node, for tests that compare a
// page's numbers with the engine's bit for bit. Chromium has relaxed SIMD, so a page picks
// web/engine/convscope-relaxed.mjs (fused multiply-add: its last bits differ from the SIMD
// build's); Node 20 runs that build only with --experimental-wasm-relaxed-simd, which `npm test`
// passes to node --test tests/e2e/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// f32x4.relaxed_madd in a 44-byte module (the probe of web/js/engine.js)
const RELAXED_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11]);
const RELAXED = new URL('../../web/engine/convscope-relaxed.mjs', import.meta.url);

if (!existsSync(fileURLToPath(RELAXED))) throw new Error(`${fileURLToPath(RELAXED)} is missing: run npm run build`);
if (!WebAssembly.validate(RELAXED_PROBE)) {
  throw new Error('this Node has no WebAssembly relaxed SIMD, which the pages run in Chromium: ' +
    'run node --experimental-wasm-relaxed-simd --test tests/e2e/ (as npm test does)');
}

/** The build a page picks by itself in Chromium. */
export const PAGE_BUILD = 'relaxed';
export default (await import(RELAXED.href)).default;
