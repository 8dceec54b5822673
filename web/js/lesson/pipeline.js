// After the filter: feature map → ReLU → pool → flatten → dense → softmax, drawn from the trace of
// the O-vs-X model (web/js/ox-model.js; layers conv, relu, pool, flatten, fc, softmax).
// Handed its elements; every number is read from the trace.

import { renderGrid, renderLegend, formatNumber } from '../render/grid.js';
import { renderBars } from '../render/probabilities.js';
import { channel } from './trace.js';
import { markBlocks } from './cells.js';
import { formatProse } from './window-view.js';

function grid(els, key, matrix, options) {
  const mapping = renderGrid(els.grids[key], matrix, options);
  const legend = els.legends?.[key];
  if (legend) renderLegend(legend, mapping);
}

// els: {grids: {featureMap, relu, pooled, flatten, denseWeights, logits}, legends: {same keys},
//       probabilities <ul>, prediction}
// run: runModel's result; poolSize: for the block lines on the ReLU map; denseWeights [2][F] as
// given to the model; labels: the class names, O then X.
export function renderPipeline(els, run, { poolSize, denseWeights, labels }) {
  const layer = (name) => {
    const l = run.layers[name];
    if (!l) throw new Error(`trace: no layer named "${name}" (has ${run.order.join(', ')})`);
    return l;
  };
  grid(els, 'featureMap', channel(layer('conv')), { name: 'feature-map', colorScale: 'diverging' });
  grid(els, 'relu', channel(layer('relu')), { name: 'relu', colorScale: 'sequential' });
  markBlocks(els.grids.relu, poolSize);
  grid(els, 'pooled', channel(layer('pool')), { name: 'pooled', colorScale: 'sequential' });
  grid(els, 'flatten', channel(layer('flatten')), { name: 'flatten', colorScale: 'sequential' });
  grid(els, 'denseWeights', denseWeights, { name: 'dense-weights', colorScale: 'diverging' });
  grid(els, 'logits', channel(layer('fc')), { name: 'logits', colorScale: 'diverging' });
  renderProbabilities(els, Array.from(layer('softmax').data), labels);
}

function renderProbabilities(els, probs, labels) {
  renderBars(els.probabilities, labels, probs, formatNumber);
  const best = probs[0] >= probs[1] ? 0 : 1;
  const tie = probs[0] === probs[1];
  els.prediction.dataset.label = tie ? '' : labels[best];
  els.prediction.dataset.confidence = String(probs[best]);
  els.prediction.textContent = tie
    ? `A tie: the network can't tell (${formatProse(probs[0])} each).`
    : `The network says ${labels[best]}, with probability ${formatProse(probs[best])}.`;
}
