// The network overview (#overview), CNN Explainer's idea: the whole network in one view, each
// layer a column of small maps (its output channels; a vector layer one strip), the shapes
// between columns, and for a selected map the lines to the maps it is computed from: every map
// of the layer before for a convolution or a dense layer (each output channel sums over all input
// channels), the same channel for ReLU and pooling (channel by channel). Clicking a map selects
// it and scrolls to its layer's panel, where the page picks the same map. On a narrow screen the
// columns scroll sideways (the hint says so).
// Lines are <line data-from-layer data-from-channel> in an SVG over the columns, for tests.
// Handed its section and {geometry(), inputValues(), trace(), onPick(layerIndex, channel)}.

import { el } from '../../render/dom.js';
import { drawMap, drawVector } from '../../render/heatmap.js';
import { domainOf, scaleFor, valueKind } from '../../colors.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const MAX_MAPS = 32;  // maps drawn per column; more are summarised

const dimsText = (d) => d.join('×');
// Which channels of the column before feed channel c of a layer of this type (null: all of them).
const sources = (type, c) => (type === 'conv2d' || type === 'dense' || type === 'flatten' ? null : [c]);

// section: #overview; page: {geometry() → the engine's layer descriptions [{name, type, inDims, outDims}],
// inputValues() → the model input shown, trace() → the last forward pass or null, onPick(layer, channel)}.
export function createOverview(section, page) {
  const columnsBox = section.querySelector('.ov-columns');
  const svg = section.querySelector('.ov-lines');
  let columns = [], selected = null, builtFor = null;

  // Column -1 is the input; column i ≥ 0 is layer i.
  function build(geoms) {
    columnsBox.replaceChildren();
    const input = { name: 'input', type: 'input', outDims: geoms[0]?.inDims ?? [] };
    columns = [input, ...geoms].map((g, k) => {
      const col = el(columnsBox, 'div', 'ov-column');
      col.dataset.layerIndex = String(k - 1);
      col.dataset.overviewLayer = g.name;  // not data-layer: that names the layer panels
      el(col, 'p', 'ov-name', g.name);
      el(col, 'p', 'ov-shape', dimsText(g.outDims));
      const maps = el(col, 'div', 'ov-maps');
      const spatial = g.outDims.length === 3;
      const count = spatial ? Math.min(g.outDims[0], MAX_MAPS) : 1;
      const buttons = Array.from({ length: count }, (_, c) => {
        const b = el(maps, 'button', spatial ? 'ov-map' : 'ov-map ov-vector');
        b.type = 'button';
        Object.assign(b.dataset, { layerIndex: String(k - 1), channel: String(c) });
        b.setAttribute('aria-label', spatial ? `${g.name}, map ${c} of ${g.outDims[0]}` : `${g.name}: ${g.outDims[0]} values`);
        el(b, 'canvas');
        return b;
      });
      if (spatial && g.outDims[0] > MAX_MAPS) el(col, 'p', 'ov-more', `+${g.outDims[0] - MAX_MAPS} more`);
      return { geom: g, col, buttons, spatial };
    });
  }

  function draw(trace, geoms) {
    columns.forEach(({ geom, buttons, spatial }, k) => {
      const data = k === 0 ? page.inputValues() : trace?.layers[k - 1]?.data;
      if (!data) return;
      const kind = valueKind(geoms, k - 1);
      const scale = scaleFor(kind);
      const domain = domainOf(data, scale, kind);
      if (spatial) {
        const [, h, w] = geom.outDims;
        buttons.forEach((b, c) => drawMap(b.firstChild, data, c * h * w, h, w, scale, domain));
      } else {
        drawVector(buttons[0].firstChild, data, 1, scale, domain);
      }
    });
  }

  // Lines from the selected map to the maps it is computed from (the column before).
  function drawLines() {
    svg.replaceChildren();
    section.querySelectorAll('.ov-map[aria-pressed="true"]').forEach((b) => b.setAttribute('aria-pressed', 'false'));
    if (!selected) return;
    const { k, c } = selected;
    const to = columns[k]?.buttons[c];
    if (!to || k === 0) return;
    to.setAttribute('aria-pressed', 'true');
    const before = columns[k - 1];
    const from = sources(columns[k].geom.type, c) ?? before.buttons.map((_, i) => i);
    const box = columnsBox.getBoundingClientRect();
    svg.setAttribute('width', String(columnsBox.scrollWidth));
    svg.setAttribute('height', String(columnsBox.scrollHeight));
    const anchor = (b, side) => {
      const r = b.getBoundingClientRect();
      return [side === 'right' ? r.right - box.left : r.left - box.left, r.top + r.height / 2 - box.top];
    };
    const [x2, y2] = anchor(to, 'left');
    for (const i of from) {
      const b = before.buttons[i];
      if (!b) continue;
      const [x1, y1] = anchor(b, 'right');
      const line = section.ownerDocument.createElementNS(SVG_NS, 'line');
      Object.entries({ x1, y1, x2, y2 }).forEach(([key, v]) => line.setAttribute(key, v.toFixed(1)));
      line.dataset.fromLayer = before.geom.name;
      line.dataset.fromChannel = String(i);
      svg.append(line);
    }
    section.querySelector('.ov-selection').textContent = `${columns[k].geom.name} map ${c} (${dimsText(columns[k].geom.outDims)}) is computed from ` +
      `${from.length === 1 ? `map ${from[0]}` : `all ${from.length} maps`} of ${before.geom.name}.`;
  }

  columnsBox.addEventListener('click', (e) => {
    const b = e.target.closest('.ov-map');
    if (!b) return;
    const k = Number(b.dataset.layerIndex) + 1, c = Number(b.dataset.channel);
    selected = { k, c };
    drawLines();
    if (k > 0) page.onPick(k - 1, columns[k].spatial ? c : undefined);
  });
  new ResizeObserver(() => drawLines()).observe(columnsBox);

  return {
    update() {
      const geoms = page.geometry();
      if (builtFor !== geoms) {
        build(geoms);
        builtFor = geoms;
        selected = null;
      }
      draw(page.trace(), geoms);
      drawLines();
    },
  };
}
