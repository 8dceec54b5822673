// Run by lesson.html as an async module script in its <head>: starts fetching and compiling the
// engine (engine.js startEngine) and the training worker of section 8 with its own engine
// (worker-rpc.js prestartWorker), while the page's own modules still load.
import { startEngine } from '../engine.js';
import { prestartWorker } from '../worker-rpc.js';

startEngine(document.baseURI);
prestartWorker('./js/lesson/train-worker.js', document.baseURI);
