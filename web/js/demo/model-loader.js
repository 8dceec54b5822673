// Your own model on the drawing page: a .safetensors file the user picked or dropped → a model the
// page can draw into, or an Error carrying the engine's message. Beyond the engine's checks
// (format, header, tensors, shapes) it checks what drawing needs — 1 or 3 input channels, 5 to
// 256 pixels a side — and runs one blank forward pass, so a model that cannot run is refused
// here and the one in use stays. Also: what the page says about a model, and how the bars read
// its last layer.

import { openModel, parseAccuracy } from './predict.js';
import { inputSize } from './input-adapter.js';
import { fmtInt } from '../page.js';

export const CHANNELS = [1, 3];
export const MIN_SIDE = 5;
export const MAX_SIDE = 256;
export const MAX_FILE_BYTES = 128 * 1024 * 1024;  // the engine copies the file into wasm memory: ~40 ms per MB
const SLOW_MS = 40;  // slower forward passes predict when a stroke ends, not while it grows
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

// Labels "0".."9" in order: the page's digit contract (data-digit) applies.
export const isDigitModel = (labels) => labels.length === DIGITS.length && labels.every((l, i) => l === DIGITS[i]);

// {channels, height, width} → "C×H×W"
export const shapeText = ({ channels, height, width }) => `${channels}×${height}×${width}`;

// Throws unless the page can turn a drawing into this input.
function checkDrawable(input) {
  const { channels, height, width } = input;
  if (!CHANNELS.includes(channels) || [height, width].some((n) => n < MIN_SIDE || n > MAX_SIDE)) {
    throw new Error(`input ${shapeText(input)}: this page draws grey pictures into 1 or 3 channels of ${MIN_SIDE} to ${MAX_SIDE} pixels a side`);
  }
}

// file: a File (or anything with name, size and arrayBuffer()) → openModel's entry plus
// {digits, lastType, forwardMs, slow}. Throws an Error "<file name>: <what is wrong>".
export async function readModelFile(cs, file) {
  if (file.size > MAX_FILE_BYTES) {
    throw new Error(`${file.name}: ${fmtInt(file.size)} bytes; this page loads models of up to ${MAX_FILE_BYTES / 1024 / 1024} MB`);
  }
  let bytes;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    throw new Error(`${file.name}: could not read the file (${e.message})`);
  }
  const loaded = openModel(cs, bytes, file.name);  // the engine's message, after the file name
  try {
    const { input, layers } = loaded.architecture;
    checkDrawable(input);
    const t0 = performance.now();
    loaded.model.forward(new Float32Array(inputSize(input)));
    const forwardMs = performance.now() - t0;
    return { ...loaded, digits: isDigitModel(loaded.labels), lastType: layers[layers.length - 1].type, forwardMs, slow: forwardMs > SLOW_MS };
  } catch (e) {
    loaded.model.delete();
    throw new Error(`${file.name}: ${e.message}`);
  }
}

// A shipped model's entry gets the same fields (it is never slow: it was chosen for the page).
export function describeLoaded(loaded) {
  const { layers } = loaded.architecture;
  return { ...loaded, digits: isDigitModel(loaded.labels), lastType: layers[layers.length - 1].type, forwardMs: 0, slow: false };
}

// A forward pass's result (predict.js runModel) as the bars show it: a softmax's output as it
// is; a sigmoid's values each as a probability of its own; any other last layer's scores through
// a softmax that the page applies (how says which). → {...result, probs, best, confidence, label, how}
export function asProbabilities(result, { labels, lastType }) {
  const out = result.trace.output;
  let probs = out, how = lastType;
  if (lastType !== 'softmax' && lastType !== 'sigmoid') {
    let m = -Infinity, sum = 0;
    for (const v of out) m = Math.max(m, v);
    probs = Float32Array.from(out, (v) => Math.exp(v - m));
    for (const p of probs) sum += p;
    for (let i = 0; i < probs.length; i++) probs[i] /= sum;
    how = 'page-softmax';
  }
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
  return { ...result, probs, best, confidence: probs[best], label: labels[best] ?? String(best), how };
}

// What the page says about a model: [{key, term, value}] in the order shown.
export function modelFacts(m) {
  const { metadata = {}, architecture: { input } } = m;
  const facts = [
    { key: 'file', term: 'File', value: m.name },
    { key: 'parameters', term: 'Parameters', value: fmtInt(m.params) },
    { key: 'input', term: 'Input', value: `${shapeText(input)} (channels × height × width)` },
    { key: 'classes', term: `${m.labels.length} classes`, value: m.labels.join(', ') },
  ];
  const text = (key) => (typeof metadata[key] === 'string' && metadata[key].trim() !== '' ? metadata[key].trim() : null);
  if (text('description')) facts.push({ key: 'description', term: 'Description', value: text('description') });
  if (text('dataset')) facts.push({ key: 'dataset', term: 'Data set', value: text('dataset') });
  if (text('test_accuracy')) {
    const a = parseAccuracy(metadata.test_accuracy);
    facts.push({ key: 'test_accuracy', term: 'Test accuracy', value: a === null ? text('test_accuracy') : `${(a * 100).toFixed(2)}%` });
  }
  if (text('test_auc')) {
    const auc = Number(text('test_auc'));
    facts.push({ key: 'test_auc', term: 'Test ROC AUC', value: Number.isFinite(auc) ? auc.toFixed(4) : text('test_auc') });
  }
  if (text('trained_by')) facts.push({ key: 'trained_by', term: 'Trained by', value: text('trained_by') });
  if (m.slow) facts.push({ key: 'speed', term: 'Speed', value: `${m.forwardMs.toFixed(0)} ms per picture: it reads your drawing when you lift the pen` });
  return facts;
}
