// Architecture arithmetic for the benchmark (browser and Node): each layer's output shape,
// the FLOPs of each conv layer, sub-models (one conv layer, or the conv stack) and a small
// safetensors writer so that our engine can load those sub-models.

import { convPads } from './onnx-writer.mjs';

const pair = (v) => (Array.isArray(v) ? v : [v, v]);
const prod = (dims) => dims.reduce((a, b) => a * b, 1);

// [{layer, in: dims, out: dims, flops}] with dims [C,H,W] or [F]; flops = 2 per multiply-add.
export function describe(architecture) {
  let shape = [architecture.input.channels, architecture.input.height, architecture.input.width];
  return architecture.layers.map((layer) => {
    const input = shape;
    let flops = 0;
    switch (layer.type) {
      case 'conv2d': {
        const k = pair(layer.kernel);
        const s = pair(layer.stride ?? 1);
        const p = convPads(layer.padding, k, s, shape[1], shape[2]);
        shape = [layer.out_channels, Math.floor((shape[1] + p[0] + p[2] - k[0]) / s[0]) + 1,
          Math.floor((shape[2] + p[1] + p[3] - k[1]) / s[1]) + 1];
        flops = 2 * prod(shape) * input[0] * k[0] * k[1];
        break;
      }
      case 'maxpool2d':
      case 'avgpool2d': {
        const k = pair(layer.kernel);
        const s = pair(layer.stride ?? layer.kernel);
        shape = [shape[0], Math.floor((shape[1] - k[0]) / s[0]) + 1, Math.floor((shape[2] - k[1]) / s[1]) + 1];
        break;
      }
      case 'flatten': shape = [prod(shape)]; break;
      case 'dense':
        flops = 2 * prod(shape) * layer.out_features;
        shape = [layer.out_features];
        break;
      default: break;  // activations keep the shape
    }
    return { layer, in: input, out: shape, flops };
  });
}

export const convFlops = (architecture) =>
  describe(architecture).filter((d) => d.layer.type === 'conv2d').reduce((a, d) => a + d.flops, 0);

// Layers [from, to) as a model of their own, with the input shape they see in the full model.
export function subArchitecture(architecture, from, to) {
  const info = describe(architecture);
  const [channels, height, width] = info[from].in;
  if (info[from].in.length !== 3) throw new Error('subArchitecture: the first layer must see an image');
  return { input: { channels, height, width }, layers: architecture.layers.slice(from, to) };
}

// The sub-models the conv throughput is measured on: each conv layer as predict runs it, with
// its activation and, after a ReLU, a 2×2 stride-2 max pool (which our predict fuses into the
// conv: the full-size map is never written), named by their layers ("conv1+relu1+pool1",
// "conv3+relu3"); and every layer before flatten ("convs"). FLOPs count the conv alone.
const isPool2x2 = (l) => l?.type === 'maxpool2d' && String(pair(l.kernel)) === '2,2' && String(pair(l.stride ?? l.kernel)) === '2,2';
export function convSubModels(architecture) {
  const layers = architecture.layers;
  const out = [];
  layers.forEach((l, i) => {
    if (l.type !== 'conv2d') return;
    let to = i + 1 < layers.length && ['relu', 'sigmoid', 'tanh'].includes(layers[i + 1].type) ? i + 2 : i + 1;
    if (to === i + 2 && layers[i + 1].type === 'relu' && isPool2x2(layers[to])) to++;
    out.push({ name: layers.slice(i, to).map((x) => x.name).join('+'), conv: l.name, architecture: subArchitecture(architecture, i, to) });
  });
  const flat = layers.findIndex((l) => l.type === 'flatten');
  if (out.length > 1 && flat > 0) out.push({ name: 'convs', architecture: subArchitecture(architecture, 0, flat) });
  return out;
}

// Parameters of the layers an architecture names.
export function paramsFor(architecture, parameters) {
  const names = new Set(architecture.layers.map((l) => l.name));
  return parameters.filter((p) => names.has(p.name.slice(0, p.name.lastIndexOf('.'))));
}

// A convscope/1 .safetensors file: 8-byte little-endian header length, JSON header, F32 data.
export function writeSafetensors(architecture, parameters) {
  const header = { __metadata__: { format: 'convscope/1', architecture: JSON.stringify(architecture) } };
  let offset = 0;
  for (const p of parameters) {
    header[p.name] = { dtype: 'F32', shape: p.shape, data_offsets: [offset, offset + p.data.length * 4] };
    offset += p.data.length * 4;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8) json += ' ';
  const head = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + head.length + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(head.length), true);
  bytes.set(head, 8);
  let at = 8 + head.length;
  for (const p of parameters) {
    const f = Float32Array.from(p.data);
    bytes.set(new Uint8Array(f.buffer), at);
    at += f.byteLength;
  }
  return bytes;
}

// n samples [C,H,W] → [H,W,C] (tfjs is channels-last); a copy.
export function toChannelsLast(data, n, [c, h, w]) {
  if (c === 1) return data;
  const out = new Float32Array(data.length);
  const size = c * h * w;
  for (let s = 0; s < n; s++) {
    const base = s * size;
    for (let ci = 0; ci < c; ci++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[base + (y * w + x) * c + ci] = data[base + (ci * h + y) * w + x];
  }
  return out;
}

// Deterministic pseudo-random floats in [0, 1) (sub-model inputs).
export function randomFloats(n, seed = 1) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = s / 4294967296;
  }
  return out;
}
