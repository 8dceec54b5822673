// model.forwardView(input): the drawing page's traced forward pass, whose layer data are views of
// the engine's memory instead of copies. It must give exactly forward()'s trace, hand back the
// same object call after call (no per-layer objects made per drawing update), make new live views
// when the wasm memory has grown, and refuse bad input with forward()'s own messages.
// Run: node --test tests/js/forward-view.test.mjs

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, loadEngine } from './helpers.mjs';
import { loadMnist } from './mnist.mjs';

let cs, mnist;
before(async () => {
  cs = await loadEngine();
  mnist = loadMnist('t10k');
});

const image = (k) => mnist.images.slice(k * 784, (k + 1) * 784);
const shipped = (name) => cs.loadModel(readFileSync(path.join(ROOT, 'web/models', name)));

function assertSameTrace(view, copy, what) {
  assert.equal(view.layers.length, copy.layers.length, what);
  view.layers.forEach((layer, i) => {
    const want = copy.layers[i];
    assert.equal(layer.name, want.name, `${what}: layer ${i} name`);
    assert.equal(layer.type, want.type, `${what}: ${want.name} type`);
    assert.deepEqual(layer.shape, want.shape, `${what}: ${want.name} shape`);
    assert.ok(layer.data instanceof Float32Array, `${what}: ${want.name} data is a Float32Array`);
    assert.deepEqual(Array.from(layer.data), Array.from(want.data), `${what}: ${want.name} data`);
  });
  assert.deepEqual(Array.from(view.output), Array.from(copy.output), `${what}: output`);
}

for (const file of ['mnist-cnn.safetensors', 'mnist-dnn.safetensors']) {
  test(`${file}: forwardView gives forward's trace, bit for bit, for image after image, in one reused object`, () => {
    const model = shipped(file);
    try {
      const first = model.forwardView(image(0));
      assertSameTrace(first, model.forward(image(0)), 'image 0');
      for (const k of [1, 2, 3, 17]) {
        const again = model.forwardView(image(k));
        assert.equal(again, first, `image ${k}: the same trace object`);
        assert.equal(again.layers[0].data, first.layers[0].data, `image ${k}: the same view`);
        assertSameTrace(again, model.forward(image(k)), `image ${k}`);
      }
    } finally {
      model.delete();
    }
  });
}

test('forwardView reads the memory itself: the views show the latest call, not a copy', () => {
  const model = shipped('mnist-cnn.safetensors');
  try {
    const trace = model.forwardView(image(4));
    const before = Array.from(trace.output);
    model.forwardView(image(5));
    assert.notDeepEqual(Array.from(trace.output), before, 'the view changed with the next call');
    assert.ok(trace.output.buffer.byteLength > trace.output.byteLength, 'a view into the whole wasm memory');
  } finally {
    model.delete();
  }
});

test('after the wasm memory grows, forwardView makes new, live views', () => {
  const model = shipped('mnist-cnn.safetensors');
  try {
    const old = model.forwardView(image(6));
    const bytes = cs.memoryBytes();
    const big = cs.createModel({  // 16,384 × 1,000 weights, 64 MB: the memory grows
      input: { channels: 1, height: 128, width: 128 },
      layers: [{ name: 'flatten', type: 'flatten' }, { name: 'fc', type: 'dense', out_features: 1000 }],
    });
    assert.ok(cs.memoryBytes() > bytes, 'the memory grew');
    assert.equal(old.output.length, 0, 'the old views died with the old buffer');
    const fresh = model.forwardView(image(7));
    assert.notEqual(fresh, old, 'a new trace object');
    assertSameTrace(fresh, model.forward(image(7)), 'after growth');
    big.delete();
  } finally {
    model.delete();
  }
});

test('forwardView refuses what forward refuses, with the same message, and keeps working', () => {
  const model = shipped('mnist-cnn.safetensors');
  try {
    const message = (f) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof Error, 'a JS Error');
        return e.message;
      }
      assert.fail('not refused');
    };
    const bad = [new Float32Array(783), Float32Array.from(image(0), (v, i) => (i === 300 ? NaN : v)), [1, 2, 3]];
    for (const input of bad) assert.equal(message(() => model.forwardView(input)), message(() => model.forward(input)));
    assert.match(message(() => model.forwardView(undefined)), /input: expected a Float32Array/);
    assert.match(message(() => model.forwardView({ length: 'x' })), /input: expected a Float32Array/);
    assertSameTrace(model.forwardView(image(8)), model.forward(image(8)), 'after refusals');
  } finally {
    model.delete();
  }
});
