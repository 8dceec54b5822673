// Section 8's training, off the page's thread: a module worker (started by lesson/learn-filter.js)
// holding the lecture's O-vs-X net in its own copy of the engine (lesson/ox-trainer.js). It works
// only when asked, so stopping is the page not asking again; one request is at most
// CHUNK_BUDGET_MS of work (lesson/ox-training.js).
// Requests (the protocol of worker-rpc.js; the engine is the page's build, through engine.js),
// each answered with a snapshot (ox-trainer.js), in the order asked:
//   reset {seed}  fresh seeded random weights (the old model stays if refused)
//   train {steps} up to `steps` training steps

import { serveRequests, workerEngine } from '../worker-serve.js';
import { makeOxDataset } from './ox-dataset.js';
import { createOxTrainer } from './ox-trainer.js';

const data = makeOxDataset();
let trainer = null;

serveRequests({
  async reset({ seed }) {
    trainer ??= createOxTrainer((await workerEngine()).cs, data);
    trainer.reset(seed);
    return trainer.snapshot();
  },
  train({ steps }) {
    if (!trainer?.hasModel()) throw new Error('no model to train yet (reset first)');
    trainer.train(steps);
    return trainer.snapshot();
  },
});
