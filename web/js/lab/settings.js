// The jet lab's fixed choices, in one place: which jets (the engine's seeded generator, so every
// visitor sees and trains on the same ones), which networks, and how they are trained in the
// browser. Chosen so the CNN reaches a ROC AUC above 0.9 on the test jets in well under a minute
// on a slow 2-core machine (measured figures in the README, under lab.html).

export const DATA = Object.freeze({
  trainCount: 8000, trainSeed: 1,    // the shipped models were trained on generateJets(40000, 1)
  testCount: 4000, testSeed: 2,     // … and tested on generateJets(10000, 2)
  firstTestCount: 200,              // test jets generated before the first screen (its examples and
                                    // class averages, drawn again over all test jets once they are in)
  testSample: 1000,                 // test jets scored after each epoch but the last (for the curves)
  examplesPerClass: 6,              // example jets shown (and clickable), from the test set
});

export const JET_PIXELS = 25 * 25;  // a jet image: 25 × 25 calorimeter cells
export const SIGNAL = 1;  // label of W/Z jets; 0 = QCD
export const CLASS_NAMES = Object.freeze(['QCD', 'W/Z']);

// Each network: the shipped file (trained natively, 40,000 jets × 8 epochs) gives the
// architecture; "random" starts from fresh weights, "shipped" fine-tunes the file's weights.
export const NETS = Object.freeze({
  cnn: { title: 'CNN', file: './models/jet-cnn.safetensors' },
  dnn: { title: 'Fully connected (DNN)', file: './models/jet-dnn.safetensors' },
});

// Adam with the engine's one-cycle learning rate (model.setSchedule, as convscope-train uses):
// a warm-up to learningRate over the first quarter of the steps, then a cosine down.
export const TRAINING = Object.freeze({
  cnn: { random: { epochs: 2, batch: 32, learningRate: 0.003 }, shipped: { epochs: 1, batch: 32, learningRate: 0.0005 } },
  dnn: { random: { epochs: 4, batch: 32, learningRate: 0.002 }, shipped: { epochs: 1, batch: 32, learningRate: 0.0003 } },
  seed: 1,
  chunkMs: 50,  // the worker trains this long between progress messages (and reads "stop")
});
