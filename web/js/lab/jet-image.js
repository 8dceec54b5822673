// Jet images on canvases, on a log colour scale: a pixel holds its fraction of the jet's pT, from
// about 10⁻⁴ (pile-up, soft radiation) to 0.5 (a hard prong), so a linear scale would show only
// the prongs. The "jet" scale of colors.js spans log₁₀ of [LOG_FLOOR, 1]; a pixel at or below
// the floor (or empty) is black. The legend reads in pT fractions.

import { drawMap } from '../render/heatmap.js';
import { renderLegend } from '../render/grid.js';

export const LOG_FLOOR = -4;  // log₁₀ of the smallest pT fraction given a colour
const SIDE = 25;

// image: Float32Array(625) (or a view) → its log₁₀ values, clamped at LOG_FLOOR.
export function logImage(image) {
  return Float32Array.from(image, (v) => (v > 10 ** LOG_FLOOR ? Math.log10(v) : LOG_FLOOR));
}

export function drawJet(canvas, image) {
  drawMap(canvas, logImage(image), 0, SIDE, SIDE, 'jet', [LOG_FLOOR, 0]);
}

const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
// log₁₀ value → "10⁻⁴", "1"
export const powerOfTen = (e) => (e === 0 ? '1' : `10${String(e).replace(/./g, (c) => SUPERSCRIPT[c])}`);

export function renderJetLegend(element) {
  renderLegend(element, { scale: 'jet', domain: [LOG_FLOOR, 0], format: powerOfTen });
  element.setAttribute('aria-label', `log colour scale of the pixel's fraction of the jet pT, from ${powerOfTen(LOG_FLOOR)} (black) to 1`);
}
