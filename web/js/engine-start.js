// Run by the pages as an async module script in their <head>: starts fetching and compiling the
// engine at once, while the page's own modules are still loading (engine.js startEngine).
import { startEngine } from './engine.js';

startEngine(document.baseURI);
