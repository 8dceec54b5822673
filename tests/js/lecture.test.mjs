// The lecture's numbers (the slides' worked examples) through the wasm engine, each as a whole model
// file: loadModel + forward, then the trace's layers against the slides. Matrices are laid out
// as on the slides, [row][col]; slides without printed numbers are checked against plain JS.
// Run: node --test tests/js/

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { flat, loadEngine, makeRng, modelFile, toRows, zeroTensors } from './helpers.mjs';
import { conv2dRef } from './reference.mjs';
import { BIAS, EDGE_FILTER, FILTER, O_IMAGE, PADDING_INPUT, X_IMAGE } from '../fixtures/lecture.mjs';

let cs;
before(async () => {
  cs = await loadEngine();
});

// ---- Slide data: the O, X, filter and bias in tests/fixtures/lecture.json ----

// One 6×6 grey image in, the lecture's CNN: conv (one K×K filter) → relu → pool → flatten →
// fully connected (2) → softmax, labels O and X. The fully connected weights vote for the
// pooled corners each letter lights up: O → [1,0,0,1], X → [0,1,1,0].
function oxModel({ pool = 'maxpool2d', filter = FILTER, bias = BIAS, stride = 1, padding = 0 } = {}) {
  const arch = {
    input: { channels: 1, height: 6, width: 6 },
    labels: ['O', 'X'],
    layers: [
      { name: 'conv', type: 'conv2d', out_channels: 1, kernel: filter.length, stride, padding },
      { name: 'relu', type: 'relu' },
      { name: 'pool', type: pool, kernel: 2, stride: 2 },
      { name: 'flatten', type: 'flatten' },
      { name: 'fc', type: 'dense', out_features: 2 },
      { name: 'softmax', type: 'softmax' },
    ],
  };
  // prettier-ignore
  const tensors = [
    { name: 'conv.weight', shape: [1, 1, filter.length, filter.length], data: flat(filter) },
    { name: 'conv.bias', shape: [1], data: [bias] },
    { name: 'fc.weight', shape: [2, 4], data: [
      1, -1, -1,  1,   // O
     -1,  1,  1, -1,   // X
    ] },
    { name: 'fc.bias', shape: [2], data: [0, 0] },
  ];
  return cs.loadModel(modelFile(arch, tensors));
}

// A model that is one conv2d layer (1 → 1 channel) on a 6×6 image.
function convModel(filter, { bias = 0, stride = 1, padding = 0 } = {}) {
  const k = filter.length;
  const arch = {
    input: { channels: 1, height: 6, width: 6 },
    layers: [{ name: 'conv', type: 'conv2d', out_channels: 1, kernel: k, stride, padding }],
  };
  return cs.loadModel(modelFile(arch, [
    { name: 'conv.weight', shape: [1, 1, k, k], data: flat(filter) },
    { name: 'conv.bias', shape: [1], data: [bias] },
  ]));
}

// The trace layer `name`, as [[...]] rows of its one channel, after checking its shape.
function channelRows(trace, name, shape) {
  const layer = trace.layers.find((l) => l.name === name);
  assert.ok(layer, `trace has no layer "${name}"`);
  assert.deepEqual(layer.shape, shape, `${name}: shape`);
  return toRows(layer.data, shape[shape.length - 2], shape[shape.length - 1]);
}

// ---- O image ----

test('O image ⊛ anti-diagonal filter + bias −2 gives the slide\'s feature map', () => {
  const model = oxModel();
  const trace = model.forward(flat(O_IMAGE));
  // "Feature map"
  // prettier-ignore
  assert.deepEqual(channelRows(trace, 'conv', [1, 4, 4]), [
    [ 1, -1, -2, -1],
    [-1, -2, -1, -2],
    [-2, -1, -2, -1],
    [-1, -2, -1,  1],
  ]);
  model.delete();
});

test('ReLU of the O feature map keeps the two diagonal corners', () => {
  const model = oxModel();
  const trace = model.forward(flat(O_IMAGE));
  // "Post-ReLU feature map"
  // prettier-ignore
  assert.deepEqual(channelRows(trace, 'relu', [1, 4, 4]), [
    [1, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 1],
  ]);
  model.delete();
});

test('2×2 max pooling (stride 2, not overlapping) of the post-ReLU map', () => {
  const model = oxModel();
  const trace = model.forward(flat(O_IMAGE));
  // "CNN Pooling": max pooling selects the maximal input of each 2×2 region.
  // prettier-ignore
  assert.deepEqual(channelRows(trace, 'pool', [1, 2, 2]), [
    [1, 0],
    [0, 1],
  ]);
  // "Flatten the pooled layer into a 1D array"
  assert.deepEqual(Array.from(trace.layers[3].data), [1, 0, 0, 1]);
  model.delete();
});

test('2×2 average pooling of the post-ReLU map: 0.25 on the diagonal', () => {
  const model = oxModel({ pool: 'avgpool2d' });
  const trace = model.forward(flat(O_IMAGE));
  // "Another choice is Average Pooling which takes the average of each region": (1+0+0+0)/4.
  // prettier-ignore
  assert.deepEqual(channelRows(trace, 'pool', [1, 2, 2]), [
    [0.25, 0   ],
    [0,    0.25],
  ]);
  model.delete();
});

test('the fully connected layer and softmax classify the O as O', () => {
  const model = oxModel();
  const trace = model.forward(flat(O_IMAGE));
  // fc: O votes 1+1 = 2, X votes −1−1 = −2; softmax: e^2 / (e^2 + e^−2) = 1 / (1 + e^−4)
  assert.deepEqual(Array.from(trace.layers[4].data), [2, -2]);
  const pO = 1 / (1 + Math.exp(-4));
  assert.ok(Math.abs(trace.output[0] - pO) < 1e-6, `P(O) = ${trace.output[0]}, expected ${pO}`);
  assert.ok(Math.abs(trace.output[1] - (1 - pO)) < 1e-6, `P(X) = ${trace.output[1]}, expected ${1 - pO}`);
  assert.deepEqual(model.labels, ['O', 'X']);
  model.delete();
});

// ---- X image ----

test('X image through the same CNN: the filter matches the anti-diagonal, X wins', () => {
  const model = oxModel();
  const trace = model.forward(flat(X_IMAGE));
  // No numbers on the slide: worked out by hand, in[y][x+2] + in[y+1][x+1] + in[y+2][x] − 2.
  // prettier-ignore
  assert.deepEqual(channelRows(trace, 'conv', [1, 4, 4]), [
    [-1, -2, -1,  1],
    [-2, -1,  1, -1],
    [-1,  1, -1, -2],
    [ 1, -1, -2, -1],
  ]);
  // prettier-ignore
  assert.deepEqual(channelRows(trace, 'relu', [1, 4, 4]), [
    [0, 0, 0, 1],
    [0, 0, 1, 0],
    [0, 1, 0, 0],
    [1, 0, 0, 0],
  ]);
  // prettier-ignore
  assert.deepEqual(channelRows(trace, 'pool', [1, 2, 2]), [
    [0, 1],
    [1, 0],
  ]);
  assert.deepEqual(Array.from(trace.layers[4].data), [-2, 2]);
  assert.ok(trace.output[1] > 0.98, `P(X) = ${trace.output[1]}`);
  model.delete();
});

// ---- Padding ----

// "CNN Padding": the 6×6 input and the vertical-edge filter are in the fixture.
const VERTICAL_EDGE = EDGE_FILTER;

test('padding slide: zero padding 1, stride 1 keeps 6×6 (with the slide\'s two misprints corrected)', () => {
  const model = convModel(VERTICAL_EDGE, { padding: 1 });
  const trace = model.forward(flat(PADDING_INPUT));
  // Erratum: the slide prints two cells wrong (1-based row, col):
  //   row 4 col 1 shows 11; −(6 + 0 + 5) = −11 (a lost minus sign);
  //   row 5 col 5 shows 10; (9 + 6 + 7) − (0 + 6 + 5) = 11.
  // prettier-ignore
  assert.deepEqual(channelRows(trace, 'conv', [1, 6, 6]), [
    [ -4,  -5,  -1,   3,  -5,   5],
    [-10, -14,  -1,  10,  -1,   7],
    [ -8, -11, -11,   7,  12,   8],
    [-11,  -7, -10,   1,  13,  13],   // slide: 11 in col 1
    [ -6,   5, -16,  -4,  11,  12],   // slide: 10 in col 5
    [ -6,   4,  -7,  -1,   2,   8],
  ]);
  model.delete();
});

test('padding "same" gives the padding slide\'s output too', () => {
  const model = convModel(VERTICAL_EDGE, { padding: 'same' });
  const rows = channelRows(model.forward(flat(PADDING_INPUT)), 'conv', [1, 6, 6]);
  assert.equal(rows[3][0], -11);
  assert.equal(rows[4][4], 11);
  assert.deepEqual(rows[0], [-4, -5, -1, 3, -5, 5]);
  model.delete();
});

// ---- Strides ----

test('stride 2 on the padding slide: every second cell of the stride-1 output', () => {
  const model = convModel(VERTICAL_EDGE, { padding: 1, stride: 2 });
  // OH = floor((6 + 2·1 − 3) / 2) + 1 = 3: rows and cols 1, 3, 5 (1-based) of the output above
  // prettier-ignore
  assert.deepEqual(channelRows(model.forward(flat(PADDING_INPUT)), 'conv', [1, 3, 3]), [
    [ -4,  -1,  -5],
    [ -8, -11,  12],
    [ -6, -16,  11],
  ]);
  model.delete();
});

test('stride 2 on the O image, no padding: floor((6 − 3) / 2) + 1 = 2', () => {
  const model = convModel(FILTER, { bias: BIAS, stride: 2 });
  // rows and cols 1 and 3 (1-based) of the O feature map
  // prettier-ignore
  assert.deepEqual(channelRows(model.forward(flat(O_IMAGE)), 'conv', [1, 2, 2]), [
    [ 1, -2],
    [-2, -2],
  ]);
  model.delete();
});

// ---- Channels ----

test('RGB: a 3-channel conv is the sum of its per-channel convs plus the bias', () => {
  // "A color image has three channels (R/G/B) and thus needs three layers of kernels."
  const rng = makeRng(591000);
  const [H, W, K, OC] = [5, 7, 3, 2];
  const small = (n) => Float32Array.from({ length: n }, () => rng.int(-3, 3));  // exact in float32
  const image = small(3 * H * W), weight = small(OC * 3 * K * K), bias = [1, -3];
  const convArch = (channels) => ({
    input: { channels, height: H, width: W },
    layers: [{ name: 'conv', type: 'conv2d', out_channels: OC, kernel: K, padding: 1 }],
  });

  const rgb = cs.loadModel(modelFile(convArch(3), [
    { name: 'conv.weight', shape: [OC, 3, K, K], data: weight },
    { name: 'conv.bias', shape: [OC], data: bias },
  ]));
  assert.equal(rgb.parameterCount(), OC * 3 * K * K + OC);
  const out = rgb.forward(image).output;
  assert.equal(out.length, OC * H * W);

  // Plain JS: out[o][y][x] = b[o] + Σ_c Σ_ky,kx w[o][c][ky][kx] · in[c][y+ky−1][x+kx−1]
  const g = { ic: 3, h: H, w: W, oc: OC, kh: K, kw: K, sh: 1, sw: 1, pt: 1, pl: 1, pb: 1, pr: 1 };
  assert.deepEqual(Array.from(out), Array.from(conv2dRef(g, image, weight, bias).out));

  // The same through the engine one channel at a time: Σ_c conv(in[c], w[:,c]) + b.
  const sum = new Float64Array(OC * H * W);
  for (let o = 0; o < OC; o++) sum.fill(bias[o], o * H * W, (o + 1) * H * W);
  for (let c = 0; c < 3; c++) {
    const wc = new Float32Array(OC * K * K);
    for (let o = 0; o < OC; o++) wc.set(weight.subarray((o * 3 + c) * K * K, (o * 3 + c + 1) * K * K), o * K * K);
    const single = cs.loadModel(modelFile(convArch(1), [
      { name: 'conv.weight', shape: [OC, 1, K, K], data: wc },
      { name: 'conv.bias', shape: [OC], data: [0, 0] },
    ]));
    single.forward(image.subarray(c * H * W, (c + 1) * H * W)).output.forEach((v, i) => { sum[i] += v; });
    single.delete();
  }
  assert.deepEqual(Array.from(out), Array.from(sum));
  rgb.delete();
});

// ---- DNN from Week 06 ----

test('the 784-30-10 DNN has 23,860 parameters', () => {
  const arch = {
    input: { channels: 1, height: 28, width: 28 },
    labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    layers: [
      { name: 'flatten', type: 'flatten' },
      { name: 'hidden', type: 'dense', out_features: 30 },
      { name: 'sigmoid', type: 'sigmoid' },
      { name: 'output', type: 'dense', out_features: 10 },
      { name: 'softmax', type: 'softmax' },
    ],
  };
  const model = cs.loadModel(modelFile(arch, zeroTensors(arch)));
  // "# of weights: 784×30 + 30×10; # of biases: 30 + 10; 23860 parameters in total"
  assert.equal(model.parameterCount(), 23860);
  assert.deepEqual(model.forward(new Float32Array(784)).layers.map((l) => l.shape), [[784], [30], [30], [10], [10]]);
  model.delete();
});
