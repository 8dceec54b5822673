// The drawing page's evidence sections — the lecture's CNN-vs-DNN argument, measured: side by
// side (#side-by-side), the invariance explorer (#invariance), the test-set explorer
// (#test-explorer), "train one here" (#train-here) and the network overview (#overview).
// Each is computed only while it is on screen (an IntersectionObserver), never on the pad's
// path: the page calls update() after each of its updates and this schedules the visible parts
// for the next idle moment. The page hands over what they need (page below); nothing here
// touches the pad or the layer panels.

import { createSideBySide } from './side-by-side.js';
import { createInvariance } from './invariance.js';
import { createTestExplorer } from './test-explorer.js';
import { createTrainHere } from './train-here.js';
import { createOverview } from './overview.js';

// doc: the page's document; page: {cs, base, models() → Map key → loaded model, currentModel(),
// source() → {picture, ink, label}, onDigit(sample), useModel(bytes, fileName), geometry(),
// inputValues(), trace(), onPick(layer, channel)}.
export function createEvidence(doc, page) {
  const sideBySide = createSideBySide(doc.querySelector('#side-by-side'), page.models);
  const invariance = createInvariance(doc.querySelector('#invariance'), page);
  const explorer = createTestExplorer(doc.querySelector('#test-explorer'), page);
  const trainHere = createTrainHere(doc.querySelector('#train-here'), page);
  const overview = createOverview(doc.querySelector('#overview'), page);

  const visible = new Set();
  let pending = false;
  const refreshVisible = () => {
    pending = false;
    if (visible.has('side-by-side')) sideBySide.update(page.source().picture);
    if (visible.has('overview')) overview.update();
  };
  const schedule = () => {
    if (pending) return;
    pending = true;
    setTimeout(refreshVisible, 0);  // after the pad's frame, not inside it
  };
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) visible.add(e.target.id);
      else visible.delete(e.target.id);
      if (e.target.id === 'invariance') invariance.setVisible(e.isIntersecting);
      if (e.target.id === 'train-here' && e.isIntersecting) trainHere.redraw();
    }
    schedule();
  });
  for (const id of ['overview', 'side-by-side', 'invariance', 'test-explorer', 'train-here']) observer.observe(doc.querySelector(`#${id}`));

  return {
    // the drawing or the chosen digit changed
    update() {
      schedule();
      invariance.update();
    },
    // the page switched model
    modelChanged() {
      explorer.modelChanged();
      schedule();
    },
  };
}
