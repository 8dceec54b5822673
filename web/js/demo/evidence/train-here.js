// "Train one here" (#train-here): the page's side of train-worker.js (through worker-rpc.js). Start/Stop, a progress bar,
// live loss and accuracy curves (training batches as a line, the test set after each epoch as
// dots), the first layer's filters redrawn as they learn; when done or stopped, the model can be
// used on the pad (it loads like a reader's own file) and downloaded as a .safetensors that the
// "your own model" input loads back. The worker starts on the first Start, not before.
// Handed its section and {base, useModel(bytes, fileName)}.

import { renderChartLegend, renderXyChart } from '../../lab/xy-chart.js';
import { renderFilters } from '../../lab/filters-view.js';
import { downloadBytes } from '../../lab/download.js';
import { startEngine } from '../../engine.js';
import { startWorker } from '../../worker-rpc.js';
import { TRAIN_HERE } from './train-settings.js';
import { fmtInt } from '../../page.js';

const FILE_NAME = 'convscope-trained-here.safetensors';

export function createTrainHere(section, page) {
  const $ = (s) => section.querySelector(s);
  const els = {
    count: $('#train-here-count'), epochs: $('#train-here-epochs'), start: $('#train-here-start'), stop: $('#train-here-stop'),
    progress: $('#train-here-progress'), status: $('#train-here-status'), error: $('#train-here-error'),
    loss: $('#train-here-loss'), accuracy: $('#train-here-accuracy'), filters: $('#train-here-filters'),
    filtersLegend: $('#train-here-filters-legend'), use: $('#train-here-use'), download: $('#train-here-download'),
  };
  for (const n of TRAIN_HERE.trainCounts) els.count.add(new Option(`${fmtInt(n)} digits`, String(n), false, n === TRAIN_HERE.defaultTrainCount));
  for (const n of TRAIN_HERE.epochChoices) els.epochs.add(new Option(`${n} epoch${n > 1 ? 's' : ''}`, String(n), false, n === TRAIN_HERE.defaultEpochs));
  renderChartLegend($('.train-here-legend'), [{ className: 'train', label: 'training batches (running average)' }, { className: 'test', label: '10,000 test digits, after each epoch' }]);

  let worker = null, stopper = null, run = null, trained = null;

  function showError(message) {
    Object.assign(els.error, { textContent: message, hidden: false }).setAttribute('role', 'alert');
  }
  const hideError = () => Object.assign(els.error, { hidden: true }).removeAttribute('role');
  const setRunning = (on) => {
    els.start.disabled = on;
    els.stop.disabled = !on;
    els.count.disabled = els.epochs.disabled = on;
    section.dataset.state = on ? 'running' : 'idle';
  };

  function drawCurves() {
    const epochs = run?.epochs ?? 1;
    const chart = (svg, key, testKey, yDomain, yLabel, yFormat, text) => renderXyChart(svg, {
      series: [{ points: run?.[key] ?? [], className: 'train' }, { points: run?.[testKey] ?? [], className: 'test', dots: true }],
      xDomain: [0, epochs], yDomain, xLabel: 'epoch', yLabel, yFormat, height: 190, width: svg.parentElement.clientWidth || 300,
      description: text,
    });
    const last = (a) => a?.at(-1)?.[1];
    chart(els.loss, 'loss', 'none', [0, Math.max(0.5, Math.min(2.5, Math.ceil((run?.loss[0]?.[1] ?? 2.3) * 2) / 2))], 'loss', String,
      run?.loss.length ? `Loss: ${last(run.loss).toFixed(3)} now` : 'Loss: not trained yet');
    chart(els.accuracy, 'accuracy', 'test', [0.5, 1], 'accuracy', (v) => `${Math.round(v * 100)}%`,
      run?.test.length ? `Accuracy on the test digits: ${(last(run.test) * 100).toFixed(2)}% after epoch ${run.test.length}` : 'Accuracy: not trained yet');
  }

  const show = {
    status({ text, fraction }) {
      els.status.textContent = text;
      if (fraction === null) els.progress.removeAttribute('value');
      else els.progress.value = fraction;
    },
    progress(m) {
      const x = m.step / m.perEpoch;
      if (m.step === 0) run = { epochs: m.epochs, loss: [], accuracy: [], test: [], parameters: m.parameters };
      else {
        run.loss.push([x, m.loss]);
        run.accuracy.push([x, m.accuracy]);
      }
      els.progress.value = m.step / m.steps;
      els.status.textContent = m.step === 0 ? `Training ${run.parameters.toLocaleString('en-US')} weights on ${m.count.toLocaleString('en-US')} digits…`
        : `Epoch ${Math.min(m.epochs, Math.floor(x) + 1)} of ${m.epochs}: step ${m.step} of ${m.steps}, ${(m.trainMs / 1000).toFixed(1)} s, ` +
          `${Math.round((m.step * TRAIN_HERE.batch) / (m.trainMs / 1000)).toLocaleString('en-US')} digits a second`;
      renderFilters(els.filters, els.filtersLegend, { name: 'conv1.weight', ...m.filters });
      drawCurves();
    },
    epoch(m) {
      run.test.push([m.epoch, m.testAccuracy]);
      drawCurves();
    },
  };

  function done(m) {
    trained = m.bytes;
    const acc = (m.testAccuracy * 100).toFixed(2);
    section.dataset.testAccuracy = String(m.testAccuracy);
    section.dataset.trainSeconds = (m.trainMs / 1000).toFixed(1);
    els.status.textContent = `${m.stopped ? 'Stopped' : 'Done'} after ${m.step} steps (${(m.trainMs / 1000).toFixed(1)} s of training on ` +
      `${m.count.toLocaleString('en-US')} digits): ${acc}% of the 10,000 test digits right. Draw on it, or download it.`;
    els.use.disabled = els.download.disabled = false;
  }

  els.start.addEventListener('click', async () => {
    hideError();
    delete section.dataset.testAccuracy;
    setRunning(true);
    els.status.textContent = 'Starting the training worker…';
    worker ??= startWorker('./js/demo/evidence/train-worker.js', page.base, {
      name: 'training worker', onError: (e) => showError(e.message),
      engine: startEngine(page.base),  // the page's own: the worker gets its compiled module
    });
    stopper = new AbortController();
    try {
      const args = { trainCount: Number(els.count.value), epochs: Number(els.epochs.value), seed: TRAIN_HERE.seed };
      done(await worker.request('train', args, { onProgress: (m) => show[m.kind](m), signal: stopper.signal }));
      setRunning(false);
      section.dataset.state = 'done';
    } catch (e) {
      setRunning(false);
      showError(`Training failed: ${e.message}`);
    }
  });
  els.stop.addEventListener('click', () => stopper?.abort());
  els.use.addEventListener('click', () => trained && page.useModel(trained, FILE_NAME));
  els.download.addEventListener('click', () => trained && downloadBytes(section.ownerDocument, trained, FILE_NAME));
  drawCurves();
  return { redraw: drawCurves };
}
