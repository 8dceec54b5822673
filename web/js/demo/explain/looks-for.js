// #filter-looks-for: for every conv channel of the model, the input that excites it most, beside
// the channel's filter and its feature map for the current drawing. The images come from the
// engine's activation maximisation in a Web Worker (explain-worker.js), once per model; each is
// cropped to what the channel's centre unit sees (its receptive field on the input).
// Handed its elements; knows no pointers.

import { drawKernels, drawMap } from '../../render/heatmap.js';
import { renderLegend } from '../../render/grid.js';
import { el } from '../../render/dom.js';
import { receptiveField } from '../../render/receptive-field.js';
import { scaleOf } from './overlay.js';

export const LOOKS_FOR = Object.freeze({ seed: 1, steps: 64 });

// A crop [y0..y1] × [x0..x1] of channel-interleaved values [C][H][W] → canvas, grey (1 channel) or
// RGB (3 channels, each 0..1 → 0..255).
function drawCrop(canvas, image, { channels, height, width }, { y0, x0, y1, x1 }) {
  const h = y1 - y0 + 1, w = x1 - x0 + 1;
  if (channels === 1) {
    const crop = new Float32Array(h * w);
    for (let y = 0; y < h; y++) crop.set(image.subarray((y0 + y) * width + x0, (y0 + y) * width + x1 + 1), y * w);
    return drawMap(canvas, crop, 0, h, w, 'grey', [0, 1]);
  }
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  const out = ctx.createImageData(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) out.data[4 * (y * w + x) + c] = 255 * image[(c * height + y0 + y) * width + x0 + x];
      out.data[4 * (y * w + x) + 3] = 255;
    }
  }
  ctx.putImageData(out, 0, 0);
}

// els: {layers (container), status, legend}; worker: worker-client.js's (its model already set)
// → {setModel(entry, geoms), updateMaps(trace), start()}
export function createLooksForView(els, worker) {
  let model = null;  // {entry, geoms, convs: [{index, geom, figures: [{filter, map, looks}]}]}
  let started = false;

  function build(entry, geoms) {
    els.layers.replaceChildren();
    const convs = geoms.flatMap((geom, index) => (geom.type === 'conv2d' ? [{ index, geom }] : []));
    for (const conv of convs) {
      const { geom } = conv;
      const [channels] = geom.outDims;
      const block = el(els.layers, 'div', 'looks-layer');
      block.dataset.layerName = geom.name;
      el(block, 'h4', '', `${geom.name}: ${channels} channels, ${geom.win.kh}×${geom.win.kw} filters`);
      const grid = el(block, 'div', 'looks-grid');
      const weight = entry.weights.get(`${geom.name}.weight`);
      const m = scaleOf(weight.data);
      conv.figures = [];
      for (let c = 0; c < channels; c++) {
        const figure = el(grid, 'figure', 'looks-channel');
        figure.dataset.channel = String(c);
        const filter = el(figure, 'canvas', 'looks-filter');
        const map = el(figure, 'canvas', 'looks-map');
        const looks = el(figure, 'canvas', 'looks-image');
        filter.setAttribute('role', 'img');
        filter.setAttribute('aria-label', `${geom.name} filter ${c}`);
        map.setAttribute('role', 'img');
        map.setAttribute('aria-label', `${geom.name} feature map ${c}`);
        looks.setAttribute('role', 'img');
        looks.setAttribute('aria-label', `what ${geom.name} channel ${c} looks for (being computed)`);
        el(figure, 'figcaption', '', `${c}`);
        const [ic, kh, kw] = [geom.inDims[0], geom.win.kh, geom.win.kw];
        drawKernels(filter, weight.data, c * ic * kh * kw, ic, kh, kw, 'diverging', [-m, m]);
        conv.figures.push({ filter, map, looks });
      }
    }
    return convs;
  }

  return {
    setModel(entry, geoms) {
      started = false;
      model = { entry, geoms, convs: build(entry, geoms) };
      renderLegend(els.legend, { scale: 'grey', domain: [0, 1] });
      els.status.textContent = model.convs.length ? '' : 'This model has no convolution layers: nothing to show here.';
      delete els.layers.dataset.state;
    },
    updateMaps(trace) {
      if (!model) return;
      for (const { index, geom, figures } of model.convs) {
        const data = trace.layers[index].data;
        const [, h, w] = geom.outDims;
        const m = scaleOf(data);
        figures.forEach(({ map }, c) => drawMap(map, data, c * h * w, h, w, 'diverging', [-m, m]));
      }
    },
    // Asks the worker for every channel's image (once per model). → Promise of {ms} or {stopped}.
    async start() {
      if (!model || started || !model.convs.length) return null;
      started = true;
      const mine = model;
      const shape = mine.entry.architecture.input;
      const total = mine.convs.reduce((n, c) => n + c.figures.length, 0);
      let done = 0;
      els.status.textContent = `Computing what each of the ${total} channels looks for…`;
      els.layers.dataset.state = 'running';
      const t0 = performance.now();
      const result = await worker.looks({
        layers: mine.convs.map(({ index, figures }) => ({ index, channels: figures.length })),
        options: LOOKS_FOR,
      }, ({ layer, channel, image }) => {
        const conv = mine.convs.find((c) => c.index === layer);
        const [, oh, ow] = conv.geom.outDims;
        const field = receptiveField(mine.geoms, layer, Math.floor(oh / 2), Math.floor(ow / 2)).find((f) => f.layer === -1);
        const { looks } = conv.figures[channel];
        drawCrop(looks, image, shape, field);
        looks.setAttribute('aria-label', `what ${conv.geom.name} channel ${channel} looks for`);
        done++;
        els.status.textContent = `Computing what each channel looks for… ${done} of ${total}`;
      });
      if (result.stopped || mine !== model) return result;
      const wall = performance.now() - t0;
      els.status.textContent = `${total} channels in ${(wall / 1000).toFixed(1)} s, computed by the engine in a background thread.`;
      Object.assign(els.layers.dataset, { state: 'done', ms: wall.toFixed(0) });
      return result;
    },
  };
}
