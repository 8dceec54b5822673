// Share and keep, in headless Chromium: the model and the drawing (strokes, over a chosen MNIST
// sample) are kept in the URL hash, "Copy link" hands that link out, and opening it restores the
// same input picture and the same prediction; a user's own model file cannot be in a link, and the page says so; a broken
// link is refused with a message. "Save PNG" downloads a panel's pictures as one PNG (the file's
// signature and size are checked, and that it changes with the drawing).
// Run: node --test tests/e2e/share.test.mjs   (needs web/engine/, /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import { drawMouse, ONE, prediction, ready, SEVEN } from './page-helpers.mjs';

const MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/models');
let browser;
before(async () => {
  browser = await launchBrowser('convscope-share-');
});
after(() => browser?.close());

async function open(url) {
  const page = await browser.context.newPage();
  const problems = watch(page);
  await page.goto(url);
  await ready(page);
  return { page, problems };
}
const href = (page) => page.evaluate(() => location.href);  // page.url() follows replaceState late
const inputPicture = (page) => page.$eval('#input-canvas', (c) => c.toDataURL());
async function share(page) {
  await page.click('#share-button');
  await page.waitForFunction(() => document.querySelector('#share-status').textContent !== '', null, { timeout: TIMEOUT });
  return { link: await page.inputValue('#share-link'), status: await page.textContent('#share-status') };
}

test('a link keeps the model and the drawing: opened, it shows the same input and prediction', async () => {
  const { page, problems } = await open(`${browser.baseUrl}index.html`);
  let copy;
  try {
    await page.check('#model-dnn');
    await drawMouse(page, SEVEN);
    await drawMouse(page, [[0.3, 0.5], [0.7, 0.5]]);  // a crossbar: two strokes
    const { link, status } = await share(page);
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/index\.html#model=dnn&ink=[A-Za-z0-9_-]+$/);
    assert.match(status, /DNN/);
    assert.equal(await href(page), link, 'the address bar holds the link too');
    const here = { p: await prediction(page), input: await inputPicture(page) };
    assert.match(here.p.digit, /^[0-9]$/);

    ({ page: copy } = await open(link));
    assert.ok(await copy.isChecked('#model-dnn'), 'the DNN is chosen');
    assert.deepEqual(await prediction(copy), here.p, 'same prediction, same confidence');
    assert.equal(await inputPicture(copy), here.input, 'same 28×28 input');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await copy?.close();
  }
});

test('a sample digit with a stroke drawn over it comes back the same', async () => {
  const { page } = await open(`${browser.baseUrl}index.html`);
  let copy;
  try {
    await page.click('#samples button[data-sample="4"]');
    await drawMouse(page, ONE);
    const { link } = await share(page);
    assert.match(link, /#model=cnn&sample=4&ink=/);
    const here = { p: await prediction(page), input: await inputPicture(page) };
    ({ page: copy } = await open(link));
    assert.deepEqual(await prediction(copy), here.p);
    assert.equal(await inputPicture(copy), here.input);
  } finally {
    await page.close();
    await copy?.close();
  }
});

test('the address bar keeps the state: a reload brings the drawing back; Clear empties the link', async () => {
  const { page } = await open(`${browser.baseUrl}index.html`);
  try {
    await drawMouse(page, SEVEN);
    assert.match(await href(page), /#model=cnn&ink=/, 'no "Copy link" needed');
    const before = await prediction(page);
    await page.reload();
    await ready(page);
    const after = await prediction(page);
    assert.equal(after.digit, before.digit);
    assert.ok(Math.abs(after.confidence - before.confidence) < 0.01, `${before.confidence} → ${after.confidence} (strokes kept to 1/8 pixel)`);
    await page.click('#clear-button');
    assert.equal(await href(page), `${browser.baseUrl}index.html`);
  } finally {
    await page.close();
  }
});

test('your own model cannot go into a link: the page says so and links the CNN', async () => {
  const { page } = await open(`${browser.baseUrl}index.html`);
  try {
    await page.setInputFiles('#model-file', path.join(MODELS, 'mnist-dnn.safetensors'));
    await page.waitForSelector('body[data-model="own"]', { timeout: TIMEOUT });
    await drawMouse(page, SEVEN);
    const { link, status } = await share(page);
    assert.match(link, /#model=cnn&ink=/);
    assert.match(status, /own model cannot go into a link/);
  } finally {
    await page.close();
  }
});

test('a broken link is refused with a message; the page still works', async () => {
  const { page } = await open(`${browser.baseUrl}index.html#model=cnn&ink=AAAA`);
  try {
    assert.match(await page.locator('#error[role="alert"]').textContent(), /could not be restored/);
    await drawMouse(page, SEVEN);
    assert.match((await prediction(page)).digit, /^[0-9]$/);
  } finally {
    await page.close();
  }
});

// PNG bytes (8-bit RGB or RGBA) → {width, height, pixels (unfiltered bytes)}; asserts it is a PNG.
function readPng(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR');
  const width = bytes.readUInt32BE(16), height = bytes.readUInt32BE(20);
  assert.equal(bytes[24], 8, 'bit depth 8');
  const channels = { 2: 3, 6: 4 }[bytes[25]];
  const idat = [];
  for (let at = 8; at < bytes.length;) {
    const n = bytes.readUInt32BE(at);
    if (bytes.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + n));
    at += 12 + n;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  assert.equal(raw.length, height * (stride + 1), 'pixel data for every row');
  // Undo the per-row filters (PNG spec §9): None, Sub, Up, Average, Paeth.
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= channels ? px[y * stride + i - channels] : 0;
      const b = y > 0 ? px[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? px[(y - 1) * stride + i - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      px[y * stride + i] = x + [0, a, b, (a + b) >> 1, paeth][f];
    }
  }
  return { width, height, pixels: px };
}

test('Save PNG: a panel\'s pictures download as one PNG (map, table, input and drawing panels), and follow the drawing', async () => {
  const { page, problems } = await open(`${browser.baseUrl}index.html`);
  const PANELS = [['[data-layer="conv1"]', 'conv1'], ['[data-layer="softmax"]', 'softmax'], ['[data-panel="input"]', 'input'], ['[data-panel="drawing"]', 'drawing']];
  async function save(selector, name) {
    const button = page.locator(`${selector} .save-png`);
    assert.equal(await button.count(), 1, `${name}: one button`);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), button.click()]);
    assert.equal(download.suggestedFilename(), `convscope-cnn-${name}.png`);
    const png = readPng(readFileSync(await download.path()));
    const box = await page.locator(selector).boundingBox();
    assert.ok(png.width >= 40 && png.height >= 40 && png.width <= 2 * box.width + 40, `${name}: ${png.width}×${png.height}`);
    return png;
  }
  try {
    const blank = {};
    for (const [selector, name] of PANELS) blank[name] = await save(selector, name);  // nothing drawn yet
    await drawMouse(page, SEVEN);
    for (const [selector, name] of PANELS) {
      const drawn = await save(selector, name);
      assert.ok(drawn.width !== blank[name].width || !drawn.pixels.equals(blank[name].pixels), `${name}: the PNG shows the drawing`);
    }
    const count = await page.locator('[data-layer] .save-png').count();
    assert.equal(count, await page.locator('#layer-panels > [data-layer]').count(), 'every layer panel has one');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
