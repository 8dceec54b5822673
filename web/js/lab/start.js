// Run by lab.html as the first module script of its <head>: starts the training worker, which
// loads the engine and generates the jets (its "init", kept for lab.js's own request), while the
// page's own modules still load (worker-rpc.js prestartWorker).
import { prestartWorker } from '../worker-rpc.js';

prestartWorker('./js/lab/train-worker.js', document.baseURI, ['init']);
