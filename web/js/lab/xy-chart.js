// A small SVG chart of several (x, y) series on numeric axes, linear or logarithmic in y, with a
// legend: the lab's training curves and ROC curves. (render/line-chart.js draws one series over
// x = 0, 1, 2, …; these need real x values, several series and a log axis.) Knows nothing of the
// engine or the page; it is handed its <svg> and redraws it from scratch. Series colours and
// dashes come from CSS classes (lab.css: .series-<class>).
// Layout (SVG user units = CSS pixels): ticks and axis titles in the left and bottom margins.

import { niceStep } from '../render/line-chart.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const MARGIN = Object.freeze({ top: 12, right: 14, bottom: 40, left: 54 });
const MIN_WIDTH = 240;

// text: "_X" writes X as a subscript (ε_S → ε with a lowered S).
function node(doc, name, attributes = {}, text) {
  const n = doc.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attributes)) n.setAttribute(k, String(v));
  if (text === undefined) return n;
  for (const [i, part] of String(text).split(/_(.)/).entries()) {
    if (i % 2 === 0) n.append(part);
    else n.append(node(doc, 'tspan', { 'baseline-shift': 'sub', 'font-size': '80%' }, part));
  }
  return n;
}

function linearTicks(lo, hi, count) {
  const step = niceStep(hi - lo, count);
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toFixed(digits)));
  return out;
}

// Powers of ten in [lo, hi].
function logTicks(lo, hi) {
  const out = [];
  for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

// svg: an <svg>; options:
//   series   [{points: [[x, y], …], className, dots}]   xDomain, yDomain: [lo, hi]
//   yLog     log₁₀ y axis (yDomain > 0)                    xLabel, yLabel: axis titles
//   xFormat, yFormat: tick text                          height (CSS px, default 220)
//   width    CSS px (default: the element's)              description: accessible name
//   marks    [{x, y, label}]: a labelled dot each (e.g. the working point)
export function renderXyChart(svg, {
  series, xDomain, yDomain, yLog = false, xLabel, yLabel, xFormat = String, yFormat = String,
  height = 220, width: known, description, marks = [],
}) {
  const doc = svg.ownerDocument;
  const width = Math.max(MIN_WIDTH, Math.round(known || svg.clientWidth || 360));
  const plotW = width - MARGIN.left - MARGIN.right, plotH = height - MARGIN.top - MARGIN.bottom;
  const [x0, x1] = xDomain;
  const [y0, y1] = yLog ? yDomain.map(Math.log10) : yDomain;
  const clampY = (v) => Math.min(y1, Math.max(y0, yLog ? Math.log10(v) : v));
  const px = (x) => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  const py = (y) => MARGIN.top + (1 - (clampY(y) - y0) / (y1 - y0 || 1)) * plotH;

  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'img');
  if (description) svg.setAttribute('aria-label', description);
  svg.classList.add('xy-chart');

  const grid = node(doc, 'g', { class: 'chart-grid' });
  const axes = node(doc, 'g', { class: 'chart-axis' });
  for (const t of yLog ? logTicks(...yDomain) : linearTicks(y0, y1, 4)) {
    grid.append(node(doc, 'line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: py(t), y2: py(t) }));
    axes.append(node(doc, 'text', { x: MARGIN.left - 6, y: py(t), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, yFormat(t)));
  }
  for (const t of linearTicks(x0, x1, plotW < 280 ? 3 : 5)) {
    axes.append(node(doc, 'line', { x1: px(t), x2: px(t), y1: MARGIN.top + plotH, y2: MARGIN.top + plotH + 4 }));
    axes.append(node(doc, 'text', { x: px(t), y: MARGIN.top + plotH + 16, 'text-anchor': 'middle' }, xFormat(t)));
  }
  const frame = node(doc, 'path', { class: 'chart-frame', d: `M${MARGIN.left},${MARGIN.top}V${MARGIN.top + plotH}H${width - MARGIN.right}` });

  const lines = series.filter((s) => s.points.length).flatMap((s) => [
    node(doc, 'polyline', {
      class: `chart-series series-${s.className}`,
      points: s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' '),
    }),
    ...(s.dots ? s.points.map(([x, y]) => node(doc, 'circle', { class: `chart-dot series-${s.className}`, cx: px(x), cy: py(y), r: 4 })) : []),
  ]);
  const dots = marks.flatMap((m) => [
    node(doc, 'circle', { class: 'chart-mark', cx: px(m.x), cy: py(m.y), r: 3.5 }),
    node(doc, 'text', { class: 'chart-mark-label', x: px(m.x) + 6, y: py(m.y) - 6 }, m.label),
  ]);
  const titles = [
    node(doc, 'text', { class: 'chart-label', x: MARGIN.left + plotW / 2, y: height - 6, 'text-anchor': 'middle' }, xLabel),
    node(doc, 'text', { class: 'chart-label', x: 0, y: 0, 'text-anchor': 'middle', transform: `translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)` }, yLabel),
  ];
  svg.replaceChildren(grid, axes, frame, ...lines, ...dots, ...titles);
}

// A legend for the same series: <li> per series with a swatch of its class.
export function renderChartLegend(list, series) {
  const doc = list.ownerDocument;
  list.replaceChildren(...series.map((s) => {
    const item = doc.createElement('li');
    const swatch = doc.createElement('span');
    swatch.className = `swatch series-${s.className}`;
    item.append(swatch, s.label);
    return item;
  }));
}
