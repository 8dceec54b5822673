// #saliency: which pixels made the model give a class. Two maps over the model's input, both from
// the engine (computed in explain-worker.js): gradient × input (model.inputGradient of the class's
// score, the value before the softmax: how much it changes per unit of each pixel, times the pixel)
// and occlusion (occlusion.js: one predictBatch over copies of the input, each with a 4×4 square
// blanked). Drawn on their own, laid over the input, and laid back over the drawing on the pad (the
// engine's preprocessing says where the pad went in the input), each with its legend, with a line
// on where they disagree. Handed its elements; knows no pointers.

import { drawMap } from '../../render/heatmap.js';
import { renderLegend } from '../../render/grid.js';
import { drawOverlay, drawOverlayOnDrawing, scaleOf } from './overlay.js';
import { occludedCopies, occlusionMap } from './occlusion.js';

// gradient × input, summed over the channels → Float32Array(H·W). layer: whose output `target`
// indexes (the scores before a softmax), or undefined for the model's output.
export function gradientTimesInput(model, input, target, { channels, height, width }, layer) {
  const grad = layer === undefined || layer === null ? model.inputGradient(input, target) : model.inputGradient(input, target, layer);
  const map = new Float32Array(height * width);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < height * width; i++) map[i] += grad[c * height * width + i] * input[c * height * width + i];
  }
  return map;
}

// The occlusion map of class target (occlusion.js), from one predictBatch. probability(out) turns
// the model's output row into probabilities (the page's softmax for a model without one).
export function occlusionOf(model, input, target, shape, probability) {
  const { inputs, squares, count } = occludedCopies(input, shape);
  const out = model.predictBatch(inputs, count);
  const classes = out.length / count;
  const probs = new Float32Array(out.length);
  for (let k = 0; k < count; k++) probs.set(probability(out.subarray(k * classes, (k + 1) * classes)), k * classes);
  const base = probability(model.predict(input))[target];
  return occlusionMap(probs, classes, target, squares, shape, base);
}

// The share of a map's positive mass (evidence for the class) on pixels without ink.
function massOffInk(map, picture) {
  let off = 0, all = 0;
  for (let i = 0; i < map.length; i++) {
    if (map[i] <= 0) continue;
    all += map[i];
    if (picture[i] < 0.1) off += map[i];
  }
  return all ? off / all : 0;
}

// The one line under the maps: what they mean here, and where they disagree.
export function disagreementNote(gradient, occlusion, picture, label) {
  const off = massOffInk(occlusion, picture);
  const against = gradient.some((v) => v < 0) || occlusion.some((v) => v < 0);
  const parts = [`Orange pixels speak for “${label}”, blue ones against it.`];
  if (off > 0.2) {
    parts.push(`Occlusion finds ${Math.round(off * 100)}% of its evidence off the ink, where blanking a square also wipes ink nearby; gradient × input is zero wherever the input is, so it only ever marks the ink.`);
  } else {
    parts.push('Both maps put the evidence on the ink. Where they differ, gradient × input weighs one pixel at a time and only for a small change, occlusion a whole 4×4 square wiped out — a stroke the network can do without shows little in occlusion, however large its gradient.');
  }
  if (!against) parts.push('Nothing here argues against it.');
  return parts.join(' ');
}

// els: {gradient, occlusion, gradientOver, occlusionOver, gradientDrawn, occlusionDrawn
//       (canvases), drawn (what holds the last two), gradientLegend, occlusionLegend, note}
// → {draw({input, shape, label, gradient, occlusion, drawing})}; drawing: {ink, placement} of the
// pad (DrawPad.ink(), cs.preprocessPlaced's placement), or null (a sample digit: no drawing).
export function createSaliencyView(els) {
  return {
    draw({ input, shape, label, gradient, occlusion, drawing }) {
      const { height, width } = shape;
      const picture = input.subarray(0, height * width);
      els.drawn.hidden = !drawing;
      for (const [map, plain, over, drawn, legend] of [[gradient, els.gradient, els.gradientOver, els.gradientDrawn, els.gradientLegend],
        [occlusion, els.occlusion, els.occlusionOver, els.occlusionDrawn, els.occlusionLegend]]) {
        const m = scaleOf(map);
        drawMap(plain, map, 0, height, width, 'diverging', [-m, m]);
        drawOverlay(over, picture, map, height, width, m);
        if (drawing) drawOverlayOnDrawing(drawn, drawing.ink, drawing.placement, map, height, width, m);
        renderLegend(legend, { scale: 'diverging', domain: [-m, m], format: (v) => v.toPrecision(2) });
      }
      els.note.textContent = disagreementNote(gradient, occlusion, picture, label);
    },
  };
}
