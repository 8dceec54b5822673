// Runs once, when the module is imported (emcc --extern-pre-js: before the glue's factory).
// Under Node, the .wasm beside this module is read from disk (the web glue would fetch() a file:
// URL, which Node refuses) and compiled at once, off the main thread, while the caller goes on
// to createConvScope(): node-wasm.pre.js instantiates from this promise.
var convscopeNodeWasm =
  typeof process == 'object' && process.versions && process.versions.node
    ? WebAssembly.compile(process.getBuiltinModule('fs').readFileSync(
        new URL(import.meta.url.replace(/\.m?js([?#].*)?$/, '.wasm'))))
    : null;
// A failure is reported by createConvScope(), not as an unhandled rejection at import.
if (convscopeNodeWasm) convscopeNodeWasm.catch(() => {});
