// The explanation of one clicked cell, with the engine's numbers: for a conv cell the patch of
// the layer's input it sees, the kernel, their element-wise products and "dot product + bias =
// value"; for a pooled cell its window and which value won (max) or the average; for an
// activation its formula; for a dense unit its largest terms; for softmax e^z / Σ e^z. The value
// shown is the engine's (from the trace); the sum beside it is recomputed here from the weights
// in the model file, so the two can be compared. Returns the marks to draw (receptive field).

import { domainOf, scaleFor, valueKind } from '../colors.js';
import { el } from './dom.js';
import { formatNumber, renderGrid } from './grid.js';
import { explainConv, explainDense, explainPool, receptiveField } from './receptive-field.js';

const fmt = (v) => formatNumber(v).replace('-', '\u2212');  // typographic minus in prose

// A small numeric table; role names it for tests and screen readers.
function table(parent, matrix, role, colorScale, domain, caption) {
  const block = el(parent, 'div', 'explain-grid');
  if (caption) el(block, 'span', 'explain-caption', caption);
  const t = el(block, 'table');
  t.dataset.role = role;
  t.setAttribute('aria-label', caption ?? role);
  renderGrid(t, matrix, { colorScale, domain });
  return t;
}

// "<b>name</b> = value" parts of an equation line, each a span with data-role and data-value.
function equation(parent, parts) {
  const p = el(parent, 'p', 'equation');
  for (const part of parts) {
    if (typeof part === 'string') {
      p.append(part);
      continue;
    }
    const s = el(p, 'span', `term term-${part.role}`, part.text ?? fmt(part.value));
    s.dataset.role = part.role;
    s.dataset.value = String(part.value);
  }
  return p;
}

// Marks for the receptive field of (y, x) of layer i in every earlier layer and the input.
function fieldMarks(geoms, i, channel, y, x) {
  return [{ layer: i, part: 'output', channel, y0: y, x0: x, y1: y, x1: x, kind: 'cell' },
    ...receptiveField(geoms, i, y, x).map((r) => ({ ...r, part: 'output', kind: 'field' }))];
}

// sel: {layer, part, channel, y, x, index}; ctx: {geoms, trace, input, weights, labels}.
// Fills box and returns [{layer (−1: the input), part, channel?, y0, x0, y1, x1, kind} | {layer, index, kind}].
export function renderExplanation(box, sel, { geoms, trace, input, weights, labels }) {
  box.replaceChildren();
  box.hidden = false;
  const i = sel.layer;
  const g = geoms[i];
  const out = trace.layers[i].data;
  const before = i === 0 ? input : trace.layers[i - 1].data;
  const beforeName = i === 0 ? 'the input' : geoms[i - 1].name;
  const w = weights.get(`${g.name}.weight`), b = weights.get(`${g.name}.bias`);
  const inKind = valueKind(geoms, i - 1);
  const inScale = scaleFor(inKind);
  const title = el(box, 'h4');
  box.dataset.explains = g.name;

  if (sel.part === 'weights') {
    const o = sel.channel;
    if (g.type === 'conv2d') {
      const [, ic, kh, kw] = w.shape;
      title.textContent = `Filter ${o} of ${g.name}: ${ic} kernel${ic > 1 ? 's' : ''} of ${kh}×${kw}, bias ${fmt(b.data[o])}`;
      const grids = el(box, 'div', 'explain-row');
      const domain = domainOf(w.data, 'diverging', 'signed');
      for (let c = 0; c < ic; c++) {
        const k = Array.from({ length: kh }, (_, y) => Array.from(w.data.subarray(((o * ic + c) * kh + y) * kw, ((o * ic + c) * kh + y + 1) * kw)));
        table(grids, k, 'kernel', 'diverging', domain, ic > 1 ? `input channel ${c}` : 'weights');
      }
    } else {
      title.textContent = `Unit ${o} of ${g.name}: its ${g.inDims[0]} weights drawn as an image, bias ${fmt(b.data[o])}. Inputs that are ink where the image is orange push this unit up; blue pushes it down.`;
    }
    return [{ layer: i, part: 'weights', channel: o, y0: 0, x0: 0, y1: 0, x1: 0, kind: 'whole' }];
  }

  if (g.outDims.length === 3) {
    const [, h, wd] = g.outDims;
    const { channel: c, y, x } = sel;
    const value = out[(c * h + y) * wd + x];
    const marks = fieldMarks(geoms, i, c, y, x);
    if (g.type === 'conv2d') {
      const e = explainConv(g, before, w.data, b.data, c, y, x);
      title.textContent = `${g.name}, feature map ${c}, row ${y}, column ${x}: filter ${c} over ${beforeName}`;
      const inDomain = domainOf(before, inScale, inKind);
      const kDomain = domainOf(w.data, 'diverging', 'signed');
      let m = 0;  // one colour domain for all products, so channels compare
      for (const ch of e.channels) for (const r of ch.products) for (const v of r) m = Math.max(m, Math.abs(v));
      const pDomain = [-(m || 1), m || 1];
      const rows = el(box, 'div', 'explain-channels');
      // it scrolls (many channels): a keyboard stop of its own, so it can be scrolled without a mouse
      Object.assign(rows, { tabIndex: 0 }).setAttribute('role', 'region');
      rows.setAttribute('aria-label', 'the sum, input channel by input channel');
      for (const ch of e.channels) {
        const row = el(rows, 'div', 'explain-row');
        row.dataset.channel = String(ch.channel);
        const label = e.channels.length > 1 ? `in ${ch.channel}: ` : '';
        const patch = table(row, ch.patch, 'patch', inScale, inDomain, `${label}input patch`);
        ch.padded.forEach((r, py) => r.forEach((pad, px) => pad && patch.rows[py].cells[px].classList.add('padding')));
        el(row, 'span', 'op', '⊙');
        table(row, ch.kernel, 'kernel', 'diverging', kDomain, 'kernel');
        el(row, 'span', 'op', '=');
        table(row, ch.products, 'products', 'diverging', pDomain, 'products');
        equation(row, ['Σ = ', { role: 'channel-sum', value: ch.sum }]);
      }
      equation(box, [`dot product (${e.terms} products) `, { role: 'dot', value: e.dot }, ' + bias ',
        { role: 'bias', value: e.bias }, ' = ', { role: 'value', value }]);
      el(box, 'p', 'note', `The engine computed ${formatNumber(value)}; the sum of the products above gives ${formatNumber(e.value)}.${e.channels.some((ch) => ch.padded.flat().some(Boolean)) ? ' Hatched cells are zero padding.' : ''}`);
      return marks;
    }
    if (g.type === 'maxpool2d' || g.type === 'avgpool2d') {
      const e = explainPool(g, before, c, y, x);
      title.textContent = `${g.name}, map ${c}, row ${y}, column ${x}: the ${e.max ? 'largest' : 'average'} of a ${g.win.kh}×${g.win.kw} window of ${beforeName}`;
      const t = table(el(box, 'div', 'explain-row'), e.window, 'window', inScale, domainOf(before, inScale, inKind), 'window');
      if (e.winner) t.rows[e.winner.ky].cells[e.winner.kx].classList.add('winner');
      equation(box, e.max ? ['max = ', { role: 'value', value }] : [`sum ${fmt(e.sum)} / ${e.count} = `, { role: 'value', value }]);
      if (e.winner) marks.push({ layer: i - 1, part: 'output', channel: c, y0: e.origin.y + e.winner.ky, x0: e.origin.x + e.winner.kx, y1: e.origin.y + e.winner.ky, x1: e.origin.x + e.winner.kx, kind: 'winner' });
      return marks;
    }
    const pre = before[(c * h + y) * wd + x];
    title.textContent = `${g.name}, map ${c}, row ${y}, column ${x}`;
    equation(box, [`${g.type}(`, { role: 'input', value: pre }, ') = ', { role: 'value', value }]);
    return marks;
  }

  // Vectors.
  const k = sel.index;
  const value = out[k];
  const marks = [{ layer: i, index: k, kind: 'cell' }];
  if (g.type === 'dense') {
    const e = explainDense(g, before, w.data, b.data, k);
    title.textContent = `${g.name}, unit ${k}${g.outDims[0] === labels.length ? ` (class ${labels[k]})` : ''}: Σ weight × input over ${e.count} inputs, + bias`;
    // Inputs named by where they came from: "c,y,x" of the map a flatten layer flattened.
    const flat = i > 0 && geoms[i - 1].type === 'flatten' ? geoms[i - 1].flatFrom : null;
    const where = (n) => (flat ? [Math.floor(n / (flat[1] * flat[2])), Math.floor((n % (flat[1] * flat[2])) / flat[2]), n % flat[2]].slice(flat[0] > 1 ? 0 : 1).join(',') : String(n));
    const rows = [[flat ? (flat[0] > 1 ? 'input (c,y,x)' : 'pixel (y,x)') : 'input #', 'input', 'weight', 'product']];
    const t = el(el(box, 'div', 'explain-row'), 'table', 'terms');
    t.dataset.role = 'terms';
    for (const [r, cells] of [rows[0], ...e.top.map((term) => [where(term.index), term.input, term.weight, term.product])].entries()) {
      const tr = el(t, 'tr');
      for (const v of cells) el(tr, r === 0 ? 'th' : 'td', '', typeof v === 'number' && r > 0 ? formatNumber(v) : String(v));
    }
    el(box, 'p', 'note', `The ${e.top.length} largest of ${e.count} products (by size).`);
    equation(box, [`dot product `, { role: 'dot', value: e.dot }, ' + bias ', { role: 'bias', value: e.bias }, ' = ', { role: 'value', value }]);
    for (const term of e.top) marks.push({ layer: i - 1, index: term.index, kind: 'field' });
  } else if (g.type === 'flatten' && g.flatFrom) {
    const [, fh, fw] = g.flatFrom;
    const c = Math.floor(k / (fh * fw)), y = Math.floor((k % (fh * fw)) / fw), x = k % fw;
    title.textContent = `${g.name}[${k}] is ${beforeName}, map ${c}, row ${y}, column ${x}`;
    equation(box, [`${g.name}[${k}] = `, { role: 'value', value }]);
    marks.push({ layer: i - 1, part: 'output', channel: c, y0: y, x0: x, y1: y, x1: x, kind: 'cell' });
  } else if (g.type === 'softmax') {
    let sum = 0;
    for (let j = 0; j < before.length; j++) sum += Math.exp(before[j]);
    title.textContent = `${g.name}, class ${labels[k] ?? k}`;
    equation(box, ['e^', { role: 'input', value: before[k] }, ' / Σ e^z ', { role: 'sum', value: sum, text: fmt(sum) }, ' = ', { role: 'value', value }]);
  } else {
    title.textContent = `${g.name}[${k}]`;
    equation(box, [`${g.type}(`, { role: 'input', value: before[k] }, ') = ', { role: 'value', value }]);
  }
  return marks;
}
