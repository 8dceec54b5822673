// Which model the drawing page runs (demo/main.js's part): the shipped models and sample digits
// loaded at start, a switch between them, and the reader's own file (picked or dropped).

import { $, hideAlert, showAlert, showError, showMemory } from '../page.js';
import { loadModels, loadSamples } from './predict.js';
import { describeLoaded, modelFacts, readModelFile, shapeText } from './model-loader.js';
import { renderModelOptions, renderSampleStrip } from '../render/choosers.js';
import { renderModelInfo, renderModelTexts } from '../render/model-info.js';
import { MODELS, SAMPLES_FILE } from './model-files.js';
import { buildPanels, update } from './update-loop.js';
import { currentModel } from './app-state.js';

export function setStatus(text, fraction = null) {
  $('#status').textContent = text;
  if (fraction === null) $('#load-progress').removeAttribute('value');
  else $('#load-progress').value = fraction;
}

// The page follows the model: its wording, facts, input size, class bars and panels.
export function selectModel(app, key) {
  app.current = key;
  const m = currentModel(app);
  renderModelOptions($('#model-options'), [...app.models].map(([k, entry]) => ({ key: k, ...entry })), key);
  document.body.dataset.model = key;
  renderModelTexts({ drawTitle: $('#draw-title-text'), drawHelp: $('#draw-help'), inputNote: $('#input-note'), inputCanvas: $('#input-canvas'),
    prediction: $('#prediction'), list: $('#probabilities'), probNote: $('#prob-note') }, m);
  renderModelInfo($('#model-info'), modelFacts(m));
  buildPanels(app);
  app.why?.setModel(m, app.geoms);
  app.evidence?.modelChanged();
  update(app);
  if (app.pad) app.keepLink();
}

// A file picked or dropped. Only the latest of overlapping loads counts; until one succeeds the
// model in use stays, and keeps predicting.
export async function loadOwnModel(app, file) {
  const load = ++app.ownLoads;
  hideAlert($('#model-error'));
  $('#model-status').textContent = `Loading ${file.name}…`;
  try {
    const loaded = await readModelFile(app.cs, file);
    if (load !== app.ownLoads) return loaded.model.delete();
    const previous = app.models.get('own');
    app.models.set('own', { ...loaded, title: file.name, note: `your model: ${shapeText(loaded.architecture.input)} → ${loaded.labels.length} classes` });
    selectModel(app, 'own');
    previous?.model.delete();
    showMemory(app.cs.memoryBytes());
    $('#model-status').textContent = `Loaded ${file.name}.`;
  } catch (e) {
    if (load !== app.ownLoads) return;
    $('#model-status').textContent = '';
    showAlert($('#model-error'), `Could not load your model: ${e.message}. Still using ${currentModel(app).title}.`);
    $('#model-error').scrollIntoView({ block: 'nearest' });  // after a drop far down the page
  }
}

// The shipped models and the sample digits, downloaded at once. A missing first model fails the
// page; a missing other one is said and left out.
export async function loadAll(app) {
  const progress = (fraction, done, total) => setStatus(`Loading the models… ${Math.round(done / 1024)} of ${total ? Math.round(total / 1024) : '?'} KB`, fraction);
  const [models] = await Promise.all([
    loadModels(app.cs, MODELS, app.base, progress),
    loadSamples(SAMPLES_FILE, app.base).then(({ width, height, samples }) => {
      app.samples = samples;
      renderSampleStrip($('#samples'), samples, width, height);
    }, (e) => {
      $('#samples').textContent = `The sample digits could not be loaded (${e.message}).`;
    }),
  ]);
  if (models[0].error) throw new Error(`Could not load the model: ${models[0].error.message}`);
  for (const m of models) {
    if (m.loaded) app.models.set(m.key, { ...describeLoaded(m.loaded), title: m.title, note: m.note });
    else showError(`The ${m.title} model is not available: ${m.error.message}`);
  }
}
