// The pages' preload lines at work in Chromium: on a cold load every module, the engine's glue
// and wasm and the models are requested exactly once by the page (a preload that the page's own request
// does not match — wrong `as`, a missing crossorigin — makes Chromium download the file twice
// and warn), and the browser warns of no preload left unused. Not timed: speed lives in
// `npm run bench`. That the lists match the module graph: tests/js/preload.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';

let browser;
before(async () => {
  browser = await launchBrowser('convscope-preload-');
});
after(() => browser?.close());

for (const name of ['index.html', 'lesson.html', 'lab.html']) {
  test(`${name}: each file requested once on a cold load, no preload unused or mismatched`, async () => {
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const problems = watch(page);
    const warnings = [];
    page.on('console', (m) => m.type() === 'warning' && /preload/i.test(m.text()) && warnings.push(m.text()));
    // the page's own requests (the page's CDP session does not see its workers', which load
    // their own copies of what they import)
    const requested = new Map();
    cdp.on('Network.requestWillBeSent', ({ request }) => {
      const u = new URL(request.url);
      if (u.origin === new URL(browser.baseUrl).origin) requested.set(u.pathname, (requested.get(u.pathname) ?? 0) + 1);
    });
    try {
      await page.goto(browser.baseUrl + name);
      await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
      await page.waitForTimeout(3500);  // Chromium warns of an unused preload ~3 s after load
      const twice = [...requested].filter(([, n]) => n > 1).map(([p, n]) => `${p} ×${n}`);
      assert.deepEqual(twice, [], 'files downloaded more than once');
      assert.ok([...requested.keys()].some((p) => p.endsWith('.js')), 'the page loaded its modules');
      assert.deepEqual(warnings, []);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });
}

// A worker of a page that runs the engine itself is handed the page's compiled module
// (worker-rpc.js, option engine): page and worker together download the engine's wasm once.
test('lesson.html: its training worker gets the page\'s compiled engine (the wasm downloaded once, page and worker together)', async () => {
  const page = await browser.context.newPage();
  const problems = watch(page);
  const wasm = [];  // the browser context sees its workers' requests too
  const onRequest = (r) => r.url().endsWith('.wasm') && wasm.push(new URL(r.url()).pathname);
  browser.context.on('request', onRequest);
  try {
    await page.goto(browser.baseUrl + 'lesson.html');
    await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
    // section 8's random start is drawn: the worker has its engine
    await page.waitForSelector('#learn-progress[data-state="ready"]', { timeout: TIMEOUT });
    await page.click('#learn-step');  // one training step in the worker, on the handed engine
    await page.waitForSelector('#learn-progress[data-step="1"]', { timeout: TIMEOUT });
    assert.equal(wasm.length, 1, `wasm requests: ${wasm.join(', ')}`);
    assert.deepEqual(problems, []);
  } finally {
    browser.context.off('request', onRequest);
    await page.close();
  }
});
