// Section 8's training setup, shared by the page (lesson/learn-filter.js) and the worker that trains
// (lesson/train-worker.js): the lecture's O-vs-X net as an architecture for cs.createModel (layer
// types as in src/io/FORMAT.md) and the training settings.

import { ANTI_DIAGONAL_FILTER } from '../lecture-data.js';
import { OX_INPUT_SIZE, OX_LABELS } from '../ox-model.js';

export const TRAINING = Object.freeze({
  steps: 300, stepsPerFrame: 10, learningRate: 0.05, optimizer: 'adam', seed: 1,
});
// The most work the worker does per request: the page redraws between requests, and a Pause
// waits for at most this long.
export const CHUNK_BUDGET_MS = 30;
export const K = ANTI_DIAGONAL_FILTER.length;

export const OX_ARCHITECTURE = Object.freeze({
  input: { channels: 1, height: OX_INPUT_SIZE, width: OX_INPUT_SIZE },
  labels: [...OX_LABELS],
  layers: [
    { name: 'conv', type: 'conv2d', out_channels: 1, kernel: K, stride: 1, padding: 0 },
    { name: 'relu', type: 'relu' },
    { name: 'pool', type: 'maxpool2d', kernel: 2, stride: 2 },
    { name: 'flatten', type: 'flatten' },
    { name: 'fc', type: 'dense', out_features: 2 },
    { name: 'softmax', type: 'softmax' },
  ],
});
