// The lecture's O-vs-X CNN as a convscope/1 safetensors file (src/io/FORMAT.md).
// input [1,6,6] → conv (1 filter K×K, stride S, padding P) [1,OH,OW] → relu → pool (kernel = stride
// = poolSize) [1,PH,PW] → flatten [F = PH·PW] → fc (dense, 2 outputs) → softmax; labels O, X.
// Tensors, PyTorch state_dict layout: conv.weight [1,1,K,K], conv.bias [1], fc.weight [2,F], fc.bias [2].

import { encodeSafetensors } from './safetensors.js';
import { ANTI_DIAGONAL_FILTER, LECTURE_BIAS } from './lecture-data.js';

export const OX_INPUT_SIZE = 6;
export const OX_LABELS = Object.freeze(['O', 'X']);

// With the lecture's filter, bias, stride 1, no padding and a 2×2 max pool, the pooled map is
// [[1,0],[0,1]] for O (matches on the two diagonal corners) and [[0,1],[1,0]] for X. Flattened,
// O = [1,0,0,1], X = [0,1,1,0], so each class neuron votes for its own corners and against the
// other's: logits ±2, softmax ≈ 0.982 for the right class.
// prettier-ignore
export const OX_DENSE_WEIGHTS = Object.freeze([
  Object.freeze([ 1, -1, -1,  1]),  // O
  Object.freeze([-1,  1,  1, -1]),  // X
]);
export const OX_DENSE_BIAS = Object.freeze([0, 0]);

// Output size of a conv or pool along one axis: floor((n + 2P − K) / S) + 1.
export function outSize(n, kernel, stride, padding = 0) {
  return Math.floor((n + 2 * padding - kernel) / stride) + 1;
}

export function buildOxModel({
  filter = ANTI_DIAGONAL_FILTER,
  bias = LECTURE_BIAS,
  stride = 1,
  padding = 0,
  pool = 'maxpool2d',
  poolSize = 2,
  denseWeights,
  denseBias = OX_DENSE_BIAS,
} = {}) {
  const kernel = filter.length;
  if (kernel < 1 || !filter.every((row) => row.length === kernel)) {
    throw new Error(`conv.weight: filter must be square K×K, got ${filter.length} rows`);
  }
  if (pool !== 'maxpool2d' && pool !== 'avgpool2d') {
    throw new Error(`pool: type must be "maxpool2d" or "avgpool2d", got ${JSON.stringify(pool)}`);
  }
  const convSize = outSize(OX_INPUT_SIZE, kernel, stride, padding);
  if (!(convSize >= 1)) {
    throw new Error(`conv: kernel ${kernel}, stride ${stride}, padding ${padding} leave no output on a 6×6 input`);
  }
  const pooledSize = outSize(convSize, poolSize, poolSize);
  if (!(pooledSize >= 1)) {
    throw new Error(`pool: kernel ${poolSize} does not fit the ${convSize}×${convSize} feature map`);
  }
  const features = pooledSize * pooledSize;

  if (denseWeights === undefined) {
    if (features !== OX_DENSE_WEIGHTS[0].length) {
      throw new Error(`fc.weight: default weights fit F = 4 inputs, this architecture has F = ${features}; pass denseWeights [2][${features}]`);
    }
    denseWeights = OX_DENSE_WEIGHTS;
  }
  const fcWeight = denseWeights.flat();
  if (denseWeights.length !== 2 || fcWeight.length !== 2 * features) {
    throw new Error(`fc.weight: needs [2][${features}], got ${denseWeights.length} rows with ${fcWeight.length} values`);
  }

  const architecture = {
    input: { channels: 1, height: OX_INPUT_SIZE, width: OX_INPUT_SIZE },
    labels: [...OX_LABELS],
    layers: [
      { name: 'conv', type: 'conv2d', out_channels: 1, kernel, stride, padding },
      { name: 'relu', type: 'relu' },
      { name: 'pool', type: pool, kernel: poolSize, stride: poolSize },
      { name: 'flatten', type: 'flatten' },
      { name: 'fc', type: 'dense', out_features: 2 },
      { name: 'softmax', type: 'softmax' },
    ],
  };

  return encodeSafetensors(
    [
      { name: 'conv.weight', shape: [1, 1, kernel, kernel], data: filter.flat() },
      { name: 'conv.bias', shape: [1], data: [bias] },
      { name: 'fc.weight', shape: [2, features], data: fcWeight },
      { name: 'fc.bias', shape: [2], data: [...denseBias] },
    ],
    {
      format: 'convscope/1',
      architecture: JSON.stringify(architecture),
      description: "The lecture's O-vs-X CNN: 6×6 image → conv → ReLU → pool → flatten → dense → softmax (O, X)",
    },
  );
}
