// A confusion matrix as a table: one row per true class, one column per predicted class, each
// cell a button holding its count and coloured by it (sequential scale on √count, so the few
// mistakes still show beside the diagonal's thousand). Handed its <table>; knows nothing else.

import { cellColors } from '../../render/grid.js';

// counts [classes·classes] (counts[true·classes + predicted]); onCell(row, col) on a click.
// → the colour domain's top, √(largest count) (for the legend).
export function renderConfusionMatrix(table, counts, classes, onCell) {
  const doc = table.ownerDocument;
  let max = 0;
  for (let i = 0; i < counts.length; i++) max = Math.max(max, Math.sqrt(counts[i]));
  const caption = doc.createElement('caption');
  caption.textContent = 'Rows: the true digit. Columns: what the model read. Click a cell to see its digits.';
  const head = doc.createElement('thead');
  const hr = head.insertRow();
  const corner = doc.createElement('th');
  corner.scope = 'col';
  corner.textContent = 'true ↓ read →';
  hr.append(corner);
  for (let c = 0; c < classes; c++) {
    const th = doc.createElement('th');
    th.scope = 'col';
    th.textContent = String(c);
    hr.append(th);
  }
  const body = doc.createElement('tbody');
  for (let r = 0; r < classes; r++) {
    const tr = body.insertRow();
    const th = doc.createElement('th');
    th.scope = 'row';
    th.textContent = String(r);
    tr.append(th);
    for (let c = 0; c < classes; c++) {
      const n = counts[r * classes + c];
      const td = tr.insertCell();
      const button = doc.createElement('button');
      button.type = 'button';
      button.dataset.row = String(r);
      button.dataset.col = String(c);
      button.dataset.count = String(n);
      button.textContent = String(n);
      button.setAttribute('aria-label', r === c ? `${n} ${r}s read correctly` : `${n} ${r}s read as ${c}`);
      const { background, color } = cellColors(Math.sqrt(n), 'sequential', [0, max || 1]);
      Object.assign(button.style, { background, color });
      if (r === c) td.className = 'diagonal';
      button.addEventListener('click', () => {
        table.querySelector('button[aria-pressed="true"]')?.setAttribute('aria-pressed', 'false');
        button.setAttribute('aria-pressed', 'true');
        onCell(r, c);
      });
      button.setAttribute('aria-pressed', 'false');
      td.append(button);
    }
  }
  table.replaceChildren(caption, head, body);
  return max;
}
