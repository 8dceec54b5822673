// Side by side (#side-by-side): the CNN and the DNN read the same input at once — both answers,
// both probability bars, each model's parameter count and the time its predict took (the mean of
// as many calls as fit in ~2 ms, since one DNN call is below the browser's timer resolution).
// Handed its section; the page calls update(input) with the 1×28×28 picture (or null).

import { el } from '../../render/dom.js';
import { renderProbabilities } from '../../render/probabilities.js';
import { fmtInt } from '../../page.js';

export const SIDE_BY_SIDE_MODELS = ['cnn', 'dnn'];
const TIMING_MS = 2;

// predict's output, and its mean time in ms over the calls that fill about TIMING_MS after it (the
// first call is left out of the timing: it may allocate or still run in the baseline tier).
function timedPredict(model, input) {
  const probs = model.predict(input);
  let calls = 0, t;
  const t0 = performance.now();
  do {
    model.predict(input);
    calls++;
    t = performance.now();
  } while (t - t0 < TIMING_MS && calls < 200);
  return { probs, ms: (t - t0) / calls };
}

const argmax = (p) => p.reduce((best, v, i) => (v > p[best] ? i : best), 0);

// section: #side-by-side; models(): the page's Map key → {model, title, params, labels}.
export function createSideBySide(section, models) {
  const grid = section.querySelector('.sbs-grid');
  const columns = new Map();
  function build() {
    grid.replaceChildren();
    columns.clear();
    for (const key of SIDE_BY_SIDE_MODELS) {
      const m = models().get(key);
      if (!m) continue;
      const col = el(grid, 'div', 'sbs-model');
      col.dataset.model = key;
      el(col, 'h3', '', m.title);
      const answer = el(col, 'p', 'sbs-answer');
      const facts = el(col, 'p', 'sbs-facts');
      const list = el(col, 'ol', 'probabilities sbs-probabilities');
      list.setAttribute('aria-label', `${m.title}: probability of each class`);
      columns.set(key, { m, col, answer, facts, list });
    }
  }
  return {
    // input: Float32Array(784) or null (nothing drawn)
    update(input) {
      if (columns.size === 0 || [...columns].some(([key, c]) => models().get(key) !== c.m)) build();
      for (const [, { m, col, answer, facts, list }] of columns) {
        const params = `${fmtInt(m.params)} parameters`;
        if (!input) {
          answer.textContent = 'Nothing drawn yet.';
          Object.assign(col.dataset, { digit: '', confidence: '' });
          facts.textContent = params;
          renderProbabilities(list, m.labels, null, -1);
          continue;
        }
        const { probs, ms } = timedPredict(m.model, input);
        const best = argmax(probs);
        Object.assign(col.dataset, { digit: String(best), confidence: String(probs[best]), ms: String(ms) });
        answer.textContent = `${m.labels[best]}, ${(probs[best] * 100).toFixed(1)}% sure`;
        facts.textContent = `${params} · ${ms < 0.1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`} per reading`;
        renderProbabilities(list, m.labels, probs, best);
      }
    },
  };
}
