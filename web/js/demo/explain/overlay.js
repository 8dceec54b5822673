// A heat map laid over a picture: the picture in grey (ink dark), each pixel tinted with the
// diverging colour of the map's value, the stronger the value the stronger the tint. Over the
// model's input (one canvas pixel per value, CSS enlarges it) or back over the drawing on the pad
// (one canvas pixel per pad pixel, each tinted by the map value it was averaged into, through the
// placement the engine's preprocessing reports). Knows nothing of the engine; draws on the canvas
// it is handed.

import { colorAt } from '../../colors.js';

// picture [H][W] in 0..1 (channel 0 of the input), map [H][W] signed, m > 0 the map's scale.
export function drawOverlay(canvas, picture, map, height, width, m) {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(width, height);
  for (let i = 0; i < height * width; i++) tint(image.data, i, picture[i], map[i] / m);
  ctx.putImageData(image, 0, 0);
}

// Pixel i of rgba: ink (0..1) in grey, tinted by t (−1..1) on the diverging scale.
function tint(rgba, i, ink, t) {
  const grey = 255 - 200 * Math.min(1, Math.max(0, ink));  // ink stays readable under the tint
  const v = Math.max(-1, Math.min(1, t || 0));
  const alpha = Math.min(1, Math.abs(v) * 1.5);
  const [r, g, b] = colorAt('diverging', v);
  rgba[4 * i] = grey + alpha * (r - grey);
  rgba[4 * i + 1] = grey + alpha * (g - grey);
  rgba[4 * i + 2] = grey + alpha * (b - grey);
  rgba[4 * i + 3] = 255;
}

// The map [height][width] laid back over the drawing: ink {pixels (0..255), width, height} from the
// pad; placement {scale, offsetX, offsetY}: pad point (x, y) is map point (x·scale + offsetX,
// y·scale + offsetY). Each pad pixel takes the value of the map cell its centre falls in (none
// outside the map); m > 0 the map's scale. The canvas gets the pad's size.
export function drawOverlayOnDrawing(canvas, ink, placement, map, height, width, m) {
  if (canvas.width !== ink.width) canvas.width = ink.width;
  if (canvas.height !== ink.height) canvas.height = ink.height;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(ink.width, ink.height);
  const { scale, offsetX, offsetY } = placement;
  const column = Int32Array.from({ length: ink.width }, (_, x) => Math.floor((x + 0.5) * scale + offsetX));
  for (let y = 0; y < ink.height; y++) {
    const row = Math.floor((y + 0.5) * scale + offsetY);
    for (let x = 0; x < ink.width; x++) {
      const i = y * ink.width + x, c = column[x];
      const inside = row >= 0 && row < height && c >= 0 && c < width;
      tint(image.data, i, ink.pixels[i] / 255, inside ? map[row * width + c] / m : 0);
    }
  }
  ctx.putImageData(image, 0, 0);
}

// The largest |value| of a map, or 1 for an all-zero map (a scale is never empty).
export function scaleOf(map) {
  let m = 0;
  for (const v of map) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m || 1;
}
