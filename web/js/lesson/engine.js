// The lesson's door to the wasm engine: loading it (SIMD build, or the scalar one where WebAssembly
// SIMD is missing) and running a model file once. Every number the lesson shows comes through here.
// Knows nothing of the page: it is handed the page's base URL.

// A 29-byte module that validates only where WebAssembly SIMD exists (TOOLCHAIN.md §6).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);
const ENGINE_SIMD = './engine/convscope.mjs';
const ENGINE_SCALAR = './engine/convscope-scalar.mjs';

// → {cs, kind}. Paths resolve against the page (baseUrl), so the site works from any sub-path.
export async function loadEngine(baseUrl) {
  const simd = WebAssembly.validate(SIMD_PROBE);
  const path = simd ? ENGINE_SIMD : ENGINE_SCALAR;
  let createConvScope;
  try {
    ({ default: createConvScope } = await import(new URL(path, baseUrl).href));
  } catch (e) {
    const why = simd ? '' : 'This browser has no WebAssembly SIMD, and the scalar build is needed. ';
    throw new Error(`${why}Could not load the engine (${path.slice(2)}): ${e.message}`);
  }
  const cs = await createConvScope();
  return { cs, kind: simd ? 'WebAssembly SIMD' : 'WebAssembly (scalar)' };
}

// Loads bytes, runs one forward pass on input (numbers, C·H·W), frees the model.
// → {layers: {name: {type, shape: number[], data: Float32Array}}, order: [names], output, parameters}
export function runModel(cs, bytes, input) {
  const model = cs.loadModel(bytes);
  try {
    const trace = model.forward(Float32Array.from(input));
    const layers = {};
    for (const { name, type, shape, data } of trace.layers) layers[name] = { type, shape: Array.from(shape), data };
    return { layers, order: trace.layers.map((l) => l.name), output: trace.output, parameters: model.parameterCount() };
  } finally {
    model.delete();
  }
}

// Loads bytes only to count parameters; → number.
export function countParameters(cs, bytes) {
  const model = cs.loadModel(bytes);
  try {
    return model.parameterCount();
  } finally {
    model.delete();
  }
}

// One channel c of a trace layer [C,H,W] (or [H,W], or [F] as one row) → rows [H][W] of numbers.
export function channel(layer, c = 0) {
  const dims = layer.shape;
  const w = dims[dims.length - 1];
  const h = dims.length >= 2 ? dims[dims.length - 2] : 1;
  const base = c * h * w;
  if (!(w > 0 && h > 0) || layer.data.length < base + h * w) {
    throw new Error(`trace: shape [${dims}] has no channel ${c} (${layer.data.length} values)`);
  }
  return Array.from({ length: h }, (_, y) => Array.from(layer.data.subarray(base + y * w, base + (y + 1) * w)));
}
