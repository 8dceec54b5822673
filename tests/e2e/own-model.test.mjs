// "Load your own model" on the drawing page (web/index.html), through the page contract of
// web/README.md: #model-file, drag and drop onto the page, one [data-layer] panel per layer of the
// loaded model, #prediction[data-label] for any labels and [data-digit] for digit models only, and
// role="alert" for a refused file while the model in use keeps predicting.
// The models are built here with random weights (web/js/safetensors.js); expected numbers come from
// the engine run here in Node, with the page's own input-adapter.js turning MNIST-style 28×28
// pictures into each model's input — whose resampling is itself checked first, against brute force.
// Screenshots (own model; an alert) go to $CONVSCOPE_SCREENSHOTS or /tmp/convscope-screenshots.
// Run: node --experimental-wasm-relaxed-simd --test tests/e2e/own-model.test.mjs   (needs web/engine/, /usr/bin/chromium, playwright-core)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import createConvScope from './node-engine.mjs';  // the build the pages pick
import { encodeSafetensors } from '../../web/js/safetensors.js';
import { adaptInput, adaptPlacement, MNIST_SIDE, resizeCentred } from '../../web/js/demo/input-adapter.js';
import { makeRng } from '../js/helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCREENSHOTS = process.env.CONVSCOPE_SCREENSHOTS ?? path.join(tmpdir(), 'convscope-screenshots');
const SAMPLES = JSON.parse(readFileSync(path.join(ROOT, 'web/models/mnist-samples.json'), 'utf8'));
const samplePicture = (k) => Float32Array.from(Buffer.from(SAMPLES.samples[k].pixels, 'base64'), (b) => b / 255);

// ---- Models with random weights ----

// architecture → [{name, shape, data}] of every conv2d/dense weight and bias, uniform ±√(3/fan_in)
// (variance 1/fan_in), for the shapes the architecture needs.
function randomTensors(architecture, seed) {
  const rng = makeRng(seed);
  const rnd = () => rng.float(-1, 1);  // uniform in [-1, 1)
  const fill = (shape, scale) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd() * scale);
  let [c, h, w] = [architecture.input.channels, architecture.input.height, architecture.input.width];
  let flat = null;
  const tensors = [];
  for (const l of architecture.layers) {
    const k = l.kernel, s = l.stride ?? l.kernel;
    if (l.type === 'conv2d') {
      const p = l.padding === 'same' ? (k - 1) / 2 : l.padding ?? 0;  // odd kernels, stride 1 for "same"
      tensors.push({ name: `${l.name}.weight`, shape: [l.out_channels, c, k, k], data: fill([l.out_channels, c, k, k], Math.sqrt(3 / (c * k * k))) });
      tensors.push({ name: `${l.name}.bias`, shape: [l.out_channels], data: fill([l.out_channels], 0.1) });
      [c, h, w] = [l.out_channels, Math.floor((h + 2 * p - k) / (l.stride ?? 1)) + 1, Math.floor((w + 2 * p - k) / (l.stride ?? 1)) + 1];
    } else if (l.type === 'maxpool2d' || l.type === 'avgpool2d') {
      [h, w] = [Math.floor((h - k) / s) + 1, Math.floor((w - k) / s) + 1];
    } else if (l.type === 'flatten') {
      flat = c * h * w;
    } else if (l.type === 'dense') {
      tensors.push({ name: `${l.name}.weight`, shape: [l.out_features, flat], data: fill([l.out_features, flat], Math.sqrt(3 / flat)) });
      tensors.push({ name: `${l.name}.bias`, shape: [l.out_features], data: fill([l.out_features], 0.1) });
      flat = l.out_features;
    }
  }
  return tensors;
}

const modelFile = (architecture, metadata = {}, seed = 1, edit = (t) => t) => encodeSafetensors(edit(randomTensors(architecture, seed)),
  { format: 'convscope/1', architecture: JSON.stringify(architecture), ...metadata });

// 3×32×32 → cat, dog, bird; layer names unlike the shipped models'.
const PETS = {
  input: { channels: 3, height: 32, width: 32 },
  labels: ['cat', 'dog', 'bird'],
  layers: [
    { name: 'c1', type: 'conv2d', out_channels: 6, kernel: 3, stride: 1, padding: 1 },
    { name: 'act1', type: 'relu' },
    { name: 'p1', type: 'maxpool2d', kernel: 2, stride: 2 },
    { name: 'c2', type: 'conv2d', out_channels: 8, kernel: 3, stride: 1, padding: 'same' },
    { name: 'act2', type: 'tanh' },
    { name: 'p2', type: 'avgpool2d', kernel: 2, stride: 2 },
    { name: 'flat', type: 'flatten' },
    { name: 'hidden', type: 'dense', out_features: 16 },
    { name: 'act3', type: 'sigmoid' },
    { name: 'scores', type: 'dense', out_features: 3 },
    { name: 'probs', type: 'softmax' },
  ],
};
const PETS_META = { description: 'cats, dogs and birds (random weights)', test_accuracy: '0.8125', test_auc: '0.93456' };
const PETS_BYTES = modelFile(PETS, PETS_META, 7);

// 1×25×25 jet images → QCD or W, ending in a dense layer (no softmax): the page applies one.
const JETS = {
  input: { channels: 1, height: 25, width: 25 },
  labels: ['QCD', 'W'],
  layers: [
    { name: 'conv', type: 'conv2d', out_channels: 4, kernel: 5, stride: 2, padding: 0 },
    { name: 'relu', type: 'relu' },
    { name: 'flatten', type: 'flatten' },
    { name: 'logits', type: 'dense', out_features: 2 },
  ],
};
const JETS_BYTES = modelFile(JETS, { test_auc: '0.95' }, 3);

// 1×20×40 digits (not 28×28, not square): data-digit still applies.
const WIDE_DIGITS = {
  input: { channels: 1, height: 20, width: 40 },
  labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  layers: [{ name: 'flatten', type: 'flatten' }, { name: 'fc', type: 'dense', out_features: 10 }, { name: 'softmax', type: 'softmax' }],
};

// Files the engine must refuse, each with the reason the page must show.
const BAD_FILES = {
  'not-safetensors.safetensors': Buffer.from('This is a text file, not a model. '.repeat(4)),
  'truncated.safetensors': PETS_BYTES.subarray(0, Math.floor(PETS_BYTES.length * 0.6)),
  'missing-tensor.safetensors': modelFile(PETS, {}, 7, (ts) => ts.filter((t) => t.name !== 'scores.bias')),
  'wrong-shape.safetensors': modelFile(PETS, {}, 7, (ts) => ts.map((t) => (t.name === 'c1.weight' ? { ...t, shape: [6, 1, 9, 3] } : t))),
};

// The engine in Node, started by the first test that needs it (the resampling tests do not).
let cs;
const engine = async () => (cs ??= await createConvScope());

// The engine's message for bytes, or null if it loads them.
async function engineMessage(bytes) {
  await engine();
  try {
    cs.loadModel(bytes).delete();
    return null;
  } catch (e) {
    return e.message;
  }
}

// The engine's output here for sample k of the MNIST strip, fitted to the model's input.
async function expectedForSample(bytes, k) {
  const model = (await engine()).loadModel(bytes);
  try {
    const input = adaptInput(samplePicture(k), model.architecture.input);
    return { input, output: model.forward(input).output };
  } finally {
    model.delete();
  }
}

// ---- The resampling behind "the same centring scaled to H×W" ----

// Centre of mass (row, column) of an h×w plane, pixel centres at whole indices.
function centreOfMass(plane, h, w) {
  let m = 0, my = 0, mx = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = plane[y * w + x];
    m += v;
    my += v * y;
    mx += v * x;
  }
  return { mass: m, y: my / m, x: mx / m };
}

// Brute force: each output pixel is the mean of n×n point samples of the source (nearest pixel)
// over its footprint, the 28×28 square scaled by s = min(H, W)/28 and centred.
function bruteForceArea(src, h, w, n = 24) {
  const s = Math.min(h, w) / MNIST_SIDE, oy = (h - MNIST_SIDE * s) / 2, ox = (w - MNIST_SIDE * s) / 2;
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let acc = 0;
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
      const sy = (y + (a + 0.5) / n - oy) / s, sx = (x + (b + 0.5) / n - ox) / s;
      if (sy >= 0 && sy < MNIST_SIDE && sx >= 0 && sx < MNIST_SIDE) acc += src[Math.floor(sy) * MNIST_SIDE + Math.floor(sx)];
    }
    out[y * w + x] = acc / (n * n);
  }
  return out;
}

test('input adapter: 1×28×28 as it is; shrinking averages areas (checked by brute force), keeps mass and centre', () => {
  for (const k of [0, 3, 7]) {
    const src = samplePicture(k);
    assert.equal(adaptInput(src, { channels: 1, height: 28, width: 28 }), src);
    const c28 = centreOfMass(src, 28, 28);
    for (const [h, w] of [[14, 14], [25, 25], [5, 5], [20, 40], [9, 6]]) {
      const out = resizeCentred(src, h, w);
      const ref = bruteForceArea(src, h, w);
      let worst = 0;
      for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - ref[i]));
      assert.ok(worst < 0.03, `${h}×${w}: area average differs from brute force by ${worst}`);
      assert.ok(out.every((v) => v >= 0 && v <= 1), `${h}×${w}: values in 0..1`);
      const s = Math.min(h, w) / 28;
      const c = centreOfMass(out, h, w);
      assert.ok(Math.abs(c.mass - c28.mass * s * s) < 1e-3 * c28.mass, `${h}×${w}: mass ${c.mass} vs ${c28.mass * s * s}`);
      // continuous centre (index + 0.5) scales by s about the square's corner, which sits at the margin
      const ey = (h - 28 * s) / 2 + (c28.y + 0.5) * s - 0.5, ex = (w - 28 * s) / 2 + (c28.x + 0.5) * s - 0.5;
      assert.ok(Math.abs(c.y - ey) < 0.15 && Math.abs(c.x - ex) < 0.15, `${h}×${w}: centre (${c.y}, ${c.x}) vs (${ey}, ${ex})`);
    }
  }
});

// The saliency maps are laid back over the pad through the engine's placement into 28×28, carried
// on into the model's input by adaptPlacement: a point of the 28×28 picture must land where the
// resize puts it (its centre of mass, in pixel-edge coordinates), and placements compose.
test('input adapter: adaptPlacement carries a placement into 28×28 on into the model\'s H×W', () => {
  const src = samplePicture(3);
  const c28 = centreOfMass(src, 28, 28);
  for (const [h, w] of [[14, 14], [20, 40], [9, 6], [56, 56], [40, 30]]) {
    const c = centreOfMass(resizeCentred(src, h, w), h, w);
    const p = adaptPlacement({ scale: 1, offsetX: 0, offsetY: 0 }, { height: h, width: w });
    const x = (c28.x + 0.5) * p.scale + p.offsetX, y = (c28.y + 0.5) * p.scale + p.offsetY;
    assert.ok(Math.abs(x - (c.x + 0.5)) < 0.15 && Math.abs(y - (c.y + 0.5)) < 0.15, `${h}×${w}: (${x}, ${y}) vs centre (${c.x + 0.5}, ${c.y + 0.5})`);
    const pad = { scale: 0.1, offsetX: 3, offsetY: -2 }, q = adaptPlacement(pad, { height: h, width: w });
    for (const [px, py] of [[0, 0], [140, 70], [280, 280]]) {
      const direct = [(px * pad.scale + pad.offsetX) * p.scale + p.offsetX, (py * pad.scale + pad.offsetY) * p.scale + p.offsetY];
      assert.ok(Math.abs(px * q.scale + q.offsetX - direct[0]) < 1e-9 && Math.abs(py * q.scale + q.offsetY - direct[1]) < 1e-9, `${h}×${w}: (${px}, ${py})`);
    }
  }
});

test('input adapter: enlarging is bilinear and centred; wide inputs get blank side margins; 3 channels are copies', () => {
  const src = samplePicture(5);
  // s = 2: source coordinate u = (t + ½)/2 − ½, so along each axis out[2k] = ¼·src[k−1] + ¾·src[k]
  // and out[2k+1] = ¾·src[k] + ¼·src[k+1]
  const out = resizeCentred(src, 56, 56);
  const along = (t) => (t % 2 === 0 ? [[t / 2 - 1, 0.25], [t / 2, 0.75]] : [[(t - 1) / 2, 0.75], [(t + 1) / 2, 0.25]]);
  for (const [y, x] of [[20, 20], [27, 31], [30, 24], [17, 40]]) {
    let v = 0;
    for (const [i, a] of along(y)) for (const [j, b] of along(x)) if (i >= 0 && i < 28 && j >= 0 && j < 28) v += a * b * src[i * 28 + j];
    assert.ok(Math.abs(out[y * 56 + x] - v) < 1e-6, `(${y}, ${x}): ${out[y * 56 + x]} vs ${v}`);
  }
  const c28 = centreOfMass(src, 28, 28), c56 = centreOfMass(out, 56, 56);
  assert.ok(Math.abs(c56.y - ((c28.y + 0.5) * 2 - 0.5)) < 0.05 && Math.abs(c56.x - ((c28.x + 0.5) * 2 - 0.5)) < 0.05);

  const wide = resizeCentred(src, 20, 40);  // s = 20/28: the square spans columns 10..29
  for (let y = 0; y < 20; y++) for (const x of [0, 9, 30, 39]) assert.equal(wide[y * 40 + x], 0, `margin (${y}, ${x})`);

  const rgb = adaptInput(src, { channels: 3, height: 32, width: 32 });
  assert.equal(rgb.length, 3 * 32 * 32);
  const plane = resizeCentred(src, 32, 32);
  for (let c = 0; c < 3; c++) assert.deepEqual(rgb.subarray(c * 1024, (c + 1) * 1024), plane);
});

// ---- The page ----

let browser, context, baseUrl;

before(async () => {
  browser = await launchBrowser('convscope-own-model-');
  ({ context, baseUrl } = browser);
});

after(() => browser?.close());

async function openPage(viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = watch(page);
  await page.goto(baseUrl);
  await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
  return { page, problems };
}

const prediction = (page) => page.$eval('#prediction', (p) => ({ ...p.dataset }));
const panelNames = (page) => page.$$eval('#layer-panels > [data-layer]', (els) => els.map((e) => e.dataset.layer));
const barLabels = (page) => page.$$eval('#probabilities li', (li) => li.map((l) => l.dataset.label));

async function pickFile(page, name, bytes) {
  await page.setInputFiles('#model-file', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
}

// Waits until the page uses the model whose first layer is `layer`.
const loadedWith = (page, layer) => page.waitForSelector(`#layer-panels > [data-layer="${layer}"]:first-child`, { timeout: TIMEOUT });

async function drawMouse(page, points) {
  await page.locator('#draw-canvas').scrollIntoViewIfNeeded();  // e.g. after an alert was scrolled into view
  const box = await page.locator('#draw-canvas').boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
  await page.mouse.up();
}
const SEVEN = [[0.25, 0.2], [0.5, 0.2], [0.75, 0.2], [0.62, 0.5], [0.5, 0.82]];
const LOOP = [[0.5, 0.15], [0.75, 0.4], [0.6, 0.85], [0.3, 0.7], [0.35, 0.3], [0.5, 0.15]];

// Draws, and checks the prediction is one of labels (digit only for digit models); → it.
async function drawAndPredict(page, labels, points = SEVEN) {
  await page.click('#clear-button');
  assert.equal((await prediction(page)).label, '', 'cleared');
  await drawMouse(page, points);
  const p = await prediction(page);
  assert.ok(labels.includes(p.label), `data-label ${JSON.stringify(p.label)} is one of ${labels}`);
  assert.ok(Number(p.confidence) > 0 && Number(p.confidence) <= 1, `confidence ${p.confidence}`);
  return p;
}

test('a 3×32×32 model with labels cat, dog, bird: panels, bars, facts and predictions are its own', async () => {
  const { page, problems } = await openPage();
  try {
    await pickFile(page, 'pets.safetensors', PETS_BYTES);
    await loadedWith(page, 'c1');
    assert.deepEqual(await panelNames(page), PETS.layers.map((l) => l.name));
    assert.equal(await page.isChecked('#model-own'), true);
    assert.equal(await page.$eval('#input-canvas', (c) => `${c.width}×${c.height}`), '32×32');
    assert.match(await page.textContent('#draw-help'), /cat, dog, bird/);

    // Facts: file name, parameters (the engine's count), description, test accuracy and AUC.
    const params = (await engine()).loadModel(PETS_BYTES);
    const count = params.parameterCount();
    params.delete();
    const facts = Object.fromEntries(await page.$$eval('#model-info [data-fact]', (els) => els.map((e) => [e.dataset.fact, e.querySelector('dd').textContent])));
    assert.equal(facts.file, 'pets.safetensors');
    assert.equal(facts.parameters, count.toLocaleString('en-US'));
    assert.match(facts.input, /^3×32×32/);
    assert.equal(facts.description, PETS_META.description);
    assert.equal(facts.test_accuracy, '81.25%');
    assert.equal(facts.test_auc, '0.9346');

    // Nothing drawn: no prediction, empty bars with the model's labels.
    assert.deepEqual(await barLabels(page), PETS.labels);
    assert.deepEqual(await prediction(page), { digit: '', confidence: '', label: '' });

    // A drawing: a label of this model, never a digit.
    const drawn = await drawAndPredict(page, PETS.labels);
    assert.equal(drawn.digit, '');
    assert.deepEqual(await barLabels(page), PETS.labels);

    // A sample picture: exactly the engine's answer for the picture fitted to 3×32×32 here.
    const k = 2;
    await page.click(`.sample[data-sample="${k}"]`);
    const { input, output } = await expectedForSample(PETS_BYTES, k);
    const best = output.indexOf(Math.max(...output));
    const p = await prediction(page);
    assert.deepEqual([p.label, p.digit, Number(p.confidence)], [PETS.labels[best], '', output[best]]);
    const bars = await page.$$eval('#probabilities li', (li) => li.map((l) => Number(l.dataset.value)));
    assert.deepEqual(bars, Array.from(output));

    // A conv cell reads all three (identical) input channels; its value is the engine's.
    const canvas = page.locator('[data-layer="c1"] figure[data-part="output"][data-channel="1"] canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await page.mouse.click(box.x + (12.5 / 32) * box.width, box.y + (15.5 / 32) * box.height);
    const explain = page.locator('[data-layer="c1"] .explain');
    assert.equal(await explain.locator('.explain-row[data-channel]').count(), 3);
    const model = (await engine()).loadModel(PETS_BYTES);
    const c1 = model.forward(input).layers[0].data;
    model.delete();
    assert.equal(Number(await explain.locator('[data-role="value"]').getAttribute('data-value')), c1[(1 * 32 + 15) * 32 + 12]);

    assert.equal(await page.locator('[role="alert"]').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('bad files: each shows the engine\'s message in an alert; the model in use stays and keeps predicting', async () => {
  const { page, problems } = await openPage();
  try {
    await pickFile(page, 'pets.safetensors', PETS_BYTES);
    await loadedWith(page, 'c1');
    for (const [name, bytes] of Object.entries(BAD_FILES)) {
      const message = await engineMessage(bytes);
      assert.ok(message, `the engine refuses ${name}`);
      await pickFile(page, name, bytes);
      const alert = page.locator('[role="alert"]');  // strict: exactly one
      await alert.waitFor({ state: 'visible', timeout: TIMEOUT });
      const text = await alert.textContent();
      assert.ok(text.includes(name) && text.includes(message), `${name}: alert "${text}" carries the engine's "${message}"`);
      console.log(`${name}: ${text}`);
      assert.deepEqual(await panelNames(page), PETS.layers.map((l) => l.name), `${name}: the pets model stays`);
      assert.equal(await page.isChecked('#model-own'), true);
      await drawAndPredict(page, PETS.labels, name.length % 2 ? SEVEN : LOOP);
      assert.equal(await alert.isVisible(), true, 'drawing leaves the alert');
    }

    // What the page itself refuses: an input it cannot draw into.
    const twoChannels = modelFile({ ...JETS, input: { channels: 2, height: 25, width: 25 } });
    assert.equal(await engineMessage(twoChannels), null, 'the engine loads it');
    await pickFile(page, 'two-channels.safetensors', twoChannels);
    await page.waitForFunction(() => /two-channels/.test(document.querySelector('[role="alert"]')?.textContent), null, { timeout: TIMEOUT });
    assert.match(await page.textContent('[role="alert"]'), /input 2×25×25: this page draws grey pictures into 1 or 3 channels/);
    await drawAndPredict(page, PETS.labels);

    // A good file afterwards loads and clears the alert.
    await pickFile(page, 'jets.safetensors', JETS_BYTES);
    await loadedWith(page, 'conv');
    assert.equal(await page.locator('[role="alert"]').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

// Drops a file on `selector` with a DataTransfer built in the page: dragenter (the hint shows),
// dragover (the drop is allowed), drop. → whether the hint showed and the drop was accepted.
function dropFile(page, selector, name, bytes) {
  return page.$eval(selector, (target, { name, base64 }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
    const send = (type) => target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    send('dragenter');
    const over = !send('dragover');  // canceled = the page takes the drop
    const hint = !document.querySelector('#drop-hint').hidden;
    const dropped = !send('drop');
    return { hint, over, dropped, after: !document.querySelector('#drop-hint').hidden };
  }, { name, base64: Buffer.from(bytes).toString('base64') });
}

test('drag and drop anywhere on the page loads a model; a dropped bad file is refused the same way', async () => {
  const { page, problems } = await openPage();
  try {
    assert.equal(await page.locator('#drop-hint').isVisible(), false);
    const r = await dropFile(page, '#draw-canvas', 'jets.safetensors', JETS_BYTES);
    assert.deepEqual(r, { hint: true, over: true, dropped: true, after: false });
    await loadedWith(page, 'conv');
    assert.deepEqual(await panelNames(page), JETS.layers.map((l) => l.name));
    assert.deepEqual(await barLabels(page), JETS.labels);
    // The last layer is dense: the bars are the page's softmax of its scores, and say so.
    assert.match(await page.textContent('#prob-note'), /softmax/);
    await page.click('.sample[data-sample="1"]');
    const { output } = await expectedForSample(JETS_BYTES, 1);
    const e = output.map((v) => Math.exp(v - Math.max(...output)));
    const probs = e.map((v) => v / e.reduce((a, b) => a + b));
    const best = probs[1] > probs[0] ? 1 : 0;
    const p = await prediction(page);
    assert.equal(p.label, JETS.labels[best]);
    assert.ok(Math.abs(Number(p.confidence) - probs[best]) < 1e-6, `${p.confidence} vs ${probs[best]}`);

    await dropFile(page, '#layers', 'truncated.safetensors', BAD_FILES['truncated.safetensors']);
    await page.locator('[role="alert"]').waitFor({ state: 'visible', timeout: TIMEOUT });
    assert.ok((await page.textContent('[role="alert"]')).includes(await engineMessage(BAD_FILES['truncated.safetensors'])));
    assert.deepEqual(await panelNames(page), JETS.layers.map((l) => l.name));
    await drawAndPredict(page, JETS.labels);

    // Text dragged over the page is left alone: no hint.
    const text = await page.$eval('main', (target) => {
      const dt = new DataTransfer();
      dt.setData('text/plain', 'hello');
      target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: dt }));
      return !document.querySelector('#drop-hint').hidden;
    });
    assert.equal(text, false);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('digit labels on another input size keep data-digit; back to the shipped CNN, all as before', async () => {
  const { page, problems } = await openPage();
  try {
    await pickFile(page, 'wide-digits.safetensors', modelFile(WIDE_DIGITS, {}, 11));
    await loadedWith(page, 'flatten');
    assert.equal(await page.$eval('#input-canvas', (c) => `${c.width}×${c.height}`), '40×20');
    const p = await drawAndPredict(page, WIDE_DIGITS.labels);
    assert.equal(p.digit, p.label, 'a digit model: data-digit is the label');
    await page.check('#model-cnn');
    await loadedWith(page, 'conv1');
    assert.equal(await page.$eval('#input-canvas', (c) => `${c.width}×${c.height}`), '28×28');
    const q = await drawAndPredict(page, WIDE_DIGITS.labels);
    assert.equal(q.digit, q.label);
    assert.equal(await page.textContent('#draw-title-text'), 'Draw a digit');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('screenshots with your own model and with an alert, at laptop and phone sizes (look at them)', async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    const { page, problems } = await openPage({ width, height });
    try {
      await pickFile(page, 'pets.safetensors', PETS_BYTES);
      await loadedWith(page, 'c1');
      await drawMouse(page, LOOP);
      const [scrollWidth, clientWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scrollWidth <= clientWidth, `${width}×${height}: page is ${scrollWidth} px wide`);
      await page.evaluate(() => scrollTo(0, 0));
      await page.screenshot({ path: path.join(SCREENSHOTS, `own-model-${width}x${height}.png`) });
      await page.screenshot({ path: path.join(SCREENSHOTS, `own-model-${width}x${height}-full.png`), fullPage: true });
      await pickFile(page, 'missing-tensor.safetensors', BAD_FILES['missing-tensor.safetensors']);
      await page.locator('[role="alert"]').waitFor({ state: 'visible', timeout: TIMEOUT });
      await page.locator('#model-switch').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, `own-model-alert-${width}x${height}.png`) });
      await page.evaluate(() => {
        const target = document.querySelector('main');
        const dt = new DataTransfer();
        dt.items.add(new File(['x'], 'x.safetensors'));
        target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: dt }));
      });
      await page.screenshot({ path: path.join(SCREENSHOTS, `own-model-drop-hint-${width}x${height}.png`) });
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  }
});

// ---- The lesson (web/lesson.html): the shipped CNN is in git, so not getting it is an error ----

test('lesson: a shipped CNN that cannot be fetched is an error shown in its section; the rest works', async () => {
  const page = await context.newPage();
  try {
    await page.route('**/models/mnist-cnn.safetensors', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' }));
    await page.goto(`${baseUrl}lesson.html`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
    const note = page.locator('#cnn-note');
    assert.equal(await note.getAttribute('role'), 'alert');
    assert.match(await note.textContent(), /could not be loaded.*mnist-cnn\.safetensors: HTTP 404/);
    assert.doesNotMatch(await note.textContent(), /not built/);
    assert.equal(await page.locator('#cnn-params').isVisible(), false);
    assert.equal(await page.getAttribute('#toy-check', 'data-ok'), 'true', 'the other sections still work');
  } finally {
    await page.close();
  }
});
