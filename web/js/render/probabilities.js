// The prediction: the winning class with its confidence (and the page contract's attributes
// data-digit, data-label, data-confidence on #prediction, all empty when nothing is drawn), and
// the class probabilities as horizontal bars: one <li> per class with its label, a bar whose
// length is the probability, and the number; the winner is marked. Handed its elements. The
// bars themselves (renderBars) are the lesson's too.

import { el } from './dom.js';

// elements {box, digit, text, list}; result {best, label, confidence, probs} or null.
export function renderPrediction({ box, digit, text, list }, labels, result) {
  box.dataset.digit = result ? String(result.best) : '';
  box.dataset.label = result ? result.label : '';
  box.dataset.confidence = result ? String(result.confidence) : '';
  digit.textContent = result ? result.label : '?';
  text.textContent = result ? `${(result.confidence * 100).toFixed(1)}% sure it is a ${result.label}` : 'Draw a digit to see the network\'s guess.';
  renderProbabilities(list, labels, result ? result.probs : null, result ? result.best : -1);
}

// The demo's bars: percentages, the winner marked, each item labelled for screen readers.
export function renderProbabilities(list, labels, probs, best) {
  renderBars(list, labels, probs, (p) => `${(p * 100).toFixed(1)}%`).forEach((item, i) => {
    const label = labels[i];
    item.classList.toggle('best', probs !== null && i === best);
    item.setAttribute('aria-label', probs ? `${label}: ${(probs[i] * 100).toFixed(1)} percent` : `${label}: no prediction`);
  });
}

// Probability bars in list, one <li data-label data-value> per label: .prob-label, .prob-track >
// .prob-bar (as long as the probability), .prob-value (format(p)). Items are built once and then
// updated, so a bar can move. probs: numbers, or null for no prediction (empty bars). → the items.
export function renderBars(list, labels, probs, format) {
  if (list.children.length !== labels.length) {
    const doc = list.ownerDocument;
    list.replaceChildren(...labels.map(() => {
      const item = doc.createElement('li');
      el(item, 'span', 'prob-label');
      el(el(item, 'span', 'prob-track'), 'span', 'prob-bar');
      el(item, 'span', 'prob-value');
      return item;
    }));
  }
  const items = Array.from(list.children);
  items.forEach((item, i) => {
    const p = probs ? probs[i] : 0;
    item.dataset.label = labels[i];
    item.dataset.value = probs ? String(p) : '';
    item.querySelector('.prob-label').textContent = labels[i];
    item.querySelector('.prob-bar').style.width = `${(p * 100).toFixed(1)}%`;
    item.querySelector('.prob-value').textContent = probs ? format(p) : '\u2013';
  });
  return items;
}
