// Switching models on the drawing page frees the old one: 25 models of your own, each ≈ 1 MB of
// weights, loaded one after another through #model-file, leave the engine's wasm memory
// (cs.memoryBytes(), shown in the footer's #engine-memory[data-bytes]) exactly where it was after
// the first few. Were a replaced model kept, 25 MB would have to grow the memory.
// (tests/js/model.test.mjs shows memoryBytes() does see a model that is not deleted.)
// Run: node --test tests/e2e/memory.test.mjs   (needs web/engine/, /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import { drawMouse, prediction, ready, SEVEN } from './page-helpers.mjs';
import { encodeSafetensors } from '../../web/js/safetensors.js';

let browser;
before(async () => {
  browser = await launchBrowser('convscope-memory-');
});
after(() => browser?.close());

// 784 → 320 → 10: 254,410 parameters, ≈ 1 MB; weights differ per seed so each file is new.
function bigModel(seed) {
  const architecture = {
    input: { channels: 1, height: 28, width: 28 },
    layers: [
      { name: 'flatten', type: 'flatten' },
      { name: 'fc1', type: 'dense', out_features: 320 }, { name: 'relu', type: 'relu' },
      { name: 'fc2', type: 'dense', out_features: 10 }, { name: 'softmax', type: 'softmax' },
    ],
  };
  const fill = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7919 + i) * 0.05);
  const tensors = [
    { name: 'fc1.weight', shape: [320, 784], data: fill(320 * 784) }, { name: 'fc1.bias', shape: [320], data: fill(320) },
    { name: 'fc2.weight', shape: [10, 320], data: fill(3200) }, { name: 'fc2.bias', shape: [10], data: fill(10) },
  ];
  return Buffer.from(encodeSafetensors(tensors, { format: 'convscope/1', architecture: JSON.stringify(architecture) }));
}

const memory = (page) => page.getAttribute('#engine-memory', 'data-bytes').then(Number);

test('25 models of your own loaded in turn leave the wasm memory unchanged', async (t) => {
  const page = await browser.context.newPage();
  const problems = watch(page);
  try {
    await page.goto(browser.baseUrl + 'index.html');
    await ready(page);
    const load = async (k) => {
      const name = `own-${k}.safetensors`;
      await page.setInputFiles('#model-file', { name, mimeType: 'application/octet-stream', buffer: bigModel(k) });
      await page.waitForFunction((n) => document.querySelector('#model-status').textContent === `Loaded ${n}.`, name, { timeout: TIMEOUT });
    };
    const atStart = await memory(page);
    for (let k = 0; k < 3; k++) await load(k);  // warm-up: the allocator has its pools
    await drawMouse(page, SEVEN);
    const warm = await memory(page);
    t.diagnostic(`wasm memory: ${atStart} bytes at start, ${warm} after 3 own models`);
    for (let k = 3; k < 25; k++) {
      await load(k);
      if (k % 5 === 0) await drawMouse(page, SEVEN);  // and it predicts with each
    }
    assert.match((await prediction(page)).label, /^[0-9]$/);
    const end = await memory(page);
    t.diagnostic(`after 25 own models: ${end} bytes`);
    assert.ok(warm > 0);
    assert.equal(end, warm, 'a replaced model is freed');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
