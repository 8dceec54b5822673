// Offline, in headless Chromium with the service worker allowed: after one visit the service worker
// (web/sw.js) controls the page; with the browser offline and the server gone, a reload still
// draws and predicts, the lesson (never visited) still trains, and ?engine=scalar still loads its
// build. A new deploy (a new version in engine/precache.js) installs a new cache and deletes the old.
// The site is served through a proxy in this process that can rewrite the version, mark a deploy
// in index.html, or go down (every connection dropped).
// Run: node --test tests/e2e/offline.test.mjs   (needs web/engine/ with precache.js, /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import { drawMouse, prediction, ready, SEVEN } from './page-helpers.mjs';

let browser, proxy, site;
const deploy = { version: null, marker: null, down: false };  // what the proxy serves now

// Forwards to the real server; overrides the version and marks index.html as the test says.
function startProxy(port) {
  const server = http.createServer((req, res) => {
    if (deploy.down) return req.socket.destroy();
    const path = req.url.split('?')[0];
    http.get({ host: '127.0.0.1', port, path: req.url, headers: { 'cache-control': 'no-cache' } }, (up) => {
      const rewrite = (path === '/engine/precache.js' && deploy.version) || (path === '/index.html' && deploy.marker);
      if (!rewrite) {
        res.writeHead(up.statusCode, up.headers);
        return up.pipe(res);
      }
      const chunks = [];
      up.on('data', (c) => chunks.push(c));
      up.on('end', () => {
        let body = Buffer.concat(chunks).toString('utf8');
        if (path === '/engine/precache.js') body = body.replace(/"version": "[^"]*"/, `"version": "${deploy.version}"`);
        else body = body.replace('</html>', `<!-- ${deploy.marker} -->\n</html>`);
        res.writeHead(up.statusCode, { ...up.headers, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    }).on('error', () => res.writeHead(502).end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  browser = await launchBrowser('convscope-offline-', { serviceWorkers: 'allow' });
  proxy = await startProxy(browser.server.address().port);
  site = `http://127.0.0.1:${proxy.address().port}/`;
});
after(async () => {
  proxy?.closeAllConnections();
  await Promise.all([browser?.close(), proxy && new Promise((resolve) => proxy.close(resolve))]);
});

const controlled = (page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: TIMEOUT });
const cacheNames = (page) => page.evaluate(() => caches.keys());
// In the page: checks for a new version now and waits until it is active (or has failed).
async function updateAndActivate() {
  const registration = await navigator.serviceWorker.getRegistration();
  let next = null;
  registration.addEventListener('updatefound', () => { next = registration.installing; }, { once: true });
  await registration.update();
  next ??= registration.installing ?? registration.waiting;
  if (!next) return 'no new version found';
  return new Promise((resolve) => {
    const settled = () => ['activated', 'redundant'].includes(next.state) && resolve(next.state);
    next.addEventListener('statechange', settled);
    settled();
  });
}

test('after one visit: offline, with the server gone, the page reloads, draws and predicts', async () => {
  Object.assign(deploy, { version: 'test-a', marker: null, down: false });
  const page = await browser.context.newPage();
  const problems = watch(page);
  try {
    await page.goto(`${site}index.html`);
    await ready(page);
    await controlled(page);
    await page.waitForFunction(() => document.querySelector('#offline-status').textContent === 'Saved for offline use.', null, { timeout: TIMEOUT });
    assert.deepEqual(await cacheNames(page), ['convscope-test-a']);
    assert.deepEqual(problems, []);

    await browser.context.setOffline(true);
    deploy.down = true;
    await page.reload();
    await ready(page);
    await drawMouse(page, SEVEN);
    assert.match((await prediction(page)).digit, /^[0-9]$/, 'predicts offline');
    assert.equal(await page.locator('[role="alert"]').count(), 0);

    await page.goto(`${site}index.html?engine=scalar`);
    await ready(page);
    assert.equal(await page.textContent('#engine-kind'), 'WebAssembly (scalar)', 'the scalar build is cached too');

    await page.goto(`${site}lesson.html`);  // never visited online
    await ready(page);
    await page.click('#learn-step');
    await page.waitForSelector('#learn-progress[data-step="1"]', { timeout: TIMEOUT }).catch(async (e) => {
      // what the page showed, for a failure that a rerun does not repeat
      const alerts = await page.locator('[role="alert"]').allTextContents();
      const progress = await page.textContent('#learn-progress');
      throw new Error(`${e.message}\nalerts: ${JSON.stringify(alerts)}\nprogress: ${progress}\n${problems.join('\n')}`);
    });
    assert.equal(await page.locator('[role="alert"]:visible').count(), 0);
  } finally {
    await browser.context.setOffline(false);
    deploy.down = false;
    await page.close();
  }
});

test('a new deploy replaces the cache: new version installed, old cache deleted, new files offline', async () => {
  Object.assign(deploy, { version: 'test-a', marker: null, down: false });
  const page = await browser.context.newPage();
  try {
    await page.goto(`${site}index.html`);
    await ready(page);
    await controlled(page);
    assert.deepEqual(await cacheNames(page), ['convscope-test-a']);

    Object.assign(deploy, { version: 'test-b', marker: 'deploy b' });
    assert.equal(await page.evaluate(updateAndActivate), 'activated');
    assert.deepEqual(await cacheNames(page), ['convscope-test-b'], 'the old cache is gone');
    assert.ok(await page.evaluate(async () => (await (await caches.open('convscope-test-b')).match('./index.html')).text()
      .then((t) => t.includes('deploy b'))), 'the new cache holds the new deploy\'s page');

    await browser.context.setOffline(true);
    deploy.down = true;
    await page.reload();
    await ready(page);
    assert.match(await page.content(), /<!-- deploy b -->/, 'offline, the page is the new deploy\'s');
  } finally {
    await browser.context.setOffline(false);
    deploy.down = false;
    await page.close();
  }
});
