// The small models the lesson runs through the engine, as convscope/1 safetensors bytes
// (src/io/FORMAT.md). Each one exists so that a number on the page is the engine's:
//   taps   [1,H,W] → conv "taps" [11,OH,OW]: channels 0–8 one filter tap each (w[k]·x, bias 0),
//          channel 9 the dot product (bias 0), channel 10 dot product + bias (the feature map)
//   pad    [C,H,W] → conv "pad" 1×1, weight 1, bias 0, padding P → the zero-padded input
//   conv   [IC,H,W] → conv "conv" (OC filters) — stride maps, RGB channels
//   dnn    the lecture's 784-30-10 dense network (zero weights: only its size matters)
// Tensors use PyTorch state_dict layouts: conv weight [OC,IC,K,K], dense weight [out,in].

import { encodeSafetensors } from '../safetensors.js';
import { OX_DENSE_WEIGHTS } from '../ox-model.js';

const FORMAT = 'convscope/1';
export const TAP_DOT = 9;
export const TAP_VALUE = 10;

function file(architecture, tensors) {
  return encodeSafetensors(tensors, { format: FORMAT, architecture: JSON.stringify(architecture) });
}

// A model with one conv2d layer named name. weight: flat [OC·IC·K·K], bias: [OC].
export function convModel({ name = 'conv', channels = 1, height, width, outChannels = 1, kernel, stride = 1, padding = 0, weight, bias }) {
  const architecture = {
    input: { channels, height, width },
    layers: [{ name, type: 'conv2d', out_channels: outChannels, kernel, stride, padding }],
  };
  return file(architecture, [
    { name: `${name}.weight`, shape: [outChannels, channels, kernel, kernel], data: weight },
    { name: `${name}.bias`, shape: [outChannels], data: bias },
  ]);
}

// filter [K][K], bias → the taps model (see the file head) for a 1-channel H×W input.
export function tapsModel({ filter, bias, stride, padding, height, width }) {
  const k = filter.length;
  const taps = k * k;
  const flat = filter.flat();
  const weight = new Float32Array((taps + 2) * taps);
  for (let t = 0; t < taps; t++) weight[t * taps + t] = flat[t];  // tap t: only weight t kept
  weight.set(flat, TAP_DOT * taps);
  weight.set(flat, TAP_VALUE * taps);
  const biases = new Float32Array(taps + 2);
  biases[TAP_VALUE] = bias;
  return convModel({ name: 'taps', height, width, outChannels: taps + 2, kernel: k, stride, padding, weight, bias: biases });
}

// The input as the filter sees it: inside a ring of `padding` zeros (1×1 conv, weight 1, bias 0).
export function padModel({ channels = 1, height, width, padding }) {
  const weight = new Float32Array(channels * channels);
  for (let c = 0; c < channels; c++) weight[c * channels + c] = 1;
  return convModel({ name: 'pad', channels, height, width, outChannels: channels, kernel: 1, padding, weight, bias: new Float32Array(channels) });
}

// Hand-set dense weights [2][PH·PW] for the O-vs-X head. A "/"-shaped filter matches an O in its
// top-left and bottom-right quarters and an X in the other two, so O's row is +1 on the first pair
// of quarters and −1 on the second; X's row is the opposite; the middle row/column (odd sizes) gets 0.
// For the lecture's 2×2 pooled map this is exactly OX_DENSE_WEIGHTS.
export function oxDenseWeights(ph, pw) {
  if (ph === 2 && pw === 2) return OX_DENSE_WEIGHTS.map((row) => [...row]);
  const half = (i, n) => Math.sign(i - (n - 1) / 2);  // −1 first half, 0 middle, +1 second half
  const o = [];
  for (let y = 0; y < ph; y++) for (let x = 0; x < pw; x++) o.push(half(y, ph) * half(x, pw));
  return [o, o.map((v) => (v === 0 ? 0 : -v))];
}

// The lecture's "DNN from Week 06": 784 inputs → 30 hidden (sigmoid) → 10 outputs (softmax).
export const DNN_LAYERS = Object.freeze([
  Object.freeze({ name: 'fc1', inputs: 784, outputs: 30 }),
  Object.freeze({ name: 'fc2', inputs: 30, outputs: 10 }),
]);

export function dnnModel() {
  const architecture = {
    input: { channels: 1, height: 28, width: 28 },
    labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    layers: [
      { name: 'flatten', type: 'flatten' },
      { name: 'fc1', type: 'dense', out_features: 30 },
      { name: 'sigmoid', type: 'sigmoid' },
      { name: 'fc2', type: 'dense', out_features: 10 },
      { name: 'softmax', type: 'softmax' },
    ],
  };
  const tensors = [];
  for (const { name, inputs, outputs } of DNN_LAYERS) {
    tensors.push({ name: `${name}.weight`, shape: [outputs, inputs], data: new Float32Array(outputs * inputs) });
    tensors.push({ name: `${name}.bias`, shape: [outputs], data: new Float32Array(outputs) });
  }
  return file(architecture, tensors);
}

// The tensor table of a .safetensors file: [{name, shape}] in file order, from its JSON header.
export function readTensorShapes(bytes) {
  if (bytes.length < 8) throw new Error(`safetensors: ${bytes.length} bytes, too short for a header`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (!(n > 1 && 8 + n <= bytes.length)) throw new Error(`safetensors: header length ${n} does not fit ${bytes.length} bytes`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  return Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0])
    .map(([name, { shape }]) => ({ name, shape }));
}
