// Every way a model file or an input can be wrong reaches JS as an Error (instanceof Error, never a
// number or an abort) whose message names the problem; and after each refusal a model loaded
// before it still predicts the right numbers.
// Run: node --test tests/js/

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FORMAT, flat, loadEngine, modelFile } from './helpers.mjs';
import { headerAndData, rawSafetensors } from './raw-safetensors.mjs';
import { BIAS, FILTER, O_IMAGE as LECTURE_O } from '../fixtures/lecture.mjs';

let cs, good;

// The lecture's O-vs-X CNN: conv 3×3 (anti-diagonal, bias −2) → relu → 2×2 max pool → flatten →
// fc 2 → softmax. Every malformed file below is this file with one thing wrong.
const ARCH = {
  input: { channels: 1, height: 6, width: 6 },
  labels: ['O', 'X'],
  layers: [
    { name: 'conv', type: 'conv2d', out_channels: 1, kernel: 3, stride: 1, padding: 0 },
    { name: 'relu', type: 'relu' },
    { name: 'pool', type: 'maxpool2d', kernel: 2, stride: 2 },
    { name: 'flatten', type: 'flatten' },
    { name: 'fc', type: 'dense', out_features: 2 },
    { name: 'softmax', type: 'softmax' },
  ],
};
// prettier-ignore
const TENSORS = [
  { name: 'conv.weight', shape: [1, 1, 3, 3], data: FILTER.flat() },
  { name: 'conv.bias', shape: [1], data: [BIAS] },
  { name: 'fc.weight', shape: [2, 4], data: [1, -1, -1, 1, -1, 1, 1, -1] },
  { name: 'fc.bias', shape: [2], data: [0, 0] },
];
const METADATA = { format: FORMAT, architecture: JSON.stringify(ARCH) };
const O_IMAGE = flat(LECTURE_O);
// pooled [1,0,0,1] → logits [2,−2] → softmax [1/(1+e^−4), 1/(1+e^4)]
const O_PROBABILITIES = [1 / (1 + Math.exp(-4)), 1 / (1 + Math.exp(4))];

before(async () => {
  cs = await loadEngine();
  good = cs.loadModel(modelFile(ARCH, TENSORS));
});
after(() => good.delete());

// fn() must throw an Error whose message matches every pattern; then the good model must still
// give the O image's probabilities.
function assertRefused(fn, ...patterns) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, 'expected an Error, nothing was thrown');
  assert.ok(error instanceof Error, `expected an Error, got ${typeof error}: ${String(error)}`);
  for (const pattern of patterns) assert.match(error.message, pattern);
  const p = good.predict(O_IMAGE);
  assert.ok(p.length === 2 && Math.abs(p[0] - O_PROBABILITIES[0]) < 1e-6 && Math.abs(p[1] - O_PROBABILITIES[1]) < 1e-6,
    `after "${error.message}", the good model predicts [${p}] instead of [${O_PROBABILITIES}]`);
  return error;
}

// The model file with the architecture edited by edit(arch), tensors sized to fit when possible.
function withArchitecture(edit, tensors = TENSORS) {
  const arch = structuredClone(ARCH);
  edit(arch);
  return modelFile(arch, tensors);
}

// TENSORS with the tensor `name` changed by `changes` ({name, shape, data}).
function withTensor(name, changes) {
  return TENSORS.map((t) => (t.name === name ? { ...t, ...changes } : t));
}

// The well-formed file's header and data, edited by edit(header, data) and written by hand.
function withHeader(edit, { tensors = TENSORS, metadata = METADATA } = {}) {
  const { header, data } = headerAndData(tensors, metadata);
  const edited = edit(header, data);
  return rawSafetensors(header, edited ?? data);
}

// ---- The file ----

test('a file shorter than the 8-byte header length is refused as truncated', () => {
  assertRefused(() => cs.loadModel(new Uint8Array(0)), /truncated/, /0 bytes/);
  assertRefused(() => cs.loadModel(modelFile(ARCH, TENSORS).subarray(0, 7)), /truncated/, /7 bytes/);
});

test('a file cut inside its data area is refused, naming the tensor that no longer fits', () => {
  const bytes = modelFile(ARCH, TENSORS);
  assertRefused(() => cs.loadModel(bytes.subarray(0, bytes.length - 4)), /fc\.bias/, /out of range|data area/);
});

test('a file cut inside its header is refused: the header length runs past the end', () => {
  const bytes = modelFile(ARCH, TENSORS);
  assertRefused(() => cs.loadModel(bytes.subarray(0, 40)), /header length \d+ runs past the end/);
});

test('a header length past the end of the file, or over the cap, is refused', () => {
  const text = JSON.stringify(headerAndData(TENSORS, METADATA).header);
  assertRefused(() => cs.loadModel(rawSafetensors(text, new Uint8Array(60), { headerLength: 1_000_000 })),
    /header length 1000000 runs past the end/);
  assertRefused(() => cs.loadModel(rawSafetensors(text, new Uint8Array(60), { headerLength: 2 ** 53 })),
    /header length \d+ exceeds the limit/);
});

test('a header that is not JSON is refused', () => {
  assertRefused(() => cs.loadModel(rawSafetensors('{"conv.weight": {"dtype": "F32",')), /header is not valid JSON/);
  assertRefused(() => cs.loadModel(rawSafetensors('\u00ff\u00fe not json')), /header is not valid JSON/);
});

test('a header that is JSON but not an object is refused', () => {
  assertRefused(() => cs.loadModel(rawSafetensors('[1, 2, 3]')), /not a JSON object/, /array/);
  assertRefused(() => cs.loadModel(rawSafetensors('"convscope/1"')), /not a JSON object/, /string/);
});

test('__metadata__ that is not an object of strings is refused', () => {
  assertRefused(() => cs.loadModel(withHeader((h) => { h.__metadata__.test_accuracy = 0.99; })),
    /__metadata__/, /test_accuracy/);
});

test('a file without "format" is refused', () => {
  assertRefused(() => cs.loadModel(withHeader((h) => { delete h.__metadata__.format; })), /missing "format"/);
  assertRefused(() => cs.loadModel(withHeader((h) => { delete h.__metadata__; })), /missing "format"/);
});

test('an unknown format version is refused, naming it', () => {
  assertRefused(() => cs.loadModel(withHeader((h) => { h.__metadata__.format = 'convscope/2'; })),
    /unknown format "convscope\/2"/, /convscope\/1/);
});

test('a file without "architecture" is refused', () => {
  assertRefused(() => cs.loadModel(withHeader((h) => { delete h.__metadata__.architecture; })),
    /missing "architecture"/);
});

test('an architecture that is not JSON, or has no layers, is refused', () => {
  assertRefused(() => cs.loadModel(withHeader((h) => { h.__metadata__.architecture = '{"input": '; })),
    /architecture/, /JSON/);
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers = []; }, [])), /layers/);
  assertRefused(() => cs.loadModel(withArchitecture((a) => { delete a.input; })), /input/);
});

// ---- Tensors ----

test('a dtype other than F32 is refused, naming the tensor and the dtype', () => {
  assertRefused(() => cs.loadModel(withHeader((h) => { h['conv.weight'].dtype = 'F16'; })),
    /conv\.weight/, /F16/, /F32/);
  assertRefused(() => cs.loadModel(withHeader((h) => { h['fc.bias'].dtype = 'F64'; })), /fc\.bias/, /F64/);
});

test('a missing tensor is refused, naming it (file still as large as needed)', () => {
  // fc.bias renamed: the file holds as many values as the architecture needs, one name is missing
  const tensors = withTensor('fc.bias', { name: 'fc.b' });
  assertRefused(() => cs.loadModel(modelFile(ARCH, tensors)), /fc\.bias/, /missing/);
});

test('a missing tensor is refused, naming it (tensor dropped)', () => {
  const tensors = TENSORS.filter((t) => t.name !== 'conv.bias');
  assertRefused(() => cs.loadModel(modelFile(ARCH, tensors)), /conv\.bias/, /missing/);
});

test('an extra tensor is refused, naming it', () => {
  const tensors = [...TENSORS, { name: 'fc2.weight', shape: [2], data: [1, 2] }];
  assertRefused(() => cs.loadModel(modelFile(ARCH, tensors)), /fc2\.weight/, /unexpected/);
});

test('a tensor of the wrong shape is refused with both shapes (same element count)', () => {
  const tensors = withTensor('conv.weight', { shape: [1, 1, 9, 1] });
  assertRefused(() => cs.loadModel(modelFile(ARCH, tensors)), /conv\.weight/, /\[1,1,9,1\]/, /\[1,1,3,3\]/);
});

test('a tensor of the wrong shape is refused with both shapes (fewer elements)', () => {
  const tensors = withTensor('conv.weight', { shape: [1, 1, 2, 2], data: [0, 0, 1, 0] });
  assertRefused(() => cs.loadModel(modelFile(ARCH, tensors)), /conv\.weight/, /\[1,1,2,2\]/, /\[1,1,3,3\]/);
});

test('a tensor of the wrong shape is refused with both shapes (more elements)', () => {
  const tensors = withTensor('fc.weight', { shape: [2, 5], data: new Float32Array(10) });
  assertRefused(() => cs.loadModel(modelFile(ARCH, tensors)), /fc\.weight/, /\[2,5\]/, /\[2,4\]/);
});

test('data_offsets past the data area are refused', () => {
  assertRefused(() => cs.loadModel(withHeader((h) => { h['fc.bias'].data_offsets = [88, 96]; })),
    /fc\.bias/, /out of range/);
});

test('overlapping data_offsets are refused, naming both tensors', () => {
  // conv.bias moved onto the last 4 bytes of conv.weight; 4 bytes fewer in the data area
  assertRefused(() => cs.loadModel(withHeader((h, data) => {
    h['conv.bias'].data_offsets = [32, 36];
    h['fc.weight'].data_offsets = [36, 68];
    h['fc.bias'].data_offsets = [68, 76];
    return data.subarray(0, 76);
  })), /overlap/, /conv\.weight/, /conv\.bias/);
});

test('reversed data_offsets are refused', () => {
  assertRefused(() => cs.loadModel(withHeader((h) => { h['conv.bias'].data_offsets = [40, 36]; })),
    /conv\.bias/, /reversed/);
});

test('a gap or unused bytes in the data area are refused', () => {
  assertRefused(() => cs.loadModel(withHeader((h, data) => {
    h['fc.weight'].data_offsets = [44, 76];
    h['fc.bias'].data_offsets = [76, 84];
    return Uint8Array.from([...data.subarray(0, 40), 0, 0, 0, 0, ...data.subarray(40)]);
  })), /gap/);
  assertRefused(() => cs.loadModel(withHeader((h, data) => Uint8Array.from([...data, 0, 0, 0, 0]))), /unused bytes/);
});

test('data_offsets that do not hold shape × 4 bytes are refused', () => {
  assertRefused(() => cs.loadModel(withHeader((h) => {
    h['conv.weight'].shape = [1, 1, 2, 2];
    h['conv.bias'].shape = [6];
  })), /conv\.(weight|bias)/, /bytes/);
});

// ---- Architecture ----

test('an unknown layer type is refused, naming the layer and the type', () => {
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers[1].type = 'leaky_relu'; })),
    /relu/, /unknown layer type "leaky_relu"/);
});

test('stride 0 is refused, naming the layer', () => {
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers[0].stride = 0; })), /conv\.stride/, /0/);
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers[2].stride = [2, 0]; })), /pool\.stride/);
});

test('a kernel larger than its input is refused, naming the layer and both sizes', () => {
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers[0].kernel = 7; },
    withTensor('conv.weight', { shape: [1, 1, 7, 7], data: new Float32Array(49) }))),
  /conv/, /kernel 7/, /input 6/);
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers[2].kernel = 5; a.layers[2].stride = 1; })),
    /pool/, /kernel 5/, /input 4/);
});

test('negative padding is refused, naming the layer', () => {
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers[0].padding = -1; })), /conv\.padding/, /-1/);
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers[0].padding = [0, -2]; })), /conv\.padding/, /-2/);
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers[0].padding = 'full'; })),
    /conv\.padding/, /full/);
});

test('zero channels or features are refused', () => {
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.input.channels = 0; })), /input\.channels/, /0/);
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers[0].out_channels = 0; })), /conv\.out_channels/);
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers[4].out_features = 0; })), /fc\.out_features/);
});

test('duplicate layer names are refused, naming the name', () => {
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers[1].name = 'conv'; })),
    /duplicate layer name "conv"/);
});

test('dense without flatten before it is refused, pointing at flatten', () => {
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.layers.splice(3, 1); })), /fc/, /flat/);
});

test('labels that do not match the outputs are refused', () => {
  assertRefused(() => cs.loadModel(withArchitecture((a) => { a.labels = ['O', 'X', '?']; })), /labels/, /3/, /2/);
});

test('loadModel refuses what is not bytes', () => {
  for (const bad of [undefined, null, {}, 42]) assertRefused(() => cs.loadModel(bad), /loadModel|bytes|Uint8Array/);
});

// ---- Inputs ----

test('forward and predict refuse an input of the wrong length, with both lengths', () => {
  assertRefused(() => good.forward(new Float32Array(35)), /input/, /36/, /35/);
  assertRefused(() => good.predict(new Float32Array(37)), /input/, /36/, /37/);
  assertRefused(() => good.forward(new Float32Array(0)), /input/, /36/);
  assertRefused(() => good.forward(undefined), /input/);
});

test('forward refuses NaN, naming the index', () => {
  const x = Float32Array.from(O_IMAGE);
  x[17] = NaN;
  assertRefused(() => good.forward(x), /input/, /17/, /finite|NaN/i);
  assertRefused(() => good.predict(x), /input/, /17/);
});

test('forward refuses Infinity and −Infinity, naming the index', () => {
  const x = Float32Array.from(O_IMAGE);
  x[35] = Infinity;
  assertRefused(() => good.forward(x), /input/, /35/, /finite|inf/i);
  x[35] = 0;
  x[0] = -Infinity;
  assertRefused(() => good.predict(x), /input/, /value 0/);
});

test('predictBatch refuses an n that does not match the inputs', () => {
  const two = new Float32Array([...O_IMAGE, ...O_IMAGE]);
  assertRefused(() => good.predictBatch(two, 3), /inputs/, /n = 3/, /72/);
  assertRefused(() => good.predictBatch(two, 1), /inputs/, /n = 1/);
  assertRefused(() => good.predictBatch(two, 0), /inputs/, /n = 0/);
  assertRefused(() => good.predictBatch(two, -2), /inputs/, /-2/);
  assertRefused(() => good.predictBatch(new Float32Array(71), 2), /inputs/, /71/);
  const x = Float32Array.from(two);
  x[40] = NaN;
  assertRefused(() => good.predictBatch(x, 2), /input/, /finite|nan/i);
});

test('predictBatch names the index of a NaN in the whole batch, past the first 64 samples', () => {
  const n = 65, x = new Float32Array(n * 36);
  x[64 * 36 + 5] = NaN;  // sample 64, pixel 5
  assertRefused(() => good.predictBatch(x, n), /input/, new RegExp(`value ${64 * 36 + 5}\\b`));
});

test('predictBatch refuses an n that is not a whole number', () => {
  const two = new Float32Array([...O_IMAGE, ...O_IMAGE]);
  assertRefused(() => good.predictBatch(two, 2.5), /\bn\b|integer|whole/);
  assertRefused(() => good.predictBatch(two, 2 ** 32 + 2), /\bn\b|integer|whole/);
});

test('after all these refusals the good model still gives the lecture\'s numbers', () => {
  const trace = good.forward(O_IMAGE);
  assert.deepEqual(Array.from(trace.layers[2].data), [1, 0, 0, 1]);
  const batch = good.predictBatch(new Float32Array([...O_IMAGE, ...O_IMAGE]), 2);
  assert.ok(Math.abs(batch[0] - O_PROBABILITIES[0]) < 1e-6 && Math.abs(batch[2] - O_PROBABILITIES[0]) < 1e-6);
});
