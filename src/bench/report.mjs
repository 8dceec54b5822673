// The tables `npm run bench` prints, from the results object it writes to results.json.
import { ratio, PEERS } from './harness.mjs';

const ENGINES = ['ours', 'ours-scalar', 'tfjs', 'tfjs-ops', 'ort'];
const fmt = (v, digits = 1) => (v == null || !Number.isFinite(v) ? '—' : v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(digits));
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;

function table(rows, header) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)));
  const line = (r) => '| ' + r.map((c, i) => String(c ?? '').padEnd(widths[i])).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

// The engines an environment measured, in table order.
const present = (env) => ENGINES.filter((e) => Object.values(env.models ?? {}).some((m) => m.agreement?.engines?.[e] || (e === 'ours' && m.agreement)));

// One row: a value per engine and "ours vs the fastest peer".
function row(label, values, higherIsBetter, digits, engines = ENGINES) {
  const peers = Object.fromEntries(PEERS.filter((p) => values[p] != null).map((p) => [p, values[p]]));
  const r = ratio(values.ours, peers, higherIsBetter);
  return [label, ...engines.map((e) => fmt(values[e], digits)), r ? `${r.text} (vs ${r.fastestPeer})` : '—'];
}

function envTable(env) {
  const ENGINES = present(env);
  const row_ = (l, v, h, d) => row(l, v, h, d, ENGINES);
  const rows = [];
  for (const [key, m] of Object.entries(env.models ?? {})) {
    if (!m.latency) {
      rows.push([`${key}: engines disagree`, ...ENGINES.map(() => ''), '']);
      continue;
    }
    const per = (f) => Object.fromEntries(ENGINES.filter((e) => m.latency[e]).map((e) => [e, f(e)]));
    rows.push(row_(`${key} latency median (µs)`, per((e) => m.latency[e].medianUs), false));
    rows.push(row_(`${key} latency p95 (µs)`, per((e) => m.latency[e].p95Us), false));
    rows.push(row_(`${key} latency mean (µs)`, per((e) => m.latency[e].meanUs), false));
    for (const b of Object.keys(m.throughput.ours))
      rows.push(row_(`${key} img/s, batch ${Number(b).toLocaleString('en-US')}`, per((e) => m.throughput[e][b].imagesPerSec), true, 0));
    const cold = env.coldStart?.[key];
    if (cold) rows.push(row_(`${key} first prediction (ms)`, Object.fromEntries(Object.entries(cold).map(([e, r]) => [e, r.firstPrediction])), false));
  }
  for (const [name, c] of Object.entries(env.conv ?? {})) {
    const per = Object.fromEntries(Object.entries(c.engines).map(([e, r]) => [e, r.gflops]));
    const r = row_(`${name} ${c.shape} GFLOP/s`, per, true, 2);
    // add % of peak to each cell
    ENGINES.forEach((e, i) => {
      if (c.engines[e]) r[i + 1] = `${c.engines[e].gflops.toFixed(2)} (${(100 * c.engines[e].fractionOfPeak).toFixed(0)}%)`;
    });
    rows.push(r);
  }
  return table(rows, ['measure', ...ENGINES, 'ours ÷ fastest peer']);
}

// Node only: the same throughputs from this process's CPU time (robust to a busy machine).
function cpuTable(env) {
  const ENGINES = present(env);
  const row_ = (l, v, h, d) => row(l, v, h, d, ENGINES);
  const rows = [];
  for (const [key, m] of Object.entries(env.models ?? {})) {
    if (!m.throughput) continue;
    if (m.latency.ours.cpuMedianUs !== undefined)
      rows.push(row_(`${key} latency median (µs CPU)`, Object.fromEntries(ENGINES.filter((e) => m.latency[e]).map((e) => [e, m.latency[e].cpuMedianUs])), false));
    for (const b of Object.keys(m.throughput.ours)) {
      if (m.throughput.ours[b].cpuImagesPerSec === undefined) return null;
      const per = Object.fromEntries(ENGINES.filter((e) => m.throughput[e]).map((e) => [e, m.throughput[e][b].cpuImagesPerSec]));
      rows.push(row_(`${key} img/s (CPU), batch ${Number(b).toLocaleString('en-US')}`, per, true, 0));
    }
  }
  for (const [name, c] of Object.entries(env.conv ?? {})) {
    const per = Object.fromEntries(Object.entries(c.engines).map(([e, r]) => [e, r.cpuGflops]));
    const r = row_(`${name} ${c.shape} GFLOP/s (CPU)`, per, true, 2);
    ENGINES.forEach((e, i) => {
      if (c.engines[e]?.cpuGflops) r[i + 1] = `${c.engines[e].cpuGflops.toFixed(2)} (${(100 * c.engines[e].cpuFractionOfPeak).toFixed(0)}%)`;
    });
    rows.push(r);
  }
  return table(rows, ['measure (by CPU time)', ...ENGINES, 'ours ÷ fastest peer']);
}

// The issue's targets, each with what this run measured (Node first, then Chromium).
export function targets(results) {
  const out = [];
  const envs = [['Node', results.node], ['Chromium', results.chromium]].filter(([, e]) => e?.models?.cnn?.ratios);
  const each = (f) => envs.map(([label, e]) => `${label} ${f(e)}`).join(', ');
  const met = (pred) => envs.every(([, e]) => pred(e));
  if (envs.length) {
    const r = (e, k) => e.models.cnn.ratios[k]?.ratio ?? 0;
    const cpuText = (e, k) => (e.models.cnn.ratios[k] ? ` (CPU time: ${e.models.cnn.ratios[k].text})` : '');
    out.push({ target: 'CNN single-image latency ≥ 5× faster than the fastest peer (median)', measured: each((e) => e.models.cnn.ratios.latencyMedian.text + cpuText(e, 'cpuLatencyMedian')), met: met((e) => r(e, 'latencyMedian') >= 5) });
    for (const b of [64, 10000])
      out.push({ target: `CNN throughput ≥ 1.5× the fastest peer at batch ${b.toLocaleString('en-US')}`, measured: each((e) => e.models.cnn.ratios[`throughput${b}`].text + cpuText(e, `cpuThroughput${b}`)), met: met((e) => r(e, `throughput${b}`) >= 1.5) });
    out.push({ target: 'Conv layers ≥ 50% of the wasm SIMD peak (conv stack alone, batch 64)',
      measured: each((e) => `${(100 * e.conv.convs.engines.ours.fractionOfPeak).toFixed(0)}% (` +
        Object.entries(e.conv).filter(([k]) => k !== 'convs').map(([k, c]) => `${k} ${(100 * c.engines.ours.fractionOfPeak).toFixed(0)}%`).join(', ') + ')'),
      met: met((e) => e.conv.convs.engines.ours.fractionOfPeak >= 0.5) });
  }
  if (results.downloads) {
    const gz = results.downloads.ours.gzip;
    out.push({ target: 'Engine download ≤ 150 KB gzipped (JS + wasm)', measured: `${(gz / 1024).toFixed(1)} KB (${gz.toLocaleString('en-US')} bytes)`, met: gz <= 150 * 1024 });
  }
  const cold = results.node?.coldStart?.cnn?.ours;
  if (cold) out.push({ target: 'First prediction ≤ 50 ms after the module starts loading (Node, CNN)', measured: `${cold.firstPrediction.toFixed(1)} ms (median of ${cold.runs} fresh processes; import ${cold.imported.toFixed(1)}, wasm ready ${cold.ready.toFixed(1)}, model loaded ${cold.modelLoaded.toFixed(1)})`, met: cold.firstPrediction <= 50 });
  const heaps = [['Node', results.node?.heap], ['Chromium', results.chromium?.heap]].filter(([, h]) => h);
  if (heaps.length) out.push({ target: 'No wasm heap growth over many predictions', measured: heaps.map(([l, h]) => `${l}: ${h.predictions.toLocaleString('en-US')} predictions, ${h.beforeBytes.toLocaleString('en-US')} → ${h.afterBytes.toLocaleString('en-US')} bytes`).join('; '), met: heaps.every(([, h]) => !h.grew) });
  return out;
}

export function printReport(results, log = console.log) {
  log('\n================ ConvScope benchmark ================');
  log(`${results.date}  ${results.machine.cpu} × ${results.machine.cores}, load average ${results.machine.loadAverageAtStart.map((x) => x.toFixed(1)).join(' ')} → ${results.machine.loadAverageAtEnd?.map((x) => x.toFixed(1)).join(' ')}`);
  log('All engines single-threaded WebAssembly SIMD; tfjs = TensorFlow.js Layers model (predictOnBatch), tfjs-ops = the same net as fused tfjs-core ops; ort = ONNX Runtime Web.');
  const load = Math.max(...results.machine.loadAverageAtStart.slice(0, 1), ...(results.machine.loadAverageAtEnd ?? []).slice(0, 1));
  if (load > results.machine.cores)
    log(`NOTE: the machine was busy (load average ${load.toFixed(1)} on ${results.machine.cores} cores): absolute times are inflated and vary; ratios within this run stay comparable (engines take turns), and Node's CPU-time rows are the steadier figures.`);
  for (const [label, env] of [['Node', results.node], ['Chromium', results.chromium]]) {
    if (!env) continue;
    log(`\n--- ${label}${env.userAgent ? ' (' + (env.userAgent.match(/Chrome\/[\d.]+/) ?? [''])[0] + ')' : ''} ---`);
    log(`wasm f32x4 multiply-add peak: ${env.peak.gflops.toFixed(2)} GFLOP/s (start ${env.peakAtStart?.gflops.toFixed(2)}, end ${env.peakAtEnd?.gflops.toFixed(2)}; scalar f32 ${env.peak.scalarGflops.toFixed(2)}${env.peak.relaxedMaddGflops ? `; relaxed-simd fused madd, which no engine here uses, ${env.peak.relaxedMaddGflops.toFixed(2)}` : ''}). Timer step ${env.timerResolutionUs?.toFixed(2)} µs.`);
    log('img/s: median time per image over segments of ~1,024 images, engines taking turns. conv rows: the layers alone at batch 64, GFLOP/s (% of the peak).');
    for (const [key, m] of Object.entries(env.models ?? {})) {
      const a = m.agreement;
      log(`${key} agreement on ${a.n.toLocaleString('en-US')} test images (ours ${(100 * a.accuracy).toFixed(2)}% accurate): ` +
        Object.entries(a.engines).map(([e, r]) => `${e} ${r.mismatches} class mismatches, max |Δp| ${r.maxAbs.toExponential(1)}`).join('; ') +
        (a.ok ? ' — OK' : ' — FAIL'));
    }
    log(envTable(env));
    const cpu = cpuTable(env);
    if (cpu) {
      log(`The same by this process's CPU time instead of wall time (peak ${env.peak.gflopsCpu?.toFixed(2)} GFLOP/s by CPU time):`);
      log(cpu);
    }
    if (env.heap) log(`ours: ${env.heap.predictions.toLocaleString('en-US')} predictions, wasm heap ${env.heap.beforeBytes.toLocaleString('en-US')} → ${env.heap.afterBytes.toLocaleString('en-US')} bytes (${env.heap.grew ? 'GREW' : 'unchanged'})`);
    if (env.failures?.length) log(`FAILURES: ${env.failures.join('; ')}`);
  }
  const d = results.downloads;
  if (d) {
    log('\n--- Download per engine (JS + wasm, without weights) ---');
    const rows = ENGINES.map((e) => [e, kb(d[e].raw), kb(d[e].gzip), d[e].files.map((f) => f.file.split('/').pop()).join(' + '),
      results.chromium?.downloaded?.[e] ? kb(results.chromium.downloaded[e].raw) : '—']);
    const ours = d.ours.gzip;
    const best = Math.min(...PEERS.map((p) => d[p].gzip));
    log(table(rows, ['engine', 'raw', 'gzip -9', 'files', 'fetched by Chromium (raw)']));
    log(`ours gzipped: ${kb(ours)}, ${(best / ours).toFixed(1)}× smaller than the smallest peer`);
  }
  const t = targets(results);
  if (t.length) {
    log('\n--- Targets (issue 6) ---');
    log(table(t.map((x) => [x.met ? 'met' : 'NOT met', x.target, x.measured]), ['', 'target', 'measured']));
  }
  if (results.native) {
    log('\n--- Native kernels (Google Benchmark, g++ -O3) ---');
    log(table(results.native.benchmarks.map((b) => [b.name, fmt(b.cpuTimeNs / 1000, 2), fmt(b.realTimeNs / 1000, 2), b.gflops ? b.gflops.toFixed(2) : '']),
      ['benchmark (per call)', 'µs CPU', 'µs wall', 'GFLOP/s (CPU)']));
  }
}
