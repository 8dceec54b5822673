// Shared by the Node tests of the wasm engine (tests/js/*.test.mjs; the browser tests use makeRng): loading the engine, a seeded
// PRNG, shape inference for an architecture (to name and size its tensors), building model files
// with web/js/safetensors.js, and float comparisons that say where they differ.

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathToFileURL } from 'node:url';
import { encodeSafetensors } from '../../web/js/safetensors.js';
import { mulberry32 } from '../../web/js/random.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FORMAT = 'convscope/1';

// The suite runs once per build (package.json "test:js"): CONVSCOPE_ENGINE=scalar loads
// web/engine/convscope-scalar.mjs (no SIMD) instead of convscope.mjs; the same tests, the same
// thresholds. builds-agree.test.mjs compares the two builds with each other.
// CONVSCOPE_ENGINE=relaxed loads convscope-relaxed.mjs (needs node --experimental-wasm-relaxed-simd).
export const ENGINE_FILES = { simd: 'convscope.mjs', scalar: 'convscope-scalar.mjs', relaxed: 'convscope-relaxed.mjs' };
export const ENGINE_BUILD = process.env.CONVSCOPE_ENGINE || 'simd';
if (!(ENGINE_BUILD in ENGINE_FILES)) {
  throw new Error(`CONVSCOPE_ENGINE=${ENGINE_BUILD}: expected one of ${Object.keys(ENGINE_FILES).join(', ')}`);
}

// A new instance of the given build (default: the one this run tests).
export async function loadEngine(build = ENGINE_BUILD) {
  const file = path.join(ROOT, 'web/engine', ENGINE_FILES[build]);
  const { default: createConvScope } = await import(pathToFileURL(file).href);
  return createConvScope();
}

// The test-only module of the same build's kernels (kernelConv2d, kernelPool2d, kernelDense,
// kernelConv2dBatch, kernelDenseBatch): build-wasm/<build>-kernels-test.mjs, never shipped.
export async function loadKernelsTest(build = ENGINE_BUILD) {
  const file = path.join(ROOT, 'build-wasm', ENGINE_FILES[build].replace('.mjs', '-kernels-test.mjs'));
  const { default: createKernelsTest } = await import(pathToFileURL(file).href);
  return createKernelsTest();
}

// ---- Seeded PRNG (mulberry32). CONVSCOPE_SEED=<n> reruns a failing case. ----

// A fixed seed keeps CI repeatable; CONVSCOPE_SEED=random explores new shapes on each run.
export function testSeed() {
  const fromEnv = process.env.CONVSCOPE_SEED;
  if (fromEnv === 'random') return (Date.now() ^ (process.pid << 16)) >>> 0;
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv) >>> 0;
  return 20261128;
}

// The one seeded PRNG of the JS tests (Node and browser), over the site's own mulberry32.
export function makeRng(seed) {
  const next = mulberry32(seed);
  return {
    seed,
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),  // inclusive
    float: (lo, hi) => lo + next() * (hi - lo),
    pick: (items) => items[Math.floor(next() * items.length)],
    floats(n, lo = -1, hi = 1) {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = lo + next() * (hi - lo);
      return a;
    },
  };
}

// ---- Matrices as on the slides: rows of numbers <-> flat row-major arrays. ----

export const flat = (rows) => rows.flat();

// data [H·W] (one channel) -> [[...W] × H], plain numbers, for assert.deepEqual against a slide.
export function toRows(data, height, width, offset = 0) {
  const rows = [];
  for (let y = 0; y < height; y++) rows.push(Array.from(data.subarray(offset + y * width, offset + (y + 1) * width)));
  return rows;
}

// ---- Architecture shape inference, following the convscope/1 format (src/io/FORMAT.md). ----

export const pair = (v) => (Array.isArray(v) ? [v[0], v[1]] : [v, v]);

// Padding of a conv2d for an input of h × w: [top, left, bottom, right].
// "same": OH = ceil(H/S), total max((OH-1)·S + K - H, 0), the odd pixel after (TensorFlow, PyTorch).
export function convPadding(padding, h, w, kh, kw, sh, sw) {
  if (padding === undefined || padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    const total = (n, k, s) => Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
    const th = total(h, kh, sh), tw = total(w, kw, sw);
    return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
  }
  const [ph, pw] = pair(padding);
  return [ph, pw, ph, pw];
}

// Output length of a window along one axis: floor((n + P_before + P_after - K) / S) + 1.
export const outSize = (n, k, s, before = 0, after = 0) => Math.floor((n + before + after - k) / s) + 1;

// arch -> [{name, type, spec, inDims, outDims, params: [{name, shape}]}], one per layer.
export function layerShapes(arch) {
  let dims = [arch.input.channels, arch.input.height, arch.input.width];
  return arch.layers.map((spec) => {
    const inDims = dims;
    let params = [];
    switch (spec.type) {
      case 'conv2d': {
        const [c, h, w] = dims;
        const [kh, kw] = pair(spec.kernel);
        const [sh, sw] = pair(spec.stride ?? 1);
        const [pt, pl, pb, pr] = convPadding(spec.padding, h, w, kh, kw, sh, sw);
        dims = [spec.out_channels, outSize(h, kh, sh, pt, pb), outSize(w, kw, sw, pl, pr)];
        params = [
          { name: `${spec.name}.weight`, shape: [spec.out_channels, c, kh, kw] },
          { name: `${spec.name}.bias`, shape: [spec.out_channels] },
        ];
        break;
      }
      case 'maxpool2d':
      case 'avgpool2d': {
        const [c, h, w] = dims;
        const [kh, kw] = pair(spec.kernel);
        const [sh, sw] = pair(spec.stride ?? spec.kernel);
        dims = [c, outSize(h, kh, sh), outSize(w, kw, sw)];
        break;
      }
      case 'flatten':
        dims = [dims.reduce((a, b) => a * b, 1)];
        break;
      case 'dense':
        params = [
          { name: `${spec.name}.weight`, shape: [spec.out_features, dims[0]] },
          { name: `${spec.name}.bias`, shape: [spec.out_features] },
        ];
        dims = [spec.out_features];
        break;
      default:  // relu, sigmoid, tanh, softmax keep the shape
        break;
    }
    return { name: spec.name, type: spec.type, spec, inDims, outDims: dims, params };
  });
}

export const count = (shape) => shape.reduce((a, b) => a * b, 1);
export const inputSize = (arch) => arch.input.channels * arch.input.height * arch.input.width;

// Every tensor the architecture needs, filled with rng values in [-scale, scale].
export function randomTensors(arch, rng, scale = 0.5) {
  return layerShapes(arch).flatMap((layer) =>
    layer.params.map(({ name, shape }) => ({ name, shape, data: rng.floats(count(shape), -scale, scale) })));
}

// Every tensor the architecture needs, all zeros.
export function zeroTensors(arch) {
  return layerShapes(arch).flatMap((layer) =>
    layer.params.map(({ name, shape }) => ({ name, shape, data: new Float32Array(count(shape)) })));
}

// The .safetensors bytes of a model: format + architecture (+ extra metadata) and its tensors.
export function modelFile(arch, tensors, metadata = {}) {
  return encodeSafetensors(tensors, { format: FORMAT, architecture: JSON.stringify(arch), ...metadata });
}

// ---- Comparisons ----

// |actual[i] - expected[i]| <= rel · scale[i] + abs for every i, where scale is the sum of
// |terms| that made the value (or |expected| without it). The message names the first bad index
// and the context (seed, shape parameters) so a failure can be replayed.
export function assertClose(actual, expected, { rel = 1e-5, abs = 1e-6, scale, context = '' } = {}) {
  assert.equal(actual.length, expected.length, `length ${actual.length}, expected ${expected.length}; ${context}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    const s = scale ? scale[i] : Math.abs(e);
    if (!(Math.abs(a - e) <= rel * s + abs)) {
      assert.fail(`index ${i}: got ${a}, expected ${e} (tolerance ${rel} × ${s} + ${abs}); ${context}`);
    }
  }
}

// Exactly equal as float32 values (0 == -0): for max pooling, ReLU, flatten.
export function assertSame(actual, expected, context = '') {
  assert.equal(actual.length, expected.length, `length ${actual.length}, expected ${expected.length}; ${context}`);
  const e32 = Float32Array.from(expected);
  for (let i = 0; i < e32.length; i++) {
    if (actual[i] !== e32[i]) assert.fail(`index ${i}: got ${actual[i]}, expected ${e32[i]}; ${context}`);
  }
}
