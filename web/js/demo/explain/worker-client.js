// The page's side of explain-worker.js, on the shared worker protocol (../../worker-rpc.js). A
// saliency request made while one is in flight replaces any other waiting one (only the newest
// drawing matters; a replaced one settles with {stopped: true}); a new model or a new "looks for"
// run cancels the old run.

import { startEngine } from '../../engine.js';
import { startWorker } from '../../worker-rpc.js';

export function startExplainWorker(baseUrl, { onError = () => {} } = {}) {
  const { request } = startWorker('./js/demo/explain/explain-worker.js', baseUrl, {
    name: 'explanations worker', onError,
    engine: startEngine(baseUrl),  // the page's own: the worker gets its compiled module
  });
  let looksRun = null;  // AbortController of the running "looks for"
  let saliencyBusy = false;
  let saliencyNext = null;  // {args, resolve, reject}: the newest request waiting

  async function saliency(args) {
    if (saliencyBusy) {
      saliencyNext?.resolve({ stopped: true });
      return new Promise((resolve, reject) => { saliencyNext = { args, resolve, reject }; });
    }
    saliencyBusy = true;
    try {
      return await request('saliency', args);
    } finally {
      saliencyBusy = false;
      const next = saliencyNext;
      saliencyNext = null;
      if (next) saliency(next.args).then(next.resolve, next.reject);
    }
  }

  return {
    setModel(bytes) {
      looksRun?.abort();
      return request('model', { bytes });
    },
    // onChannel({layer, channel, image, ms}) for each image → Promise of {ms} or {stopped: true}
    looks(args, onChannel) {
      looksRun?.abort();
      looksRun = new AbortController();
      return request('looks', args, { onProgress: onChannel, signal: looksRun.signal });
    },
    saliency,
  };
}
