// Static server for the benchmark page: serves a few folders of the repository on 127.0.0.1,
// cross-origin isolated (COOP + COEP), so that performance.now() has its fine resolution in
// Chromium (without isolation it is coarsened to 100 µs, too coarse for a 50 µs call).
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ALLOWED = ['src/bench/', 'web/models/', 'node_modules/', 'build/bench/'];
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function startBenchServer() {
  const server = http.createServer(async (req, res) => {
    let rel = '';
    try {
      rel = decodeURIComponent(req.url.split(/[?#]/, 1)[0]).replace(/^\/+/, '');
    } catch { /* malformed: refused below */ }
    const file = path.resolve(ROOT, rel);
    const ok = rel !== '' && !rel.includes('\0') && !rel.split('/').includes('..') && file.startsWith(ROOT + path.sep) &&
      ALLOWED.some((p) => rel.startsWith(p));
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    };
    if (!ok) {
      res.writeHead(403, headers);
      return res.end();
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404, headers);
      res.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
