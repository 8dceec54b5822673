// Section 8's net and its training on one engine: the lecture's O-vs-X net from seeded random
// weights, trained with Adam on the set of lesson/ox-dataset.js (every image in every step), and
// the snapshot the page draws. The training worker (lesson/train-worker.js) holds one; the page
// makes one too, for the random start only, on its own engine (the same build and seed give the
// same numbers), so that it shows section 8 without waiting for the worker to start.
// A snapshot: {step, losses, correct (per step so far: losses[k], correct[k] after k steps),
// params {name: Float32Array}, parameterCount, probs (Float32Array n·2, the training images),
// lecture {O, X} (probabilities), dead (every ReLU output 0; checked once done), trainMs, longestMs}.

import { O_IMAGE, X_IMAGE } from '../lecture-data.js';
import { OX_INPUT_SIZE } from '../ox-model.js';
import { CHUNK_BUDGET_MS, OX_ARCHITECTURE, TRAINING } from './ox-training.js';

// cs: the engine; data: makeOxDataset()'s set.
export function createOxTrainer(cs, data) {
  const lecture = { O: Float32Array.from(O_IMAGE.flat()), X: Float32Array.from(X_IMAGE.flat()) };
  let model = null;
  let step = 0;
  let losses = [];
  let correct = [];
  let trainMs = 0;    // time in training steps since the reset
  let longestMs = 0;  // the longest request's

  // The loss and hits of the current weights (no learning) → losses[step], correct[step].
  function measure() {
    const r = model.evaluate(data.inputs, data.labelsInt, data.n);
    losses[step] = r.loss;
    correct[step] = r.correct;
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

  return {
    // Fresh random weights for seed (the old model stays if the engine refuses).
    reset(seed) {
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
    },
    hasModel: () => model !== null,
    // Up to maxSteps steps, stopping early once CHUNK_BUDGET_MS of work is done.
    train(maxSteps) {
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
    },
    snapshot() {
      return {
        step, losses, correct, trainMs, longestMs,
        params: Object.fromEntries(model.parameters().map((p) => [p.name, p.data])),
        parameterCount: model.parameterCount(),
        probs: model.predictBatch(data.inputs, data.n),
        lecture: { O: model.predict(lecture.O), X: model.predict(lecture.X) },
        dead: step >= TRAINING.steps && dead(),
      };
    },
    delete() {
      model?.delete();
      model = null;
    },
  };
}
