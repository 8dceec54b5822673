// One jet through a network: the jet (log scale), then every layer's output as the engine's
// forward pass recorded it — feature maps as heat maps, vectors as strips, the softmax as the
// two class probabilities. Colour scales as on the drawing page (colors.js): diverging for
// signed values (conv and dense outputs), sequential for values ≥ 0 (after ReLU, pooled).
// Handed its container; each layer is an element with data-layer="<layer name>".

import { domainOf, scaleFor, valueKind } from '../colors.js';
import { el } from '../render/dom.js';
import { cellPixels, drawMap, drawVector } from '../render/heatmap.js';
import { renderLegend } from '../render/grid.js';
import { drawJet, renderJetLegend } from './jet-image.js';

const TITLES = {
  conv2d: 'convolution (before ReLU)', relu: 'ReLU', maxpool2d: 'max pooling', avgpool2d: 'average pooling',
  flatten: 'flatten', dense: 'dense', softmax: 'softmax', sigmoid: 'sigmoid', tanh: 'tanh',
};
const STRIP_COLS = 32;
const MIN_MAP_PX = 60;  // small maps (pooled 6×6) still readable

// container: element to fill; jet: Float32Array(625); layers: [{name, type, shape, data}];
// labels: class names of the output.
export function renderFeatureMaps(container, jet, layers, labels) {
  container.replaceChildren();
  const input = el(container, 'section', 'fm-layer');
  input.dataset.layer = 'input';
  el(input, 'h4', '', 'the jet (input) · 1×25×25');
  const inputMaps = el(input, 'div', 'fm-maps');
  drawJet(figure(inputMaps, 25 * 4).canvas, jet);
  renderJetLegend(el(input, 'div', 'legend'));

  layers.forEach((layer, i) => {
    if (layer.type === 'flatten') return;  // the same numbers as the layer before, in a row
    const section = el(container, 'section', 'fm-layer');
    section.dataset.layer = layer.name;
    section.dataset.type = layer.type;
    el(section, 'h4', '', `${layer.name} · ${TITLES[layer.type] ?? layer.type} · ${layer.shape.join('×')}`);
    if (layer.type === 'softmax') {
      const p = el(section, 'p', 'fm-probs');
      p.textContent = labels.map((label, k) => `P(${label}) = ${layer.data[k].toFixed(3)}`).join('   ');
      return;
    }
    const kind = valueKind(layers, i);
    const scale = scaleFor(kind);
    const domain = domainOf(layer.data, scale, kind);
    const maps = el(section, 'div', 'fm-maps');
    if (layer.shape.length === 3) {
      const [c, h, w] = layer.shape;
      const width = Math.max(MIN_MAP_PX, w * cellPixels(Math.max(h, w)));
      for (let ch = 0; ch < c; ch++) drawMap(figure(maps, width).canvas, layer.data, ch * h * w, h, w, scale, domain);
    } else {
      const cols = Math.min(STRIP_COLS, layer.data.length);
      drawVector(figure(maps, cols * 8).canvas, layer.data, cols, scale, domain);
    }
    renderLegend(el(section, 'div', 'legend'), { scale, domain });
  });
}

function figure(parent, width) {
  const box = el(parent, 'div', 'fm-map');
  box.style.width = `calc(${width}px * var(--map-scale, 1))`;  // lab.css scales all maps
  return { canvas: el(box, 'canvas') };
}
