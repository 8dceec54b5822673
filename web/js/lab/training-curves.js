// The live training curves: loss and accuracy against epochs, the running average over the last
// training batches as a line, the test jets after each epoch as dots on a dashed line. Handed
// its two <svg> elements and their widths; the run is lab.js's record of the progress messages.

import { renderXyChart } from './xy-chart.js';

export const CURVES = Object.freeze([
  { key: 'train', className: 'train', label: 'training batches (running average)' },
  { key: 'test', className: 'test', label: 'test jets (after each epoch)' },
]);

// svgs: {loss, accuracy}; widths: Map svg → CSS px; run: {epochs, loss, accuracy, testLoss,
// testAccuracy} ([[epoch, value]] each, accuracy in %) or null before the first run.
export function renderTrainingCurves(svgs, widths, run) {
  const epochs = run?.epochs ?? 1;
  const maxLoss = Math.max(0.8, ...(run?.loss ?? []).map(([, y]) => Math.min(y, 2)));
  renderXyChart(svgs.loss, {
    width: widths.get(svgs.loss),
    series: [{ points: run?.loss ?? [], className: 'train' }, { points: run?.testLoss ?? [], className: 'test', dots: true }],
    xDomain: [0, epochs], yDomain: [0, Math.ceil(maxLoss * 5) / 5], xLabel: 'epoch', yLabel: 'loss',
    description: run?.loss.length ? `Loss: ${run.loss.at(-1)[1].toFixed(3)} now` : 'Loss: not trained yet',
  });
  renderXyChart(svgs.accuracy, {
    width: widths.get(svgs.accuracy),
    series: [{ points: run?.accuracy ?? [], className: 'train' }, { points: run?.testAccuracy ?? [], className: 'test', dots: true }],
    xDomain: [0, epochs], yDomain: [40, 100], xLabel: 'epoch', yLabel: 'accuracy (%)',
    description: run?.accuracy.length ? `Accuracy: ${run.accuracy.at(-1)[1].toFixed(1)} % now` : 'Accuracy: not trained yet',
  });
}
