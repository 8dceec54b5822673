// Heat maps on canvases: one canvas pixel per value, coloured through a lookup table of
// colors.js; CSS enlarges the canvas with `image-rendering: pixelated`. Knows nothing of the
// engine or of pointers. Each canvas keeps its ImageData, so a redraw allocates nothing.

import { packedTable } from '../colors.js';

const NAN_PIXEL = 0xffcccccc;  // opaque grey (RGBA bytes cc cc cc ff)
const images = new WeakMap();  // canvas → {ctx, image, pixels: Uint32Array view}

// The canvas resized to w × h, with its ImageData and a 32-bit view on the pixels.
function surface(canvas, w, h) {
  let s = images.get(canvas);
  if (!s || s.image.width !== w || s.image.height !== h) {
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(w, h);
    s = { ctx, image, pixels: new Uint32Array(image.data.buffer) };
    images.set(canvas, s);
  }
  return s;
}

// pixels[at + i] = colour of values[offset + i] for i < n, under scale over domain [lo, hi].
function paint(pixels, at, values, offset, n, scale, [lo, hi]) {
  const table = packedTable(scale);
  const diverging = scale === 'diverging';
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const a = diverging ? 127.5 / m : 255 / (hi - lo || 1);  // t·255 = (v - b)·a
  const b = diverging ? -m : lo;
  for (let i = 0; i < n; i++) {
    const v = values[offset + i];
    if (v !== v || v === Infinity || v === -Infinity) {  // NaN or ±∞
      pixels[at + i] = NAN_PIXEL;
      continue;
    }
    let k = Math.round((v - b) * a);
    k = k < 0 ? 0 : k > 255 ? 255 : k;
    pixels[at + i] = table[k];
  }
}

// One channel [h][w] = data[offset + y·w + x] → canvas (resized to w × h).
export function drawMap(canvas, data, offset, h, w, scale, domain) {
  const s = surface(canvas, w, h);
  paint(s.pixels, 0, data, offset, h * w, scale, domain);
  s.ctx.putImageData(s.image, 0, 0);
}

// Layout of one filter's ic kernels [ic][kh][kw] as tiles in a grid with 1-px gaps:
// {cols, rows, width, height}.
export function kernelTiles(ic, kh, kw) {
  const cols = Math.ceil(Math.sqrt(ic));
  const rows = Math.ceil(ic / cols);
  return { cols, rows, width: cols * (kw + 1) - 1, height: rows * (kh + 1) - 1 };
}

// One filter's kernels, weight[o] = data[offset ..] laid out [ic][kh][kw], as tiles; gaps are
// transparent.
export function drawKernels(canvas, data, offset, ic, kh, kw, scale, domain) {
  const { cols, width, height } = kernelTiles(ic, kh, kw);
  const s = surface(canvas, width, height);
  s.pixels.fill(0);
  for (let c = 0; c < ic; c++) {
    const x0 = (c % cols) * (kw + 1), y0 = Math.floor(c / cols) * (kh + 1);
    for (let y = 0; y < kh; y++) paint(s.pixels, (y0 + y) * width + x0, data, offset + (c * kh + y) * kw, kw, scale, domain);
  }
  s.ctx.putImageData(s.image, 0, 0);
}

// A vector of n values as rows of `cols` cells (the last row may be short; the rest is blank).
export function drawVector(canvas, data, cols, scale, domain) {
  const s = surface(canvas, cols, Math.ceil(data.length / cols));
  s.pixels.fill(0);
  paint(s.pixels, 0, data, 0, data.length, scale, domain);
  s.ctx.putImageData(s.image, 0, 0);
}

// Display pixels per value for a map of side n: small maps get bigger cells, so all stay legible.
export function cellPixels(n) {
  if (n >= 24) return 3;
  if (n >= 12) return 4;
  if (n >= 6) return 7;
  return 10;
}
