// The drawing page's receptive field on models it has never seen: random stacks of conv2d
// (kernels 1–5, strides 1–3, "same" — asymmetric for even kernels —, "valid", explicit and
// [h, w] padding) and pooling layers, loaded through #model-file. Clicking a cell of the deepest
// windowed layer must mark on the input exactly the field that the engine's own description
// of the layers (cs.describeArchitecture: kernel, stride, the four paddings) gives.
// Run: node --experimental-wasm-relaxed-simd --test tests/e2e/receptive-field.test.mjs   (needs web/engine/, /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, watch, TIMEOUT } from './browser.mjs';
import { drawMouse, SEVEN } from './page-helpers.mjs';
import createConvScope from './node-engine.mjs';  // the build the pages pick
import { encodeSafetensors } from '../../web/js/safetensors.js';
import { makeRng } from '../js/helpers.mjs';

const cs = await createConvScope();
let browser;
before(async () => { browser = await launchBrowser('convscope-rf-'); });
after(async () => { await browser?.close(); });

// A random drawable architecture (1 channel, 12–40 px a side) with at least three windowed
// layers, that the engine accepts → {architecture, layers: its description}.
function randomModel(rng) {
  for (;;) {
    const input = { channels: 1, height: rng.int(12, 40), width: rng.int(12, 40) };
    const spatial = [];
    for (let i = 0, n = rng.int(3, 6); i < n; i++) {
      const name = `w${i}`;
      if (rng.next() < 0.65) {
        spatial.push({
          name, type: 'conv2d', out_channels: rng.int(1, 3), kernel: [rng.int(1, 5), rng.int(1, 5)],
          stride: [rng.int(1, 3), rng.int(1, 3)], padding: rng.pick(['same', 'valid', rng.int(0, 2), [rng.int(0, 2), rng.int(0, 2)]]),
        });
        if (rng.next() < 0.5) spatial.push({ name: `relu${i}`, type: 'relu' });
      } else {
        spatial.push({ name, type: rng.pick(['maxpool2d', 'avgpool2d']), kernel: rng.int(1, 3), stride: rng.int(1, 3) });
      }
    }
    const architecture = {
      input, labels: ['a', 'b', 'c'],
      layers: [...spatial, { name: 'flat', type: 'flatten' }, { name: 'fc', type: 'dense', out_features: 3 }, { name: 'out', type: 'softmax' }],
    };
    try {
      return { architecture, layers: cs.describeArchitecture(architecture) };
    } catch {
      // a window larger than its input: draw again
    }
  }
}

// The model's file, weights random, shaped by the engine's description.
function modelBytes({ architecture, layers }, rng) {
  const tensors = [];
  for (const l of layers) {
    let shape = null;
    if (l.type === 'conv2d') shape = [l.outputShape[0], l.inputShape[0], ...l.kernel];
    if (l.type === 'dense') shape = [l.outputShape[0], l.inputShape[0]];
    if (!shape) continue;
    tensors.push({ name: `${l.name}.weight`, shape, data: rng.floats(shape.reduce((a, b) => a * b, 1), -0.5, 0.5) });
    tensors.push({ name: `${l.name}.bias`, shape: [shape[0]], data: rng.floats(shape[0], -0.1, 0.1) });
  }
  return encodeSafetensors(tensors, { format: 'convscope/1', architecture: JSON.stringify(architecture) });
}

// The input rows and columns that cell (y, x) of layer i's output depends on, from the
// description: back through every window (y·S − P_top .. y·S − P_top + K − 1), clipped to each
// layer's input.
function fieldOf(layers, i, y, x) {
  let r = { y0: y, x0: x, y1: y, x1: x };
  for (let j = i; j >= 0; j--) {
    const l = layers[j];
    if (l.kernel) {
      const [kh, kw] = l.kernel, [sh, sw] = l.stride, { top, left } = l.padding;
      r = { y0: r.y0 * sh - top, y1: r.y1 * sh - top + kh - 1, x0: r.x0 * sw - left, x1: r.x1 * sw - left + kw - 1 };
    }
    const [, h, w] = l.inputShape;
    r = { y0: Math.max(0, r.y0), x0: Math.max(0, r.x0), y1: Math.min(h - 1, r.y1), x1: Math.min(w - 1, r.x1) };
  }
  return r;
}

test('the receptive field of a deep cell on random architectures is the engine\'s', async () => {
  const rng = makeRng(20261202);
  const page = await browser.context.newPage();
  const problems = watch(page);
  try {
    await page.goto(browser.baseUrl);
    await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
    for (let trial = 0; trial < 4; trial++) {
      const model = randomModel(rng);
      const context = `trial ${trial}: ${JSON.stringify(model.architecture)}`;
      await page.setInputFiles('#model-file', { name: `random-${trial}.safetensors`, mimeType: 'application/octet-stream', buffer: Buffer.from(modelBytes(model, rng)) });
      await page.waitForFunction((n) => document.querySelectorAll('#layer-panels > [data-layer]').length === n
        && document.querySelector('#layer-panels > [data-layer]')?.dataset.layer === 'w0', model.layers.length, { timeout: TIMEOUT });
      assert.equal(await page.locator('[role="alert"]:visible').count(), 0, context);
      await drawMouse(page, SEVEN);
      // the deepest layer with a window, and a random cell of its first map
      const i = model.layers.findLastIndex((l) => l.kernel);
      const layer = model.layers[i];
      const [, oh, ow] = layer.outputShape;
      const y = rng.int(0, oh - 1), x = rng.int(0, ow - 1);
      const canvas = page.locator(`[data-layer="${layer.name}"] figure[data-part="output"][data-channel="0"] canvas`);
      await canvas.scrollIntoViewIfNeeded();
      const box = await canvas.boundingBox();
      assert.deepEqual(await canvas.evaluate((c) => [c.height, c.width]), [oh, ow], context);
      await page.mouse.click(box.x + ((x + 0.5) / ow) * box.width, box.y + ((y + 0.5) / oh) * box.height);
      const marks = page.locator('#input-marks .mark-field');
      await marks.first().waitFor({ timeout: TIMEOUT });
      assert.equal(await marks.count(), 1, context);
      const { height: h, width: w } = model.architecture.input;
      const shown = await marks.first().evaluate((m, [h, w]) => {
        const at = (v, n) => Math.round((parseFloat(v) / 100) * n);
        const x0 = at(m.style.left, w), y0 = at(m.style.top, h);
        return { y0, x0, y1: y0 + at(m.style.height, h) - 1, x1: x0 + at(m.style.width, w) - 1 };
      }, [h, w]);
      assert.deepEqual(shown, fieldOf(model.layers, i, y, x), `${layer.name} cell (${y}, ${x}); ${context}`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
