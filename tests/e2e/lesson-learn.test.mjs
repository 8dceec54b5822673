// Lesson page, section 8 "Learning the filter", in headless Chromium: the generated O/X training set,
// training from seeded random weights (Train, Pause, One step, Reset to random, the seed), the loss
// falling well below its start, 100% training accuracy, the learned filter changing, and the trained
// net getting the lecture's own O and X right, all computed in a Web Worker. Numbers are read from
// the page's data attributes; after a click the page is read once the worker has answered
// (#learn-progress loses aria-busy). The random start shown at ready comes from the page's own engine
// and must be the worker's.
// Run: node --test tests/e2e/lesson-learn.test.mjs   (needs web/engine/, /usr/bin/chromium, playwright-core)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import { makeOxDataset, shiftImage } from '../../web/js/lesson/ox-dataset.js';
import { FILTER, O_IMAGE, X_IMAGE } from '../fixtures/lecture.mjs';

let browser;
let page;
let problems;  // on page: console errors, uncaught exceptions, failed requests, HTTP ≥ 400

before(async () => {
  browser = await launchBrowser('convscope-learn-');
  page = await browser.context.newPage();
  problems = watch(page);
  await page.goto(`${browser.baseUrl}lesson.html`);
  await page.waitForSelector('body[data-ready]', { timeout: TIMEOUT });
});

after(() => browser?.close());

function readGrid(name) {
  return page.$$eval(`table[data-grid="${name}"] tr`, (rows) =>
    rows.map((row) => Array.from(row.cells, (cell) => Number(cell.textContent.trim()))));
}
// The progress element's data attributes, numbers where they are numbers.
async function progress() {
  const data = await page.evaluate(() => ({ ...document.querySelector('#learn-progress').dataset }));
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, k === 'state' ? v : Number(v)]));
}
const settled = () => page.waitForSelector('#learn-progress:not([aria-busy="true"])', { timeout: TIMEOUT });
const waitForState = (state) => page.waitForSelector(`#learn-progress[data-state="${state}"]`, { timeout: TIMEOUT });
const verdict = (l) => page.evaluate((id) => {
  const el = document.querySelector(`#learn-test-${id}-verdict`);
  const probs = Object.fromEntries(Array.from(document.querySelectorAll(`#learn-test-${id}-probs li`), (li) => [li.dataset.label, Number(li.dataset.value)]));
  return { label: el.dataset.label, confidence: Number(el.dataset.confidence), probs };
}, l);
const seedInput = () => page.getByLabel('Random seed', { exact: true });
async function setSeed(value) {
  await seedInput().fill(String(value));
  await seedInput().dispatchEvent('change');
  await settled();
}
// Back to seed 1's random start.
async function resetTo(seed = 1) {
  await setSeed(seed);
  await page.click('#learn-reset');
  await settled();
  await waitForState('ready');
}

test('the training set: 32 O\'s and 32 X\'s, each the lecture\'s letter moved ≤ 1 pixel, ≤ 2 pixels flipped', async () => {
  const data = makeOxDataset();
  assert.equal(data.n, 64);
  assert.deepEqual(data.labels, [...Array(32).fill(0), ...Array(32).fill(1)]);
  assert.deepEqual(data.images[0], O_IMAGE, 'copy 0 of the O is the lecture\'s O');
  assert.deepEqual(data.images[32], X_IMAGE, 'copy 0 of the X is the lecture\'s X');
  const distance = (a, b) => a.flat().reduce((n, v, i) => n + (v !== b.flat()[i]), 0);
  let noisy = 0;
  data.images.forEach((image, i) => {
    const base = data.labels[i] === 0 ? O_IMAGE : X_IMAGE;
    let best = Infinity;
    for (const dy of [-1, 0, 1]) for (const dx of [-1, 0, 1]) {
      // Reference shift, written out: out[y][x] = base[y − dy][x − dx], 0 outside.
      const moved = base.map((row, y) => row.map((_, x) => base[y - dy]?.[x - dx] ?? 0));
      best = Math.min(best, distance(image, moved));
    }
    assert.ok(best <= 2, `image ${i}: ${best} pixels from every shift of its letter`);
    noisy += best > 0;
  });
  assert.ok(noisy >= 40, `${noisy} noisy images`);
  assert.equal(data.inputs.length, 64 * 36);
  assert.deepEqual(Array.from(data.inputs.subarray(36, 72)), data.images[1].flat());
  assert.deepEqual(shiftImage([[1, 2], [3, 4]], 1, -1), [[0, 0], [2, 0]]);
  assert.deepEqual(makeOxDataset().images, data.images, 'deterministic');

  // The page shows them all, 32 per strip, each described.
  assert.equal(await page.locator('#learn-strip-o-list canvas').count(), 32);
  assert.equal(await page.locator('#learn-strip-x-list canvas').count(), 32);
  const labels = await page.$$eval('#learn-strip-x-list canvas', (cs) => cs.map((c) => c.getAttribute('aria-label')));
  assert.equal(labels[0], 'X: not shifted');
  assert.ok(labels.every((l) => /^X: (not shifted|shifted 1 )/.test(l)), labels.join('; '));
});

test('the random start: seed 1, step 0, a 3×3 filter, the lecture\'s filter beside it, a guessing loss', async () => {
  assert.equal(await page.getAttribute('body', 'data-ready'), 'true', await page.textContent('#error'));
  const p = await progress();
  assert.equal(p.state, 'ready');
  assert.equal(p.step, 0);
  assert.equal(p.total, 64);
  assert.ok(p.lossStart > 0.3 && p.lossStart < 3, `start loss ${p.lossStart}`);
  assert.equal(await seedInput().inputValue(), '1');
  const filter = await readGrid('learned-filter');
  assert.equal(filter.length, 3);
  assert.ok(filter.every((row) => row.length === 3 && row.every(Number.isFinite)));
  assert.ok(filter.flat().some((v) => v !== 0), 'random, not zero');
  assert.deepEqual(await readGrid('learn-lecture-filter'), FILTER);
  assert.equal((await page.textContent('#learn-lecture-bias')).trim(), '\u22122');
  assert.equal(await page.textContent('#learn-train'), 'Train');
  assert.ok(await page.locator('#learn-loss-chart').isVisible());
  assert.match(await page.getAttribute('#learn-loss-chart', 'aria-label'), /^Loss curve/);
  assert.deepEqual(problems, []);
});

test('the random start shown at ready (the page\'s engine) is the one the worker trains from', async () => {
  // what the page drew at ready, before the worker was asked for anything by a click
  const shown = { filter: await readGrid('learned-filter'), progress: await progress(), O: await verdict('o'), X: await verdict('x') };
  await page.click('#learn-reset');  // seed 1 again, now the worker's answer
  await settled();
  assert.deepEqual(await readGrid('learned-filter'), shown.filter);
  const p = await progress();
  for (const key of ['lossStart', 'loss', 'correct', 'accuracy']) assert.equal(p[key], shown.progress[key], key);
  assert.deepEqual(await verdict('o'), shown.O);
  assert.deepEqual(await verdict('x'), shown.X);
});

test('Train: the loss falls well below its start, 100% training accuracy, the lecture\'s O and X right', async () => {
  await resetTo(1);
  const start = await progress();
  const initial = await readGrid('learned-filter');
  const initialBias = Number(await page.getAttribute('#learned-bias', 'data-value'));

  await page.focus('#learn-train');
  await page.keyboard.press('Enter');  // keyboard-usable
  await waitForState('done');
  const end = await progress();
  assert.equal(end.step, 300);
  assert.equal(end.lossStart, start.lossStart, 'the start loss is kept');
  assert.ok(end.lossEnd < end.lossStart / 10, `loss ${end.lossStart} → ${end.lossEnd}`);
  assert.ok(end.lossEnd < 0.1, `end loss ${end.lossEnd}`);
  assert.equal(end.correct, 64);
  assert.equal(end.accuracy, 1);
  assert.ok(page.workers().some((w) => w.url().endsWith('/js/lesson/train-worker.js')), 'trained in a Web Worker, not on the page\'s thread');
  assert.match(await page.textContent('#learn-progress'), /Step 300 of 300 · loss .* · training accuracy 64 of 64 \(100%\)/);

  const learned = await readGrid('learned-filter');
  assert.notDeepEqual(learned, initial, 'the filter changed');
  assert.ok(learned.flat().filter((v, i) => Math.abs(v - initial.flat()[i]) > 0.1).length >= 5, 'most weights moved');
  assert.notEqual(Number(await page.getAttribute('#learned-bias', 'data-value')), initialBias, 'the bias changed');

  for (const [id, label] of [['o', 'O'], ['x', 'X']]) {
    const v = await verdict(id);
    assert.equal(v.label, label, `the lecture's ${label}`);
    assert.ok(v.probs[label] > 0.9, `P(${label}) = ${v.probs[label]}`);
    assert.ok(Math.abs(v.probs.O + v.probs.X - 1) < 1e-5);
  }
  assert.equal(await page.locator('.thumbs li.wrong').count(), 0, 'no training image marked wrong');
  const points = await page.$eval('#learn-loss-chart polyline', (l) => l.getAttribute('points').trim().split(/\s+/).length);
  assert.equal(points, 301, 'one loss point per step, and the end');
  const summary = await page.textContent('#learn-summary');
  assert.match(summary, /backpropagation/);
  assert.match(summary, /20 parameters/);
  assert.match(summary, /need|Nothing asked for the lecture's filter/);
  assert.equal(await page.textContent('#learn-train'), 'Train again');
  assert.ok(await page.locator('#learn-step').isDisabled());
  assert.deepEqual(problems, []);
});

test('One step, Pause and Resume; Reset to random goes back to the same start', async () => {
  await resetTo(1);
  const initial = await readGrid('learned-filter');
  const start = await progress();

  await page.click('#learn-step');
  await settled();
  let p = await progress();
  assert.equal(p.step, 1);
  assert.equal(p.state, 'paused');
  assert.notDeepEqual(await readGrid('learned-filter'), initial, 'one step moves the filter');
  assert.equal(await page.textContent('#learn-train'), 'Resume');
  await page.click('#learn-step');
  await settled();
  assert.equal((await progress()).step, 2);

  // Resume, and pause from inside the page as soon as 20 more steps are done.
  const paused = await page.evaluate(() => new Promise((resolve) => {
    const el = document.querySelector('#learn-progress');
    const train = document.querySelector('#learn-train');
    new MutationObserver((_, observer) => {
      if (Number(el.dataset.step) >= 22 && el.dataset.state === 'running') {
        observer.disconnect();
        train.click();
        resolve(Number(el.dataset.step));
      }
    }).observe(el, { attributes: true });
    train.click();
  }));
  p = await progress();
  assert.equal(p.state, 'paused');
  assert.equal(p.step, paused);
  assert.ok(p.step < 300);
  await page.waitForTimeout(300);
  assert.equal((await progress()).step, paused, 'paused means paused');
  assert.equal(await page.getAttribute('#learn-train', 'aria-pressed'), 'false');

  await page.click('#learn-reset');
  await settled();
  p = await progress();
  assert.equal(p.state, 'ready');
  assert.equal(p.step, 0);
  assert.equal(p.lossStart, start.lossStart);
  assert.deepEqual(await readGrid('learned-filter'), initial, 'same seed, same start');
  assert.deepEqual(problems, []);
});

test('another seed gives another start; a bad seed is refused', async () => {
  await resetTo(1);
  const one = await readGrid('learned-filter');
  await setSeed(2);
  const two = await readGrid('learned-filter');
  assert.notDeepEqual(two, one);
  assert.equal((await progress()).state, 'ready');
  assert.match(await page.textContent('#learn-summary'), /seed 2/);

  for (const bad of ['-1', '1.5', '']) {
    await setSeed(bad);
    assert.equal(await seedInput().getAttribute('aria-invalid'), 'true', `seed "${bad}"`);
    assert.deepEqual(await readGrid('learned-filter'), two, `seed "${bad}" changes nothing`);
  }
  await setSeed(1);
  assert.equal(await seedInput().getAttribute('aria-invalid'), 'false');
  assert.deepEqual(await readGrid('learned-filter'), one);
  assert.equal(await page.locator('[role="alert"]').isVisible(), false);
  assert.deepEqual(problems, []);
});
