// The files the drawing page opens with: its two shipped models (or, for development, the files
// ?model= and ?compare= name in the page URL) and the MNIST sample digits. index.html's boot
// script starts downloading the shipped ones from the <head> (its data-prefetch: a test keeps the
// two lists the same).

const query = new URLSearchParams(globalThis.location?.search ?? '');

// param: the page URL's parameter that names another file instead of the shipped one
export const MODELS = [
  { key: 'cnn', title: 'CNN', note: 'convolution + pooling layers', param: 'model', shipped: './models/mnist-cnn.safetensors' },
  { key: 'dnn', title: 'DNN 784-30-10', note: 'fully connected only', param: 'compare', shipped: './models/mnist-dnn.safetensors' },
].map((m) => ({ ...m, file: query.get(m.param) || m.shipped }));
export const SAMPLES_FILE = './models/mnist-samples.json';
