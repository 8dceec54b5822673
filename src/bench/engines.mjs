// The engines side by side, behind one interface (browser and Node; the caller passes the
// imported modules, so this file imports no engine itself):
//   engine.predict(x)            one sample in the engine's input layout → Float32Array output
//   engine.predictBatch(xs, n)   n samples back to back → Float32Array n × outputs
//   engine.keepBatch(xs, n)      the same work, its output kept where the engine's API can keep it
//                                (no new JS array per call) → a number from it; for rates
//   engine.async                 true if those return promises (ONNX Runtime)
//   engine.layout(data, n)       our NCHW inputs → the engine's layout (outside the timings)
//   engine.canonical(out, n)     the engine's outputs → our layout (for the agreement checks)
//   engine.dispose()
// Each factory takes the architecture and parameters [{name, shape, data}] of one of OUR models
// (model.architecture, model.parameters()) and converts them itself.

import { onnxFromConvScope, convPads } from './onnx-writer.mjs';
import { describe, toChannelsLast } from './model-utils.mjs';

const pair = (v) => (Array.isArray(v) ? v : [v, v]);
const ACTIVATIONS = new Set(['relu', 'sigmoid', 'tanh', 'softmax']);

// ---- ours ----
// bytes: the .safetensors file; cs: an instance of createConvScope().
export function oursEngine(cs, bytes, name = 'ours') {
  const model = cs.loadModel(bytes);
  const dims = describe(model.architecture);
  const outSize = dims[dims.length - 1].out.reduce((a, b) => a * b, 1);
  const inSize = dims[0].in.reduce((a, b) => a * b, 1);
  // keepBatch: the outputs written into one reused array (predictBatch's `out`)
  let kept = new Float32Array(0);
  const keepBatch = (xs, n) => {
    if (kept.length < n * outSize) kept = new Float32Array(n * outSize);
    return model.predictBatch(xs, n, kept)[0];
  };
  return {
    name,
    async: false,
    outSize,
    inSize,
    model,
    predict: (x) => model.predict(x),
    predictBatch: (xs, n) => model.predictBatch(xs, n),
    keepBatch,
    layout: (data) => data,
    canonical: (out) => out,
    dispose: () => model.delete(),
  };
}

// ---- TensorFlow.js ----
// Conv weights OIHW → HWIO.
function hwio([o, i, kh, kw], data) {
  const out = new Float32Array(data.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * i + b) * o + a] = data[((a * i + b) * kh + y) * kw + x];
  return out;
}

// Dense weight [out, in] → tfjs kernel [in, out]; if the dense layer follows a flatten of a
// [C,H,W] map, its input index is channels-last (h, w, c) in tfjs but channel-major in ours.
function denseKernel([o, i], data, flattenedFrom) {
  const out = new Float32Array(data.length);
  const [c, h, w] = flattenedFrom ?? [1, 1, i];
  for (let a = 0; a < o; a++)
    for (let ci = 0; ci < c; ci++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const ours = (ci * h + y) * w + x;
          const theirs = (y * w + x) * c + ci;
          out[theirs * o + a] = data[a * i + ours];
        }
  return out;
}

// The model as a list of steps with tfjs-layout weights, activations folded into the conv or
// dense layer before them (tfjs fuses conv/matmul + bias + activation).
function tfjsPlan(architecture, parameters) {
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const info = describe(architecture);
  const steps = [];
  let flattenedFrom = null;
  for (let i = 0; i < info.length; i++) {
    const { layer, in: input } = info[i];
    const next = architecture.layers[i + 1];
    const fuse = () => {
      if (next && ACTIVATIONS.has(next.type) && next.type !== 'softmax') {
        i++;
        return next.type;
      }
      return 'linear';
    };
    switch (layer.type) {
      case 'conv2d': {
        const w = byName.get(`${layer.name}.weight`);
        const b = byName.get(`${layer.name}.bias`);
        const kernel = pair(layer.kernel);
        const strides = pair(layer.stride ?? 1);
        const [pt, pl, pb, pr] = convPads(layer.padding, kernel, strides, input[1], input[2]);
        steps.push({ kind: 'conv', name: layer.name, filters: layer.out_channels, kernel, strides,
          pads: [pt, pl, pb, pr], weight: hwio(w.shape, w.data), wshape: [kernel[0], kernel[1], w.shape[1], w.shape[0]],
          bias: Float32Array.from(b.data), activation: fuse() });
        break;
      }
      case 'maxpool2d':
      case 'avgpool2d':
        steps.push({ kind: layer.type === 'maxpool2d' ? 'maxpool' : 'avgpool', name: layer.name,
          pool: pair(layer.kernel), strides: pair(layer.stride ?? layer.kernel) });
        break;
      case 'flatten':
        flattenedFrom = input.length === 3 ? input : null;
        steps.push({ kind: 'flatten', name: layer.name });
        break;
      case 'dense': {
        const w = byName.get(`${layer.name}.weight`);
        const b = byName.get(`${layer.name}.bias`);
        steps.push({ kind: 'dense', name: layer.name, units: layer.out_features,
          weight: denseKernel(w.shape, w.data, flattenedFrom), wshape: [w.shape[1], w.shape[0]],
          bias: Float32Array.from(b.data), activation: fuse() });
        flattenedFrom = null;
        break;
      }
      default:
        if (!ACTIVATIONS.has(layer.type)) throw new Error(`tfjs: layer type ${layer.type} not supported`);
        steps.push({ kind: 'activation', name: layer.name, activation: layer.type });
    }
  }
  return { steps, info };
}

function tfjsCommon(tf, architecture, name, run, disposeModel) {
  const { channels: c, height: h, width: w } = architecture.input;
  const info = describe(architecture);
  const outDims = info[info.length - 1].out;
  const outSize = outDims.reduce((a, b) => a * b, 1);
  const predictBatch = (xs, n) => {
    const x = tf.tensor4d(xs, [n, h, w, c]);
    const y = run(x);
    const out = y.dataSync();
    x.dispose();
    y.dispose();
    return out;
  };
  // keepBatch: the output tensor computed (the wasm backend runs each op as it is called) and
  // disposed, never read back
  const keepBatch = (xs, n) => {
    const x = tf.tensor4d(xs, [n, h, w, c]);
    const y = run(x);
    const size = y.size;
    x.dispose();
    y.dispose();
    return size;
  };
  return {
    name,
    async: false,
    outSize,
    inSize: c * h * w,
    predict: (x) => predictBatch(x, 1),
    predictBatch,
    keepBatch,
    layout: (data, n) => toChannelsLast(data, n, [c, h, w]),
    // [H,W,C] outputs back to [C,H,W]
    canonical: (out, n) => {
      if (outDims.length !== 3 || outDims[0] === 1) return out;
      const [oc, oh, ow] = outDims;
      const r = new Float32Array(out.length);
      for (let s = 0; s < n; s++)
        for (let ci = 0; ci < oc; ci++)
          for (let y = 0; y < oh; y++)
            for (let x = 0; x < ow; x++)
              r[s * outSize + (ci * oh + y) * ow + x] = out[s * outSize + (y * ow + x) * oc + ci];
      return r;
    },
    dispose: disposeModel,
  };
}

// A tf.LayersModel built in JS, weights set with setWeights; run with predictOnBatch.
export function tfjsLayersEngine(tf, tfl, architecture, parameters, name = 'tfjs') {
  const { steps } = tfjsPlan(architecture, parameters);
  const { channels: c, height: h, width: w } = architecture.input;
  const model = tfl.sequential();
  const weights = [];
  let first = true;
  const inputShape = () => (first ? { inputShape: [h, w, c] } : {});
  const add = (layer) => {
    model.add(layer);
    first = false;
  };
  for (const s of steps) {
    switch (s.kind) {
      case 'conv': {
        const [pt, pl, pb, pr] = s.pads;
        const k = s.kernel;
        let padding = 'valid';
        // 'same' in tfjs = PyTorch's symmetric padding only for stride 1 and odd kernels
        const same = s.strides[0] === 1 && s.strides[1] === 1 && k[0] % 2 === 1 && k[1] % 2 === 1 &&
          pt === (k[0] - 1) / 2 && pb === pt && pl === (k[1] - 1) / 2 && pr === pl;
        if (same) padding = 'same';
        else if (pt || pl || pb || pr) add(tfl.layers.zeroPadding2d({ ...inputShape(), padding: [[pt, pb], [pl, pr]] }));
        add(tfl.layers.conv2d({ ...inputShape(), name: s.name, filters: s.filters, kernelSize: k,
          strides: s.strides, padding, activation: s.activation, dataFormat: 'channelsLast' }));
        weights.push(tf.tensor(s.weight, s.wshape), tf.tensor1d(s.bias));
        break;
      }
      case 'maxpool':
        add(tfl.layers.maxPooling2d({ ...inputShape(), name: s.name, poolSize: s.pool, strides: s.strides, padding: 'valid' }));
        break;
      case 'avgpool':
        add(tfl.layers.averagePooling2d({ ...inputShape(), name: s.name, poolSize: s.pool, strides: s.strides, padding: 'valid' }));
        break;
      case 'flatten':
        add(tfl.layers.flatten({ ...inputShape(), name: s.name }));
        break;
      case 'dense':
        add(tfl.layers.dense({ ...inputShape(), name: s.name, units: s.units, activation: s.activation }));
        weights.push(tf.tensor(s.weight, s.wshape), tf.tensor1d(s.bias));
        break;
      case 'activation':
        add(tfl.layers.activation({ ...inputShape(), name: s.name, activation: s.activation }));
        break;
      default: throw new Error(s.kind);
    }
  }
  model.setWeights(weights);
  weights.forEach((t) => t.dispose());
  return tfjsCommon(tf, architecture, name, (x) => model.predictOnBatch(x), () => model.dispose());
}

// The same network as direct tfjs-core ops (tf.fused.conv2d with bias + activation, maxPool,
// tf.fused.matMul, softmax): no Layers API overhead; the fastest way to run it in tfjs.
export function tfjsOpsEngine(tf, architecture, parameters, name = 'tfjs-ops') {
  const { steps } = tfjsPlan(architecture, parameters);
  const tensors = [];
  const keep = (t) => (tensors.push(t), t);
  const ops = steps.map((s) => {
    switch (s.kind) {
      case 'conv': {
        const filter = keep(tf.tensor4d(s.weight, s.wshape));
        const bias = keep(tf.tensor1d(s.bias));
        const [pt, pl, pb, pr] = s.pads;
        const pad = pt || pl || pb || pr ? [[0, 0], [pt, pb], [pl, pr], [0, 0]] : 'valid';
        const activation = s.activation;
        return (x) => tf.fused.conv2d({ x, filter, bias, strides: s.strides, pad, activation });
      }
      case 'maxpool': return (x) => tf.maxPool(x, s.pool, s.strides, 'valid');
      case 'avgpool': return (x) => tf.avgPool(x, s.pool, s.strides, 'valid');
      case 'flatten': return (x) => tf.reshape(x, [x.shape[0], -1]);
      case 'dense': {
        const b = keep(tf.tensor2d(s.weight, s.wshape));
        const bias = keep(tf.tensor1d(s.bias));
        const activation = s.activation;
        return (a) => tf.fused.matMul({ a, b, bias, activation });
      }
      case 'activation':
        return { relu: tf.relu, sigmoid: tf.sigmoid, tanh: tf.tanh, softmax: (x) => tf.softmax(x) }[s.activation];
      default: throw new Error(s.kind);
    }
  });
  const run = (x) => tf.tidy(() => ops.reduce((t, op) => op(t), x));
  return tfjsCommon(tf, architecture, name, run, () => tensors.forEach((t) => t.dispose()));
}

// ---- ONNX Runtime Web ----
export async function ortEngine(ort, architecture, parameters, name = 'ort') {
  const onnx = onnxFromConvScope(architecture, parameters);
  const session = await ort.InferenceSession.create(onnx, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const { channels: c, height: h, width: w } = architecture.input;
  const info = describe(architecture);
  const outSize = info[info.length - 1].out.reduce((a, b) => a * b, 1);
  const predictBatch = async (xs, n) => {
    const x = new ort.Tensor('float32', xs, [n, c, h, w]);
    const r = await session.run({ input: x });
    const y = r.output;
    const out = y.data;
    y.dispose?.();
    return out;
  };
  // keepBatch: a pre-allocated output tensor per batch size (ONNX Runtime Web's wasm backend then
  // allocates no output array; it copies that tensor into its heap instead, the same bytes)
  const outputs = new Map();
  const keepBatch = async (xs, n) => {
    if (!outputs.has(n)) outputs.set(n, new ort.Tensor('float32', new Float32Array(n * outSize), [n, ...info[info.length - 1].out]));
    const x = new ort.Tensor('float32', xs, [n, c, h, w]);
    await session.run({ input: x }, { output: outputs.get(n) });
    return n;
  };
  return {
    name,
    async: true,
    outSize,
    inSize: c * h * w,
    onnxBytes: onnx.length,
    predict: (x) => predictBatch(x, 1),
    predictBatch,
    keepBatch,
    layout: (data) => data,
    canonical: (out) => out,
    dispose: () => session.release(),
  };
}

// Single-threaded SIMD settings for the peers; call before the first model is made.
export async function configurePeers({ tf, tfwasm, ort }, { tfWasmDir, ortWasmDir } = {}) {
  if (tf && tfwasm) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);  // the SIMD build without threads
    tfwasm.setThreadsCount(1);
    if (tfWasmDir) tfwasm.setWasmPaths(tfWasmDir);
    await tf.setBackend('wasm');
    await tf.ready();
    if (tf.getBackend() !== 'wasm') throw new Error('tfjs: the wasm backend did not start');
  }
  if (ort) {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    if (ortWasmDir) ort.env.wasm.wasmPaths = ortWasmDir;
  }
}

export function peerInfo({ tf, ort }) {
  const out = {};
  if (tf) {
    out.tfjs = {
      version: tf.version_core,
      backend: tf.getBackend(),
      simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
      threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
    };
  }
  if (ort) out.ort = { version: ort.env.versions?.web, numThreads: ort.env.wasm.numThreads, simd: true };
  return out;
}
