// Demo page (web/index.html): draw a digit; the engine preprocesses it the MNIST way and runs the
// model, recording every layer; each layer's output is drawn in its panel, and a clicked or
// hovered cell is explained with the engine's numbers. Two shipped models (CNN and DNN) can be
// switched, or your own loaded. The only module of this page that touches document.
// URL parameters (for development): ?model=<url of the CNN file>&compare=<url of the DNN file>.

import { loadEngine } from './engine.js';
import { DrawPad } from './draw-pad.js';
import { frameScheduler, inputFromInk, loadModels, loadSamples, openModel, runModel } from './predict.js';
import { valueKind } from './colors.js';
import { drawMap } from './render/heatmap.js';
import { renderLegend } from './render/grid.js';
import { addMark, createLayerView } from './render/layer-view.js';
import { renderExplanation } from './render/explain.js';
import { renderPrediction } from './render/probabilities.js';
import { layerGeometry, moveSelection } from './render/receptive-field.js';
import { renderModelOptions, renderSampleStrip } from './render/choosers.js';

const $ = (selector) => document.querySelector(selector);
const BASE = document.baseURI;
const query = new URLSearchParams(location.search);
const MODELS = [
  { key: 'cnn', title: 'CNN', note: 'convolution + pooling layers', file: query.get('model') || './models/mnist-cnn.safetensors' },
  { key: 'dnn', title: 'DNN 784-30-10', note: 'fully connected only', file: query.get('compare') || './models/mnist-dnn.safetensors' },
];
const SAMPLES_FILE = './models/mnist-samples.json';

const state = {
  cs: null, models: new Map(), current: null, geoms: [], views: [],
  sample: null, samples: [], result: null, selection: null, pinned: false,
};
let pad;
const scheduler = frameScheduler(() => update());

function setStatus(text, fraction = null) {
  $('#status').textContent = text;
  if (fraction === null) $('#load-progress').removeAttribute('value');
  else $('#load-progress').value = fraction;
}

// source 'input': an error about the current drawing, hidden again by the next good update.
// Only a shown error has role="alert", so the page never holds more than the errors it shows.
function showError(message, source = 'page') {
  Object.assign($('#error'), { textContent: message, hidden: false }).setAttribute('role', 'alert');
  $('#error').dataset.source = source;
}
const hideError = () => Object.assign($('#error'), { hidden: true }).removeAttribute('role');

const current = () => state.models.get(state.current);

// ---- Panels ----

function buildPanels() {
  const { architecture, weights, labels } = current();
  state.geoms = layerGeometry(architecture);
  state.selection = null;
  state.pinned = false;
  const container = $('#layer-panels');
  container.replaceChildren();
  state.views = state.geoms.map((geom, i) => {
    const section = document.createElement('section');
    container.append(section);
    return createLayerView(section, { geom, index: i, kind: valueKind(state.geoms, i), weights, labels });
  });
}

// ---- One update: input → forward pass → every picture ----

function currentInput() {
  if (pad.strokeCount === 0 && state.sample) return state.sample.input;
  if (pad.isEmpty) return null;
  return inputFromInk(state.cs, pad.ink());
}

function update() {
  const t0 = performance.now();
  const loaded = current();
  let input, result;
  try {
    input = currentInput();
    // With nothing drawn the panels show the network's answer to a blank image; no prediction.
    result = runModel(loaded, input ?? new Float32Array(loaded.model.architecture.input.height * loaded.model.architecture.input.width));
  } catch (e) {
    showError(`The engine refused this input: ${e.message}`, 'input');
    return;  // keep the last good state on screen
  }
  if ($('#error').dataset.source === 'input') hideError();
  const t1 = performance.now();
  state.result = result;
  drawMap($('#input-canvas'), result.input, 0, 28, 28, 'grey', [0, 1]);
  renderLegend($('#input-legend'), { scale: 'grey', domain: [0, 1] });
  renderPrediction({ box: $('#prediction'), digit: $('#prediction-digit'), text: $('#prediction-text'), list: $('#probabilities') },
    loaded.labels, input ? result : null);
  state.views.forEach((view, i) => {
    if (!view) return;
    try {
      view.update(result.trace.layers[i].data);
    } catch (e) {
      view.showError(e.message);
    }
  });
  refreshExplanation();
  const t2 = performance.now();
  document.body.dataset.updateMs = (t2 - t0).toFixed(2);
  $('#timing').textContent = `Last update: engine ${(t1 - t0).toFixed(1)} ms, drawing ${(t2 - t1).toFixed(1)} ms.`;
}

// ---- Explaining a cell ----

function clearMarks() {
  for (const view of state.views.filter(Boolean)) {
    view.clearMarks();
    view.explainBox.hidden = true;
  }
  $('#input-marks').replaceChildren();
}

function refreshExplanation() {
  clearMarks();
  const sel = state.selection;
  if (!sel || !state.result || !state.views[sel.layer]) return;
  const view = state.views[sel.layer];
  let marks;
  try {
    marks = renderExplanation(view.explainBox, sel, { geoms: state.geoms, trace: state.result.trace, input: state.result.input, weights: current().weights, labels: current().labels });
  } catch (e) {
    view.showError(`explaining this cell failed: ${e.message}`);
    return;
  }
  view.explainBox.classList.toggle('pinned', state.pinned);
  for (const m of marks) {
    if (m.layer === -1) {
      addMark($('#input-marks'), m, 28, 28, m.kind);
    } else if (m.index !== undefined) {
      state.views[m.layer]?.markIndex(m.index, m.kind);
    } else {
      const g = state.geoms[m.layer];
      const dims = m.part === 'weights' ? [1, 1, 1] : g.outDims;
      state.views[m.layer]?.mark(m.part, m, dims[1], dims[2]);
    }
  }
}

// The cell under a pointer event in the layer panels → selection, or null.
function hitTest(e) {
  const section = e.target.closest?.('[data-layer]');
  const layer = state.views.findIndex((v) => v && v.panel === section);
  if (layer < 0) return null;
  const td = e.target.closest('table.vector-table td');
  if (td) return { layer, part: 'output', index: td.cellIndex };
  const fig = e.target.closest('figure.map');
  const canvas = fig?.querySelector('canvas');
  if (!canvas) return null;
  const r = canvas.getBoundingClientRect();
  const col = Math.min(canvas.width - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * canvas.width)));
  const row = Math.min(canvas.height - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * canvas.height)));
  const part = fig.dataset.part;
  if (part === 'weights') return { layer, part, channel: Number(fig.dataset.channel) };
  if (fig.dataset.channel !== undefined) return { layer, part, channel: Number(fig.dataset.channel), y: row, x: col };
  const index = row * Number(canvas.dataset.cols) + col;
  return index < state.geoms[layer].outDims[0] ? { layer, part, index } : null;
}

const sameCell = (a, b) => a && b && ['layer', 'part', 'channel', 'y', 'x', 'index'].every((k) => a[k] === b[k]);

function select(sel, pinned) {
  state.selection = sel;
  state.pinned = pinned && sel !== null;
  refreshExplanation();
}

// Arrow keys move the selected cell inside a focused set of maps; [ and ] change the map.
function onMapsKey(e) {
  const maps = e.target.closest('.maps');
  if (!maps) return;
  if (e.key === 'Escape') return select(null, false);
  const layer = Number(maps.dataset.layerIndex);
  const part = maps.closest('.layer-part').dataset.part;
  const cols = Number(maps.querySelector('canvas')?.dataset.cols) || state.geoms[layer].outDims[0];
  const sel = moveSelection(state.selection, e.key, { layer, part, geom: state.geoms[layer], count: maps.querySelectorAll('figure.map').length, cols });
  if (!sel) return;
  e.preventDefault();
  select(sel, true);
}

// ---- Models and samples ----

function selectModel(key) {
  state.current = key;
  renderModelOptions($('#model-options'), [...state.models].map(([k, m]) => ({ key: k, ...m })), key);
  document.body.dataset.model = key;
  buildPanels();
  update();
}

async function loadOwnModel(file) {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const loaded = openModel(state.cs, bytes, file.name);
    const { channels, height, width } = loaded.architecture.input;
    if (channels !== 1 || height !== 28 || width !== 28) {
      loaded.model.delete();
      throw new Error(`${file.name}: expects ${channels}×${height}×${width} inputs; this page draws 1×28×28 digits`);
    }
    state.models.get('own')?.model.delete();
    state.models.set('own', { ...loaded, title: file.name, note: 'your model' });
    hideError();
    selectModel('own');
  } catch (e) {
    showError(`Could not load your model: ${e.message}`);
  }
}

async function loadAll() {
  const progress = (fraction, done, total) => setStatus(`Loading the models… ${Math.round(done / 1024)} of ${total ? Math.round(total / 1024) : '?'} KB`, fraction);
  const [models] = await Promise.all([
    loadModels(state.cs, MODELS, BASE, progress),
    loadSamples(SAMPLES_FILE, BASE).then(({ width, height, samples }) => {
      state.samples = samples;
      renderSampleStrip($('#samples'), samples, width, height);
    }, (e) => {
      $('#samples').textContent = `The sample digits could not be loaded (${e.message}).`;
    }),
  ]);
  if (models[0].error) throw new Error(`Could not load the model: ${models[0].error.message}`);
  for (const m of models) {
    if (m.loaded) state.models.set(m.key, { ...m.loaded, title: m.title, note: m.note });
    else showError(`The ${m.title} model is not available: ${m.error.message}`);
  }
}

// ---- Wiring ----

function wire() {
  pad = new DrawPad($('#draw-canvas'), {
    onChange(kind) {
      if (kind === 'clear' || (kind === 'undo' && !pad.background)) state.sample = null;
      if (kind === 'draw') scheduler.request();
      else scheduler.flush();
    },
  });
  $('#clear-button').addEventListener('click', () => pad.clear());
  $('#undo-button').addEventListener('click', () => pad.undo());
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z' && !e.target.closest('input, textarea')) {
      e.preventDefault();
      pad.undo();
    }
  });
  $('#samples').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-sample]');
    if (!button) return;
    state.sample = state.samples[Number(button.dataset.sample)];
    pad.setBackground(state.sample.bytes, 28, 28);
  });
  $('#model-options').addEventListener('change', (e) => {
    if (e.target.name === 'model') selectModel(e.target.value);
  });
  $('#model-file').addEventListener('change', (e) => {
    if (e.target.files[0]) loadOwnModel(e.target.files[0]);
  });
  const panels = $('#layer-panels');
  panels.addEventListener('pointermove', (e) => {
    if (state.pinned || e.pointerType === 'touch') return;
    const sel = hitTest(e);
    if (sel && !sameCell(sel, state.selection)) select(sel, false);
  });
  panels.addEventListener('pointerleave', () => {
    if (!state.pinned && state.selection) select(null, false);
  });
  panels.addEventListener('click', (e) => {
    const sel = hitTest(e);
    if (!sel) return;
    if (state.pinned && sameCell(sel, state.selection)) select(null, false);
    else select(sel, true);
  });
  panels.addEventListener('keydown', onMapsKey);
}

async function main() {
  try {
    setStatus('Loading the engine…');
    const { cs, kind } = await loadEngine(BASE);
    state.cs = cs;
    $('#engine-info').textContent = `Engine: ConvScope, C++ compiled to ${kind}.`;
    await loadAll();
    wire();
    selectModel(MODELS[0].key);
    $('#loading').hidden = true;
    document.body.dataset.ready = 'true';
  } catch (e) {
    $('#loading').hidden = true;
    showError(e instanceof Error ? e.message : String(e));
    document.body.dataset.ready = 'error';
  }
}

main();
