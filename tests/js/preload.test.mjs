// Every page lists its whole static module graph as <link rel="modulepreload"> (so a browser asks
// for all its modules in one wave, not one wave per level of imports), and its fetch preloads
// carry what fetch() needs to use them. Fails when a module is imported without a preload line,
// when a preload line names a module the page no longer imports, or when a preload would be
// downloaded twice. Fix with: node src/tools/module-graph.mjs --write web/*.html
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers.mjs';
import { moduleGraph, preloadProblems, staticImports } from '../../src/tools/module-graph.mjs';

for (const page of ['index.html', 'lesson.html', 'lab.html']) {
  test(`${page}: the modulepreload lines are exactly its static module graph`, () => {
    assert.deepEqual(preloadProblems(path.join(ROOT, 'web', page)), []);
  });
}

test('static imports are found in every form, and not in comments or import()', () => {
  const source = [
    "import { a,", "  b } from './a.js';", "import c from \"./c.js\";", "import * as d from './d.js';",
    "import './side-effect.js';", "export { e } from './e.js';", "export * from './f.js';",
    "// import { g } from './commented.js';", "/* import h from './block.js'; */",
    "const later = await import('./dynamic.js');", "const s = 'import x from \"./in-a-string\"';",
  ].join('\n');
  assert.deepEqual(staticImports(source), ['./a.js', './c.js', './d.js', './side-effect.js', './e.js', './f.js']);
});

test('a module added without a preload line is named; so is a preload of a module no longer imported', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'convscope-preload-'));
  mkdirSync(path.join(dir, 'js'));
  writeFileSync(path.join(dir, 'js/main.js'), "import { x } from './x.js';\n");
  writeFileSync(path.join(dir, 'js/x.js'), "import { y } from './y.js';\nexport const x = 1;\n");
  writeFileSync(path.join(dir, 'js/y.js'), 'export const y = 2;\n');
  writeFileSync(path.join(dir, 'js/old.js'), 'export const old = 3;\n');
  const html = (links) => `<head><script type="module" src="./js/main.js"></script>\n${links}</head>`;
  writeFileSync(path.join(dir, 'page.html'), html('<link rel="modulepreload" href="./js/x.js">\n<link rel="modulepreload" href="./js/old.js">\n<link rel="preload" href="./js/y.js">'));
  assert.deepEqual(moduleGraph(path.join(dir, 'js/main.js')).map((f) => path.basename(f)), ['main.js', 'x.js', 'y.js']);
  const problems = preloadProblems(path.join(dir, 'page.html'));
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.match(problems[0], /\.\/js\/y\.js is imported but has no <link rel="modulepreload">/);
  assert.match(problems[1], /\.\/js\/old\.js has a <link rel="modulepreload"> but is not in the page's static module graph/);
  assert.match(problems[2], /needs as="fetch" and crossorigin/);
  writeFileSync(path.join(dir, 'page.html'), html('<link rel="modulepreload" href="./js/x.js">\n<link rel="modulepreload" href="./js/y.js">'));
  assert.deepEqual(preloadProblems(path.join(dir, 'page.html')), []);
});
