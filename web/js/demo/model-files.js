// The files the drawing page opens with: its two shipped models (or, for development, the files
// ?model= and ?compare= name in the page URL) and the MNIST sample digits. Shared by main.js and
// start.js, which starts downloading them from the <head>.

const query = new URLSearchParams(globalThis.location?.search ?? '');

export const MODELS = [
  { key: 'cnn', title: 'CNN', note: 'convolution + pooling layers', file: query.get('model') || './models/mnist-cnn.safetensors' },
  { key: 'dnn', title: 'DNN 784-30-10', note: 'fully connected only', file: query.get('compare') || './models/mnist-dnn.safetensors' },
];
export const SAMPLES_FILE = './models/mnist-samples.json';
