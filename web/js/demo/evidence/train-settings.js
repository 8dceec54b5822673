// "Train one here": the fixed choices, in one place. The network is small so that a laptop core
// trains it past 97 % on the MNIST test set within a minute (measured figure in the README):
// conv 8×3×3 → max pool → conv 16×3×3 → max pool → dense 10 (9,098 parameters).

export const TRAIN_HERE = Object.freeze({
  trainFile: './data/mnist-train.png',  // the first 18,000 MNIST training digits
  testFile: './data/mnist-test.png',
  architecture: Object.freeze({
    input: { channels: 1, height: 28, width: 28 },
    labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    layers: [
      { name: 'conv1', type: 'conv2d', out_channels: 8, kernel: 3, stride: 1, padding: 1 },
      { name: 'relu1', type: 'relu' },
      { name: 'pool1', type: 'maxpool2d', kernel: 2, stride: 2 },
      { name: 'conv2', type: 'conv2d', out_channels: 16, kernel: 3, stride: 1, padding: 1 },
      { name: 'relu2', type: 'relu' },
      { name: 'pool2', type: 'maxpool2d', kernel: 2, stride: 2 },
      { name: 'flatten', type: 'flatten' },
      { name: 'fc', type: 'dense', out_features: 10 },
      { name: 'softmax', type: 'softmax' },
    ],
  }),
  batch: 32,
  peakLearningRate: 0.008,  // Adam; warm-up, then a cosine down to 0
  warmupSteps: 30,
  chunkMs: 100,             // training time between progress messages (and reads of "stop")
  evalChunk: 500,           // test digits per engine call when scoring
  // what the reader can choose; the defaults are the README's measured run
  trainCounts: [6000, 12000, 18000], defaultTrainCount: 18000,
  epochChoices: [1, 2, 3, 4], defaultEpochs: 1,
  seed: 1,
});
