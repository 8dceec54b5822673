// Colour scales, one per kind of value, all colour-blind safe; the one source of their colours:
// render/grid.js shades cells and draws legends with colorAt, canvases use 256-entry lookup tables.
//   diverging  — signed values (weights, conv and dense outputs before the activation, tanh):
//                blue < 0, white at 0, orange > 0, domain symmetric [−m, m]
//   sequential — values ≥ 0 (after ReLU or sigmoid, pooled, probabilities): white → orange, [0, m]
//   grey       — the model input, ink 0..1 (black = 1): white → near-black, [0, 1]
//   jet        — a jet image's pT fractions on a log axis (the jet lab): black → purple → orange →
//                pale yellow (after matplotlib's magma), as jet images are usually shown
// Each scale is a list of stops [t, colour] on its axis: −1..1 for diverging, 0..1 otherwise.

// prettier-ignore
export const STOPS = Object.freeze({
  diverging:  [[-1, '#2166ac'], [-0.5, '#92c5de'], [0, '#f7f7f7'], [0.5, '#fdb863'], [1, '#e66101']],
  sequential: [[0, '#ffffff'], [0.33, '#fee0b6'], [0.66, '#fdb863'], [1, '#e66101']],
  grey:       [[0, '#ffffff'], [1, '#1a1a1a']],
  jet:        [[0, '#000004'], [0.25, '#51127c'], [0.5, '#b73779'], [0.75, '#fc8961'], [1, '#fcfdbf']],
});

export const SCALE_NAMES = Object.freeze(Object.keys(STOPS));

// '#rrggbb' → [r, g, b], 0..255.
export function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const RGB_STOPS = Object.fromEntries(Object.entries(STOPS).map(([scale, stops]) =>
  [scale, stops.map(([t, hex]) => [t, hexToRgb(hex)])]));

// The colour at t on scale's axis → [r, g, b], 0..255: linear between the two stops around t,
// the end colours beyond the ends.
export function colorAt(scale, t) {
  const rgb = [0, 0, 0];
  colorInto(scale, t, rgb, 0);
  return rgb;
}

// colorAt written into out[at..at+2]: plain loops, no arrays made (the lookup tables call it 256
// times per scale before the drawing page is ready, in V8's first tier).
function colorInto(scale, t, out, at) {
  const stops = RGB_STOPS[scale];
  let i = 1;
  while (i < stops.length - 1 && t > stops[i][0]) i++;
  const t0 = stops[i - 1][0], c0 = stops[i - 1][1], t1 = stops[i][0], c1 = stops[i][1];
  const f = Math.min(1, Math.max(0, (t - t0) / (t1 - t0)));
  for (let c = 0; c < 3; c++) out[at + c] = Math.round(c0[c] + f * (c1[c] - c0[c]));
}

const LUT_SIZE = 256;
const luts = new Map();

// scale → Uint8ClampedArray(256·3): entry k is the colour at position k/255 of the scale's axis
// (for diverging, the axis −1..1 is mapped onto 0..255).
export function lookupTable(scale) {
  if (!STOPS[scale]) throw new Error(`colour scale ${JSON.stringify(scale)}: expected ${SCALE_NAMES.join(', ')}`);
  if (luts.has(scale)) return luts.get(scale);
  const stops = STOPS[scale];
  const lo = stops[0][0], hi = stops[stops.length - 1][0];
  const lut = new Uint8ClampedArray(LUT_SIZE * 3);
  for (let k = 0; k < LUT_SIZE; k++) colorInto(scale, lo + (k / (LUT_SIZE - 1)) * (hi - lo), lut, k * 3);
  luts.set(scale, lut);
  return lut;
}

// scale → Uint32Array(256) of opaque RGBA pixels packed for a little-endian ImageData view.
const packed = new Map();
export function packedTable(scale) {
  if (packed.has(scale)) return packed.get(scale);
  const lut = lookupTable(scale);
  const table = new Uint32Array(LUT_SIZE);
  for (let k = 0; k < LUT_SIZE; k++) table[k] = (255 << 24 | lut[3 * k + 2] << 16 | lut[3 * k + 1] << 8 | lut[3 * k]) >>> 0;
  packed.set(scale, table);
  return table;
}

// What a layer's output holds, from its type and (for shape-only layers) the layer before:
// 'signed' | 'nonneg' | 'probability'. layers: [{type}] in order; i = -1 is the input ('ink').
export function valueKind(layers, i) {
  for (let j = i; j >= 0; j--) {
    switch (layers[j].type) {
      case 'relu': case 'sigmoid': return 'nonneg';
      case 'softmax': return 'probability';
      case 'maxpool2d': case 'avgpool2d': case 'flatten': continue;  // keep what came in
      default: return 'signed';  // conv2d, dense, tanh, and types this page does not know
    }
  }
  return 'ink';
}

// The scale for a kind of value.
export function scaleFor(kind) {
  return { signed: 'diverging', nonneg: 'sequential', probability: 'sequential', ink: 'grey' }[kind] ?? 'diverging';
}

// [lo, hi] for values under scale: symmetric around 0 for diverging, [0, max] otherwise, [0, 1]
// for probabilities and ink; never empty.
export function domainOf(values, scale, kind) {
  if (kind === 'probability' || kind === 'ink') return [0, 1];
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) m = Math.max(m, scale === 'diverging' ? Math.abs(v) : v);
  }
  m = m || 1;
  return scale === 'diverging' ? [-m, m] : [0, m];
}
