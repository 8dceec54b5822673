// The MNIST digit sprites (src/tools/make-digit-sprites.mjs) and the page's reader
// (web/js/demo/evidence/digit-sprite.js): every digit and label comes back exactly as in the IDX
// files, and a damaged file is refused with a message naming the problem.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { digitSprite, makeDigitSprites, TRAIN_COUNT } from '../../src/tools/make-digit-sprites.mjs';
import { decodeDigitSprite, digitInputs } from '../../web/js/demo/evidence/digit-sprite.js';
import { MNIST_DIR } from './mnist.mjs';

const idx = (name, offset) => readFileSync(path.join(MNIST_DIR, name)).subarray(offset);

test('the sprites hold every test digit and the first training digits exactly, under 3 MB each', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sprites-'));
  const written = makeDigitSprites(dir);
  for (const [file, set, count] of [['mnist-test.png', 't10k', 10000], ['mnist-train.png', 'train', TRAIN_COUNT]]) {
    const bytes = new Uint8Array(readFileSync(path.join(dir, file)));
    assert.ok(bytes.length < 3e6, `${file}: ${bytes.length} bytes`);
    assert.equal(written.find((w) => w.name === file).bytes, bytes.length);
    const sprite = await decodeDigitSprite(bytes, file);
    assert.equal(sprite.count, count);
    assert.ok(Buffer.from(sprite.pixels).equals(idx(`${set}-images-idx3-ubyte`, 16).subarray(0, count * 784)), `${file}: pixels differ`);
    assert.ok(Buffer.from(sprite.labels).equals(idx(`${set}-labels-idx1-ubyte`, 8).subarray(0, count)), `${file}: labels differ`);
  }
});

test('digitInputs scales bytes to 0..1 as the engine tests read MNIST', () => {
  const sprite = { count: 2, pixels: Uint8Array.from({ length: 2 * 784 }, (_, i) => i % 256), labels: new Uint8Array(2) };
  const x = digitInputs(sprite, 1, 1);
  assert.equal(x.length, 784);
  assert.equal(x[0], Math.fround(784 % 256 / 255));
  assert.equal(x[783], Math.fround((2 * 784 - 1) % 256 / 255));
});

test('a damaged sprite is refused with a message naming the problem', async () => {
  const pixels = new Uint8Array(3 * 784).fill(7), labels = Uint8Array.from([1, 2, 3]);
  const good = new Uint8Array(digitSprite(pixels, labels, 3));
  assert.equal((await decodeDigitSprite(good)).count, 3);
  await assert.rejects(decodeDigitSprite(good.subarray(1), 'x.png'), /x.png: not a PNG file/);
  await assert.rejects(decodeDigitSprite(good.subarray(0, good.length - 20), 'x.png'), /x.png: chunk IDAT runs past the end/);
  const noLabels = good.slice();
  noLabels.set([0x78, 0x78, 0x78, 0x78], 8 + 25 + 4);  // rename the lbLs chunk
  await assert.rejects(decodeDigitSprite(noLabels, 'x.png'), /no labels/);
  // the same image with PNG filter 1 on its rows: only filter 0 is read
  const sub = digitSprite(pixels, labels, 3);
  const at = sub.indexOf(Buffer.from('IDAT')) - 4;
  const raw = Buffer.alloc(28 * 2801);
  for (let y = 0; y < 28; y++) raw[y * 2801] = 1;
  const idat = deflateSync(raw);
  const filtered = Buffer.concat([sub.subarray(0, at), Buffer.from([0, 0, 0, 0]), Buffer.from('IDAT'), idat, Buffer.alloc(4), sub.subarray(sub.length - 12)]);
  filtered.writeUInt32BE(idat.length, at);
  await assert.rejects(decodeDigitSprite(new Uint8Array(filtered), 'x.png'), /row 0 uses PNG filter 1/);
});
