// Engine builds in headless Chromium: ?engine=scalar loads web/engine/convscope-scalar.{mjs,wasm},
// ?engine=simd the SIMD build, ?engine=relaxed the relaxed-SIMD build, no parameter lets feature
// detection pick (relaxed SIMD in Chromium); every page names the build running in #engine-kind,
// and all builds read the same drawing alike.
// Run: node --test tests/e2e/engine-choice.test.mjs   (needs web/engine/, /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import { drawMouse, prediction, ready, SEVEN } from './page-helpers.mjs';

const KINDS = { relaxed: 'WebAssembly relaxed SIMD', simd: 'WebAssembly SIMD', scalar: 'WebAssembly (scalar)' };
const WASM = { relaxed: 'convscope-relaxed.wasm', simd: 'convscope.wasm', scalar: 'convscope-scalar.wasm' };
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

test('drawing page: every build loads, names itself and predicts the same digit on the same drawing', async () => {
  const seen = {};
  for (const [query, build] of [['?engine=scalar', 'scalar'], ['?engine=simd', 'simd'], ['?engine=relaxed', 'relaxed'], ['', 'relaxed']]) {
    const { page, problems, wasm } = await open(`index.html${query}`);
    try {
      assert.equal(await page.textContent('#engine-kind'), KINDS[build], query);
      assert.ok(await page.locator('#engine-kind').isVisible());
      // the build the boot script started before the modules ran is the one the page runs
      assert.equal(await page.evaluate(() => globalThis.convscopeBoot.build), build, query);
      // the page's engine, and the engine of any worker the page starts: the right build, and only it
      assert.ok(wasm.length >= 1 && wasm.every((f) => f === WASM[build]), `${query}: ${wasm.join(', ')}`);
      await drawMouse(page, SEVEN);
      seen[query] = await prediction(page);
      assert.match(seen[query].digit, /^[0-9]$/);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  }
  const [scalar, simd, relaxed, auto] = [seen['?engine=scalar'], seen['?engine=simd'], seen['?engine=relaxed'], seen['']];
  for (const other of [simd, relaxed]) {
    assert.equal(scalar.digit, other.digit, 'same digit from every build');
    assert.ok(Math.abs(scalar.confidence - other.confidence) < 1e-5, `confidence ${scalar.confidence} vs ${other.confidence}`);
  }
  assert.deepEqual(auto, relaxed, 'feature detection picks relaxed SIMD here (Chromium has it)');
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
