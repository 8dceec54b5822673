// Start page (web/index.html) in headless Chromium: the engine computes the lecture's O-vs-X
// numbers, the O/X toggle re-runs the model, and a missing engine shows an error.
// Run: node --test tests/e2e/   (needs the wasm build in web/engine/, /usr/bin/chromium, playwright-core)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../src/tools/serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENGINE_SIMD = path.join(ROOT, 'web/engine/convscope.mjs');
const ENGINE_SCALAR = path.join(ROOT, 'web/engine/convscope-scalar.mjs');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];
const TIMEOUT = 20_000;

// Lecture, "CNN for Image Classification": black → 1, white → 0.
// prettier-ignore
const O_IMAGE = [
  [0, 0, 1, 1, 0, 0],
  [0, 1, 0, 0, 1, 0],
  [1, 0, 0, 0, 0, 1],
  [1, 0, 0, 0, 0, 1],
  [0, 1, 0, 0, 1, 0],
  [0, 0, 1, 1, 0, 0],
];
// prettier-ignore
const X_IMAGE = [
  [1, 0, 0, 0, 0, 1],
  [0, 1, 0, 0, 1, 0],
  [0, 0, 1, 1, 0, 0],
  [0, 0, 1, 1, 0, 0],
  [0, 1, 0, 0, 1, 0],
  [1, 0, 0, 0, 0, 1],
];
// prettier-ignore
const FILTER = [
  [0, 0, 1],
  [0, 1, 0],
  [1, 0, 0],
];
const BIAS = -2;
// Lecture, "Feature map" of the O image (filter above, bias −2).
// prettier-ignore
const O_FEATURE_MAP = [
  [ 1, -1, -2, -1],
  [-1, -2, -1, -2],
  [-2, -1, -2, -1],
  [-1, -2, -1,  1],
];
// Lecture, "Post-ReLU feature map".
// prettier-ignore
const O_RELU = [
  [1, 0, 0, 0],
  [0, 0, 0, 0],
  [0, 0, 0, 0],
  [0, 0, 0, 1],
];
const O_POOLED = [[1, 0], [0, 1]];

// Plain references, written independently of the page and the engine.
// in [H,W], f [K,K] → out [OH,OW], OH = H − K + 1: out[y][x] = b + Σ f[i][j] · in[y+i][x+j]
function conv2dValid(img, f, b) {
  const oh = img.length - f.length + 1;
  const ow = img[0].length - f[0].length + 1;
  return Array.from({ length: oh }, (_, y) => Array.from({ length: ow }, (_, x) => {
    let acc = b;
    for (let i = 0; i < f.length; i++) for (let j = 0; j < f[0].length; j++) acc += f[i][j] * img[y + i][x + j];
    return acc;
  }));
}
const relu = (m) => m.map((row) => row.map((v) => Math.max(0, v)));
// 2×2 max pool, stride 2
function maxPool2(m) {
  return Array.from({ length: Math.floor(m.length / 2) }, (_, y) => Array.from({ length: Math.floor(m[0].length / 2) },
    (_, x) => Math.max(m[2 * y][2 * x], m[2 * y][2 * x + 1], m[2 * y + 1][2 * x], m[2 * y + 1][2 * x + 1])));
}

let server;
let baseUrl;
let context;
let profileDir;

before(async () => {
  server = await startServer(0);
  baseUrl = `http://127.0.0.1:${server.address().port}/`;
  profileDir = mkdtempSync(path.join(tmpdir(), 'convscope-e2e-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

// A new page that records console errors, uncaught exceptions and failed requests.
async function openPage(setup = async () => {}) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await setup(page);
  await page.goto(baseUrl);
  return { page, problems };
}

// The numbers a <table data-grid="NAME"> shows, as rows.
function readGrid(page, name) {
  return page.$$eval(`table[data-grid="${name}"] tr`, (rows) =>
    rows.map((row) => Array.from(row.cells, (cell) => Number(cell.textContent.trim()))));
}

async function readAll(page) {
  const grids = {};
  for (const name of ['input', 'filter', 'feature-map', 'relu', 'pooled']) grids[name] = await readGrid(page, name);
  return grids;
}

test('start page shows the engine-computed O pipeline, and the toggle switches to X', async () => {
  assert.ok(existsSync(ENGINE_SIMD), 'web/engine/convscope.mjs is missing: build the engine first (npm run build)');
  const { page, problems } = await openPage();
  try {
    await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });

    // Layer outputs sit in panels named after the layer.
    for (const [layer, grid] of [['conv', 'feature-map'], ['relu', 'relu'], ['pool', 'pooled']]) {
      assert.equal(await page.locator(`[data-layer="${layer}"] table[data-grid="${grid}"]`).count(), 1, `${grid} in [data-layer="${layer}"]`);
    }

    let grids = await readAll(page);
    assert.deepEqual(grids.input, O_IMAGE);
    assert.deepEqual(grids.filter, FILTER);
    assert.deepEqual(grids['feature-map'], O_FEATURE_MAP);
    assert.deepEqual(grids.relu, O_RELU);
    assert.deepEqual(grids.pooled, O_POOLED);
    assert.equal(await page.getAttribute('#prediction', 'data-label'), 'O');

    // X: expected values from the plain reference above, never from the page.
    const xFeatureMap = conv2dValid(X_IMAGE, FILTER, BIAS);
    const toggle = page.locator('#toggle-image');
    await toggle.click();
    await page.waitForFunction(() => document.querySelector('table[data-grid="input"] td')?.textContent.trim() === '1',
      null, { timeout: TIMEOUT });
    grids = await readAll(page);
    assert.deepEqual(grids.input, X_IMAGE);
    assert.deepEqual(grids.filter, FILTER);
    assert.deepEqual(grids['feature-map'], xFeatureMap);
    assert.deepEqual(grids.relu, relu(xFeatureMap));
    assert.deepEqual(grids.pooled, maxPool2(relu(xFeatureMap)));
    assert.notDeepEqual(grids.pooled, O_POOLED);
    assert.equal(await page.getAttribute('#prediction', 'data-label'), 'X');
    const confidence = Number(await page.getAttribute('#prediction', 'data-confidence'));
    assert.ok(confidence > 0.5 && confidence <= 1, `confidence ${confidence}`);

    // And back to O.
    await toggle.click();
    await page.waitForFunction(() => document.querySelector('table[data-grid="input"] td')?.textContent.trim() === '0',
      null, { timeout: TIMEOUT });
    assert.deepEqual(await readGrid(page, 'feature-map'), O_FEATURE_MAP);
    assert.equal(await page.getAttribute('#prediction', 'data-label'), 'O');

    assert.equal(await page.locator('[role="alert"]').isVisible(), false, 'no error shown');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('start page shows an error when the engine fails to load', async () => {
  const { page } = await openPage((p) =>
    p.route('**/engine/convscope.mjs', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' })));
  try {
    await page.waitForSelector('body[data-ready="error"]', { timeout: TIMEOUT });
    const alert = page.locator('[role="alert"]');
    assert.ok(await alert.isVisible(), 'role=alert is visible');
    assert.match(await alert.textContent(), /engine/i);
  } finally {
    await page.close();
  }
});

test('start page shows the engine\'s own error message when it throws while starting', async () => {
  const { page } = await openPage((p) =>
    p.route('**/engine/convscope.mjs', (route) => route.fulfill({
      status: 200,
      contentType: 'text/javascript',
      body: 'export default async function () { throw new Error("wasm instantiation failed: test"); }',
    })));
  try {
    await page.waitForSelector('body[data-ready="error"]', { timeout: TIMEOUT });
    const alert = page.locator('[role="alert"]');
    assert.ok(await alert.isVisible(), 'role=alert is visible');
    assert.match(await alert.textContent(), /wasm instantiation failed: test/);
  } finally {
    await page.close();
  }
});

test('without WebAssembly SIMD the page uses the scalar build, or says it is missing', async () => {
  const { page, problems } = await openPage((p) =>
    p.addInitScript(() => {
      const validate = WebAssembly.validate;
      // The page's SIMD probe is a 29-byte module: report it invalid, as a browser without SIMD would.
      WebAssembly.validate = (bytes) => (bytes.byteLength === 29 ? false : validate.call(WebAssembly, bytes));
    }));
  try {
    if (existsSync(ENGINE_SCALAR)) {
      await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
      assert.deepEqual(await readGrid(page, 'feature-map'), O_FEATURE_MAP);
      assert.deepEqual(problems, []);
    } else {
      await page.waitForSelector('body[data-ready="error"]', { timeout: TIMEOUT });
      const alert = page.locator('[role="alert"]');
      assert.ok(await alert.isVisible(), 'role=alert is visible');
      assert.match(await alert.textContent(), /scalar/i);
    }
  } finally {
    await page.close();
  }
});
