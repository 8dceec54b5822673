// Run by lesson.html as an async module script in its <head>: starts fetching and compiling the
// engine (engine.js startEngine) and the training worker of section 8 with its own engine (the
// page's compiled module, instantiated there: worker-rpc.js prestartWorker), while the page's own
// modules still load.
import { startEngine } from '../engine.js';
import { prestartWorker } from '../worker-rpc.js';

const engine = startEngine(document.baseURI);
prestartWorker('./js/lesson/train-worker.js', document.baseURI, [], { engine });  // handed the page's compiled engine
