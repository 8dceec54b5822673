// The jet lab's first screen comes from the first DATA.firstTestCount test jets; the rest of the
// test set and the training jets are generated after it (web/js/lab/train-worker.js). Here, in
// headless Chromium: Train clicked the moment body[data-ready] is set (in the same task, before the
// rest of the jets exist) waits for them and is scored on the whole test set; the shipped models
// too, bit for bit as the same engine scores them in Node on generateJets(testCount, testSeed);
// the averages' captions count the jets they average, first the first part's, then the whole
// set's; the first screen does not move when the rest of the data arrives (1280×800, 390×844).
// Run: node --experimental-wasm-relaxed-simd --test tests/e2e/lab-early.test.mjs   (needs web/engine/, /usr/bin/chromium, playwright-core)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import createConvScope from './node-engine.mjs';  // the build the pages pick
import { DATA } from '../../web/js/lab/settings.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TRAIN_TIMEOUT = 180_000;  // a generous ceiling for one run on a loaded machine (not a speed test)

let browser, page, problems, cs, testSet;

// In the page: where the jets section, the averages and the first example of each class are
// (page coordinates).
function firstScreenLayout() {
  return Object.fromEntries(['#jets', '#average-0', '#average-1', '#examples-0 .jet', '#examples-1 .jet'].map((selector) => {
    const r = document.querySelector(selector).getBoundingClientRect();
    return [selector, [r.x + window.scrollX, r.y + window.scrollY, r.width, r.height]];
  }));
}

// In the page before its scripts: when body gets data-ready, note whether any shipped model was
// already scored and where the jets section is, pick the DNN fine-tuned from the shipped file (the
// shortest run) and click Train, all in that one task.
function trainAtReady() {
  new MutationObserver((_, observer) => {
    if (!document.body?.dataset.ready) return;
    observer.disconnect();
    window.__atReady = {
      state: document.body.dataset.ready,
      shippedRows: document.querySelectorAll('#compare-body tr[data-key^="shipped"]').length,
      layout: firstScreenLayout(),
      averagesCaption: [...document.querySelectorAll('.average figcaption')].map((f) => f.textContent),
    };
    document.querySelector('input[name="net"][value="dnn"]').checked = true;
    document.querySelector('input[name="from"][value="shipped"]').checked = true;
    document.querySelector('#train-button').click();
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
}

before(async () => {
  cs = await createConvScope();
  testSet = cs.generateJets(DATA.testCount, DATA.testSeed);
  browser = await launchBrowser('convscope-lab-early-');
  page = await browser.context.newPage();
  problems = watch(page);
  await page.addInitScript(`${firstScreenLayout}; (${trainAtReady})();`);
  await page.goto(`${browser.baseUrl}lab.html`);
  await page.waitForSelector('body[data-ready]', { timeout: TIMEOUT });
});

after(() => browser?.close());

// ROC AUC of a model file (bytes) on the whole test set, in Node.
function aucInNode(bytes) {
  const model = cs.loadModel(bytes);
  try {
    const probs = model.predictBatch(testSet.images, DATA.testCount);
    const scores = Float32Array.from({ length: DATA.testCount }, (_, i) => probs[2 * i + 1]);
    return cs.rocAuc(scores, testSet.labels);
  } finally {
    model.delete();
  }
}

test('the first screen is ready before any model is scored; its averages say how many jets they average', async () => {
  const atReady = await page.evaluate(() => window.__atReady);
  assert.equal(atReady.state, 'true', await page.textContent('#error'));
  assert.equal(atReady.shippedRows, 0, 'the shipped models are scored after the first screen');
  const first = cs.generateJetRange(DATA.testCount, DATA.testSeed, 0, DATA.firstTestCount);
  const count = (c) => first.labels.filter((l) => l === c).length.toLocaleString('en-US');
  assert.deepEqual(atReady.averagesCaption.map((t) => t.replace(/\s+/g, ' ').trim()),
    [`average of ${count(1)} W/Z test jets`, `average of ${count(0)} QCD test jets`]);
});

test('the averages are drawn again over the whole test set', async () => {
  const count = (c) => testSet.labels.filter((l) => l === c).length.toLocaleString('en-US');
  const expected = [`average of ${count(1)} W/Z test jets`, `average of ${count(0)} QCD test jets`];
  await page.waitForFunction((want) => [...document.querySelectorAll('.average figcaption')]
    .every((f, i) => f.textContent.replace(/\s+/g, ' ').trim() === want[i]), expected, { timeout: TIMEOUT });
});

test('the shipped models are scored on the whole test set, as the engine scores them in Node', async () => {
  for (const net of ['cnn', 'dnn']) {
    const row = `#compare-body tr[data-key="shipped-${net}"]`;
    await page.waitForSelector(row, { timeout: TIMEOUT });
    const expected = aucInNode(readFileSync(path.join(ROOT, `web/models/jet-${net}.safetensors`)));
    assert.equal(Number(await page.getAttribute(row, 'data-auc')), expected, `shipped ${net}`);
  }
});

test('Train clicked at ready waits for the jets and is scored on the whole test set', async () => {
  await page.waitForSelector('#run[data-state="done"]', { timeout: TRAIN_TIMEOUT });
  const run = await page.$eval('#run', (r) => ({ ...r.dataset }));
  assert.equal(run.net, 'dnn');
  assert.equal(run.step, run.steps);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.click('#download-button')]);
  const bytes = readFileSync(await download.path());
  const model = cs.loadModel(bytes);
  const { test_set: testSetName, training_set: trainingSetName } = model.metadata;
  model.delete();
  assert.equal(testSetName, `generateJets(${DATA.testCount}, seed ${DATA.testSeed})`);
  assert.equal(trainingSetName, `generateJets(${DATA.trainCount}, seed ${DATA.trainSeed})`);
  assert.equal(Number(run.auc), aucInNode(bytes), 'the page\'s AUC is the whole test set\'s');
  assert.equal(await page.locator('[role="alert"]').count(), 0);
  assert.deepEqual(problems, []);
});

test('the first screen has not moved since it was drawn (1280×800 here, 390×844 below)', async () => {
  const atReady = await page.evaluate(() => window.__atReady);
  assert.deepEqual(await page.evaluate(firstScreenLayout), atReady.layout);
});

test('at 390×844 too, the first screen does not move when the averages are drawn again', async () => {
  const phone = await browser.context.newPage();
  try {
    await phone.setViewportSize({ width: 390, height: 844 });
    const phoneProblems = watch(phone);
    await phone.addInitScript(`${firstScreenLayout};
      new MutationObserver((_, observer) => {
        if (!document.body?.dataset.ready) return;
        observer.disconnect();
        window.__layout = firstScreenLayout();
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });`);
    await phone.goto(`${browser.baseUrl}lab.html`);
    const signal = testSet.labels.filter((l) => l === 1).length.toLocaleString('en-US');  // the W/Z average's count, over all
    await phone.waitForFunction((n) => document.querySelector('.average figcaption').textContent.includes(` ${n} `), signal, { timeout: TIMEOUT });
    assert.deepEqual(await phone.evaluate(firstScreenLayout), await phone.evaluate(() => window.__layout));
    assert.deepEqual(phoneProblems, []);
  } finally {
    await phone.close();
  }
});
