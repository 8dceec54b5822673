// One layer's panel: a heading with the layer's type, hyperparameters and output shape; its
// pictures (feature maps as heat maps, vectors as strips or labelled tables; conv filters and a
// dense layer's per-unit weight images when it reads a flattened image); a legend per colour
// scale; a box for the explanation of a clicked cell; marks (highlight rectangles) over cells; a
// "Save PNG" button (button.save-png).
// It is handed its panel element and builds inside it; it knows nothing of pointers.

import { domainOf, scaleFor } from '../colors.js';
import { el } from './dom.js';
import { cellPixels, drawKernels, drawMap, drawVector, kernelTiles } from './heatmap.js';
import { renderGrid, renderLegend } from './grid.js';

const TITLES = {
  conv2d: 'Convolution', relu: 'ReLU', sigmoid: 'Sigmoid', tanh: 'tanh', maxpool2d: 'Max pooling',
  avgpool2d: 'Average pooling', flatten: 'Flatten', dense: 'Dense (fully connected)', softmax: 'Softmax',
};
const LONG_VECTOR = 10;  // vectors longer than this are strips; shorter ones tables with numbers

const pairText = (v, d) => (v === undefined ? d : Array.isArray(v) ? `${v[0]}×${v[1]}` : `${v}×${v}`);
const dimsText = (d) => d.join('×');

// What the layer does, in one sentence, with its hyperparameters.
function describe({ type, spec, inDims, outDims }) {
  switch (type) {
    case 'conv2d': return `${spec.out_channels} filters of ${pairText(spec.kernel)}×${inDims[0]} (kernel × input channels), stride ${spec.stride ?? 1}, padding ${spec.padding ?? 0}. Each feature map = input ⊛ filter + bias, before the activation.`;
    case 'relu': return 'max(0, x): negative values become 0, positive ones pass.';
    case 'sigmoid': return '1 / (1 + e^−x): every value squashed into 0…1.';
    case 'tanh': return 'tanh(x): every value squashed into −1…1.';
    case 'maxpool2d': return `The largest value of each ${pairText(spec.kernel)} block (stride ${spec.stride ?? spec.kernel}): smaller maps, same channels.`;
    case 'avgpool2d': return `The average of each ${pairText(spec.kernel)} block (stride ${spec.stride ?? spec.kernel}).`;
    case 'flatten': return `The ${dimsText(inDims)} values as one vector of ${outDims[0]}, channel after channel.`;
    case 'dense': return `${spec.out_features} units, each Σ weight × input + bias over all ${inDims[0]} inputs.`;
    case 'softmax': return 'e^z / Σ e^z: the scores become probabilities that add up to 1.';
    default: return `Layer type ${type}.`;
  }
}

// A highlight rectangle {y0, x0, y1, x1} (cells, inclusive) over a map of h × w cells, in marks.
export function addMark(marks, { y0, x0, y1, x1 }, h, w, kind = 'field') {
  const m = el(marks, 'div', `mark mark-${kind}`);
  m.style.left = `${(x0 / w) * 100}%`;
  m.style.top = `${(y0 / h) * 100}%`;
  m.style.width = `${((x1 - x0 + 1) / w) * 100}%`;
  m.style.height = `${((y1 - y0 + 1) / h) * 100}%`;
}

// A figure holding a canvas of [w, h] pixels (its size from the start, so the panel keeps its
// layout before it is drawn) and a layer of marks; width in CSS px.
function figure(parent, { channel, caption, width, part, pixels: [w, h] }) {
  const f = el(parent, 'figure', 'map');
  f.dataset.part = part;
  if (channel !== undefined) f.dataset.channel = String(channel);
  const box = el(f, 'div', 'map-box');
  if (width) box.style.width = `calc(${width}px * var(--map-scale, 1))`;  // the page scales all maps
  const canvas = el(box, 'canvas');
  canvas.width = w;
  canvas.height = h;
  el(box, 'div', 'marks');
  if (caption !== undefined) el(f, 'figcaption', '', caption);
  return { figure: f, canvas };
}

// geom: {name, type, spec, inDims, outDims}; kind: value kind of the output (colors.js);
// weights: Map name → {shape, data} (the file's tensors); labels: class names.
export function createLayerView(panel, options) {
  try {
    return buildView(panel, options);
  } catch (e) {  // a panel that cannot be built says so, and the others still work
    panel.dataset.layer = options.geom.name;
    const error = el(panel, 'p', 'panel-error', `${options.geom.name}: this panel could not be built: ${e.message}`);
    error.setAttribute('role', 'alert');
    return null;
  }
}

// Each set of maps is one keyboard stop (the page moves a selected cell with the arrow keys).
function focusable(maps, index, label) {
  maps.tabIndex = 0;
  maps.dataset.layerIndex = String(index);
  maps.setAttribute('role', 'group');  // a labelled stop of its own (aria-label needs a role)
  maps.setAttribute('aria-label', `${label}; arrow keys pick a cell, [ and ] the map`);
}

function buildView(panel, { geom, index, kind, weights, labels }) {
  const { name, type, inDims, outDims } = geom;
  panel.dataset.layer = name;
  panel.dataset.type = type;
  panel.dataset.shape = dimsText(outDims);
  panel.classList.add('layer-panel');
  const head = el(panel, 'header', 'layer-head');
  const h3 = el(head, 'h3');
  el(h3, 'span', 'layer-name', name);
  el(h3, 'span', 'layer-type', TITLES[type] ?? type);
  el(head, 'p', 'shape', `${dimsText(inDims)} → ${dimsText(outDims)}`);
  const save = el(head, 'button', 'save-png', 'Save PNG');  // the page handles the click
  save.type = 'button';
  save.setAttribute('aria-label', `Save PNG of the ${name} panel`);  // the name holds the visible text
  el(panel, 'p', 'layer-desc', describe(geom));

  const scale = scaleFor(kind);
  const w = weights.get(`${name}.weight`);
  // The weight pictures are drawn with the panel's first output (update), not here: the page
  // builds its panels before it is ready and draws them just after (demo/update-loop.js).
  const drawWeights = [];

  // Conv filters: one picture per output channel (its input-channel kernels as tiles).
  if (type === 'conv2d' && w) {
    const [oc, ic, kh, kw] = w.shape;
    const part = el(panel, 'div', 'layer-part');
    part.dataset.part = 'weights';
    el(part, 'h4', '', `Filters: ${oc} × (${ic} × ${kh}×${kw} weights)`);
    const legend = el(part, 'div', 'legend');
    const maps = el(part, 'div', 'maps kernels');
    focusable(maps, index, `filters of ${name}`);
    const tiles = kernelTiles(ic, kh, kw);
    const px = ic === 1 ? 10 : 6;
    const domain = domainOf(w.data, 'diverging', 'signed');
    const canvases = [];
    for (let o = 0; o < oc; o++) canvases.push(figure(maps, { channel: o, caption: `${o}`, width: tiles.width * px, part: 'weights', pixels: [tiles.width, tiles.height] }).canvas);
    drawWeights.push(() => {
      for (let o = 0; o < oc; o++) drawKernels(canvases[o], w.data, o * ic * kh * kw, ic, kh, kw, 'diverging', domain);
      renderLegend(legend, { scale: 'diverging', domain });
    });
  }
  // Dense units reading a flattened one-channel image: each unit's weights as that image.
  if (type === 'dense' && w && geom.image) {
    const [units] = w.shape;
    const [, ih, iw] = geom.image;
    const part = el(panel, 'div', 'layer-part');
    part.dataset.part = 'weights';
    el(part, 'h4', '', `Weights of each unit, as the ${ih}×${iw} image it responds to`);
    const legend = el(part, 'div', 'legend');
    const maps = el(part, 'div', 'maps');
    focusable(maps, index, `unit weights of ${name}`);
    const domain = domainOf(w.data, 'diverging', 'signed');
    const canvases = [];
    for (let u = 0; u < units; u++) canvases.push(figure(maps, { channel: u, caption: `${u}`, width: iw * 2, part: 'weights', pixels: [iw, ih] }).canvas);
    drawWeights.push(() => {
      for (let u = 0; u < units; u++) drawMap(canvases[u], w.data, u * ih * iw, ih, iw, 'diverging', domain);
      renderLegend(legend, { scale: 'diverging', domain });
    });
  }

  // The layer's output.
  const out = el(panel, 'div', 'layer-part');
  out.dataset.part = 'output';
  const outTitle = type === 'conv2d' ? 'Feature maps (before the activation)'
    : outDims.length === 3 ? 'Feature maps' : kind === 'probability' ? 'Probabilities' : 'Values';
  el(out, 'h4', '', `${outTitle}: ${dimsText(outDims)}`);
  const outLegend = el(out, 'div', 'legend');
  const outMaps = el(out, 'div', 'maps');
  focusable(outMaps, index, `${outTitle.toLowerCase()} of ${name}`);
  const canvases = [];
  let table = null, cols = 0;
  if (outDims.length === 3) {
    const [c, h, wd] = outDims;
    for (let ch = 0; ch < c; ch++) canvases.push(figure(outMaps, { channel: ch, caption: `${ch}`, width: wd * cellPixels(Math.max(h, wd)), part: 'output', pixels: [wd, h] }).canvas);
  } else if (outDims[0] > LONG_VECTOR) {
    const n = outDims[0];
    const [c, h, wd] = geom.flatFrom ?? [1, 1, n];
    cols = c > 1 && h * wd <= 64 ? h * wd : geom.flatFrom ? wd : Math.min(n, 32);
    const { figure: f, canvas } = figure(outMaps, { width: cols * (cols > 40 ? 6 : 16), caption: geom.flatFrom && cols !== n ? `${Math.ceil(n / cols)} rows of ${cols}${c > 1 ? ': one row per channel' : ''}` : undefined, part: 'output', pixels: [cols, Math.ceil(n / cols)] });
    f.classList.add('vector');
    canvas.dataset.cols = String(cols);
    canvases.push(canvas);
  } else {
    table = el(el(outMaps, 'div', 'table-scroll'), 'table', 'vector-table');
    table.dataset.grid = `${name}-values`;
  }
  const explainBox = el(panel, 'div', 'explain');
  explainBox.hidden = true;
  const error = el(panel, 'p', 'panel-error');  // role="alert" only while shown
  error.hidden = true;

  return {
    name, panel, explainBox,
    // data: this layer's output for one input (Float32Array, outDims).
    update(data) {
      while (drawWeights.length) {  // until each has been drawn once
        drawWeights[0]();
        drawWeights.shift();
      }
      const domain = domainOf(data, scale, kind);
      if (outDims.length === 3) {
        const [c, h, wd] = outDims;
        for (let ch = 0; ch < c; ch++) drawMap(canvases[ch], data, ch * h * wd, h, wd, scale, domain);
      } else if (table) {
        renderGrid(table, [Array.from(data)], { colorScale: scale, domain });
        const head = table.ownerDocument.createElement('thead');
        const tr = el(head, 'tr');
        for (let i = 0; i < data.length; i++) el(tr, 'th', '', labels.length === data.length ? labels[i] : String(i)).scope = 'col';
        table.prepend(head);
      } else {
        drawVector(canvases[0], data, cols, scale, domain);
      }
      renderLegend(outLegend, { scale, domain });
      error.hidden = true;
      error.removeAttribute('role');
    },
    showError(message) {
      error.textContent = `This panel could not be drawn: ${message}`;
      error.setAttribute('role', 'alert');
      error.hidden = false;
    },
    // rect {channel (undefined: every channel), y0, x0, y1, x1, kind} on `part`'s maps of size h × w.
    mark(part, { channel, y0, x0, y1, x1, kind: markKind = 'field' }, h, wd) {
      for (const f of panel.querySelectorAll(`figure.map[data-part="${part}"]`)) {
        if (channel !== undefined && f.dataset.channel !== String(channel)) continue;
        addMark(f.querySelector('.marks'), { y0, x0, y1, x1 }, h, wd, markKind);
      }
    },
    // Marks value i of a vector output (strip or table).
    markIndex(i, markKind = 'cell') {
      if (table) {
        table.querySelectorAll('tbody td')[i]?.classList.add('marked');
        return;
      }
      const rows = Math.ceil(outDims[0] / cols);
      this.mark('output', { y0: Math.floor(i / cols), x0: i % cols, y1: Math.floor(i / cols), x1: i % cols, kind: markKind }, rows, cols);
    },
    clearMarks() {
      for (const td of panel.querySelectorAll('td.marked')) td.classList.remove('marked');
      for (const m of panel.querySelectorAll('.marks')) m.replaceChildren();
    },
  };
}
