// Each page runs its modules bundled, from web/dist/ (src/tools/bundle.mjs; written by npm run
// build): the bundles must be made from today's sources, a page's files must hold every module
// it reaches from its entry scripts, imported statically or with import('…'), and the page must
// load those files, not the modules of web/js/ they were made from. The browser tests drive the
// pages themselves on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.mjs';
import { PAGES, bundleIsStale } from '../../src/tools/bundle.mjs';
import { moduleGraph, pageModules } from '../../src/tools/module-graph.mjs';

const href = (p, file) => './' + path.relative(path.dirname(p.html), file).split(path.sep).join('/');
// The modules an output of the bundler was made from (absolute paths, from its source map).
const mapSources = (out) => JSON.parse(readFileSync(`${out}.map`, 'utf8')).sources.map((s) => path.resolve(path.dirname(out), s));
// Every module a page reaches from its entry scripts, on demand ones included.
const reachable = (p) => [...new Set(p.entries.flatMap((e) => moduleGraph(e.source, { onDemand: true })))];

test('the bundles are made from the sources as they are (npm run build writes them)', () => {
  assert.equal(bundleIsStale(), false, 'a file of web/dist/ is missing or older than a file under web/js/: run npm run build');
});

test('the offline list (web/engine/precache.js, for web/sw.js) holds every page\'s bundle files, not their maps', () => {
  const self = {};
  new Function('self', readFileSync(path.join(ROOT, 'web/engine/precache.js'), 'utf8'))(self);
  const files = new Set(self.CONVSCOPE_PRECACHE.files);
  const missing = PAGES.flatMap((p) => p.outputs.map((f) => href(p, f))).filter((f) => !files.has(f));
  assert.deepEqual(missing, [], 'run node src/tools/precache.mjs');
  assert.deepEqual([...files].filter((f) => f.endsWith('.map')), []);
});

for (const p of PAGES) {
  const page = path.basename(p.html);

  test(`${page}: its bundle holds every module the page reaches, on demand ones included`, () => {
    // the modules each output was made from (its source map), all outputs of the page together
    const bundled = new Set(p.outputs.flatMap(mapSources));
    const needed = reachable(p);
    assert.ok(needed.length > 15, `only ${needed.length} modules found from ${p.entries.map((e) => e.source).join(', ')}`);
    const missing = needed.filter((f) => !bundled.has(f)).map((f) => path.relative(ROOT, f));
    assert.deepEqual(missing, []);
  });

  test(`${page}: runs its bundle's entries (in order) and no module of web/js/ directly`, () => {
    const html = readFileSync(p.html, 'utf8');
    const { entries, preloads } = pageModules(html);
    assert.deepEqual(entries, p.entries.map((e) => href(p, e.output)));
    assert.deepEqual(preloads.filter((h) => h.startsWith('./js/')), []);
    assert.doesNotMatch(html, /<script type="module"[^>]*src="\.\/js\//);
    for (const f of reachable(p)) {
      assert.ok(!html.includes(`"${href(p, f)}"`), `${page} names ${href(p, f)}, which its bundle holds`);
    }
  });

  if (p.shared) {
    test(`${page}: its entries share one copy of the modules they both import (engine.js, worker-rpc.js)`, () => {
      // the early entry (the start script) is a file of its own that imports the shared chunk,
      // and so does the main one: the engine and the worker it starts are the ones the page takes
      const shared = `./${path.basename(p.shared)}`;
      for (const e of p.entries) {
        const graph = moduleGraph(e.output);
        assert.deepEqual(graph.map((f) => path.basename(f)), [path.basename(e.output), path.basename(p.shared)]);
        assert.match(readFileSync(e.output, 'utf8'), new RegExp(`from "${shared.replace(/[.]/g, '\\.')}"`));
      }
      const sources = mapSources(p.shared).map((s) => path.basename(s));
      for (const m of ['engine.js', 'worker-rpc.js']) assert.ok(sources.includes(m), `${m} is not in ${shared}`);
      for (const e of p.entries) {
        const own = mapSources(e.output).map((s) => path.basename(s));
        assert.ok(!own.includes('engine.js') && !own.includes('worker-rpc.js'), `${path.basename(e.output)} has its own copy of a shared module`);
      }
    });
  }
}
