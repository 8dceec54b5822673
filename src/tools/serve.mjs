// Static server for web/: `node src/tools/serve.mjs [port]` (default 8080) on 127.0.0.1.
// startServer(port, {rebundle}) → Promise<http.Server>; port 0 takes any free port (tests read server.address()).
// MIME types matter: a module script needs text/javascript, wasm streaming needs application/wasm.

import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.safetensors': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

// URL path → absolute file path inside WEB_ROOT, or null if it escapes it or is malformed.
function resolvePath(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(WEB_ROOT, '.' + path.posix.normalize('/' + decoded));
  if (file !== WEB_ROOT && !file.startsWith(WEB_ROOT + path.sep)) return null;
  // normalize('/' + …) already strips leading "..": this also refuses what slipped past, e.g. "\"
  if (decoded.split(/[\\/]/).includes('..')) return null;
  return file;
}

// The pages' bundles (src/tools/bundle.mjs: web/dist/*.js), made again first when a module under
// web/js/ changed since they were written: someone editing a page reloads and sees the edit. One
// build at a time: a page asks for two or three of its files at once.
let rebuilding = null;
function freshBundle() {
  rebuilding ??= import('./bundle.mjs')
    .then(({ bundleIsStale, writeBundle }) => bundleIsStale() && writeBundle())
    .finally(() => { rebuilding = null; });
  return rebuilding;
}

async function handle(req, res, { rebundle }) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'method not allowed\n');
  }
  const urlPath = req.url.split(/[?#]/, 1)[0];
  let file = resolvePath(urlPath);
  if (file === null) return send(res, 403, 'forbidden\n');
  if (rebundle && /^\/dist\/[^/]+\.js$/.test(urlPath)) {
    try {
      await freshBundle();
    } catch (e) {  // a module that does not parse: say so, not "not found"
      return send(res, 500, `bundle: ${e.message}\n`);
    }
  }
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    const body = await readFile(file);
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    send(res, 404, 'not found\n');
  }
}

// rebundle: check the bundle's age at each request for it (the development server; tests and the
// bench serve what `npm run build` made).
export function startServer(port = 8080, { rebundle = false } = {}) {
  const server = http.createServer((req, res) => {
    handle(req, res, { rebundle }).catch(() => send(res, 500, 'internal error\n'));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = process.argv[2] === undefined ? 8080 : Number(process.argv[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: port must be an integer 0..65535, got ${process.argv[2]}`);
    process.exit(1);
  }
  startServer(port, { rebundle: true }).then(
    (server) => console.log(`ConvScope: serving ${WEB_ROOT} at http://127.0.0.1:${server.address().port}/`),
    (e) => {
      console.error(`serve: ${e.message}`);
      process.exit(1);
    },
  );
}
