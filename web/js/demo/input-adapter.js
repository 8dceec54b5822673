// The drawing as the input of any model. The engine's MNIST-style preprocessing gives 28×28 grey
// values (ink = 1, the drawing in a 20×20 box, its centre of mass in the middle); a model with
// another input size gets the same picture scaled to fit its H×W: the 28×28 square is resized by
// s = min(H, W) / 28 and centred, so the longer side gets blank margins and nothing is stretched.
// Shrinking averages areas (every source pixel counts, thin strokes stay grey, not lost);
// enlarging interpolates bilinearly. Each of the model's C channels gets the same grey picture.
// Layout: Float32Array [C][H][W], row-major, as the engine's input.

export const MNIST_SIDE = 28;

// {channels, height, width} of an architecture's input → C·H·W.
export const inputSize = ({ channels, height, width }) => channels * height * width;

// Taps along one axis, for `count` output pixels from n source pixels, scale s (output pixels per
// source pixel), the scaled source starting at output coordinate `offset`:
// out[t] = Σ taps[t][k].weight · src[taps[t][k].src]. Output pixel t covers source
// [(t − offset)/s, (t + 1 − offset)/s).
function axisTaps(count, n, offset, s) {
  const taps = [];
  for (let t = 0; t < count; t++) {
    const list = [];
    if (s <= 1) {  // area: weight = overlap with source pixel i × s (weights of a full pixel sum to 1)
      const a = (t - offset) / s, b = (t + 1 - offset) / s;
      for (let i = Math.max(0, Math.floor(a)); i < Math.min(n, Math.ceil(b)); i++) {
        const overlap = Math.min(b, i + 1) - Math.max(a, i);
        if (overlap > 0) list.push({ src: i, weight: overlap * s });
      }
    } else {  // bilinear between the source pixel centres around u; outside the source is blank (0)
      const u = (t + 0.5 - offset) / s - 0.5;
      const i = Math.floor(u), f = u - i;
      if (i >= 0 && i < n && f < 1) list.push({ src: i, weight: 1 - f });
      if (i + 1 >= 0 && i + 1 < n && f > 0) list.push({ src: i + 1, weight: f });
    }
    taps.push(list);
  }
  return taps;
}

const tapCache = new Map();  // "H×W" → {ty, tx}

function tapsFor(height, width) {
  const key = `${height}×${width}`;
  if (!tapCache.has(key)) {
    const s = Math.min(height, width) / MNIST_SIDE;
    const side = MNIST_SIDE * s;  // the scaled square, centred
    tapCache.set(key, {
      ty: axisTaps(height, MNIST_SIDE, (height - side) / 2, s),
      tx: axisTaps(width, MNIST_SIDE, (width - side) / 2, s),
    });
  }
  return tapCache.get(key);
}

// src [28][28] → [height][width], the square scaled by min(H, W)/28 and centred (see the top).
export function resizeCentred(src, height, width) {
  if (src.length !== MNIST_SIDE * MNIST_SIDE) throw new Error(`input: expected ${MNIST_SIDE}×${MNIST_SIDE} values, got ${src.length}`);
  const { ty, tx } = tapsFor(height, width);
  const rows = new Float64Array(MNIST_SIDE * width);  // [source row][output column]
  for (let i = 0; i < MNIST_SIDE; i++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (const { src: j, weight } of tx[x]) acc += weight * src[i * MNIST_SIDE + j];
      rows[i * width + x] = acc;
    }
  }
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (const { src: i, weight } of ty[y]) acc += weight * rows[i * width + x];
      out[y * width + x] = Math.min(1, Math.max(0, acc));
    }
  }
  return out;
}

// Where the 28×28 picture went in the model's input (the resize above): a placement into 28×28
// {scale, offsetX, offsetY} (point p → p·scale + offset, cs.preprocessPlaced) → the same into H×W.
export function adaptPlacement({ scale, offsetX, offsetY }, { height, width }) {
  const s = Math.min(height, width) / MNIST_SIDE, side = MNIST_SIDE * s;
  return { scale: scale * s, offsetX: offsetX * s + (width - side) / 2, offsetY: offsetY * s + (height - side) / 2 };
}

// A 28×28 MNIST-style picture → the model's input [C][H][W]. 1×28×28 models get it as it is.
export function adaptInput(picture, { channels, height, width }) {
  const plane = height === MNIST_SIDE && width === MNIST_SIDE ? picture : resizeCentred(picture, height, width);
  if (channels === 1) return plane;
  const out = new Float32Array(channels * plane.length);
  for (let c = 0; c < channels; c++) out.set(plane, c * plane.length);
  return out;
}
