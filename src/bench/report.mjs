// The tables `npm run bench` prints, from the results object it writes to results.json. Every
// row with peers gives "ours ÷ fastest peer" and, beside it, the issue-13 target for that row.
import { ratio, PEERS } from './harness.mjs';

const ENGINES = ['ours', 'ours-relaxed', 'ours-scalar', 'tfjs', 'tfjs-ops', 'ort'];
const fmt = (v, digits = 1) => (v == null || !Number.isFinite(v) ? '—' : v >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(digits));
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const pct = (x) => `${(100 * x).toFixed(0)}%`;

// Issue 13's targets (ratios: ours ÷ fastest peer, > 1 = ours better).
export const TARGETS = {
  latency: 1.5, throughput: 1.5, convFractionOfPeak: 0.5, nodeFirstPredictionMs: 30, trainingVsToday: 2,
  downloadGzipBytes: 150 * 1024, indexReadyMs: 500, otherReadyMs: 700, drawingEngineMs: 0.5, drawingUpdateP95Ms: 6,
};
const T = TARGETS;

function table(rows, header) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length)));
  const line = (r) => '| ' + r.map((c, i) => String(c ?? '').padEnd(widths[i])).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

// The engines an environment measured, in table order.
const present = (env) => ENGINES.filter((e) => Object.values(env.models ?? {}).some((m) => m.agreement?.engines?.[e] || (e === 'ours' && m.agreement)) ||
  Object.values(env.conv ?? {}).some((convs) => Object.values(convs).some((c) => c.engines[e])));

// One row: a value per engine, "ours vs the fastest peer" and the target.
function row(label, values, higherIsBetter, digits, engines, target = '') {
  const peers = Object.fromEntries(PEERS.filter((p) => values[p] != null).map((p) => [p, values[p]]));
  const r = ratio(values.ours, peers, higherIsBetter);
  return [label, ...engines.map((e) => fmt(values[e], digits)), r ? `${r.text} (vs ${r.fastestPeer})` : '—', target];
}

function envTable(env, { cpu = false } = {}) {
  const engines = present(env);
  const rows = [];
  const unit = cpu ? ' CPU' : '';
  for (const [key, m] of Object.entries(env.models ?? {})) {
    if (!m.latency) {
      rows.push([`${key}: engines disagree`, ...engines.map(() => ''), '', '']);
      continue;
    }
    const per = (f) => Object.fromEntries(engines.filter((e) => m.latency[e]).map((e) => [e, f(e)]));
    if (cpu) {
      if (m.latency.ours.cpuMedianUs === undefined) return null;
      rows.push(row(`${key} latency median (µs${unit})`, per((e) => m.latency[e].cpuMedianUs), false, 1, engines, `≥ ${T.latency}× faster`));
    } else {
      rows.push(row(`${key} latency median (µs)`, per((e) => m.latency[e].medianUs), false, 1, engines, `≥ ${T.latency}× faster`));
      rows.push(row(`${key} latency p95 (µs)`, per((e) => m.latency[e].p95Us), false, 1, engines));
    }
    for (const b of Object.keys(m.throughput.ours)) {
      const target = Number(b) === 1 ? '' : `≥ ${T.throughput}× faster`;
      const k = cpu ? 'cpuImagesPerSec' : 'imagesPerSec';
      rows.push(row(`${key} img/s${unit}, batch ${Number(b).toLocaleString('en-US')}`, per((e) => m.throughput[e][b][k]), true, 0, engines, target));
    }
    const cold = env.coldStart?.[key];
    if (cold && !cpu) rows.push(row(`${key} first prediction (ms)`, Object.fromEntries(Object.entries(cold).map(([e, r]) => [e, r.firstPrediction])), false, 1, engines,
      env.userAgent ? '' : `ours ≤ ${T.nodeFirstPredictionMs} ms`));
  }
  for (const [key, convs] of Object.entries(env.conv ?? {}))
    for (const [name, c] of Object.entries(convs)) {
      const g = cpu ? 'cpuGflops' : 'gflops', f = cpu ? 'cpuFractionOfPeak' : 'fractionOfPeak';
      if (c.engines.ours[g] === undefined) continue;
      const per = Object.fromEntries(Object.entries(c.engines).map(([e, r]) => [e, r[g]]));
      const r = row(`${key} ${name} ${c.shape} GFLOP/s${unit}`, per, true, 2, engines, `ours ≥ ${pct(T.convFractionOfPeak)} of peak`);
      engines.forEach((e, i) => {
        if (c.engines[e]?.[g] !== undefined) r[i + 1] = `${c.engines[e][g].toFixed(2)} (${pct(c.engines[e][f])})`;
      });
      rows.push(r);
    }
  if (!rows.length) return null;
  return table(rows, [`measure${cpu ? ' (by CPU time)' : ''}`, ...engines, 'ours ÷ fastest peer', 'target']);
}

function trainingTable(env) {
  if (!env.training) return null;
  const rows = [];
  for (const [net, r] of Object.entries(env.training))
    for (const [k, how] of [['imagesPerSec', ''], ['cpuImagesPerSec', ' (CPU time)']]) {
      if (r.ours[k] === undefined) continue;
      rows.push([`${net}, batch ${r.ours.batch}${how}`, fmt(r.ours[k], 0), r.baseline ? fmt(r.baseline[k], 0) : '—',
        r.baseline ? `${(r.ours[k] / r.baseline[k]).toFixed(2)}×` : '— (no --baseline)', `≥ ${T.trainingVsToday}× today's`]);
    }
  return table(rows, ['training (forward + backward + Adam), img/s', 'ours', 'today (--baseline)', 'ours ÷ today', 'target']);
}

function pagesTable(pages) {
  const rows = [];
  for (const [name, p] of Object.entries(pages.pages)) {
    const target = name === 'index.html' ? T.indexReadyMs : T.otherReadyMs;
    rows.push([`${name}: navigation → body[data-ready]`, `${p.readyMedianMs.toFixed(0)} ms`, `${Math.min(...p.readyMs).toFixed(0)}–${Math.max(...p.readyMs).toFixed(0)}`, `≤ ${target} ms`, p.readyMedianMs <= target ? 'met' : 'NOT met']);
    if (p.firstPredictionMedianMs !== undefined)
      rows.push([`${name}: navigation → first prediction (a test digit clicked at ready)`, `${p.firstPredictionMedianMs.toFixed(0)} ms`, `${Math.min(...p.firstPredictionMs).toFixed(0)}–${Math.max(...p.firstPredictionMs).toFixed(0)}`, `≤ ${target} ms`, p.firstPredictionMedianMs <= target ? 'met' : 'NOT met']);
    rows.push([`${name}: last module/wasm/model request before ready starts (HTML in at ${p.htmlEndMedianMs.toFixed(0)} ms)`, `${p.lastRequestStartMedianMs.toFixed(0)} ms`, '', '', '']);
    for (const [k, v] of Object.entries(p.pageMarksMedianMs ?? {})) rows.push([`${name}: the page's mark ${k}`, `${v.toFixed(0)} ms`, '', '', '']);
  }
  const d = pages.drawing;
  if (d) {
    rows.push([`index.html drawing update, engine part (median of ${d.updates})`, d.engineMedianMs == null ? '—' : `${d.engineMedianMs.toFixed(2)} ms`, '', `≤ ${T.drawingEngineMs} ms`, d.engineMedianMs != null && d.engineMedianMs <= T.drawingEngineMs ? 'met' : 'NOT met']);
    rows.push(['index.html drawing update, whole (p95)', `${d.updateP95Ms.toFixed(2)} ms`, `median ${d.updateMedianMs.toFixed(2)}`, `≤ ${T.drawingUpdateP95Ms} ms`, d.updateP95Ms <= T.drawingUpdateP95Ms ? 'met' : 'NOT met']);
  }
  return table(rows, ['page (cold: fresh context, no cache, no service worker)', 'median', 'range', 'target', '']);
}

// The issue's targets, each with what this run measured.
export function targets(results) {
  const out = [];
  const envs = [['Node', results.node], ['Chromium', results.chromium]].filter(([, e]) => e);
  for (const [label, e] of envs) {
    for (const [key, m] of Object.entries(e.models ?? {})) {
      if (key === 'dnn' || !m.ratios) continue;
      const r = (k) => m.ratios[k]?.ratio ?? 0;
      out.push({ target: `${label} ${key}: latency p50 ≥ ${T.latency}× faster than the fastest peer`, measured: m.ratios.latencyMedian.text, met: r('latencyMedian') >= T.latency });
      for (const b of [64, 10000])
        out.push({ target: `${label} ${key}: img/s at batch ${b.toLocaleString('en-US')} ≥ ${T.throughput}× the fastest peer`, measured: m.ratios[`throughput${b}`].text, met: r(`throughput${b}`) >= T.throughput });
    }
    for (const [key, convs] of Object.entries(e.conv ?? {})) {
      const layers = Object.entries(convs).filter(([k]) => k !== 'convs');
      if (!layers.length) continue;
      out.push({ target: `${label} ${key}: every conv layer ≥ ${pct(T.convFractionOfPeak)} of the f32x4 mul+add peak`,
        measured: layers.map(([k, c]) => `${k} ${pct(c.engines.ours.fractionOfPeak)}`).join(', '),
        met: layers.every(([, c]) => c.engines.ours.fractionOfPeak >= T.convFractionOfPeak) });
    }
    for (const [net, r] of Object.entries(e.training ?? {}))
      out.push({ target: `${label} training ${net} ≥ ${T.trainingVsToday}× today's img/s`,
        measured: `${fmt(r.ours.imagesPerSec, 0)} img/s` + (r.baseline ? ` = ${(r.ours.imagesPerSec / r.baseline.imagesPerSec).toFixed(2)}× today's ${fmt(r.baseline.imagesPerSec, 0)}` : ' (today\'s not measured: --baseline)'),
        met: r.baseline ? r.ours.imagesPerSec >= T.trainingVsToday * r.baseline.imagesPerSec : null });
  }
  const cold = results.node?.coldStart?.cnn?.ours;
  if (cold) out.push({ target: `Node import → first prediction ≤ ${T.nodeFirstPredictionMs} ms (CNN, fresh process)`, measured: `${cold.firstPrediction.toFixed(1)} ms (median of ${cold.runs}; import ${cold.imported.toFixed(1)}, wasm ready ${cold.ready.toFixed(1)}, model loaded ${cold.modelLoaded.toFixed(1)})`, met: cold.firstPrediction <= T.nodeFirstPredictionMs });
  for (const build of ['ours', 'ours-relaxed', 'ours-scalar']) {
    const d = results.downloads?.[build];
    if (d) out.push({ target: `download ≤ 150 KB gzip, ${build} build (JS + wasm)`, measured: `${kb(d.gzip)} (${d.gzip.toLocaleString('en-US')} bytes)`, met: d.gzip <= T.downloadGzipBytes });
  }
  const p = results.pages;
  if (p) {
    for (const [name, x] of Object.entries(p.pages)) {
      const limit = name === 'index.html' ? T.indexReadyMs : T.otherReadyMs;
      const v = x.firstPredictionMedianMs ?? x.readyMedianMs;
      out.push({ target: `${name} cold: navigation → ${x.firstPredictionMedianMs !== undefined ? 'ready → first prediction' : 'ready'} ≤ ${limit} ms median`,
        measured: `ready ${x.readyMedianMs.toFixed(0)} ms` + (x.firstPredictionMedianMs !== undefined ? `, first prediction ${x.firstPredictionMedianMs.toFixed(0)} ms` : '') + ` (median of ${x.runs})`, met: v <= limit });
    }
    if (p.drawing) {
      out.push({ target: `drawing update, engine part ≤ ${T.drawingEngineMs} ms median`, measured: p.drawing.engineMedianMs == null ? 'not reported by the page' : `${p.drawing.engineMedianMs.toFixed(2)} ms`, met: p.drawing.engineMedianMs != null && p.drawing.engineMedianMs <= T.drawingEngineMs });
      out.push({ target: `drawing update, whole ≤ ${T.drawingUpdateP95Ms} ms p95`, measured: `${p.drawing.updateP95Ms.toFixed(2)} ms`, met: p.drawing.updateP95Ms <= T.drawingUpdateP95Ms });
    }
  }
  const heaps = [['Node', results.node?.heap], ['Chromium', results.chromium?.heap]].filter(([, h]) => h);
  if (heaps.length) out.push({ target: 'No wasm heap growth over many predictions', measured: heaps.map(([l, h]) => `${l}: ${h.predictions.toLocaleString('en-US')} predictions, ${h.beforeBytes.toLocaleString('en-US')} → ${h.afterBytes.toLocaleString('en-US')} bytes`).join('; '), met: heaps.every(([, h]) => !h.grew) });
  return out;
}

export function printReport(results, log = console.log) {
  log('\n================ ConvScope benchmark ================');
  const m = results.machine;
  log(`${results.date}  ${results.command}`);
  log(`${m.cpu} × ${m.cores}, load average ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')} → ${m.loadAverageAtEnd?.map((x) => x.toFixed(2)).join(' ')}; ` +
    `wasm f32x4 mul+add peak at the start ${m.peakAtStart?.gflops.toFixed(1)} GFLOP/s (Node)`);
  log('All engines single-threaded WebAssembly SIMD; tfjs = TensorFlow.js Layers model (predictOnBatch), tfjs-ops = the same net as fused tfjs-core ops; ort = ONNX Runtime Web.');
  const load = Math.max(...m.loadAverageAtStart.slice(0, 1), ...(m.loadAverageAtEnd ?? []).slice(0, 1));
  if (load > m.cores)
    log(`NOTE: the machine was busy (load average ${load.toFixed(1)} on ${m.cores} cores): absolute times are inflated and vary; ratios within this run stay comparable (engines take turns), and Node's CPU-time rows are the steadier figures.`);
  for (const [label, env] of [['Node', results.node], ['Chromium', results.chromium]]) {
    if (!env) continue;
    log(`\n--- ${label}${env.userAgent ? ' (' + (env.userAgent.match(/Chrome\/[\d.]+/) ?? [''])[0] + ')' : ''} ---`);
    log(`wasm f32x4 multiply-add peak: ${env.peak.gflops.toFixed(2)} GFLOP/s (start ${env.peakAtStart?.gflops.toFixed(2)}, end ${env.peakAtEnd?.gflops.toFixed(2)}; scalar f32 ${env.peak.scalarGflops.toFixed(2)}${env.peak.relaxedMaddGflops ? `; relaxed-simd fused madd ${env.peak.relaxedMaddGflops.toFixed(2)}` : ''}). Timer step ${env.timerResolutionUs?.toFixed(2)} µs.`);
    log('img/s: median time per image over segments of ~1,024 images, engines taking turns. conv rows: the layers alone at batch 64, samples of ≥ 25 ms, GFLOP/s (% of the peak).');
    for (const [key, mm] of Object.entries(env.models ?? {})) {
      const a = mm.agreement;
      log(`${key} agreement on ${a.n.toLocaleString('en-US')} test images (ours ${(100 * a.accuracy).toFixed(2)}% accurate): ` +
        Object.entries(a.engines).map(([e, r]) => `${e} ${r.mismatches} class mismatches, max |Δp| ${r.maxAbs.toExponential(1)}`).join('; ') +
        (a.ok ? ' — OK' : ' — FAIL'));
    }
    const main = envTable(env);
    if (main) log(main);
    const cpu = envTable(env, { cpu: true });
    if (cpu) {
      log(`The same by this process's CPU time instead of wall time (peak ${env.peak.gflopsCpu?.toFixed(2)} GFLOP/s by CPU time):`);
      log(cpu);
    }
    const train = trainingTable(env);
    if (train) log(train);
    if (env.heap) log(`ours: ${env.heap.predictions.toLocaleString('en-US')} predictions, wasm heap ${env.heap.beforeBytes.toLocaleString('en-US')} → ${env.heap.afterBytes.toLocaleString('en-US')} bytes (${env.heap.grew ? 'GREW' : 'unchanged'})`);
    if (env.failures?.length) log(`FAILURES: ${env.failures.join('; ')}`);
  }
  if (results.pages) {
    log(`\n--- The pages (headless Chromium ${results.pages.version}, localhost) ---`);
    log(pagesTable(results.pages));
    if (results.pages.drawing) log(`footer after drawing: "${results.pages.drawing.footer}"`);
  }
  const d = results.downloads;
  if (d) {
    log('\n--- Download per engine build (JS + wasm, without weights) ---');
    const rows = ENGINES.filter((e) => d[e]).map((e) => [e, kb(d[e].raw), kb(d[e].gzip), d[e].files.map((f) => f.file.split('/').pop()).join(' + '),
      results.chromium?.downloaded?.[e] ? kb(results.chromium.downloaded[e].raw) : '—', e.startsWith('ours') ? `≤ 150 KB gzip: ${d[e].gzip <= T.downloadGzipBytes ? 'met' : 'NOT met'}` : '']);
    const best = Math.min(...PEERS.map((p) => d[p].gzip));
    log(table(rows, ['engine', 'raw', 'gzip -9', 'files', 'fetched by Chromium (raw)', 'target']));
    log(`ours gzipped: ${kb(d.ours.gzip)}, ${(best / d.ours.gzip).toFixed(1)}× smaller than the smallest peer`);
  }
  const t = targets(results);
  if (t.length) {
    log('\n--- Targets (issue 13) ---');
    log(table(t.map((x) => [x.met === null ? '?' : x.met ? 'met' : 'NOT met', x.target, x.measured]), ['', 'target', 'measured']));
  }
  if (results.native) {
    log('\n--- Native kernels (Google Benchmark, g++ -O3) ---');
    log(table(results.native.benchmarks.map((b) => [b.name, fmt(b.cpuTimeNs / 1000, 2), fmt(b.realTimeNs / 1000, 2), b.gflops ? b.gflops.toFixed(2) : '']),
      ['benchmark (per call)', 'µs CPU', 'µs wall', 'GFLOP/s (CPU)']));
  }
}
