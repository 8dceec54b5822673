// Failures that must never leave a blank or frozen page, in headless Chromium: an engine .wasm or a
// shipped model that does not download gives data-ready="error" and one visible role="alert"
// message saying what failed and what to do; a training worker that cannot start is an error of
// its section only; a panel whose drawing throws shows that in the panel while the other panels
// and the prediction keep working, and recovers with the next good drawing.
// Run: node --test tests/e2e/errors.test.mjs   (needs web/engine/, /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import { drawMouse, ONE, prediction, ready, SEVEN } from './page-helpers.mjs';

let browser;
before(async () => {
  browser = await launchBrowser('convscope-errors-');
});
after(() => browser?.close());

const notFound = (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' });

async function failedLoad(path, pattern) {
  const page = await browser.context.newPage();
  await page.route(pattern, notFound);
  await page.goto(browser.baseUrl + path);
  await page.waitForSelector('body[data-ready="error"]', { timeout: TIMEOUT });
  const alert = page.locator('[role="alert"]');  // strict: exactly one
  assert.ok(await alert.isVisible(), `${path}: the message is visible`);
  return { page, text: await alert.textContent() };
}

const BUILDS = { relaxed: 'convscope-relaxed.wasm', simd: 'convscope.wasm', scalar: 'convscope-scalar.wasm' };
for (const path of ['index.html', 'lesson.html']) {
  for (const [engine, build] of Object.entries(BUILDS)) {
    test(`${path}: the engine's ${build} missing → an error naming the engine, and what to do`, async () => {
      const { page, text } = await failedLoad(`${path}?engine=${engine}`, `**/engine/${build}`);
      try {
        assert.match(text, /engine/i);
        assert.match(text, new RegExp(build.replace('.', '\\.')), 'names the file');
        assert.match(text, /Reload the page/);
      } finally {
        await page.close();
      }
    });
  }
}

test('index.html: a relaxed-SIMD build that does not load, picked by feature detection, gives way to the SIMD build', async () => {
  const page = await browser.context.newPage();
  try {
    await page.route('**/engine/convscope-relaxed.*', notFound);
    const problems = watch(page);
    await page.goto(`${browser.baseUrl}index.html`);
    await ready(page);
    assert.equal(await page.textContent('#engine-kind'), 'WebAssembly SIMD');
    await drawMouse(page, SEVEN);
    assert.match((await prediction(page)).digit, /^[0-9]$/);
    assert.equal(await page.locator('[role="alert"]').count(), 0, 'no error shown');
    // nothing went wrong but the refused build's requests
    assert.deepEqual(problems.filter((p) => !/convscope-relaxed\.|Failed to load resource/.test(p)), []);
  } finally {
    await page.close();
  }
});

test('index.html: the shipped model missing → an error naming the file, and what to do', async () => {
  const { page, text } = await failedLoad('index.html', '**/models/mnist-cnn.safetensors');
  try {
    assert.match(text, /mnist-cnn\.safetensors: HTTP 404/);
    assert.match(text, /Reload the page/);
    assert.equal(await page.locator('#loading').isVisible(), false, 'no endless "Loading…"');
  } finally {
    await page.close();
  }
});

test('lesson.html: a training worker that cannot start is an error of section 8; the rest works', async () => {
  const page = await browser.context.newPage();
  await page.route('**/js/lesson/train-worker.js', notFound);
  try {
    await page.goto(`${browser.baseUrl}lesson.html`);
    await ready(page);
    const alert = page.locator('#learn-error[role="alert"]');
    await alert.waitFor({ timeout: TIMEOUT });
    assert.match(await alert.textContent(), /training worker/i);
    await page.click('#use-x');  // section 2 still computes
    assert.equal((await page.locator('table[data-grid="input"] td').first().textContent()).trim(), '1');
    assert.ok(await alert.isVisible(), 'and section 8 still says what failed');
  } finally {
    await page.close();
  }
});

test('a panel whose drawing throws says so in the panel; the others and the prediction keep working', async () => {
  const page = await browser.context.newPage();
  const problems = watch(page);
  try {
    await page.goto(`${browser.baseUrl}index.html`);
    await ready(page);
    // conv2's canvases refuse to be drawn: its heat maps throw inside the page's own renderer.
    await page.evaluate(() => {
      const put = CanvasRenderingContext2D.prototype.putImageData;
      CanvasRenderingContext2D.prototype.putImageData = function (...args) {
        if (window.breakConv2 && this.canvas.closest('[data-layer="conv2"]')) throw new Error('test: conv2 cannot draw');
        return put.apply(this, args);
      };
      window.breakConv2 = true;
    });
    const pool2 = () => page.$eval('[data-layer="pool2"] canvas', (c) => c.toDataURL());
    const pool2Before = await pool2();
    await drawMouse(page, SEVEN);
    const error = page.locator('[data-layer="conv2"] .panel-error');
    assert.ok(await error.isVisible(), 'the error is shown in conv2\'s panel');
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.match(await error.textContent(), /could not be drawn: test: conv2 cannot draw/);
    assert.match((await prediction(page)).digit, /^[0-9]$/, 'the prediction still works');
    assert.notEqual(await pool2(), pool2Before, 'the next panel was still drawn');
    assert.equal(await page.getAttribute('body', 'data-ready'), 'true');
    assert.equal(await page.locator('[role="alert"]').count(), 1, 'one message, in that panel');

    await page.evaluate(() => { window.breakConv2 = false; });
    await page.click('#clear-button');
    await drawMouse(page, ONE);
    assert.equal(await error.isVisible(), false, 'the panel recovers with the next good drawing');
    assert.equal(await page.locator('[role="alert"]').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
