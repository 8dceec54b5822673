// Start page: loads the engine (SIMD build, or the scalar one where WebAssembly SIMD is missing),
// builds the lecture's O-vs-X CNN, runs it on the O (or X) image and shows every intermediate the
// engine records. Every number in a layer panel comes from model.forward's trace.
// The only module of this page that touches document.

import { O_IMAGE, X_IMAGE, ANTI_DIAGONAL_FILTER, LECTURE_BIAS } from './lecture-data.js';
import { buildOxModel, OX_LABELS } from './ox-model.js';
import { formatNumber, renderGrid, renderLegend } from './render/grid.js';

// A 29-byte module that validates only where WebAssembly SIMD exists (TOOLCHAIN.md §6).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);
const ENGINE_SIMD = './engine/convscope.mjs';
const ENGINE_SCALAR = './engine/convscope-scalar.mjs';

const IMAGES = { O: O_IMAGE, X: X_IMAGE };

const $ = (selector) => document.querySelector(selector);

async function loadEngine() {
  const simd = WebAssembly.validate(SIMD_PROBE);
  const path = simd ? ENGINE_SIMD : ENGINE_SCALAR;
  let createConvScope;
  try {
    // Resolved against the page, not this module, so the site works from any sub-path.
    ({ default: createConvScope } = await import(new URL(path, document.baseURI).href));
  } catch (e) {
    const why = simd ? '' : 'This browser has no WebAssembly SIMD, and the scalar build is needed. ';
    throw new Error(`${why}Could not load the engine (${path.slice(2)}): ${e.message}`);
  }
  const cs = await createConvScope();
  return { cs, kind: simd ? 'WebAssembly SIMD' : 'WebAssembly (scalar)' };
}

// A trace layer [C,H,W] → its first channel as rows; [F] → one row.
function toMatrix({ name, shape, data }) {
  const dims = Array.from(shape);
  const w = dims[dims.length - 1];
  const h = dims.length >= 2 ? dims[dims.length - 2] : 1;
  if (!(w > 0 && h > 0) || data.length < h * w) throw new Error(`trace: layer ${name} has shape [${dims}] and ${data.length} values`);
  return Array.from({ length: h }, (_, y) => Array.prototype.slice.call(data, y * w, (y + 1) * w));
}

function layerOf(trace, name) {
  const layer = trace.layers.find((l) => l.name === name);
  if (!layer) throw new Error(`trace: no layer named "${name}" (has ${trace.layers.map((l) => l.name).join(', ')})`);
  return layer;
}

function showGrid(name, matrix, options = {}) {
  const table = $(`table[data-grid="${name}"]`);
  const mapping = renderGrid(table, matrix, { name, ...options });
  const legend = $(`[data-legend-for="${name}"]`);
  if (legend) renderLegend(legend, mapping);
}

function showProbabilities(probs) {
  const list = $('#probabilities');
  list.replaceChildren(
    ...OX_LABELS.map((label, i) => {
      const item = document.createElement('li');
      item.dataset.label = label;
      item.dataset.value = String(probs[i]);
      const name = document.createElement('span');
      name.className = 'prob-label';
      name.textContent = label;
      const track = document.createElement('span');
      track.className = 'prob-track';
      const bar = document.createElement('span');
      bar.className = 'prob-bar';
      bar.style.width = `${(probs[i] * 100).toFixed(1)}%`;
      track.append(bar);
      const value = document.createElement('span');
      value.className = 'prob-value';
      value.textContent = probs[i].toFixed(3);
      item.append(name, track, value);
      return item;
    }),
  );
  const best = probs[0] >= probs[1] ? 0 : 1;
  const prediction = $('#prediction');
  prediction.dataset.label = OX_LABELS[best];
  prediction.dataset.confidence = String(probs[best]);
  prediction.textContent = `The network says ${OX_LABELS[best]} (${(probs[best] * 100).toFixed(1)}%)`;
}

// Runs the model on image O or X and redraws every panel from the trace.
function show(model, imageName) {
  const image = IMAGES[imageName];
  const trace = model.forward(Float32Array.from(image.flat()));
  const probs = Array.from(trace.output);

  showGrid('input', image, { colorScale: 'grey', domain: [0, 1] });
  showGrid('feature-map', toMatrix(layerOf(trace, 'conv')), { colorScale: 'diverging' });
  showGrid('relu', toMatrix(layerOf(trace, 'relu')), { colorScale: 'sequential' });
  showGrid('pooled', toMatrix(layerOf(trace, 'pool')), { colorScale: 'sequential' });
  showGrid('flatten', toMatrix(layerOf(trace, 'flatten')), { colorScale: 'sequential' });
  showGrid('logits', toMatrix(layerOf(trace, 'fc')), { colorScale: 'diverging' });
  showProbabilities(probs);

  $('#toy').dataset.image = imageName;
  for (const el of document.querySelectorAll('[data-image-name]')) el.textContent = imageName;
  const other = imageName === 'O' ? 'X' : 'O';
  const button = $('#toggle-image');
  button.dataset.next = other;
  button.textContent = `Show the ${other}`;
}

function showError(error) {
  const alert = $('#error');
  alert.textContent = error instanceof Error ? error.message : String(error);
  alert.hidden = false;
}

async function main() {
  const status = $('#status');
  try {
    const { cs, kind } = await loadEngine();
    const model = cs.loadModel(buildOxModel());
    showGrid('filter', ANTI_DIAGONAL_FILTER, { colorScale: 'diverging' });
    $('#bias').textContent = formatNumber(LECTURE_BIAS).replace('-', '\u2212');  // typographic minus in prose
    show(model, 'O');

    const button = $('#toggle-image');
    button.disabled = false;
    button.addEventListener('click', () => {
      try {
        show(model, button.dataset.next);
        $('#error').hidden = true;
      } catch (e) {
        showError(e);  // keep the last good state on screen
      }
    });
    status.textContent = `Engine loaded (${kind}).`;
    document.body.dataset.ready = 'true';
  } catch (e) {
    status.textContent = '';
    showError(e);
    document.body.dataset.ready = 'error';
  }
}

main();
