// Reads the MNIST digit sprites that src/tools/make-digit-sprites.mjs writes (web/data/*.png):
// an 8-bit greyscale PNG, 100 digits of 28×28 a row, every row with filter 0 (none), and the
// labels in the private chunk "lbLs". The pixels are inflated with the browser's own
// DecompressionStream, so they come back exactly as MNIST has them (no canvas, no colour
// management). Works on a page and in a worker.

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const SIDE = 28, COLUMNS = 100;
export const DIGIT_PIXELS = SIDE * SIDE;
const YIELD_EVERY = 1000;  // digits copied out between pauses
const yieldToPage = () => new Promise((resolve) => setTimeout(resolve, 0));

// PNG chunks of bytes → [{type, data}]; throws an Error naming what is wrong with the file.
function chunks(bytes, name) {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error(`${name}: not a PNG file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  for (let at = 8; at < bytes.length;) {
    if (at + 12 > bytes.length) throw new Error(`${name}: truncated at byte ${at}`);
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) throw new Error(`${name}: chunk ${type} runs past the end of the file`);
    out.push({ type, data: bytes.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

async function inflate(parts) {
  const stream = new Blob(parts).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// bytes of a sprite file → {count, pixels: Uint8Array(count·784), labels: Uint8Array(count)},
// digit i's pixels at [i·784, (i+1)·784), row-major, 0 = background, 255 = ink.
export async function decodeDigitSprite(bytes, name = 'digit sprite') {
  const all = chunks(bytes, name);
  const header = all.find((c) => c.type === 'IHDR')?.data;
  const labels = all.find((c) => c.type === 'lbLs')?.data;
  if (!header || header.length !== 13) throw new Error(`${name}: no PNG header`);
  if (!labels) throw new Error(`${name}: no labels (chunk lbLs); rebuild it with src/tools/make-digit-sprites.mjs`);
  const hv = new DataView(header.buffer, header.byteOffset, 13);
  const width = hv.getUint32(0), height = hv.getUint32(4);
  if (header[8] !== 8 || header[9] !== 0 || header[12] !== 0) throw new Error(`${name}: expected 8-bit greyscale, not interlaced`);
  const count = labels.length;
  if (width !== COLUMNS * SIDE || height !== Math.ceil(count / COLUMNS) * SIDE) {
    throw new Error(`${name}: ${width}×${height} pixels do not hold ${count} digits of ${SIDE}×${SIDE}, ${COLUMNS} a row`);
  }
  const raw = await inflate(all.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const stride = width + 1;
  if (raw.length !== height * stride) throw new Error(`${name}: image data has ${raw.length} bytes, expected ${height * stride}`);
  const pixels = new Uint8Array(count * DIGIT_PIXELS);
  for (let y = 0; y < height; y++) {
    if (raw[y * stride] !== 0) throw new Error(`${name}: row ${y} uses PNG filter ${raw[y * stride]}, expected 0`);
  }
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToPage();  // a page stays responsive meanwhile
    const tx = (i % COLUMNS) * SIDE, ty = Math.floor(i / COLUMNS) * SIDE;
    for (let y = 0; y < SIDE; y++) {
      const from = (ty + y) * stride + 1 + tx;
      pixels.set(raw.subarray(from, from + SIDE), (i * SIDE + y) * SIDE);
    }
  }
  for (let i = 0; i < count; i++) if (labels[i] > 9) throw new Error(`${name}: label ${i} is ${labels[i]}, expected 0–9`);
  return { count, pixels, labels: labels.slice() };
}

// Digits [first, first + n) as model inputs in 0..1 (as the engine's tests read MNIST: byte / 255).
export function digitInputs(sprite, first, n, out = new Float32Array(n * DIGIT_PIXELS)) {
  const src = sprite.pixels.subarray(first * DIGIT_PIXELS, (first + n) * DIGIT_PIXELS);
  for (let p = 0; p < src.length; p++) out[p] = src[p] / 255;
  return out;
}
