// The jet lab (web/lab.html) in headless Chromium: it gets ready under its Content-Security-Policy
// with no console error, draws example and average jets, trains a CNN in its Web Worker to a ROC
// AUC ≥ 0.9 on the generated test jets (read from #run[data-auc], set from cs.rocAuc), stops a
// run when asked, shows a clicked jet's feature maps, and exports a .safetensors file that the
// drawing page's #model-file loads. One page serves the tests, in order (a run is ~30 s).
// Training time and AUC are printed as diagnostics, never asserted against a clock.
// Screenshots go to $CONVSCOPE_SCREENSHOTS or /tmp/convscope-screenshots.
// Run: node --experimental-wasm-relaxed-simd --test tests/e2e/lab.test.mjs   (needs web/engine/, /usr/bin/chromium, playwright-core)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import createConvScope from './node-engine.mjs';  // the build the pages pick
import { adaptInput } from '../../web/js/demo/input-adapter.js';
import { DATA } from '../../web/js/lab/settings.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCREENSHOTS = process.env.CONVSCOPE_SCREENSHOTS ?? path.join(tmpdir(), 'convscope-screenshots');
const SAMPLES = JSON.parse(readFileSync(path.join(ROOT, 'web/models/mnist-samples.json'), 'utf8'));
const samplePicture = (k) => Float32Array.from(Buffer.from(SAMPLES.samples[k].pixels, 'base64'), (b) => b / 255);
const TRAIN_TIMEOUT = 180_000;  // a generous ceiling for one run on a loaded machine (not a speed test)
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'";

let browser, page, problems;

before(async () => {
  browser = await launchBrowser('convscope-lab-');
  page = await browser.context.newPage();
  problems = watch(page);
  await page.goto(`${browser.baseUrl}lab.html`);
  await page.waitForSelector('body[data-ready]', { timeout: TIMEOUT });
});

after(() => browser?.close());

const run = () => page.$eval('#run', (r) => ({ ...r.dataset, text: r.textContent }));
const pickNet = async (net, from) => {
  await page.check(`input[name="net"][value="${net}"]`);
  await page.check(`input[name="from"][value="${from}"]`);
};

// Distinct colours drawn on a canvas (a blank or one-colour canvas has 1).
const colours = (selector) => page.$eval(selector, (c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const seen = new Set();
  for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  return seen.size;
});

test('the lab gets ready under its CSP with no console error and draws example and average jets', async () => {
  assert.equal(await page.getAttribute('body', 'data-ready'), 'true', await page.textContent('#error'));
  const html = readFileSync(path.join(ROOT, 'web/lab.html'), 'utf8');
  assert.equal(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content'), CSP);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/, 'no inline script');
  assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i, 'no style attribute or inline handler');

  for (const c of [0, 1]) {
    const jets = page.locator(`#examples-${c} button.jet canvas`);
    assert.equal(await jets.count(), DATA.examplesPerClass);
    assert.ok(await colours(`#examples-${c} button.jet:first-child canvas`) > 5, `class ${c}: example jet drawn`);
    assert.ok(await colours(`#average-${c}`) > 20, `class ${c}: average drawn`);
  }
  assert.match(await page.textContent('#jet-legend'), /10⁻⁴.*1/);
  // The shipped models are scored on the test jets once the page is up.
  await page.waitForSelector('#compare-body tr[data-key="shipped-dnn"]', { timeout: TIMEOUT });
  await page.waitForSelector('#compare-body tr[data-key="shipped-cnn"]', { timeout: TIMEOUT });
  const shipped = Number(await page.getAttribute('#compare-body tr[data-key="shipped-cnn"]', 'data-auc'));
  assert.ok(shipped > 0.9 && shipped < 1, `shipped CNN AUC ${shipped}`);
  assert.equal(await page.locator('#filters canvas').count(), 8, 'the shipped CNN\'s 8 first-layer filters');
  assert.equal(await page.locator('[role="alert"]').count(), 0);
  assert.deepEqual(problems, []);
});

test('Stop stops a run: the step count no longer moves, and the partial model is scored', async () => {
  await pickNet('cnn', 'random');
  await page.click('#train-button');
  await page.waitForFunction(() => Number(document.querySelector('#run').dataset.step) >= 20, null, { timeout: TIMEOUT });
  const clicked = Number((await run()).step);
  await page.click('#stop-button');
  await page.waitForSelector('#run[data-state="stopped"]', { timeout: TIMEOUT });
  const stopped = await run();
  // The worker reads "stop" between chunks of ~50 ms, i.e. a few batches, not at the epoch's end.
  assert.ok(Number(stopped.step) < clicked + 100, `stopped at step ${stopped.step}, Stop clicked at step ${clicked}`);
  const progress = await page.$eval('#train-progress', (p) => p.value);
  await page.waitForTimeout(1500);
  const later = await run();
  assert.equal(later.step, stopped.step, 'no step after the stop');
  assert.equal(await page.$eval('#train-progress', (p) => p.value), progress);
  assert.ok(Number(stopped.step) < Number(stopped.steps), `stopped at ${stopped.step} of ${stopped.steps}`);
  assert.match(await page.textContent('#compare-body tr[data-key="cnn"]'), /stopped at step/);
  assert.equal(await page.isEnabled('#train-button'), true, 'Train is enabled again');
  assert.deepEqual(problems, []);
});

test('a CNN trained in the browser reaches ROC AUC ≥ 0.9 on the test jets; the curves update', async (t) => {
  await pickNet('cnn', 'random');
  await page.click('#train-button');
  await page.waitForSelector('#loss-chart polyline.series-train', { timeout: TIMEOUT });  // the first redraw of the curves
  const points = () => page.$eval('#loss-chart polyline.series-train', (p) => p.getAttribute('points').split(' ').length);
  const early = await points();
  await page.waitForFunction(() => Number(document.querySelector('#run').dataset.step) > 200, null, { timeout: TRAIN_TIMEOUT });
  assert.ok(await points() > early, 'the loss curve grows while training');
  await page.waitForSelector('#run[data-state="done"]', { timeout: TRAIN_TIMEOUT });

  const r = await run();
  const auc = Number(r.auc);
  t.diagnostic(`in-browser CNN: ROC AUC ${auc.toFixed(4)}, ${r.steps} steps, ${(r.wallMs / 1000).toFixed(1)} s from the click ` +
    `(${(r.trainMs / 1000).toFixed(1)} s in training steps)`);
  assert.ok(auc >= 0.9, `AUC ${auc} on the test jets`);
  assert.equal(r.step, r.steps);
  assert.equal(await page.$eval('#train-progress', (p) => p.value), 1);
  const epochs = await page.locator('#loss-chart circle.series-test').count();
  assert.ok(epochs >= 1, 'a test-loss point per epoch');
  assert.equal(await page.locator('#accuracy-chart circle.series-test').count(), epochs);
  assert.ok(await page.locator('#roc-chart polyline.series-cnn').count() === 1, 'its ROC curve is drawn');
  assert.equal(await page.getAttribute('#view-summary', 'data-key'), 'cnn', 'the new model is the one shown');
  assert.equal(Number(await page.getAttribute('#compare-body tr[data-key="cnn"]', 'data-auc')), auc);
  assert.deepEqual(problems, []);
});

test('clicking a jet shows every layer\'s feature maps for it', async () => {
  await page.click('#examples-1 button.jet:nth-child(2)');
  const k = await page.getAttribute('#examples-1 button.jet:nth-child(2)', 'data-example');
  await page.waitForSelector(`#feature-maps[data-example="${k}"]`, { timeout: TIMEOUT });
  const names = await page.$$eval('#feature-maps [data-layer]', (els) => els.map((e) => e.dataset.layer));
  assert.deepEqual(names, ['input', 'conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'fc1', 'relu3', 'fc2', 'softmax']);
  assert.equal(await page.locator('#feature-maps [data-layer="conv1"] canvas').count(), 8);
  assert.equal(await page.locator('#feature-maps [data-layer="conv2"] canvas').count(), 16);
  assert.ok(await colours('#feature-maps [data-layer="conv1"] canvas') > 5, 'a conv1 map is drawn');
  assert.match(await page.textContent('#feature-maps [data-layer="softmax"]'), /P\(QCD\) = [01]\.\d{3}\s+P\(W\/Z\) = [01]\.\d{3}/);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'lab-trained.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('Download model: the file is the trained CNN, and the drawing page loads it with jet labels', async () => {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.click('#download-button')]);
  assert.match(download.suggestedFilename(), /\.safetensors$/);
  const bytes = readFileSync(await download.path());

  // The same engine in Node scores the file on the same test jets exactly as the page did.
  const cs = await createConvScope();
  const model = cs.loadModel(bytes);
  assert.deepEqual(model.labels, ['QCD', 'W/Z']);
  assert.match(model.metadata.trained_by, /browser/);
  assert.equal(Number(model.metadata.test_auc), Number(Number((await run()).auc).toFixed(4)));
  const jets = cs.generateJets(DATA.testCount, DATA.testSeed);
  const probs = model.predictBatch(jets.images, DATA.testCount);
  const scores = Float32Array.from({ length: DATA.testCount }, (_, i) => probs[2 * i + 1]);
  assert.equal(cs.rocAuc(scores, jets.labels), Number((await run()).auc));
  const architecture = model.architecture;
  const k = 3;
  const expected = model.forward(adaptInput(samplePicture(k), architecture.input)).output;
  model.delete();

  const drawing = await browser.context.newPage();
  const drawingProblems = watch(drawing);
  try {
    await drawing.goto(browser.baseUrl);
    await drawing.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
    await drawing.setInputFiles('#model-file', { name: download.suggestedFilename(), mimeType: 'application/octet-stream', buffer: bytes });
    await drawing.waitForSelector('#layer-panels > [data-layer="conv1"]:first-child', { timeout: TIMEOUT });
    const panels = await drawing.$$eval('#layer-panels > [data-layer]', (els) => els.map((e) => e.dataset.layer));
    assert.deepEqual(panels, architecture.layers.map((l) => l.name));
    await drawing.click(`.sample[data-sample="${k}"]`);
    const best = expected[1] > expected[0] ? 1 : 0;
    await drawing.waitForFunction((label) => document.querySelector('#prediction').dataset.label === label, ['QCD', 'W/Z'][best], { timeout: TIMEOUT });
    const p = await drawing.$eval('#prediction', (e) => ({ ...e.dataset }));
    assert.equal(p.digit, '', 'no digit for a jet model');
    assert.equal(Number(p.confidence), expected[best]);
    assert.deepEqual(await drawing.$$eval('#probabilities li', (li) => li.map((l) => l.dataset.label)), ['QCD', 'W/Z']);
    assert.equal(await drawing.locator('[role="alert"]').count(), 0);
    assert.deepEqual(drawingProblems, []);
  } finally {
    await drawing.close();
  }
  assert.deepEqual(problems, []);
});

test('an engine that cannot load leaves a visible alert and data-ready="error", not a blank page', async () => {
  const broken = await browser.context.newPage();
  try {
    await broken.route('**/engine/convscope*.mjs', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await broken.goto(`${browser.baseUrl}lab.html`);
    await broken.waitForSelector('body[data-ready="error"]', { timeout: TIMEOUT });
    const alert = broken.locator('[role="alert"]');
    assert.equal(await alert.count(), 1);
    assert.equal(await alert.isVisible(), true);
    assert.match(await alert.textContent(), /could not start/);
    assert.equal(await broken.isVisible('h1'), true);
  } finally {
    await broken.close();
  }
});

test('without WebAssembly SIMD the page hands its worker the scalar build', async () => {
  const scalar = await browser.context.newPage();
  const engines = [];
  const noted = (r) => /\/engine\/convscope[^/]*\.mjs$/.test(r.url()) && engines.push(r.url().split('/').pop());
  browser.context.on('request', noted);
  try {
    await scalar.addInitScript(() => { WebAssembly.validate = () => false; });
    const scalarProblems = watch(scalar);
    await scalar.goto(`${browser.baseUrl}lab.html`);
    await scalar.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
    assert.match(await scalar.textContent('#engine-info'), /scalar/);
    assert.deepEqual(engines, ['convscope-scalar.mjs']);
    assert.deepEqual(scalarProblems, []);
  } finally {
    browser.context.off('request', noted);
    await scalar.close();
  }
});
