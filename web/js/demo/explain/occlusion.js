// Occlusion: how much the model's probability of a class falls when a small square of its input is
// blanked out. Every PATCH×PATCH square, at STRIDE pixels apart, is set to blank paper (0, the
// models' background) in its own copy of the input. (Mid-grey, the usual choice for photographs,
// adds ink on a digit's empty paper, and the map would then mostly show where extra ink hurts); all copies go to the engine in one predictBatch. A pixel's value in the map is the
// mean fall over the squares that cover it: > 0 where the class needs the pixel, < 0 where the
// square made the class likelier. Plain numbers in and out; the engine call is the caller's.

export const PATCH = 4;
export const STRIDE = 2;
export const BLANK = 0;  // the paper of a digit (and the empty sky of a jet image)

// Square corners along one axis of length n: 0, STRIDE, …, with the last square flush with the edge.
export function patchStarts(n, patch = PATCH, stride = STRIDE) {
  if (n <= patch) return [0];
  const starts = [];
  for (let s = 0; s + patch <= n; s += stride) starts.push(s);
  if (starts.at(-1) + patch < n) starts.push(n - patch);
  return starts;
}

// input [C][H][W] flat → {inputs: Float32Array(count·C·H·W), squares: [{y, x}], count}: one copy per
// square, the square blanked in every channel.
export function occludedCopies(input, { channels, height, width }, patch = PATCH, stride = STRIDE, blank = BLANK) {
  const size = channels * height * width;
  const squares = [];
  for (const y of patchStarts(height, patch, stride)) for (const x of patchStarts(width, patch, stride)) squares.push({ y, x });
  const inputs = new Float32Array(squares.length * size);
  squares.forEach(({ y, x }, k) => {
    const copy = inputs.subarray(k * size, (k + 1) * size);
    copy.set(input);
    for (let c = 0; c < channels; c++) {
      for (let yy = y; yy < Math.min(height, y + patch); yy++) {
        copy.fill(blank, (c * height + yy) * width + x, (c * height + yy) * width + Math.min(width, x + patch));
      }
    }
  });
  return { inputs, squares, count: squares.length };
}

// probs: predictBatch's output (count·classes); base: the class's probability without occlusion.
// → Float32Array(H·W): per pixel, the mean of base − p(class | square blanked) over its squares.
export function occlusionMap(probs, classes, target, squares, { height, width }, base, patch = PATCH) {
  const sum = new Float32Array(height * width);
  const hits = new Uint16Array(height * width);
  squares.forEach(({ y, x }, k) => {
    const fall = base - probs[k * classes + target];
    for (let yy = y; yy < Math.min(height, y + patch); yy++) {
      for (let xx = x; xx < Math.min(width, x + patch); xx++) {
        sum[yy * width + xx] += fall;
        hits[yy * width + xx]++;
      }
    }
  });
  return sum.map((s, i) => (hits[i] ? s / hits[i] : 0));
}
