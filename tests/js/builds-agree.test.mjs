// The SIMD build (web/engine/convscope.mjs), the scalar build (convscope-scalar.mjs, no
// -msimd128: what old browsers get) and the relaxed-SIMD build (convscope-relaxed.mjs, fused
// multiply-adds) give the same numbers within 1e-5: every layer of the
// shipped models, random networks, predictBatch, the kernels, preprocessing and training steps.
// The rest of tests/js runs once per build (CONVSCOPE_ENGINE); this file compares them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ENGINE_BUILD, ROOT, assertClose, loadEngine, loadKernelsTest, makeRng, modelFile, randomTensors, testSeed,
} from './helpers.mjs';
import { loadMnist } from './mnist.mjs';

const SEED = testSeed();
// Two builds load here: the simd run compares SIMD with scalar; the relaxed run (node
// --experimental-wasm-relaxed-simd, CONVSCOPE_ENGINE=relaxed) compares relaxed SIMD with SIMD.
const PAIR = { simd: ['simd', 'scalar'], relaxed: ['relaxed', 'simd'] }[ENGINE_BUILD];
const ONCE = { skip: PAIR ? false : 'compared in the CONVSCOPE_ENGINE=simd and =relaxed runs' };
const [fast, plain] = ONCE.skip ? [null, null] : await Promise.all(PAIR.map((build) => loadEngine(build)));
const TOLERANCE = { rel: 1e-5, abs: 1e-5 };

// Both builds' models of the same file; deleted after f.
function withModels(bytes, f) {
  const a = fast.loadModel(bytes), b = plain.loadModel(bytes);
  try {
    f(a, b);
  } finally {
    a.delete();
    b.delete();
  }
}

// Every layer of both traces of one input, within TOLERANCE.
function assertSameTrace(a, b, input, context) {
  const ta = a.forward(input), tb = b.forward(input);
  assert.equal(ta.layers.length, tb.layers.length, context);
  ta.layers.forEach((layer, i) =>
    assertClose(layer.data, tb.layers[i].data, { ...TOLERANCE, context: `${context}, layer ${layer.name}` }));
}

test('shipped MNIST models: every layer agrees on 100 test images, predictBatch on 1,000', ONCE, () => {
  const mnist = loadMnist('t10k');
  for (const name of ['mnist-cnn', 'mnist-dnn']) {
    withModels(readFileSync(path.join(ROOT, 'web/models', `${name}.safetensors`)), (a, b) => {
      for (let i = 0; i < 100; i++) {
        assertSameTrace(a, b, mnist.images.subarray(i * 784, (i + 1) * 784), `${name}, image ${i}`);
      }
      const batch = mnist.images.subarray(0, 1000 * 784);
      assertClose(a.predictBatch(batch, 1000), b.predictBatch(batch, 1000), { ...TOLERANCE, context: `${name} batch` });
    });
  }
});

test('shipped jet models: every layer agrees on 50 generated jets', ONCE, () => {
  const jets = fast.generateJets(50, 4242);
  for (const name of ['jet-cnn', 'jet-dnn']) {
    withModels(readFileSync(path.join(ROOT, 'web/models', `${name}.safetensors`)), (a, b) => {
      for (let i = 0; i < 50; i++) assertSameTrace(a, b, jets.images.subarray(i * 625, (i + 1) * 625), `${name}, jet ${i}`);
    });
  }
});

// A random small CNN: 1–3 input channels, 5–20 pixels, conv (kernel 1–5, stride 1–2, padding
// 0–2 or "same") + an activation, maybe a pool, a second conv, then dense layers and softmax.
function randomNet(rng) {
  const channels = rng.int(1, 3), height = rng.int(5, 20), width = rng.int(5, 20);
  const layers = [
    { name: 'conv1', type: 'conv2d', out_channels: rng.int(1, 9), kernel: rng.int(1, 5), stride: rng.int(1, 2),
      padding: rng.pick([0, 1, 2, 'same']) },
    { name: 'act1', type: rng.pick(['relu', 'sigmoid', 'tanh']) },
  ];
  if (rng.next() < 0.5) layers.push({ name: 'pool1', type: rng.pick(['maxpool2d', 'avgpool2d']), kernel: 2 });
  layers.push({ name: 'conv2', type: 'conv2d', out_channels: rng.int(1, 12), kernel: 3, padding: 'same' },
    { name: 'act2', type: 'relu' }, { name: 'flatten', type: 'flatten' },
    { name: 'fc1', type: 'dense', out_features: rng.int(1, 40) }, { name: 'act3', type: 'tanh' },
    { name: 'fc2', type: 'dense', out_features: rng.int(2, 10) }, { name: 'softmax', type: 'softmax' });
  return { input: { channels, height, width }, layers };
}

test('60 random networks with random weights: every layer agrees', ONCE, (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED + 31);
  let built = 0, drawn = 0;
  while (built < 60) {
    assert.ok(++drawn < 600, `only ${built} of ${drawn} random architectures built`);
    const arch = randomNet(rng);
    const { channels, height, width } = arch.input;
    let bytes;
    try {
      bytes = modelFile(arch, randomTensors(arch, rng));
      fast.loadModel(bytes).delete();
    } catch {
      continue;  // a kernel larger than the (pooled) input: the engine refuses it, draw another
    }
    built++;
    withModels(bytes, (a, b) => {
      for (let k = 0; k < 3; k++) {
        assertSameTrace(a, b, rng.floats(channels * height * width, -2, 2), `seed ${SEED}, ${JSON.stringify(arch)}`);
      }
    });
  }
});

test('kernels agree on 100 random conv2d shapes', ONCE, async () => {
  const rng = makeRng(SEED + 32);
  const [fastKernels, plainKernels] = await Promise.all(PAIR.map((build) => loadKernelsTest(build)));
  for (let i = 0; i < 100; i++) {
    const kh = rng.int(1, 5), kw = rng.int(1, 5);
    const g = { ic: rng.int(1, 16), oc: rng.int(1, 16), kh, kw, sh: rng.int(1, 3), sw: rng.int(1, 3),
      pt: rng.int(0, 2), pl: rng.int(0, 2), pb: rng.int(0, 2), pr: rng.int(0, 2) };
    g.h = rng.int(Math.max(1, kh - g.pt - g.pb), 17);
    g.w = rng.int(Math.max(1, kw - g.pl - g.pr), 17);
    const x = rng.floats(g.ic * g.h * g.w), w = rng.floats(g.oc * g.ic * kh * kw), b = rng.floats(g.oc);
    assertClose(fastKernels.kernelConv2d(true, g, x, w, b), plainKernels.kernelConv2d(true, g, x, w, b),
      { ...TOLERANCE, context: `seed ${SEED}, ${JSON.stringify(g)}` });
  }
});

test('preprocess gives the same 784 values for a drawn stroke', ONCE, () => {
  const width = 280, height = 280, pixels = new Uint8Array(width * height);
  for (let y = 60; y < 220; y++) for (let x = 120; x < 150 + (y >> 3); x++) pixels[y * width + x] = 255;
  assertClose(fast.preprocess(pixels, width, height), plain.preprocess(pixels, width, height), TOLERANCE);
});

test('20 training steps from the same seed give the same parameters', ONCE, () => {
  const arch = {
    input: { channels: 1, height: 12, width: 12 },
    layers: [
      { name: 'conv1', type: 'conv2d', out_channels: 4, kernel: 3 }, { name: 'relu1', type: 'relu' },
      { name: 'pool1', type: 'maxpool2d', kernel: 2 }, { name: 'flatten', type: 'flatten' },
      { name: 'fc', type: 'dense', out_features: 3 }, { name: 'softmax', type: 'softmax' },
    ],
  };
  const rng = makeRng(SEED + 33);
  const n = 16, x = rng.floats(n * 144, 0, 1), y = Int32Array.from({ length: n }, () => rng.int(0, 2));
  const [a, b] = [fast, plain].map((cs) => {
    const model = cs.createModel(arch);
    model.initialize(7);
    model.setOptimizer({ optimizer: 'adam' });
    for (let step = 0; step < 20; step++) model.trainStep(x, y, n, 0.01);
    return model;
  });
  try {
    const pa = a.parameters(), pb = b.parameters();
    assert.equal(pa.length, pb.length);
    pa.forEach((p, i) => assertClose(p.data, pb[i].data, { ...TOLERANCE, context: p.name }));
  } finally {
    a.delete();
    b.delete();
  }
});
