// Lesson page (web/lesson.html): the lecture's CNN, section by section. Loads the engine, keeps the
// state the student edits (image, filter, bias, stride, padding, pooling), and on every change runs
// the models of lesson/models.js through the engine and hands the traces to the section modules.
// The only lesson module that touches document: the others are handed their elements.

import { O_IMAGE, X_IMAGE, ANTI_DIAGONAL_FILTER, LECTURE_BIAS } from './lecture-data.js';
import { buildOxModel, oxShapes, OX_INPUT_SIZE, OX_LABELS } from './ox-model.js';
import { renderGrid, renderLegend } from './render/grid.js';
import { fetchBytes, loadEngine, LOAD_ADVICE } from './engine.js';
import { $, errorText, failPage, hideError, keepOffline, markReady, showAlert, showEngineKind, showError } from './page.js';
import { runModel, channel } from './lesson/trace.js';
import { tapsModel, padModel, oxDenseWeights } from './lesson/models.js';
import { interactiveGrid } from './lesson/cells.js';
import { createFilterEditor } from './lesson/filter-editor.js';
import { createStepper } from './lesson/stepper.js';
import { renderWindowView } from './lesson/window-view.js';
import { renderPipeline } from './lesson/pipeline.js';
import { renderStrides, createPaddingSlide, STRIDES } from './lesson/stride-padding.js';
import { createChannels, RGB_CHANNELS } from './lesson/channels.js';
import { renderDnn, renderToyCnn, renderShippedCnn } from './lesson/params.js';
import { createLearnFilter } from './lesson/learn-filter.js';

const SHIPPED_CNN = './models/mnist-cnn.safetensors';
const POOL_NAMES = { maxpool2d: 'max', avgpool2d: 'average' };

const gridEl = (name) => $(`table[data-grid="${name}"]`);
const legendEl = (name) => $(`[data-legend-for="${name}"]`);
const copy = (matrix) => matrix.map((row) => [...row]);

const state = {
  image: copy(O_IMAGE),
  filter: copy(ANTI_DIAGONAL_FILTER),
  bias: LECTURE_BIAS,
  stride: 1,
  padding: 0,
  pool: 'maxpool2d',
  poolSize: 2,
};

// Section 8's own errors (its training worker): they stay while the other sections are edited.
const showLearnError = (error) => showAlert($('#learn-error'), errorText(error));

function showGrid(name, matrix, options) {
  const mapping = renderGrid(gridEl(name), matrix, { name, ...options });
  const legend = legendEl(name);
  if (legend) renderLegend(legend, mapping);
}

// The sliding-window view of section 2, from the last engine run.
let slide = null;  // {data, cols}
const windowEls = {
  window: gridEl('window-input'),
  filter: gridEl('filter'),
  products: gridEl('products'),
  map: gridEl('feature-map-steps'),
  sum: $('#step-sum'),
  dot: $('#step-dot'),
  bias: $('#step-bias'),
  value: $('#step-value'),
  legends: { window: legendEl('window-input'), filter: legendEl('filter'), products: legendEl('products'), map: legendEl('feature-map-steps') },
};
const WINDOW_NAMES = { window: 'window-input', filter: 'filter', products: 'products', map: 'feature-map-steps' };

let refreshInput = () => {};
let refreshSteps = () => {};
let stepper = null;
let engine = null;

function drawStep(step) {
  renderWindowView(windowEls, slide.data, step, { fillIn: true, names: WINDOW_NAMES });
  refreshSteps();
}

// Pool sizes that fit the feature map: others are disabled; a size that no longer fits falls back.
function fitPool(convSize) {
  const select = $('#pool-size-select');
  let note = '';
  for (const option of select.options) option.disabled = Number(option.value) > convSize;
  if (state.poolSize > convSize) {
    const fits = [...select.options].map((o) => Number(o.value)).filter((k) => k <= convSize);
    const size = Math.max(...fits);
    note = `A ${state.poolSize}×${state.poolSize} pool does not fit the ${convSize}×${convSize} feature map, so the pool is ${size}×${size} now.`;
    state.poolSize = size;
  }
  select.value = String(state.poolSize);
  $('#pool-note').textContent = note;
}

// Runs every model that depends on the state and redraws sections 2–5.
function recompute() {
  const { cs } = engine;
  const { image, filter, bias, stride, padding, pool } = state;
  const size = OX_INPUT_SIZE;
  const input = image.flat();

  const taps = runModel(cs, tapsModel({ filter, bias, stride, padding, height: size, width: size }), input).layers.taps;
  const padded = channel(runModel(cs, padModel({ height: size, width: size, padding }), input).layers.pad);
  fitPool(taps.shape[1]);  // the feature map's size, as the engine made it
  // The dense head needs one weight per pooled value: size it before building the model.
  const [, pooledSize] = oxShapes(cs, { kernel: filter.length, stride, padding, pool, poolSize: state.poolSize }).pooled;
  const denseWeights = oxDenseWeights(pooledSize, pooledSize);
  const main = runModel(cs, buildOxModel(cs, { filter, bias, stride, padding, pool, poolSize: state.poolSize, denseWeights }), input);

  showGrid('input', image, { colorScale: 'grey', domain: [0, 1] });
  refreshInput();

  slide = { data: { padded, padding, stride, filter, bias, taps }, cols: taps.shape[2] };
  stepper.setCount(taps.shape[1] * taps.shape[2]);
  drawStep(stepper.step);

  renderPipeline({
    grids: {
      featureMap: gridEl('feature-map'), relu: gridEl('relu'), pooled: gridEl('pooled'),
      flatten: gridEl('flatten'), denseWeights: gridEl('dense-weights'), logits: gridEl('logits'),
    },
    legends: {
      featureMap: legendEl('feature-map'), relu: legendEl('relu'), pooled: legendEl('pooled'),
      flatten: legendEl('flatten'), denseWeights: legendEl('dense-weights'), logits: legendEl('logits'),
    },
    probabilities: $('#probabilities'),
    prediction: $('#prediction'),
  }, main, { poolSize: state.poolSize, denseWeights, labels: OX_LABELS });
  const kind = POOL_NAMES[pool];
  $('#pool-title').textContent = `After ${kind} pooling`;
  $('#pool-caption').textContent = `${kind === 'max' ? 'largest' : 'mean'} of each ${state.poolSize}×${state.poolSize} block`;

  renderStrides({
    strides: Object.fromEntries(STRIDES.map((s) => [s, { grid: gridEl(`stride-${s}`), legend: legendEl(`stride-${s}`), formula: $(`#stride-${s}-formula`) }])),
  }, cs, { image, filter, bias, padding });
}

// Applies an edit to the state and recomputes; on an engine error shows it and goes back to the
// last good state (sections 2–4 are redrawn only after all their models have run).
function update(edit) {
  const saved = structuredClone(state);
  edit();
  try {
    recompute();
    hideError();
  } catch (e) {
    Object.assign(state, saved);
    showError(errorText(e));
  }
}

function setupControls() {
  refreshInput = interactiveGrid(gridEl('input'), {
    label: (r, c, td) => `row ${r + 1}, column ${c + 1}: ${td.textContent} (${state.image[r][c] ? 'black' : 'white'}). Flip it.`,
    describedBy: 'input-help',
    onActivate: (r, c) => update(() => { state.image[r][c] = state.image[r][c] ? 0 : 1; }),
  });
  $('#use-o').addEventListener('click', () => update(() => { state.image = copy(O_IMAGE); }));
  $('#use-x').addEventListener('click', () => update(() => { state.image = copy(X_IMAGE); }));
  $('#clear-input').addEventListener('click', () => update(() => { state.image = state.image.map((row) => row.map(() => 0)); }));

  const editor = createFilterEditor($('#filter-editor'), $('#bias-input'), {
    size: state.filter.length,
    onChange: (filter, bias) => update(() => { state.filter = filter; state.bias = bias; }),
  });
  editor.set(state.filter, state.bias);
  $('#reset-filter').addEventListener('click', () => update(() => {
    state.filter = copy(ANTI_DIAGONAL_FILTER);
    state.bias = LECTURE_BIAS;
    editor.set(state.filter, state.bias);
  }));

  $('#stride-select').addEventListener('change', (e) => update(() => { state.stride = Number(e.target.value); }));
  $('#padding-select').addEventListener('change', (e) => update(() => { state.padding = Number(e.target.value); }));
  for (const radio of document.querySelectorAll('input[name="pool-type"]')) {
    radio.addEventListener('change', () => update(() => { state.pool = radio.value; }));
  }
  $('#pool-size-select').addEventListener('change', (e) => update(() => { state.poolSize = Number(e.target.value); }));

  stepper = createStepper({
    previous: $('#step-previous'), play: $('#step-play'), next: $('#step-next'), range: $('#step-range'), status: $('#step-status'),
  }, {
    onStep: (step) => {
      try {
        drawStep(step);
      } catch (e) {
        showError(errorText(e));
      }
    },
    describe: (step, count) => {
      const cols = slide?.cols ?? 1;
      const r = Math.floor(step / cols) + 1;
      const c = (step % cols) + 1;
      return `Position ${step + 1} of ${count}: feature-map row ${r}, column ${c}.`;
    },
  });
  refreshSteps = interactiveGrid(gridEl('feature-map-steps'), {
    label: (r, c, td) => `feature map row ${r + 1}, column ${c + 1}: ${td.textContent}${td.classList.contains('pending') ? ' (not computed yet)' : ''}. Move the filter here.`,
    onActivate: (r, c) => stepper.go(r * slide.cols + c),
  });
}

// Sections that do not depend on the edited state: drawn once. → a Promise settled once section 8
// (trained in a worker) shows its random start.
function drawFixedSections(cs) {
  showGrid('task-o', O_IMAGE, { colorScale: 'grey', domain: [0, 1] });
  showGrid('task-x', X_IMAGE, { colorScale: 'grey', domain: [0, 1] });

  createPaddingSlide({
    view: {
      window: gridEl('padded-input'), filter: gridEl('padding-filter'), products: gridEl('padding-products'),
      map: gridEl('padding-output'), sum: $('#padding-sum'),
      legends: { window: legendEl('padded-input'), filter: legendEl('padding-filter'), products: legendEl('padding-products'), map: legendEl('padding-output') },
    },
    slide: gridEl('padding-slide'),
    slideLegend: legendEl('padding-slide'),
    errata: $('#padding-errata'),
    selected: $('#padding-selected'),
  }, cs);

  const byChannel = (fn) => Object.fromEntries(RGB_CHANNELS.map((c) => [c, fn(c)]));
  createChannels({
    swatch: $('#rgb-swatch'),
    image: byChannel((c) => gridEl(`rgb-${c}`)),
    kernel: byChannel((c) => gridEl(`kernel-${c}`)),
    result: byChannel((c) => gridEl(`channel-${c}`)),
    output: gridEl('rgb-output'),
    bias: $('#rgb-bias'),
    equation: $('#rgb-equation'),
    selected: $('#rgb-selected'),
    legends: {
      image: byChannel((c) => legendEl(`rgb-${c}`)),
      kernel: byChannel((c) => legendEl(`kernel-${c}`)),
      result: byChannel((c) => legendEl(`channel-${c}`)),
      output: legendEl('rgb-output'),
    },
  }, cs);

  renderDnn({ formula: $('#dnn-formula'), check: $('#dnn-check') }, cs);
  renderToyCnn({ body: $('#toy-params'), total: $('#toy-total'), check: $('#toy-check') }, cs);

  const testEls = (l) => ({ image: $(`#learn-test-${l}-image`), list: $(`#learn-test-${l}-probs`), verdict: $(`#learn-test-${l}-verdict`) });
  return createLearnFilter({
    strips: { O: $('#learn-strip-o-list'), X: $('#learn-strip-x-list') },
    seed: $('#learn-seed'), reset: $('#learn-reset'), train: $('#learn-train'), step: $('#learn-step'),
    progress: $('#learn-progress'), settings: $('#learn-settings'), summary: $('#learn-summary'),
    filter: gridEl('learned-filter'), filterLegend: legendEl('learned-filter'), bias: $('#learned-bias'),
    lectureFilter: gridEl('learn-lecture-filter'), lectureLegend: legendEl('learn-lecture-filter'), lectureBias: $('#learn-lecture-bias'),
    lossChart: $('#learn-loss-chart'), accuracyChart: $('#learn-accuracy-chart'),
    tests: { O: testEls('o'), X: testEls('x') },
  }, { baseUrl: document.baseURI, cs, onError: showLearnError }).ready;
}

// The shipped CNN is in git: any failure to get it (a 404 too) is an error, shown in its section.
const loadShippedCnn = () => fetchBytes(SHIPPED_CNN, document.baseURI);

async function main() {
  const status = $('#status');
  try {
    // performance marks (convscope:…): where the time to ready goes, read by npm run bench
    engine = await loadEngine(document.baseURI);
    performance.mark('convscope:engine');
    showEngineKind(engine.kind);
    setupControls();
    recompute();
    const learning = drawFixedSections(engine.cs).catch(showLearnError);  // section 8 only: the rest works
    performance.mark('convscope:sections');
    const cnnTotal = await renderShippedCnn({
      section: $('#cnn-params'), note: $('#cnn-note'), body: $('#cnn-params-body'), total: $('#cnn-total'), check: $('#cnn-check'),
    }, engine.cs, loadShippedCnn);
    if (cnnTotal === null) {  // its note now says what failed: an error of that section, the rest works
      $('#cnn-note').classList.add('error');
      $('#cnn-note').setAttribute('role', 'alert');
    }
    performance.mark('convscope:shipped-cnn');
    await learning;
    performance.mark('convscope:learning');
    status.textContent = `Engine loaded (${engine.kind}). Every number below is computed by it.`;
    markReady();
  } catch (e) {
    status.textContent = '';
    failPage(`${errorText(e)} ${LOAD_ADVICE}`);
    return;
  }
  await keepOffline(document.baseURI);
}

main();
