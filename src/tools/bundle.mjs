// Writes web/dist/demo.js: the drawing page's modules (web/js/demo/main.js and everything it
// imports, on demand ones included) as one ES module, with a source map back to web/js/. The page
// loads this one file instead of ~30: on a cold load each module costs a request and a task of
// the renderer's own, and the 28 of its static graph kept main.js waiting until ~370-450 ms
// (src/bench/README.md, "The pages, sixth round"). The sources stay plain ES modules: tests
// import them, the lesson and the lab load them as they are, and the page's workers
// (explain-worker.js, train-worker.js) start from them by URL. Nothing is minified.
// Run by `npm run build:wasm` (before precache.mjs, which lists the bundle for offline use), and
// by src/tools/serve.mjs when a source is newer than the bundle.
//   node src/tools/bundle.mjs
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
export const ENTRY = path.join(WEB, 'js/demo/main.js');
export const BUNDLE = path.join(WEB, 'dist/demo.js');

// The newest modification time (ms) of the sources under web/js/.
function newestSource(dir = path.join(WEB, 'js')) {
  return Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? newestSource(full) : statSync(full).mtimeMs;
  }));
}

export function bundleIsStale() {
  try {
    return statSync(BUNDLE).mtimeMs < newestSource();
  } catch {
    return true;  // not built yet
  }
}

export async function writeBundle() {
  const result = await build({
    entryPoints: [ENTRY],
    outfile: BUNDLE,
    bundle: true,
    format: 'esm',
    splitting: false,  // import() of a deeper section stays lazy to run, in the same file
    sourcemap: 'linked',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  return { modules: Object.keys(result.metafile.inputs).length, bytes: statSync(BUNDLE).size };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { modules, bytes } = await writeBundle();
  console.log(`bundle: web/dist/demo.js, ${modules} modules, ${(bytes / 1024).toFixed(1)} KiB`);
}
