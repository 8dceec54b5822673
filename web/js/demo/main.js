// Demo page (web/index.html): draw a digit; the engine preprocesses it the MNIST way, the picture is
// fitted to the model's input (demo/input-adapter.js) and the model runs, recording every layer; each
// layer's output is drawn in its panel, and a clicked or hovered cell is explained with the
// engine's numbers. Two shipped models (CNN and DNN) can be switched, or your own loaded from a
// file (picked or dropped): any input size and labels; a bad file is refused with the engine's
// message and the model in use stays. The drawing and the shipped model can be shared as a link
// (permalink.js: the state in the URL hash) and any panel saved as a PNG (render/snapshot.js).
// The only module of this page that touches document.
// URL parameters: ?engine=scalar|simd forces an engine build (engine.js); for development,
// ?model=<url of the CNN file>&compare=<url of the DNN file>.

import { LOAD_ADVICE, loadEngine } from '../engine.js';
import { $, errorText, failPage, hideAlert, hideError, keepOffline, markReady, showAlert, showEngineKind, showError, showMemory } from '../page.js';
import { quantizeStrokes, stateFromHash, stateToHash } from './permalink.js';
import { downloadPng, panelSnapshot } from '../render/snapshot.js';
import { DrawPad } from './draw-pad.js';
import { frameScheduler, inputFromInk, loadModels, loadSamples, runModel, traceIsLive } from './predict.js';
import { adaptInput, inputSize } from './input-adapter.js';
import { asProbabilities, describeLoaded, modelFacts, readModelFile, shapeText } from './model-loader.js';
import { acceptFileDrops } from './file-drop.js';
import { cellAt, cellForKey, sameCell } from './cell-picker.js';
import { valueKind } from '../colors.js';
import { drawMap } from '../render/heatmap.js';
import { renderLegend } from '../render/grid.js';
import { addMark, createLayerView } from '../render/layer-view.js';
import { renderExplanation } from '../render/explain.js';
import { renderPrediction } from '../render/probabilities.js';
import { layerGeometry } from '../render/receptive-field.js';
import { renderModelOptions, renderSampleStrip } from '../render/choosers.js';
import { modelTexts, renderModelInfo, renderModelTexts } from '../render/model-info.js';
import { lazyEvidence, lazyWhySection, prefetchDeeper } from './deeper.js';
import { MODELS, SAMPLES_FILE } from './model-files.js';

const BASE = document.baseURI;

const state = {
  cs: null, models: new Map(), current: null, geoms: [], views: [],
  sample: null, samples: [], result: null, selection: null, pinned: false, ownLoads: 0,
};
let pad;
let evidence = null;  // the evidence sections (deeper.js: made when scrolled to), once the page works
const scheduler = frameScheduler(() => update());

function setStatus(text, fraction = null) {
  $('#status').textContent = text;
  if (fraction === null) $('#load-progress').removeAttribute('value');
  else $('#load-progress').value = fraction;
}

// Errors (page.js) show in #error (the page, or source 'input': the drawing, hidden again by the
// next good update) or #model-error (a model file, beside the file input).

const current = () => state.models.get(state.current);

// ---- Panels ----

function buildPanels() {
  const { architecture, layers, weights, labels } = current();
  state.geoms = layerGeometry(architecture, layers);
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

// The drawing (or the chosen sample) as a 28×28 MNIST-style picture, or null when nothing is drawn.
// ink: the pad's pixels, read by the caller (pad.ink()).
function currentPicture(ink) {
  if (pad.strokeCount === 0 && state.sample) return state.sample.input;
  if (pad.isEmpty) return null;
  return inputFromInk(state.cs, ink);
}

function update() {
  const t0 = performance.now();
  const loaded = current();
  const shape = loaded.architecture.input;
  let picture, result, tEngine = t0;
  try {
    // the pad's pixels (the canvas paints the strokes as they are read) count as drawing
    const ink = (pad.strokeCount === 0 && state.sample) || pad.isEmpty ? null : pad.ink();
    tEngine = performance.now();
    picture = currentPicture(ink);
    // With nothing drawn the panels show the network's answer to a blank image; no prediction.
    result = asProbabilities(runModel(loaded, picture ? adaptInput(picture, shape) : new Float32Array(inputSize(shape))), loaded);
  } catch (e) {
    showError(`The engine refused this input: ${e.message}`, 'input');
    return;  // keep the last good state on screen
  }
  if ($('#error').dataset.source === 'input') hideError();
  const t1 = performance.now();
  state.result = result;
  state.picture = picture;
  drawMap($('#input-canvas'), result.input, 0, shape.height, shape.width, 'grey', [0, 1]);  // channel 0 (all are equal)
  renderLegend($('#input-legend'), { scale: 'grey', domain: [0, 1] });
  renderPrediction({ box: $('#prediction'), digit: $('#prediction-digit'), text: $('#prediction-text'), list: $('#probabilities') },
    loaded.labels, picture ? result : null);
  $('#prediction').dataset.digit = picture && loaded.digits ? result.label : '';  // data-digit: digit models only
  if (!picture) $('#prediction-text').textContent = modelTexts(loaded).nothingDrawn;
  state.views.forEach((view, i) => {
    if (!view) return;
    try {
      view.update(result.trace.layers[i].data);
    } catch (e) {
      view.showError(e.message);
    }
  });
  refreshExplanation();
  state.why?.update({ input: picture ? result.input : null, result });
  const t2 = performance.now();
  // the page's own timing: the engine part (preprocess, traced forward, probabilities) and the
  // whole update (with reading the pad and drawing every picture); body[data-engine-ms] and
  // [data-update-ms] for scripts (npm run bench)
  document.body.dataset.engineMs = (t1 - tEngine).toFixed(3);
  document.body.dataset.updateMs = (t2 - t0).toFixed(2);
  $('#timing').textContent = `Last update: engine ${(t1 - tEngine).toFixed(2)} ms, drawing ${(t2 - t0 - (t1 - tEngine)).toFixed(1)} ms.`;
  evidence?.update();  // schedules the visible deeper sections, after this frame
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
  if (!traceIsLive(state.result.trace)) return update();  // memory grew since: run again (it explains)
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
      addMark($('#input-marks'), m, current().architecture.input.height, current().architecture.input.width, m.kind);
    } else if (m.index !== undefined) {
      state.views[m.layer]?.markIndex(m.index, m.kind);
    } else {
      const g = state.geoms[m.layer];
      const dims = m.part === 'weights' ? [1, 1, 1] : g.outDims;
      state.views[m.layer]?.mark(m.part, m, dims[1], dims[2]);
    }
  }
}

function select(sel, pinned) {
  state.selection = sel;
  state.pinned = pinned && sel !== null;
  refreshExplanation();
}

// ---- Models and samples ----

// The page follows the model: its wording, facts, input size, class bars and panels.
function selectModel(key) {
  state.current = key;
  const m = current();
  renderModelOptions($('#model-options'), [...state.models].map(([k, entry]) => ({ key: k, ...entry })), key);
  document.body.dataset.model = key;
  renderModelTexts({ drawTitle: $('#draw-title-text'), drawHelp: $('#draw-help'), inputNote: $('#input-note'), inputCanvas: $('#input-canvas'),
    prediction: $('#prediction'), list: $('#probabilities'), probNote: $('#prob-note') }, m);
  renderModelInfo($('#model-info'), modelFacts(m));
  buildPanels();
  state.why?.setModel(m, state.geoms);
  evidence?.modelChanged();
  update();
  if (pad) keepLink();
}

// A file picked or dropped. Only the latest of overlapping loads counts; until one succeeds the
// model in use stays, and keeps predicting.
async function loadOwnModel(file) {
  const load = ++state.ownLoads;
  hideAlert($('#model-error'));
  $('#model-status').textContent = `Loading ${file.name}…`;
  try {
    const loaded = await readModelFile(state.cs, file);
    if (load !== state.ownLoads) return loaded.model.delete();
    const previous = state.models.get('own');
    state.models.set('own', { ...loaded, title: file.name, note: `your model: ${shapeText(loaded.architecture.input)} → ${loaded.labels.length} classes` });
    selectModel('own');
    previous?.model.delete();
    showMemory(state.cs.memoryBytes());
    $('#model-status').textContent = `Loaded ${file.name}.`;
  } catch (e) {
    if (load !== state.ownLoads) return;
    $('#model-status').textContent = '';
    showAlert($('#model-error'), `Could not load your model: ${e.message}. Still using ${current().title}.`);
    $('#model-error').scrollIntoView({ block: 'nearest' });  // after a drop far down the page
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
    if (m.loaded) state.models.set(m.key, { ...describeLoaded(m.loaded), title: m.title, note: m.note });
    else showError(`The ${m.title} model is not available: ${m.error.message}`);
  }
}

// ---- Share and keep: a link to the drawing, a PNG of a panel ----

// The page's state as a link: the model (a shipped one: a file from the reader's computer cannot be
// in a link) and the drawing, strokes kept to 1/8 pixel. → {model, strokes, hash ('' for a blank
// page with the first model)}
function currentLink() {
  const model = MODELS.some((m) => m.key === state.current) ? state.current : MODELS[0].key;
  const sample = pad.background && state.sample ? state.samples.indexOf(state.sample) : null;
  const strokes = quantizeStrokes(pad.strokes);
  const parts = state.why ? state.why.parts() : {};
  const blank = sample === null && !strokes.length && model === MODELS[0].key && Object.values(parts).every((v) => v === '');
  return { model, strokes, hash: blank ? '' : stateToHash({ model, sample, strokes, parts }) };
}

// The address bar always holds the current state, so a reload or a bookmark keeps the drawing;
// a link shown by "Copy link" is out of date after a change, so it is hidden.
function keepLink() {
  const { hash } = currentLink();
  if (hash !== location.hash) history.replaceState(null, '', hash || location.pathname + location.search);
  $('#share').hidden = true;
  $('#share-status').textContent = '';
}

// "Copy link": the pad first shows exactly what the link holds, so whoever opens it sees the same
// input and the same prediction.
async function shareLink() {
  const { model, strokes } = currentLink();
  if (strokes.length) pad.setStrokes(strokes);  // → keepLink
  const url = new URL(currentLink().hash, location.href).href;
  Object.assign($('#share-link'), { value: url });
  $('#share').hidden = false;
  let copied = false;
  try {
    await navigator.clipboard.writeText(url);
    copied = true;
  } catch {
    // no clipboard permission (or no secure context): the link is shown to copy by hand
  }
  const title = state.models.get(model).title;
  const which = model === state.current ? `It opens this drawing with the ${title}.`
    : `Your own model cannot go into a link (the file stays on your computer): it opens this drawing with the ${title}.`;
  $('#share-status').textContent = `${copied ? 'Link copied.' : 'Copy the link above.'} ${which}`;
  if (!copied) $('#share-link').select();
}

// A link's state (the URL hash): its model, then its sample digit and strokes. A link that cannot
// be read is said so, and the page stays as it is.
function applyLink(hash) {
  let link;
  try {
    link = stateFromHash(hash);
  } catch (e) {
    showError(`This link's drawing could not be restored: ${e.message}.`, 'link');
    return;
  }
  if (!link) return;
  state.why?.restore(link.parts);
  if (link.model && !state.models.has(link.model)) showError(`The model "${link.model}" of this link is not available here; showing the ${current().title}.`, 'link');
  else if (link.model && link.model !== state.current) selectModel(link.model);
  const sample = link.sample === null ? undefined : state.samples[link.sample];
  if (sample) {
    state.sample = sample;
    pad.setBackground(sample.bytes, 28, 28);
  } else {
    pad.clear();
  }
  pad.setStrokes(link.strokes);
}

async function savePanel(button) {
  const panel = button.closest('[data-layer], [data-panel]');
  const name = panel.dataset.layer ?? panel.dataset.panel;
  const what = panel.dataset.layer ? `layer ${name}` : panel.querySelector('h2, h3').textContent.replace(/^\s*\d+\s*/, '').trim();
  try {
    const picture = panelSnapshot(panel.querySelector('[data-snapshot]') ?? panel, `ConvScope · ${current().title} · ${what}`);
    await downloadPng(picture, `convscope-${state.current}-${name}.png`);
  } catch (e) {
    showError(`Could not save the ${name} panel as a PNG: ${e.message}`, 'input');
  }
}

// ---- Wiring ----

function wire() {
  pad = new DrawPad($('#draw-canvas'), {
    onChange(kind) {
      if (kind === 'clear' || (kind === 'undo' && !pad.background)) state.sample = null;
      if (kind !== 'draw') {
        scheduler.flush();
        keepLink();
      } else if (!current().slow) {
        scheduler.request();  // a slow model reads the stroke when it ends
      }
    },
  });
  $('#clear-button').addEventListener('click', () => pad.clear());
  $('#share-button').addEventListener('click', () => shareLink());
  document.addEventListener('click', (e) => {
    const button = e.target.closest('button.save-png');
    if (button) savePanel(button);
  });
  window.addEventListener('hashchange', () => applyLink(location.hash));
  // The deeper tools' nav scrolls to its section without touching the hash, which holds the drawing.
  $('#deeper-tools').addEventListener('click', (e) => {
    const link = e.target.closest('a[href^="#"]');
    const target = link && document.getElementById(link.getAttribute('href').slice(1));
    if (!target) return;
    e.preventDefault();
    target.scrollIntoView({ block: 'start' });
    target.querySelector('h2, h3')?.setAttribute('tabindex', '-1');
    target.querySelector('h2, h3')?.focus({ preventScroll: true });
  });
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
    if (e.target.name !== 'model') return;
    hideAlert($('#model-error'));  // its "still using" no longer holds
    selectModel(e.target.value);
  });
  $('#model-file').addEventListener('change', (e) => {
    const file = e.target.files[0];
    e.target.value = '';  // the same file can be picked again
    if (file) loadOwnModel(file);
  });
  const panels = $('#layer-panels');
  panels.addEventListener('pointermove', (e) => {
    if (state.pinned || e.pointerType === 'touch') return;
    const sel = cellAt(e, state.views, state.geoms);
    if (sel && !sameCell(sel, state.selection)) select(sel, false);
  });
  panels.addEventListener('pointerleave', () => {
    if (!state.pinned && state.selection) select(null, false);
  });
  panels.addEventListener('click', (e) => {
    const sel = cellAt(e, state.views, state.geoms);
    if (!sel) return;
    if (state.pinned && sameCell(sel, state.selection)) select(null, false);
    else select(sel, true);
  });
  panels.addEventListener('keydown', (e) => {  // arrows move the cell, [ ] the map, Esc clears
    const sel = cellForKey(e, state.selection, state.geoms);
    if (sel === undefined) return;
    if (sel) e.preventDefault();
    select(sel, sel !== null);
  });
}

// The engine's description of each layer of a loaded model ({name, type, inDims, outDims}), asked
// once per model: the overview draws from it.
const layerDescriptions = new WeakMap();
function engineLayers(loaded) {
  if (!layerDescriptions.has(loaded)) {
    layerDescriptions.set(loaded, loaded.model.describeLayers().map((d) => ({ ...d, inDims: d.inputShape, outDims: d.outputShape })));
  }
  return layerDescriptions.get(loaded);
}

// What the deeper sections need of the page: the engine, the models, the current input, and a way
// back in (a test digit loaded as if drawn, a model trained there used like an own file).
function evidencePage() {
  return {
    cs: state.cs,
    base: BASE,
    models: () => state.models,
    currentModel: () => current() && { key: state.current, ...current() },
    source: () => ({
      picture: state.picture ?? null,
      ink: pad.strokeCount > 0 ? pad.ink() : null,
      label: pad.strokeCount === 0 && state.sample ? state.sample.label : null,
    }),
    onDigit(sample) {
      state.sample = sample;
      pad.setBackground(sample.bytes, 28, 28);
    },
    useModel: (bytes, fileName) => loadOwnModel(new File([bytes], fileName)),
    geometry: () => engineLayers(current()),
    inputValues: () => state.result?.input ?? null,
    trace: () => state.result?.trace ?? null,
    onPick(layer, channel) {  // a map clicked in the overview: its panel, that map picked
      state.views[layer]?.panel.scrollIntoView({ block: 'start' });
      const [, h, w] = state.geoms[layer].outDims;
      select(channel === undefined ? { layer, part: 'output', index: 0 } : { layer, part: 'output', channel, y: Math.floor(h / 2), x: Math.floor(w / 2) }, true);
    },
  };
}

async function main() {
  try {
    acceptFileDrops(document, $('#drop-hint'), (file) => state.current && loadOwnModel(file));  // a drop never leaves the page
    setStatus('Loading the engine…');
    // performance marks (convscope:…): where the time to ready goes, read by npm run bench
    const { cs, kind } = await loadEngine(BASE);
    performance.mark('convscope:engine');
    state.cs = cs;
    showEngineKind(kind);
    await loadAll();
    performance.mark('convscope:models');
    wire();
    // "Why this digit?" and the evidence: made when scrolled to (deeper.js); the panels' state is
    // part of the link.
    state.why = lazyWhySection($('#why'), { baseUrl: BASE, onChange: () => keepLink() }, () => scheduler.flush());
    evidence = lazyEvidence(document, evidencePage());
    const link = location.hash;  // before the page writes its own state there
    selectModel(MODELS[0].key);
    performance.mark('convscope:first-update');
    applyLink(link);
    await state.why.loaded();  // a link with a panel's state shows it at once
    showMemory(cs.memoryBytes());
    markReady();
    performance.mark('convscope:ready');
    prefetchDeeper();
  } catch (e) {
    failPage(`${errorText(e)} ${LOAD_ADVICE}`);
    return;
  }
  await keepOffline(BASE);
}

main();
