// Running a model and reading what it says: the model input from the pad's ink (the engine's
// MNIST-style preprocessing) or from a shipped MNIST sample, one forward pass with its trace, the
// winning class, and a scheduler that runs at most once per animation frame.

import { fetchBytes } from '../engine.js';
import { decodeSafetensors } from '../safetensors-read.js';

// The engine's message for an empty canvas: the page then clears the prediction.
export const NOTHING_DRAWN = 'nothing drawn';

// ink {pixels, width, height} → {image: Float32Array(784), placement: where the pad went in it
// ({scale, offsetX, offsetY}: pad point p → p·scale + offset)}, or null when nothing is drawn.
export function inputFromInk(cs, { pixels, width, height }) {
  try {
    return cs.preprocessPlaced(pixels, width, height);
  } catch (e) {
    if (e?.message === NOTHING_DRAWN) return null;
    throw e;
  }
}

// A shipped sample {index, label, pixels: base64} → {index, label, bytes: Uint8Array, input: Float32Array}.
export function decodeSample({ index, label, pixels }, width = 28, height = 28) {
  const text = atob(pixels);
  if (text.length !== width * height) throw new Error(`sample ${index}: ${text.length} bytes, expected ${width * height}`);
  // plain loops: this runs before the page is ready, in V8's first tier, where from() with a
  // callback costs several times more
  const bytes = new Uint8Array(text.length), input = new Float32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    bytes[i] = text.charCodeAt(i);
    input[i] = bytes[i] / 255;
  }
  return { index, label, bytes, input };
}

// One forward pass → {input, trace, probs, best, confidence, label}. The probabilities are the
// last layer's output (a softmax for the shipped models). The trace is the engine's forwardView:
// every layer's data a view of wasm memory, in one object the model hands back call after call —
// no copies, no objects per layer per stroke move. Valid until the next runModel of this model,
// or until the engine's memory grows (then its arrays read as empty: see traceIsLive).
export function runModel(loaded, input) {
  const trace = loaded.model.forwardView(input);
  const probs = trace.output;
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
  return { input, trace, probs, best, confidence: probs[best], label: loaded.labels[best] ?? String(best) };
}

// False once the wasm memory has grown under a trace's views (another model loaded, say): run
// the model again before reading it.
export const traceIsLive = (trace) => trace.output.length > 0;

// A loaded model with what the page shows about it. bytes: the .safetensors file.
// → {name, model, architecture, labels, params, accuracy (0..1 or null), metadata, weights}
export function openModel(cs, bytes, name) {
  let model;
  try {
    model = cs.loadModel(bytes);
  } catch (e) {
    throw new Error(`${name}: ${e.message}`);
  }
  try {
    const { tensors } = decodeSafetensors(bytes);
    const metadata = model.metadata;
    return {
      name,
      model,
      architecture: model.architecture,
      layers: model.describeLayers(),  // shapes and windows, as the engine computes them
      labels: Array.from(model.labels),
      params: model.parameterCount(),
      accuracy: parseAccuracy(metadata.test_accuracy),
      metadata,
      weights: tensors,
    };
  } catch (e) {
    model.delete();
    throw new Error(`${name}: ${e.message}`);
  }
}

// "0.9912" or "99.12" or "99.12%" → 0.9912; anything else → null.
export function parseAccuracy(text) {
  if (typeof text !== 'string') return null;
  const x = Number(text.trim().replace(/%$/, ''));
  if (!Number.isFinite(x) || x < 0) return null;
  const fraction = x > 1 || text.trim().endsWith('%') ? x / 100 : x;
  return fraction <= 1 ? fraction : null;
}

// Calls fn at most once per animation frame however often request() is called; flush() runs a
// pending call now (on pointerup the prediction must be up to date at once).
export function frameScheduler(fn, raf = (cb) => requestAnimationFrame(cb), cancel = (id) => cancelAnimationFrame(id)) {
  let pending = null;
  return {
    request() {
      if (pending === null) pending = raf(() => {
        pending = null;
        fn();
      });
    },
    flush() {
      if (pending !== null) {
        cancel(pending);
        pending = null;
      }
      fn();
    },
  };
}

// Downloads and opens models [{key, file, ...}] in parallel; onProgress(fraction | null) as bytes
// arrive. → [{...entry, loaded} | {...entry, error}] in the same order.
export async function loadModels(cs, entries, baseUrl, onProgress = () => {}) {
  const sizes = entries.map(() => [0, 0]);
  const progress = () => {
    const [done, total] = sizes.reduce(([a, b], [c, d]) => [a + c, b + d], [0, 0]);
    const known = sizes.every(([, t]) => t > 0);  // until every size is known, no fraction
    onProgress(known ? done / total : null, done, known ? total : 0);
  };
  const results = await Promise.allSettled(entries.map(async (entry, k) => {
    const bytes = await fetchBytes(entry.file, baseUrl, (loaded, total) => {
      sizes[k] = [loaded, total];
      progress();
    });
    return openModel(cs, bytes, entry.file.split('/').pop());
  }));
  return results.map((r, k) => (r.status === 'fulfilled' ? { ...entries[k], loaded: r.value } : { ...entries[k], error: r.reason }));
}

// The shipped sample digits (JSON written by src/tools/make-samples.mjs) → {width, height, samples}.
export async function loadSamples(file, baseUrl) {
  const json = JSON.parse(new TextDecoder().decode(await fetchBytes(file, baseUrl)));
  return { width: json.width, height: json.height, samples: json.samples.map((s) => decodeSample(s, json.width, json.height)) };
}
