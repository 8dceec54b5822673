// Lets the one ES module glue run in Node 20 as well as in browsers: under Node, instantiate the
// .wasm that node-wasm.extern-pre.js began compiling when the module was imported (no copy of its
// bytes, no wait for a compile that could run meanwhile). A caller's own wasmBinary or
// instantiateWasm wins.
if (convscopeNodeWasm && !Module['wasmBinary'] && !Module['instantiateWasm']) {
  Module['instantiateWasm'] = (imports, receive) => {
    convscopeNodeWasm
      .then((module) => WebAssembly.instantiate(module, imports))
      .then((instance) => receive(instance), readyPromiseReject);
    return {};
  };
}
