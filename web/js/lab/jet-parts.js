// A generated jet set in parts: the lab's worker shows its first screen from the first part of
// the test set and generates the rest (and the training jets) after it, a part at a time with a
// pause between parts, so that a request (a click's "trace") gets in.

import { pause } from '../worker-serve.js';
import { JET_PIXELS as PIXELS } from './settings.js';

export const JET_PART = 500;  // jets per engine call (~50–100 ms)

// The whole set (count, seed), bit for bit cs.generateJets(count, seed), from
// cs.generateJetRange(count, seed, first, n) calls of `part` jets with a pause before each.
// first: its first jets, if already generated (a generateJetRange(count, seed, 0, k) answer).
// → {images, labels, count}
export async function jetsInParts(cs, count, seed, { first = null, part = JET_PART } = {}) {
  const set = { images: new Float32Array(count * PIXELS), labels: new Int32Array(count), count };
  if (first) {
    set.images.set(first.images);
    set.labels.set(first.labels);
  }
  for (let start = first?.labels.length ?? 0; start < count; start += part) {
    await pause();
    const { images, labels } = cs.generateJetRange(count, seed, start, Math.min(part, count - start));
    set.images.set(images, start * PIXELS);
    set.labels.set(labels, start);
  }
  return set;
}
