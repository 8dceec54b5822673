// Section 8's training, off the page's thread: a module worker (started by lesson/learn-filter.js)
// holding the lecture's O-vs-X net in its own copy of the engine, trained on the set of
// lesson/ox-dataset.js (every image in every step). It works only when asked, so stopping is the
// page not asking again; one request is at most CHUNK_BUDGET_MS of work.
// Requests (the protocol of worker-rpc.js; the engine is the page's build, through engine.js),
// each answered with a snapshot, in the order asked:
//   reset {seed}  fresh seeded random weights (the old model stays if refused)
//   train {steps} up to `steps` training steps
// A snapshot is everything the page draws: {step, losses, correct (per step so far: losses[k], correct[k] after k steps),
// params {name: Float32Array}, parameterCount, probs (Float32Array n·2, the training images),
// lecture {O, X} (probabilities), dead (every ReLU output 0; checked once done), trainMs, longestMs}.

import { serveRequests, workerEngine } from '../worker-serve.js';
import { O_IMAGE, X_IMAGE } from '../lecture-data.js';
import { OX_INPUT_SIZE } from '../ox-model.js';
import { makeOxDataset } from './ox-dataset.js';
import { CHUNK_BUDGET_MS, OX_ARCHITECTURE, TRAINING } from './ox-training.js';

const data = makeOxDataset();
const lecture = { O: Float32Array.from(O_IMAGE.flat()), X: Float32Array.from(X_IMAGE.flat()) };

let model = null;
let step = 0;
let losses = [];
let correct = [];
let trainMs = 0;    // time in training steps since the reset
let longestMs = 0;  // the longest request's

function reset(cs, seed) {
  const fresh = cs.createModel(OX_ARCHITECTURE);
  try {
    fresh.initialize(seed);
    fresh.setOptimizer({ optimizer: TRAINING.optimizer });
  } catch (e) {
    fresh.delete();
    throw e;
  }
  model?.delete();
  model = fresh;
  [step, trainMs, longestMs, losses, correct] = [0, 0, 0, [], []];
  measure();
}

// The loss and hits of the current weights (no learning) → losses[step], correct[step].
function measure() {
  const r = model.evaluate(data.inputs, data.labelsInt, data.n);
  losses[step] = r.loss;
  correct[step] = r.correct;
}

// Up to maxSteps steps, stopping early once CHUNK_BUDGET_MS of work is done.
function train(maxSteps) {
  const t0 = performance.now();
  for (let done = 0; done < maxSteps && step < TRAINING.steps; done++) {
    if (done > 0 && performance.now() - t0 > CHUNK_BUDGET_MS) break;
    const r = model.trainStep(data.inputs, data.labelsInt, data.n, TRAINING.learningRate);
    losses[step] = r.loss;  // measured before the step: the loss after `step` steps
    correct[step] = r.correct;
    step += 1;
  }
  const ms = performance.now() - t0;
  trainMs += ms;
  longestMs = Math.max(longestMs, ms);
  measure();
}

// Dead ReLU: after ReLU, every training image's feature map is all zeros.
function dead() {
  if (correct[step] === data.n) return false;
  const size = OX_INPUT_SIZE * OX_INPUT_SIZE;
  for (let i = 0; i < data.n; i++) {
    const relu = model.forward(data.inputs.subarray(i * size, (i + 1) * size)).layers.find((l) => l.name === 'relu');
    if (relu.data.some((v) => v > 0)) return false;
  }
  return true;
}

function snapshot() {
  return {
    step, losses, correct, trainMs, longestMs,
    params: Object.fromEntries(model.parameters().map((p) => [p.name, p.data])),
    parameterCount: model.parameterCount(),
    probs: model.predictBatch(data.inputs, data.n),
    lecture: { O: model.predict(lecture.O), X: model.predict(lecture.X) },
    dead: step >= TRAINING.steps && dead(),
  };
}

serveRequests({
  async reset({ seed }) {
    reset((await workerEngine()).cs, seed);
    return snapshot();
  },
  train({ steps }) {
    if (!model) throw new Error('no model to train yet (reset first)');
    train(steps);
    return snapshot();
  },
});
