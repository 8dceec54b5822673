// The models the benchmark runs (browser and Node): the shipped MNIST CNN and DNN, and the CNN of
// issue 13 that the peers' figures were first measured on — conv 8 (3×3, padding 1) → max pool →
// conv 16 (3×3, padding 1) → max pool → dense 64 → dense 10 on 28×28, 0.67 MFLOP per image —
// with random but fixed weights (a seeded generator, the same bytes for every engine and run).
import { randomFloats, writeSafetensors } from './model-utils.mjs';

export const CNN_8_16_64 = 'cnn-8-16-64';

export const CNN_8_16_64_ARCHITECTURE = {
  input: { channels: 1, height: 28, width: 28 },
  labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  layers: [
    { name: 'conv1', type: 'conv2d', out_channels: 8, kernel: 3, padding: 1, stride: 1 },
    { name: 'relu1', type: 'relu' },
    { name: 'pool1', type: 'maxpool2d', kernel: 2, stride: 2 },
    { name: 'conv2', type: 'conv2d', out_channels: 16, kernel: 3, padding: 1, stride: 1 },
    { name: 'relu2', type: 'relu' },
    { name: 'pool2', type: 'maxpool2d', kernel: 2, stride: 2 },
    { name: 'flatten', type: 'flatten' },
    { name: 'fc1', type: 'dense', out_features: 64 },
    { name: 'relu3', type: 'relu' },
    { name: 'fc2', type: 'dense', out_features: 10 },
    { name: 'softmax', type: 'softmax' },
  ],
};

// Uniform weights in ±sqrt(6 / fan_in) (He): the activations keep their scale through the net, so
// the ten outputs are well apart and every engine picks the same class. Biases small and nonzero.
function heUniform(shape, fanIn, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = randomFloats(n, seed);
  const bound = Math.sqrt(6 / fanIn);
  return { shape, data: Float32Array.from(r, (u) => (2 * u - 1) * bound) };
}

// → the .safetensors bytes of the CNN (convscope/1), the same on every call.
export function cnn81664Bytes() {
  const p = [];
  const add = (name, t) => p.push({ name, shape: t.shape, data: t.data });
  let seed = 1300;
  add('conv1.weight', heUniform([8, 1, 3, 3], 9, seed++));
  add('conv1.bias', { shape: [8], data: randomFloats(8, seed++).map((u) => 0.1 * (u - 0.5)) });
  add('conv2.weight', heUniform([16, 8, 3, 3], 72, seed++));
  add('conv2.bias', { shape: [16], data: randomFloats(16, seed++).map((u) => 0.1 * (u - 0.5)) });
  add('fc1.weight', heUniform([64, 784], 784, seed++));
  add('fc1.bias', { shape: [64], data: randomFloats(64, seed++).map((u) => 0.1 * (u - 0.5)) });
  add('fc2.weight', heUniform([10, 64], 64, seed++));
  add('fc2.bias', { shape: [10], data: randomFloats(10, seed++).map((u) => 0.1 * (u - 0.5)) });
  return writeSafetensors(CNN_8_16_64_ARCHITECTURE, p);
}
