// A small training set for the O-vs-X net, made from the lecture's two 6×6 images: each copy is
// shifted by at most one pixel (what moves past the frame is cut off, empty pixels come in white)
// and some copies get a few pixels flipped as noise. Deterministic for a seed. Labels O = 0, X = 1.
// Layout: images [N][6][6] (0/1), labels [N]; inputs Float32Array [N,1,6,6] back to back and
// labelsInt Int32Array [N], as the engine's trainStep takes them. The first half are O's.
// Knows nothing of the page or the engine.

import { O_IMAGE, X_IMAGE } from '../lecture-data.js';
import { mulberry32 } from '../random.js';

// (dy, dx): no shift first, then the four one-pixel moves, then the four diagonal ones.
const SHIFTS = Object.freeze([[0, 0], [0, -1], [0, 1], [-1, 0], [1, 0], [-1, -1], [-1, 1], [1, -1], [1, 1]]);

// image [H][W] moved by (dy, dx): out[y][x] = image[y − dy][x − dx], 0 where that is outside.
export function shiftImage(image, dy, dx) {
  return image.map((row, y) => row.map((_, x) => image[y - dy]?.[x - dx] ?? 0));
}

// image with the pixels at the given flat indices (y·W + x) flipped 0 ↔ 1.
export function flipPixels(image, indices) {
  const out = image.map((row) => [...row]);
  const w = out[0].length;
  for (const i of indices) out[Math.floor(i / w)][i % w] ^= 1;
  return out;
}

// → {images, labels, shifts [N] of [dy,dx], flips [N] of flipped flat indices, inputs, labelsInt, n}
// perClass copies of each letter: copy k uses shift k mod 9; copies from the 10th on also get
// 1 … maxFlips random pixels flipped (so the lecture's exact O and X are copy 0 of each class).
export function makeOxDataset({ perClass = 32, seed = 7, maxFlips = 2 } = {}) {
  const random = mulberry32(seed);
  const images = [];
  const labels = [];
  const shifts = [];
  const flips = [];
  for (const [label, base] of [[0, O_IMAGE], [1, X_IMAGE]]) {
    for (let k = 0; k < perClass; k++) {
      const [dy, dx] = SHIFTS[k % SHIFTS.length];
      const size = base.length * base[0].length;
      const count = k < SHIFTS.length ? 0 : 1 + Math.floor(random() * maxFlips);
      const picked = new Set();
      while (picked.size < count) picked.add(Math.floor(random() * size));
      images.push(flipPixels(shiftImage(base, dy, dx), [...picked]));
      labels.push(label);
      shifts.push([dy, dx]);
      flips.push([...picked].sort((a, b) => a - b));
    }
  }
  const n = images.length;
  return {
    images, labels, shifts, flips, n,
    inputs: Float32Array.from(images.flatMap((image) => image.flat())),
    labelsInt: Int32Array.from(labels),
  };
}

// Sample i in words, e.g. "X: shifted 1 up and 1 right, 2 pixels flipped"; names: the class names.
export function describeSample({ labels, shifts, flips }, i, names) {
  const [dy, dx] = shifts[i];
  const moves = [dy && `1 ${dy < 0 ? 'up' : 'down'}`, dx && `1 ${dx < 0 ? 'left' : 'right'}`].filter(Boolean);
  const noise = flips[i].length ? `, ${flips[i].length} pixel${flips[i].length > 1 ? 's' : ''} flipped` : '';
  return `${names[labels[i]]}: ${moves.length ? `shifted ${moves.join(' and ')}` : 'not shifted'}${noise}`;
}
