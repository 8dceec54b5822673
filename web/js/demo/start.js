// Run by index.html as an async module script in its <head>: starts the engine (fetched and
// compiled) and the downloads of the page's models and sample digits at once, while the page's
// other modules still load; main.js then finds them under way (engine.js startEngine, prefetch).
import { prefetch, startEngine } from '../engine.js';
import { MODELS, SAMPLES_FILE } from './model-files.js';

performance.mark('convscope:start-js');
startEngine(document.baseURI);
for (const file of [...MODELS.map((m) => m.file), SAMPLES_FILE]) prefetch(file, document.baseURI);
