// The Content-Security-Policy of the three pages, in headless Chromium: each carries exactly the
// policy below, and while it loads, draws, predicts, shares, saves a PNG and trains, nothing
// breaks it (a securitypolicyviolation listener installed before any page script records every
// violation) and no request leaves the page's origin. A deliberate inline script shows that the
// listener does see violations, so these tests can fail.
// Run: node --test tests/e2e/csp.test.mjs   (needs web/engine/, /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import { drawMouse, prediction, ready, SEVEN } from './page-helpers.mjs';

const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; " +
  "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'";

let browser;
before(async () => {
  browser = await launchBrowser('convscope-csp-');
});
after(() => browser?.close());

// A page that records CSP violations (window.cspViolations) and every request's URL.
async function open(path) {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const problems = watch(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(browser.baseUrl + path);
  await ready(page);
  return { page, problems, requests };
}

const violations = (page) => page.evaluate(() => window.cspViolations);
function assertSameOrigin(requests) {
  const origin = new URL(browser.baseUrl).origin;
  const away = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
  assert.deepEqual(away, [], 'no request leaves the origin');
}

test('drawing page: the policy, and no violation while it loads, draws, predicts, switches model, shares and saves', async () => {
  const { page, problems, requests } = await open('index.html');
  try {
    assert.equal(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content'), POLICY);
    await drawMouse(page, SEVEN);
    assert.match((await prediction(page)).digit, /^[0-9]$/);
    await page.check('#model-dnn');
    await page.click('#samples button[data-sample="0"]');
    await page.click('#share-button');
    await page.waitForSelector('#share:not([hidden])');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.click('[data-layer="fc1"] .save-png')]);
    assert.match(download.suggestedFilename(), /\.png$/);
    await page.locator('[data-layer="fc1"] canvas').first().click();  // explain a cell: marks are positioned by style
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(problems, []);
    assertSameOrigin(requests);

    // The listener works: an inline script is refused and recorded.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.inlineRan = true';
      document.body.append(s);
    });
    assert.equal(await page.evaluate(() => window.inlineRan), undefined, 'inline script blocked');
    await page.waitForFunction(() => window.cspViolations.length > 0, null, { timeout: TIMEOUT });
    assert.match((await violations(page))[0], /^script-src/);
  } finally {
    await page.close();
  }
});

test('lesson page: the policy, and no violation while it loads, edits and trains in its worker', async () => {
  const { page, problems, requests } = await open('lesson.html');
  try {
    assert.equal(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content'), POLICY);
    await page.click('#use-x');
    await page.click('#learn-train');
    await page.waitForSelector('#learn-progress[data-state="done"]', { timeout: TIMEOUT });
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(problems, []);
    assertSameOrigin(requests);
  } finally {
    await page.close();
  }
});

test('jet lab: the policy, and no violation while it loads, trains in its worker and shows a jet', async () => {
  const { page, problems, requests } = await open('lab.html');
  try {
    assert.equal(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content'), POLICY);
    await page.check('input[name="net"][value="dnn"]');
    await page.check('input[name="from"][value="shipped"]');  // one short epoch from the shipped DNN
    await page.click('#train-button');
    await page.waitForSelector('#run[data-state="done"]', { timeout: 4 * TIMEOUT });
    await page.click('#examples-1 button.jet:nth-child(2)');
    await page.waitForSelector('#feature-maps [data-layer="fc1"]', { timeout: TIMEOUT });
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(problems, []);
    assertSameOrigin(requests);
  } finally {
    await page.close();
  }
});
