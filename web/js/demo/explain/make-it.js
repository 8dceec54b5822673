// #make-it: "make it a …". The engine (model.makeIt, one call per run) takes small signed-gradient
// steps on the input toward a target class, never moving a pixel more than ε from the original,
// and reports the target's probability after each step; this view shows the original, the change
// (diverging, its legend spanning ±ε) and the result, and the probability step by step.
// Handed its elements; knows no pointers.

import { drawMap } from '../../render/heatmap.js';
import { renderLegend } from '../../render/grid.js';
import { renderLineChart } from '../../render/line-chart.js';

export const MAKE_IT = Object.freeze({ epsilon: 0.25, stepSize: 0.02, maxSteps: 40 });

// The biggest change of any pixel.
export function largestChange(change) {
  let m = 0;
  for (const v of change) m = Math.max(m, Math.abs(v));
  return m;
}

// els: {original, change, result (canvases), changeLegend, chart (svg), summary, caption}
// → {run({model, input, shape, target, labels, epsilon}) → result, clear()}
export function createMakeItView(els) {
  return {
    run({ model, input, shape, target, labels, epsilon = MAKE_IT.epsilon }) {
      const { height, width } = shape;
      const t0 = performance.now();
      const r = model.makeIt(input, target, { epsilon, stepSize: MAKE_IT.stepSize, maxSteps: MAKE_IT.maxSteps });
      const ms = performance.now() - t0;
      drawMap(els.original, input, 0, height, width, 'grey', [0, 1]);
      drawMap(els.change, r.change, 0, height, width, 'diverging', [-epsilon, epsilon]);
      drawMap(els.result, r.image, 0, height, width, 'grey', [0, 1]);
      renderLegend(els.changeLegend, { scale: 'diverging', domain: [-epsilon, epsilon] });
      const name = labels[target] ?? String(target);
      const steps = r.probabilities.length;
      const probs = Array.from(r.probabilities);
      renderLineChart(els.chart, {
        values: probs, xMax: Math.max(1, steps), yDomain: [0, 1], xLabel: 'step', yLabel: `p(${name})`,
        yFormat: (v) => v.toFixed(1), height: 150, references: [{ y: 0.5, label: '½' }],
        description: `probability of ${name} after each of ${steps} steps`,
      });
      const moved = largestChange(r.change);
      const verdict = r.reached
        ? `It now reads “${labels[r.predicted]}”: after ${steps} step${steps === 1 ? '' : 's'}, p(${name}) = ${probs.at(-1)?.toFixed(2) ?? '—'}.`
        : `Not a “${name}” within ${MAKE_IT.maxSteps} steps of at most ±${epsilon} per pixel: it still reads “${labels[r.predicted]}”, p(${name}) = ${probs.at(-1)?.toFixed(2) ?? '—'}.`;
      els.summary.textContent = `${verdict} No pixel moved more than ${moved.toFixed(2)} (the bound is ${epsilon}).`;
      els.caption.textContent = steps ? `p(${name}) step by step: ${probs.map((p) => p.toFixed(2)).join(', ')}` : `It already reads “${name}”.`;
      Object.assign(els.summary.dataset, {
        reached: String(r.reached), predicted: String(r.predicted), steps: String(steps), maxChange: String(moved),
        epsilon: String(epsilon), ms: ms.toFixed(1),
      });
      return r;
    },
  };
}
