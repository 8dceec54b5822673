// The arithmetic behind "click a cell": each layer's window (kernel, stride, padding, as the
// engine describes them), the receptive field of an output cell in every earlier layer, and the
// terms of a cell's value — a conv cell's dot product, a pooled cell's window, a dense unit's
// sum. Plain numbers in, plain numbers out; rendering lives in explain.js.
// Layouts: activations [C][H][W] flat (channel-major), conv weight [OC][IC][KH][KW], dense
// weight [OUT][IN], as in the safetensors file.

// The engine's description of each layer (model.describeLayers(): shapes, kernel, stride and
// the four paddings it resolved) → [{name, type, spec, inDims, outDims, win, flatFrom, image}]:
// win = {kh, kw, sh, sw, pt, pl} for a layer with a sliding window (conv2d, pooling), else null;
// flatFrom = the [C, H, W] a flatten layer flattens; image = the one-channel [1, H, W] a dense
// layer reads flattened (its weights are images). Dims: [C, H, W] or [F]. spec: the layer's
// entry in the architecture, for the words the page writes about it.
export function layerGeometry(architecture, described) {
  return described.map((d, i) => {
    const prev = described[i - 1];
    const win = d.kernel
      ? { kh: d.kernel[0], kw: d.kernel[1], sh: d.stride[0], sw: d.stride[1], pt: d.padding.top, pl: d.padding.left }
      : null;
    const flatFrom = d.type === 'flatten' && d.inputShape.length === 3 ? d.inputShape : null;
    const image = d.type === 'dense' && prev?.type === 'flatten' && prev.inputShape.length === 3 && prev.inputShape[0] === 1
      ? prev.inputShape : null;
    const spec = architecture.layers.find((l) => l.name === d.name);
    return { name: d.name, type: d.type, spec, inDims: d.inputShape, outDims: d.outputShape, win, flatFrom, image };
  });
}

// The input rows/cols an output region [y0..y1] × [x0..x1] (inclusive) of a windowed layer
// reads, before clipping: y·S − P .. y·S − P + K − 1.
export function windowOf({ win }, { y0, x0, y1, x1 }) {
  return { y0: y0 * win.sh - win.pt, y1: y1 * win.sh - win.pt + win.kh - 1, x0: x0 * win.sw - win.pl, x1: x1 * win.sw - win.pl + win.kw - 1 };
}

// Receptive field of cell (y, x) of layer i's output: [{layer: j, y0, x0, y1, x1}] for the output
// of each earlier layer j = i−1, …, 0 and the input (j = −1), clipped to each one's size. Stops
// at the first layer that is not spatial (flatten, dense).
export function receptiveField(geoms, i, y, x) {
  const out = [];
  let r = { y0: y, x0: x, y1: y, x1: x };
  for (let j = i; j >= 0; j--) {
    const g = geoms[j];
    if (g.inDims.length !== 3 || g.outDims.length !== 3) break;
    if (g.win) r = windowOf(g, r);
    const [, h, w] = g.inDims;
    const clipped = { y0: Math.max(0, r.y0), x0: Math.max(0, r.x0), y1: Math.min(h - 1, r.y1), x1: Math.min(w - 1, r.x1) };
    out.push({ layer: j - 1, ...clipped });
  }
  return out;
}

// Conv cell (o, y, x): per input channel the K×K patch it sees (0 in the padding, marked), the
// kernel, their element-wise products and the products' sum; dot = Σ all products; value =
// dot + bias. input: the layer's input [IC][H][W].
export function explainConv(g, input, weight, bias, o, y, x) {
  const [ic, h, w] = g.inDims;
  const { kh, kw, sh, sw, pt, pl } = g.win;
  const channels = [];
  let dot = 0;
  for (let c = 0; c < ic; c++) {
    const patch = [], kernel = [], products = [], padded = [];
    let sum = 0;
    for (let ky = 0; ky < kh; ky++) {
      const pr = [], kr = [], mr = [], dr = [];
      for (let kx = 0; kx < kw; kx++) {
        const iy = y * sh - pt + ky, ix = x * sw - pl + kx;
        const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
        const v = inside ? input[(c * h + iy) * w + ix] : 0;
        const k = weight[((o * ic + c) * kh + ky) * kw + kx];
        pr.push(v);
        kr.push(k);
        mr.push(v * k);
        dr.push(!inside);
        sum += v * k;
      }
      patch.push(pr);
      kernel.push(kr);
      products.push(mr);
      padded.push(dr);
    }
    channels.push({ channel: c, patch, kernel, products, padded, sum });
    dot += sum;
  }
  return { channels, dot, bias: bias[o], value: dot + bias[o], terms: ic * kh * kw };
}

// Pooled cell (c, y, x): the K×K window it takes, the winner's position (max) and the value.
export function explainPool(g, input, c, y, x) {
  const [, h, w] = g.inDims;
  const { kh, kw, sh, sw } = g.win;
  const cells = [];
  let best = null, sum = 0, n = 0;
  for (let ky = 0; ky < kh; ky++) {
    const row = [];
    for (let kx = 0; kx < kw; kx++) {
      const iy = y * sh + ky, ix = x * sw + kx;
      const v = iy < h && ix < w ? input[(c * h + iy) * w + ix] : NaN;
      row.push(v);
      if (!Number.isNaN(v)) {
        sum += v;
        n++;
        if (best === null || v > best.value) best = { value: v, ky, kx };
      }
    }
    cells.push(row);
  }
  const max = g.type === 'maxpool2d';
  return { window: cells, max, winner: max ? best : null, value: max ? best.value : sum / n, sum, count: n, origin: { y: y * sh, x: x * sw } };
}

// Dense unit j: value = Σ_i w[j][i]·x[i] + b[j]; the `top` terms of largest |w·x|.
export function explainDense(g, input, weight, bias, j, top = 6) {
  const n = g.inDims[0];
  let dot = 0;
  const terms = [];
  for (let i = 0; i < n; i++) {
    const p = weight[j * n + i] * input[i];
    dot += p;
    terms.push({ index: i, weight: weight[j * n + i], input: input[i], product: p });
  }
  terms.sort((a, b) => Math.abs(b.product) - Math.abs(a.product));
  return { dot, bias: bias[j], value: dot + bias[j], count: n, top: terms.slice(0, top) };
}

// Keyboard moves of the selected cell inside one set of maps: arrows move within a map (or along
// a vector, `cols` per row), [ and ] go to the previous/next map. part 'weights' has `count`
// filters. → the new selection, or null if key is not a move.
export function moveSelection(sel, key, { layer, part, geom, count, cols }) {
  const moves = { ArrowLeft: [0, -1, 0], ArrowRight: [0, 1, 0], ArrowUp: [-1, 0, 0], ArrowDown: [1, 0, 0], '[': [0, 0, -1], ']': [0, 0, 1] };
  if (!moves[key]) return null;
  const [dy, dx, dc] = moves[key];
  const s = sel?.layer === layer && sel.part === part ? sel : null;
  const clamp = (v, n) => Math.min(n - 1, Math.max(0, v));
  if (part === 'weights') return { layer, part, channel: s ? (s.channel + dx + dy + dc + count) % count : 0 };
  if (geom.outDims.length === 3) {
    const [c, h, w] = geom.outDims;
    return s ? { layer, part, channel: (s.channel + dc + c) % c, y: clamp(s.y + dy, h), x: clamp(s.x + dx, w) }
      : { layer, part, channel: 0, y: Math.floor(h / 2), x: Math.floor(w / 2) };
  }
  const n = geom.outDims[0];
  return s ? { layer, part, index: clamp(s.index + dx + dy * cols + dc, n) } : { layer, part, index: 0 };
}
