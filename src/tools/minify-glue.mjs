// Shrinks an Emscripten ES-module glue file (web/engine/*.mjs) in place, after the link:
//   node src/tools/minify-glue.mjs <file.mjs> [--dce <emscripten root>] [--terser <terser bin>]
// --dce: Emscripten's own JS optimizer, the passes `emcc -Os` runs (aggressive dead-code removal,
//        then whitespace): for the relaxed-SIMD build, linked at -O1, whose glue emcc leaves as
//        written. Needs acorn on NODE_PATH (Debian: NODE_PATH=/usr/share/nodejs), as em++ does.
// --terser: terser (npm's, a devDependency) compresses and renames the locals: a quarter off
//        the gzipped glue of every build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const emscriptenRoot = option('dce');
const terser = option('terser');
const [file] = args;
if (!file || args.length !== 1) {
  console.error('usage: node src/tools/minify-glue.mjs <file.mjs> [--dce <emscripten root>] [--terser <terser bin>]');
  process.exit(2);
}

// The optimizer's printer cannot print import.meta: emcc hides it behind this name while it
// optimizes, and so do we.
const META = 'EMSCRIPTEN$IMPORT$META';
const glue = readFileSync(file, 'utf8');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'minify-glue-'));
const run = (cmd, argv) => execFileSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
try {
  let code = glue;
  const input = path.join(tmp, 'glue.mjs');
  if (emscriptenRoot) {
    writeFileSync(input, code.replace(/\bimport\.meta\b/g, META));
    code = run(process.execPath, [path.join(emscriptenRoot, 'tools/acorn-optimizer.js'), input,
      'AJSDCE', 'minifyWhitespace', '--exportES6']).replaceAll(META, 'import.meta');
  }
  if (terser) {
    writeFileSync(input, code);
    const output = path.join(tmp, 'out.mjs');
    run(terser, [input, '--module', '--compress', 'passes=2', '--mangle', '--output', output]);
    code = readFileSync(output, 'utf8');
  }
  if (!/export default \w+;?\s*$/.test(code)) throw new Error(`minify-glue: ${file} lost its default export`);
  writeFileSync(file, code);
  console.log(`minify-glue: ${path.basename(file)} ${glue.length} -> ${code.length} bytes`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
