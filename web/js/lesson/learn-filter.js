// Section 8: learning the filter. The lecture's O-vs-X net (conv 1×3×3 → ReLU → 2×2 max pool →
// flatten → dense 2 → softmax) starts from the engine's seeded random weights and is trained with
// Adam on the generated set of lesson/ox-dataset.js. The training runs in a Web Worker
// (lesson/train-worker.js, its own copy of the engine, asked through worker-rpc.js), never on the
// page's thread: the page asks for a few steps at a time, once per animation frame, and redraws
// the filter, the loss and
// accuracy curves, the training images the net still gets wrong, and its answers on the lecture's
// exact O and X from each answer. Pause is the page not asking again, so it stops at once.
// Handed its elements, the page's base URL and engine; reports errors through onError. The random
// start is drawn from the page's own engine (lesson/ox-trainer.js: the same build and seed as the
// worker's, so the same numbers), so the page need not wait for the worker to start; the worker
// is asked for the same start at once, and holds the net that trains.
// Progress for tests and screen readers: els.progress carries data-state (ready|running|paused|
// done), data-step, data-loss-start, data-loss (now), data-loss-end (when done), data-correct,
// data-total, data-accuracy (0–1), data-train-ms (time spent in the engine's training steps) and
// data-longest-ms (the longest stretch of training steps in one request), and aria-busy="true"
// while the worker has not answered yet.

import { O_IMAGE, X_IMAGE, ANTI_DIAGONAL_FILTER, LECTURE_BIAS } from '../lecture-data.js';
import { OX_LABELS } from '../ox-model.js';
import { renderGrid, renderLegend } from '../render/grid.js';
import { renderLineChart } from '../render/line-chart.js';
import { renderBars } from '../render/probabilities.js';
import { makeOxDataset, describeSample } from './ox-dataset.js';
import { formatProse } from './window-view.js';
import { K, TRAINING } from './ox-training.js';
import { startEngine } from '../engine.js';
import { startWorker } from '../worker-rpc.js';
import { createOxTrainer } from './ox-trainer.js';

const GUESSING_LOSS = Math.LN2;  // cross-entropy of answering 50/50: −ln ½
// The charts' first drawing, before the ResizeObserver has told their width (it redraws them at
// once if they differ): reading the width then would lay out the whole page mid-load.
const CHART_WIDTH_GUESS = 480;

const fixed2 = (v) => (Object.is(Number(v.toFixed(2)), -0) ? '0.00' : v.toFixed(2));
// A probability that never reads as a flat 1 or 0: 3 decimals, 4 near the ends, then "> 0.9999".
function probText(p) {
  if (p >= 0.99995) return '> 0.9999';
  if (p < 0.00005) return '< 0.0001';
  return p.toFixed(p > 0.999 || p < 0.001 ? 4 : 3);
}
const percent = (correct, total) => `${Math.round((100 * correct) / total)}%`;
// Where the learned filter's three largest weights lie, compared with the lecture's "/" diagonal.
function describeFilter(filter) {
  const flat = filter.flat();
  const top = flat.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).slice(0, K).map(([, i]) => i).sort((a, b) => a - b);
  const on = (cells) => cells.every((i, k) => top[k] === i);
  const anti = Array.from({ length: K }, (_, r) => r * K + (K - 1 - r));
  const main = Array.from({ length: K }, (_, r) => r * K + r);
  if (on(anti)) return 'Its three largest weights lie on the / diagonal, like the lecture\'s hand-made filter.';
  if (on(main)) {
    return 'Its three largest weights lie on the other diagonal, so it looks for \\-shaped strokes instead of /-shaped ones: ' +
      'a mirror image of the lecture\'s filter. As the O and the X are both left–right symmetric, the mirrored filter ' +
      'serves just as well.';
  }
  return 'Its largest weights do not lie on the lecture\'s / diagonal: it is a different filter.';
}

// A 6×6 image into a 6×6-pixel canvas (CSS scales it up): black = 1; flipped pixels in blue (dark: now 1, light: now 0).
// One putImageData per thumbnail (64 of them are drawn before the page is ready), not a fillRect
// per pixel, and plain byte stores (a typed-array set per pixel cost ~40 ms in V8's first tier).
const THUMB_RGB = { ink: [0x1a, 0x1a, 0x1a], paper: [0xff, 0xff, 0xff], flippedInk: [0x1f, 0x5f, 0xa8], flippedPaper: [0xa9, 0xc8, 0xec] };
function drawThumbnail(canvas, image, flips = []) {
  const h = image.length;
  const w = image[0].length;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  const picture = ctx.createImageData(w, h);
  const data = picture.data;
  for (let i = 0; i < w * h; i++) {
    const flipped = flips.includes(i);
    const rgb = image[Math.floor(i / w)][i % w] ? (flipped ? THUMB_RGB.flippedInk : THUMB_RGB.ink) : (flipped ? THUMB_RGB.flippedPaper : THUMB_RGB.paper);
    data[4 * i] = rgb[0];
    data[4 * i + 1] = rgb[1];
    data[4 * i + 2] = rgb[2];
    data[4 * i + 3] = 255;
  }
  ctx.putImageData(picture, 0, 0);
}

// els: {strips: {O, X} <ol>, seed <input>, reset, train, step <button>, progress, settings,
//       filter <table>, filterLegend, bias, lectureFilter <table>, lectureLegend, lectureBias,
//       lossChart, accuracyChart <svg>, tests: {O, X}: {image <canvas>, list <ul>, verdict}, summary}
// cs: the page's engine. → {ready: Promise, settled once the random start is drawn (rejected if
// it cannot be)}
export function createLearnFilter(els, { baseUrl, cs, onError = () => {} }) {
  const data = makeOxDataset();
  const { steps: total } = TRAINING;
  const doc = els.train.ownerDocument;
  const view = doc.defaultView;
  const worker = startWorker('./js/lesson/train-worker.js', baseUrl, {
    name: 'training worker', onBusy: (busy) => els.progress.setAttribute('aria-busy', String(busy)),
    engine: startEngine(baseUrl),  // the page's own (lesson.js loads it): the worker gets its compiled module
  });

  let snap = null;  // the worker's last answer
  let seed = TRAINING.seed;
  let state = 'ready';
  let frame = 0;
  let thumbs = [];
  const chartWidth = new Map();  // <svg> → its width in CSS pixels

  // ---- The training images: two strips, O's then X's; a ring marks the ones the net gets wrong.
  // Their pictures are drawn when the page is idle: 64 canvases cost ~40 ms before ready, and
  // section 8 is at the bottom of the page.
  function drawStrips() {
    const canvases = [];
    thumbs = data.images.map((image, i) => {
      const label = OX_LABELS[data.labels[i]];
      const item = doc.createElement('li');
      const canvas = doc.createElement('canvas');
      canvas.className = 'thumb';
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', describeSample(data, i, OX_LABELS));
      [canvas.width, canvas.height] = [image[0].length, image.length];
      canvases.push(canvas);
      item.append(canvas);
      item.dataset.label = label;
      return item;
    });
    for (const label of OX_LABELS) els.strips[label].replaceChildren(...thumbs.filter((t) => t.dataset.label === label));
    const idle = view.requestIdleCallback ?? ((fn) => view.setTimeout(fn, 1));
    idle(() => canvases.forEach((canvas, i) => drawThumbnail(canvas, data.images[i], data.flips[i])), { timeout: 200 });
  }

  // ---- Asking the worker
  const fail = (e) => {
    stop();
    if (snap) render();
    onError(e);
  };

  // Fresh random weights for newSeed; the old ones stay if the engine refuses.
  function reset(newSeed) {
    stop();
    return worker.request('reset', { seed: newSeed }).then((s) => {
      [snap, seed, state] = [s, newSeed, 'ready'];
      render();
    });
  }

  function show(s) {
    snap = s;
    if (s.step >= total) state = 'done';
  }

  // One request per animation frame while running; a Pause in between means no more requests.
  function run() {
    frame = view.requestAnimationFrame(() => {
      frame = 0;
      if (state !== 'running') return;
      worker.request('train', { steps: TRAINING.stepsPerFrame }).then((s) => {
        show(s);
        render();
        if (state === 'running') run();
      }).catch(fail);
    });
  }

  function stop() {
    if (frame) view.cancelAnimationFrame(frame);
    frame = 0;
    if (state === 'running') state = 'paused';
  }

  // ---- Drawing
  function params() {
    const w = snap.params['conv.weight'];
    return { filter: Array.from({ length: K }, (_, r) => Array.from(w.subarray(r * K, (r + 1) * K))), bias: snap.params['conv.bias'][0] };
  }

  // One test image's probabilities as bars (built once, then updated) and the verdict.
  function showProbabilities({ list, verdict }, probs, truth) {
    renderBars(list, OX_LABELS, probs, probText);
    const best = probs[1] > probs[0] ? 1 : 0;
    const right = OX_LABELS[best] === truth;
    verdict.dataset.label = OX_LABELS[best];
    verdict.dataset.confidence = String(probs[best]);
    verdict.classList.toggle('wrong', !right);
    verdict.textContent = `Says ${OX_LABELS[best]}, probability ${probText(probs[best])} ${right ? '✓' : '✗ wrong'}`;
  }

  function render() {
    const { step, losses, correct, probs } = snap;
    const { filter, bias } = params();
    renderLegend(els.filterLegend, renderGrid(els.filter, filter, { name: 'learned-filter', colorScale: 'diverging', format: fixed2 }));
    els.bias.textContent = formatProse(Number(bias.toFixed(3)));
    els.bias.dataset.value = String(bias);

    const now = losses[step];
    const hi = Math.max(1, Math.ceil(Math.max(...losses) * 4) / 4);
    renderLineChart(els.lossChart, {
      width: chartWidth.get(els.lossChart) ?? CHART_WIDTH_GUESS, values: losses, xMax: total, yDomain: [0, hi], xLabel: 'training step', yLabel: 'loss',
      references: [{ y: GUESSING_LOSS, label: 'guessing (ln 2)' }],
      description: `Loss curve: ${formatProse(losses[0])} at step 0, ${formatProse(now)} at step ${step} of ${total}.`,
    });
    const acc = correct.map((c) => (100 * c) / data.n);
    renderLineChart(els.accuracyChart, {
      width: chartWidth.get(els.accuracyChart) ?? CHART_WIDTH_GUESS, values: acc, xMax: total, yDomain: [0, 100], xLabel: 'training step', yLabel: 'accuracy (%)',
      references: [{ y: 50, label: 'coin flip' }],
      description: `Training accuracy: ${percent(correct[0], data.n)} at step 0, ${percent(correct[step], data.n)} at step ${step}.`,
    });

    thumbs.forEach((item, i) => item.classList.toggle('wrong', (probs[2 * i + 1] > probs[2 * i] ? 1 : 0) !== data.labels[i]));
    for (const label of OX_LABELS) showProbabilities(els.tests[label], snap.lecture[label], label);

    const p = els.progress;
    Object.assign(p.dataset, {
      state, step, lossStart: losses[0], loss: now, correct: correct[step], total: data.n, accuracy: correct[step] / data.n,
      trainMs: snap.trainMs, longestMs: snap.longestMs,
    });
    if (state === 'done') p.dataset.lossEnd = String(now);
    else delete p.dataset.lossEnd;
    p.textContent = `Step ${step} of ${total} · loss ${formatProse(now)} · training accuracy ${correct[step]} of ${data.n} (${percent(correct[step], data.n)})`;

    els.train.textContent = { ready: 'Train', running: 'Pause', paused: 'Resume', done: 'Train again' }[state];
    els.train.setAttribute('aria-pressed', String(state === 'running'));
    els.step.disabled = state === 'done';
    els.summary.textContent = summary(filter, bias);
  }

  // The sentence under the results: what happened, honestly.
  function summary(filter, bias) {
    const { step, losses, correct } = snap;
    if (state === 'ready') return `Random start (seed ${seed}): the filter and the dense layer hold random numbers, so the net is guessing. Press Train.`;
    if (state !== 'done') return '';
    const start = formatProse(losses[0]);
    const end = formatProse(losses[step]);
    const right = correct[step];
    if (snap.dead) {
      return `This run got stuck (seed ${seed}): every feature-map value is now 0 or below on every training image, so ReLU ` +
        'passes only zeros, no gradient reaches the filter or its bias, and they cannot learn any more (a "dead ReLU"). ' +
        'Pick another seed and press Reset to random.';
    }
    const n = Object.fromEntries(Object.entries(snap.params).map(([name, d]) => [name, d.length]));
    const how = `In ${step} steps, backpropagation worked out for each of the net's ${snap.parameterCount} parameters — the ` +
      `${n['conv.weight']} filter weights, the bias, and the dense layer's ${n['fc.weight']} weights and ${n['fc.bias']} biases — ` +
      `which way a small change lowers the loss, and the optimizer (Adam) moved each a little that way. The loss fell from ${start} to ${end}`;
    const score = right === data.n
      ? `, and the net now sorts all ${data.n} training images correctly.`
      : `; the net gets ${right} of ${data.n} training images right (${data.n - right === 1 ? 'the red ring marks the other' : 'red rings mark the others'}). Another seed may do better.`;
    const honest = ` ${describeFilter(filter)} Its bias is ${formatProse(Number(bias.toFixed(2)))}, not the lecture's ` +
      `${formatProse(LECTURE_BIAS)}. Nothing asked for the lecture's filter: training only needs a filter that makes O's and ` +
      'X\'s light up different parts of the pooled map, and the dense layer learns to read whichever pattern that is. ' +
      'Other seeds find other filters.';
    return how + score + honest;
  }

  // ---- Controls
  const readSeed = () => {
    const v = Number(els.seed.value);
    const ok = els.seed.value.trim() !== '' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
    els.seed.setAttribute('aria-invalid', String(!ok));
    return ok ? v : null;
  };
  els.train.addEventListener('click', () => {
    if (!snap) return;  // not started yet
    if (state === 'running') {
      stop();
      render();
      return;
    }
    const start = state === 'done' ? reset(seed) : Promise.resolve();
    start.then(() => {
      state = 'running';
      render();
      run();
    }).catch(fail);
  });
  els.step.addEventListener('click', () => {
    if (!snap) return;
    stop();
    worker.request('train', { steps: 1 }).then((s) => {
      show(s);
      if (state !== 'done') state = 'paused';
      render();
    }).catch(fail);
  });
  const reseed = (always) => {
    const s = readSeed();
    if (s !== null && (always || s !== seed)) reset(s).catch(fail);
  };
  els.reset.addEventListener('click', () => reseed(true));
  els.seed.addEventListener('change', () => reseed(false));
  // The charts are drawn at their on-screen width, read here rather than in every frame.
  if (typeof view.ResizeObserver === 'function') {
    const observer = new view.ResizeObserver((entries) => {
      let changed = false;
      for (const { target, contentRect } of entries) {
        const w = Math.round(contentRect.width);
        changed ||= w > 0 && w !== chartWidth.get(target);
        chartWidth.set(target, w);
      }
      if (changed && snap) render();
    });
    observer.observe(els.lossChart);
    observer.observe(els.accuracyChart);
  }

  els.settings.textContent = `${data.n} images (${data.n / 2} O's, label 0; ${data.n / 2} X's, label 1), all of them in every step · ` +
    `${total} steps · Adam, learning rate ${TRAINING.learningRate} · in a background thread (a Web Worker), about ` +
    `${TRAINING.stepsPerFrame} steps per animation frame`;
  renderLegend(els.lectureLegend, renderGrid(els.lectureFilter, ANTI_DIAGONAL_FILTER, { name: 'learn-lecture-filter', colorScale: 'diverging' }));
  els.lectureBias.textContent = formatProse(LECTURE_BIAS);
  for (const label of OX_LABELS) drawThumbnail(els.tests[label].image, label === 'O' ? O_IMAGE : X_IMAGE);
  els.seed.value = String(seed);
  drawStrips();
  worker.request('reset', { seed }).catch(fail);  // the worker's net, from the same start
  try {
    const start = createOxTrainer(cs, data);
    try {
      start.reset(seed);
      snap = start.snapshot();
    } finally {
      start.delete();
    }
    render();
    return { ready: Promise.resolve() };
  } catch (e) {
    return { ready: Promise.reject(e) };
  }
}
