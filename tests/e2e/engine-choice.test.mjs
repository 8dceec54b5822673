// Engine builds in headless Chromium: ?engine=scalar loads web/engine/convscope-scalar.{mjs,wasm},
// ?engine=simd the SIMD build, no parameter lets feature detection pick (SIMD in Chromium); every
// page names the build running in #engine-kind, and both builds read the same drawing alike.
// Run: node --test tests/e2e/engine-choice.test.mjs   (needs web/engine/, /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import { drawMouse, prediction, ready, SEVEN } from './page-helpers.mjs';

const KINDS = { simd: 'WebAssembly SIMD', scalar: 'WebAssembly (scalar)' };
let browser;

before(async () => {
  browser = await launchBrowser('convscope-engines-');
});
after(() => browser?.close());

// Opens path, → {page, problems, wasm: the engine .wasm files it fetched (file names)}.
async function open(path) {
  const page = await browser.context.newPage();
  const problems = watch(page);
  const wasm = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(r.url().split('/').pop()));
  await page.goto(browser.baseUrl + path);
  await ready(page);
  return { page, problems, wasm };
}

test('drawing page: both builds load, name themselves and predict the same digit on the same drawing', async () => {
  const seen = {};
  for (const [query, build] of [['?engine=scalar', 'scalar'], ['?engine=simd', 'simd'], ['', 'simd']]) {
    const { page, problems, wasm } = await open(`index.html${query}`);
    try {
      assert.equal(await page.textContent('#engine-kind'), KINDS[build], query);
      assert.ok(await page.locator('#engine-kind').isVisible());
      assert.deepEqual(wasm, [build === 'simd' ? 'convscope.wasm' : 'convscope-scalar.wasm'], `${query}: the right build, and only it`);
      await drawMouse(page, SEVEN);
      seen[query] = await prediction(page);
      assert.match(seen[query].digit, /^[0-9]$/);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  }
  const [scalar, simd, auto] = [seen['?engine=scalar'], seen['?engine=simd'], seen['']];
  assert.equal(scalar.digit, simd.digit, 'same digit from both builds');
  assert.ok(Math.abs(scalar.confidence - simd.confidence) < 1e-5, `confidence ${scalar.confidence} vs ${simd.confidence}`);
  assert.deepEqual(auto, simd, 'feature detection picks SIMD here');
});

test('lesson page: ?engine=scalar runs the scalar build, for the lesson and its training', async () => {
  const { page, problems, wasm } = await open('lesson.html?engine=scalar');
  try {
    assert.equal(await page.textContent('#engine-kind'), KINDS.scalar);
    assert.match(await page.textContent('#status'), /\(WebAssembly \(scalar\)\)/);
    assert.ok(wasm.length >= 1 && wasm.every((f) => f === 'convscope-scalar.wasm'), wasm.join(', '));
    await page.click('#learn-step');
    await page.waitForSelector('#learn-progress[data-step="1"]', { timeout: TIMEOUT });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
