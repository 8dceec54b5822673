// The test-set explorer (#test-explorer): all 10,000 MNIST test digits run through the loaded
// model in the browser. The sprite (web/data/mnist-test.png, 1.65 MB) is fetched only when the
// reader first runs it; the digits go through predictBatch in chunks with a yield between
// them (sized to take about TASK_MS each), so the pad stays responsive, and a progress bar follows. Then the engine's confusion
// matrix: the accuracy (also in data-accuracy, 0..1), a clickable 10×10 table, and the digits of
// a cell as a gallery; a click on a digit hands it to the page as if drawn.
// Handed its section and what it needs of the page; knows nothing of the pad.

import { fetchBytes } from '../../engine.js';
import { el } from '../../render/dom.js';
import { drawMap } from '../../render/heatmap.js';
import { renderLegend } from '../../render/grid.js';
import { decodeDigitSprite, DIGIT_PIXELS, digitInputs } from './digit-sprite.js';
import { renderConfusionMatrix } from './confusion-table.js';

export const TEST_SPRITE = './data/mnist-test.png';
const TASK_MS = 12;         // engine time per chunk: the page keeps well under a 50 ms long task
const MAX_CHUNK = 500;      // digits per engine call at most
const GALLERY_CHUNK = 150;  // digits drawn per task (a diagonal cell holds ~1,000)

const yieldToPage = () => new Promise((resolve) => setTimeout(resolve, 0));

// section: #test-explorer; page: {cs, base, currentModel() → {key, title, model, architecture,
// digits} | undefined, onDigit({index, label, bytes, input})}.
export function createTestExplorer(section, page) {
  const $ = (s) => section.querySelector(s);
  const els = {
    run: $('#test-explorer-run'), progress: $('#test-explorer-progress'), status: $('#test-explorer-status'),
    error: $('#test-explorer-error'), matrix: $('#test-explorer-matrix'), legend: $('#test-explorer-legend'),
    gallery: $('#test-explorer-gallery'), galleryTitle: $('#test-explorer-gallery-title'),
  };
  let sprite = null, spriteLoad = null, runId = 0, result = null;

  function showError(message) {
    Object.assign(els.error, { textContent: message, hidden: false }).setAttribute('role', 'alert');
  }
  const hideError = () => Object.assign(els.error, { hidden: true }).removeAttribute('role');

  async function loadSprite() {
    spriteLoad ??= (async () => {
      els.status.textContent = 'Downloading the 10,000 test digits (1.6 MB)…';
      const bytes = await fetchBytes(TEST_SPRITE, page.base, (loaded, total) => {
        if (total) els.progress.value = loaded / total;
      });
      return decodeDigitSprite(bytes, TEST_SPRITE.split('/').pop());
    })().catch((e) => {
      spriteLoad = null;  // a later click tries again
      throw e;
    });
    sprite = await spriteLoad;
    return sprite;
  }

  async function run() {
    const id = ++runId;
    const loaded = page.currentModel();
    hideError();
    delete section.dataset.accuracy;
    delete section.dataset.imagesPerSecond;
    if (!loaded) return;
    const { channels, height, width } = loaded.architecture.input;
    if (channels !== 1 || height !== 28 || width !== 28 || !loaded.digits) {
      showError(`The test-set explorer needs a digit model with a 1×28×28 input and labels 0–9; ${loaded.title} has ${channels}×${height}×${width} and ${loaded.labels.length} classes. Still showing the last run.`);
      return;
    }
    els.run.disabled = true;
    section.dataset.state = 'running';
    try {
      const digits = await loadSprite();
      const n = digits.count, probs = new Float32Array(n * 10), x = new Float32Array(MAX_CHUNK * DIGIT_PIXELS);
      let engineMs = 0, chunk = 20;
      for (let s = 0, m = 0; s < n; s += m) {
        if (id !== runId) return;
        m = Math.min(chunk, n - s);
        digitInputs(digits, s, m, x.subarray(0, m * DIGIT_PIXELS));
        const t0 = performance.now();
        probs.set(loaded.model.predictBatch(x.subarray(0, m * DIGIT_PIXELS), m), s * 10);
        const ms = performance.now() - t0;
        engineMs += ms;
        chunk = Math.max(10, Math.min(MAX_CHUNK, Math.round(m * TASK_MS / Math.max(ms, 0.5))));  // the next chunk's size
        els.progress.value = (s + m) / n;
        els.status.textContent = `${loaded.title}: ${(s + m).toLocaleString('en-US')} of ${n.toLocaleString('en-US')} digits…`;
        await yieldToPage();
      }
      const confusion = page.cs.confusionMatrix(probs, digits.labels, 10);
      result = { title: loaded.title, key: loaded.key, ...confusion, n, imagesPerSecond: n / (engineMs / 1000) };
      show(result);
    } catch (e) {
      if (id === runId) showError(`The test-set run failed: ${e.message}. ${result ? 'Still showing the last run.' : ''}`.trim());
      els.status.textContent = '';
    } finally {
      if (id === runId) {
        els.run.disabled = false;
        section.dataset.state = 'done';
      }
    }
  }

  function show(r) {
    const accuracy = r.correct / r.n;
    section.dataset.accuracy = String(accuracy);
    section.dataset.imagesPerSecond = String(Math.round(r.imagesPerSecond));
    els.status.textContent = `${r.title}: ${r.correct.toLocaleString('en-US')} of ${r.n.toLocaleString('en-US')} test digits right, ` +
      `${(accuracy * 100).toFixed(2)}% — ${r.n - r.correct} wrong. The engine read ${Math.round(r.imagesPerSecond).toLocaleString('en-US')} digits a second.`;
    const max = renderConfusionMatrix(els.matrix, r.counts, 10, (row, col) => showCell(row, col));
    renderLegend(els.legend, { scale: 'sequential', domain: [0, max], format: (v) => `${Math.round(v * v)} digits` });
    els.gallery.replaceChildren();
    els.galleryTitle.textContent = 'Click a cell of the table to see its digits.';
  }

  // The digits whose true class is `row` and predicted class `col`, in test-set order: every one,
  // drawn GALLERY_CHUNK at a time so a big cell does not hold up the page.
  let galleryId = 0;
  async function showCell(row, col) {
    const id = ++galleryId, r = result;
    const indices = [];
    for (let i = 0; i < r.n; i++) if (sprite.labels[i] === row && r.predicted[i] === col) indices.push(i);
    const what = row === col ? `${row}s read correctly` : `${row}s read as ${col}`;
    els.galleryTitle.textContent = `${indices.length} ${what}${indices.length ? '. Click one to load it.' : '.'}`;
    Object.assign(els.gallery.dataset, { row: String(row), col: String(col), count: String(indices.length) });
    els.gallery.replaceChildren();
    for (let k = 0; k < indices.length; k += GALLERY_CHUNK) {
      if (k > 0) await yieldToPage();
      if (id !== galleryId) return;
      els.gallery.append(...indices.slice(k, k + GALLERY_CHUNK).map((i) => digitButton(i, row, col)));
    }
  }

  function digitButton(i, label, predicted) {
    const button = section.ownerDocument.createElement('button');
    button.type = 'button';
    button.className = 'test-digit';
    button.dataset.index = String(i);
    button.setAttribute('aria-label', `test digit ${i}: a ${label}, read as ${predicted}`);
    const canvas = el(button, 'canvas');
    drawMap(canvas, digitInputs(sprite, i, 1), 0, 28, 28, 'grey', [0, 1]);
    return button;
  }

  els.run.addEventListener('click', () => run());
  els.gallery.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-index]');
    if (!button) return;
    const i = Number(button.dataset.index);
    const bytes = sprite.pixels.slice(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS);
    page.onDigit({ index: i, label: sprite.labels[i], bytes, input: digitInputs(sprite, i, 1) });
  });
  return {
    // the page's model changed: a run under way stops, the shown results say whose they are
    modelChanged() {
      if (section.dataset.state === 'running') {
        runId++;
        els.run.disabled = false;
        section.dataset.state = 'done';
        els.status.textContent = 'The model changed: run again for this one.';
      }
      const loaded = page.currentModel();
      els.run.textContent = `Run the 10,000 test digits through the ${loaded?.title ?? 'model'}`;
    },
  };
}
