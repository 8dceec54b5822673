// The jet lab's engine API in the wasm builds: cs.generateJets (the same images as the native
// generator, bit for bit), cs.generateJetRange (a part of a set, bit for bit that part of the
// whole set) and the lab's test set generated in parts (web/js/lab/jet-parts.js), cs.rocAuc and
// cs.backgroundRejection, and the shipped jet models' recorded AUC on the regenerated test set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ENGINE_BUILD, ROOT, loadEngine, makeRng } from './helpers.mjs';
import { jetsInParts } from '../../web/js/lab/jet-parts.js';
import { DATA } from '../../web/js/lab/settings.js';

const cs = await loadEngine();

// FNV-1a over the images' float bits, then the labels — as checksum() in
// tests/native/jets_test.cpp, which asserts the same value for the native build.
function checksum({ images, labels }) {
  let h = 2166136261;
  for (const bits of new Uint32Array(images.buffer, images.byteOffset, images.length))
    h = Math.imul((h ^ bits) >>> 0, 16777619) >>> 0;
  for (const label of labels) h = Math.imul((h ^ label) >>> 0, 16777619) >>> 0;
  return h;
}

function expectNativeJets(engine) {
  const d = engine.generateJets(1000, 42);
  assert.equal(checksum(d).toString(16), 'ee8f9e36');
  assert.equal(d.labels[0], 1);
  assert.equal(d.images[312], Math.fround(0.220877901));
  assert.equal(d.images[1000 * 625 - 313], Math.fround(0.306505382));
}

test('generateJets: shapes, balanced labels, normalised images', () => {
  const d = cs.generateJets(101, 3);
  assert.ok(d.images instanceof Float32Array);
  assert.ok(d.labels instanceof Int32Array);
  assert.equal(d.images.length, 101 * 625);
  assert.equal(d.labels.length, 101);
  assert.equal(d.height, 25);
  assert.equal(d.width, 25);
  assert.equal(d.labels.filter((l) => l === 1).length, 50);
  assert.equal(d.labels.filter((l) => l === 0).length, 51);
  for (let i = 0; i < d.labels.length; i++) {
    const image = d.images.subarray(i * 625, (i + 1) * 625);
    assert.ok(image.every((v) => v >= 0), `jet ${i} has a negative pixel`);
    const sum = image.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5, `jet ${i} sums to ${sum}`);
  }
});

test('generateJets: same seed same jets, other seed other jets', () => {
  const a = cs.generateJets(40, 7), b = cs.generateJets(40, 7), c = cs.generateJets(40, 8);
  assert.deepEqual(a.images, b.images);
  assert.deepEqual(a.labels, b.labels);
  assert.notDeepEqual(a.images, c.images);
});

test(`generateJets: the ${ENGINE_BUILD} build gives the native images bit for bit`, () => {
  expectNativeJets(cs);
});

test('generateJets: refuses a bad count or seed with a named Error', () => {
  for (const count of [0, -1, 1.5, 100001, NaN])
    assert.throws(() => cs.generateJets(count, 1), { name: 'Error', message: /generateJets: count/ });
  for (const seed of [-1, 0.5, 2 ** 32])
    assert.throws(() => cs.generateJets(2, seed), { name: 'Error', message: /generateJets: seed/ });
});

// The same float bits (not only equal values) and the same labels.
const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
function assertSameJets(actual, expected, what) {
  assert.equal(actual.labels.length, expected.labels.length, `${what}: count`);
  assert.ok(bytes(actual.labels).equals(bytes(expected.labels)), `${what}: labels differ`);
  assert.ok(bytes(actual.images).equals(bytes(expected.images)), `${what}: images differ`);
}

test('generateJetRange: a part of a set is bit for bit that part of the whole set', () => {
  const count = 300, seed = 5;
  const whole = cs.generateJets(count, seed);
  const rng = makeRng(13);
  const ranges = [[0, count], [0, 1], [count - 1, 1]];
  for (let k = 0; k < 6; k++) {
    const first = rng.int(0, count - 1);
    ranges.push([first, rng.int(1, count - first)]);
  }
  for (const [first, n] of ranges) {
    const part = cs.generateJetRange(count, seed, first, n);
    assert.equal(part.height, 25);
    assert.equal(part.width, 25);
    assertSameJets(part, { images: whole.images.subarray(first * 625, (first + n) * 625), labels: whole.labels.subarray(first, first + n) },
      `jets ${first} + ${n} (CONVSCOPE_SEED=${rng.seed})`);
  }
  // the labels are shuffled over the whole set: another count, other labels
  assert.notDeepEqual(cs.generateJetRange(count + 1, seed, 0, 40).labels, whole.labels.subarray(0, 40));
});

test('generateJetRange: refuses a range outside the set, or a bad count or seed, with a named Error', () => {
  for (const first of [-1, 0.5, 10, 11, NaN])
    assert.throws(() => cs.generateJetRange(10, 1, first, 1), { name: 'Error', message: /generateJetRange: first/ });
  for (const n of [0, -1, 2.5, 7, NaN])
    assert.throws(() => cs.generateJetRange(10, 1, 4, n), { name: 'Error', message: /generateJetRange: n/ });
  assert.throws(() => cs.generateJetRange(10, 1, 4, 7),
    { name: 'Error', message: 'generateJetRange: n (first + n at most count) must be a whole number from 1 to 6, got 7' });
  for (const count of [0, 1.5, 100001])
    assert.throws(() => cs.generateJetRange(count, 1, 0, 1), { name: 'Error', message: /generateJetRange: count/ });
  for (const seed of [-1, 0.5, 2 ** 32])
    assert.throws(() => cs.generateJetRange(10, seed, 0, 1), { name: 'Error', message: /generateJetRange: seed/ });
  assert.throws(() => cs.generateJetRange(10, 1, 0), /called with 3 arguments, expected 4/);
});

test('the lab\'s test set generated in parts (first screen first) is generateJets(testCount, testSeed) bit for bit', async () => {
  const first = cs.generateJetRange(DATA.testCount, DATA.testSeed, 0, DATA.firstTestCount);
  for (const c of [0, 1]) {
    const n = first.labels.filter((l) => l === c).length;
    assert.ok(n >= DATA.examplesPerClass && n >= DATA.firstTestCount / 4, `class ${c}: ${n} jets in the first part (the examples and the averages)`);
  }
  const test = await jetsInParts(cs, DATA.testCount, DATA.testSeed, { first });
  assert.equal(test.count, DATA.testCount);
  assertSameJets(test, cs.generateJets(DATA.testCount, DATA.testSeed), 'the test set');
  // no first part, a part size that does not divide the count
  assertSameJets(await jetsInParts(cs, 1001, 3, { part: 97 }), cs.generateJets(1001, 3), 'generateJets(1001, 3) in parts of 97');
});

test('rocAuc and backgroundRejection on hand-made cases', () => {
  const labels = new Int32Array([0, 0, 1, 1]);
  assert.equal(cs.rocAuc(new Float32Array([0.1, 0.2, 0.8, 0.9]), labels), 1);
  assert.equal(cs.rocAuc(new Float32Array([0.9, 0.8, 0.2, 0.1]), labels), 0);
  assert.equal(cs.rocAuc(new Float32Array([0.5, 0.5, 0.5, 0.5]), labels), 0.5);
  assert.equal(cs.rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(cs.rocAuc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1]), 0.875);
  const scores = [0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3], truth = [1, 0, 1, 1, 1, 0, 0, 0];
  assert.equal(cs.backgroundRejection(scores, truth, 0.5), 4);
  assert.equal(cs.backgroundRejection([0.1, 0.9], [0, 1], 0.5), Infinity);
});

test('rocAuc refuses mismatched lengths, one class, labels other than 0/1', () => {
  assert.throws(() => cs.rocAuc([0.1, 0.2], [0, 1, 1]), { name: 'Error', message: /2 scores but 3 labels/ });
  assert.throws(() => cs.rocAuc([0.1, 0.2], [1, 1]), { name: 'Error', message: /needs both classes/ });
  assert.throws(() => cs.rocAuc([0.1, 0.2], [0, 2]), { name: 'Error', message: /label 1 is 2/ });
  assert.throws(() => cs.rocAuc([0.1, 0.2], [0, 0.5]), { name: 'Error', message: /label 1 is 0.5/ });
  assert.throws(() => cs.rocAuc(undefined, [0, 1]), { name: 'Error', message: /scores/ });
});

for (const name of ['jet-cnn', 'jet-dnn']) {
  test(`${name}: wasm reaches the recorded AUC on the regenerated test set`, () => {
    const file = path.join(ROOT, 'web/models', `${name}.safetensors`);
    assert.ok(existsSync(file), `${file} is committed: it must be there`);
    const model = cs.loadModel(readFileSync(file));
    assert.deepEqual(model.labels, ['QCD', 'W/Z']);
    const testSet = cs.generateJets(10000, 2);  // kJetTestCount, kJetTestSeed
    const probs = model.predictBatch(testSet.images, 10000);
    const signal = new Float32Array(10000);
    for (let i = 0; i < 10000; i++) signal[i] = probs[2 * i + 1];
    const auc = cs.rocAuc(signal, testSet.labels);
    assert.ok(Math.abs(auc - Number(model.metadata.test_auc)) < 0.00005,
      `AUC ${auc}, recorded ${model.metadata.test_auc}`);
    model.delete();
  });
}
