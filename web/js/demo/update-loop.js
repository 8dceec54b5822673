// One update of the drawing page (demo/main.js's part): input → forward pass → every picture. The
// pad asks for it at most once a frame (app.scheduler); the layer panels are built per model.
// The panels (below the first screen: ~170 pictures) are drawn from the moment showPanels is
// called on: main.js calls it once the page is ready and idle, or sooner if the reader starts
// to draw or scrolls to them; until then an update draws the first screen only.

import { $, hideError, showError } from '../page.js';
import { inputFromInk, runModel } from './predict.js';
import { adaptInput, adaptPlacement, inputSize } from './input-adapter.js';
import { asProbabilities } from './model-loader.js';
import { valueKind } from '../colors.js';
import { drawMap } from '../render/heatmap.js';
import { renderLegend } from '../render/grid.js';
import { createLayerView } from '../render/layer-view.js';
import { renderPrediction } from '../render/probabilities.js';
import { layerGeometry } from '../render/receptive-field.js';
import { modelTexts } from '../render/model-info.js';
import { refreshExplanation } from './cell-selection.js';
import { currentModel } from './app-state.js';

// One panel per layer of the model in use; no cell picked.
export function buildPanels(app) {
  const { architecture, layers, weights, labels } = currentModel(app);
  app.geoms = layerGeometry(architecture, layers);
  app.selection = null;
  app.pinned = false;
  const container = $('#layer-panels');
  container.replaceChildren();
  app.views = app.geoms.map((geom, i) => {
    const section = document.createElement('section');
    container.append(section);
    return createLayerView(section, { geom, index: i, kind: valueKind(app.geoms, i), weights, labels });
  });
}

// The drawing (or the chosen sample) as a 28×28 MNIST-style picture → {picture (null when nothing
// is drawn), placement (where the pad went in it; null for a sample)}. ink: the pad's pixels, read
// by the caller (pad.ink()), or null.
function currentPicture(app, ink) {
  const { pad } = app;
  if (pad.strokeCount === 0 && app.sample) return { picture: app.sample.input, placement: null };
  if (pad.isEmpty) return { picture: null, placement: null };
  const placed = inputFromInk(app.cs, ink);
  return { picture: placed?.image ?? null, placement: placed?.placement ?? null };
}

export function update(app) {
  const t0 = performance.now();
  const loaded = currentModel(app);
  const shape = loaded.architecture.input;
  let picture, placement, result, tEngine = t0;
  try {
    // the pad's pixels (the canvas paints the strokes as they are read) count as drawing
    const { pad } = app;
    const ink = (pad.strokeCount === 0 && app.sample) || pad.isEmpty ? null : pad.ink();
    tEngine = performance.now();
    ({ picture, placement } = currentPicture(app, ink));
    // With nothing drawn the panels show the network's answer to a blank image; no prediction.
    result = asProbabilities(runModel(loaded, picture ? adaptInput(picture, shape) : new Float32Array(inputSize(shape))), loaded);
  } catch (e) {
    showError(`The engine refused this input: ${e.message}`, 'input');
    return;  // keep the last good state on screen
  }
  if ($('#error').dataset.source === 'input') hideError();
  const t1 = performance.now();
  app.result = result;
  app.picture = picture;
  drawMap($('#input-canvas'), result.input, 0, shape.height, shape.width, 'grey', [0, 1]);  // channel 0 (all are equal)
  renderLegend($('#input-legend'), { scale: 'grey', domain: [0, 1] });
  renderPrediction({ box: $('#prediction'), digit: $('#prediction-digit'), text: $('#prediction-text'), list: $('#probabilities') },
    loaded.labels, picture ? result : null);
  $('#prediction').dataset.digit = picture && loaded.digits ? result.label : '';  // data-digit: digit models only
  if (!picture) $('#prediction-text').textContent = modelTexts(loaded).nothingDrawn;
  if (app.panelsShown) app.views.forEach((view, i) => {
    if (!view) return;
    try {
      view.update(result.trace.layers[i].data);
    } catch (e) {
      view.showError(e.message);
    }
  });
  refreshExplanation(app);
  // the explanations lay their maps back over the pad's drawing: its ink, read when they need it
  const drawing = picture && placement ? { placement: adaptPlacement(placement, shape), ink: () => app.pad.ink() } : null;
  app.why?.update({ input: picture ? result.input : null, result, drawing });
  const t2 = performance.now();
  // the page's own timing: the engine part (preprocess, traced forward, probabilities) and the
  // whole update (with reading the pad and drawing every picture); body[data-engine-ms] and
  // [data-update-ms] for scripts (npm run bench)
  document.body.dataset.engineMs = (t1 - tEngine).toFixed(3);
  document.body.dataset.updateMs = (t2 - t0).toFixed(2);
  $('#timing').textContent = `Last update: engine ${(t1 - tEngine).toFixed(2)} ms, drawing ${(t2 - t0 - (t1 - tEngine)).toFixed(1)} ms.`;
  app.evidence?.update();  // schedules the visible deeper sections, after this frame
}

// From now on every update draws the layer panels too; the first one at once.
export function showPanels(app) {
  if (app.panelsShown) return;
  app.panelsShown = true;
  app.scheduler.flush();
}
