// The in-process part of the benchmark, the same in Node and in the Chromium page: for the
// shipped CNN and DNN, every engine is built from OUR safetensors, checked for agreement, then
// timed; the CNN's conv layers are also timed alone and set against this machine's wasm peak.

import { oursEngine, tfjsLayersEngine, tfjsOpsEngine, ortEngine } from './engines.mjs';
import { agreement, latency, throughput, heapGrowth, ratio, timerResolutionUs, PEERS } from './harness.mjs';
import { convFlops, convSubModels, describe, paramsFor, randomFloats, writeSafetensors } from './model-utils.mjs';
import { measurePeak } from './peak.mjs';

// mods: {createConvScope, createConvScopeScalar, tf, tfl, ort} (peers already configured)
// modelBytes: {cnn: Uint8Array, dnn: Uint8Array}; mnist: {count, images, labels}
// heapCount: single predictions for the heap check (100,000 by default).
export async function runSuite({ mods, modelBytes, mnist, now = () => performance.now(), cpuNow, log = console.log, quick = false, heapCount = 100000 }) {
  const result = { quick, failures: [] };
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

  // Every engine for one model (architecture + parameters read back from our engine).
  async function enginesFor(bytes) {
    const ours = oursEngine(cs, bytes, 'ours');
    const arch = ours.model.architecture;
    const params = ours.model.parameters();
    const list = [ours];
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
  for (const [key, bytes] of Object.entries(modelBytes)) {
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
    r.latency = await latency(list, inputsFor, n, { now, cpuNow, calls: quick ? 1000 : 2500, warmup: quick ? 100 : 300 });
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

  // Conv layers alone (conv + its ReLU; and all layers before flatten) at batch 64.
  if (modelBytes.cnn) {
    log('conv layers alone at batch 64 …');
    const { list: full, arch, params } = await enginesFor(modelBytes.cnn);
    full.forEach((e) => e.dispose());
    result.conv = {};
    const m = quick ? 1024 : 2048;
    for (const sub of convSubModels(arch)) {
      const subParams = paramsFor(sub.architecture, params);
      const bytes = writeSafetensors(sub.architecture, subParams);
      const { list } = await enginesFor(bytes);
      const [c, h, w] = [sub.architecture.input.channels, sub.architecture.input.height, sub.architecture.input.width];
      const data = randomFloats(m * c * h * w, 7);
      const inputsForSub = layoutCache(data, m);
      const agree = await agreement(list, inputsForSub, Math.min(m, 512));
      if (!agree.ok) fail(`conv sub-model ${sub.name}: engines disagree (${JSON.stringify(agree.engines)})`);
      const tp = await throughput(list, inputsForSub, m, { now, cpuNow, batches: [64], repeats: quick ? 1 : 2, segment: 512 });
      const flops = convFlops(sub.architecture);
      const info = describe(sub.architecture);
      const shape = `[${info[0].in}]→[${info[info.length - 1].out}]`;
      result.conv[sub.name] = {
        shape,
        layers: sub.architecture.layers.map((l) => l.name),
        flopsPerImage: flops,
        agreement: { ok: agree.ok, maxAbs: Math.max(...Object.values(agree.engines).map((a) => a.maxAbs)) },
        engines: Object.fromEntries(list.map((e) => {
          const { imagesPerSec: ips, cpuImagesPerSec: cips } = tp.results[e.name][64];
          return [e.name, { usPerImage: 1e6 / ips, gflops: (flops * ips) / 1e9,
            ...(cips ? { cpuUsPerImage: 1e6 / cips, cpuGflops: (flops * cips) / 1e9 } : {}) }];
        })),
      };
      const peers = Object.fromEntries(list.filter((e) => PEERS.includes(e.name)).map((e) => [e.name, result.conv[sub.name].engines[e.name].gflops]));
      result.conv[sub.name].ratio = ratio(result.conv[sub.name].engines.ours.gflops, peers, true);
      if (cpuNow) {
        const cpuPeers = Object.fromEntries(Object.keys(peers).map((k) => [k, result.conv[sub.name].engines[k].cpuGflops]));
        result.conv[sub.name].cpuRatio = ratio(result.conv[sub.name].engines.ours.cpuGflops, cpuPeers, true);
      }
      log(`  ${sub.name} ${shape}: ` + list.map((e) => `${e.name} ${result.conv[sub.name].engines[e.name].usPerImage.toFixed(1)} µs`).join(', '));
      list.forEach((e) => e.dispose());
    }
  }

  // Our wasm heap: a fresh instance, 100,000 single predictions.
  if (modelBytes.cnn) {
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
  for (const c of Object.values(result.conv ?? {}))
    for (const e of Object.values(c.engines)) {
      e.fractionOfPeak = e.gflops / result.peak.gflops;
      if (e.cpuGflops) e.cpuFractionOfPeak = e.cpuGflops / result.peak.gflopsCpu;
    }
  return result;
}
