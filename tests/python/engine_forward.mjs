// Test helper for tests/python/test_export.py: runs one model file through the wasm engine
// (web/engine/convscope.mjs) and prints, as JSON on stdout, every layer's output for each input.
// Usage: node tests/python/engine_forward.mjs <model.safetensors> <inputs.f32>
//   inputs.f32: n inputs of C·H·W float32 little-endian values, back to back.
// Output: {"architecture": {...}, "labels": [...], "parameters": N,
//          "traces": [[{"name", "type", "shape", "data": [...]}, ...], ...]}   (one trace per input)
// A model the engine refuses: {"error": "<the engine's message>"} and exit code 2.

import { readFileSync } from 'node:fs';
import createConvScope from '../../web/engine/convscope.mjs';

const [modelPath, inputPath] = process.argv.slice(2);
if (!modelPath || !inputPath) {
  console.error('usage: node tests/python/engine_forward.mjs <model.safetensors> <inputs.f32>');
  process.exit(1);
}
const cs = await createConvScope();
let model;
try {
  model = cs.loadModel(new Uint8Array(readFileSync(modelPath)));
} catch (e) {
  console.log(JSON.stringify({ error: e.message }));
  process.exit(2);
}
const { channels, height, width } = model.architecture.input;
const size = channels * height * width;
const raw = readFileSync(inputPath);
const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
if (all.length % size !== 0) throw new Error(`${inputPath}: ${all.length} values is not a whole number of ${size}-value inputs`);
const traces = [];
for (let at = 0; at < all.length; at += size) {
  const { layers } = model.forward(all.subarray(at, at + size));
  traces.push(layers.map(({ name, type, shape, data }) => ({ name, type, shape, data: Array.from(data) })));
}
console.log(JSON.stringify({ architecture: model.architecture, labels: model.labels, parameters: model.parameterCount(), traces }));
model.delete();
