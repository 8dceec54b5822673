// Section 6: colour channels. A 5×5 RGB image (a red "\", a green "/" and a blue "—"), a filter with
// three 3×3 kernel layers (one per channel) and one bias. The engine runs each channel through its
// own kernel (a 1-channel model, bias 0) and the whole image through the 3-channel filter; the page
// shows that the 3-channel result is the per-channel results added up, plus the bias.
// Handed its elements and the engine; every computed number comes from a trace.

import { renderGrid, renderLegend } from '../render/grid.js';
import { channel, runModel } from './trace.js';
import { convModel } from './models.js';
import { interactiveGrid } from './cells.js';
import { formatProse } from './window-view.js';

export const RGB_CHANNELS = Object.freeze(['r', 'g', 'b']);
const CHANNEL_NAMES = { r: 'red', g: 'green', b: 'blue' };

// prettier-ignore
export const RGB_IMAGE = Object.freeze({
  r: [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]],  // "\"
  g: [[0, 0, 0, 0, 1], [0, 0, 0, 1, 0], [0, 0, 1, 0, 0], [0, 1, 0, 0, 0], [1, 0, 0, 0, 0]],  // "/"
  b: [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]],  // "—"
});
// prettier-ignore
export const RGB_KERNELS = Object.freeze({
  r: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  g: [[0, 0, 1], [0, 1, 0], [1, 0, 0]],
  b: [[0, 0, 0], [1, 1, 1], [0, 0, 0]],
});
export const RGB_BIAS = -6;

// els: {swatch, image: {r,g,b: table}, kernel: {r,g,b}, result: {r,g,b}, output, bias,
//       legends: {image, kernel, result, output}, equation, selected}
export function createChannels(els, cs) {
  const image = { r: RGB_IMAGE.r.map((row) => [...row]), g: RGB_IMAGE.g.map((row) => [...row]), b: RGB_IMAGE.b.map((row) => [...row]) };
  const h = image.r.length;
  const w = image.r[0].length;
  const k = RGB_KERNELS.r.length;
  let selected = [1, 1];
  const doc = els.swatch.ownerDocument;

  const refreshers = {};
  for (const c of RGB_CHANNELS) {
    refreshers[c] = interactiveGrid(els.image[c], {
      label: (r, col, td) => `${CHANNEL_NAMES[c]} channel, row ${r + 1}, column ${col + 1}: ${td.textContent}. Flip it.`,
      onActivate: (r, col) => {
        image[c][r][col] = image[c][r][col] ? 0 : 1;
        update();
      },
    });
  }
  const refreshOutput = interactiveGrid(els.output, {
    label: (r, c, td) => `output row ${r + 1}, column ${c + 1}: ${td.textContent}. Show its sum.`,
    onActivate: (r, c) => {
      selected = [r, c];
      update();
    },
  });

  function update() {
    // The picture: each pixel's colour from its three channel values.
    els.swatch.style.setProperty('--cols', String(w));
    els.swatch.replaceChildren(...image.r.flatMap((row, y) => row.map((_, x) => {
      const px = doc.createElement('span');
      px.style.backgroundColor = `rgb(${image.r[y][x] * 255}, ${image.g[y][x] * 255}, ${image.b[y][x] * 255})`;
      return px;
    })));

    const results = {};
    for (const c of RGB_CHANNELS) {
      renderLegend(els.legends.image[c], renderGrid(els.image[c], image[c], { name: `rgb-${c}`, colorScale: 'grey', domain: [0, 1] }));
      refreshers[c]();
      renderLegend(els.legends.kernel[c], renderGrid(els.kernel[c], RGB_KERNELS[c], { name: `kernel-${c}`, colorScale: 'diverging' }));
      const bytes = convModel({ height: h, width: w, kernel: k, weight: RGB_KERNELS[c].flat(), bias: [0] });
      results[c] = channel(runModel(cs, bytes, image[c].flat()).layers.conv);
      renderLegend(els.legends.result[c], renderGrid(els.result[c], results[c], { name: `channel-${c}`, colorScale: 'diverging' }));
    }

    // The real thing: one 3-channel filter, weight [1, 3, K, K], input [3, H, W] channel-major.
    const bytes = convModel({
      channels: 3, height: h, width: w, kernel: k,
      weight: RGB_CHANNELS.flatMap((c) => RGB_KERNELS[c].flat()), bias: [RGB_BIAS],
    });
    const output = channel(runModel(cs, bytes, RGB_CHANNELS.flatMap((c) => image[c].flat())).layers.conv);
    renderLegend(els.legends.output, renderGrid(els.output, output, { name: 'rgb-output', colorScale: 'diverging' }));
    refreshOutput();
    const [r, c] = selected;
    els.output.rows[r].cells[c].classList.add('current');
    for (const ch of RGB_CHANNELS) els.result[ch].rows[r].cells[c].classList.add('current');

    els.bias.textContent = formatProse(RGB_BIAS);
    const term = (v) => (v < 0 ? `(${formatProse(v)})` : formatProse(v));
    els.equation.textContent = `${RGB_CHANNELS.map((ch) => term(results[ch][r][c])).join(' + ')} + ${term(RGB_BIAS)} = ${formatProse(output[r][c])}`;
    els.equation.dataset.value = String(output[r][c]);
    els.selected.textContent = `Output row ${r + 1}, column ${c + 1}: red + green + blue + bias`;
  }

  update();
}
