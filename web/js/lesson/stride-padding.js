// Section 5: stride and padding.
//   Stride: the current image and filter at stride 1, 2, 3 side by side, each map's size from the
//   engine's trace next to the formula OH = ⌊(H + 2P − K) / S⌋ + 1.
//   Padding: the lecture's padding slide (6×6 input, zero padding 1, vertical-edge filter), the
//   engine's output, the slide as printed with the cells where it differs from the engine marked,
//   and a window view of any output cell (click it, or "show me" an erratum).
// Handed its elements and the engine; every computed number comes from a trace.

import { renderGrid, renderLegend } from '../render/grid.js';
import { PADDING_INPUT, PADDING_SLIDE_OUTPUT, VERTICAL_EDGE_FILTER } from '../lecture-data.js';
import { channel, runModel } from './trace.js';
import { convModel, padModel, tapsModel, TAP_VALUE } from './models.js';
import { cellsOf, interactiveGrid } from './cells.js';
import { formatProse, renderWindowView } from './window-view.js';

export const STRIDES = Object.freeze([1, 2, 3]);

// els: {strides: {1: {grid, legend, formula}, 2: …, 3: …}}; image [H][W], filter [K][K], bias, padding.
export function renderStrides(els, cs, { image, filter, bias, padding }) {
  const h = image.length;
  const w = image[0].length;
  const k = filter.length;
  for (const stride of STRIDES) {
    const { grid, legend, formula } = els.strides[stride];
    const bytes = convModel({ height: h, width: w, kernel: k, stride, padding, weight: filter.flat(), bias: [bias] });
    const conv = runModel(cs, bytes, image.flat()).layers.conv;
    const map = channel(conv);
    renderLegend(legend, renderGrid(grid, map, { name: `stride-${stride}`, colorScale: 'diverging' }));
    const [, oh, ow] = conv.shape;
    formula.textContent = `\u230A(${h} + 2\u00B7${padding} \u2212 ${k}) / ${stride}\u230B + 1 = ${oh}, so ${oh}\u00D7${ow}`;
    formula.dataset.rows = String(oh);
    formula.dataset.cols = String(ow);
  }
}

const ordinal = (r, c) => `row ${r + 1}, column ${c + 1}`;

// The padding slide, computed once; then only the selected cell changes.
// els: {view: window-view elements, slide, slideLegend, output, errata <ul>, selected}
export function createPaddingSlide(els, cs) {
  const h = PADDING_INPUT.length;
  const w = PADDING_INPUT[0].length;
  const padding = 1;
  const stride = 1;
  const bias = 0;
  const input = PADDING_INPUT.flat();
  const padded = channel(runModel(cs, padModel({ height: h, width: w, padding }), input).layers.pad);
  const taps = runModel(cs, tapsModel({ filter: VERTICAL_EDGE_FILTER, bias, stride, padding, height: h, width: w }), input).layers.taps;
  const output = channel(taps, TAP_VALUE);
  const data = { padded, padding, stride, filter: VERTICAL_EDGE_FILTER, bias, taps };

  // The slide as printed, with every cell where the engine disagrees.
  renderLegend(els.slideLegend, renderGrid(els.slide, PADDING_SLIDE_OUTPUT, { name: 'padding-slide', colorScale: 'diverging' }));
  const errata = [];
  PADDING_SLIDE_OUTPUT.forEach((row, r) => row.forEach((printed, c) => {
    if (printed !== output[r][c]) errata.push({ r, c, printed, computed: output[r][c] });
  }));
  const flag = (table) => {
    const cells = cellsOf(table);
    for (const { r, c } of errata) cells[r][c].classList.add('erratum');
  };
  flag(els.slide);

  let selected = [0, 0];
  const select = (r, c) => {
    selected = [r, c];
    const { rows, cols } = renderWindowView(els.view, data, r * taps.shape[2] + c, {
      names: { window: 'padded-input', filter: 'padding-filter', products: 'padding-products', map: 'padding-output' },
    });
    flag(els.view.map);
    refresh();
    const k = VERTICAL_EDGE_FILTER.length;
    els.selected.textContent = `Output ${ordinal(r, c)} of ${rows}\u00D7${cols}: the window covers rows ${r + 1}\u2013${r + k} and columns ${c + 1}\u2013${c + k} of the padded input.`;
  };
  const refresh = interactiveGrid(els.view.map, {
    label: (r, c, td) => `${ordinal(r, c)}: ${td.textContent}${td.classList.contains('erratum') ? ' (the slide prints something else)' : ''}. Show its window.`,
    onActivate: select,
  });

  const doc = els.errata.ownerDocument;
  els.errata.replaceChildren(...errata.map(({ r, c, printed, computed }) => {
    const li = doc.createElement('li');
    li.dataset.row = String(r + 1);
    li.dataset.col = String(c + 1);
    li.dataset.printed = String(printed);
    li.dataset.computed = String(computed);
    const why = printed === -computed ? ' \u2014 the minus sign got lost.' : ' \u2014 an arithmetic slip.';
    li.append(`Row ${r + 1}, column ${c + 1}: the slide prints ${formatProse(printed)}, the engine computes ${formatProse(computed)}${why} `);
    const button = doc.createElement('button');
    button.type = 'button';
    button.className = 'small-button';
    button.textContent = `Show the window for row ${r + 1}, column ${c + 1}`;
    button.addEventListener('click', () => select(r, c));
    li.append(button);
    return li;
  }));

  select(...selected);
  return { errata, output };
}
