// The sliding window, drawn from the engine's "taps" trace (lesson/models.js tapsModel):
// the (padded) input with the K×K window outlined, the filter, the K·K element-wise products,
// "sum of products = dot product", "dot product + bias = value", and the feature map with the
// current cell ringed (optionally filling in: cells after it are pending).
// Handed its elements; every number it shows is read from the trace.

import { renderGrid, renderLegend } from '../render/grid.js';
import { channel } from './trace.js';
import { TAP_DOT, TAP_VALUE } from './models.js';
import { markCurrent, markPadding, markWindow } from './cells.js';

// Typographic minus for prose; negative terms in parentheses inside sums.
export function formatProse(v) {
  const s = Number.isInteger(v) ? String(v) : String(Number(v.toFixed(3)));
  return s.replace('-', '\u2212');
}
const term = (v) => (v < 0 ? `(${formatProse(v)})` : formatProse(v));

function show(el, value) {
  if (!el) return;
  el.textContent = formatProse(value);
  el.dataset.value = String(value);
}

function grid(table, legend, matrix, options) {
  const mapping = renderGrid(table, matrix, options);
  if (legend) renderLegend(legend, mapping);
  return mapping;
}

// els: {window, filter?, products, map, sum?, dot, bias?, value, legends: {window, products, map}}
// data: {padded [Hp][Wp], padding, stride, filter [K][K], bias, taps (trace layer [K·K+2, OH, OW])}
// step: index in reading order over the OH×OW positions. → {row, col, top, left, rows, cols}
export function renderWindowView(els, data, step, { fillIn = false, names = {} } = {}) {
  const { padded, padding, stride, filter, bias, taps } = data;
  const k = filter.length;
  const [, rows, cols] = taps.shape;
  const row = Math.floor(step / cols);
  const col = step % cols;
  const top = row * stride;
  const left = col * stride;
  const legends = els.legends ?? {};

  grid(els.window, legends.window, padded, { name: names.window, colorScale: 'grey' });
  markPadding(els.window, padding);
  markWindow(els.window, top, left, k);

  if (els.filter) grid(els.filter, legends.filter, filter, { name: names.filter, colorScale: 'diverging' });

  const products = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => channel(taps, i * k + j)[row][col]));
  grid(els.products, legends.products, products, { name: names.products, colorScale: 'diverging' });

  const dot = channel(taps, TAP_DOT)[row][col];
  const map = channel(taps, TAP_VALUE);
  const value = map[row][col];
  if (els.sum) {
    els.sum.textContent = `${products.flat().map(term).join(' + ')} = ${formatProse(dot)}`;
    els.sum.dataset.value = String(dot);
  }
  show(els.dot, dot);
  show(els.bias, bias);
  show(els.value, value);

  grid(els.map, legends.map, map, { name: names.map, colorScale: 'diverging' });
  markCurrent(els.map, row, col, { pendingAfter: fillIn });
  return { row, col, top, left, rows, cols };
}
