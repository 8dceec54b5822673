// Training throughput of our engine (browser and Node): forward + backward + Adam at batch 32, the
// way the lab trains (web/js/lab/train-worker.js: createModel(architecture), initialize(seed),
// setOptimizer({optimizer: 'adam'}), trainStep(x, y, n, learningRate)), in images/s. No peer
// trains here: the figure is set against another build of ours (today's engine, --baseline).

const BATCH = 32;

const quantile = (sorted, q) => {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i), hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
};

// A network being trained on one engine instance: step() runs one batch of forward + backward +
// Adam and returns its loss.
function trainer(cs, architecture, data) {
  const model = cs.createModel(architecture);
  model.initialize(1);
  model.setOptimizer({ optimizer: 'adam' });
  const size = architecture.input.channels * architecture.input.height * architecture.input.width;
  const batches = Math.floor(data.count / BATCH);
  let b = 0;
  return {
    step() {
      const x = data.images.subarray(b * BATCH * size, (b + 1) * BATCH * size);
      const y = data.labels.subarray(b * BATCH, (b + 1) * BATCH);
      b = (b + 1) % batches;
      return model.trainStep(x, y, BATCH, 1e-3).loss;
    },
    delete: () => model.delete(),
  };
}

// nets: {name: {architecture, data: {images, labels, count}}}; builds: {name: cs instance}.
// Builds take turns sample by sample (each sample: stepsPerSample batches), so a slower moment of
// the machine hits them alike; the median sample counts. With cpuNow (Node), also by CPU time.
// → {net: {build: {imagesPerSec, cpuImagesPerSec?, ...}}}
export function trainingThroughput(builds, nets, { now = () => performance.now(), cpuNow, quick = false, log = () => {} } = {}) {
  const stepsPerSample = quick ? 6 : 12, samples = quick ? 5 : 11, warmupSteps = quick ? 4 : 10;
  const out = {};
  for (const [net, { architecture, data }] of Object.entries(nets)) {
    const names = Object.keys(builds);
    const runs = Object.fromEntries(names.map((name) => [name, trainer(builds[name], architecture, data)]));
    const wall = Object.fromEntries(names.map((n) => [n, []]));
    const cpu = Object.fromEntries(names.map((n) => [n, []]));
    let loss = 0;
    try {
      for (const name of names) for (let i = 0; i < warmupSteps; i++) runs[name].step();
      for (let s = 0; s < samples; s++)
        for (let j = 0; j < names.length; j++) {
          const name = names[(s + j) % names.length];
          const c0 = cpuNow?.();
          const t0 = now();
          for (let i = 0; i < stepsPerSample; i++) loss = runs[name].step();
          wall[name].push((now() - t0) / (stepsPerSample * BATCH));
          if (cpuNow) cpu[name].push((cpuNow() - c0) / (stepsPerSample * BATCH));
        }
    } finally {
      Object.values(runs).forEach((r) => r.delete());
    }
    if (!Number.isFinite(loss)) throw new Error(`training ${net}: loss ${loss}`);
    out[net] = Object.fromEntries(names.map((name) => {
      const w = wall[name].sort((a, b) => a - b), c = cpu[name].sort((a, b) => a - b);
      return [name, { imagesPerSec: 1000 / quantile(w, 0.5), ...(c.length ? { cpuImagesPerSec: 1000 / quantile(c, 0.5) } : {}),
        batch: BATCH, samples, stepsPerSample }];
    }));
    log(`  training ${net}, batch ${BATCH}: ` + names.map((b) => `${b} ${Math.round(out[net][b].imagesPerSec).toLocaleString('en-US')} img/s`).join(', '));
  }
  return out;
}
