// A heat map laid over a picture: the picture in grey (ink dark), each pixel tinted with the
// diverging colour of the map's value, the stronger the value the stronger the tint. Knows nothing
// of the engine; draws on the canvas it is handed, one canvas pixel per value (CSS enlarges it).

import { colorAt } from '../../colors.js';

// picture [H][W] in 0..1 (channel 0 of the input), map [H][W] signed, m > 0 the map's scale.
export function drawOverlay(canvas, picture, map, height, width, m) {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(width, height);
  const px = image.data;
  for (let i = 0; i < height * width; i++) {
    const ink = Math.min(1, Math.max(0, picture[i]));
    const grey = 255 - 200 * ink;  // ink stays readable under the tint
    const t = Math.max(-1, Math.min(1, map[i] / m));
    const alpha = Math.min(1, Math.abs(t) * 1.5);
    const [r, g, b] = colorAt('diverging', t);
    px[4 * i] = grey + alpha * (r - grey);
    px[4 * i + 1] = grey + alpha * (g - grey);
    px[4 * i + 2] = grey + alpha * (b - grey);
    px[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

// The largest |value| of a map, or 1 for an all-zero map (a scale is never empty).
export function scaleOf(map) {
  let m = 0;
  for (const v of map) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m || 1;
}
