// CNN against fully connected net on the same test jets: parameters, ROC AUC, background
// rejection at 50 % signal efficiency, accuracy — one row per model the lab has results for.
// The lecture's argument (a CNN shares its weights across the image, so it needs fewer of them)
// made on physics data. Each row carries data-key and data-auc for tests.

import { el } from '../render/dom.js';
import { fmtInt } from '../page.js';

export const ROW_ORDER = ['cnn', 'dnn', 'shipped-cnn', 'shipped-dnn'];

const SHORT = { cnn: 'CNN', dnn: 'DNN' };
// A result's short name: "CNN, trained here", "DNN, shipped", …
export const resultName = (r) => `${SHORT[r.net]}, ${r.source === 'shipped' ? 'shipped' : r.from === 'shipped' ? 'fine-tuned here' : 'trained here'}`;

// How a result was obtained, in a few words.
export function provenance(r) {
  if (r.source === 'shipped') return 'shipped file (40,000 jets × 8 epochs, native C++)';
  const how = r.from === 'shipped' ? 'fine-tuned here' : 'trained here from random weights';
  return `${how}${r.stopped ? `, stopped at step ${fmtInt(r.step)} of ${fmtInt(r.steps)}` : ''}`;
}

// results: Map key → result message of the worker; titles: net → display name.
export function renderCompareTable(tbody, results, titles) {
  tbody.replaceChildren();
  for (const key of ROW_ORDER) {
    const r = results.get(key);
    if (!r) continue;
    const tr = el(tbody, 'tr');
    tr.dataset.key = key;
    tr.dataset.auc = String(r.auc);
    const name = el(tr, 'th', '', titles[r.net]);
    name.scope = 'row';
    el(name, 'span', 'how', provenance(r));
    el(tr, 'td', 'num', fmtInt(r.parameterCount));
    el(tr, 'td', 'num', r.auc.toFixed(3));
    el(tr, 'td', 'num', Number.isFinite(r.rejection50) ? r.rejection50.toFixed(1) : '∞');
    el(tr, 'td', 'num', `${(100 * r.accuracy).toFixed(1)} %`);
  }
}

// The lecture's point, in numbers: the CNN and the DNN compared on equal terms — both trained
// here the same way if both were, else the two shipped files. '' until there is a pair.
export function compareNote(results, trainCount) {
  const same = results.has('cnn') && results.has('dnn') && results.get('cnn').from === results.get('dnn').from &&
    !results.get('cnn').stopped && !results.get('dnn').stopped;
  const [cnn, dnn, how] = same
    ? [results.get('cnn'), results.get('dnn'), `Both trained here on the same ${fmtInt(trainCount)} jets`]
    : [results.get('shipped-cnn'), results.get('shipped-dnn'), 'The shipped files, both trained on the same 40,000 jets'];
  if (!cnn || !dnn) return '';
  const ratio = dnn.parameterCount / cnn.parameterCount;
  return `${how}: the CNN has ${fmtInt(cnn.parameterCount)} parameters, ${ratio.toFixed(1)}× fewer than the fully connected ` +
    `net's ${fmtInt(dnn.parameterCount)}, and reaches AUC ${cnn.auc.toFixed(3)} against ${dnn.auc.toFixed(3)}` +
    `${cnn.auc >= dnn.auc ? ': fewer weights, better separation. A filter finds a prong wherever it lands; a dense unit must learn each position separately.' : '. Here the dense net is ahead; train the CNN longer and compare again.'}`;
}
