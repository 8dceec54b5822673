// Numeric grids: a matrix [rows][cols] → a <table data-grid="NAME"> whose cells show the numbers,
// shaded by a colour scale of ../colors.js (diverging for signed values, sequential for values ≥ 0,
// grey for pixel images where black = 1; here every domain is [−m, m] or [0, m] of the values
// unless given). Knows nothing of the engine or the page; it is handed its elements.
// Text is black or white, whichever contrasts more with the cell (WCAG relative luminance).

import { colorAt, hexToRgb, SCALE_NAMES, STOPS } from '../colors.js';

const DARK_TEXT = '#111111';
const LIGHT_TEXT = '#ffffff';

// Integers as integers, others with up to 3 decimals; ASCII minus so Number(text) reads it back.
export function formatNumber(value) {
  if (Number.isNaN(value)) return 'NaN';
  if (Object.is(value, -0)) return '0';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(3)));
}

// 'auto' → diverging if any value is negative, else sequential.
export function pickScale(values, colorScale = 'auto') {
  if (colorScale !== 'auto') {
    if (!STOPS[colorScale]) throw new Error(`colour scale ${JSON.stringify(colorScale)}: expected auto, ${SCALE_NAMES.join(', ')}`);
    return colorScale;
  }
  return values.some((v) => v < 0) ? 'diverging' : 'sequential';
}

// [lo, hi] the scale spans: symmetric around 0 for diverging; never empty.
export function defaultDomain(values, scale) {
  const finite = values.filter(Number.isFinite);
  if (scale === 'diverging') {
    const m = Math.max(0, ...finite.map(Math.abs)) || 1;
    return [-m, m];
  }
  return [0, Math.max(0, ...finite) || 1];
}

// value → {background, color} for a cell, under scale over domain.
export function cellColors(value, scale, [lo, hi]) {
  if (!Number.isFinite(value)) return { background: '#cccccc', color: DARK_TEXT };
  let t;  // position on the stops' axis
  if (scale === 'diverging') {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    t = clamp(value / m, -1, 1);
  } else {
    t = clamp((value - lo) / (hi - lo || 1), 0, 1);
  }
  const rgb = colorAt(scale, t);
  return { background: toCss(rgb), color: textOn(rgb) };
}

// Fills table (emptying it first) with one <tr> per matrix row and one <td> per value.
// Each cell: text = format(value), data-value = the raw number, background and text colour.
// Returns {scale, domain} so a legend can show the same mapping.
export function renderGrid(table, matrix, { name, format = formatNumber, colorScale = 'auto', domain } = {}) {
  const rows = Array.from(matrix, (row) => Array.from(row, Number));
  const cols = rows.length ? rows[0].length : 0;
  if (rows.some((row) => row.length !== cols)) throw new Error(`grid ${name ?? ''}: rows differ in length`);
  const values = rows.flat();
  const scale = pickScale(values, colorScale);
  const span = domain ?? defaultDomain(values, scale);

  if (name !== undefined) table.dataset.grid = name;
  table.dataset.rows = String(rows.length);
  table.dataset.cols = String(cols);
  table.classList.add('grid');
  const doc = table.ownerDocument;
  const body = doc.createElement('tbody');
  for (const row of rows) {
    const tr = doc.createElement('tr');
    for (const value of row) {
      const td = doc.createElement('td');
      const { background, color } = cellColors(value, scale, span);
      td.textContent = format(value);
      td.dataset.value = String(value);
      td.style.backgroundColor = background;
      td.style.color = color;
      tr.append(td);
    }
    body.append(tr);
  }
  table.replaceChildren(body);
  return { scale, domain: span };
}

// Fills element with a small legend: low label, gradient bar, high label (and 0 mid-label for diverging).
// A legend asked for again with the same scale, domain and format is left as it is (the drawing
// page asks at every stroke move).
const shownLegends = new WeakMap();  // element → {scale, lo, hi, format}
export function renderLegend(element, { scale, domain, format = formatNumber }) {
  const doc = element.ownerDocument;
  const [lo, hi] = domain;
  const shown = shownLegends.get(element);
  if (shown && shown.scale === scale && Object.is(shown.lo, lo) && Object.is(shown.hi, hi) && shown.format === format && element.childElementCount) return;
  shownLegends.set(element, { scale, lo, hi, format });
  const bar = doc.createElement('span');
  bar.className = 'legend-bar';
  const stops = STOPS[scale].map(([t]) => {
    const value = scale === 'diverging' ? t * Math.max(Math.abs(lo), Math.abs(hi)) : lo + t * (hi - lo);
    const pos = scale === 'diverging' ? (t + 1) * 50 : t * 100;
    return `${cellColors(value, scale, domain).background} ${pos.toFixed(1)}%`;
  });
  bar.style.backgroundImage = `linear-gradient(to right, ${stops.join(', ')})`;
  const label = (text) => {
    const s = doc.createElement('span');
    s.className = 'legend-label';
    s.textContent = text;
    return s;
  };
  element.classList.add('legend');
  element.setAttribute('aria-label', `colour scale from ${format(lo)} to ${format(hi)}`);
  element.replaceChildren(label(format(lo)), bar, label(format(hi)));
}

function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}

function toCss([r, g, b]) {
  return `rgb(${r}, ${g}, ${b})`;
}

// WCAG 2 relative luminance of an sRGB colour.
function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const DARK_LUMINANCE = luminance(hexToRgb(DARK_TEXT));

// The text colour with the better contrast on rgb; where neither reaches WCAG AA's 4.5:1 (mid
// blues: #111 gives 4.39:1 on #3d7eb9), pure black, which always does on those backgrounds.
// Remembered per background: the lesson shades ~1,500 cells before it is ready.
const textColours = new Map();  // 0xrrggbb → text colour
function textOn(rgb) {
  const key = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
  let text = textColours.get(key);
  if (text === undefined) {
    const l = luminance(rgb);
    const contrastDark = (l + 0.05) / (DARK_LUMINANCE + 0.05);
    const contrastLight = 1.05 / (l + 0.05);
    if (Math.max(contrastDark, contrastLight) < 4.5) text = '#000000';
    else text = contrastDark >= contrastLight ? DARK_TEXT : LIGHT_TEXT;
    textColours.set(key, text);
  }
  return text;
}
