// A small SVG line chart: one series of y values at x = 0, 1, 2, … drawn as a polyline over a fixed
// x range, with both axes ticked and labelled and optional dashed reference lines (e.g. "guessing").
// Knows nothing of the engine or the page: it is handed its <svg> and redraws it from scratch.
// Layout (SVG user units = CSS pixels; the width follows the element's on-screen width):
//   left margin: y ticks and the rotated y label; bottom margin: x ticks and the x label.

const SVG_NS = 'http://www.w3.org/2000/svg';
const MARGIN = Object.freeze({ top: 10, right: 14, bottom: 40, left: 52 });
const MIN_WIDTH = 220;

function el(doc, name, attributes = {}, text) {
  const node = doc.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// A "nice" step (1, 2 or 5 × 10^k) giving about `count` ticks over span.
export function niceStep(span, count = 4) {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

// lo … hi in steps of step (inclusive, no float drift in the labels).
function ticks(lo, hi, step) {
  const out = [];
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toFixed(digits)));
  return out;
}

// svg: an <svg> element; options:
//   values   y values, one per x = 0, 1, …          xMax: the x range is [0, xMax]
//   yDomain  [lo, hi]                               xLabel, yLabel: axis titles
//   yFormat  y tick text (default: the number)      references: [{y, label}] dashed lines
//   height   in CSS pixels (default 180)            description: the chart's accessible name
//   width    in CSS pixels (default: the element's; pass a known width to spare a layout pass)
export function renderLineChart(svg, {
  values, xMax, yDomain, xLabel, yLabel, yFormat = String, references = [], height = 180, width: known, description,
}) {
  const doc = svg.ownerDocument;
  const width = Math.max(MIN_WIDTH, Math.round(known || svg.clientWidth || 320));
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const [lo, hi] = yDomain;
  const x = (i) => MARGIN.left + (i / (xMax || 1)) * plotW;
  const y = (v) => MARGIN.top + (1 - (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1)) * plotH;

  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'img');
  if (description) svg.setAttribute('aria-label', description);
  svg.classList.add('line-chart');

  const parts = [];
  const grid = el(doc, 'g', { class: 'chart-grid' });
  const yAxis = el(doc, 'g', { class: 'chart-axis' });
  for (const t of ticks(lo, hi, niceStep(hi - lo))) {
    grid.append(el(doc, 'line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: y(t), y2: y(t) }));
    yAxis.append(el(doc, 'text', { x: MARGIN.left - 6, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, yFormat(t)));
  }
  const xAxis = el(doc, 'g', { class: 'chart-axis' });
  for (const t of ticks(0, xMax, niceStep(xMax, plotW < 260 ? 3 : 5))) {
    xAxis.append(el(doc, 'line', { x1: x(t), x2: x(t), y1: MARGIN.top + plotH, y2: MARGIN.top + plotH + 4 }));
    xAxis.append(el(doc, 'text', { x: x(t), y: MARGIN.top + plotH + 16, 'text-anchor': 'middle' }, String(t)));
  }
  parts.push(grid, yAxis, xAxis);
  parts.push(el(doc, 'line', { class: 'chart-frame', x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: MARGIN.top + plotH }));
  parts.push(el(doc, 'line', { class: 'chart-frame', x1: MARGIN.left, x2: width - MARGIN.right, y1: MARGIN.top + plotH, y2: MARGIN.top + plotH }));

  for (const ref of references) {
    if (!(ref.y >= lo && ref.y <= hi)) continue;
    parts.push(el(doc, 'line', { class: 'chart-reference', x1: MARGIN.left, x2: width - MARGIN.right, y1: y(ref.y), y2: y(ref.y) }));
    parts.push(el(doc, 'text', { class: 'chart-reference-label', x: width - MARGIN.right - 4, y: y(ref.y) - 4, 'text-anchor': 'end' }, ref.label));
  }

  if (values.length) {
    const points = Array.from(values, (v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(el(doc, 'polyline', { class: 'chart-line', points }));
    const last = values.length - 1;
    parts.push(el(doc, 'circle', { class: 'chart-dot', cx: x(last), cy: y(values[last]), r: 3.5 }));
  }

  parts.push(el(doc, 'text', { class: 'chart-label', x: MARGIN.left + plotW / 2, y: height - 6, 'text-anchor': 'middle' }, xLabel));
  parts.push(el(doc, 'text', {
    class: 'chart-label', x: 0, y: 0, 'text-anchor': 'middle',
    transform: `translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)`,
  }, yLabel));
  svg.replaceChildren(...parts);
}
