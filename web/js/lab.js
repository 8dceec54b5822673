// Jet lab page (web/lab.html): W/Z vs QCD jet images, a network trained in the browser, and what
// physicists read off it. The engine lives in a module worker (lab/train-worker.js, spoken to
// through worker-rpc.js): it generates the jets, trains, scores the test jets and runs single jets
// through a model; this module only draws what it sends, so the page never freezes. The only lab
// module that touches document.
// For tests: body[data-ready]; #run carries data-state (idle|running|stopped|done), data-step,
// data-steps, data-net, data-auc (the last run's ROC AUC from cs.rocAuc), data-train-ms;
// #view-summary[data-auc] the model shown; #feature-maps[data-example] the jet drawn there.

import { chooseEngine, ENGINE_KINDS } from './engine.js';
import { startWorker } from './worker-rpc.js';
import { $, errorText, failPage, fmtInt, keepOffline, markReady, showEngineKind, showError } from './page.js';
import { CLASS_NAMES, DATA, JET_PIXELS, NETS, TRAINING } from './lab/settings.js';
import { drawJet, renderJetLegend } from './lab/jet-image.js';
import { renderChartLegend, renderXyChart } from './lab/xy-chart.js';
import { CURVES, renderTrainingCurves } from './lab/training-curves.js';
import { rejectionCurve } from './lab/roc.js';
import { renderFilters } from './lab/filters-view.js';
import { renderFeatureMaps } from './lab/feature-maps.js';
import { compareNote, provenance, renderCompareTable, resultName, ROW_ORDER } from './lab/compare-table.js';
import { downloadBytes } from './lab/download.js';

const BASE = document.baseURI;
const TITLES = Object.fromEntries(Object.entries(NETS).map(([k, v]) => [k, v.title]));

const state = {
  worker: null, stop: null, ready: false, examples: null, results: new Map(), view: null, example: null,
  run: null,  // {net, from, epochs, perEpoch, loss: [[x, y]], accuracy, testLoss, testAccuracy}
  chartTimer: 0,
};

// ---- 1. The jets

function drawExamples({ images, labels }) {
  for (const c of [0, 1]) $(`#examples-${c}`).replaceChildren();
  labels.forEach((label, k) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'jet';
    button.dataset.example = String(k);
    button.setAttribute('aria-label', `${CLASS_NAMES[label]} jet ${k + 1}: show its feature maps`);
    const canvas = document.createElement('canvas');
    drawJet(canvas, images.subarray(k * JET_PIXELS, (k + 1) * JET_PIXELS));
    button.append(canvas);
    $(`#examples-${label}`).append(button);
  });
}

// averages [QCD, W/Z]: over the first test jets (the first screen), then over all of them
// (refreshAverages), counts[c] of class c
function drawAverages(averages, counts) {
  averages.forEach((image, c) => {
    const canvas = $(`#average-${c}`);
    drawJet(canvas, image);
    canvas.closest('figure').querySelector('.avg-count').textContent = fmtInt(counts[c]);
  });
  renderJetLegend($('#jet-legend'));
}

// The averages again over the whole test set, once the worker has generated it.
const refreshAverages = () => state.worker.request('averages').then((m) => drawAverages(m.averages, m.averageCounts))
  .catch((e) => showError(errorText(e)));

// ---- 2. Training

// Training curves are redrawn at most every CHART_MS (progress arrives every ~50 ms; redrawing
// that often would only cost the page its smoothness).
const CHART_MS = 250;
function scheduleCharts() {
  if (state.chartTimer) return;
  state.chartTimer = setTimeout(() => {
    state.chartTimer = 0;
    requestAnimationFrame(drawTrainingCharts);
  }, CHART_MS);
}

// Charts are drawn at their on-screen width, kept here from a ResizeObserver: reading
// svg.clientWidth while drawing would force a layout of the whole page on every redraw.
const chartWidth = new Map();
const chart = (selector, options) => {
  const svg = $(selector);
  renderXyChart(svg, { ...options, width: chartWidth.get(svg) });
};

const drawTrainingCharts = () => renderTrainingCurves({ loss: $('#loss-chart'), accuracy: $('#accuracy-chart') }, chartWidth, state.run);

// At the end of a run the curves are drawn at once, so that "Done" never shows last epoch's
// test point still missing (a short run ends within one CHART_MS).
function drawChartsNow() {
  clearTimeout(state.chartTimer);
  state.chartTimer = 0;
  drawTrainingCharts();
}

const choice = (name) => document.querySelector(`input[name="${name}"]:checked`).value;

function describeSettings() {
  const net = choice('net'), from = choice('from');
  const { epochs, batch, learningRate } = TRAINING[net][from];
  $('#settings').textContent = `${fmtInt(DATA.trainCount)} training jets · ${epochs} epoch${epochs > 1 ? 's' : ''} · ` +
    `batch ${batch} · Adam, learning rate up to ${learningRate} · ${fmtInt(DATA.testCount)} test jets`;
}

function setRunning(running) {
  $('#train-button').disabled = running || !state.ready;
  $('#stop-button').disabled = !running;
  for (const input of document.querySelectorAll('.controls input')) input.disabled = running;
}

function startTraining() {
  const net = choice('net'), from = choice('from');
  const { epochs } = TRAINING[net][from];
  state.run = { net, from, epochs, perEpoch: 1, loss: [], accuracy: [], testLoss: [], testAccuracy: [], t0: performance.now() };
  Object.assign($('#run').dataset, { state: 'running', net, step: '0', steps: '', auc: '' });
  $('#train').dataset.net = net;  // the curves take the network's colour
  $('#run').textContent = `Training the ${TITLES[net]}…`;
  $('#train-progress').value = 0;
  setRunning(true);
  drawTrainingCharts();
  const stop = new AbortController();
  state.stop = stop;
  const events = (m) => (m.type === 'epoch' ? onEpoch(m) : onProgress(m));
  state.worker.request('train', { net, from }, { onProgress: events, signal: stop.signal }).then(onResult, onTrainingError)
    .catch((e) => showError(`Showing the result failed: ${e.message}`));
}

function onProgress(m) {
  const run = state.run;
  run.perEpoch = m.perEpoch;
  Object.assign($('#run').dataset, { step: String(m.step), steps: String(m.steps), trainMs: String(Math.round(m.trainMs ?? 0)) });
  $('#train-progress').value = m.step / m.steps;
  if (m.loss !== undefined) {
    const x = m.step / m.perEpoch;
    run.loss.push([x, m.loss]);
    run.accuracy.push([x, 100 * m.accuracy]);
    $('#run').textContent = `Step ${fmtInt(m.step)} of ${fmtInt(m.steps)} · epoch ${Math.min(m.epochs, Math.floor(x) + 1)} of ${m.epochs} · ` +
      `loss ${m.loss.toFixed(3)} · accuracy ${(100 * m.accuracy).toFixed(1)} % · ${(m.trainMs / 1000).toFixed(1)} s`;
  }
  scheduleCharts();
}

function onEpoch(m) {
  state.run.testLoss.push([m.epoch, m.loss]);
  state.run.testAccuracy.push([m.epoch, 100 * m.accuracy]);
  scheduleCharts();
}

function stopTraining() {
  $('#stop-button').disabled = true;
  $('#run').textContent = 'Stopping… (scoring the test jets with the weights so far)';
  state.stop.abort();
}

// ---- 3. Results: ROC curves, the model in view, its filters; 5. the comparison

function onResult(r) {
  state.results.set(r.key, r);
  if (r.source === 'trained') {
    drawChartsNow();
    const run = $('#run');
    const wallMs = performance.now() - state.run.t0;  // from the click: what the student waited
    Object.assign(run.dataset, { state: r.stopped ? 'stopped' : 'done', auc: String(r.auc), trainMs: String(Math.round(r.trainMs)), wallMs: String(Math.round(wallMs)) });
    run.textContent = `${r.stopped ? 'Stopped' : 'Done'}: ${fmtInt(r.step)} steps in ${(wallMs / 1000).toFixed(1)} s ` +
      `(${(r.trainMs / 1000).toFixed(1)} s of them training) · test ROC AUC ${r.auc.toFixed(3)} · ` +
      `background rejection at 50 % signal efficiency: ${formatRejection(r.rejection50)}`;
    setRunning(false);
    state.view = r.key;
  } else if (!state.view || (state.view === 'shipped-dnn' && r.key === 'shipped-cnn')) {
    state.view = r.key;
  }
  drawResults();
  if (state.view === r.key) retrace();
}

const formatRejection = (v) => (Number.isFinite(v) ? v.toFixed(1) : '∞');

function drawResults() {
  const keys = ROW_ORDER.filter((k) => state.results.has(k));
  const series = keys.map((k) => ({ key: k, className: k, label: `${resultName(state.results.get(k))} · AUC ${state.results.get(k).auc.toFixed(3)}` }));
  const roc = (k) => state.results.get(k).roc;
  chart('#roc-chart', {
    series: [...series.map((s) => ({ ...s, points: roc(s.key).background.map((b, i) => [b, roc(s.key).signal[i]]) })),
      { className: 'guess', points: [[0, 0], [1, 1]] }],
    xDomain: [0, 1], yDomain: [0, 1], xLabel: 'background efficiency ε_B (QCD kept)', yLabel: 'signal efficiency ε_S',
    description: `ROC curves: ${series.map((s) => s.label).join('; ')}`,
  });
  const marks = state.view && Number.isFinite(state.results.get(state.view).rejection50)
    ? [{ x: 0.5, y: state.results.get(state.view).rejection50, label: `1/ε_B = ${formatRejection(state.results.get(state.view).rejection50)}` }] : [];
  chart('#rejection-chart', {
    series: [...series.map((s) => ({ ...s, points: rejectionCurve(roc(s.key)) })),
      { className: 'guess', points: Array.from({ length: 21 }, (_, i) => [0.05 + i * 0.0475, 1 / (0.05 + i * 0.0475)]) }],
    xDomain: [0, 1], yDomain: [1, 1000], yLog: true, xLabel: 'signal efficiency ε_S (W/Z kept)', yLabel: 'rejection 1/ε_B',
    marks, description: 'Background rejection against signal efficiency, log scale',
  });
  renderChartLegend($('#roc-legend'), [...series, { className: 'guess', label: 'guessing' }]);

  const select = $('#view-model');
  select.replaceChildren(...keys.map((k) => new Option(resultName(state.results.get(k)), k, false, k === state.view)));
  drawView();
  renderCompareTable($('#compare-body'), state.results, TITLES);
  $('#compare-note').textContent = compareNote(state.results, DATA.trainCount);
}

function drawView() {
  const r = state.results.get(state.view);
  if (!r) return;
  const summary = $('#view-summary');
  summary.dataset.auc = String(r.auc);
  summary.dataset.key = state.view;
  summary.textContent = `${fmtInt(r.parameterCount)} parameters · ROC AUC ${r.auc.toFixed(3)} · rejection at 50 % signal efficiency: ` +
    `${formatRejection(r.rejection50)} · ${provenance(r)}`;
  $('#download-button').disabled = !r.bytes;
  renderFilters($('#filters'), $('#filters-legend'), r.filters);
}

// The clicked jet again, through the model now shown (after a new result or another choice).
function retrace() {
  if (state.example !== null && state.view) trace(state.view, state.example);
}

const trace = (source, example) => state.worker.request('trace', { source, example }).then(showTrace).catch((e) => showError(errorText(e)));

// ---- 4. One jet through the network

function showTrace(m) {
  if (m.source !== state.view || m.example !== state.example) return;  // an answer to an older click
  const r = state.results.get(m.source);
  const k = m.example;
  const container = $('#feature-maps');
  renderFeatureMaps(container, state.examples.images.subarray(k * JET_PIXELS, (k + 1) * JET_PIXELS), m.layers, CLASS_NAMES);
  container.dataset.example = String(k);
  container.dataset.source = m.source;
  const label = CLASS_NAMES[state.examples.labels[k]];
  const p = m.layers.at(-1).data[1];
  $('#inside-note').textContent = `A ${label} jet through the ${resultName(r)} (${fmtInt(r.parameterCount)} parameters): ` +
    `P(W/Z) = ${p.toFixed(3)}. Orange = positive, blue = negative; each layer has its own colour range.`;
}

function pickJet(k) {
  state.example = k;
  for (const b of document.querySelectorAll('button.jet')) b.setAttribute('aria-pressed', String(b.dataset.example === String(k)));
  if (state.view) trace(state.view, k);
  $('#inside').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

// ---- Wiring

// A run that failed is over: say so, free the buttons.
function onTrainingError(e) {
  showError(errorText(e));
  $('#run').dataset.state = 'idle';
  $('#run').textContent = 'Training failed (see the message above).';
  setRunning(false);
}

function onReady(m) {
  state.examples = m.examples;
  drawExamples(m.examples);
  drawAverages(m.averages, m.averageCounts);
  $('#test-count').textContent = fmtInt(m.testCount);
  loadShipped();  // asked for before Train can be clicked: a Train waits for the shipped files
  refreshAverages();
  state.ready = true;
  setRunning(false);
  markReady();
  keepOffline(BASE);
}

// The shipped models, once the first screen is drawn (the worker scores them after the rest of
// the test jets): each result as it is scored; a file that failed is said once both are done.
async function loadShipped() {
  const urls = Object.fromEntries(Object.entries(NETS).map(([k, v]) => [k, new URL(v.file, BASE).href]));
  try {
    const { errors } = await state.worker.request('shipped', { urls }, { onProgress: onResult });
    if (errors.length) showError(errors.join(' '));
  } catch (e) {
    showError(errorText(e));
  }
}

function wire() {
  $('#train-button').addEventListener('click', startTraining);
  $('#stop-button').addEventListener('click', stopTraining);
  for (const input of document.querySelectorAll('.controls input')) input.addEventListener('change', describeSettings);
  for (const c of [0, 1]) {
    $(`#examples-${c}`).addEventListener('click', (e) => {
      const button = e.target.closest('button.jet');
      if (button) pickJet(Number(button.dataset.example));
    });
  }
  $('#view-model').addEventListener('change', (e) => {
    state.view = e.target.value;
    drawResults();
    retrace();
  });
  $('#download-button').addEventListener('click', () => {
    const r = state.results.get(state.view);
    if (r?.bytes) downloadBytes(document, r.bytes, `jet-${r.net}-${r.source === 'shipped' ? 'shipped' : 'lab'}.safetensors`);
  });
  const observer = new ResizeObserver((entries) => {
    let changed = false;
    for (const { target, contentRect } of entries) {
      const width = Math.round(contentRect.width);
      changed ||= width > 0 && width !== chartWidth.get(target);
      chartWidth.set(target, width);
    }
    if (!changed) return;
    drawTrainingCharts();
    if (state.results.size) drawResults();
  });
  for (const svg of document.querySelectorAll('svg.xy-chart, .chart-card svg')) observer.observe(svg);
}

function main() {
  try {
    describeSettings();
    renderChartLegend($('#curve-legend'), CURVES);
    wire();
    showEngineKind(ENGINE_KINDS[chooseEngine()]);
    $('#status').textContent = 'Loading the engine and generating the jets…';
    state.worker = startWorker('./js/lab/train-worker.js', BASE, { name: 'training worker', onError: (e) => showError(e.message) });
    state.worker.request('init').then(onReady).catch((e) => failPage(`The jet lab could not start: ${e.message}`));
  } catch (e) {
    failPage(errorText(e));
  }
}

main();
