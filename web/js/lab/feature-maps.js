// One jet through a network: the jet (log scale), then every layer's output as the engine's
// forward pass recorded it — feature maps as heat maps, vectors as strips, the softmax as the
// two class probabilities. Colour scales as on the drawing page (colors.js): diverging for
// signed values (conv and dense outputs), sequential for values ≥ 0 (after ReLU, pooled).
// Handed its container; each layer is an element with data-layer="<layer name>". The panels are
// built once per network and then only redrawn (a new canvas context costs more than its pixels).

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
const built = new WeakMap();  // container → {signature, input, panels}

// container: element to fill; jet: Float32Array(625); layers: [{name, type, shape, data}];
// labels: class names of the output.
export function renderFeatureMaps(container, jet, layers, labels) {
  const signature = layers.map((l) => `${l.name}:${l.type}:${l.shape.join('x')}`).join(' ');
  let view = built.get(container);
  if (view?.signature !== signature) {
    view = { signature, ...build(container, layers) };
    built.set(container, view);
  }
  drawJet(view.input, jet);
  view.panels.forEach((panel, i) => panel && panel.draw(layers, i, labels));
}

function build(container, layers) {
  container.replaceChildren();
  const input = el(container, 'section', 'fm-layer');
  input.dataset.layer = 'input';
  el(input, 'h4', '', 'the jet (input) · 1×25×25');
  const canvas = figure(el(input, 'div', 'fm-maps'), 25 * 4);
  renderJetLegend(el(input, 'div', 'legend'));
  const panels = layers.map((layer) => (layer.type === 'flatten' ? null : buildPanel(container, layer)));  // flatten: the same numbers in a row
  return { input: canvas, panels };
}

function buildPanel(container, layer) {
  const section = el(container, 'section', 'fm-layer');
  section.dataset.layer = layer.name;
  section.dataset.type = layer.type;
  el(section, 'h4', '', `${layer.name} · ${TITLES[layer.type] ?? layer.type} · ${layer.shape.join('×')}`);
  if (layer.type === 'softmax') {
    const p = el(section, 'p', 'fm-probs');
    return { draw: (layers, i, labels) => { p.textContent = labels.map((label, k) => `P(${label}) = ${layers[i].data[k].toFixed(3)}`).join('   '); } };
  }
  const maps = el(section, 'div', 'fm-maps');
  let canvases, cols = 0;
  if (layer.shape.length === 3) {
    const [c, h, w] = layer.shape;
    const width = Math.max(MIN_MAP_PX, w * cellPixels(Math.max(h, w)));
    canvases = Array.from({ length: c }, () => figure(maps, width));
  } else {
    cols = Math.min(STRIP_COLS, layer.shape[0]);
    canvases = [figure(maps, cols * 8)];
  }
  const legend = el(section, 'div', 'legend');
  return {
    draw(layers, i) {
      const { data, shape } = layers[i];
      const kind = valueKind(layers, i);
      const scale = scaleFor(kind);
      const domain = domainOf(data, scale, kind);
      if (shape.length === 3) {
        const [, h, w] = shape;
        canvases.forEach((canvas, ch) => drawMap(canvas, data, ch * h * w, h, w, scale, domain));
      } else {
        drawVector(canvases[0], data, cols, scale, domain);
      }
      renderLegend(legend, { scale, domain });
    },
  };
}

// A canvas in a box of width CSS px (times the page's --map-scale).
function figure(parent, width) {
  const box = el(parent, 'div', 'fm-map');
  box.style.width = `calc(${width}px * var(--map-scale, 1))`;  // lab.css scales all maps
  return el(box, 'canvas');
}
