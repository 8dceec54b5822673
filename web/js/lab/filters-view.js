// The first convolution layer's learned filters: one 5×5 picture per filter (diverging scale:
// orange weights add the pixel's pT, blue ones subtract it), all on one shared domain so they can
// be compared. A fully connected net has none; the container then says so.

import { domainOf } from '../colors.js';
import { el } from '../render/dom.js';
import { drawKernels, kernelTiles } from '../render/heatmap.js';
import { renderLegend } from '../render/grid.js';

const PX = 12;  // CSS pixels per weight

// filters: {name, shape: [OC, IC, KH, KW], data} or null.
export function renderFilters(container, legend, filters) {
  container.replaceChildren();
  if (!filters) {
    el(container, 'p', 'note', 'This network has no convolution layer: no filters to show.');
    legend.replaceChildren();
    return;
  }
  const [oc, ic, kh, kw] = filters.shape;
  const domain = domainOf(filters.data, 'diverging', 'signed');
  const { width } = kernelTiles(ic, kh, kw);
  for (let o = 0; o < oc; o++) {
    const f = el(container, 'figure', 'filter');
    const box = el(f, 'div', 'fm-map');
    box.style.width = `calc(${width * PX}px * var(--map-scale, 1))`;  // lab.css scales all maps
    drawKernels(el(box, 'canvas'), filters.data, o * ic * kh * kw, ic, kh, kw, 'diverging', domain);
    el(f, 'figcaption', '', String(o));
  }
  renderLegend(legend, { scale: 'diverging', domain });
}
