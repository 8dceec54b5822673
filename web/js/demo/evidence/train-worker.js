// "Train one here": a small CNN learns MNIST in this module Web Worker, so the page never
// freezes. It speaks the site's worker protocol (worker-serve.js: the engine build the page chose,
// loaded through engine.js); the digits are the lazily loaded sprites of web/data/. Training runs
// in chunks of about TRAIN_HERE.chunkMs; between chunks the worker sends its progress (with the
// first layer's filters) and reads its messages, so a cancel (Stop) is answered within a chunk.
// After each epoch all 10,000 test digits are scored. Stopped or done, it answers with the model
// as a .safetensors file.
// Request: train {trainCount, epochs, seed} → {step, steps, stopped, trainMs, testAccuracy, count,
// bytes}; progress events {kind: 'status' | 'progress' | 'epoch', ...}.

import { fetchBytes } from '../../engine.js';
import { pause, serveRequests, workerEngine } from '../../worker-serve.js';
import { decodeDigitSprite, DIGIT_PIXELS, digitInputs } from './digit-sprite.js';
import { TRAIN_HERE } from './train-settings.js';

const BASE = new URL('../../../', import.meta.url).href;  // the site's root, for its data files
let cs = null, train = null, test = null, running = false;

// Deterministic uniform numbers in [0, 1) (mulberry32), for the epoch shuffles.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

async function sprite(file, what, progress) {
  const bytes = await fetchBytes(file, BASE, (loaded, total) => {
    progress({ kind: 'status', text: `Downloading ${what}… ${Math.round(loaded / 1024)} KB`, fraction: total ? loaded / total : null });
  });
  const s = await decodeDigitSprite(bytes, file.split('/').pop());
  return { count: s.count, images: digitInputs(s, 0, s.count), labels: Int32Array.from(s.labels) };
}

// The share of the first n test digits the model reads right (a pause between chunks).
async function testAccuracy(model, n = test.count) {
  let correct = 0;
  for (let s = 0; s < n; s += TRAIN_HERE.evalChunk) {
    const m = Math.min(TRAIN_HERE.evalChunk, n - s);
    const probs = model.predictBatch(test.images.subarray(s * DIGIT_PIXELS, (s + m) * DIGIT_PIXELS), m);
    for (let i = 0; i < m; i++) {
      let best = 0;
      for (let k = 1; k < 10; k++) if (probs[i * 10 + k] > probs[i * 10 + best]) best = k;
      if (best === test.labels[s + i]) correct++;
    }
    await pause();
  }
  return correct / n;
}

// Learning rate at step k of `steps`: linear warm-up, then a cosine down to 0.
function learningRate(k, steps) {
  const { peakLearningRate: peak, warmupSteps } = TRAIN_HERE;
  if (k < warmupSteps) return (peak * (k + 1)) / warmupSteps;
  return 0.5 * peak * (1 + Math.cos((Math.PI * (k - warmupSteps)) / Math.max(1, steps - warmupSteps)));
}

const firstFilters = (model) => {
  const p = model.parameters().find((q) => q.name === 'conv1.weight');
  return { shape: p.shape, data: p.data };
};

async function run({ trainCount, epochs, seed }, { progress, signal }) {
  ({ cs } = await workerEngine());
  train ??= await sprite(TRAIN_HERE.trainFile, 'the training digits (2.9 MB)', progress);
  test ??= await sprite(TRAIN_HERE.testFile, 'the test digits (1.6 MB)', progress);
  const count = Math.min(trainCount, train.count), batch = TRAIN_HERE.batch;
  const model = cs.createModel(TRAIN_HERE.architecture);
  try {
    model.initialize(seed);
    model.setOptimizer({ optimizer: 'adam' });
    const perEpoch = Math.floor(count / batch), steps = epochs * perEpoch;
    const order = Uint32Array.from({ length: count }, (_, i) => i);
    const x = new Float32Array(batch * DIGIT_PIXELS), y = new Int32Array(batch);
    const rnd = random(seed);
    let trainMs = 0, postedMs = 0, step = 0, loss = 0, accuracy = 0, tested = null;
    progress({ kind: 'progress', step, steps, epochs, perEpoch, count, parameters: model.parameterCount(), filters: firstFilters(model) });
    outer: for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (let b = 0; b < perEpoch; b++) {
        const c0 = performance.now();
        for (let k = 0; k < batch; k++) {
          const j = order[b * batch + k];
          x.set(train.images.subarray(j * DIGIT_PIXELS, (j + 1) * DIGIT_PIXELS), k * DIGIT_PIXELS);
          y[k] = train.labels[j];
        }
        const r = model.trainStep(x, y, batch, learningRate(step, steps));
        const w = step < 20 ? 1 / (step + 1) : 1 / 20;  // running averages over ~20 batches
        loss += w * (r.loss - loss);
        accuracy += w * (r.correct / batch - accuracy);
        step++;
        trainMs += performance.now() - c0;
        if (trainMs - postedMs >= TRAIN_HERE.chunkMs || b === perEpoch - 1) {
          postedMs = trainMs;
          progress({ kind: 'progress', step, steps, epochs, perEpoch, count, loss, accuracy, trainMs, filters: firstFilters(model) });
          await pause();
          if (signal.aborted) break outer;
        }
      }
      const t0 = performance.now();
      tested = await testAccuracy(model);
      progress({ kind: 'epoch', epoch: epoch + 1, step, testAccuracy: tested, testMs: performance.now() - t0 });
      if (signal.aborted) break;
    }
    if (tested === null || step % perEpoch !== 0) tested = await testAccuracy(model);  // stopped mid-epoch
    const bytes = model.save({
      description: `MNIST CNN trained in the browser (ConvScope, "Train one here"): ${step} steps of ${batch} on the first ${count} training digits`,
      dataset: 'MNIST',
      test_accuracy: tested.toFixed(4),
      trained_by: 'ConvScope drawing page (WebAssembly, in a Web Worker)',
      seed: String(seed),
    });
    return { step, steps, stopped: step < steps, trainMs, testAccuracy: tested, count, bytes };
  } finally {
    model.delete();
  }
}

serveRequests({
  async train(args, events) {
    if (running) throw new Error('a training run is already under way');
    running = true;
    try {
      return await run(args, events);
    } finally {
      running = false;
    }
  },
});
