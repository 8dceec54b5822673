// The browser the e2e tests drive: the static server (src/tools/serve.mjs) in this process on a free
// port, Debian's Chromium (/usr/bin/chromium) through playwright-core with a throw-away profile, and
// a watch on a page for what must never happen there. Not a test file itself.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../src/tools/serve.mjs';

export const TIMEOUT = 20_000;  // ms for a page to get ready or a test's wait to succeed
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];

// Serves web/ and starts Chromium (pages 1280×800); profilePrefix names the temporary profile
// folder. → {server, baseUrl (with a trailing /), context, close()}; close() stops both and
// removes the profile. The pages' service worker (web/sw.js) is blocked unless serviceWorkers is
// 'allow': requests it answers would bypass page.route, which most tests use to swap files.
export async function launchBrowser(profilePrefix, { serviceWorkers = 'block' } = {}) {
  const server = await startServer(0);
  const profileDir = mkdtempSync(path.join(tmpdir(), profilePrefix));
  const stopServer = () => new Promise((resolve) => server.close(resolve));
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      serviceWorkers,
    });
  } catch (e) {
    await stopServer();
    rmSync(profileDir, { recursive: true, force: true });
    throw e;
  }
  return {
    server,
    baseUrl: `http://127.0.0.1:${server.address().port}/`,
    context,
    async close() {
      try {
        await context.close();
      } finally {
        await stopServer();
        rmSync(profileDir, { recursive: true, force: true });
      }
    },
  };
}

// Records on page every console error, uncaught exception, failed request and HTTP status ≥ 400.
// → the list it fills, one line each; a test asserts it is still [].
export function watch(page) {
  const seen = [];
  page.on('console', (msg) => msg.type() === 'error' && seen.push(`console: ${msg.text()}`));
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => seen.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && seen.push(`HTTP ${r.status()}: ${r.url()}`));
  return seen;
}
