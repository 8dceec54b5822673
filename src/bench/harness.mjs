// Measurements shared by the Node run and the Chromium page: agreement, single-image latency,
// throughput at several batch sizes, and our wasm heap under many predictions. Engines come
// from engines.mjs; engines[0] is the reference (ours). Engines are measured in rotation
// (block by block, order shifted each round), so a slow-down of the machine during the run
// (other processes, frequency changes) hits all engines alike and the ratios stay fair.

export const PEERS = ['tfjs', 'tfjs-ops', 'ort'];

// f() for a sync engine, await f() for an async one (ONNX Runtime's run is a promise).
async function call(engine, f) {
  return engine.async ? await f() : f();
}

function quantile(sorted, q) {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i), hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

const argmax = (a, off, n) => {
  let best = 0;
  for (let j = 1; j < n; j++) if (a[off + j] > a[off + best]) best = j;
  return best;
};

// Compare outputs [n × size]: class disagreements (argmax) and max |Δ|.
export function compare(reference, other, n, size) {
  let mismatches = 0;
  let maxAbs = 0;
  let firstMismatch = -1;
  for (let s = 0; s < n; s++) {
    if (size > 1 && argmax(reference, s * size, size) !== argmax(other, s * size, size)) {
      mismatches++;
      if (firstMismatch < 0) firstMismatch = s;
    }
    for (let j = 0; j < size; j++) {
      const d = Math.abs(reference[s * size + j] - other[s * size + j]);
      if (!(d <= maxAbs)) maxAbs = Number.isNaN(d) ? Infinity : Math.max(maxAbs, d);
    }
  }
  return { mismatches, maxAbs, firstMismatch };
}

// All n inputs (back to back, in the engine's layout) through an engine in batches → its
// outputs. Sync engines are called without await (no promise overhead in their timings).
async function runAll(engine, inputs, n, batch) {
  const out = new Float32Array(n * engine.outSize);
  const size = engine.inSize;
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    const x = inputs.subarray(s * size, (s + m) * size);
    let y;
    if (engine.async) y = m === 1 ? await engine.predict(x) : await engine.predictBatch(x, m);
    else y = m === 1 ? engine.predict(x) : engine.predictBatch(x, m);
    out.set(y, s * engine.outSize);
  }
  return out;
}

// Agreement: every engine against engines[0] on all n inputs (batch 64).
export async function agreement(engines, inputsFor, n, { labels, tolerance = 1e-4 } = {}) {
  const ref = await runAll(engines[0], inputsFor(engines[0]), n, 64);
  const results = {};
  let accuracy = null;
  if (labels) {
    let hits = 0;
    for (let s = 0; s < n; s++) hits += argmax(ref, s * engines[0].outSize, engines[0].outSize) === labels[s];
    accuracy = hits / n;
  }
  for (const e of engines.slice(1)) {
    const out = e.canonical(await runAll(e, inputsFor(e), n, 64), n);
    const c = compare(ref, out, n, e.outSize);
    results[e.name] = { ...c, ok: c.mismatches === 0 && c.maxAbs <= tolerance };
  }
  return { reference: engines[0].name, n, tolerance, accuracy, engines: results, ok: Object.values(results).every((r) => r.ok), ref };
}

// Single-image latency: per call, from the input array in to the output array out. With cpuNow
// (Node), also each call's CPU time, which preemption by other processes does not inflate.
// minSampleMs > 0 (a coarse timer: Chromium's steps 5 µs): each sample times a group of calls
// lasting at least that long, and gives their mean; the median is then of group means.
export async function latency(engines, inputsFor, n, { now, cpuNow, warmup = 300, calls = 2500, blocks = 5, minSampleMs = 0 } = {}) {
  const samples = Object.fromEntries(engines.map((e) => [e.name, []]));
  const cpuSamples = Object.fromEntries(engines.map((e) => [e.name, []]));
  const per = Math.ceil(calls / blocks);
  for (const e of engines) {  // warm-up: tiers up the JIT and the wasm code, fills caches
    const inputs = inputsFor(e);
    for (let i = 0; i < warmup; i++) {
      const k = i % n;
      await call(e, () => e.predict(inputs.subarray(k * e.inSize, (k + 1) * e.inSize)));
    }
  }
  const group = {};
  for (const e of engines) {
    const inputs = inputsFor(e);
    const t0 = now();
    for (let i = 0; i < 50; i++) await call(e, () => e.predict(inputs.subarray(0, e.inSize)));
    const perCall = Math.max((now() - t0) / 50, 1e-4);
    group[e.name] = minSampleMs > 0 ? Math.max(1, Math.ceil(minSampleMs / perCall)) : 1;
  }
  let k = 0;
  for (let b = 0; b < blocks; b++) {
    for (let j = 0; j < engines.length; j++) {
      const e = engines[(b + j) % engines.length];
      const inputs = inputsFor(e);
      const t = samples[e.name];
      const c = cpuSamples[e.name];
      const g = group[e.name];
      for (let i = 0; i < per; i += g) {
        const c0 = cpuNow?.();
        const t0 = now();
        for (let r = 0; r < g; r++, k++) {
          const x = inputs.subarray((k % n) * e.inSize, ((k % n) + 1) * e.inSize);
          if (e.async) await e.predict(x);
          else e.predict(x);
        }
        t.push((now() - t0) / g);
        if (cpuNow) c.push((cpuNow() - c0) / g);
      }
    }
  }
  const out = {};
  for (const [name, t] of Object.entries(samples)) {
    t.sort((a, b) => a - b);
    const c = cpuSamples[name].sort((a, b) => a - b);
    out[name] = {
      ...(c.length ? { cpuMedianUs: quantile(c, 0.5) * 1000 } : {}),
      calls: t.length,
      medianUs: quantile(t, 0.5) * 1000,
      meanUs: (t.reduce((a, b) => a + b, 0) / t.length) * 1000,
      p95Us: quantile(t, 0.95) * 1000,
      minUs: t[0] * 1000,
      callsPerSample: group[name],
    };
  }
  return out;
}

// Throughput over n inputs at each batch size. The n inputs are cut into segments of about
// `segment` inputs (whole batches); engines take turns segment by segment (order shifted each
// time), `repeats` times over all n, and images/s comes from the median time per image over all
// segments, which a burst of load on a shared machine barely moves; totalImagesPerSec is plain
// inputs ÷ summed time. A batch as large as n is one call: the median of `wholeRepeats` calls.
// The first pass's outputs are checked against `reference` (every engine, every batch size).
// With cpuNow (ms of this process's CPU time; Node), cpuImagesPerSec is the same from CPU time,
// which other processes on the machine do not inflate.
export async function throughput(engines, inputsFor, n, { now, cpuNow, batches = [1, 64, 10000], repeats = 1, wholeRepeats = 3, segment = 1024, reference, tolerance = 1e-4 } = {}) {
  const out = Object.fromEntries(engines.map((e) => [e.name, {}]));
  const checks = [];
  for (const batch of batches) {
    const b = Math.min(batch, n);
    const seg = b >= n ? n : Math.max(b, Math.floor(segment / b) * b);
    const perImage = Object.fromEntries(engines.map((e) => [e.name, []]));
    const perImageCpu = Object.fromEntries(engines.map((e) => [e.name, []]));
    const total = Object.fromEntries(engines.map((e) => [e.name, 0]));
    const outputs = Object.fromEntries(engines.map((e) => [e.name, new Float32Array(n * e.outSize)]));
    for (const e of engines) await runAll(e, inputsFor(e), Math.min(n, Math.max(b, 256)), b);  // warm-up at this batch
    let turn = 0;
    const passes = seg >= n ? wholeRepeats : repeats;
    for (let r = 0; r < passes; r++) {
      for (let s = 0; s < n; s += seg, turn++) {
        const m = Math.min(seg, n - s);
        for (let j = 0; j < engines.length; j++) {
          const e = engines[(turn + j) % engines.length];
          const x = inputsFor(e).subarray(s * e.inSize, (s + m) * e.inSize);
          const c0 = cpuNow?.();
          const t0 = now();
          const y = await runAll(e, x, m, b);
          const ms = now() - t0;
          if (cpuNow) perImageCpu[e.name].push((cpuNow() - c0) / m);
          perImage[e.name].push(ms / m);
          total[e.name] += ms;
          if (r === 0) outputs[e.name].set(y, s * e.outSize);
        }
      }
    }
    for (const e of engines) {
      if (reference) {
        const c = compare(reference, e.canonical(outputs[e.name], n), n, e.outSize);
        checks.push({ engine: e.name, batch, ...c, ok: c.mismatches === 0 && c.maxAbs <= tolerance });
      }
      const t = perImage[e.name].sort((x, y) => x - y);
      const tc = perImageCpu[e.name].sort((x, y) => x - y);
      out[e.name][batch] = {
        imagesPerSec: 1000 / quantile(t, 0.5),
        cpuImagesPerSec: tc.length ? 1000 / quantile(tc, 0.5) : undefined,
        totalImagesPerSec: (n * passes) / (total[e.name] / 1000),
        segments: t.length,
        n,
      };
    }
  }
  return { results: out, checks, ok: checks.every((c) => c.ok) };
}

// The smallest step performance.now() shows (5 µs in a cross-origin isolated page, finer in Node).
export function timerResolutionUs(now) {
  let best = Infinity;
  for (let i = 0; i < 50; i++) {
    const a = now();
    let b = now();
    while (b === a) b = now();
    best = Math.min(best, b - a);
  }
  return best * 1000;
}

// Our wasm heap across `count` single predictions (memoryBytes before and after).
export async function heapGrowth(cs, engine, inputs, n, count = 100000, now = () => performance.now()) {
  const before = cs.memoryBytes();
  const t0 = now();
  for (let i = 0; i < count; i++) {
    const k = i % n;
    engine.predict(inputs.subarray(k * engine.inSize, (k + 1) * engine.inSize));
  }
  const after = cs.memoryBytes();
  return { predictions: count, beforeBytes: before, afterBytes: after, grew: after !== before, seconds: (now() - t0) / 1000 };
}

// "ours ÷ fastest peer": > 1 means ours is better. higherIsBetter for throughput.
export function ratio(ours, peers, higherIsBetter) {
  const vals = Object.entries(peers).filter(([, v]) => Number.isFinite(v));
  if (!vals.length || !Number.isFinite(ours)) return null;
  const [best, value] = vals.reduce((a, b) => (higherIsBetter ? (b[1] > a[1] ? b : a) : (b[1] < a[1] ? b : a)));
  const r = higherIsBetter ? ours / value : value / ours;
  return { fastestPeer: best, peerValue: value, ours, ratio: r, text: ratioText(r) };
}

export const ratioText = (r) => (r == null ? '—' : r >= 1 ? `${r.toFixed(2)}× faster` : `${(1 / r).toFixed(2)}× slower`);

// n inputs through an engine in batches, outputs left where the engine keeps them (keepBatch:
// no new output array per call, no gathering copy in the timing).
async function runBatches(engine, inputs, n, batch) {
  const size = engine.inSize;
  let sink = 0;
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    const x = inputs.subarray(s * size, (s + m) * size);
    sink += engine.async ? await engine.keepBatch(x, m) : engine.keepBatch(x, m);
  }
  return sink;
}

// Images/s of each engine running n inputs at batch b, timed in samples long enough for any
// timer: each sample repeats whole passes over the n inputs until it lasts at least `minMs`
// (Chromium's performance.now() steps 5 µs, or 100 µs without cross-origin isolation; a sample
// of one batch-64 call of a small conv layer lasts ~100 µs). Engines take turns sample by sample
// (order shifted each time); the result is the median sample. With cpuNow (Node), also the rate
// by this process's CPU time.
// peak (peak.mjs peakSampler), if given, takes its turn in the rotation too: → out.peak.gflops,
// the median of its samples, against which the engines' rates are set.
export async function sampledRate(engines, inputsFor, n, { now, cpuNow, batch = 64, samples = 7, minMs = 20, peak } = {}) {
  const passes = {};
  for (const e of engines) {  // warm-up, then calibrate passes per sample
    await runBatches(e, inputsFor(e), n, batch);
    let k = 1;
    for (;;) {
      const t0 = now();
      for (let i = 0; i < k; i++) await runBatches(e, inputsFor(e), n, batch);
      const ms = now() - t0;
      if (ms >= minMs / 2 || k >= 1 << 16) {
        passes[e.name] = Math.max(1, Math.ceil((k * minMs) / Math.max(ms, 1e-3)));
        break;
      }
      k *= 2;
    }
  }
  const perImage = Object.fromEntries(engines.map((e) => [e.name, []]));
  const perImageCpu = Object.fromEntries(engines.map((e) => [e.name, []]));
  const peaks = [];
  for (let s = 0; s < samples; s++)
    for (let j = 0; j <= engines.length; j++) {
      if (j === engines.length) {
        if (peak) peaks.push(peak.sample(minMs));
        continue;
      }
      const e = engines[(s + j) % engines.length];
      const x = inputsFor(e);
      const c0 = cpuNow?.();
      const t0 = now();
      for (let p = 0; p < passes[e.name]; p++) await runBatches(e, x, n, batch);
      const ms = now() - t0;
      perImage[e.name].push(ms / (passes[e.name] * n));
      if (cpuNow) perImageCpu[e.name].push((cpuNow() - c0) / (passes[e.name] * n));
    }
  const out = {};
  for (const e of engines) {
    const t = perImage[e.name].sort((a, b) => a - b);
    const c = perImageCpu[e.name].sort((a, b) => a - b);
    out[e.name] = { imagesPerSec: 1000 / quantile(t, 0.5), ...(c.length ? { cpuImagesPerSec: 1000 / quantile(c, 0.5) } : {}),
      samples, passesPerSample: passes[e.name], msPerSample: quantile(t, 0.5) * passes[e.name] * n };
  }
  if (peak) out.peak = { gflops: quantile(peaks.sort((a, b) => a - b), 0.5), samples: peaks.length };
  return out;
}
