// Lets the one ES module glue run in Node 20 as well as in browsers: under Node, read the .wasm
// beside this module from disk (the web glue would fetch() a file: URL, which Node refuses).
// _scriptDir is the glue's copy of import.meta.url.
if (typeof process == 'object' && process.versions && process.versions.node && !Module['wasmBinary']) {
  Module['wasmBinary'] = process.getBuiltinModule('fs').readFileSync(
      new URL(_scriptDir.replace(/\.m?js([?#].*)?$/, '.wasm')));
}
