// The engine calls behind the drawing page's evidence sections, through the real wasm module:
// transformImage / transformSweep (the invariance explorer), preprocessAsDrawn (its "centring
// off"), confusionMatrix (the test-set explorer). Values worked out by hand or checked against
// the engine's own single calls; bad input refused with a message naming it.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadEngine } from './helpers.mjs';

let cs;
before(async () => {
  cs = await loadEngine();
});

const dot = (x, y) => {
  const img = new Float32Array(784);
  img[y * 28 + x] = 1;
  return img;
};

test('transformImage: a whole-pixel shift moves the ink, a quarter turn is clockwise, identity keeps it', () => {
  assert.deepEqual(Array.from(cs.transformImage(dot(10, 12), 28, 28, { shiftX: 3, shiftY: -2 })), Array.from(dot(13, 10)));
  const turned = cs.transformImage(dot(20, 13), 28, 28, { rotation: 90 });
  assert.ok(Math.abs(turned[20 * 28 + 14] - 1) < 1e-5, `got ${turned[20 * 28 + 14]}`);
  const img = Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 101) / 100);
  assert.deepEqual(cs.transformImage(img, 28, 28, {}), img);
  const plus = cs.transformImage(dot(9, 9), 28, 28, { thickness: 1 });
  assert.equal(plus.reduce((a, b) => a + b, 0), 5);
});

test('transformSweep: 41 amounts over the range, each image the single transform at that amount', () => {
  const img = new Float32Array(784);
  for (let y = 6; y < 22; y++) img[y * 28 + 13] = 1;
  const base = { shiftX: 1, shiftY: 0, rotation: 5, scale: 1.1, thickness: 0.5 };
  for (const [axis, prop, from, to] of [['shift-x', 'shiftX', -8, 8], ['shift-y', 'shiftY', -8, 8], ['rotation', 'rotation', -45, 45], ['scale', 'scale', 0.6, 1.4], ['thickness', 'thickness', -2, 2]]) {
    const { amounts, images } = cs.transformSweep(img, 28, 28, base, axis, 41);
    assert.equal(amounts.length, 41);
    assert.equal(images.length, 41 * 784);
    assert.equal(amounts[0], Math.fround(from));
    assert.equal(amounts[40], Math.fround(to));
    for (const i of [0, 7, 20, 33, 40]) {
      assert.deepEqual(images.subarray(i * 784, (i + 1) * 784), cs.transformImage(img, 28, 28, { ...base, [prop]: amounts[i] }), `${axis} ${i}`);
    }
  }
});

test('transforms refuse what they cannot do, naming it', () => {
  assert.throws(() => cs.transformSweep(dot(1, 1), 28, 28, {}, 'shear', 41), /unknown transform "shear"/);
  assert.throws(() => cs.transformSweep(dot(1, 1), 28, 28, {}, 'rotation', 1), /points/);
  assert.throws(() => cs.transformImage(dot(1, 1), 28, 28, { scale: 0 }), /scale must be positive/);
  assert.throws(() => cs.transformImage(dot(1, 1), 28, 28, { rotation: 'a lot' }), /transform.rotation: expected a number/);
  assert.throws(() => cs.transformImage(new Float32Array(10), 28, 28, {}), /28×28 needs 784 values, got 10/);
  assert.throws(() => cs.transformImage(dot(1, 1), 0, 28, {}), /height/);
});

test('preprocessAsDrawn keeps the ink where it was; preprocess centres it', () => {
  const canvas = new Uint8Array(280 * 280);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) canvas[y * 280 + x] = 255;
  const drawn = cs.preprocessAsDrawn(canvas, 280, 280), centred = cs.preprocess(canvas, 280, 280);
  assert.equal(drawn[0], 1);
  assert.equal(drawn[11 * 28 + 11], 1);
  assert.equal(drawn[12 * 28 + 12], 0);
  assert.equal(centred[0], 0);
  assert.equal(centred[14 * 28 + 14], 1);
  assert.throws(() => cs.preprocessAsDrawn(new Uint8Array(100), 280, 280), /bytes/);
});

test('confusionMatrix counts true rows against predicted columns, first class on a tie', () => {
  const scores = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0, 0.9, 0.1, 0.4, 0.2, 0.4, 0.1, 0.1, 0.8]);
  const c = cs.confusionMatrix(scores, Int32Array.from([0, 1, 1, 2, 2]), 3);
  assert.deepEqual(Array.from(c.predicted), [0, 2, 1, 0, 2]);
  assert.deepEqual(Array.from(c.counts), [1, 0, 0, 0, 1, 1, 1, 0, 1]);
  assert.equal(c.correct, 3);
  assert.throws(() => cs.confusionMatrix(scores, [0, 1, 1, 2, 3], 3), /label 4 is 3, expected 0..2/);
  assert.throws(() => cs.confusionMatrix(scores, [0, 1], 3), /2 labels × 3 classes need 6 scores, got 15/);
});
