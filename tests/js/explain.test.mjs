// The explanation calls through the JS API, in wasm (run once per build: CONVSCOPE_ENGINE=scalar
// for the build without SIMD): model.inputGradient against central finite differences of
// model.forward on small random networks of every layer type, the weights left alone, and the
// errors; activation maximisation and "make it a ..." on the shipped CNN.
// Run: node --test tests/js/explain.test.mjs

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, inputSize, loadEngine, makeRng, modelFile, randomTensors, testSeed } from './helpers.mjs';
import { loadMnist } from './mnist.mjs';
import { correlation } from '../fixtures/stats.mjs';

const SEED = testSeed();
let cs;
before(async () => {
  cs = await loadEngine();
});

// Together every layer type: conv2d (padding 0/1/"same"/rectangular, strides 1-3), max and average
// pooling, relu, sigmoid, tanh, flatten, dense, softmax; 1, 2 and 3 input channels.
const NETS = [
  { input: { channels: 1, height: 7, width: 6 }, layers: [
    { name: 'c1', type: 'conv2d', out_channels: 3, kernel: 3, padding: 1 },
    { name: 'r1', type: 'relu' },
    { name: 'p1', type: 'maxpool2d', kernel: 2 },
    { name: 'f', type: 'flatten' },
    { name: 'd1', type: 'dense', out_features: 4 },
    { name: 'sm', type: 'softmax' }] },
  { input: { channels: 2, height: 8, width: 7 }, layers: [
    { name: 'c1', type: 'conv2d', out_channels: 3, kernel: [3, 2], stride: 2, padding: [0, 1] },
    { name: 't1', type: 'tanh' },
    { name: 'p1', type: 'avgpool2d', kernel: 2, stride: 1 },
    { name: 'f', type: 'flatten' },
    { name: 'd1', type: 'dense', out_features: 5 },
    { name: 's1', type: 'sigmoid' },
    { name: 'd2', type: 'dense', out_features: 3 }] },
  { input: { channels: 3, height: 9, width: 9 }, layers: [
    { name: 'c1', type: 'conv2d', out_channels: 2, kernel: 3, stride: 2, padding: 'same' },
    { name: 's1', type: 'sigmoid' },
    { name: 'c2', type: 'conv2d', out_channels: 3, kernel: 2, stride: 1, padding: 0 },
    { name: 'r1', type: 'relu' },
    { name: 'p1', type: 'maxpool2d', kernel: 2, stride: 1 },
    { name: 'f', type: 'flatten' },
    { name: 'd1', type: 'dense', out_features: 3 },
    { name: 'sm', type: 'softmax' }] },
  { input: { channels: 1, height: 11, width: 10 }, layers: [
    { name: 'c1', type: 'conv2d', out_channels: 2, kernel: 5, stride: 3, padding: 2 },
    { name: 'p1', type: 'avgpool2d', kernel: 2, stride: 2 },
    { name: 'f', type: 'flatten' },
    { name: 'd1', type: 'dense', out_features: 4 },
    { name: 't1', type: 'tanh' },
    { name: 'd2', type: 'dense', out_features: 2 }] },
];

test('inputGradient matches central finite differences of forward for every output, every layer type', () => {
  const rng = makeRng(SEED);
  for (const [n, arch] of NETS.entries()) {
    const model = cs.loadModel(modelFile(arch, randomTensors(arch, rng)));
    try {
      const x = rng.floats(inputSize(arch), -1, 1);
      const outputs = model.forward(x).output.length;
      const output = (input, k) => model.forward(input).output[k];
      for (let k = 0; k < outputs; k++) {
        const grad = model.inputGradient(x, k);
        assert.ok(grad instanceof Float32Array, 'a Float32Array');
        assert.equal(grad.length, x.length, 'one value per input value');
        const eps = 1e-3;
        for (let j = 0; j < x.length; j++) {
          const moved = Float32Array.from(x);
          moved[j] = x[j] + eps;
          const up = output(moved, k);
          moved[j] = x[j] - eps;
          const down = output(moved, k);
          const numeric = (up - down) / (2 * eps);
          assert.ok(Math.abs(grad[j] - numeric) <= 2e-3 + 1e-2 * Math.abs(numeric),
            `net ${n} output ${k} input ${j}: gradient ${grad[j]}, finite difference ${numeric} (seed ${SEED})`);
        }
      }
    } finally {
      model.delete();
    }
  }
});

test('inputGradient of a named layer (the scores before the softmax) matches finite differences', () => {
  const rng = makeRng(SEED + 2);
  const arch = NETS[2];
  const model = cs.loadModel(modelFile(arch, randomTensors(arch, rng)));
  try {
    const x = rng.floats(inputSize(arch), -1, 1);
    const scores = (input) => model.forward(input).layers.find((l) => l.name === 'd1').data;
    for (let k = 0; k < 3; k++) {
      const grad = model.inputGradient(x, k, 'd1');
      assert.deepEqual(Array.from(model.inputGradient(x, k, arch.layers.length - 2)), Array.from(grad), 'by index as by name');
      const eps = 1e-3;
      for (let j = 0; j < x.length; j++) {
        const moved = Float32Array.from(x);
        moved[j] = x[j] + eps;
        const up = scores(moved)[k];
        moved[j] = x[j] - eps;
        const numeric = (up - scores(moved)[k]) / (2 * eps);
        assert.ok(Math.abs(grad[j] - numeric) <= 2e-3 + 1e-2 * Math.abs(numeric), `score ${k} input ${j}: ${grad[j]} vs ${numeric}`);
      }
    }
    assert.throws(() => model.inputGradient(x, 3, 'd1'), { name: 'Error', message: 'output index 3 is out of range: layer d1 has 3 outputs (0..2)' });
    assert.throws(() => model.inputGradient(x, 0, 'nope'), { name: 'Error', message: /no layer named "nope" \(the model's layers: c1, s1/ });
    assert.throws(() => model.inputGradient(x, 0, 99), { name: 'Error', message: /layer 99 is out of range/ });
  } finally {
    model.delete();
  }
});

test('inputGradient leaves the weights as they were and refuses a bad index or input', () => {
  const rng = makeRng(SEED + 1);
  const arch = NETS[0];
  const model = cs.loadModel(modelFile(arch, randomTensors(arch, rng)));
  try {
    const before = model.parameters().map((p) => Array.from(p.data));
    const x = rng.floats(inputSize(arch), 0, 1);
    model.inputGradient(x, 3);
    model.maximiseChannel('c1', 1, { steps: 3 });
    model.makeIt(x, 2, { maxSteps: 3 });
    assert.deepEqual(model.parameters().map((p) => Array.from(p.data)), before);

    assert.throws(() => model.inputGradient(x, 4), { name: 'Error', message: 'output index 4 is out of range: the model has 4 outputs (0..3)' });
    assert.throws(() => model.inputGradient(x, -1), { name: 'Error', message: "output index must be a whole number from 0 to 4294967295, got -1" });
    assert.throws(() => model.inputGradient(x, 1.5), { name: 'Error', message: /output index must be a whole number .*got 1\.5/ });
    assert.throws(() => model.inputGradient(x.subarray(1), 0), { name: 'Error', message: 'input: expected 42 values [1,7,6], got 41' });
    assert.throws(() => model.inputGradient('x', 0), { name: 'Error', message: /input/ });
  } finally {
    model.delete();
  }
});

const shippedCnn = () => cs.loadModel(readFileSync(path.join(ROOT, 'web/models/mnist-cnn.safetensors')));

test('maximiseChannel on the shipped CNN: deterministic, step by step the same, conv1 images correlate with their filters', () => {
  const model = shippedCnn();
  try {
    const weights = model.parameters().find((p) => p.name === 'conv1.weight');
    const [channels, , kh, kw] = weights.shape;
    assert.equal(model.architecture.input.height, 28);
    for (let c = 0; c < channels; c++) {
      const image = model.maximiseChannel('conv1', c, { seed: 3, steps: 40 });
      assert.equal(image.length, 784);
      // conv1 (3×3, padding 1) at the centre of its 28×28 map sees rows and columns 13..15
      const patch = [], filter = [];
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          patch.push(image[(13 + y) * 28 + 13 + x]);
          filter.push(weights.data[c * kh * kw + y * kw + x]);
        }
      }
      assert.ok(correlation(patch, filter) > 0.5, `conv1 channel ${c}: correlation ${correlation(patch, filter)}`);
    }
    const options = { seed: 7, steps: 12 };
    const whole = model.maximiseChannel('conv3', 5, options);
    const conv3 = model.architecture.layers.findIndex((l) => l.name === 'conv3');
    assert.deepEqual(Array.from(model.maximiseChannel(conv3, 5, options)), Array.from(whole), 'by index as by name');
    let image = model.maximiseSeed(options);
    for (let s = 0; s < options.steps; s++) image = model.maximiseStep('conv3', 5, image, s, options).image;
    assert.deepEqual(Array.from(image), Array.from(whole), 'step by step = the whole run');
    assert.notDeepEqual(Array.from(model.maximiseChannel('conv3', 5, { seed: 8, steps: 12 })), Array.from(whole));

    assert.throws(() => model.maximiseChannel('fc1', 0, {}), { name: 'Error', message: /layer fc1 \(dense\) has no channels/ });
    assert.throws(() => model.maximiseChannel('conv1', 8, {}), { name: 'Error', message: /channel 8 is out of range: layer conv1 has 8 channels/ });
    assert.throws(() => model.maximiseChannel('nope', 0, {}), { name: 'Error', message: /no layer named "nope"/ });
  } finally {
    model.delete();
  }
});

test('makeIt turns the first MNIST test digit (a 7) into a 3 for the shipped CNN, no pixel moving more than epsilon', () => {
  const model = shippedCnn();
  try {
    const { images, labels } = loadMnist('t10k');
    assert.equal(labels[0], 7);
    const seven = images.subarray(0, 784);
    const epsilon = 0.25;
    const r = model.makeIt(seven, 3, { epsilon, stepSize: 0.02, maxSteps: 40 });
    assert.equal(r.reached, true, `p(3) after ${r.probabilities.length} steps: ${r.probabilities.at(-1)}`);
    assert.equal(r.predicted, 3);
    assert.ok(r.probabilities.length >= 1 && r.probabilities.length <= 40);
    assert.equal(r.image.length, 784);
    for (let i = 0; i < 784; i++) {
      assert.ok(Math.abs(r.change[i]) <= epsilon + 1e-6, `pixel ${i} changed by ${r.change[i]}`);
      assert.ok(Math.abs(r.image[i] - seven[i] - r.change[i]) < 1e-6, `change = image - input at ${i}`);
      assert.ok(r.image[i] >= 0 && r.image[i] <= 1, `pixel ${i} in [0, 1]`);
    }
    const p = model.predict(r.image);
    assert.ok(Math.abs(p[3] - r.probabilities.at(-1)) < 1e-5, 'the last probability is the result\'s');

    assert.throws(() => model.makeIt(seven, 10, {}), { name: 'Error', message: 'target class 10 is out of range: the model has 10 outputs (0..9)' });
    assert.throws(() => model.makeIt(seven, 3, { epsilon: 0 }), { name: 'Error', message: /epsilon/ });
  } finally {
    model.delete();
  }
});

test('the image tools refuse a model whose input is not an image', () => {
  const arch = { input: { channels: 1, height: 1, width: 12 }, layers: [
    { name: 'f', type: 'flatten' }, { name: 'd1', type: 'dense', out_features: 3 }, { name: 'sm', type: 'softmax' }] };
  const model = cs.loadModel(modelFile(arch, randomTensors(arch, makeRng(SEED))));
  try {
    const x = new Float32Array(12).fill(0.5);
    assert.equal(model.inputGradient(x, 1).length, 12, 'a gradient needs no image');
    assert.throws(() => model.makeIt(x, 1, {}), { name: 'Error', message: /input \[1,1,12\] is not an image/ });
  } finally {
    model.delete();
  }
});

// The saliency maps are laid back over the drawing with the placement preprocessing reports: the
// ink's bounding box must land exactly on the ink's pixels in the 28×28 image.
test('preprocessPlaced: its image is preprocess\'s, and its placement maps the ink\'s box onto the ink in 28×28', () => {
  const rng = makeRng(SEED);
  for (let k = 0; k < 20; k++) {
    const width = 60 + Math.floor(rng.next() * 300), height = 60 + Math.floor(rng.next() * 300);
    // a solid block whose sides scale to whole pixels, centred on whole pixels: the longer side
    // 20·m canvas pixels, the shorter an even number of box pixels
    const m = 1 + Math.floor(rng.next() * 2), long = 20 * m, short = m * 2 * (1 + Math.floor(rng.next() * 9));
    const [bw, bh] = rng.next() < 0.5 ? [long, short] : [short, long];
    const x0 = Math.floor(rng.next() * (width - bw)), y0 = Math.floor(rng.next() * (height - bh));
    const ink = new Uint8Array(width * height);
    for (let y = y0; y < y0 + bh; y++) ink.fill(255, y * width + x0, y * width + x0 + bw);
    const { image, placement: p } = cs.preprocessPlaced(ink, width, height);
    assert.deepEqual(image, cs.preprocess(ink, width, height));
    const inked = [];
    image.forEach((v, i) => v > 0.5 && inked.push([i % 28, Math.floor(i / 28)]));
    const xs = inked.map(([x]) => x), ys = inked.map(([, y]) => y);
    const where = `block ${bw}×${bh} at (${x0}, ${y0}) on ${width}×${height}`;
    assert.equal(p.scale, 1 / m, where);
    assert.ok(Math.abs(x0 * p.scale + p.offsetX - Math.min(...xs)) < 1e-9, `${where}: left edge`);
    assert.ok(Math.abs((x0 + bw) * p.scale + p.offsetX - (Math.max(...xs) + 1)) < 1e-9, `${where}: right edge`);
    assert.ok(Math.abs(y0 * p.scale + p.offsetY - Math.min(...ys)) < 1e-9, `${where}: top edge`);
    assert.ok(Math.abs((y0 + bh) * p.scale + p.offsetY - (Math.max(...ys) + 1)) < 1e-9, `${where}: bottom edge`);
  }
  assert.throws(() => cs.preprocessPlaced(new Uint8Array(100), 10, 10), /nothing drawn/);
  assert.throws(() => cs.preprocessPlaced(new Uint8Array(100), 20, 20), /20×20 pixels need 400 bytes, got 100/);
});
