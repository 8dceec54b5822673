// The jet lab's engine, in a module Web Worker: everything that takes time (generating jets,
// training, scoring the test set) runs here, so the page never freezes. Training runs in chunks
// of about TRAINING.chunkMs; between chunks the worker sends its progress and reads its messages,
// so a cancel ("Stop") and "show this jet's feature maps" are answered within one chunk.
// Requests (the protocol of worker-rpc.js; the engine is the page's build, through engine.js):
//   init → {ms, trainCount, testCount, averageCounts, averages, examples}: the first
//     DATA.firstTestCount test jets generated (averageCounts [QCD, W/Z]: how many of each class;
//     the examples and the class averages come from them). The rest of the test jets
//     are generated after the answer, in parts, then, once the shipped files are in, the training
//     jets (twice as many); a request that needs them waits for them
//   averages → {averageCounts, averages}: the same over the whole test set, once it
//     is generated (the page draws the first screen's averages again with them)
//   shipped {urls: {cnn, dnn}} → {errors: [message]}; progress: a result per shipped file loaded
//     (each scored once the whole test set is in)
//   train {net, from} → a result; progress: {type: 'progress', step, steps, …} a few times a
//     second, {type: 'epoch', epoch, loss, accuracy} after each epoch; cancelled: it stops, scores
//     the weights so far and answers with stopped: true
//   trace {source, example} → {source, example, layers}: every layer's output for one example jet
// A result: {key, net, source, parameterCount, auc, rejection50, accuracy, roc, filters, bytes, …}.

import { pause, serveRequests, workerEngine } from '../worker-serve.js';
import { mulberry32 } from '../random.js';
import { DATA, JET_PIXELS as PIXELS, SIGNAL, TRAINING } from './settings.js';
import { rocCurve } from './roc.js';
import { jetsInParts } from './jet-parts.js';

const EVAL_CHUNK = 200;  // test jets per engine call while scoring (a stop waits at most one call)
const SMOOTHING = 1 / 20;  // weight of the newest batch in the curves' running averages

let cs = null;
let train = null, test = null;   // {images, labels, count}: each whole set, once generated
let shown = null;                // the example jets' images, Float32Array(examples × 625)
const models = new Map();        // source key ('shipped-cnn', 'cnn', …) → engine model
const shippedBytes = new Map();  // net → file bytes
let shippedLoaded = Promise.resolve();  // settles once every shipped file loaded or failed
let running = false;

function shuffle(order, rnd) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
}

// Mean image of each class over jets: {averages: [QCD, W/Z] each Float32Array(625), counts}.
function classAverages({ images, labels }) {
  const sums = [new Float64Array(PIXELS), new Float64Array(PIXELS)], counts = [0, 0];
  labels.forEach((label, i) => {
    const sum = sums[label];
    for (let p = 0; p < PIXELS; p++) sum[p] += images[i * PIXELS + p];
    counts[label]++;
  });
  return { averages: sums.map((sum, c) => Float32Array.from(sum, (v) => v / counts[c])), counts };
}

// The first `perClass` test jets of each class, QCD first.
function pickExamples(labels, perClass) {
  const picked = [[], []];
  for (let i = 0; i < labels.length && picked[0].length + picked[1].length < 2 * perClass; i++) {
    if (picked[labels[i]].length < perClass) picked[labels[i]].push(i);
  }
  return [...picked[0], ...picked[1]];
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.split('/').pop()}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// One pass over the first `count` test jets, EVAL_CHUNK at a time with pauses (a stop or a click
// gets in): {scores: P(W/Z) per jet, loss: mean cross-entropy, accuracy}.
async function testPass(model, count = test.count) {
  const scores = new Float32Array(count);
  let loss = 0, correct = 0;
  for (let s = 0; s < count; s += EVAL_CHUNK) {
    const n = Math.min(EVAL_CHUNK, count - s);
    const probs = model.predictBatch(test.images.subarray(s * PIXELS, (s + n) * PIXELS), n);
    for (let i = 0; i < n; i++) {
      const label = test.labels[s + i], p = probs[2 * i + label];
      scores[s + i] = probs[2 * i + SIGNAL];
      loss -= Math.log(Math.max(p, 1e-7));
      if (p > probs[2 * i + 1 - label]) correct++;
    }
    await pause();
  }
  return { scores, loss: loss / count, accuracy: correct / count };
}

// What the page shows of a model (a result): ROC, AUC, rejection at ε_S = 50 %, first-layer
// filters, the file. pass: testPass(model), if already done.
async function describe(key, model, extra, pass) {
  const { scores, accuracy } = pass ?? await testPass(model);
  const conv = model.architecture.layers.find((l) => l.type === 'conv2d');
  const filters = conv ? model.parameters().find((p) => p.name === `${conv.name}.weight`) : null;
  return {
    key, ...extra,
    parameterCount: model.parameterCount(),
    auc: cs.rocAuc(scores, test.labels),
    rejection50: cs.backgroundRejection(scores, test.labels, 0.5),
    accuracy,
    roc: rocCurve(cs, scores, test.labels),
    filters: filters && { name: filters.name, shape: filters.shape, data: filters.data },
  };
}

// What the page's first screen shows: the examples and class averages of the first
// DATA.firstTestCount test jets. The whole test set takes 20 times as long, the training jets 40
// (the generator costs ~0.1–0.2 ms a jet): both come after the first screen.
let firstTestPart = null;  // generateJetRange(testCount, testSeed, 0, firstTestCount), until the whole set is in
async function generateData() {
  const t0 = performance.now();
  ({ cs } = await workerEngine());
  const count = Math.min(DATA.firstTestCount, DATA.testCount);
  firstTestPart = cs.generateJetRange(DATA.testCount, DATA.testSeed, 0, count);
  const { images, labels } = firstTestPart;
  const examples = pickExamples(labels, DATA.examplesPerClass);
  shown = new Float32Array(examples.length * PIXELS);
  examples.forEach((j, k) => shown.set(images.subarray(j * PIXELS, (j + 1) * PIXELS), k * PIXELS));
  const { averages, counts } = classAverages(firstTestPart);
  return {
    ms: performance.now() - t0, trainCount: DATA.trainCount, testCount: DATA.testCount,
    averageCounts: counts, averages,
    examples: { images: shown, labels: examples.map((j) => labels[j]) },
  };
}

// Once per worker: lab/start.js may ask before lab.js does (worker-rpc.js prestartWorker). The
// rest of the test set starts once the answer is out (testSet pauses first).
let generated = null;
const init = () => {
  if (!generated) {
    generated = generateData();
    generated.then(testSet).catch(() => {});  // a failure is init's answer; testSet's, the scoring's
  }
  return generated;
};

// The whole test set, once per worker, after init: scoring waits for it.
let testGenerated = null;
const testSet = () => (testGenerated ??= init().then(async () => {
  test = await jetsInParts(cs, DATA.testCount, DATA.testSeed, { first: firstTestPart });
  firstTestPart = null;
}));

async function wholeTestSetAverages() {
  await testSet();
  const { averages, counts } = classAverages(test);
  return { averageCounts: counts, averages };
}

// The training jets, once per worker: after the test set, when the shipped files are in or a
// Train asks.
let trainGenerated = null;
const trainingSet = () => (trainGenerated ??= testSet().then(async () => {
  train = await jetsInParts(cs, DATA.trainCount, DATA.trainSeed);
}));

// The shipped files, after init: a Train asked for meanwhile waits for them (they give the
// architectures), it does not fail. One failing file leaves the other.
function loadShipped({ urls }, { progress }) {
  shippedLoaded = (async () => {
    const errors = [];
    for (const [net, url] of Object.entries(urls)) {
      try {
        const bytes = await fetchBytes(url);
        const model = cs.loadModel(bytes);
        shippedBytes.set(net, bytes);
        models.set(`shipped-${net}`, model);
        await testSet();
        progress(await describe(`shipped-${net}`, model, { net, source: 'shipped', bytes }));
      } catch (e) {
        errors.push(`The shipped ${net.toUpperCase()} model could not be loaded: ${e.message}`);
      }
    }
    trainingSet().catch(() => {});  // a Train reports it
    return { errors };
  })();
  return shippedLoaded;
}

// A new model for net: fresh weights, or the shipped file's (to fine-tune).
function startingModel(net, from) {
  const bytes = shippedBytes.get(net);
  if (!bytes) throw new Error(`the shipped ${net.toUpperCase()} file is needed (it gives the architecture) and did not load`);
  if (from === 'shipped') return cs.loadModel(bytes);
  const shipped = cs.loadModel(bytes);
  const architecture = shipped.architecture;
  shipped.delete();
  const model = cs.createModel(architecture);
  model.initialize(TRAINING.seed);
  return model;
}

async function runTraining({ net, from }, events) {
  if (running) throw new Error('a training run is already going');
  running = true;
  try {
    await shippedLoaded;
    await trainingSet();
    const model = startingModel(net, from);
    try {
      return await trainModel(model, net, from, events);
    } catch (e) {
      model.delete();
      throw e;
    }
  } finally {
    running = false;
  }
}

// Trains model (net's "from" settings) until done or cancelled, describes it, then keeps it as
// net's model. → its result
async function trainModel(model, net, from, { progress, signal }) {
  const { epochs, batch, learningRate: peak } = TRAINING[net][from];
  model.setOptimizer({ optimizer: 'adam' });
  const perEpoch = Math.floor(train.count / batch), steps = epochs * perEpoch;
  model.setSchedule(peak, steps);
  const order = Uint32Array.from({ length: train.count }, (_, i) => i);
  const x = new Float32Array(batch * PIXELS), y = new Int32Array(batch);
  const rnd = mulberry32(TRAINING.seed);  // the epoch shuffles
  let trainMs = 0, postedMs = 0, step = 0, loss = 0, accuracy = 0, pass = null;
  progress({ type: 'progress', step, steps, epochs, perEpoch, batch });
  outer: for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, rnd);
    for (let b = 0; b < perEpoch; b++) {
      const c0 = performance.now();
      for (let k = 0; k < batch; k++) {
        const j = order[b * batch + k];
        x.set(train.images.subarray(j * PIXELS, (j + 1) * PIXELS), k * PIXELS);
        y[k] = train.labels[j];
      }
      const r = model.trainStep(x, y, batch);  // at the schedule's rate
      // running averages over about the last 1/SMOOTHING batches (one batch alone is noisy)
      const w = step < 1 / SMOOTHING ? 1 / (step + 1) : SMOOTHING;
      loss += w * (r.loss - loss);
      accuracy += w * (r.correct / batch - accuracy);
      step++;
      trainMs += performance.now() - c0;
      if (trainMs - postedMs >= TRAINING.chunkMs || b === perEpoch - 1) {
        postedMs = trainMs;
        progress({ type: 'progress', step, steps, epochs, perEpoch, batch, loss, accuracy, trainMs });
        await pause();
        if (signal.aborted) break outer;
      }
    }
    // the curves' point: all test jets after the last epoch (that pass also gives the ROC), a
    // quick sample of them after the others
    pass = await testPass(model, epoch === epochs - 1 ? test.count : Math.min(test.count, DATA.testSample));
    progress({ type: 'epoch', epoch: epoch + 1, step, loss: pass.loss, accuracy: pass.accuracy });
    if (signal.aborted) break;
  }
  // stopped early: the last pass (if any) is not of these weights, or not of all jets
  if (step !== steps || !pass) pass = await testPass(model);
  const bytes = model.save({
    description: `jet ${net} trained in the browser (ConvScope lab), ${from === 'shipped' ? 'fine-tuned from the shipped model' : 'from random weights'}`,
    dataset: 'W/Z vs QCD jet images (generated, ConvScope)',
    training_set: `generateJets(${train.count}, seed ${DATA.trainSeed})`,
    test_set: `generateJets(${test.count}, seed ${DATA.testSeed})`,
    test_auc: cs.rocAuc(pass.scores, test.labels).toFixed(4),
    trained_by: 'ConvScope jet lab (WebAssembly, in the browser)',
    steps: String(step),
  });
  const result = await describe(net, model, { net, source: 'trained', from, stopped: step < steps, step, steps, trainMs, bytes }, pass);
  models.get(net)?.delete();  // after describe: a model that failed there is deleted by runTraining, never kept
  models.set(net, model);
  return result;
}

// Every layer's output for one example jet, under the model of `source`.
function trace({ source, example }) {
  const model = models.get(source);
  if (!model) throw new Error(`no model "${source}" to show`);
  if (!(Number.isInteger(example) && example >= 0 && example < shown.length / PIXELS)) throw new Error(`no example jet ${example}`);
  const { layers } = model.forward(shown.subarray(example * PIXELS, (example + 1) * PIXELS));
  return { source, example, layers: layers.map(({ name, type, shape, data }) => ({ name, type, shape, data })) };
}

serveRequests({ init, averages: wholeTestSetAverages, shipped: loadShipped, train: runTraining, trace });
