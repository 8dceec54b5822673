// Writes web/engine/precache.js for the service worker (web/sw.js):
//   self.CONVSCOPE_PRECACHE = {version, files}
// files: every file under web/ now (sorted, "./"-relative), except the worker, this output, source
// maps (web/dist/*.map: developer tools fetch them when open), web/screenshots/ (the README's
// pictures) and web/data/ (the MNIST digit sprites, 4.6 MB, fetched
// only when a reader opens the test-set explorer or trains a model: an offline visit shows those
// two sections' download error);
// version: the first 16 hex digits of a SHA-256 over each file's path and bytes. Run by
// `npm run build:wasm` after the engine is built, so a deploy (which builds) changes the version
// exactly when some file of the site changed. web/engine/ is build output, never in git.
// Run: node src/tools/precache.mjs

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const OUT = 'engine/precache.js';
const SKIP = new Set(['sw.js', OUT]);
const SKIP_DIRS = ['screenshots/',  // the README's pictures: not part of the site
  'data/'];  // big files a page downloads only on demand

// Paths under dir relative to WEB, with "/" separators; dot files are left out.
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.')) return [];
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [path.relative(WEB, full).split(path.sep).join('/')];
  });
}

const files = walk(WEB).filter((f) => !SKIP.has(f) && !SKIP_DIRS.some((d) => f.startsWith(d)) && !f.endsWith('.map')).sort();
const hash = createHash('sha256');
for (const f of files) hash.update(`${f}\0`).update(readFileSync(path.join(WEB, f))).update('\0');
const version = hash.digest('hex').slice(0, 16);

writeFileSync(path.join(WEB, OUT), `// Written by src/tools/precache.mjs: what web/sw.js keeps offline. Do not edit.\n` +
  `self.CONVSCOPE_PRECACHE = ${JSON.stringify({ version, files: files.map((f) => `./${f}`) }, null, 1)};\n`);
console.log(`precache: ${files.length} files, version ${version}`);
