// "Why this digit?" on the drawing page (web/index.html #why) in headless Chromium with the real
// engine: the saliency of a drawn 1 sits on its stroke, the occlusion map of a shipped sample digit
// falls where its ink is, the first-layer "looks for" pictures correlate with their filters, and
// "make it a 3" turns a drawn 7 into a 3 for the CNN without any pixel moving more than ε. The maps
// are read back from the page's canvases (colours → values through the page's own colour tables);
// the filters come from the model file, read here. Also: the panels' state in the link, Save PNG,
// axe-core on the section, and the phone layout. No timings are asserted; they are printed.
// Run: node --test tests/e2e/explain.test.mjs   (needs web/engine/, /usr/bin/chromium, playwright-core)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import { ONE, SEVEN, drawMouse, prediction, ready } from './page-helpers.mjs';
import { lookupTable } from '../../web/js/colors.js';
import { correlation } from '../fixtures/stats.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = process.env.CONVSCOPE_SCREENSHOTS ?? path.join(tmpdir(), 'convscope-screenshots');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SAMPLES = JSON.parse(readFileSync(path.join(ROOT, 'web/models/mnist-samples.json'), 'utf8'));

// conv1.weight of the shipped CNN, read from its file: {data, shape}.
function conv1Weights() {
  const bytes = readFileSync(path.join(ROOT, 'web/models/mnist-cnn.safetensors'));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const t = header['conv1.weight'];
  const [b, e] = t.data_offsets;
  return { shape: t.shape, data: Float32Array.from({ length: (e - b) / 4 }, (_, i) => view.getFloat32(8 + n + b + 4 * i, true)) };
}

// A canvas's pixels as values on a colour scale of web/js/colors.js: each colour → the nearest of
// the scale's 256 table entries → its position t (−1..1 for diverging, 0..1 otherwise).
async function canvasValues(page, selector, scale) {
  const { width, height, data } = await page.$eval(selector, (c) => ({
    width: c.width, height: c.height, data: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data),
  }));
  const lut = lookupTable(scale);
  const values = new Float32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    let best = 0, bestD = Infinity;
    for (let k = 0; k < 256; k++) {
      const d = (lut[3 * k] - data[4 * i]) ** 2 + (lut[3 * k + 1] - data[4 * i + 1]) ** 2 + (lut[3 * k + 2] - data[4 * i + 2]) ** 2;
      if (d < bestD) [best, bestD] = [k, d];
    }
    values[i] = scale === 'diverging' ? best / 127.5 - 1 : best / 255;
  }
  return { width, height, values };
}

let browser, page, seen;
const timings = {};

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser('convscope-explain-');
  page = await browser.context.newPage();
  seen = watch(page);
  await page.goto(`${browser.baseUrl}index.html`);
  await ready(page);
});

after(async () => {
  console.log(`explanation times in this Chromium (ms): ${JSON.stringify(timings)}`);
  await browser?.close();
});

async function clear() {
  await page.locator('#clear-button').click();
}

test('the saliency of a drawn 1 is concentrated on its stroke', async () => {
  await clear();
  await drawMouse(page, ONE);
  assert.equal((await prediction(page)).digit, '1');
  await page.locator('#saliency').scrollIntoViewIfNeeded();
  await page.waitForSelector('#saliency[data-target="1"]', { timeout: TIMEOUT });
  timings.saliency = await page.$eval('#saliency', (p) => ({ total: Number(p.dataset.ms), gradient: Number(p.dataset.gradientMs), occlusion: Number(p.dataset.occlusionMs) }));
  const ink = await canvasValues(page, '#input-canvas', 'grey');
  const map = await canvasValues(page, '#saliency-gradient', 'diverging');
  assert.equal(map.width, ink.width);
  // the ink's bounding box, dilated by 2 pixels
  let [y0, x0, y1, x1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < ink.height; y++) {
    for (let x = 0; x < ink.width; x++) {
      if (ink.values[y * ink.width + x] > 0.1) [y0, x0, y1, x1] = [Math.min(y0, y), Math.min(x0, x), Math.max(y1, y), Math.max(x1, x)];
    }
  }
  [y0, x0, y1, x1] = [y0 - 2, x0 - 2, y1 + 2, x1 + 2];
  let inside = 0, all = 0;
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const m = Math.abs(map.values[y * map.width + x]);
      all += m;
      if (y >= y0 && y <= y1 && x >= x0 && x <= x1) inside += m;
    }
  }
  assert.ok(all > 0, 'the map is not blank');
  assert.ok(inside / all > 0.5, `share of the map's mass inside the dilated ink box: ${inside / all}`);
  assert.match(await page.textContent('#saliency-note'), /“1”/);
  await page.locator('#saliency').screenshot({ path: path.join(SHOTS, 'explain-saliency-one.png') });
});

// The maps laid back over the pad: drawn small in the pad's top-left corner, the digit is moved and
// enlarged by the preprocessing, so only the engine's placement brings the colours back onto it.
test('the saliency maps laid back over the drawing sit on the pen strokes', async () => {
  await clear();
  await page.$eval('#saliency', (p) => delete p.dataset.target);
  await drawMouse(page, SEVEN.map(([x, y]) => [0.05 + 0.4 * x, 0.05 + 0.4 * y]));
  await page.locator('#saliency').scrollIntoViewIfNeeded();
  await page.waitForSelector('#saliency[data-target]', { timeout: TIMEOUT });
  assert.equal(await page.$eval('#saliency-drawn', (d) => d.hidden), false, 'the maps on the drawing are shown');
  const read = (selector) => page.$eval(selector, (c) => ({
    width: c.width, height: c.height, data: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data),
  }));
  const pad = await read('#draw-canvas');
  // the pen strokes' bounding box on the pad, dilated by 12 pad pixels (two input pixels at this size)
  let [y0, x0, y1, x1] = [Infinity, Infinity, -1, -1];
  for (let i = 0; i < pad.width * pad.height; i++) {
    const x = i % pad.width, y = Math.floor(i / pad.width);
    if (pad.data[4 * i + 3] > 25) [y0, x0, y1, x1] = [Math.min(y0, y), Math.min(x0, x), Math.max(y1, y), Math.max(x1, x)];
  }
  assert.ok(x1 < pad.width / 2 && y1 < pad.height / 2, `the drawing is in the top-left quarter: x ${x0}..${x1}, y ${y0}..${y1}`);
  for (const id of ['#saliency-gradient-drawn', '#saliency-occlusion-drawn']) {
    const over = await read(id);
    assert.deepEqual([over.width, over.height], [pad.width, pad.height], `${id} has the pad's size`);
  }
  // gradient × input is zero off the input's ink: its colour (any tint away from grey) must sit on the strokes
  const over = await read('#saliency-gradient-drawn');
  let inside = 0, all = 0;
  let [ty0, tx0, ty1, tx1] = [Infinity, Infinity, -1, -1];
  for (let i = 0; i < over.width * over.height; i++) {
    const [r, g, b] = over.data.slice(4 * i, 4 * i + 3);
    const tint = Math.max(r, g, b) - Math.min(r, g, b);
    if (tint < 8) continue;
    const x = i % over.width, y = Math.floor(i / over.width);
    all += tint;
    if (x >= x0 - 12 && x <= x1 + 12 && y >= y0 - 12 && y <= y1 + 12) inside += tint;
    [ty0, tx0, ty1, tx1] = [Math.min(ty0, y), Math.min(tx0, x), Math.max(ty1, y), Math.max(tx1, x)];
  }
  assert.ok(all > 0, 'the map on the drawing is not blank');
  assert.ok(inside / all > 0.95, `share of the colour inside the strokes' dilated box: ${inside / all}`);
  assert.ok(tx1 - tx0 > 0.6 * (x1 - x0) && ty1 - ty0 > 0.6 * (y1 - y0),
    `the colour spans the strokes: x ${tx0}..${tx1} for ink ${x0}..${x1}, y ${ty0}..${ty1} for ink ${y0}..${y1}`);
  await page.locator('#saliency').screenshot({ path: path.join(SHOTS, 'explain-saliency-on-drawing.png') });
});

test('the occlusion map of a shipped sample digit lowers its true class where the ink is', async () => {
  await clear();
  const k = SAMPLES.samples.findIndex((s) => s.label === 4);
  await page.locator(`#samples button[data-sample="${k}"]`).click();
  assert.equal((await prediction(page)).digit, '4');
  await page.locator('#saliency').scrollIntoViewIfNeeded();
  await page.selectOption('#saliency-class', '4');
  await page.waitForSelector('#saliency[data-target="4"]', { timeout: TIMEOUT });
  assert.equal(await page.$eval('#saliency-drawn', (d) => d.hidden), true, 'a sample digit has no drawing to lay the maps over');
  const ink = await canvasValues(page, '#input-canvas', 'grey');
  const fall = await canvasValues(page, '#saliency-occlusion', 'diverging');
  let onInk = 0, nInk = 0, off = 0, nOff = 0;
  for (let i = 0; i < ink.values.length; i++) {
    if (ink.values[i] > 0.3) [onInk, nInk] = [onInk + fall.values[i], nInk + 1];
    else if (ink.values[i] < 0.05) [off, nOff] = [off + fall.values[i], nOff + 1];
  }
  assert.ok(onInk / nInk > 0.05, `mean fall of p(4) on the ink (share of the map's scale): ${onInk / nInk}`);
  assert.ok(onInk / nInk > off / nOff, `the fall on the ink ${onInk / nInk} exceeds the fall off it ${off / nOff}`);
  assert.ok(page.url().includes('why=4'), `the chosen class is in the link: ${page.url()}`);
  await page.locator('#saliency').screenshot({ path: path.join(SHOTS, 'explain-occlusion-four.png') });
});

test('the first-layer "looks for" pictures correlate positively with their filters', async () => {
  await page.locator('#filter-looks-for').scrollIntoViewIfNeeded();
  await page.waitForSelector('#looks-for-layers[data-state="done"]', { timeout: 120_000 });
  timings.looksForAllChannels = Number(await page.getAttribute('#looks-for-layers', 'data-ms'));
  const { shape: [channels, , kh, kw], data } = conv1Weights();
  for (let c = 0; c < channels; c++) {
    const looks = await canvasValues(page, `.looks-layer[data-layer-name="conv1"] figure[data-channel="${c}"] canvas.looks-image`, 'grey');
    assert.deepEqual([looks.height, looks.width], [kh, kw], 'cropped to what a conv1 unit sees');
    const r = correlation(Array.from(looks.values), Array.from(data.subarray(c * kh * kw, (c + 1) * kh * kw)));
    assert.ok(r > 0.3, `conv1 channel ${c}: correlation ${r}`);
  }
  const canvases = await page.$$eval('#filter-looks-for canvas.looks-image', (list) => list.map((c) => c.width * c.height));
  assert.equal(canvases.length, 8 + 16 + 16, 'every channel of conv1, conv2, conv3');
  assert.ok(canvases.every((n) => n > 0));
  await page.locator('#filter-looks-for').screenshot({ path: path.join(SHOTS, 'explain-looks-for.png') });
});

async function makeIt(target) {
  await page.locator('#make-it').scrollIntoViewIfNeeded();
  await page.selectOption('#make-it-target', String(target));
  await page.waitForFunction((t) => document.querySelector('#make-it-summary').dataset.steps !== undefined
    && document.querySelector('#make-it-target').value === t, String(target), { timeout: TIMEOUT });
  await page.locator('#make-it-run').click();
  return page.$eval('#make-it-summary', (s) => ({ ...s.dataset }));
}

test('"make it a 3" turns a drawn 7 into a 3 within the step budget for the CNN, no pixel moving more than ε', async () => {
  await clear();
  await drawMouse(page, SEVEN);
  assert.equal((await prediction(page)).digit, '7');
  const r = await makeIt(3);
  timings.makeItCnn = Number(r.ms);
  assert.equal(r.reached, 'true', JSON.stringify(r));
  assert.equal(r.predicted, '3');
  assert.ok(Number(r.steps) >= 1 && Number(r.steps) <= 40, `steps ${r.steps}`);
  assert.ok(Number(r.maxChange) <= Number(r.epsilon) + 1e-6, `largest change ${r.maxChange}, bound ${r.epsilon}`);
  // the change as drawn (its legend spans ±ε): its largest |value| is the reported largest change
  const change = await canvasValues(page, '#make-it-change', 'diverging');
  const drawn = Math.max(...change.values.map(Math.abs)) * Number(r.epsilon);
  assert.ok(Math.abs(drawn - Number(r.maxChange)) < 0.02, `largest change drawn ${drawn}, reported ${r.maxChange}`);
  await page.locator('#make-it').screenshot({ path: path.join(SHOTS, 'explain-make-it-cnn.png') });

  // the DNN too: the same bound
  await page.locator('#model-options input[value="dnn"]').check();
  const d = await makeIt(3);
  timings.makeItDnn = Number(d.ms);
  assert.ok(Number(d.maxChange) <= Number(d.epsilon) + 1e-6, `DNN: largest change ${d.maxChange}, bound ${d.epsilon}`);
  await page.locator('#model-options input[value="cnn"]').check();
});

test('the panels\' state comes back from the link, and Save PNG saves a picture', async () => {
  await page.locator('#make-it').scrollIntoViewIfNeeded();
  await page.selectOption('#make-it-target', '5');
  const url = page.url();
  assert.ok(url.includes('makeit=5'));
  await page.reload();
  await ready(page);
  assert.equal(await page.inputValue('#make-it-target'), '5');
  await page.locator('#make-it').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelector('#make-it-summary').dataset.steps !== undefined, null, { timeout: TIMEOUT });
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#make-it button.save-png').click()]);
  assert.match(download.suggestedFilename(), /^convscope-cnn-make-it\.png$/);
});

test('the section has no serious or critical axe-core violations and fits a phone', async () => {
  await page.evaluate(AXE);
  const results = await page.evaluate(() => globalThis.axe.run('#why, #deeper-tools', { resultTypes: ['violations'] }));
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('#saliency').scrollIntoViewIfNeeded();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 390, `page width on a phone: ${overflow}`);
  for (const id of ['saliency', 'filter-looks-for', 'make-it']) {
    await page.locator(`#${id}`).screenshot({ path: path.join(SHOTS, `explain-${id}-phone.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(seen, []);
});
