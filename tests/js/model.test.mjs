// A loaded model through the JS API: the trace (one entry per layer, names, types, shapes, data),
// predict and predictBatch against forward, softmax, "same" padding, metadata and labels, and
// memory that stays flat over many predictions and load/delete cycles.
// Run: node --test tests/js/

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  FORMAT, assertClose, count, inputSize, layerShapes, loadEngine, makeRng, modelFile, randomTensors, testSeed,
  zeroTensors,
} from './helpers.mjs';
import { forwardRef } from './reference.mjs';

const SEED = testSeed();
let cs;
before(async () => {
  cs = await loadEngine();
});

// Every layer type once: input [2,13,11].
const EVERY_LAYER = {
  input: { channels: 2, height: 13, width: 11 },
  layers: [
    { name: 'conv1', type: 'conv2d', out_channels: 4, kernel: 3, stride: 1, padding: 0 },
    { name: 'relu1', type: 'relu' },
    { name: 'pool1', type: 'maxpool2d', kernel: 2, stride: 2 },
    { name: 'conv2', type: 'conv2d', out_channels: 6, kernel: [3, 2], padding: 'same' },
    { name: 'sigmoid2', type: 'sigmoid' },
    { name: 'pool2', type: 'avgpool2d', kernel: 2, stride: 1 },
    { name: 'tanh2', type: 'tanh' },
    { name: 'flatten', type: 'flatten' },
    { name: 'fc1', type: 'dense', out_features: 12 },
    { name: 'fc2', type: 'dense', out_features: 5 },
    { name: 'softmax', type: 'softmax' },
  ],
};
// Worked out from OH = floor((H + 2P − K) / S) + 1; "same" keeps H × W at stride 1.
// prettier-ignore
const EVERY_LAYER_TRACE = [
  ['conv1',    'conv2d',    [4, 11, 9]],   // 13−3+1, 11−3+1
  ['relu1',    'relu',      [4, 11, 9]],
  ['pool1',    'maxpool2d', [4, 5, 4]],    // floor((11−2)/2)+1, floor((9−2)/2)+1
  ['conv2',    'conv2d',    [6, 5, 4]],
  ['sigmoid2', 'sigmoid',   [6, 5, 4]],
  ['pool2',    'avgpool2d', [6, 4, 3]],
  ['tanh2',    'tanh',      [6, 4, 3]],
  ['flatten',  'flatten',   [72]],         // 6·4·3
  ['fc1',      'dense',     [12]],
  ['fc2',      'dense',     [5]],
  ['softmax',  'softmax',   [5]],
];

test('forward: one trace entry per layer, in order, with its name, type and shape', () => {
  const rng = makeRng(SEED);
  const model = cs.loadModel(modelFile(EVERY_LAYER, randomTensors(EVERY_LAYER, rng)));
  const trace = model.forward(rng.floats(inputSize(EVERY_LAYER)));
  assert.deepEqual(trace.layers.map((l) => [l.name, l.type, l.shape]), EVERY_LAYER_TRACE);
  for (const layer of trace.layers) {
    assert.ok(layer.data instanceof Float32Array, `${layer.name}: data is a Float32Array`);
    assert.equal(layer.data.length, count(layer.shape), `${layer.name}: data length`);
  }
  model.delete();
});

test('forward: every layer\'s data is that layer applied to the previous one (plain JS)', (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED);
  const tensors = randomTensors(EVERY_LAYER, rng);
  const model = cs.loadModel(modelFile(EVERY_LAYER, tensors));
  const input = rng.floats(inputSize(EVERY_LAYER));
  const trace = model.forward(input);
  const want = forwardRef(EVERY_LAYER, tensors, input, trace.layers);
  trace.layers.forEach((layer, i) => {
    assertClose(layer.data, want[i].data, { scale: want[i].absSum, context: `${layer.name}, seed ${SEED}` });
  });
  model.delete();
});

test('forward: output is the last layer\'s data; predict gives the same numbers', () => {
  const rng = makeRng(SEED + 1);
  const model = cs.loadModel(modelFile(EVERY_LAYER, randomTensors(EVERY_LAYER, rng)));
  const input = rng.floats(inputSize(EVERY_LAYER));
  const trace = model.forward(input);
  assert.ok(trace.output instanceof Float32Array);
  assert.deepEqual(Array.from(trace.output), Array.from(trace.layers.at(-1).data));
  assert.deepEqual(Array.from(model.predict(input)), Array.from(trace.output));
  assert.deepEqual(Array.from(model.predict(Array.from(input))), Array.from(trace.output), 'a plain array works too');
  model.delete();
});

test('results are copies: a later call does not change an earlier result', () => {
  const rng = makeRng(SEED + 2);
  const model = cs.loadModel(modelFile(EVERY_LAYER, randomTensors(EVERY_LAYER, rng)));
  const a = rng.floats(inputSize(EVERY_LAYER)), b = rng.floats(inputSize(EVERY_LAYER));
  const first = model.forward(a), kept = first.layers.map((l) => Array.from(l.data));
  const p = model.predict(a), keptP = Array.from(p);
  model.forward(b);
  model.predict(b);
  model.predictBatch(new Float32Array([...b, ...a, ...b]), 3);
  first.layers.forEach((l, i) => assert.deepEqual(Array.from(l.data), kept[i], `${l.name} changed`));
  assert.deepEqual(Array.from(p), keptP);
  model.delete();
});

test('predictBatch of n inputs equals n predict calls (n = 1, 63, 64, 65, 200)', () => {
  const rng = makeRng(SEED + 3);
  const model = cs.loadModel(modelFile(EVERY_LAYER, randomTensors(EVERY_LAYER, rng)));
  const size = inputSize(EVERY_LAYER), classes = 5;
  for (const n of [1, 63, 64, 65, 200]) {
    const inputs = rng.floats(n * size);
    const batch = model.predictBatch(inputs, n);
    assert.ok(batch instanceof Float32Array);
    assert.equal(batch.length, n * classes, `n = ${n}: length`);
    for (let s = 0; s < n; s++) {
      const one = model.predict(inputs.subarray(s * size, (s + 1) * size));
      assertClose(batch.subarray(s * classes, (s + 1) * classes), one,
        { rel: 1e-6, abs: 1e-7, context: `n = ${n}, sample ${s}, seed ${SEED}` });
    }
  }
  model.delete();
});

// ---- softmax ----

// flatten → dense with weight 1000·I (4 → 4, no bias) → softmax: logits = 1000 · input.
function logitModel() {
  const arch = {
    input: { channels: 1, height: 1, width: 4 },
    layers: [
      { name: 'flatten', type: 'flatten' },
      { name: 'logits', type: 'dense', out_features: 4 },
      { name: 'softmax', type: 'softmax' },
    ],
  };
  const eye = new Float32Array(16);
  for (let i = 0; i < 4; i++) eye[i * 4 + i] = 1000;
  return cs.loadModel(modelFile(arch, [
    { name: 'logits.weight', shape: [4, 4], data: eye },
    { name: 'logits.bias', shape: [4], data: [0, 0, 0, 0] },
  ]));
}

test('softmax sums to 1 and is stable for logits of ±1000', () => {
  const model = logitModel();
  const sum = (p) => p.reduce((a, b) => a + b, 0);

  // logits [1000, 999, −1000, 0]: e^1000 overflows float32 unless the max is subtracted first
  let p = model.predict([1, 0.999, -1, 0]);
  const top = 1 / (1 + Math.exp(-1));
  assertClose(p, [top, 1 - top, 0, 0], { rel: 1e-5, abs: 1e-6, context: `[${p}]` });
  assert.ok(Math.abs(sum(p) - 1) < 1e-6, `sum ${sum(p)}`);

  // all equal, very large or very small: uniform, not NaN (∞/∞) or 0/0
  for (const v of [1, -1, 0.5]) {
    p = model.predict([v, v, v, v]);
    assertClose(p, [0.25, 0.25, 0.25, 0.25], { abs: 1e-7, context: `logits ${1000 * v}: [${p}]` });
  }

  // random logits up to ±1000: every p in [0, 1], sum 1
  const rng = makeRng(SEED + 4);
  for (let i = 0; i < 50; i++) {
    p = model.predict(rng.floats(4, -1, 1));
    assert.ok(p.every((v) => v >= 0 && v <= 1), `[${p}]`);
    assert.ok(Math.abs(sum(p) - 1) < 1e-6, `sum ${sum(p)} of [${p}]`);
  }
  model.delete();
});

// ---- "same" padding ----

test('padding "same" keeps H × W at stride 1 for odd and even kernels, and ⌈H/S⌉ at stride 2', () => {
  const rng = makeRng(SEED + 5);
  const cases = [];
  for (const kernel of [1, 2, 3, 4, 5, [1, 3], [4, 1], [2, 5]])
    for (const [h, w] of [[1, 1], [5, 5], [6, 9], [8, 7]]) {
      cases.push({ kernel, stride: 1, h, w, oh: h, ow: w });
      cases.push({ kernel, stride: 2, h, w, oh: Math.ceil(h / 2), ow: Math.ceil(w / 2) });
    }
  for (const { kernel, stride, h, w, oh, ow } of cases) {
    const arch = {
      input: { channels: 2, height: h, width: w },
      layers: [{ name: 'conv', type: 'conv2d', out_channels: 3, kernel, stride, padding: 'same' }],
    };
    const context = `kernel ${JSON.stringify(kernel)}, stride ${stride}, input ${h}×${w}, seed ${SEED}`;
    const tensors = randomTensors(arch, rng);
    const model = cs.loadModel(modelFile(arch, tensors));
    const input = rng.floats(inputSize(arch));
    const trace = model.forward(input);
    assert.deepEqual(trace.layers[0].shape, [3, oh, ow], context);
    // the odd padding pixel goes after (bottom, right), as in TensorFlow and PyTorch
    const want = forwardRef(arch, tensors, input)[0];
    assertClose(trace.output, want.data, { scale: want.absSum, context });
    model.delete();
  }
});

// ---- metadata, labels, architecture ----

test('metadata, labels and architecture round-trip, Unicode included', () => {
  const arch = {
    input: { channels: 1, height: 3, width: 3 },
    labels: ['W boson', 'QCD jet', 'Ω → ü 漢字 "quoted"'],
    layers: [
      { name: 'flatten', type: 'flatten' },
      { name: 'fc', type: 'dense', out_features: 3 },
      { name: 'softmax', type: 'softmax' },
    ],
  };
  const metadata = {
    dataset: 'W/Z vs QCD jet images',
    test_accuracy: '0.9213',
    trained_by: 'PHYS591000 lab, 2022.04.13',
    description: 'line one\nline two — with "quotes", a \\ backslash and emoji 🧪',
  };
  const model = cs.loadModel(modelFile(arch, zeroTensors(arch), metadata));
  assert.deepEqual(model.labels, arch.labels);
  assert.deepEqual(model.metadata, { format: FORMAT, architecture: JSON.stringify(arch), ...metadata });
  assert.deepEqual(model.architecture, arch);
  assert.equal(model.parameterCount(), 9 * 3 + 3);
  model.delete();
});

test('labels default to "0" … "n−1" when the architecture has none', () => {
  const arch = {
    input: { channels: 1, height: 2, width: 2 },
    layers: [{ name: 'flatten', type: 'flatten' }, { name: 'fc', type: 'dense', out_features: 12 }],
  };
  const model = cs.loadModel(modelFile(arch, zeroTensors(arch)));
  assert.deepEqual(model.labels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
  model.delete();
});

test('parameterCount is the sum of the tensors\' sizes', () => {
  const total = layerShapes(EVERY_LAYER).flatMap((l) => l.params).reduce((n, p) => n + count(p.shape), 0);
  // conv1 4·2·3·3+4, conv2 6·4·3·2+6, fc1 12·72+12, fc2 5·12+5
  assert.equal(total, 76 + 150 + 876 + 65);
  const model = cs.loadModel(modelFile(EVERY_LAYER, zeroTensors(EVERY_LAYER)));
  assert.equal(model.parameterCount(), total);
  model.delete();
});

// ---- memory ----

// ≈ 1 MB of weights (fc1: 96 × 2704) and ≈ 43 KB of intermediates per image, so a leak per load
// or per prediction would grow wasm memory within the loops below.
const LARGE = {
  input: { channels: 1, height: 28, width: 28 },
  layers: [
    { name: 'conv1', type: 'conv2d', out_channels: 16, kernel: 3 },
    { name: 'relu1', type: 'relu' },
    { name: 'pool1', type: 'maxpool2d', kernel: 2 },
    { name: 'flatten', type: 'flatten' },
    { name: 'fc1', type: 'dense', out_features: 96 },
    { name: 'relu2', type: 'relu' },
    { name: 'fc2', type: 'dense', out_features: 10 },
    { name: 'softmax', type: 'softmax' },
  ],
};

test('memoryBytes() stays the same over 100,000 predictions and 1,000 load/delete cycles', (t) => {
  const rng = makeRng(SEED + 6);
  const bytes = modelFile(LARGE, randomTensors(LARGE, rng));
  const images = Array.from({ length: 10 }, () => rng.floats(784, 0, 1));
  const batch = new Float32Array(70 * 784);

  // warm-up: one of everything, so the allocator has its pools
  let model = cs.loadModel(bytes);
  model.forward(images[0]);
  model.predictBatch(batch, 70);
  for (let i = 0; i < 3; i++) {
    model.delete();
    model = cs.loadModel(bytes);
  }
  const start = cs.memoryBytes();
  t.diagnostic(`wasm memory after warm-up: ${start} bytes`);

  // traced forwards and batches among them: every path the page and the lab take
  for (let i = 0; i < 100_000; i++) {
    const image = images[i % images.length];
    if (i % 1000 === 0) model.predictBatch(batch, 70);
    else if (i % 100 === 0) model.forward(image);
    else model.predict(image);
  }
  t.diagnostic(`after 100,000 predictions: ${cs.memoryBytes()} bytes`);
  assert.equal(cs.memoryBytes(), start, 'after 100,000 predictions');

  for (let i = 0; i < 1000; i++) {
    model.delete();
    model = cs.loadModel(bytes);
    model.predict(images[i % images.length]);
  }
  t.diagnostic(`after 1,000 load/delete cycles: ${cs.memoryBytes()} bytes`);
  assert.equal(cs.memoryBytes(), start, 'after 1,000 load/delete cycles');
  model.delete();
});

test('memoryBytes() does see a leak: 40 models loaded and not deleted grow the memory', async () => {
  // The control for the test above, in its own engine instance: without delete() each load keeps
  // ≈ 1 MB, and memoryBytes() must show it.
  const engine = await loadEngine();
  const bytes = modelFile(LARGE, zeroTensors(LARGE));
  engine.loadModel(bytes).delete();
  const start = engine.memoryBytes();
  const kept = Array.from({ length: 40 }, () => engine.loadModel(bytes));
  const weightBytes = 4 * kept[0].parameterCount();
  assert.ok(engine.memoryBytes() > start, `${start} → ${engine.memoryBytes()} bytes`);
  assert.ok(engine.memoryBytes() >= 40 * weightBytes, `${engine.memoryBytes()} bytes hold 40 × ${weightBytes}`);
  for (const m of kept) m.delete();
});
