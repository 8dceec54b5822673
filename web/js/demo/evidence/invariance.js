// The invariance explorer (#invariance): the reader's digit, after the MNIST-style preprocessing
// (or with the centring switched off: the ink where it was drawn), shifted, rotated, scaled and
// thickened by the engine. Sliders (range inputs: arrow keys work) set the current transform,
// whose picture is drawn with both models' answers; for each transform a chart shows the
// probability of the digit's class against the amount, for the CNN and the DNN: the engine makes
// the whole sweep (SWEEP_POINTS variants, the other transforms at their slider values) in one
// call, and each model scores it in one predictBatch. One batch per task, so a sweep never
// blocks the pad for long; a change while a sweep runs restarts it.
// Each chart's figure carries data-axis, data-amounts and data-cnn / data-dnn (JSON) for tests.

import { el } from '../../render/dom.js';
import { drawMap } from '../../render/heatmap.js';
import { renderLegend } from '../../render/grid.js';
import { renderChartLegend, renderXyChart } from '../../lab/xy-chart.js';

export const SWEEP_POINTS = 41;
export const AXES = Object.freeze([
  { key: 'shift-x', prop: 'shiftX', label: 'Shift right', min: -8, max: 8, step: 0.5, rest: 0, unit: ' px' },
  { key: 'shift-y', prop: 'shiftY', label: 'Shift down', min: -8, max: 8, step: 0.5, rest: 0, unit: ' px' },
  { key: 'rotation', prop: 'rotation', label: 'Rotate clockwise', min: -45, max: 45, step: 1, rest: 0, unit: '°' },
  { key: 'scale', prop: 'scale', label: 'Scale', min: 0.6, max: 1.4, step: 0.02, rest: 1, unit: '×' },
  { key: 'thickness', prop: 'thickness', label: 'Stroke thicker (+) or thinner (−)', min: -2, max: 2, step: 0.1, rest: 0, unit: ' passes' },
]);
const MODELS = [{ key: 'cnn', className: 'cnn' }, { key: 'dnn', className: 'dnn' }];

const yieldToPage = () => new Promise((resolve) => setTimeout(resolve, 0));
const argmax = (p) => p.reduce((best, v, i) => (v > p[best] ? i : best), 0);
const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;

// section: #invariance; page: {cs, models() → Map key → {model, title}, source() → {picture
// (Float32Array(784) or null), ink ({pixels, width, height} or null), label (known class or null)}}.
export function createInvariance(section, page) {
  const $ = (s) => section.querySelector(s);
  const controls = $('.inv-controls'), charts = $('.inv-charts'), summary = $('#invariance-summary');
  const canvas = $('#invariance-input'), answers = $('#invariance-answers'), error = $('#invariance-error');
  const centring = $('#invariance-centring');
  const sliders = new Map(), figures = new Map();
  let job = 0;

  for (const axis of AXES) {
    const row = el(controls, 'div', 'inv-slider');
    const label = el(row, 'label', '', axis.label);
    label.htmlFor = `invariance-${axis.key}`;
    const input = el(row, 'input');
    Object.assign(input, { type: 'range', id: `invariance-${axis.key}`, min: axis.min, max: axis.max, step: axis.step, value: axis.rest });
    const output = el(row, 'output', 'inv-value');
    output.htmlFor = input.id;
    sliders.set(axis.key, { input, output });
    const figure = el(charts, 'figure', 'inv-chart');
    figure.dataset.axis = axis.key;
    const svg = section.ownerDocument.createElementNS('http://www.w3.org/2000/svg', 'svg');
    figure.append(svg);
    el(figure, 'figcaption', '', `${axis.label}: probability of the digit's class`);
    figures.set(axis.key, { figure, svg });
  }
  renderChartLegend($('.inv-legend'), [
    { className: 'cnn', label: 'CNN' }, { className: 'dnn', label: 'DNN 784-30-10' }, { className: 'now', label: 'the sliders now' },
  ]);
  renderLegend($('#invariance-input-legend'), { scale: 'grey', domain: [0, 1] });

  const transform = () => Object.fromEntries(AXES.map((a) => [a.prop, Number(sliders.get(a.key).input.value)]));
  const showValues = () => AXES.forEach((a) => {
    const { input, output } = sliders.get(a.key);
    output.textContent = `${Number(input.value).toFixed(a.step < 0.1 ? 2 : a.step < 1 ? 1 : 0)}${a.unit}`;
  });

  function showError(message) {
    Object.assign(error, { textContent: message, hidden: false }).setAttribute('role', 'alert');
  }

  // The picture the transforms start from, or null when nothing is drawn.
  function basePicture() {
    const { picture, ink } = page.source();
    if (!picture) return null;
    if (centring.checked || !ink) return picture;
    return page.cs.preprocessAsDrawn(ink.pixels, ink.width, ink.height);
  }

  async function recompute() {
    const id = ++job;
    showValues();
    const models = MODELS.map((m) => ({ ...m, loaded: page.models().get(m.key) })).filter((m) => m.loaded);
    let base, t, cls;
    try {
      base = basePicture();
      if (!base) {
        section.dataset.state = 'empty';
        summary.textContent = 'Draw a digit (or pick one) to see how each network copes when it moves.';
        return;
      }
      t = transform();
      const shown = page.cs.transformImage(base, 28, 28, t);
      drawMap(canvas, shown, 0, 28, 28, 'grey', [0, 1]);
      const known = page.source().label;
      cls = known ?? argmax(models[0].loaded.model.predict(base));
      section.dataset.class = String(cls);
      answers.replaceChildren(...models.map(({ loaded }) => {
        const p = loaded.model.predict(shown);
        const li = section.ownerDocument.createElement('li');
        li.textContent = `${loaded.title}: ${loaded.labels[argmax(p)]} (P(${cls}) = ${(p[cls] * 100).toFixed(1)}%)`;
        return li;
      }));
      error.hidden = true;
      error.removeAttribute('role');
    } catch (e) {
      showError(`The invariance explorer could not run: ${e.message}`);
      return;
    }
    section.dataset.state = 'running';
    const means = {};
    for (const axis of AXES) {
      await yieldToPage();
      if (id !== job) return;
      const { figure, svg } = figures.get(axis.key);
      let sweep;
      try {
        sweep = page.cs.transformSweep(base, 28, 28, t, axis.key, SWEEP_POINTS);
      } catch (e) {
        showError(`The ${axis.label.toLowerCase()} sweep failed: ${e.message}`);
        return;
      }
      const amounts = Array.from(sweep.amounts);
      const series = [];
      for (const { key, className, loaded } of models) {  // one model's batch per task
        if (series.length) await yieldToPage();
        if (id !== job) return;
        const probs = loaded.model.predictBatch(sweep.images, SWEEP_POINTS);
        const curve = amounts.map((_, i) => probs[i * loaded.labels.length + cls]);
        figure.dataset[key] = JSON.stringify(curve);
        (means[key] ??= {})[axis.key] = mean(curve);
        series.push({ points: amounts.map((x, i) => [x, curve[i]]), className });
      }
      figure.dataset.amounts = JSON.stringify(amounts);
      const now = t[axis.prop];
      renderXyChart(svg, {
        series: [...series, { points: [[now, 0], [now, 1]], className: 'now' }],
        xDomain: [axis.min, axis.max], yDomain: [0, 1], height: 170, width: figure.clientWidth || 260,
        xLabel: `${axis.label}${axis.unit}`, yLabel: `P(${cls})`, yFormat: (v) => `${Math.round(v * 100)}%`,
        description: `${axis.label}: ${series.map((s, k) => `${models[k].loaded.title} keeps ${(means[models[k].key][axis.key] * 100).toFixed(0)}% on average`).join(', ')}`,
      });
    }
    section.dataset.state = 'done';
    summary.textContent = summarize(means, cls);
  }

  // What the curves show, in words, and honestly when the DNN does as well or better.
  function summarize(means, cls) {
    if (!means.cnn || !means.dnn) return 'Both shipped models are needed for the comparison.';
    const parts = AXES.map((a) => {
      const c = means.cnn[a.key], d = means.dnn[a.key];
      const who = c > d + 0.05 ? 'the CNN holds on better' : d > c + 0.05 ? 'here the DNN holds on better' : 'both do about as well';
      return `${a.label.toLowerCase()}: ${who} (mean P(${cls}) ${(c * 100).toFixed(0)}% vs ${(d * 100).toFixed(0)}%)`;
    });
    const wins = AXES.filter((a) => means.cnn[a.key] > means.dnn[a.key] + 0.05).length;
    const lead = wins >= 3
      ? 'The CNN keeps recognising the digit over more of each range: its filters look at neighbourhoods wherever they are, and pooling forgives small moves.'
      : 'For this digit the curves do not show the CNN clearly more tolerant: neither network was trained on large moves, and a single digit can go either way.';
    return `${lead} Over the whole range of each slider — ${parts.join('; ')}.`;
  }

  let visible = false, dirty = true;
  const request = () => {
    dirty = true;
    if (visible) {
      dirty = false;
      recompute();
    }
  };
  controls.addEventListener('input', request);
  centring.addEventListener('change', request);
  $('#invariance-reset').addEventListener('click', () => {
    AXES.forEach((a) => { sliders.get(a.key).input.value = a.rest; });
    request();
  });
  showValues();
  return {
    update: request,
    // the section came into view (or left it): sweeps run only while it is visible
    setVisible(v) {
      visible = v;
      if (v && dirty) request();
    },
  };
}
