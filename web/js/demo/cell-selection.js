// Explaining a cell of the drawing page (demo/main.js's part): the picked or hovered cell's
// numbers under its layer, its receptive field marked on the input and the layers before.

import { $ } from '../page.js';
import { traceIsLive } from './predict.js';
import { addMark } from '../render/layer-view.js';
import { renderExplanation } from '../render/explain.js';
import { currentModel } from './app-state.js';

function clearMarks(app) {
  for (const view of app.views.filter(Boolean)) {
    view.clearMarks();
    view.explainBox.hidden = true;
  }
  $('#input-marks').replaceChildren();
}

export function refreshExplanation(app) {
  clearMarks(app);
  const sel = app.selection;
  if (!sel || !app.result || !app.views[sel.layer]) return;
  if (!traceIsLive(app.result.trace)) return app.scheduler.flush();  // memory grew since: run again (it explains)
  const view = app.views[sel.layer];
  const model = currentModel(app);
  let marks;
  try {
    marks = renderExplanation(view.explainBox, sel, { geoms: app.geoms, trace: app.result.trace, input: app.result.input, weights: model.weights, labels: model.labels });
  } catch (e) {
    view.showError(`explaining this cell failed: ${e.message}`);
    return;
  }
  view.explainBox.classList.toggle('pinned', app.pinned);
  for (const m of marks) {
    if (m.layer === -1) {
      addMark($('#input-marks'), m, model.architecture.input.height, model.architecture.input.width, m.kind);
    } else if (m.index !== undefined) {
      app.views[m.layer]?.markIndex(m.index, m.kind);
    } else {
      const g = app.geoms[m.layer];
      const dims = m.part === 'weights' ? [1, 1, 1] : g.outDims;
      app.views[m.layer]?.mark(m.part, m, dims[1], dims[2]);
    }
  }
}

// sel: {layer, part, channel, y, x} or {layer, part, index}, or null for none; pinned: clicked
// (stays when the pointer leaves) rather than hovered.
export function select(app, sel, pinned) {
  app.selection = sel;
  app.pinned = pinned && sel !== null;
  refreshExplanation(app);
}
