// "Why this digit?" off the page's thread: a module worker (worker-client.js starts it through
// worker-rpc.js) with its own copy of the engine and of the page's current model. It makes the
// saliency maps (gradient × input and occlusion, saliency.js) and, once per model, what every conv
// channel looks for (model.maximiseChannel, one call per channel, each image sent as progress as
// soon as it is made). Between channels it pauses, so a saliency request or a cancel gets in
// within one channel's time.
// Requests (worker-serve.js):
//   model {bytes}                                            → {}
//   saliency {input, target, layer, pageSoftmax, shape}      → {gradient, occlusion, ms}
//   looks {layers: [{index, channels}], options}             progress {layer, channel, image, ms}
//                                                            → {ms} (or {stopped: true} if cancelled
//                                                              or the model changed)

import { pause, serveRequests, workerEngine } from '../../worker-serve.js';
import { gradientTimesInput, occlusionOf } from './saliency.js';

let model = null;

// A row of the model's output as probabilities, as the page shows them (its own softmax for a
// model whose last layer is neither softmax nor sigmoid).
function probabilityFn(pageSoftmax) {
  if (!pageSoftmax) return (row) => row;
  return (row) => {
    let m = -Infinity, sum = 0;
    for (const v of row) m = Math.max(m, v);
    const p = Float32Array.from(row, (v) => Math.exp(v - m));
    for (const v of p) sum += v;
    return p.map((v) => v / sum);
  };
}

function current() {
  if (!model) throw new Error('no model yet');
  return model;
}

serveRequests({
  async model({ bytes }) {
    const { cs } = await workerEngine();
    const fresh = cs.loadModel(bytes);
    model?.delete();
    model = fresh;
    return {};
  },
  saliency({ input, target, layer, pageSoftmax, shape }) {
    const m = current();
    const t0 = performance.now();
    const gradient = gradientTimesInput(m, input, target, shape, layer);
    const t1 = performance.now();
    const occlusion = occlusionOf(m, input, target, shape, probabilityFn(pageSoftmax));
    return { gradient, occlusion, ms: { gradient: t1 - t0, occlusion: performance.now() - t1 } };
  },
  async looks({ layers, options }, { progress, signal }) {
    const mine = current();
    const start = performance.now();
    for (const { index, channels } of layers) {
      for (let c = 0; c < channels; c++) {
        await pause();
        if (signal.aborted || model !== mine) return { stopped: true };
        const t0 = performance.now();
        const image = mine.maximiseChannel(index, c, options);
        progress({ layer: index, channel: c, image, ms: performance.now() - t0 });
      }
    }
    return { ms: performance.now() - start };
  },
});
