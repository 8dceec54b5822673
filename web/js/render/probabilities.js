// The prediction: the winning class with its confidence (and the page contract's attributes
// data-digit, data-label, data-confidence on #prediction, all empty when nothing is drawn), and
// the class probabilities as horizontal bars: one <li> per class with its label, a bar whose
// length is the probability, and the number; the winner is marked. Handed its elements.

// elements {box, digit, text, list}; result {best, label, confidence, probs} or null.
export function renderPrediction({ box, digit, text, list }, labels, result) {
  box.dataset.digit = result ? String(result.best) : '';
  box.dataset.label = result ? result.label : '';
  box.dataset.confidence = result ? String(result.confidence) : '';
  digit.textContent = result ? result.label : '?';
  text.textContent = result ? `${(result.confidence * 100).toFixed(1)}% sure it is a ${result.label}` : 'Draw a digit to see the network\'s guess.';
  renderProbabilities(list, labels, result ? result.probs : null, result ? result.best : -1);
}

export function renderProbabilities(list, labels, probs, best) {
  const doc = list.ownerDocument;
  if (list.children.length !== labels.length) {
    list.replaceChildren(...labels.map((label) => {
      const item = doc.createElement('li');
      const name = doc.createElement('span');
      name.className = 'prob-label';
      name.textContent = label;
      const track = doc.createElement('span');
      track.className = 'prob-track';
      const bar = doc.createElement('span');
      bar.className = 'prob-bar';
      track.append(bar);
      const value = doc.createElement('span');
      value.className = 'prob-value';
      item.append(name, track, value);
      return item;
    }));
  }
  labels.forEach((label, i) => {
    const item = list.children[i];
    const p = probs ? probs[i] : 0;
    item.dataset.label = label;
    item.dataset.value = probs ? String(p) : '';
    item.classList.toggle('best', probs !== null && i === best);
    item.querySelector('.prob-bar').style.width = `${(p * 100).toFixed(1)}%`;
    item.querySelector('.prob-value').textContent = probs ? `${(p * 100).toFixed(1)}%` : '–';
    item.setAttribute('aria-label', probs ? `${label}: ${(p * 100).toFixed(1)} percent` : `${label}: no prediction`);
  });
}
