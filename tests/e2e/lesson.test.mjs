// Lesson page (web/lesson.html) in headless Chromium: the grids show the lecture's numbers for O and
// X, the stepper walks the filter over the image, edits (pixels, weights, bias, stride, padding,
// pooling) recompute the right values, and the padding, channel and parameter sections are right.
// Expected values come from the slides or from the plain references below, never from the page.
// Run: node --test tests/e2e/lesson.test.mjs   (needs web/engine/, /usr/bin/chromium, playwright-core)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import { encodeSafetensors } from '../../web/js/safetensors.js';
import { BIAS, EDGE_FILTER, FILTER, O_IMAGE, PADDING_INPUT, X_IMAGE } from '../fixtures/lecture.mjs';

// clang-format off
// Lecture, "Feature map" and "Post-ReLU feature map" of the O; pooled: "CNN Pooling".
const O_FEATURE_MAP = [
  [ 1, -1, -2, -1],
  [-1, -2, -1, -2],
  [-2, -1, -2, -1],
  [-1, -2, -1,  1],
];
const O_RELU = [
  [1, 0, 0, 0],
  [0, 0, 0, 0],
  [0, 0, 0, 0],
  [0, 0, 0, 1],
];
const O_POOLED = [[1, 0], [0, 1]];

// Lecture, "CNN Padding": the input and filter are in the fixture; the output as printed.
const PADDING_SLIDE = [
  [ -4,  -5,  -1,   3,  -5,   5],
  [-10, -14,  -1,  10,  -1,   7],
  [ -8, -11, -11,   7,  12,   8],
  [ 11,  -7, -10,   1,  13,  13],
  [ -6,   5, -16,  -4,  10,  12],
  [ -6,   4,  -7,  -1,   2,   8],
];
// Corrected. Erratum (web/js/lecture-data.js): row 4 col 1 is −11 (the slide lost the minus sign);
// row 5 col 5 is 11 (the slide shows 10).
const PADDING_OUTPUT = [
  [ -4,  -5,  -1,   3,  -5,   5],
  [-10, -14,  -1,  10,  -1,   7],
  [ -8, -11, -11,   7,  12,   8],
  [-11,  -7, -10,   1,  13,  13],
  [ -6,   5, -16,  -4,  11,  12],
  [ -6,   4,  -7,  -1,   2,   8],
];
// clang-format on

// ---- Plain references, written independently of the page and the engine. ----

// in [H][W], f [K][K] → out [OH][OW], OH = ⌊(H + 2P − K)/S⌋ + 1
// out[y][x] = b + Σ f[i][j] · in[y·S + i − P][x·S + j − P]   (outside the image: 0)
function conv2d(img, f, b, stride = 1, padding = 0) {
  const k = f.length;
  const oh = Math.floor((img.length + 2 * padding - k) / stride) + 1;
  const ow = Math.floor((img[0].length + 2 * padding - k) / stride) + 1;
  const at = (y, x) => (y < 0 || x < 0 || y >= img.length || x >= img[0].length ? 0 : img[y][x]);
  return Array.from({ length: oh }, (_, y) => Array.from({ length: ow }, (_, x) => {
    let acc = b;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) acc += f[i][j] * at(y * stride + i - padding, x * stride + j - padding);
    return acc;
  }));
}
const relu = (m) => m.map((row) => row.map((v) => Math.max(0, v)));
// Non-overlapping k×k pool (stride k): max or mean of each block.
function pool(m, k, kind = 'max') {
  return Array.from({ length: Math.floor(m.length / k) }, (_, y) => Array.from({ length: Math.floor(m[0].length / k) }, (_, x) => {
    const block = [];
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) block.push(m[y * k + i][x * k + j]);
    return kind === 'max' ? Math.max(...block) : block.reduce((a, v) => a + v, 0) / block.length;
  }));
}
const pad = (m, p) => Array.from({ length: m.length + 2 * p }, (_, y) => Array.from({ length: m[0].length + 2 * p },
  (_, x) => m[y - p]?.[x - p] ?? 0));
const round3 = (m) => m.map((row) => row.map((v) => Number(v.toFixed(3))));

// ---- The browser ----

let browser;
let baseUrl;
let context;
let page;
let problems;  // on page: console errors, uncaught exceptions, failed requests, HTTP ≥ 400

before(async () => {
  browser = await launchBrowser('convscope-lesson-');
  ({ baseUrl, context } = browser);
  page = await context.newPage();
  problems = watch(page);
  await page.goto(`${baseUrl}lesson.html`);
  await page.waitForSelector('body[data-ready]', { timeout: TIMEOUT });
});

after(() => browser?.close());

// The numbers a <table data-grid="NAME"> shows, as rows.
function readGrid(name) {
  return page.$$eval(`table[data-grid="${name}"] tr`, (rows) =>
    rows.map((row) => Array.from(row.cells, (cell) => Number(cell.textContent.trim()))));
}
// Every grid on the page at once (one round trip): {NAME: rows}.
function readGrids() {
  return page.$$eval('table[data-grid]', (tables) => Object.fromEntries(tables.map((t) => [t.dataset.grid,
    Array.from(t.rows, (row) => Array.from(row.cells, (cell) => Number(cell.textContent.trim())))])));
}
const weight = (r, c) => page.getByLabel(`Filter weight, row ${r}, column ${c}`, { exact: true });
const num = (selector) => page.getAttribute(selector, 'data-value').then(Number);

// Back to the lecture's settings: O image, lecture filter and bias, stride 1, padding 0, 2×2 max
// pool, first position. Only the controls that differ are touched (fewer round trips).
async function reset() {
  const now = await page.evaluate(() => ({
    stride: document.querySelector('#stride-select').value,
    padding: document.querySelector('#padding-select').value,
    max: document.querySelector('#pool-max').checked,
    poolSize: document.querySelector('#pool-size-select').value,
    step: document.querySelector('#step-range').value,
  }));
  await page.click('#use-o');
  await page.click('#reset-filter');
  if (now.stride !== '1') await page.getByLabel('Stride', { exact: true }).selectOption('1');
  if (now.padding !== '0') await page.getByLabel('Padding', { exact: true }).selectOption('0');
  if (!now.max) await page.getByLabel('Max pooling').check();
  if (now.poolSize !== '2') await page.getByLabel('Pool size').selectOption('2');
  if (now.step !== '0') await page.getByLabel('Filter position').fill('0');
}

async function assertPipeline(image, filter, bias, { stride = 1, padding = 0, poolSize = 2, kind = 'max' } = {}, what = '') {
  const fm = conv2d(image, filter, bias, stride, padding);
  const { grids, rangeMax, padCells } = await page.evaluate(() => ({
    grids: Object.fromEntries(Array.from(document.querySelectorAll('table[data-grid]'), (t) => [t.dataset.grid,
      Array.from(t.rows, (row) => Array.from(row.cells, (cell) => Number(cell.textContent.trim())))])),
    rangeMax: Number(document.querySelector('#step-range').max),
    padCells: document.querySelectorAll('table[data-grid="window-input"] td.pad-cell').length,
  }));
  grids.padCells = padCells;
  assert.deepEqual(grids.input, image, `input ${what}`);
  assert.deepEqual(grids.filter, filter, `filter ${what}`);
  assert.deepEqual(grids['feature-map'], round3(fm), `feature-map ${what}`);
  assert.deepEqual(grids.relu, round3(relu(fm)), `relu ${what}`);
  assert.deepEqual(grids.pooled, round3(pool(relu(fm), poolSize, kind)), `pooled ${what}`);
  assert.equal(rangeMax + 1, fm.length * fm[0].length, `stepper positions ${what}`);
  return grids;
}

test('loads with the lecture\'s O numbers, every grid filled and every control labelled', async () => {
  assert.equal(await page.getAttribute('body', 'data-ready'), 'true', await page.textContent('#error'));
  assert.equal(await page.locator('[role="alert"]').isVisible(), false, 'no error shown');

  const all = await readGrids();
  assert.deepEqual(all['task-o'], O_IMAGE);
  assert.deepEqual(all['task-x'], X_IMAGE);
  assert.deepEqual(all.input, O_IMAGE);
  assert.deepEqual(all.filter, FILTER);
  assert.deepEqual(all['feature-map'], O_FEATURE_MAP);
  assert.deepEqual(all.relu, O_RELU);
  assert.deepEqual(all.pooled, O_POOLED);
  assert.deepEqual(all.flatten, [[1, 0, 0, 1]]);
  assert.equal(await page.getAttribute('#prediction', 'data-label'), 'O');
  for (const [layer, grid] of [['conv', 'feature-map'], ['relu', 'relu'], ['pool', 'pooled']]) {
    assert.equal(await page.locator(`[data-layer="${layer}"] table[data-grid="${grid}"]`).count(), 1, `${grid} in ${layer}`);
  }

  // Every data-grid: unique name, at least one cell, every cell a number.
  const grids = await page.$$eval('table[data-grid]', (tables) => tables.map((t) => ({
    name: t.dataset.grid,
    cells: Array.from(t.querySelectorAll('td'), (td) => td.textContent.trim()),
  })));
  assert.ok(grids.length >= 30, `${grids.length} grids`);
  assert.equal(new Set(grids.map((g) => g.name)).size, grids.length, 'grid names are unique');
  for (const { name, cells } of grids) {
    assert.ok(cells.length > 0, `grid ${name} is empty`);
    for (const text of cells) assert.ok(text !== '' && Number.isFinite(Number(text)), `grid ${name}: cell "${text}"`);
  }

  // Every control has an accessible name.
  const unnamed = await page.$$eval('input, select, button', (els) => els
    .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent.trim())))
    .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  assert.ok(await page.locator('#learn-filter table[data-grid="learned-filter"]').isVisible(), 'section 8 (tests/e2e/lesson-learn.test.mjs)');
  assert.deepEqual(problems, []);
});

test('the stepper walks the filter: 3 + (−2) = 1, 1 + (−2) = −1, 0 + (−2) = −2', async () => {
  await reset();
  const step = async () => ({
    dot: await num('#step-dot'), bias: await num('#step-bias'), value: await num('#step-value'),
    text: (await page.textContent('#step-equation')).replace(/\s+/g, ' ').trim(),
  });
  assert.deepEqual(await step(), { dot: 3, bias: -2, value: 1, text: '3 + (\u22122) = 1' });
  assert.deepEqual(await readGrid('products'), FILTER.map((row, i) => row.map((w, j) => w * O_IMAGE[i][j])));
  assert.equal(await page.locator('table[data-grid="window-input"] td.in-window').count(), 9);
  assert.equal(await page.locator('table[data-grid="feature-map-steps"] td.pending').count(), 15);
  assert.ok(await page.locator('#step-previous').isDisabled());

  await page.click('#step-next');
  assert.deepEqual(await step(), { dot: 1, bias: -2, value: -1, text: '1 + (\u22122) = \u22121' });
  await page.focus('#step-next');
  await page.keyboard.press('Enter');  // keyboard works too
  assert.deepEqual(await step(), { dot: 0, bias: -2, value: -2, text: '0 + (\u22122) = \u22122' });
  const windowCells = await page.$$eval('table[data-grid="window-input"] tr', (rows) =>
    rows.flatMap((row, r) => Array.from(row.cells).flatMap((td, c) => (td.classList.contains('in-window') ? [[r, c]] : []))));
  assert.deepEqual(windowCells, [[0, 2], [0, 3], [0, 4], [1, 2], [1, 3], [1, 4], [2, 2], [2, 3], [2, 4]]);
  assert.equal(await page.locator('table[data-grid="feature-map-steps"] td.pending').count(), 13);

  // "Same for the second row of the feature map": 1 + (−2) = −1.
  await page.getByLabel('Filter position').fill('4');
  assert.deepEqual(await step(), { dot: 1, bias: -2, value: -1, text: '1 + (\u22122) = \u22121' });
  assert.match(await page.textContent('#step-status'), /row 2, column 1/);
  await page.click('#step-previous');
  assert.equal(await page.inputValue('#step-range'), '3');

  // Every position's value is the lecture's feature map; clicking a cell jumps there.
  await page.locator('table[data-grid="feature-map-steps"] tr').nth(3).locator('td').nth(3).click();
  assert.equal(await page.inputValue('#step-range'), '15');
  assert.deepEqual(await step(), { dot: 3, bias: -2, value: 1, text: '3 + (\u22122) = 1' });
  assert.deepEqual(await readGrid('feature-map-steps'), O_FEATURE_MAP);
  assert.equal(await page.locator('table[data-grid="feature-map-steps"] td.pending').count(), 0);

  // Play from the end restarts at the start and moves on by itself.
  await page.click('#step-play');
  await page.waitForFunction(() => Number(document.querySelector('#step-range').value) >= 1, null, { timeout: TIMEOUT });
  await page.click('#step-play');
  assert.equal(await page.getAttribute('#step-play', 'aria-pressed'), 'false');
  assert.deepEqual(problems, []);
});

test('the X gives the reference values and the network says X', async () => {
  await reset();
  await page.click('#use-x');
  await assertPipeline(X_IMAGE, FILTER, BIAS, {}, 'X');
  assert.notDeepEqual(await readGrid('pooled'), O_POOLED);
  assert.equal(await page.getAttribute('#prediction', 'data-label'), 'X');
  const confidence = Number(await page.getAttribute('#prediction', 'data-confidence'));
  assert.ok(confidence > 0.5 && confidence <= 1, `confidence ${confidence}`);
  await page.click('#use-o');
  assert.equal(await page.getAttribute('#prediction', 'data-label'), 'O');
});

test('editing a filter weight or the bias changes the feature map correctly', async () => {
  await reset();
  await weight(1, 1).fill('2');
  const f = FILTER.map((row) => [...row]);
  f[0][0] = 2;
  await assertPipeline(O_IMAGE, f, BIAS, {}, 'weight (1,1) = 2');

  await weight(2, 3).fill('-0.5');
  f[1][2] = -0.5;
  await page.getByLabel('Bias', { exact: true }).fill('1');
  await assertPipeline(O_IMAGE, f, 1, {}, 'weight (2,3) = −0.5, bias 1');
  assert.deepEqual(await readGrid('feature-map'), round3(conv2d(O_IMAGE, f, 1)));

  // An empty weight is marked invalid and changes nothing.
  const before = await readGrid('feature-map');
  await weight(3, 3).fill('');
  assert.equal(await weight(3, 3).getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await readGrid('feature-map'), before);
  await weight(3, 3).fill('5000');  // out of range: also refused
  assert.equal(await weight(3, 3).getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await readGrid('feature-map'), before);
  await weight(3, 3).fill('0');
  assert.equal(await weight(3, 3).getAttribute('aria-invalid'), 'false');

  await page.click('#reset-filter');
  assert.equal(await weight(1, 1).inputValue(), '0');
  assert.equal(await page.getByLabel('Bias', { exact: true }).inputValue(), '-2');
  assert.deepEqual(await readGrid('feature-map'), O_FEATURE_MAP);
  assert.deepEqual(problems, []);
});

test('clicking (or pressing Enter on) a pixel edits the input', async () => {
  await reset();
  const cell = (r, c) => page.locator('table[data-grid="input"] tr').nth(r).locator('td').nth(c);
  await cell(0, 0).click();
  const img = O_IMAGE.map((row) => [...row]);
  img[0][0] = 1;
  await assertPipeline(img, FILTER, BIAS, {}, 'pixel (1,1) flipped');

  // The focus stays on the flipped cell; arrows move it, Enter flips.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  img[0][1] = 1;
  assert.deepEqual(await readGrid('input'), img);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press(' ');
  img[1][1] = 0;
  assert.deepEqual(await readGrid('input'), img);
  assert.deepEqual(await readGrid('feature-map'), conv2d(img, FILTER, BIAS));

  await page.click('#clear-input');
  const blank = O_IMAGE.map((row) => row.map(() => 0));
  await assertPipeline(blank, FILTER, BIAS, {}, 'cleared');
  assert.equal(await page.getAttribute('#prediction', 'data-label'), '', 'a tie on a blank image');
  await page.click('#use-o');
  assert.deepEqual(await readGrid('input'), O_IMAGE);
});

test('stride, padding and pooling give the right shapes and values', async () => {
  await reset();
  for (const padding of [0, 1, 2]) {
    await page.getByLabel('Padding', { exact: true }).selectOption(String(padding));
    for (const stride of [1, 2, 3]) {
      await page.getByLabel('Stride', { exact: true }).selectOption(String(stride));
      const what = `stride ${stride}, padding ${padding}`;
      const grids = await assertPipeline(O_IMAGE, FILTER, BIAS, { stride, padding }, what);
      const padded = grids['window-input'];
      assert.deepEqual(padded, pad(O_IMAGE, padding), `window-input ${what}`);
      assert.equal(grids.padCells, padded.length ** 2 - 36, `padding ring ${what}`);
      // Section 5 shows all three strides at the current padding.
      for (const s of [1, 2, 3]) assert.deepEqual(grids[`stride-${s}`], conv2d(O_IMAGE, FILTER, BIAS, s, padding), `stride-${s} at ${what}`);
    }
  }
  // The lecture's shapes: 6×6, no padding → 4×4 (stride 1), 2×2 (stride 2, 3); padding 1 keeps 6×6.
  await page.getByLabel('Padding', { exact: true }).selectOption('0');
  await page.getByLabel('Stride', { exact: true }).selectOption('1');
  assert.equal(await page.getAttribute('#stride-1-formula', 'data-rows'), '4');
  assert.equal(await page.getAttribute('#stride-2-formula', 'data-rows'), '2');
  assert.equal(await page.getAttribute('#stride-3-formula', 'data-rows'), '2');

  // Average pooling of the O: each 2×2 block of the post-ReLU map averaged.
  await page.getByLabel('Average pooling').check();
  assert.deepEqual(await readGrid('pooled'), [[0.25, 0], [0, 0.25]]);
  await assertPipeline(O_IMAGE, FILTER, BIAS, { kind: 'average' }, 'average pool');
  assert.match(await page.textContent('#pool-title'), /average/i);

  // 3×3 and 4×4 pools on a 6×6 map (padding 1), max and average.
  await page.getByLabel('Padding', { exact: true }).selectOption('1');
  for (const poolSize of [3, 4]) {
    for (const kind of ['max', 'average']) {
      await page.getByLabel(kind === 'max' ? 'Max pooling' : 'Average pooling').check();
      await page.getByLabel('Pool size').selectOption(String(poolSize));
      await assertPipeline(O_IMAGE, FILTER, BIAS, { padding: 1, poolSize, kind }, `${kind} pool ${poolSize}, padding 1`);
      const ps = Math.floor(6 / poolSize);
      assert.equal((await readGrid('flatten'))[0].length, ps * ps, 'flatten has PH·PW values');
      assert.equal((await readGrid('dense-weights'))[0].length, ps * ps, 'dense weights fit');
    }
  }
  // Stride 2 leaves a 3×3 map: a 4×4 pool no longer fits, so it falls back to 3×3 and says so.
  await page.getByLabel('Stride', { exact: true }).selectOption('2');
  assert.equal(await page.inputValue('#pool-size-select'), '3');
  assert.match(await page.textContent('#pool-note'), /does not fit/);
  assert.ok(await page.locator('#pool-size-select option[value="4"]').isDisabled());
  await assertPipeline(O_IMAGE, FILTER, BIAS, { stride: 2, padding: 1, poolSize: 3, kind: 'average' }, 'fallback pool');
  assert.equal(await page.locator('[role="alert"]').isVisible(), false);
  assert.deepEqual(problems, []);
});

test('the padding slide: engine output equals the corrected slide, the two misprints are pointed out', async () => {
  assert.deepEqual(await readGrid('padded-input'), pad(PADDING_INPUT, 1));
  assert.deepEqual(await readGrid('padding-filter'), EDGE_FILTER);
  assert.deepEqual(conv2d(PADDING_INPUT, EDGE_FILTER, 0, 1, 1), PADDING_OUTPUT, 'reference check');
  assert.deepEqual(await readGrid('padding-output'), PADDING_OUTPUT);
  assert.deepEqual(await readGrid('padding-slide'), PADDING_SLIDE);

  const errata = await page.$$eval('#padding-errata li', (items) => items.map((li) => ({ ...li.dataset })));
  assert.deepEqual(errata, [
    { row: '4', col: '1', printed: '11', computed: '-11' },
    { row: '5', col: '5', printed: '10', computed: '11' },
  ]);
  const marked = (name) => page.$$eval(`table[data-grid="${name}"] tr`, (rows) =>
    rows.flatMap((row, r) => Array.from(row.cells).flatMap((td, c) => (td.classList.contains('erratum') ? [[r + 1, c + 1]] : []))));
  assert.deepEqual(await marked('padding-slide'), [[4, 1], [5, 5]]);
  assert.deepEqual(await marked('padding-output'), [[4, 1], [5, 5]]);

  // "Show the window" for row 4, column 1: the products of that window, summing to −11.
  await page.getByRole('button', { name: 'Show the window for row 4, column 1' }).click();
  const window = pad(PADDING_INPUT, 1).slice(3, 6).map((row) => row.slice(0, 3));
  assert.deepEqual(await readGrid('padding-products'), EDGE_FILTER.map((row, i) => row.map((w, j) => w * window[i][j] + 0)));
  assert.equal(await num('#padding-sum'), -11);
  await page.locator('table[data-grid="padding-output"] tr').nth(4).locator('td').nth(4).click();
  assert.equal(await num('#padding-sum'), 11);
});

test('RGB channels: per-channel results, and their sum plus the bias', async () => {
  const channel = (name) => readGrid(`rgb-${name}`);
  const kernel = (name) => readGrid(`kernel-${name}`);
  const results = {};
  for (const c of ['r', 'g', 'b']) {
    const img = await channel(c);
    assert.equal(img.length, 5);
    results[c] = conv2d(img, await kernel(c), 0);
    assert.deepEqual(await readGrid(`channel-${c}`), results[c], `channel-${c}`);
  }
  const bias = Number((await page.textContent('#rgb-bias')).replace('\u2212', '-'));
  const expected = results.r.map((row, y) => row.map((v, x) => v + results.g[y][x] + results.b[y][x] + bias));
  assert.deepEqual(await readGrid('rgb-output'), expected);
  assert.equal(expected[1][1], 3, 'the three strokes cross in the middle');

  // Flip a blue pixel: the blue result and the output follow.
  await page.locator('table[data-grid="rgb-b"] tr').nth(0).locator('td').nth(0).click();
  const blue = await channel('b');
  assert.equal(blue[0][0], 1);
  const blueResult = conv2d(blue, await kernel('b'), 0);
  assert.deepEqual(await readGrid('channel-b'), blueResult);
  assert.deepEqual(await readGrid('rgb-output'), results.r.map((row, y) => row.map((v, x) => v + results.g[y][x] + blueResult[y][x] + bias)));
  await page.locator('table[data-grid="rgb-output"] tr').nth(0).locator('td').nth(0).click();
  assert.equal(await num('#rgb-equation'), results.r[0][0] + results.g[0][0] + blueResult[0][0] + bias);
  await page.locator('table[data-grid="rgb-b"] tr').nth(0).locator('td').nth(0).click();  // back
});

test('DNN vs CNN: 784×30 + 30×10 + 30 + 10 = 23,860, checked by the engine', async () => {
  assert.match((await page.textContent('#dnn-formula')).replace(/\s+/g, ' '), /784 × 30 \+ 30 × 10 \+ 30 \+ 10 = 23,520 \+ 300 \+ 30 \+ 10 = 23,860/);
  assert.equal(await page.getAttribute('#dnn-check', 'data-ok'), 'true');
  assert.equal(await page.getAttribute('#dnn-check', 'data-engine-count'), '23860');
  assert.equal(await page.getAttribute('#toy-check', 'data-ok'), 'true');
  assert.equal(await page.textContent('#toy-total'), '20');  // conv 3×3 + 1, dense 2×4 + 2
  // The shipped CNN (web/models/mnist-cnn.safetensors, in git).
  assert.ok(await page.locator('#cnn-params').isVisible());
  assert.equal(await page.getAttribute('#cnn-check', 'data-ok'), 'true');
  assert.ok(await page.locator('#cnn-params-body tr').count() >= 2);
});

test('a shipped CNN is counted layer by layer, and the engine agrees', async () => {
  // The format spec's example architecture (src/io/FORMAT.md): conv1 8×5×5 → relu → pool 2 → flatten → fc1 10 → softmax.
  const architecture = {
    input: { channels: 1, height: 28, width: 28 },
    labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    layers: [
      { name: 'conv1', type: 'conv2d', out_channels: 8, kernel: 5, stride: 1, padding: 0 },
      { name: 'relu1', type: 'relu' },
      { name: 'pool1', type: 'maxpool2d', kernel: 2, stride: 2 },
      { name: 'flatten', type: 'flatten' },
      { name: 'fc1', type: 'dense', out_features: 10 },
      { name: 'softmax', type: 'softmax' },
    ],
  };
  const bytes = encodeSafetensors([
    { name: 'conv1.weight', shape: [8, 1, 5, 5], data: new Float32Array(200) },
    { name: 'conv1.bias', shape: [8], data: new Float32Array(8) },
    { name: 'fc1.weight', shape: [10, 8 * 12 * 12], data: new Float32Array(11520) },
    { name: 'fc1.bias', shape: [10], data: new Float32Array(10) },
  ], { format: 'convscope/1', architecture: JSON.stringify(architecture) });
  const p = await context.newPage();
  const seen = watch(p);
  try {
    await p.route('**/models/mnist-cnn.safetensors', (route) => route.fulfill({
      status: 200, contentType: 'application/octet-stream', body: Buffer.from(bytes),
    }));
    await p.goto(`${baseUrl}lesson.html`);
    await p.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
    assert.ok(await p.locator('#cnn-params').isVisible());
    assert.equal(await p.locator('#cnn-note').isVisible(), false);
    const rows = await p.$$eval('#cnn-params-body tr', (trs) => trs.map((tr) => [tr.dataset.layer, Number(tr.dataset.count)]));
    assert.deepEqual(rows, [['conv1', 8 * 25 + 8], ['fc1', 1152 * 10 + 10]]);
    assert.equal(await p.getAttribute('#cnn-total', 'data-value'), String(208 + 11530));
    assert.equal(await p.getAttribute('#cnn-check', 'data-ok'), 'true');
    assert.deepEqual(seen, []);
  } finally {
    await p.close();
  }
});

test('the start page and the lesson link to each other', async () => {
  const index = await (await fetch(baseUrl)).text();
  assert.match(index, /<a [^>]*href="\.\/lesson\.html"/, 'index.html links to lesson.html');
  assert.ok(await page.locator('nav a[href="./index.html"]').count() >= 1, 'lesson.html links to index.html');
});

test('a missing engine shows an error, not a half-drawn page', async () => {
  const p = await context.newPage();
  try {
    await p.route('**/engine/convscope*.mjs', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
    await p.goto(`${baseUrl}lesson.html`);
    await p.waitForSelector('body[data-ready="error"]', { timeout: TIMEOUT });
    const alert = p.locator('[role="alert"]');
    assert.ok(await alert.isVisible());
    assert.match(await alert.textContent(), /engine/i);
    assert.equal(await p.locator('table[data-grid="feature-map"]').isVisible(), false);
  } finally {
    await p.close();
  }
});
