// The in-process part of the benchmark, the same in Node and in the Chromium page: for the
// shipped CNN and DNN, every engine is built from OUR safetensors, checked for agreement, then
// timed; the CNN's conv layers are also timed alone and set against this machine's wasm peak.

import { oursEngine, tfjsLayersEngine, tfjsOpsEngine, ortEngine } from './engines.mjs';
import { agreement, latency, throughput, heapGrowth, ratio, sampledRate, timerResolutionUs, PEERS } from './harness.mjs';
import { convFlops, convSubModels, describe, paramsFor, randomFloats, writeSafetensors } from './model-utils.mjs';
import { measurePeak, peakSampler } from './peak.mjs';
import { trainingThroughput } from './training.mjs';

// The parts of the suite; `parts` picks some (all by default).
export const PARTS = ['inference', 'conv', 'train', 'heap'];

// mods: {createConvScope, createConvScopeScalar, createConvScopeRelaxed, createConvScopeBaseline,
// tf, tfl, ort} (peers already configured; the scalar, relaxed-SIMD and baseline builds optional:
// 'ours' is the SIMD build, the others are extra columns)
// modelBytes: {cnn, 'cnn-8-16-64', dnn: Uint8Array}: the models timed against the peers (the
// conv layers of every CNN among them too); trainBytes: {'jet-cnn', 'mnist-cnn'}: the nets
// trained (their architectures); mnist: {count, images, labels}
// heapCount: single predictions for the heap check (100,000 by default).
export async function runSuite({ mods, modelBytes, trainBytes = {}, mnist, now = () => performance.now(), cpuNow, log = console.log, quick = false, heapCount = 100000, parts = PARTS }) {
  const result = { quick, parts, failures: [] };
  const doing = (part) => parts.includes(part);
  const fail = (msg) => {
    result.failures.push(msg);
    log(`FAIL: ${msg}`);
  };

  result.timerResolutionUs = timerResolutionUs(now);
  log('peak: wasm f32x4 multiply-add …');
  result.peak = await measurePeak({ now, cpuNow, targetMs: quick ? 60 : 150 });
  log(`peak: ${result.peak.gflops.toFixed(2)} GFLOP/s f32x4 (scalar ${result.peak.scalarGflops.toFixed(2)})`);
  // Fractions of peak are computed at the end, against the best of a measurement at the start
  // and one at the end (a loaded machine only lowers it).
  const fractions = [];

  const cs = await mods.createConvScope();
  const csScalar = mods.createConvScopeScalar ? await mods.createConvScopeScalar() : null;
  const csRelaxed = mods.createConvScopeRelaxed ? await mods.createConvScopeRelaxed() : null;

  // Every engine for one model (architecture + parameters read back from our engine).
  async function enginesFor(bytes) {
    const ours = oursEngine(cs, bytes, 'ours');
    const arch = ours.model.architecture;
    const params = ours.model.parameters();
    const list = [ours];
    if (csRelaxed) list.push(oursEngine(csRelaxed, bytes, 'ours-relaxed'));
    if (csScalar) list.push(oursEngine(csScalar, bytes, 'ours-scalar'));
    if (mods.tf && mods.tfl) list.push(tfjsLayersEngine(mods.tf, mods.tfl, arch, params, 'tfjs'));
    if (mods.tf) list.push(tfjsOpsEngine(mods.tf, arch, params, 'tfjs-ops'));
    if (mods.ort) list.push(await ortEngine(mods.ort, arch, params, 'ort'));
    return { list, arch, params };
  }

  // Inputs in each engine's layout, converted once (outside all timings).
  const layoutCache = (data, n) => {
    const cache = new Map();
    return (e) => {
      if (!cache.has(e.name)) cache.set(e.name, e.layout(data, n));
      return cache.get(e.name);
    };
  };

  const n = mnist.count;
  const inputsFor = layoutCache(mnist.images, n);
  const wholeRepeats = quick ? 1 : 3;  // batch = all 10,000: one call per pass
  result.models = {};
  for (const [key, bytes] of Object.entries(doing('inference') ? modelBytes : {})) {
    const { list, arch } = await enginesFor(bytes);
    const r = { engines: list.map((e) => e.name), layers: describe(arch).map((d) => `${d.layer.name}:${d.layer.type}→[${d.out}]`) };
    log(`${key}: agreement on ${n} images …`);
    const agree = await agreement(list, inputsFor, n, { labels: mnist.labels });
    const { ref, ...agreeOut } = agree;
    r.agreement = agreeOut;
    for (const [name, a] of Object.entries(agree.engines))
      log(`  ${name}: ${a.mismatches} class mismatches, max |Δp| ${a.maxAbs.toExponential(2)} ${a.ok ? 'ok' : 'FAIL'}`);
    if (!agree.ok) {
      fail(`${key}: engines disagree (${JSON.stringify(agree.engines)})`);
      result.models[key] = r;
      list.forEach((e) => e.dispose());
      continue;
    }
    log(`${key}: single-image latency …`);
    // a timer coarser than 1 µs (Chromium: 5 µs) times groups of calls of >= 100 steps
    const minSampleMs = result.timerResolutionUs > 1 ? (100 * result.timerResolutionUs) / 1000 : 0;
    r.latency = await latency(list, inputsFor, n, { now, cpuNow, calls: quick ? 1000 : 2500, warmup: quick ? 100 : 300, minSampleMs });
    log(`${key}: throughput at batch 1, 64, ${n} …`);
    const tp = await throughput(list, inputsFor, n, { now, cpuNow, batches: [1, 64, n], wholeRepeats, reference: ref });
    r.throughput = tp.results;
    r.throughputChecks = tp.checks;
    if (!tp.ok) fail(`${key}: outputs differ during the throughput passes (${JSON.stringify(tp.checks.filter((c) => !c.ok))})`);

    const peersOf = (f) => Object.fromEntries(list.filter((e) => PEERS.includes(e.name)).map((e) => [e.name, f(e.name)]));
    r.ratios = {
      latencyMedian: ratio(r.latency.ours.medianUs, peersOf((k) => r.latency[k].medianUs), false),
      latencyP95: ratio(r.latency.ours.p95Us, peersOf((k) => r.latency[k].p95Us), false),
    };
    if (cpuNow) r.ratios.cpuLatencyMedian = ratio(r.latency.ours.cpuMedianUs, peersOf((k) => r.latency[k].cpuMedianUs), false);
    for (const b of [1, 64, n]) {
      r.ratios[`throughput${b}`] = ratio(r.throughput.ours[b].imagesPerSec, peersOf((k) => r.throughput[k][b].imagesPerSec), true);
      if (cpuNow) r.ratios[`cpuThroughput${b}`] = ratio(r.throughput.ours[b].cpuImagesPerSec, peersOf((k) => r.throughput[k][b].cpuImagesPerSec), true);
    }

    const cf = convFlops(arch);
    if (cf > 0) {
      // the whole model's time, all spent as if on the conv layers: a lower bound of the conv rate
      r.convFlopsPerImage = cf;
      fractions.push(() => {
        r.wholeModelConvFractionOfPeak = Object.fromEntries(list.map((e) => [e.name, {
          batch1: cf / (r.latency[e.name].medianUs * 1e-6) / 1e9 / result.peak.gflops,
          batch64: (cf * r.throughput[e.name][64].imagesPerSec) / 1e9 / result.peak.gflops,
        }]));
      });
    }
    result.models[key] = r;
    list.forEach((e) => e.dispose());
  }

  // Conv layers alone, as predict runs them (conv + ReLU, + the 2×2 max pool after it, which our
  // predict fuses; and all layers before flatten) at batch 64, for every CNN timed; outputs kept
  // in each engine (keepBatch: no new output array per call, which in Chromium cost more than the
  // layer: a 1.6 MB Float32Array per call); each sample lasts >= 25 ms whatever the timer's step.
  result.conv = {};
  for (const [key, modelFile] of Object.entries(doing('conv') ? modelBytes : {})) {
    const { list: full, arch, params } = await enginesFor(modelFile);
    full.forEach((e) => e.dispose());
    if (!convFlops(arch)) continue;
    log(`${key}: conv layers alone at batch 64 …`);
    const convs = (result.conv[key] = {});
    const m = 512;
    const peak = await peakSampler({ now });
    for (const sub of convSubModels(arch)) {
      const subParams = paramsFor(sub.architecture, params);
      const bytes = writeSafetensors(sub.architecture, subParams);
      const { list } = await enginesFor(bytes);
      const [c, h, w] = [sub.architecture.input.channels, sub.architecture.input.height, sub.architecture.input.width];
      const data = randomFloats(m * c * h * w, 7);
      const inputsForSub = layoutCache(data, m);
      const agree = await agreement(list, inputsForSub, m);
      if (!agree.ok) fail(`${key} conv sub-model ${sub.name}: engines disagree (${JSON.stringify(agree.engines)})`);
      const rates = await sampledRate(list, inputsForSub, m, { now, cpuNow, batch: 64, samples: quick ? 3 : 7, minMs: quick ? 10 : 25, peak });
      const flops = convFlops(sub.architecture);
      const info = describe(sub.architecture);
      const shape = `[${info[0].in}]→[${info[info.length - 1].out}]`;
      const row = (convs[sub.name] = {
        shape,
        layers: sub.architecture.layers.map((l) => l.name),
        flopsPerImage: flops,
        agreement: { ok: agree.ok, maxAbs: Math.max(...Object.values(agree.engines).map((a) => a.maxAbs)) },
        peakGflops: rates.peak.gflops,  // the peak loop's median in the same rotation
        engines: Object.fromEntries(list.map((e) => {
          const { imagesPerSec: ips, cpuImagesPerSec: cips, msPerSample } = rates[e.name];
          return [e.name, { usPerImage: 1e6 / ips, gflops: (flops * ips) / 1e9, msPerSample,
            ...(cips ? { cpuUsPerImage: 1e6 / cips, cpuGflops: (flops * cips) / 1e9 } : {}) }];
        })),
      });
      const peers = Object.fromEntries(list.filter((e) => PEERS.includes(e.name)).map((e) => [e.name, row.engines[e.name].gflops]));
      row.ratio = ratio(row.engines.ours.gflops, peers, true);
      if (cpuNow) {
        const cpuPeers = Object.fromEntries(Object.keys(peers).map((k) => [k, row.engines[k].cpuGflops]));
        row.cpuRatio = ratio(row.engines.ours.cpuGflops, cpuPeers, true);
      }
      log(`  ${sub.name} ${shape}: ` + list.map((e) => `${e.name} ${row.engines[e.name].usPerImage.toFixed(1)} µs`).join(', '));
      list.forEach((e) => e.dispose());
    }
  }

  // Training throughput: ours, and today's engine where given (--baseline).
  if (doing('train') && Object.keys(trainBytes).length) {
    log('training throughput, batch 32 …');
    const builds = { ours: cs };
    if (mods.createConvScopeBaseline) builds.baseline = await mods.createConvScopeBaseline();
    const architectureOf = (bytes) => {
      const model = cs.loadModel(bytes);
      const a = model.architecture;
      model.delete();
      return a;
    };
    const count = 2048;
    const nets = {};
    for (const [net, bytes] of Object.entries(trainBytes)) {
      const architecture = architectureOf(bytes);
      const { height, width } = architecture.input;
      const data = height === 28 && width === 28 ? { images: mnist.images, labels: mnist.labels, count: Math.min(count, mnist.count) }
        : { ...cs.generateJets(count, 1), count };
      nets[net] = { architecture, data };
    }
    result.training = trainingThroughput(builds, nets, { now, cpuNow, quick, log });
  }

  // Our wasm heap: a fresh instance, 100,000 single predictions.
  if (doing('heap') && modelBytes.cnn) {
    const count = quick ? Math.min(heapCount, 20000) : heapCount;
    log(`heap: ${count} predictions on a fresh instance …`);
    const fresh = await mods.createConvScope();
    const e = oursEngine(fresh, modelBytes.cnn, 'ours');
    const afterLoad = fresh.memoryBytes();
    result.heap = { afterLoadBytes: afterLoad, ...(await heapGrowth(fresh, e, mnist.images, n, count, now)) };
    if (result.heap.grew) fail(`heap grew from ${result.heap.beforeBytes} to ${result.heap.afterBytes} bytes over ${count} predictions`);
    e.dispose();
  }
  const again = await measurePeak({ now, cpuNow, targetMs: quick ? 60 : 150 });
  result.peakAtStart = result.peak;
  result.peakAtEnd = again;
  const best = (k) => (again[k] === undefined ? undefined : Math.max(again[k], result.peakAtStart[k]));
  result.peak = { gflops: best('gflops'), gflopsCpu: best('gflopsCpu'), scalarGflops: best('scalarGflops'),
    relaxedMaddGflops: best('relaxedMaddGflops'), relaxedMaddGflopsCpu: best('relaxedMaddGflopsCpu') };
  log(`peak again: ${again.gflops.toFixed(2)} GFLOP/s; using the better, ${result.peak.gflops.toFixed(2)}`);
  fractions.forEach((f) => f());
  for (const c of Object.values(result.conv ?? {}).flatMap((convs) => Object.values(convs)))
    for (const e of Object.values(c.engines)) {
      e.fractionOfPeak = e.gflops / c.peakGflops;  // against the peak measured in turn with the engines
      if (e.cpuGflops) e.cpuFractionOfPeak = e.cpuGflops / result.peak.gflopsCpu;
    }
  return result;
}
