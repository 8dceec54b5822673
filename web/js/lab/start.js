// Run by lab.html as an async module script in its <head>: starts the training worker, which
// loads the engine and generates the jets (its "init", kept for lab.js's own request), while the
// page's own modules still load (worker-rpc.js prestartWorker).
import { prestartWorker } from '../worker-rpc.js';

prestartWorker('./js/lab/train-worker.js', document.baseURI, ['init']);
