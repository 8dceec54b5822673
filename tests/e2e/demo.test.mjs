// Drawing demo (web/index.html) in headless Chromium, driven through the page contract of
// web/README.md: body[data-ready], #draw-canvas, #clear-button, #prediction[data-digit][data-confidence]
// [data-label], one [data-layer="<name>"] panel per layer, role="alert" errors, relative URLs.
// Expected numbers come from the engine run here in Node and from the model file read here with a
// few lines of DataView, never from the page.
// The models are the trained ones in web/models/ (in git), served through page.route so that
// CONVSCOPE_MODELS_DIR can swap in others; the last tests check that they recognise digits.
// Run: node --experimental-wasm-relaxed-simd --test tests/e2e/demo.test.mjs   (needs web/engine/, /usr/bin/chromium, playwright-core)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import createConvScope from './node-engine.mjs';  // the build the pages pick

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// CONVSCOPE_MODELS_DIR=<dir> runs these tests against other mnist-{cnn,dnn}.safetensors files.
const MODELS_DIR = process.env.CONVSCOPE_MODELS_DIR || path.join(ROOT, 'web/models');
const ENGINE_SCALAR = path.join(ROOT, 'web/engine/convscope-scalar.mjs');
const SCREENSHOTS = process.env.CONVSCOPE_SCREENSHOTS ?? path.join(tmpdir(), 'convscope-screenshots');
const SUB_PATH = '/convscope/';

// ---- Models: the shipped files ----

const MODEL_BYTES = {
  'mnist-cnn': readFileSync(path.join(MODELS_DIR, 'mnist-cnn.safetensors')),
  'mnist-dnn': readFileSync(path.join(MODELS_DIR, 'mnist-dnn.safetensors')),
};
const SAMPLES = JSON.parse(readFileSync(path.join(ROOT, 'web/models/mnist-samples.json'), 'utf8'));

// Just enough safetensors reading to check the page: {metadata, tensors: {name: Float32Array}}.
function readModel(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8'));
  const tensors = {};
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [b, e] = t.data_offsets;
    tensors[name] = Float32Array.from({ length: (e - b) / 4 }, (_, i) => view.getFloat32(8 + n + b + 4 * i, true));
  }
  return { metadata: header.__metadata__, architecture: JSON.parse(header.__metadata__.architecture), tensors };
}

// ---- Browser, servers, pages ----

let browser, baseUrl, subServer, subUrl, context, cs;

// A second server that serves the site only under SUB_PATH (as GitHub Pages serves a project).
function startSubPathServer(port) {
  const sub = http.createServer((req, res) => {
    if (!req.url.startsWith(SUB_PATH)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end(`only ${SUB_PATH} is served here\n`);
    }
    const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: `/${req.url.slice(SUB_PATH.length)}`, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => sub.listen(0, '127.0.0.1', () => resolve(sub)));
}

before(async () => {
  browser = await launchBrowser('convscope-demo-');
  ({ baseUrl, context } = browser);
  subServer = await startSubPathServer(browser.server.address().port);
  subUrl = `http://127.0.0.1:${subServer.address().port}${SUB_PATH}`;
  cs = await createConvScope();
});

after(() => Promise.all([browser?.close(), subServer && new Promise((resolve) => subServer.close(resolve))]));

// A new page that records console errors, uncaught exceptions and failed requests, with the
// models served from MODEL_BYTES. setup(page) may add routes or init scripts first.
async function openPage({ url = baseUrl, setup = async () => {}, viewport } = {}) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = watch(page);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  for (const [name, bytes] of Object.entries(MODEL_BYTES)) {
    await page.route(`**/models/${name}.safetensors`, (route) => route.fulfill({ body: Buffer.from(bytes), contentType: 'application/octet-stream' }));
  }
  await setup(page);
  await page.goto(url);
  return { page, problems, requests };
}

async function ready(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
}

const prediction = (page) => page.$eval('#prediction', (p) => ({ ...p.dataset }));

// A polyline in pad coordinates (0..1) drawn with the mouse.
async function drawMouse(page, points, steps = 6) {
  const box = await page.locator('#draw-canvas').boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps });
  await page.mouse.up();
}

// The same with touch (or pen) through the DevTools protocol, which Chromium turns into
// pointer events of that pointerType.
async function drawWith(page, kind, points) {
  const box = await page.locator('#draw-canvas').boundingBox();
  const at = ([x, y]) => ({ x: box.x + x * box.width, y: box.y + y * box.height });
  const cdp = await page.context().newCDPSession(page);
  if (kind === 'touch') {
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(points[0])] });
    for (const p of points.slice(1)) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(p)] });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  } else {
    const mouse = (type, p) => cdp.send('Input.dispatchMouseEvent', { type, ...at(p), button: 'left', buttons: type === 'mouseReleased' ? 0 : 1, clickCount: 1, pointerType: 'pen' });
    await mouse('mousePressed', points[0]);
    for (const p of points.slice(1)) await mouse('mouseMoved', p);
    await mouse('mouseReleased', points[points.length - 1]);
  }
  await cdp.detach();
}

const SEVEN = [[0.25, 0.2], [0.5, 0.2], [0.75, 0.2], [0.62, 0.5], [0.5, 0.82]];
const ONE = [[0.5, 0.15], [0.5, 0.5], [0.5, 0.85]];

// Clicks the centre of cell (y, x) of a map canvas; the canvas is scrolled into view first.
async function clickCell(page, canvas, y, x) {
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const [h, w] = await canvas.evaluate((c) => [c.height, c.width]);
  await page.mouse.click(box.x + ((x + 0.5) / w) * box.width, box.y + ((y + 0.5) / h) * box.height);
}

// The input the page gives the model for sample k, and the engine's trace for it, computed here.
function sampleTrace(bytes, k) {
  const s = SAMPLES.samples[k];
  const input = Float32Array.from(Buffer.from(s.pixels, 'base64'), (b) => b / 255);
  const model = cs.loadModel(bytes);
  try {
    const trace = model.forward(input);
    return { input, layers: Object.fromEntries(trace.layers.map((l) => [l.name, l])), output: trace.output };
  } finally {
    model.delete();
  }
}

// ---- Loading ----

test('loads with progress, then builds one panel per layer of the model, in order', async () => {
  const { page, problems } = await openPage();
  try {
    await ready(page);
    assert.equal(await page.locator('#loading').isVisible(), false, 'the loading indicator is gone');
    const { architecture } = readModel(MODEL_BYTES['mnist-cnn']);
    const names = architecture.layers.map((l) => l.name);
    assert.deepEqual(await page.$$eval('#layer-panels > [data-layer]', (els) => els.map((e) => e.dataset.layer)), names);
    for (const name of names) assert.equal(await page.locator(`[data-layer="${name}"]`).count(), 1, `exactly one [data-layer="${name}"]`);
    assert.equal(await page.getAttribute('a[href="./lesson.html"]', 'href'), './lesson.html');
    const p = await prediction(page);
    assert.deepEqual([p.digit, p.confidence, p.label], ['', '', ''], 'nothing drawn, nothing predicted');
    assert.equal(await page.locator('[role="alert"]').count(), 0, 'no error shown (only a shown error is an alert)');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('engine that fails to load: data-ready="error" and a message naming the engine', async () => {
  const { page } = await openPage({  // every build's glue (an auto-picked relaxed build gives way to SIMD)
    setup: (p) => p.route('**/engine/convscope*.mjs', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' })),
  });
  try {
    await page.waitForSelector('body[data-ready="error"]', { timeout: TIMEOUT });
    const alert = page.locator('[role="alert"]');  // strict: exactly one
    assert.ok(await alert.isVisible());
    assert.match(await alert.textContent(), /engine/i);
  } finally {
    await page.close();
  }
});

test('engine that throws while starting: its own message is shown', async () => {
  const { page } = await openPage({
    setup: (p) => p.route('**/engine/convscope*.mjs', (route) => route.fulfill({
      status: 200, contentType: 'text/javascript', body: 'export default async function () { throw new Error("wasm instantiation failed: test"); }',
    })),
  });
  try {
    await page.waitForSelector('body[data-ready="error"]', { timeout: TIMEOUT });
    assert.match(await page.locator('#error[role="alert"]').textContent(), /wasm instantiation failed: test/);
  } finally {
    await page.close();
  }
});

test('model that fails to load (missing or corrupt): data-ready="error" and a message naming the model', async () => {
  for (const fulfill of [{ status: 404, body: 'not found' }, { status: 200, body: Buffer.from('not a safetensors file at all') }]) {
    const { page } = await openPage({ setup: (p) => p.route('**/models/mnist-cnn.safetensors', (route) => route.fulfill(fulfill)) });
    try {
      await page.waitForSelector('body[data-ready="error"]', { timeout: TIMEOUT });
      const alert = page.locator('#error[role="alert"]');
      assert.ok(await alert.isVisible());
      assert.match(await alert.textContent(), /mnist-cnn\.safetensors/);
    } finally {
      await page.close();
    }
  }
});

test('without WebAssembly SIMD the page uses the scalar build, or says it is missing', async () => {
  const { page } = await openPage({
    setup: (p) => p.addInitScript(() => {
      const validate = WebAssembly.validate;
      WebAssembly.validate = (bytes) => (bytes.byteLength === 29 ? false : validate.call(WebAssembly, bytes));
    }),
  });
  try {
    if (existsSync(ENGINE_SCALAR)) {
      await ready(page);
    } else {
      await page.waitForSelector('body[data-ready="error"]', { timeout: TIMEOUT });
      assert.match(await page.locator('#error[role="alert"]').textContent(), /scalar/i);
    }
  } finally {
    await page.close();
  }
});

// ---- Drawing ----

test('drawing with the mouse predicts while drawing and on pointerup; undo and clear', async () => {
  const { page, problems } = await openPage();
  try {
    await ready(page);
    const box = await page.locator('#draw-canvas').boundingBox();
    await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.15 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.6 * box.height, { steps: 10 });
    await page.waitForFunction(() => document.querySelector('#prediction').dataset.digit !== '', null, { timeout: TIMEOUT });
    const during = await prediction(page);
    await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.85 * box.height, { steps: 5 });
    await page.mouse.up();
    const one = await prediction(page);  // no waiting: up to date at pointerup
    for (const p of [during, one]) {
      assert.match(p.digit, /^[0-9]$/);
      assert.equal(p.label, p.digit);
      assert.ok(Number(p.confidence) > 0 && Number(p.confidence) <= 1, `confidence ${p.confidence}`);
    }
    assert.notEqual(during.confidence, one.confidence, 'the longer stroke changed the input');
    const inputOne = await page.$eval('#input-canvas', (c) => c.toDataURL());

    await drawMouse(page, [[0.3, 0.3], [0.7, 0.3]]);
    assert.notEqual(await page.$eval('#input-canvas', (c) => c.toDataURL()), inputOne, 'a second stroke changes the input');
    await page.click('#undo-button');
    assert.equal(await page.$eval('#input-canvas', (c) => c.toDataURL()), inputOne, 'undo removes exactly the last stroke');
    assert.deepEqual(await prediction(page), one);

    await page.click('#clear-button');
    const cleared = await prediction(page);
    assert.deepEqual([cleared.digit, cleared.confidence, cleared.label], ['', '', '']);
    assert.equal(await page.$$eval('#probabilities li', (li) => li.filter((l) => l.dataset.value !== '').length), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('touch and pen draw too, and touch does not scroll the page', async () => {
  const { page, problems } = await openPage({ viewport: { width: 390, height: 844 } });
  try {
    await ready(page);
    assert.equal(await page.$eval('#draw-canvas', (c) => getComputedStyle(c).touchAction), 'none');
    await page.evaluate(() => {
      window.pointerTypes = new Set();
      document.querySelector('#draw-canvas').addEventListener('pointerdown', (e) => window.pointerTypes.add(e.pointerType));
    });
    await page.locator('#draw-canvas').scrollIntoViewIfNeeded();
    const scrollY = await page.evaluate(() => scrollY);
    await drawWith(page, 'touch', [[0.5, 0.1], [0.5, 0.3], [0.5, 0.5], [0.5, 0.7], [0.5, 0.9]]);
    assert.equal(await page.evaluate(() => scrollY), scrollY, 'the page did not scroll');
    const touched = await prediction(page);
    assert.match(touched.digit, /^[0-9]$/);
    await page.click('#clear-button');
    assert.equal((await prediction(page)).digit, '');
    await drawWith(page, 'pen', SEVEN);
    assert.match((await prediction(page)).digit, /^[0-9]$/);
    assert.deepEqual(await page.evaluate(() => [...window.pointerTypes].sort()), ['pen', 'touch']);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('synthetic PointerEvents (as scripts and test tools send them) draw too', async () => {
  const { page, problems } = await openPage();
  try {
    await ready(page);
    await page.$eval('#draw-canvas', (canvas) => {
      const r = canvas.getBoundingClientRect();
      const send = (type, x, y) => canvas.dispatchEvent(new PointerEvent(type, {
        pointerId: 7, pointerType: 'touch', isPrimary: true, bubbles: true, cancelable: true, button: 0, buttons: type === 'pointerup' ? 0 : 1,
        clientX: r.left + x * r.width, clientY: r.top + y * r.height,
      }));
      send('pointerdown', 0.5, 0.1);
      for (let i = 1; i <= 10; i++) send('pointermove', 0.5, 0.1 + 0.08 * i);
      send('pointerup', 0.5, 0.9);
    });
    assert.match((await prediction(page)).digit, /^[0-9]$/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('keyboard: the controls are labelled buttons that work with Enter', async () => {
  const { page } = await openPage();
  try {
    await ready(page);
    for (const id of ['#clear-button', '#undo-button', '#model-file']) {
      const name = await page.locator(id).evaluate((e) => (e.labels?.[0]?.textContent ?? e.textContent).trim());
      assert.ok(name.length > 2, `${id} has a label`);
    }
    await drawMouse(page, SEVEN);
    await page.focus('#clear-button');
    await page.keyboard.press('Enter');
    assert.equal((await prediction(page)).digit, '');
    await page.locator('.sample').first().focus();
    await page.keyboard.press('Enter');
    assert.match((await prediction(page)).digit, /^[0-9]$/);
  } finally {
    await page.close();
  }
});

// ---- Layer panels ----

test('every layer panel renders non-blank, with a legend and its shape', async () => {
  const { page, problems } = await openPage();
  try {
    await ready(page);
    await drawMouse(page, SEVEN);
    const { architecture } = readModel(MODEL_BYTES['mnist-cnn']);
    for (const { name } of architecture.layers) {
      const panel = page.locator(`[data-layer="${name}"]`);
      const info = await panel.evaluate((el) => {
        // distinct colours over all canvases, numbers in tables
        const colours = new Set();
        for (const c of el.querySelectorAll('canvas')) {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 0; i < d.length; i += 4) if (d[i + 3]) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        }
        const numbers = [...el.querySelectorAll('td')].filter((td) => td.textContent.trim() !== '').length;
        return { colours: colours.size, numbers, legends: el.querySelectorAll('.legend-bar').length, shape: el.dataset.shape, error: el.querySelector('.panel-error:not([hidden])')?.textContent };
      });
      assert.equal(info.error, undefined, `${name}: no panel error`);
      assert.ok(info.colours > 1 || info.numbers > 0, `${name} shows something: ${JSON.stringify(info)}`);
      assert.ok(info.legends >= 1, `${name} has a legend`);
      assert.match(info.shape, /^\d+(×\d+)*$/, `${name} has a shape`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('the layer panels are drawn after ready without any input: filters and legends appear on their own', async () => {
  const { page, problems } = await openPage();
  try {
    await ready(page);
    // nothing drawn, nothing scrolled: the page draws its panels once it is idle
    await page.waitForFunction(() => {
      const canvas = document.querySelector('[data-layer="conv1"] figure[data-part="weights"] canvas');
      const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set();
      for (let i = 0; i < d.length; i += 4) if (d[i + 3]) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return colours.size > 1 && document.querySelectorAll('#layer-panels .legend-bar').length >= document.querySelectorAll('#layer-panels > [data-layer]').length;
    }, null, { timeout: TIMEOUT });
    assert.equal((await prediction(page)).digit, '', 'still nothing predicted');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('clicking a conv cell shows patch, kernel, products and dot + bias = the engine\'s value', async () => {
  const { page, problems } = await openPage();
  try {
    await ready(page);
    const k = 4;  // sample 4: a 2
    await page.click(`.sample[data-sample="${k}"]`);
    const trace = sampleTrace(MODEL_BYTES['mnist-cnn'], k);
    const { tensors } = readModel(MODEL_BYTES['mnist-cnn']);
    // conv1 (one input channel, a corner cell that reads zero padding) and conv2 (8 channels)
    for (const [layer, before, channel, y, x] of [['conv1', null, 2, 0, 0], ['conv1', null, 5, 13, 12], ['conv2', 'pool1', 3, 7, 6]]) {
      await clickCell(page, page.locator(`[data-layer="${layer}"] figure[data-part="output"][data-channel="${channel}"] canvas`), y, x);
      const box = page.locator(`[data-layer="${layer}"] .explain`);
      assert.ok(await box.isVisible(), `${layer} explanation shown`);
      const [, h, w] = trace.layers[layer].shape;
      const engineValue = trace.layers[layer].data[(channel * h + y) * w + x];
      assert.equal(Number(await box.locator('[data-role="value"]').getAttribute('data-value')), engineValue, `${layer} value is the engine's`);

      const input = before ? trace.layers[before] : { shape: [1, 28, 28], data: trace.input };
      const [ic, ih, iw] = input.shape;
      const weight = tensors[`${layer}.weight`], bias = tensors[`${layer}.bias`][channel];
      let dot = 0;
      for (let c = 0; c < ic; c++) {
        const row = box.locator(`.explain-row[data-channel="${c}"]`);
        const read = (role) => row.locator(`table[data-role="${role}"] td`).evaluateAll((tds) => tds.map((td) => Number(td.dataset.value)));
        const [patch, kernel, products] = [await read('patch'), await read('kernel'), await read('products')];
        for (let ky = 0; ky < 3; ky++) {
          for (let kx = 0; kx < 3; kx++) {
            const iy = y - 1 + ky, ix = x - 1 + kx;  // stride 1, padding 1
            const v = iy >= 0 && iy < ih && ix >= 0 && ix < iw ? input.data[(c * ih + iy) * iw + ix] : 0;
            const wk = weight[((channel * ic + c) * 3 + ky) * 3 + kx];
            // === : data-value holds String(x), which writes −0 as 0
            assert.ok(patch[ky * 3 + kx] === v, `${layer} patch[${c}][${ky}][${kx}]: ${patch[ky * 3 + kx]} vs ${v}`);
            assert.ok(kernel[ky * 3 + kx] === wk, `${layer} kernel[${c}][${ky}][${kx}]: ${kernel[ky * 3 + kx]} vs ${wk}`);
            assert.ok(products[ky * 3 + kx] === v * wk, `${layer} product[${c}][${ky}][${kx}]: ${products[ky * 3 + kx]} vs ${v * wk}`);
            dot += v * wk;
          }
        }
      }
      const shownDot = Number(await box.locator('[data-role="dot"]').getAttribute('data-value'));
      const shownBias = Number(await box.locator('[data-role="bias"]').getAttribute('data-value'));
      assert.ok(Math.abs(shownDot - dot) < 1e-9, `dot ${shownDot} vs ${dot}`);
      assert.equal(shownBias, bias);
      assert.ok(Math.abs(dot + bias - engineValue) <= 1e-5 * (1 + Math.abs(engineValue)), `dot + bias ${dot + bias} vs engine ${engineValue}`);
      // The receptive field is marked on the model input.
      assert.ok(await page.locator('#input-marks .mark-field').count() >= 1, 'receptive field on the input');
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('clicking a pooled cell shows its window and the winning value, equal to the engine\'s', async () => {
  const { page } = await openPage();
  try {
    await ready(page);
    await page.click('.sample[data-sample="8"]');
    const trace = sampleTrace(MODEL_BYTES['mnist-cnn'], 8);
    const [c, y, x] = [1, 6, 7];
    await clickCell(page, page.locator(`[data-layer="pool1"] figure[data-part="output"][data-channel="${c}"] canvas`), y, x);
    const box = page.locator('[data-layer="pool1"] .explain');
    const [, h, w] = trace.layers.pool1.shape, [, rh, rw] = trace.layers.relu1.shape;
    const value = trace.layers.pool1.data[(c * h + y) * w + x];
    assert.equal(Number(await box.locator('[data-role="value"]').getAttribute('data-value')), value);
    const window = await box.locator('table[data-role="window"] td').evaluateAll((tds) => tds.map((td) => Number(td.dataset.value)));
    const expected = [0, 1].flatMap((dy) => [0, 1].map((dx) => trace.layers.relu1.data[(c * rh + 2 * y + dy) * rw + 2 * x + dx]));
    assert.deepEqual(window, expected);
    assert.equal(Number(await box.locator('td.winner').getAttribute('data-value')), Math.max(...expected));
    assert.equal(await page.locator('[data-layer="relu1"] .mark-winner').count(), 1, 'the winner is marked in relu1');
  } finally {
    await page.close();
  }
});

test('hovering a cell explains it until the pointer leaves; the keyboard walks cells and maps', async () => {
  const { page, problems } = await openPage();
  try {
    await ready(page);
    await page.click('.sample[data-sample="2"]');
    const trace = sampleTrace(MODEL_BYTES['mnist-cnn'], 2);
    const canvas = page.locator('[data-layer="relu2"] figure[data-part="output"][data-channel="2"] canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + (7.5 / 14) * box.width, box.y + (5.5 / 14) * box.height);
    const explain = page.locator('[data-layer="relu2"] .explain');
    assert.ok(await explain.isVisible(), 'hover shows the explanation');
    const [, h, w] = trace.layers.relu2.shape;
    assert.equal(Number(await explain.locator('[data-role="value"]').getAttribute('data-value')), trace.layers.relu2.data[(2 * h + 5) * w + 7]);
    assert.equal(Number(await explain.locator('[data-role="input"]').getAttribute('data-value')), trace.layers.conv2.data[(2 * h + 5) * w + 7]);
    await page.mouse.move(1, 1);
    assert.equal(await explain.isVisible(), false, 'leaving hides it');

    await page.focus('[data-layer="conv1"] [data-part="output"] .maps');
    await page.keyboard.press('ArrowDown');  // selects the middle of map 0
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(']');
    const title = await page.locator('[data-layer="conv1"] .explain h4').textContent();
    assert.match(title, /feature map 1, row 14, column 15/);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('[data-layer="conv1"] .explain').isVisible(), false);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a panel that throws while drawing shows the error in that panel only', async () => {
  const { page, problems } = await openPage({
    setup: (p) => p.addInitScript(() => {
      const put = CanvasRenderingContext2D.prototype.putImageData;
      CanvasRenderingContext2D.prototype.putImageData = function (...args) {
        if (this.canvas.closest?.('[data-layer="pool2"]') && document.body.dataset.ready) throw new Error('test: pool2 cannot draw');
        return put.apply(this, args);
      };
    }),
  });
  try {
    await ready(page);
    await drawMouse(page, SEVEN);
    const errors = await page.$$eval('[role="alert"]', (els) => els.map((e) => [e.closest('[data-layer]')?.dataset.layer, e.textContent]));
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0][0], 'pool2');
    assert.match(errors[0][1], /test: pool2 cannot draw/);
    assert.match((await prediction(page)).digit, /^[0-9]$/, 'the prediction still works');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

// ---- Models ----

test('model switch: CNN and DNN side by side with parameter counts and accuracies; panels follow', async () => {
  const { page, problems } = await openPage();
  try {
    await ready(page);
    const counts = Object.fromEntries(Object.entries(MODEL_BYTES).map(([name, bytes]) =>
      [name, Object.values(readModel(bytes).tensors).reduce((n, t) => n + t.length, 0)]));
    assert.equal(counts['mnist-dnn'], 23860, 'the lecture\'s 784-30-10 DNN');
    assert.equal(Number(await page.getAttribute('[data-model="cnn"] [data-params]', 'data-params')), counts['mnist-cnn']);
    assert.equal(Number(await page.getAttribute('[data-model="dnn"] [data-params]', 'data-params')), 23860);
    assert.match(await page.textContent('[data-model="dnn"]'), /23,860 parameters/);
    for (const key of ['cnn', 'dnn']) {
      const { metadata } = readModel(MODEL_BYTES[`mnist-${key}`]);
      const shown = await page.getAttribute(`[data-model="${key}"] [data-accuracy]`, 'data-accuracy');
      if (metadata.test_accuracy === undefined) assert.equal(shown, '');
      else assert.ok(Math.abs(Number(shown) - Number(metadata.test_accuracy) / (Number(metadata.test_accuracy) > 1 ? 100 : 1)) < 1e-9);
    }

    await page.click('.sample[data-sample="0"]');
    await page.check('#model-dnn');
    await page.waitForSelector('[data-layer="sigmoid1"]', { timeout: TIMEOUT });
    assert.equal(await page.locator('[data-layer="conv1"]').count(), 0);
    const dnnNames = readModel(MODEL_BYTES['mnist-dnn']).architecture.layers.map((l) => l.name);
    assert.deepEqual(await page.$$eval('#layer-panels > [data-layer]', (els) => els.map((e) => e.dataset.layer)), dnnNames);
    const expected = sampleTrace(MODEL_BYTES['mnist-dnn'], 0).output;
    const best = expected.indexOf(Math.max(...expected));
    const p = await prediction(page);
    assert.equal(p.digit, String(best));
    assert.equal(Number(p.confidence), expected[best]);
    // The DNN's hidden units read the image: their weights are drawn as 28×28 pictures.
    assert.equal(await page.locator('[data-layer="fc1"] figure[data-part="weights"]').count(), 30);

    await page.check('#model-cnn');
    await page.waitForSelector('[data-layer="conv1"]', { timeout: TIMEOUT });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('your own model: a good file is added and used; a bad one is refused with a message', async () => {
  const { page, problems } = await openPage();
  try {
    await ready(page);
    await page.setInputFiles('#model-file', { name: 'mine.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(MODEL_BYTES['mnist-dnn']) });
    await page.waitForSelector('[data-model="own"] input:checked', { timeout: TIMEOUT });
    assert.equal(await page.locator('[data-layer="sigmoid1"]').count(), 1);
    await page.setInputFiles('#model-file', { name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('nope') });
    await page.locator('[role="alert"]').waitFor({ state: 'visible', timeout: TIMEOUT });  // beside the file input
    assert.match(await page.textContent('[role="alert"]'), /broken\.safetensors/);
    assert.equal(await page.locator('[data-layer="sigmoid1"]').count(), 1, 'the last good model stays');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('?model= and ?compare= load other model files (development before the shipped ones exist)', async () => {
  const { page, problems, requests } = await openPage({
    url: `${baseUrl}?model=./dev/a.safetensors&compare=./dev/b.safetensors`,
    setup: async (p) => {
      await p.route((u) => u.pathname === '/dev/a.safetensors', (route) => route.fulfill({ body: Buffer.from(MODEL_BYTES['mnist-dnn']) }));
      await p.route((u) => u.pathname === '/dev/b.safetensors', (route) => route.fulfill({ body: Buffer.from(MODEL_BYTES['mnist-cnn']) }));
    },
  });
  try {
    await ready(page);
    assert.equal(await page.locator('[data-layer="sigmoid1"]').count(), 1, 'the first model is the one ?model= names');
    assert.ok(!requests.some((u) => u.includes('mnist-cnn.safetensors')), 'the defaults are not fetched');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

// ---- Hosting ----

test('works from a sub-path, with every request under it', async () => {
  const { page, problems, requests } = await openPage({ url: subUrl });
  try {
    await ready(page);
    await drawMouse(page, ONE);
    assert.match((await prediction(page)).digit, /^[0-9]$/);
    assert.ok(await page.locator('.sample').count() >= 10, 'samples loaded');
    const origin = new URL(subUrl).origin;
    const outside = requests.filter((u) => u.startsWith(origin) && !new URL(u).pathname.startsWith(SUB_PATH));
    assert.deepEqual(outside, []);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

// ---- Screenshots (look at them) ----

test('phone, laptop and projector sizes: no horizontal scrolling; screenshots', async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [width, height] of [[1280, 800], [390, 844], [1920, 1080]]) {
    const { page, problems } = await openPage({ viewport: { width, height } });
    try {
      await ready(page);
      await drawMouse(page, SEVEN);
      await clickCell(page, page.locator('[data-layer="conv2"] figure[data-part="output"][data-channel="3"] canvas'), 4, 6);
      const [scrollWidth, clientWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scrollWidth <= clientWidth, `${width}×${height}: page is ${scrollWidth} px wide`);
      await page.evaluate(() => scrollTo(0, 0));
      await page.screenshot({ path: path.join(SCREENSHOTS, `demo-${width}x${height}.png`) });
      await page.screenshot({ path: path.join(SCREENSHOTS, `demo-${width}x${height}-full.png`), fullPage: true });
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  }
});

// ---- With the trained models ----

test('the shipped CNN recognises the sample MNIST digits', async () => {
  const { page } = await openPage();
  try {
    await ready(page);
    let right = 0;
    for (let k = 0; k < SAMPLES.samples.length; k++) {
      await page.click(`.sample[data-sample="${k}"]`);
      if ((await prediction(page)).digit === String(SAMPLES.samples[k].label)) right++;
    }
    assert.ok(right >= SAMPLES.samples.length - 1, `${right} of ${SAMPLES.samples.length}`);
  } finally {
    await page.close();
  }
});

// Digits as strokes (polylines in a unit box, y down), drawn the way people draw them.
const ellipse = (cx, cy, rx, ry, n = 20) => Array.from({ length: n + 1 }, (_, i) =>
  [cx + rx * Math.cos(-Math.PI / 2 + (2 * Math.PI * i) / n), cy + ry * Math.sin(-Math.PI / 2 + (2 * Math.PI * i) / n)]);
const DIGIT_STROKES = [
  [ellipse(0.5, 0.5, 0.3, 0.42)],
  [[[0.4, 0.22], [0.55, 0.1], [0.55, 0.9]]],
  [[[0.25, 0.3], [0.35, 0.14], [0.5, 0.1], [0.68, 0.15], [0.75, 0.3], [0.7, 0.45], [0.5, 0.62], [0.25, 0.9], [0.8, 0.9]]],
  [[[0.25, 0.15], [0.5, 0.08], [0.72, 0.2], [0.7, 0.38], [0.45, 0.48], [0.72, 0.6], [0.75, 0.78], [0.5, 0.92], [0.25, 0.85]]],
  [[[0.6, 0.1], [0.2, 0.62], [0.8, 0.62]], [[0.62, 0.35], [0.62, 0.92]]],
  [[[0.75, 0.1], [0.3, 0.1], [0.27, 0.45], [0.5, 0.4], [0.72, 0.52], [0.75, 0.72], [0.55, 0.9], [0.25, 0.85]]],
  [[[0.7, 0.1], [0.45, 0.25], [0.3, 0.5], [0.28, 0.72], [0.4, 0.9], [0.6, 0.9], [0.72, 0.72], [0.62, 0.55], [0.42, 0.55], [0.3, 0.68]]],
  [[[0.22, 0.12], [0.78, 0.12], [0.5, 0.9]]],
  [[[0.7, 0.2], [0.5, 0.08], [0.3, 0.2], [0.35, 0.38], [0.65, 0.6], [0.7, 0.8], [0.5, 0.92], [0.3, 0.8], [0.35, 0.6], [0.65, 0.38], [0.7, 0.2]]],
  [[[0.7, 0.3], [0.55, 0.12], [0.35, 0.15], [0.28, 0.32], [0.4, 0.45], [0.6, 0.42], [0.7, 0.3], [0.68, 0.6], [0.62, 0.9]]],
];
// Sizes, places and styles: large and centred, small in a corner, slanted, narrow, tiny.
const DRAWING_STYLES = [
  { size: 0.85, cx: 0.5, cy: 0.5, sx: 1, slant: 0 },
  { size: 0.45, cx: 0.3, cy: 0.35, sx: 1, slant: 0 },
  { size: 0.65, cx: 0.6, cy: 0.6, sx: 1, slant: 0.25 },
  { size: 0.8, cx: 0.5, cy: 0.5, sx: 0.6, slant: 0 },
  { size: 0.3, cx: 0.7, cy: 0.7, sx: 1, slant: -0.15 },
];

test('digits drawn with the mouse are recognised (every digit, five sizes, places and styles)', async () => {
  const { page } = await openPage();
  try {
    await ready(page);
    const score = {};
    for (const model of ['cnn', 'dnn']) {
      await page.check(`#model-${model}`);
      const misses = [];
      for (const [k, style] of DRAWING_STYLES.entries()) {
        for (const [digit, strokes] of DIGIT_STROKES.entries()) {
          await page.click('#clear-button');
          for (const stroke of strokes) {
            await drawMouse(page, stroke.map(([x, y]) => [style.cx + (x - 0.5) * style.size * style.sx + style.slant * (0.5 - y) * style.size,
              style.cy + (y - 0.5) * style.size]), 2);
          }
          const got = (await prediction(page)).digit;
          if (got !== String(digit)) misses.push(`${digit} (style ${k}) → ${got}`);
        }
      }
      const n = DRAWING_STYLES.length * DIGIT_STROKES.length;
      score[model] = (n - misses.length) / n;
      console.log(`drawn digits, ${model}: ${n - misses.length} of ${n} right${misses.length ? `; missed ${misses.join(', ')}` : ''}`);
    }
    assert.ok(score.cnn >= 0.9, `CNN recognises ${(score.cnn * 100).toFixed(0)}% of the drawn digits`);
    assert.ok(score.dnn >= 0.7, `DNN recognises ${(score.dnn * 100).toFixed(0)}% of the drawn digits`);
  } finally {
    await page.close();
  }
});
