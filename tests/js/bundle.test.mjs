// The drawing page runs web/dist/demo.js, its modules bundled (src/tools/bundle.mjs; written by
// npm run build): it must be made from today's sources, and hold every module the page reaches
// from web/js/demo/main.js, imported statically or with import('…'). The browser tests drive the
// page itself on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.mjs';
import { BUNDLE, ENTRY, bundleIsStale } from '../../src/tools/bundle.mjs';
import { moduleGraph } from '../../src/tools/module-graph.mjs';

test('the bundle is made from the sources as they are (npm run build writes it)', () => {
  assert.equal(bundleIsStale(), false, `${BUNDLE} is older than a file under web/js/: run npm run build`);
});

test('the bundle holds every module the drawing page reaches, on demand ones included', () => {
  const map = JSON.parse(readFileSync(`${BUNDLE}.map`, 'utf8'));
  const bundled = new Set(map.sources.map((s) => path.resolve(path.dirname(BUNDLE), s)));
  const needed = moduleGraph(ENTRY, { onDemand: true });
  assert.ok(needed.length > 40, `only ${needed.length} modules found from ${ENTRY}`);
  const missing = needed.filter((f) => !bundled.has(f)).map((f) => path.relative(ROOT, f));
  assert.deepEqual(missing, []);
});

test('index.html runs the bundle and no module of web/js/demo/ directly', () => {
  const html = readFileSync(path.join(ROOT, 'web/index.html'), 'utf8');
  assert.match(html, /<script type="module" src="\.\/dist\/demo\.js"><\/script>/);
  assert.doesNotMatch(html, /src="\.\/js\/demo\//);
});
