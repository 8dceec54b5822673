// Where a model's time goes, stage by stage, for one or more engine builds in one process (e.g.
// the engine of an older commit against today's): each conv stage (conv + ReLU + 2×2 max pool,
// as predict fuses them; POOL=0: conv + ReLU alone) and the rest of the model as sub-models of
// their own, predictBatch at batch 64 and predict at batch 1, timed by this process's CPU time
// (steadier than wall time on a shared machine), engines alternating round by round; median of
// 6 rounds; batch 64 writes into one reused output array (predictBatch's out). % = of the wasm
// f32x4 mul+add peak (peak.mjs, wall time: low on a busy machine).
// usage: node src/bench/stage-profile.mjs ENGINE.mjs[,OTHER_ENGINE.mjs...] [cnn|cnn-8-16-64|jet]
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { cnn81664Bytes } from './bench-models.mjs';
import { describe, paramsFor, randomFloats, subArchitecture, writeSafetensors } from './model-utils.mjs';
import { measurePeak } from './peak.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const files = process.argv[2].split(',');
const which = process.argv[3] ?? 'cnn';
const bytes = which === 'cnn' ? new Uint8Array(readFileSync(`${ROOT}/web/models/mnist-cnn.safetensors`))
  : which === 'jet' ? new Uint8Array(readFileSync(`${ROOT}/web/models/jet-cnn.safetensors`)) : cnn81664Bytes();
const engines = [];
for (const f of files) engines.push({ name: f.split('/').slice(-2).join('/'), cs: await (await import(pathToFileURL(path.resolve(f)).href)).default() });
const m0 = engines[0].cs.loadModel(bytes);
const arch = m0.architecture, params = m0.parameters();
m0.delete();
const layers = arch.layers;
// stages: conv (+relu) (+pool); then the rest
const stages = [];
for (let i = 0; i < layers.length;) {
  if (layers[i].type === 'conv2d') {
    let j = i + 1;
    if (layers[j]?.type === 'relu') j++;
    if (process.env.POOL !== '0' && layers[j]?.type === 'maxpool2d') j++;
    stages.push([i, j]); i = j;
  } else { stages.push([i, layers.length]); break; }
}
stages.push([0, layers.length]);
const info = describe(arch);
const cpu = () => process.cpuUsage().user / 1000;
const peak = (await measurePeak({})).gflops;
console.log(`peak ${peak.toFixed(1)} GFLOP/s; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const [a, b] of stages) {
  let sub;
  if (info[a].in.length === 3) sub = subArchitecture(arch, a, b);
  else sub = { input: { channels: info[a].in[0], height: 1, width: 1 }, layers: layers.slice(a, b) };
  if (info[a].in.length !== 3) { // a flatten-first tail: give it a [C,H,W] input of the right size
    const prev = info[a - 1]?.out ?? info[a].in;
    sub = { input: { channels: prev[0], height: prev[1] ?? 1, width: prev[2] ?? 1 }, layers: layers.slice(a, b) };
  }
  const subBytes = writeSafetensors(sub, paramsFor(sub, params));
  const flops = info.slice(a, b).reduce((s, d) => s + d.flops, 0);
  const inSize = sub.input.channels * sub.input.height * sub.input.width;
  const N = 512;
  const x = randomFloats(N * inSize, 3);
  const models = engines.map((e) => e.cs.loadModel(subBytes));
  // (an engine older than predictBatch's out argument gets undefined: a new array per call)
  const outs = models.map((m) => {
    const out = new Float32Array(64 * m.predict(x.subarray(0, inSize)).length);
    try { m.predictBatch(x.subarray(0, inSize), 1, out); return out; } catch { return undefined; }
  });
  const res = engines.map(() => ({ b64: [], b1: [] }));
  for (let rep = 0; rep < 7; rep++)
    for (let k = 0; k < engines.length; k++) {
      const e = (rep + k) % engines.length, m = models[e];
      // batch 64
      let c0 = cpu(), reps = 0;
      const out = outs[e];  // reused: no output array allocated per call
      do { for (let s = 0; s < N; s += 64) { const xs = x.subarray(s * inSize, (s + 64) * inSize); if (out) m.predictBatch(xs, 64, out); else m.predictBatch(xs, 64); } reps++; } while (cpu() - c0 < 40);
      if (rep) res[e].b64.push((cpu() - c0) * 1000 / (reps * N));
      c0 = cpu(); reps = 0;
      do { for (let s = 0; s < N; s++) m.predict(x.subarray(s * inSize, (s + 1) * inSize)); reps++; } while (cpu() - c0 < 40);
      if (rep) res[e].b1.push((cpu() - c0) * 1000 / (reps * N));
    }
  const med = (v) => v.sort((p, q) => p - q)[v.length >> 1];
  const name = layers.slice(a, b).map((l) => l.name).join('+');
  console.log(`${(a === 0 && b === layers.length ? 'WHOLE ' : '') + name.slice(0, 40).padEnd(40)} [${info[a].in}]→[${info[b - 1].out}] ${(flops / 1e3).toFixed(0)} kFLOP`);
  engines.forEach((e, k) => {
    const u64 = med(res[k].b64), u1 = med(res[k].b1);
    console.log(`   ${e.name.padEnd(28)} b64 ${u64.toFixed(2).padStart(7)} µs/img (${(100 * flops / u64 / 1e3 / peak).toFixed(0)}%)  b1 ${u1.toFixed(2).padStart(7)} µs (${(100 * flops / u1 / 1e3 / peak).toFixed(0)}%)`);
  });
  models.forEach((m) => m.delete());
}
