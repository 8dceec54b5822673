// The two choosers of the demo page, built into elements they are handed: the strip of MNIST
// sample digits (buttons with a thumbnail, data-sample = position in the list) and the model
// options (radio buttons with each model's parameter count and test accuracy side by side).
// The page listens to them; these only draw.

import { drawMap } from './heatmap.js';
import { fmtInt } from '../page.js';

// samples: [{index, label, input: Float32Array(w·h), 0..1}]
export function renderSampleStrip(container, samples, width = 28, height = 28) {
  const doc = container.ownerDocument;
  container.replaceChildren(...samples.map((s, k) => {
    const button = doc.createElement('button');
    button.type = 'button';
    button.className = 'sample';
    button.dataset.sample = String(k);
    button.dataset.label = String(s.label);
    button.setAttribute('aria-label', `MNIST test digit number ${s.index}, a ${s.label}`);
    button.title = `MNIST test #${s.index}: ${s.label}`;
    const canvas = doc.createElement('canvas');
    drawMap(canvas, s.input, 0, height, width, 'grey', [0, 1]);
    button.append(canvas);
    return button;
  }));
}

// models: [{key, title, note, params, accuracy (0..1 or null)}]; one radio per model, name "model".
export function renderModelOptions(container, models, currentKey) {
  const doc = container.ownerDocument;
  container.replaceChildren(...models.map((m) => {
    const label = doc.createElement('label');
    label.className = 'model-option';
    label.dataset.model = m.key;
    const radio = doc.createElement('input');
    radio.type = 'radio';
    radio.name = 'model';
    radio.value = m.key;
    radio.id = `model-${m.key}`;
    radio.checked = m.key === currentKey;
    const body = doc.createElement('span');
    body.className = 'model-body';
    const title = doc.createElement('span');
    title.className = 'model-title';
    title.textContent = m.title;
    const params = doc.createElement('span');
    params.className = 'model-params';
    params.dataset.params = String(m.params);
    params.textContent = `${fmtInt(m.params)} parameters`;
    const accuracy = doc.createElement('span');
    accuracy.className = 'model-accuracy';
    accuracy.dataset.accuracy = m.accuracy === null ? '' : String(m.accuracy);
    accuracy.textContent = m.accuracy === null ? 'test accuracy not recorded' : `${(m.accuracy * 100).toFixed(2)}% of 10,000 test digits`;
    body.append(title, params, accuracy);
    if (m.note) {
      const note = doc.createElement('span');
      note.className = 'model-note';
      note.textContent = m.note;
      body.append(note);
    }
    label.append(radio, body);
    return label;
  }));
}
