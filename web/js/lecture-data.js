// The lecture's numbers (the slides "CNN for Image Classification" and "CNN Padding"),
// as row-major 2-D arrays [row][col], exactly as printed on the slides. Frozen: they are data.

const freeze2d = (rows) => Object.freeze(rows.map((row) => Object.freeze(row)));

// "Each image is 6x6 pixel. Black → 1, white → 0"
// prettier-ignore
export const O_IMAGE = freeze2d([
  [0, 0, 1, 1, 0, 0],
  [0, 1, 0, 0, 1, 0],
  [1, 0, 0, 0, 0, 1],
  [1, 0, 0, 0, 0, 1],
  [0, 1, 0, 0, 1, 0],
  [0, 0, 1, 1, 0, 0],
]);

// prettier-ignore
export const X_IMAGE = freeze2d([
  [1, 0, 0, 0, 0, 1],
  [0, 1, 0, 0, 1, 0],
  [0, 0, 1, 1, 0, 0],
  [0, 0, 1, 1, 0, 0],
  [0, 1, 0, 0, 1, 0],
  [1, 0, 0, 0, 0, 1],
]);

// "Filter (kernel)": the 3×3 filter the lecture slides over the O image.
// prettier-ignore
export const ANTI_DIAGONAL_FILTER = freeze2d([
  [0, 0, 1],
  [0, 1, 0],
  [1, 0, 0],
]);

// "3 (dot product) + -2 (bias) = 1"
export const LECTURE_BIAS = -2;

// "CNN Padding": the 6×6 input inside its ring of zero padding (padding 1, stride 1).
// prettier-ignore
export const PADDING_INPUT = freeze2d([
  [1, 2, 3, 1, 3, 5],
  [2, 2, 5, 4, 2, 5],
  [0, 6, 9, 6, 2, 2],
  [2, 0, 1, 9, 4, 0],
  [5, 5, 4, 6, 7, 6],
  [6, 1, 3, 7, 1, 5],
]);

// The vertical-edge filter that turns PADDING_INPUT into PADDING_SLIDE_OUTPUT.
// prettier-ignore
export const VERTICAL_EDGE_FILTER = freeze2d([
  [1, 0, -1],
  [1, 0, -1],
  [1, 0, -1],
]);

// The padding slide's 6×6 output, as printed.
// Erratum: the slide misprints two cells (1-based row, col):
//   row 4 col 1 shows 11, the convolution gives −11 (a lost minus sign);
//   row 5 col 5 shows 10, the convolution gives 11.
// prettier-ignore
export const PADDING_SLIDE_OUTPUT = freeze2d([
  [ -4,  -5,  -1,   3,  -5,   5],
  [-10, -14,  -1,  10,  -1,   7],
  [ -8, -11, -11,   7,  12,   8],
  [ 11,  -7, -10,   1,  13,  13],
  [ -6,   5, -16,  -4,  10,  12],
  [ -6,   4,  -7,  -1,   2,   8],
]);
