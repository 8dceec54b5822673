// web/js/boot.js, the classic script a page runs first: it picks the engine build exactly as
// engine.js chooseEngine does (run here with this Node's own WebAssembly: SIMD, and relaxed SIMD
// in the run with --experimental-wasm-relaxed-simd), starts that build's glue and wasm and the
// files of its data-prefetch; and index.html's data-prefetch names the drawing page's own files
// (demo/model-files.js). In Chromium: tests/e2e/engine-choice.test.mjs and preload.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { ROOT } from './helpers.mjs';
import { chooseEngine } from '../../web/js/engine.js';
import { MODELS, SAMPLES_FILE } from '../../web/js/demo/model-files.js';

// import() cannot be handed to vm without --experimental-vm-modules: boot.js's one dynamic import
// calls a recorder instead
const SOURCE = readFileSync(path.join(ROOT, 'web/js/boot.js'), 'utf8');
const BOOT = SOURCE.replace(/\bimport\(/g, 'importModule(');
const BASE = 'https://example.org/convscope/index.html';

// Runs boot.js as a page would (search: the page URL's query; prefetch: its data-prefetch) and
// → {boot: globalThis.convscopeBoot, fetched: [URLs it fetched], imported: [URLs it imported]}.
function runBoot(search, prefetch = '') {
  const fetched = [], imported = [];
  const context = vm.createContext({
    URL, URLSearchParams, Map, Promise, Uint8Array, Error,
    WebAssembly: { validate: (bytes) => WebAssembly.validate(bytes), compileStreaming: (response) => response.then(() => 'module') },
    performance: { mark() {} },
    location: { search },
    document: { baseURI: BASE, currentScript: { dataset: { prefetch } } },
    fetch: (url) => {
      fetched.push(String(url));
      return Promise.resolve({ ok: true });
    },
    importModule: (url) => {
      imported.push(url);
      return Promise.resolve({});
    },
  });
  vm.runInContext(BOOT, context);
  return { boot: context.convscopeBoot, fetched, imported };
}

test('boot.js picks the build engine.js picks, for every ?engine= and for none', () => {
  for (const search of ['', '?engine=relaxed', '?engine=simd', '?engine=scalar', '?engine=fast', '?engine=toString', '?model=x.safetensors']) {
    assert.equal(runBoot(search).boot.build, chooseEngine(search), search);
  }
  // this Node's features decide when nothing is forced: relaxed SIMD only with the flag
  assert.equal(runBoot('').boot.build, process.execArgv.includes('--experimental-wasm-relaxed-simd') ? 'relaxed' : 'simd');
  assert.equal(SOURCE.match(/\bimport\(/g).length, 1, 'one dynamic import, the glue');
});

test('boot.js starts the chosen build\'s glue and wasm and each data-prefetch file, once, against the page\'s base', () => {
  const { boot, fetched, imported } = runBoot('?engine=scalar', ' ./models/a.safetensors\n  ./models/b.json ');
  assert.deepEqual(imported, ['https://example.org/convscope/engine/convscope-scalar.mjs']);
  assert.deepEqual(fetched, ['https://example.org/convscope/engine/convscope-scalar.wasm',
    'https://example.org/convscope/models/a.safetensors', 'https://example.org/convscope/models/b.json']);
  assert.deepEqual([...boot.files.keys()], fetched.slice(1));
  assert.ok(boot.glue instanceof Promise && boot.wasm instanceof Promise);
  assert.deepEqual(runBoot('').fetched.length, 1, 'no data-prefetch: the wasm only');
});

test('a data-prefetch item "param=file" fetches the file the page URL\'s ?param= names instead', () => {
  const prefetch = 'model=./models/a.safetensors compare=./models/b.safetensors ./c.json';
  assert.deepEqual(runBoot('?model=./dev/x.safetensors&engine=simd', prefetch).fetched.slice(1),
    ['https://example.org/convscope/dev/x.safetensors', 'https://example.org/convscope/models/b.safetensors', 'https://example.org/convscope/c.json']);
  assert.deepEqual(runBoot('?model=', prefetch).fetched[1], 'https://example.org/convscope/models/a.safetensors', 'an empty ?model= is no file');
});

// The files a page's boot script prefetches: its data-prefetch attribute, split.
const prefetchOf = (page) => {
  const html = readFileSync(path.join(ROOT, 'web', page), 'utf8');
  const tag = html.match(/<script src="\.\/js\/boot\.js"[^>]*>/)?.[0];
  assert.ok(tag, `${page} runs js/boot.js`);
  return tag.match(/data-prefetch="([^"]*)"/)[1].split(/\s+/).filter(Boolean);
};

test('index.html prefetches exactly the drawing page\'s models (each under its URL parameter) and sample digits', () => {
  assert.deepEqual(prefetchOf('index.html'), [...MODELS.map((m) => `${m.param}=${m.shipped}`), SAMPLES_FILE]);
});

test('every file a page prefetches exists, and the boot script comes after the stylesheets', () => {
  for (const page of ['index.html', 'lesson.html']) {
    for (const item of prefetchOf(page)) {
      const file = item.replace(/^[\w-]+=/, '');
      assert.ok(existsSync(path.join(ROOT, 'web', file)), `${page}: ${file}`);
    }
    const html = readFileSync(path.join(ROOT, 'web', page), 'utf8');
    // a parser-blocking script before a stylesheet would hold back that stylesheet's request
    assert.ok(html.lastIndexOf('rel="stylesheet"') < html.indexOf('js/boot.js'), page);
  }
});
