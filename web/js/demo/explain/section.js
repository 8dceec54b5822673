// "Why this digit?" (#why on the drawing page): saliency (#saliency), what each filter looks for
// (#filter-looks-for) and "make it a …" (#make-it). Nothing is computed until a panel is on
// screen (IntersectionObserver). The saliency maps follow the drawing, made in a worker
// (explain-worker.js) a little behind it (trailing throttle, only the newest drawing), so the pad
// never waits for them; the filter images are made there once per model; "make it" runs in the
// page (one engine call of a few milliseconds) after a pause in drawing or when asked. Each panel's state (chosen class, target, ε) is part of the page's
// link. Handed the section's elements; knows no pointers.

import { createSaliencyView } from './saliency.js';
import { startExplainWorker } from './worker-client.js';
import { createLooksForView } from './looks-for.js';
import { MAKE_IT, createMakeItView } from './make-it.js';

const SALIENCY_DELAY_MS = 150;  // after the last drawing change
const MAKE_IT_DELAY_MS = 400;

// A class <select>: the model's labels, plus a first option when given.
function fillClasses(select, labels, first, keep) {
  const doc = select.ownerDocument;
  const options = labels.map((label, i) => Object.assign(doc.createElement('option'), { value: String(i), textContent: label }));
  if (first) options.unshift(Object.assign(doc.createElement('option'), { value: '', textContent: first }));
  select.replaceChildren(...options);
  if (keep !== undefined && [...select.options].some((o) => o.value === keep)) select.value = keep;
}

const copyInk = ({ pixels, width, height }) => ({ pixels: Uint8Array.from(pixels), width, height });

// Runs fn once, delay ms after the last call of request() (while visible() holds).
function trailing(fn, delay) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, delay);
  };
}

// root: the #why section. hooks: {baseUrl, onChange() (a panel's state changed: the link)}
// → {setModel(entry, geoms), update({input, result}), parts(), restore(parts)}
export function createWhySection(root, { baseUrl, onChange = () => {} }) {
  const $ = (selector) => root.querySelector(selector);
  const panels = { saliency: $('#saliency'), looks: $('#filter-looks-for'), makeIt: $('#make-it') };
  const saliency = createSaliencyView({
    gradient: $('#saliency-gradient'), occlusion: $('#saliency-occlusion'),
    gradientOver: $('#saliency-gradient-over'), occlusionOver: $('#saliency-occlusion-over'),
    gradientDrawn: $('#saliency-gradient-drawn'), occlusionDrawn: $('#saliency-occlusion-drawn'), drawn: $('#saliency-drawn'),
    gradientLegend: $('#saliency-gradient-legend'), occlusionLegend: $('#saliency-occlusion-legend'), note: $('#saliency-note'),
  });
  const worker = startExplainWorker(baseUrl, { onError: (e) => showError(e.message) });
  const looks = createLooksForView({ layers: $('#looks-for-layers'), status: $('#looks-for-status'), legend: $('#looks-for-legend') }, worker);
  const makeIt = createMakeItView({
    original: $('#make-it-original'), change: $('#make-it-change'), result: $('#make-it-result'),
    changeLegend: $('#make-it-legend'), chart: $('#make-it-chart'), summary: $('#make-it-summary'), caption: $('#make-it-caption'),
  });
  const alert = $('#why-error');
  const visible = new Set();
  let entry = null;
  const defaultTarget = () => String(Math.min(3, entry.labels.length - 1));  // "make it a 3"
  let workerModel = null;  // Promise settled once the worker holds entry's model
  let latest = null;  // {input, result, drawing} of the last update with something drawn

  function showError(message) {
    Object.assign(alert, { textContent: message, hidden: false }).setAttribute('role', 'alert');
  }
  function guarded(what, fn) {
    try {
      fn();
      if (alert.dataset.source === what) Object.assign(alert, { hidden: true }).removeAttribute('role');
    } catch (e) {
      showError(`${what}: ${e.message}`);
      alert.dataset.source = what;
    }
  }

  const saliencyClass = () => ($('#saliency-class').value === '' ? latest.result.best : Number($('#saliency-class').value));
  // force: the reader asked (a control changed), so it runs even before the panel is seen
  const drawSaliency = async (force = false) => {
    if (!entry || !latest || !(force || visible.has(panels.saliency))) return;
    const mine = entry, input = latest.input, target = saliencyClass();
    // the pad's ink now, while it still is the drawing this input was made from (copied: the pad reuses it)
    const drawing = latest.drawing && { placement: latest.drawing.placement, ink: copyInk(latest.drawing.ink()) };
    const { layers } = mine.architecture;
    const scores = layers.length > 1 && layers.at(-1).type === 'softmax' ? layers.length - 2 : null;
    let maps;
    try {
      await workerModel;
      const t0 = performance.now();
      maps = await worker.saliency({ input, target, layer: scores, pageSoftmax: mine.lastType !== 'softmax' && mine.lastType !== 'sigmoid', shape: mine.architecture.input });
      if (maps.stopped || mine !== entry) return;
      Object.assign(panels.saliency.dataset, { ms: (performance.now() - t0).toFixed(1), gradientMs: maps.ms.gradient.toFixed(1), occlusionMs: maps.ms.occlusion.toFixed(1) });
    } catch (e) {
      return guarded('saliency', () => { throw e; });
    }
    guarded('saliency', () => {
      saliency.draw({ input, shape: mine.architecture.input, label: mine.labels[target], gradient: maps.gradient, occlusion: maps.occlusion, drawing });
      panels.saliency.dataset.target = String(target);
      $('#saliency-target').textContent = mine.labels[target];
    });
  };
  const runMakeIt = (force = false) => {
    if (!entry || !latest || !(force || visible.has(panels.makeIt))) return;
    guarded('make it', () => makeIt.run({
      model: entry.model, input: latest.input, shape: entry.architecture.input, target: Number($('#make-it-target').value),
      labels: entry.labels, epsilon: Number($('#make-it-epsilon').value),
    }));
  };
  const startLooks = () => {
    if (!entry || !visible.has(panels.looks)) return;
    workerModel.then(() => looks.start()).catch((e) => showError(`what each filter looks for: ${e.message}`));
  };
  const saliencySoon = trailing(() => drawSaliency(), SALIENCY_DELAY_MS);
  const makeItSoon = trailing(() => runMakeIt(), MAKE_IT_DELAY_MS);

  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) {
        visible.delete(e.target);
        continue;
      }
      const first = !visible.has(e.target);
      visible.add(e.target);
      if (!first) continue;
      if (e.target === panels.saliency) drawSaliency();
      if (e.target === panels.makeIt) runMakeIt();
      if (e.target === panels.looks) startLooks();
    }
  }, { rootMargin: '100px' });
  Object.values(panels).forEach((p) => observer.observe(p));

  $('#saliency-class').addEventListener('change', () => {
    drawSaliency(true);
    onChange();
  });
  $('#make-it-target').addEventListener('change', () => {
    runMakeIt(true);
    onChange();
  });
  $('#make-it-epsilon').addEventListener('input', () => {
    $('#make-it-epsilon-value').textContent = Number($('#make-it-epsilon').value).toFixed(2);
    makeItSoon();
  });
  $('#make-it-epsilon').addEventListener('change', () => onChange());
  $('#make-it-run').addEventListener('click', () => runMakeIt(true));

  return {
    setModel(newEntry, geoms) {
      entry = newEntry;
      latest = null;
      fillClasses($('#saliency-class'), entry.labels, 'the network’s answer', $('#saliency-class').value);
      fillClasses($('#make-it-target'), entry.labels, null, $('#make-it-target').value || defaultTarget());
      guarded('what each filter looks for', () => looks.setModel(entry, geoms));  // never the page's failure
      workerModel = worker.setModel(entry.model.save({})).catch((e) => showError(`the explanations' worker: ${e.message}`));
      startLooks();
    },
    // After every page update: input is the model's input, result the forward pass (with .best);
    // null input: nothing drawn. drawing: {placement, ink()} of the pad's drawing (null for a
    // sample digit): the saliency maps are laid back over it.
    update({ input, result, drawing = null }) {
      latest = input ? { input: Float32Array.from(input), result, drawing } : null;
      looks.updateMaps(result.trace);
      if (!latest) return;
      saliencySoon();
      makeItSoon();
    },
    // The panels' state for the link: {why, makeit, eps} (strings; '' = the default, left out).
    parts() {
      const eps = Number($('#make-it-epsilon').value);
      const target = $('#make-it-target').value;
      return { why: $('#saliency-class').value, makeit: !entry || target === defaultTarget() ? '' : target, eps: eps === MAKE_IT.epsilon ? '' : String(eps) };
    },
    restore({ why, makeit, eps } = {}) {
      if (why !== undefined && [...$('#saliency-class').options].some((o) => o.value === why)) $('#saliency-class').value = why;
      if (makeit !== undefined && [...$('#make-it-target').options].some((o) => o.value === makeit)) $('#make-it-target').value = makeit;
      if (eps) {
        $('#make-it-epsilon').value = eps;
        $('#make-it-epsilon-value').textContent = Number($('#make-it-epsilon').value).toFixed(2);
      }
    },
  };
}
