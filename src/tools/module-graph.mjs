// The static module graph of a page: every ES module its entry scripts import, directly or
// through others (`import … from`, `export … from`, bare `import '…'`; not import(), which loads
// on demand). The pages list the same files as <link rel="modulepreload"> in their <head>, so a
// browser asks for all of them in one wave; tests/js/preload.test.mjs checks the two agree. The
// pages' entries are their bundles (web/dist/, src/tools/bundle.mjs): a page's list is then the
// chunk its two entries share (lesson-shared.js, lab-shared.js), or nothing (the drawing page).
// moduleGraph also walks the sources under web/js/ (the bundle test: what a page's bundle holds).
//   node src/tools/module-graph.mjs web/*.html           says what is missing or extra
//   node src/tools/module-graph.mjs --write web/*.html   rewrites the ./js/ and ./dist/ modulepreload lines
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const STATIC_IMPORT = /^\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;

const DYNAMIC_IMPORT = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

// Comments stripped, so an example in a comment is not taken for an import.
const withoutComments = (source) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

// Specifiers a module imports statically.
export function staticImports(source) {
  return [...withoutComments(source).matchAll(STATIC_IMPORT)].map((m) => m[1] ?? m[2]);
}

// Relative specifiers a module loads on demand, import('./…') of a literal.
export function dynamicImports(source) {
  return [...withoutComments(source).matchAll(DYNAMIC_IMPORT)].map((m) => m[1]);
}

// entry: absolute path of a module → absolute paths of it and everything it imports statically
// (onDemand: and by import() of a literal, as a bundler follows them), in load order (depth
// first, each once). Throws for an import that names no file.
export function moduleGraph(entry, { onDemand = false } = {}) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    let source;
    try {
      source = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`module graph: cannot read ${file} (${e.code})`);
    }
    for (const spec of [...staticImports(source), ...(onDemand ? dynamicImports(source) : [])]) {
      if (!spec.startsWith('.')) throw new Error(`module graph: ${file} imports "${spec}", not a relative path`);
      visit(path.resolve(path.dirname(file), spec));
    }
  };
  visit(entry);
  return [...seen];
}

// A page's entry scripts (<script type="module" src>) and its modulepreload hrefs, as written.
export function pageModules(html) {
  // name="value" pairs and bare attributes (crossorigin, async) → {name: value or ''}
  const attrs = (tag) => Object.fromEntries([...tag.slice(1).matchAll(/([\w-]+)(?:\s*=\s*"([^"]*)")?/g)].slice(1).map((m) => [m[1].toLowerCase(), m[2] ?? '']));
  const tags = [...html.matchAll(/<(script|link)\b[^>]*>/gi)].map((m) => ({ kind: m[1].toLowerCase(), ...attrs(m[0]) }));
  return {
    entries: tags.filter((t) => t.kind === 'script' && t.type === 'module' && t.src).map((t) => t.src),
    preloads: tags.filter((t) => t.kind === 'link' && t.rel === 'modulepreload').map((t) => t.href),
    fetchPreloads: tags.filter((t) => t.kind === 'link' && t.rel === 'preload'),
  };
}

// htmlFile → the './js/…' hrefs of every module of its static graph (entries included).
export function neededPreloads(htmlFile) {
  const dir = path.dirname(htmlFile);
  const { entries } = pageModules(readFileSync(htmlFile, 'utf8'));
  const files = new Set(entries.flatMap((src) => moduleGraph(path.resolve(dir, src))));
  return [...files].map((f) => './' + path.relative(dir, f).split(path.sep).join('/'));
}

// What is wrong with a page's preload lines, one sentence each ([] when nothing): a module of its
// static graph without a modulepreload line, a modulepreload of a module outside it (or of a
// file that does not exist), and a <link rel="preload"> that fetch() could not use (it needs
// as="fetch" and crossorigin, or the browser downloads the file a second time).
export function preloadProblems(htmlFile) {
  const dir = path.dirname(htmlFile);
  const { entries, preloads, fetchPreloads } = pageModules(readFileSync(htmlFile, 'utf8'));
  const needed = new Set(neededPreloads(htmlFile).filter((href) => !entries.includes(href)));
  const problems = [];
  for (const href of needed) if (!preloads.includes(href)) problems.push(`${href} is imported but has no <link rel="modulepreload">`);
  for (const href of preloads) {
    if (href.startsWith('./engine/')) continue;  // the engine's glue: a build output, imported on demand
    if (!needed.has(href)) problems.push(`${href} has a <link rel="modulepreload"> but is not in the page's static module graph`);
  }
  for (const link of fetchPreloads) {
    if (link.as !== 'fetch' || !('crossorigin' in link)) problems.push(`<link rel="preload" href="${link.href}"> needs as="fetch" and crossorigin to be used by fetch()`);
    if (!link.href.startsWith('./engine/')) {
      try {
        readFileSync(path.resolve(dir, link.href));
      } catch {
        problems.push(`<link rel="preload" href="${link.href}">: no such file`);
      }
    }
  }
  return problems;
}

// Rewrites a page's ./js/ and ./dist/ modulepreload lines to its static graph: the old ones go, the new
// ones follow the entry <script> line, with its indentation.
export function writePreloads(htmlFile) {
  const html = readFileSync(htmlFile, 'utf8');
  const { entries } = pageModules(html);
  const lines = html.split('\n').filter((l) => !/^\s*<link rel="modulepreload" href="\.\/(?:js|dist)\//.test(l));
  const at = lines.findIndex((l) => l.includes(`src="${entries[0]}"`));
  if (at < 0) throw new Error(`${htmlFile}: no entry <script type="module">`);
  const indent = lines[at].match(/^\s*/)[0];
  const preload = neededPreloads(htmlFile).filter((href) => !entries.includes(href)).map((href) => `${indent}<link rel="modulepreload" href="${href}">`);
  lines.splice(at + 1, 0, ...preload);
  writeFileSync(htmlFile, lines.join('\n'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes('--write');
  for (const html of process.argv.slice(2).filter((a) => a !== '--write')) {
    if (write) writePreloads(path.resolve(html));
    const problems = preloadProblems(path.resolve(html));
    console.log(`${html}: ${problems.length ? problems.join('\n  ') : 'preload lines match the module graph'}`);
  }
}
