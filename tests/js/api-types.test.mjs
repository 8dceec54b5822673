// src/bindings/convscope.d.ts against the engine: every member it declares on ConvScope and on
// Model exists and is called here, and what it returns has the declared shape; a member the
// engine exports but the declaration lacks fails too. The build copies the file beside each
// engine (web/engine/<build>.d.mts); that copy must be the declaration.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, ENGINE_BUILD, ENGINE_FILES, loadEngine, makeRng } from './helpers.mjs';

const DTS = readFileSync(path.join(ROOT, 'src/bindings/convscope.d.ts'), 'utf8');
const cs = await loadEngine();

// Member names declared in `export interface <name> { ... }` (methods and properties).
function declared(name) {
  const start = DTS.indexOf(`export interface ${name} {`);
  assert.ok(start >= 0, `convscope.d.ts declares interface ${name}`);
  const body = DTS.slice(start, DTS.indexOf('\n}', start));
  const names = [...body.matchAll(/^ {2}(?:readonly )?(\w+)[(:?]/gm)].map((m) => m[1]);
  return [...new Set(names)];
}

const NET = {
  input: { channels: 1, height: 6, width: 6 },
  labels: ['O', 'X'],
  layers: [
    { name: 'conv', type: 'conv2d', out_channels: 2, kernel: 3, padding: 'same' },
    { name: 'relu', type: 'relu' },
    { name: 'pool', type: 'maxpool2d', kernel: 2 },
    { name: 'flatten', type: 'flatten' },
    { name: 'fc', type: 'dense', out_features: 2 },
    { name: 'softmax', type: 'softmax' },
  ],
};
const rng = makeRng(3);
const X = rng.floats(4 * 36), Y = new Int32Array([0, 1, 1, 0]);

const isFloats = (v, n) => v instanceof Float32Array && (n === undefined || v.length === n);
const isShape = (v) => Array.isArray(v) && v.every(Number.isInteger);
const isTrace = (t) => Array.isArray(t.layers) && t.layers.length === NET.layers.length && isFloats(t.output, 2) &&
  t.layers.every((l) => typeof l.name === 'string' && typeof l.type === 'string' && isShape(l.shape) && isFloats(l.data));
const isDescription = (layers) => Array.isArray(layers) && layers.length === NET.layers.length && layers.every((l) =>
  typeof l.name === 'string' && typeof l.type === 'string' && isShape(l.inputShape) && isShape(l.outputShape) &&
  (l.kernel === null ? l.stride === null && l.padding === null
    : isShape(l.kernel) && isShape(l.stride) && ['top', 'bottom', 'left', 'right'].every((k) => Number.isInteger(l.padding[k]))));
const isLoss = (r) => Number.isFinite(r.loss) && Number.isInteger(r.correct);

// Each declared member: how to call it (model: a fresh createModel(NET), initialized) and what
// it must give.
const MODEL_CALLS = {
  architecture: (m) => assert.deepEqual(m.architecture, NET),
  metadata: (m) => assert.deepEqual(m.metadata, {}),
  labels: (m) => assert.deepEqual(m.labels, ['O', 'X']),
  parameterCount: (m) => assert.equal(m.parameterCount(), 2 * 9 + 2 + 2 * 18 + 2),
  describeLayers: (m) => assert.ok(isDescription(m.describeLayers())),
  forward: (m) => assert.ok(isTrace(m.forward(X.subarray(0, 36)))),
  forwardView: (m) => assert.ok(isTrace(m.forwardView(X.subarray(0, 36)))),
  predict: (m) => assert.ok(isFloats(m.predict(X.subarray(0, 36)), 2)),
  predictBatch: (m) => assert.ok(isFloats(m.predictBatch(X, 4), 8)),
  setReferenceKernels: (m) => assert.equal(m.setReferenceKernels(true), undefined),
  parameters: (m) => assert.deepEqual(m.parameters().map((p) => [p.name, p.shape, p.data.length]),
    [['conv.weight', [2, 1, 3, 3], 18], ['conv.bias', [2], 2], ['fc.weight', [2, 18], 36], ['fc.bias', [2], 2]]),
  initialize: (m) => assert.equal(m.initialize(5), undefined),
  setOptimizer: (m) => {
    assert.equal(m.setOptimizer({ optimizer: 'sgd', momentum: 0.5, weightDecay: 0 }), undefined);
    assert.equal(m.setOptimizer(undefined), undefined);
  },
  trainStep: (m) => {
    assert.ok(isLoss(m.trainStep(X, Y, 4, 0.01)));
    m.setSchedule(0.01, 3);
    assert.ok(isLoss(m.trainStep(X, Y, 4)));
  },
  setSchedule: (m) => assert.equal(m.setSchedule(0.02, 8), undefined),
  scheduledRate: (m) => {
    m.setSchedule(0.02, 8);
    assert.ok(Math.abs(m.scheduledRate() - 0.0008) < 1e-9);
  },
  evaluate: (m) => assert.ok(isLoss(m.evaluate(X, Y, 4))),
  save: (m) => {
    const bytes = m.save({ dataset: 'api test' });
    assert.ok(bytes instanceof Uint8Array);
    const again = cs.loadModel(bytes);
    assert.equal(again.metadata.dataset, 'api test');
    again.delete();
    assert.ok(m.save(undefined) instanceof Uint8Array);
  },
  inputGradient: (m) => {
    assert.ok(isFloats(m.inputGradient(X.subarray(0, 36), 1), 36));
    assert.ok(isFloats(m.inputGradient(X.subarray(0, 36), 0, 'conv'), 36));
  },
  maximiseSeed: (m) => assert.ok(isFloats(m.maximiseSeed({ seed: 2 }), 36)),
  maximiseStep: (m) => {
    const r = m.maximiseStep('conv', 1, m.maximiseSeed(undefined), 0, undefined);
    assert.ok(isFloats(r.image, 36) && Number.isFinite(r.activation));
  },
  maximiseChannel: (m) => assert.ok(isFloats(m.maximiseChannel(0, 0, { steps: 3 }), 36)),
  makeIt: (m) => {
    const r = m.makeIt(X.subarray(0, 36), 1, { maxSteps: 3, stopWhenReached: false });
    assert.ok(isFloats(r.image, 36) && isFloats(r.change, 36) && isFloats(r.probabilities, 3));
    assert.ok(Number.isInteger(r.predicted) && typeof r.reached === 'boolean');
  },
  makeItStep: (m) => {
    const r = m.makeItStep(X.subarray(0, 36), X.subarray(0, 36), 0, { epsilon: 0.1 });
    assert.ok(isFloats(r.image, 36) && Number.isFinite(r.probability));
  },
  delete: (m) => {
    const other = cs.createModel(NET);
    assert.equal(other.delete(), undefined);
    assert.throws(() => other.parameterCount());
    assert.ok(m);
  },
};

const CS_CALLS = {
  createModel: () => {
    const m = cs.createModel(JSON.stringify(NET));
    assert.equal(m.parameterCount(), 58);
    m.delete();
  },
  loadModel: () => {
    const m = cs.createModel(NET);
    const bytes = m.save(undefined);
    m.delete();
    const loaded = cs.loadModel(bytes);
    assert.deepEqual(loaded.architecture, NET);
    loaded.delete();
  },
  describeArchitecture: () => assert.ok(isDescription(cs.describeArchitecture(NET))),
  memoryBytes: () => assert.ok(cs.memoryBytes() >= 65536 && cs.memoryBytes() % 65536 === 0),
  preprocess: () => {
    const ink = new Uint8Array(40 * 30);
    for (let y = 10; y < 30; y++) ink[y * 30 + 15] = 255;
    assert.ok(isFloats(cs.preprocess(ink, 30, 40), 784));
  },
  preprocessAsDrawn: () => {
    const ink = new Uint8Array(40 * 30);
    for (let y = 10; y < 30; y++) ink[y * 30 + 5] = 255;
    assert.ok(isFloats(cs.preprocessAsDrawn(ink, 30, 40), 784));
  },
  transformImage: () => {
    assert.ok(isFloats(cs.transformImage(X.subarray(0, 36), 6, 6, { shiftX: 1, rotation: 10 }), 36));
    assert.ok(isFloats(cs.transformImage(X.subarray(0, 36), 6, 6, undefined), 36));
  },
  transformSweep: () => {
    const r = cs.transformSweep(X.subarray(0, 36), 6, 6, { scale: 1.1 }, 'rotation', 5);
    assert.ok(isFloats(r.amounts, 5) && isFloats(r.images, 5 * 36));
    assert.equal(r.amounts[0], -45);
  },
  confusionMatrix: () => {
    const c = cs.confusionMatrix([0.9, 0.1, 0.2, 0.8, 0.6, 0.4], [0, 1, 1], 2);
    assert.deepEqual([...c.predicted], [0, 1, 0]);
    assert.deepEqual([...c.counts], [1, 0, 1, 1]);
    assert.equal(c.correct, 2);
  },
  preprocessPlaced: () => {
    const ink = new Uint8Array(40 * 30);
    for (let y = 10; y < 30; y++) ink[y * 30 + 15] = 255;
    const { image, placement } = cs.preprocessPlaced(ink, 30, 40);
    assert.deepEqual(image, cs.preprocess(ink, 30, 40));
    assert.deepEqual(Object.keys(placement).sort(), ['offsetX', 'offsetY', 'scale']);
    assert.equal(placement.scale, 1);  // the 20-pixel stroke fills the 20-pixel box
  },
  generateJets: () => {
    const jets = cs.generateJets(4, 1);
    assert.ok(isFloats(jets.images, 4 * 625) && jets.labels instanceof Int32Array && jets.labels.length === 4);
    assert.equal(jets.height, 25);
    assert.equal(jets.width, 25);
  },
  generateJetRange: () => {
    const jets = cs.generateJetRange(4, 1, 1, 2);  // jets 1 and 2 of generateJets(4, 1)
    assert.ok(isFloats(jets.images, 2 * 625) && jets.labels instanceof Int32Array && jets.labels.length === 2);
    assert.equal(jets.height, 25);
    assert.equal(jets.width, 25);
  },
  rocAuc: () => assert.equal(cs.rocAuc([0.1, 0.9], [0, 1]), 1),
  rocCurve: () => {
    const c = cs.rocCurve([0.1, 0.9], [0, 1]);
    assert.ok(c.signalEfficiency instanceof Float64Array && c.backgroundEfficiency instanceof Float64Array && isFloats(c.threshold, 3));
  },
  backgroundRejection: () => assert.equal(cs.backgroundRejection([0.1, 0.9, 0.2], [0, 1, 0], 0.5), Infinity),
};

test('every member declared on ConvScope exists and does what its declaration says', () => {
  for (const name of declared('ConvScope')) {
    assert.equal(typeof cs[name], 'function', `cs.${name} is declared but the engine has no such function`);
    assert.ok(CS_CALLS[name], `cs.${name} is declared but this test does not call it`);
    CS_CALLS[name]();
  }
});

test('every member declared on Model exists and does what its declaration says', () => {
  for (const name of declared('Model')) {
    const model = cs.createModel(NET);
    try {
      model.initialize(1);
      assert.ok(name in model, `model.${name} is declared but the engine's Model has no such member`);
      assert.ok(MODEL_CALLS[name], `model.${name} is declared but this test does not call it`);
      MODEL_CALLS[name](model);
    } finally {
      model.delete();
    }
  }
});

test('everything the engine exports is declared', () => {
  // Embind's registered functions carry argCount; the runtime's own helpers do not.
  const exported = Object.keys(cs).filter((k) => typeof cs[k] === 'function' && cs[k].argCount !== undefined);
  assert.deepEqual(exported.filter((k) => !declared('ConvScope').includes(k)), [], 'exported on cs but not declared');
  const methods = Object.getOwnPropertyNames(cs.Model.prototype).filter((k) => k !== 'constructor');
  assert.deepEqual(methods.filter((k) => !declared('Model').includes(k)), [], 'on Model but not declared');
});

test('the build puts the declaration beside the engine', () => {
  const copy = path.join(ROOT, 'web/engine', ENGINE_FILES[ENGINE_BUILD].replace('.mjs', '.d.mts'));
  assert.equal(readFileSync(copy, 'utf8'), DTS, `${copy} is src/bindings/convscope.d.ts`);
});
