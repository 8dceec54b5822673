// What the drawing page says about the model in use: its facts as a description list (file,
// parameters, input shape, classes, and the file's description / test accuracy / test AUC when it
// has them), and the wording of the drawing card, which follows the model (a digit model asks for
// a digit; another model names its classes and its input). Handed its elements; no pointers.

import { el } from './dom.js';

// facts: [{key, term, value}] (demo/model-loader.js modelFacts) → <dt>/<dd> pairs in dl.
export function renderModelInfo(dl, facts) {
  dl.replaceChildren();
  for (const { key, term, value } of facts) {
    const row = el(dl, 'div', 'fact');
    row.dataset.fact = key;
    el(row, 'dt', '', term);
    el(row, 'dd', '', value);
  }
}

// m: {digits, labels, architecture: {input}} → the page's texts for this model.
export function modelTexts({ digits, labels, architecture: { input } }) {
  const { channels, height, width } = input;
  const size = `${height}×${width}`;
  const copies = channels > 1 ? `, the same grey picture in each of its ${channels} channels` : '';
  const inputNote = height === 28 && width === 28
    ? `Your drawing as MNIST digits were made: cropped to the ink, scaled so the longer side is 20 pixels, centre of mass in the middle of 28×28 grey pixels${copies}.`
    : `Your drawing as MNIST digits were made (cropped to the ink, longer side 20 of 28 pixels, centred by mass), then resized to ${size}${height === width ? '' : ' with blank margins'}${copies}.`;
  const names = labels.length > 12 ? `${labels.slice(0, 12).join(', ')}, … (${labels.length} in all)` : labels.join(', ');
  return {
    drawTitle: digits ? 'Draw a digit' : 'Draw something',
    drawHelp: digits ? 'One digit, 0–9, with mouse, finger or pen. Fill most of the box.'
      : `This model tells apart: ${names}. Draw with mouse, finger or pen; fill most of the box.`,
    inputNote,
    inputLabel: `the ${channels}×${size} model input${channels > 1 ? `; each of its ${channels} channels holds this picture` : ''}`,
    nothingDrawn: digits ? "Draw a digit to see the network's guess." : "Draw something to see the network's guess.",
  };
}

// The page's wording and the class list's layout for model m. els: {drawTitle, drawHelp,
// inputNote, inputCanvas, prediction, list, probNote}. The bars are emptied (rebuilt at the next
// prediction); a model whose labels are not digits gets wider labels (--label-chars).
export function renderModelTexts(els, m) {
  const texts = modelTexts(m);
  els.drawTitle.textContent = texts.drawTitle;
  els.drawHelp.textContent = texts.drawHelp;
  els.inputNote.textContent = texts.inputNote;
  els.inputCanvas.setAttribute('aria-label', texts.inputLabel);
  els.list.replaceChildren();
  els.list.classList.toggle('named', !m.digits);
  els.list.style.setProperty('--label-chars', String(Math.min(14, Math.max(...m.labels.map((l) => l.length)))));
  els.prediction.classList.toggle('named', !m.digits);
  els.probNote.hidden = m.lastType === 'softmax';
  els.probNote.textContent = m.lastType === 'sigmoid'
    ? "The last layer is a sigmoid: each bar is that class's own probability."
    : `The last layer is ${m.lastType}, not softmax: the bars are a softmax of its ${m.labels.length} scores, computed by the page.`;
}
