// The engine's learner and metrics through the JS API, as the lab uses them: the one-cycle
// schedule (model.setSchedule, trainStep without a rate, scheduledRate) and the ROC curve
// (cs.rocCurve, the curve rocAuc integrates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine, makeRng } from './helpers.mjs';

const cs = await loadEngine();

const NET = {
  input: { channels: 1, height: 5, width: 5 },
  layers: [
    { name: 'conv', type: 'conv2d', out_channels: 2, kernel: 3 },
    { name: 'relu', type: 'relu' },
    { name: 'flatten', type: 'flatten' },
    { name: 'fc', type: 'dense', out_features: 3 },
    { name: 'softmax', type: 'softmax' },
  ],
};

const rng = makeRng(7);
const X = rng.floats(6 * 25), Y = new Int32Array([0, 1, 2, 0, 1, 2]);

test('the schedule warms up over the first quarter, peaks, then cools down', () => {
  const model = cs.createModel(NET);
  try {
    model.setSchedule(0.01, 100);
    const rates = [];
    for (let k = 0; k < 100; k++) {
      rates.push(model.scheduledRate());
      model.trainStep(X, Y, 6);
    }
    assert.ok(Math.abs(rates[0] - 0.0004) < 1e-9, `first rate ${rates[0]}: 4 % of the peak`);
    assert.ok(Math.abs(rates[25] - 0.01) < 1e-9, `rate at a quarter ${rates[25]}: the peak`);
    for (let k = 1; k <= 25; k++) assert.ok(rates[k] > rates[k - 1], `warm-up at ${k}`);
    for (let k = 26; k < 100; k++) assert.ok(rates[k] < rates[k - 1], `cool-down at ${k}`);
    assert.ok(rates[99] > 0 && rates[99] < 0.0001, `last rate ${rates[99]}`);
  } finally {
    model.delete();
  }
});

test('a scheduled step is the step at the scheduled rate', () => {
  const a = cs.createModel(NET), b = cs.createModel(NET);
  try {
    a.initialize(3);
    b.initialize(3);
    a.setSchedule(0.02, 10);
    for (let k = 0; k < 10; k++) {
      const rate = a.scheduledRate();
      assert.equal(a.trainStep(X, Y, 6).loss, b.trainStep(X, Y, 6, rate).loss, `step ${k}`);
    }
    const pa = a.parameters(), pb = b.parameters();
    pa.forEach((p, i) => assert.deepEqual(p.data, pb[i].data, p.name));
  } finally {
    a.delete();
    b.delete();
  }
});

test('setSchedule and trainStep refuse what they cannot use', () => {
  const model = cs.createModel(NET);
  try {
    assert.throws(() => model.setSchedule(0.01, 0), { name: 'Error', message: /totalSteps/ });
    assert.throws(() => model.setSchedule(0.01, 2.5), { name: 'Error', message: /totalSteps/ });
    assert.throws(() => model.setSchedule(-1, 10), { name: 'Error', message: /peak/ });
    assert.throws(() => model.trainStep(X, [0, 1, 2, 0, 1, 2.5], 6), { name: 'Error', message: /label 5 is 2.5/ });
  } finally {
    model.delete();
  }
});

test('rocCurve goes from (0,0) to (1,1), one point per distinct score, and integrates to rocAuc', () => {
  const scores = [0.9, 0.85, 0.8, 0.8, 0.6, 0.5, 0.4, 0.3], labels = [1, 0, 1, 0, 1, 0, 0, 0];
  const c = cs.rocCurve(scores, labels);
  assert.ok(c.signalEfficiency instanceof Float64Array && c.backgroundEfficiency instanceof Float64Array);
  assert.deepEqual(Array.from(c.signalEfficiency), [0, 1 / 3, 1 / 3, 2 / 3, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(c.backgroundEfficiency), [0, 0, 0.2, 0.4, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(Array.from(c.threshold), [Infinity, ...[0.9, 0.85, 0.8, 0.6, 0.5, 0.4, 0.3].map(Math.fround)]);
  const random = makeRng(11), n = 500;
  const s = random.floats(n, 0, 1), l = Int32Array.from({ length: n }, (_, i) => (s[i] + random.float(-0.4, 0.4) > 0.5 ? 1 : 0));
  const curve = cs.rocCurve(s, l);
  let area = 0;
  for (let k = 1; k < curve.signalEfficiency.length; k++) {
    area += (curve.backgroundEfficiency[k] - curve.backgroundEfficiency[k - 1]) * (curve.signalEfficiency[k] + curve.signalEfficiency[k - 1]) / 2;
  }
  assert.ok(Math.abs(area - cs.rocAuc(s, l)) < 1e-12, `area ${area} vs rocAuc ${cs.rocAuc(s, l)}`);
  assert.throws(() => cs.rocCurve([0.1, 0.2], [1, 1]), { name: 'Error', message: /needs both classes/ });
  assert.throws(() => cs.rocCurve([0.1, 0.2], [0, 0.5]), { name: 'Error', message: /label 1 is 0.5/ });
});
