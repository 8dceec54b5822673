// The pages' own safetensors writer and reader (web/js/safetensors.js, web/js/safetensors-read.js),
// which copy each tensor in one call on little-endian machines: checked here value by value
// against a DataView, which reads and writes little-endian F32 whatever the machine.
// Run: node --test tests/js/safetensors-js.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSafetensors } from '../../web/js/safetensors.js';
import { decodeSafetensors } from '../../web/js/safetensors-read.js';
import { rawSafetensors } from './raw-safetensors.mjs';

// Seeded values spread over many magnitudes and both signs, with exact zeros and -0.
function randomValues(n, seed) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : i % 19 === 0 ? -0 : (next() - 0.5) * 10 ** Math.floor(next() * 12 - 6)));
}

const TENSORS = [
  { name: 'a.weight', shape: [3, 1, 3, 3], data: Float32Array.from(randomValues(27, 1)) },
  { name: 'a.bias', shape: [3], data: randomValues(3, 2) },  // a plain array: rounded to F32
  { name: 'b.weight', shape: [5, 7], data: Float32Array.from(randomValues(35, 3)) },
  { name: 'empty', shape: [0], data: new Float32Array(0) },
];

test('encodeSafetensors writes each value as a DataView writes little-endian F32', () => {
  const bytes = encodeSafetensors(TENSORS, { format: 'convscope/1' });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const expected = new DataView(new ArrayBuffer(4));
  for (const { name, data } of TENSORS) {
    const [begin, end] = header[name].data_offsets;
    assert.equal(end - begin, 4 * data.length, `${name}: its byte range`);
    for (let i = 0; i < data.length; i++) {
      expected.setFloat32(0, data[i], true);
      for (let b = 0; b < 4; b++) {
        assert.equal(bytes[8 + n + begin + 4 * i + b], expected.getUint8(b), `${name}[${i}] byte ${b}`);
      }
    }
  }
});

test('decodeSafetensors reads a data area that is not 4-byte aligned, value by value', () => {
  for (const pad of [0, 1, 2, 3]) {
    // a header of 8k + pad bytes puts the data area at an offset of pad modulo 4 (and 8)
    const values = Float32Array.from(randomValues(40, 4 + pad));
    let header = JSON.stringify({ x: { dtype: 'F32', shape: [4, 10], data_offsets: [0, 160] } });
    header += ' '.repeat((8 - (header.length % 8)) % 8 + pad);
    const bytes = rawSafetensors(header, values);
    assert.equal((8 + header.length) % 4, pad % 4);
    const { tensors } = decodeSafetensors(bytes);
    const view = new DataView(bytes.buffer, bytes.byteOffset + 8 + header.length);
    const x = tensors.get('x');
    assert.deepEqual(x.shape, [4, 10]);
    assert.equal(x.data.length, 40);
    for (let i = 0; i < 40; i++) assert.ok(Object.is(x.data[i], view.getFloat32(4 * i, true)), `pad ${pad}: x[${i}]`);
  }
});

test('a file read from a larger buffer (a subarray) gives its own values, not its neighbours', () => {
  const file = encodeSafetensors(TENSORS);
  const big = new Uint8Array(file.length + 13);
  big.set(file, 5);
  const { tensors } = decodeSafetensors(big.subarray(5, 5 + file.length));
  for (const { name, shape, data } of TENSORS) {
    const t = tensors.get(name);
    assert.deepEqual(t.shape, shape);
    assert.deepEqual(t.data, Float32Array.from(data), name);
  }
});
