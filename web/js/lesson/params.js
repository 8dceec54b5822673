// Section 7: DNN vs CNN parameter counts. The 784-30-10 count is worked out as the lecture does
// (weights + biases per layer) and checked against the engine's parameterCount() of a real
// 784-30-10 model; CNNs are counted per layer from their tensors' shapes, totals checked likewise.
// Handed its elements, the engine and a loader for the shipped CNN.

import { buildOxModel } from '../ox-model.js';
import { fmtInt } from '../page.js';
import { countParameters } from './trace.js';
import { dnnModel, DNN_LAYERS, readTensorShapes } from './models.js';

const fmt = fmtInt;
const product = (shape) => shape.reduce((a, b) => a * b, 1);

function checkLine(el, pageTotal, engineTotal) {
  const ok = pageTotal === engineTotal;
  el.dataset.ok = String(ok);
  el.dataset.engineCount = String(engineTotal);
  el.textContent = ok
    ? `\u2713 The engine counts ${fmt(engineTotal)} parameters in this model too.`
    : `\u2717 The engine counts ${fmt(engineTotal)} parameters, but the sum above is ${fmt(pageTotal)}.`;
  el.classList.toggle('mismatch', !ok);
}

// els: {formula, check}. The lecture: 784×30 + 30×10 weights, 30 + 10 biases.
export function renderDnn(els, cs) {
  const weights = DNN_LAYERS.map(({ inputs, outputs }) => inputs * outputs);
  const biases = DNN_LAYERS.map(({ outputs }) => outputs);
  const total = [...weights, ...biases].reduce((a, b) => a + b, 0);
  els.formula.textContent =
    `${DNN_LAYERS.map(({ inputs, outputs }) => `${inputs} \u00D7 ${outputs}`).join(' + ')} + ${biases.join(' + ')}` +
    `\n= ${[...weights, ...biases].map(fmt).join(' + ')}\n= ${fmt(total)}`;
  els.formula.dataset.total = String(total);
  checkLine(els.check, total, countParameters(cs, dnnModel()));
  return total;
}

// Fills a <tbody> with one row per layer: name, its tensors' shapes, parameter count; → total.
function layerTable(tbody, tensors) {
  const doc = tbody.ownerDocument;
  const layers = new Map();
  for (const { name, shape } of tensors) {
    const layer = name.slice(0, name.lastIndexOf('.'));
    if (!layers.has(layer)) layers.set(layer, []);
    layers.get(layer).push({ kind: name.slice(name.lastIndexOf('.') + 1), shape });
  }
  let total = 0;
  tbody.replaceChildren(...[...layers].map(([layer, parts]) => {
    const count = parts.reduce((sum, { shape }) => sum + product(shape), 0);
    total += count;
    const tr = doc.createElement('tr');
    tr.dataset.layer = layer;
    tr.dataset.count = String(count);
    for (const text of [layer, parts.map(({ kind, shape }) => `${kind} ${shape.join('\u00D7')}`).join(', '),
      parts.map(({ shape }) => fmt(product(shape))).join(' + ') + (parts.length > 1 ? ` = ${fmt(count)}` : '')]) {
      const td = doc.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  }));
  return total;
}

// els: {body <tbody>, total, check}; bytes: a .safetensors file. → total
export function renderCnn(els, cs, bytes) {
  const total = layerTable(els.body, readTensorShapes(bytes));
  els.total.textContent = fmt(total);
  els.total.dataset.value = String(total);
  checkLine(els.check, total, countParameters(cs, bytes));
  return total;
}

// The lecture's toy O-vs-X CNN.
export function renderToyCnn(els, cs) {
  return renderCnn(els, cs, buildOxModel(cs));
}

// The shipped MNIST CNN, if there is one yet. load() → Promise<Uint8Array | null> (null: not there).
// els: {section (shown when loaded), note, body, total, check}
export async function renderShippedCnn(els, cs, load) {
  let bytes;
  try {
    bytes = await load();
  } catch (e) {
    bytes = null;
    els.note.textContent = `The shipped MNIST CNN could not be loaded (${e.message}).`;
  }
  if (!bytes) {
    els.section.hidden = true;
    els.note.hidden = false;
    return null;
  }
  try {
    const total = renderCnn(els, cs, bytes);
    els.section.hidden = false;
    els.note.hidden = true;
    return total;
  } catch (e) {
    els.section.hidden = true;
    els.note.hidden = false;
    els.note.textContent = `The shipped MNIST CNN (models/mnist-cnn.safetensors) was refused by the engine: ${e.message}`;
    return null;
  }
}
