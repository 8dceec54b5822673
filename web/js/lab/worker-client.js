// The page's side of train-worker.js: starts the module worker with the engine build the page
// picked, and turns its messages into calls of the page's handlers. A worker that cannot start
// (a script that fails to load or parse) is reported through onError like any engine error.
// handlers: {ready, result, progress, epoch, trace, error} — each (message) => void.

export function startLabWorker(baseUrl, { engineUrl, shippedUrls }, handlers) {
  const worker = new Worker(new URL('./js/lab/train-worker.js', baseUrl), { type: 'module' });
  worker.addEventListener('message', ({ data }) => {
    try {
      handlers[data.type]?.(data);
    } catch (e) {  // a drawing that fails is reported, never left half done in silence
      handlers.error({ type: 'error', during: data.type, message: `Showing the worker's ${data.type} failed: ${e.message}` });
    }
  });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    handlers.error({ type: 'error', during: 'start', message: `The training worker failed: ${e.message || 'its script did not load'}` });
  });
  worker.addEventListener('messageerror', () => handlers.error({ type: 'error', message: 'A message from the training worker could not be read.' }));
  worker.postMessage({ type: 'init', engineUrl: new URL(engineUrl, baseUrl).href, shippedUrls: mapValues(shippedUrls, (u) => new URL(u, baseUrl).href) });
  return {
    train: (net, from) => worker.postMessage({ type: 'train', net, from }),
    stop: () => worker.postMessage({ type: 'stop' }),
    trace: (source, example) => worker.postMessage({ type: 'trace', source, example }),
  };
}

const mapValues = (o, f) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
