// Writes web/dist/: each page's modules (its entry scripts and everything they import, on demand
// ones included) joined by esbuild, with source maps back to web/js/. A page loads a few files
// instead of 17-51 modules: on a cold load each module costs a request and a task of the
// renderer's own, and the drawing page's 28 static ones kept main.js waiting until ~370-450 ms
// (src/bench/README.md, "The pages, sixth round"; the lesson and the lab: "seventh round").
//   index.html   dist/demo.js                 js/demo/main.js, one file (import() of a deeper
//                                             section stays lazy to run, in the same file)
//   lesson.html  dist/lesson-start.js         js/lesson/start.js, the early async entry
//                dist/lesson.js               js/lesson.js
//                dist/lesson-shared.js        what both import (engine.js, worker-rpc.js): ONE
//                                             instance, so the engine and the worker that the
//                                             start script starts are the ones lesson.js takes over
//   lab.html     dist/lab-start.js, dist/lab.js, dist/lab-shared.js   the same
// A page with two entries is built with esbuild's code splitting, its one shared chunk under a
// fixed name (the page's <link rel="modulepreload"> names it: node src/tools/module-graph.mjs
// --write); the start script stays a file of its own so that it runs as soon as it and the
// shared chunk are in, not after the page's other code. (An import() of a literal in those pages
// would make a second chunk: esbuild then stops with "two output files share the same path".)
// The sources stay plain ES modules: tests import them, and the pages' workers start from them by
// URL (worker-rpc.js, relative to the page, not to import.meta.url). Nothing is minified.
// Run by `npm run build:wasm` (before precache.mjs, which lists the bundles for offline use), and
// by src/tools/serve.mjs when a source is newer than a bundle.
//   node src/tools/bundle.mjs
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
export const DIST = path.join(WEB, 'dist');

// page: its html; entries: output name → source under web/. → {name, html, entries: [{source,
// output}], shared (the chunk's path, or null), outputs (every .js written for the page)}
function page(html, entries) {
  const list = Object.entries(entries).map(([name, source]) => ({ source: path.join(WEB, source), output: path.join(DIST, `${name}.js`) }));
  const name = path.basename(html, '.html');
  const shared = list.length > 1 ? path.join(DIST, `${name}-shared.js`) : null;
  return { name, html: path.join(WEB, html), entries: list, shared, outputs: [...list.map((e) => e.output), ...(shared ? [shared] : [])] };
}

export const PAGES = [
  page('index.html', { demo: 'js/demo/main.js' }),
  page('lesson.html', { 'lesson-start': 'js/lesson/start.js', lesson: 'js/lesson.js' }),
  page('lab.html', { 'lab-start': 'js/lab/start.js', lab: 'js/lab.js' }),
];

// The newest modification time (ms) of the sources under web/js/.
function newestSource(dir = path.join(WEB, 'js')) {
  return Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? newestSource(full) : statSync(full).mtimeMs;
  }));
}

// True when some page's bundle is missing or older than a file under web/js/.
export function bundleIsStale() {
  const newest = newestSource();
  try {
    return PAGES.some((p) => p.outputs.some((f) => statSync(f).mtimeMs < newest));
  } catch {
    return true;  // not built yet
  }
}

function writePage(p) {
  return build({
    entryPoints: Object.fromEntries(p.entries.map((e) => [path.basename(e.output, '.js'), e.source])),
    outdir: DIST,
    bundle: true,
    format: 'esm',
    splitting: p.shared !== null,
    chunkNames: p.shared ? path.basename(p.shared, '.js') : undefined,
    sourcemap: 'linked',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
}

// Writes every page's bundle, and removes what else web/dist/ holds (a page's files of an older
// list), so that precache.mjs lists only what the pages load. → [{page, files, modules, bytes}]
export async function writeBundle() {
  const results = await Promise.all(PAGES.map(writePage));
  const written = new Set(results.flatMap((r) => Object.keys(r.metafile.outputs).map((f) => path.resolve(f))));
  for (const f of readdirSync(DIST)) if (!written.has(path.join(DIST, f))) rmSync(path.join(DIST, f), { recursive: true });
  return PAGES.map((p, i) => ({
    page: path.basename(p.html),
    files: p.outputs.map((f) => path.relative(WEB, f)),
    modules: Object.keys(results[i].metafile.inputs).length,
    bytes: p.outputs.reduce((sum, f) => sum + statSync(f).size, 0),
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { page: html, files, modules, bytes } of await writeBundle()) {
    console.log(`bundle: ${html}: ${files.join(' ')}, ${modules} modules, ${(bytes / 1024).toFixed(1)} KiB`);
  }
}
