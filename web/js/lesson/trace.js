// The lesson's runs of the engine: a model file through one forward pass, its parameter count, and
// one channel of a trace layer as rows. Every number the lesson shows comes through here. The engine
// itself is loaded by ../engine.js, as for the demo page; this module is handed it (cs).

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
