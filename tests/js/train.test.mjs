// Learning in the wasm build: a short real training run on MNIST, the JS training API's
// contract, and a trained model surviving save -> loadModel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from './helpers.mjs';
import { loadMnist } from './mnist.mjs';

const cs = await loadEngine();

const SMALL_CNN = {
  input: { channels: 1, height: 28, width: 28 },
  labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  layers: [
    { name: 'conv1', type: 'conv2d', out_channels: 4, kernel: 3, padding: 1 },
    { name: 'relu1', type: 'relu' },
    { name: 'pool1', type: 'maxpool2d', kernel: 2 },
    { name: 'conv2', type: 'conv2d', out_channels: 8, kernel: 3 },
    { name: 'relu2', type: 'relu' },
    { name: 'pool2', type: 'maxpool2d', kernel: 2 },
    { name: 'flatten', type: 'flatten' },
    { name: 'fc', type: 'dense', out_features: 10 },
    { name: 'softmax', type: 'softmax' },
  ],
};

test('a short MNIST run in wasm lowers the loss and beats chance by a wide margin', () => {
  const train = loadMnist('train'), test10k = loadMnist('t10k');
  const model = cs.createModel(SMALL_CNN);
  model.initialize(1);
  const n = 2000, batch = 50;
  const epochLoss = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    let sum = 0;
    for (let b = 0; b < n; b += batch) {
      const r = model.trainStep(train.images.subarray(b * 784, (b + batch) * 784),
        train.labels.subarray(b, b + batch), batch, 0.005);
      sum += r.loss;
    }
    epochLoss.push(sum / (n / batch));
  }
  assert.ok(epochLoss[2] < 0.6 * epochLoss[0], `loss per epoch ${epochLoss.map((l) => l.toFixed(3))}`);
  const m = 1000;
  const probs = model.predictBatch(test10k.images.subarray(0, m * 784), m);
  let hits = 0;
  for (let i = 0; i < m; i++) {
    const row = probs.subarray(i * 10, i * 10 + 10);
    if (row.indexOf(Math.max(...row)) === test10k.labels[i]) hits++;
  }
  assert.ok(hits > 800, `${hits} of ${m} test images right (chance: 100)`);
  const evaluated = model.evaluate(test10k.images.subarray(0, m * 784), test10k.labels.subarray(0, m), m);
  assert.equal(evaluated.correct, hits);

  // save -> load keeps every prediction
  const reloaded = cs.loadModel(model.save({ dataset: 'MNIST subset' }));
  assert.deepEqual(reloaded.predictBatch(test10k.images.subarray(0, 100 * 784), 100),
    model.predictBatch(test10k.images.subarray(0, 100 * 784), 100));
  assert.equal(reloaded.metadata.dataset, 'MNIST subset');
  reloaded.delete();
  model.delete();
});

test('initialize is deterministic for a seed and different across seeds', () => {
  const a = cs.createModel(SMALL_CNN), b = cs.createModel(SMALL_CNN);
  a.initialize(7);
  b.initialize(7);
  assert.deepEqual(a.parameters()[0].data, b.parameters()[0].data);
  b.initialize(8);
  assert.notDeepEqual(a.parameters()[0].data, b.parameters()[0].data);
  assert.deepEqual(a.parameters().map((p) => p.name),
    ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc.weight', 'fc.bias']);
  a.delete();
  b.delete();
});

test('a step with learning rate 0 changes nothing; sgd and adam both learn', () => {
  const model = cs.createModel(SMALL_CNN);
  model.initialize(3);
  // four different inputs (a pattern repeating every 7 values would make all four the same)
  const x = new Float32Array(4 * 784).map((_, i) => ((i * 2654435761) % 1000) / 1000), y = new Int32Array([1, 2, 3, 4]);
  const before = model.parameters();
  model.trainStep(x, y, 4, 0);
  assert.deepEqual(model.parameters(), before);
  for (const optimizer of ['sgd', 'adam']) {
    model.initialize(3);
    model.setOptimizer({ optimizer, momentum: 0.9 });
    const lr = optimizer === 'sgd' ? 0.1 : 0.01;
    const first = model.trainStep(x, y, 4, lr).loss;
    let last = first;
    for (let i = 0; i < 50; i++) last = model.trainStep(x, y, 4, lr).loss;
    assert.ok(last < first / 2, `${optimizer}: loss ${first} -> ${last}`);
  }
  model.delete();
});

test('training refuses bad arguments with named errors, and the model keeps working', () => {
  const model = cs.createModel(SMALL_CNN);
  model.initialize(1);
  const x = new Float32Array(2 * 784);
  assert.throws(() => model.trainStep(x, new Int32Array([0]), 2, 0.1), /n labels/);
  assert.throws(() => model.trainStep(x, new Int32Array([0, 10]), 2, 0.1), /label 10 .* out of range/);
  assert.throws(() => model.trainStep(x, new Int32Array([0, 1]), 2, -1), /learning rate/);
  assert.throws(() => model.setOptimizer({ optimizer: 'lbfgs' }), /adam.*sgd/);
  assert.throws(() => cs.createModel({ input: { channels: 1, height: 4, width: 4 }, layers: [{ name: 'x', type: 'conv9d' }] }),
    /unknown layer type "conv9d"/);
  assert.equal(model.predict(x.subarray(0, 784)).length, 10);
  model.delete();
});
