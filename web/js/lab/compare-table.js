// CNN against fully connected net on the same test jets: parameters, ROC AUC, background
// rejection at 50 % signal efficiency, accuracy — one row per model the lab has results for.
// The lecture's argument (a CNN shares its weights across the image, so it needs fewer of them)
// made on physics data. Each row carries data-key and data-auc for tests.

import { el } from '../render/dom.js';

export const ROW_ORDER = ['cnn', 'dnn', 'shipped-cnn', 'shipped-dnn'];
const fmtInt = (n) => n.toLocaleString('en-US');

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
