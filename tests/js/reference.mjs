// Plain JS reference of every layer, in float64, written from the definitions (src/io/FORMAT.md, PyTorch
// semantics), independent of the engine's C++: the tests check the wasm reference kernels and
// whole models against it. Each op also returns the sum of |terms| of every output value, the
// scale a float32 rounding error is relative to.

import { convPadding, layerShapes, pair } from './helpers.mjs';

// in [IC,H,W], w [OC,IC,KH,KW], b [OC] -> out [OC,OH,OW], zero padding [top,left,bottom,right]:
// out[o][y][x] = b[o] + Σ_i,ky,kx w[o][i][ky][kx] · in[i][y·SH+ky-PT][x·SW+kx-PL]
export function conv2dRef({ ic, h, w, oc, kh, kw, sh, sw, pt, pl, pb, pr }, input, weight, bias) {
  const oh = Math.floor((h + pt + pb - kh) / sh) + 1, ow = Math.floor((w + pl + pr - kw) / sw) + 1;
  const out = new Float64Array(oc * oh * ow), absSum = new Float64Array(oc * oh * ow);
  for (let o = 0; o < oc; o++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++) {
        let sum = bias[o], mag = Math.abs(bias[o]);
        for (let i = 0; i < ic; i++)
          for (let ky = 0; ky < kh; ky++) {
            const iy = y * sh + ky - pt;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = x * sw + kx - pl;
              if (ix < 0 || ix >= w) continue;
              const term = weight[((o * ic + i) * kh + ky) * kw + kx] * input[(i * h + iy) * w + ix];
              sum += term;
              mag += Math.abs(term);
            }
          }
        out[(o * oh + y) * ow + x] = sum;
        absSum[(o * oh + y) * ow + x] = mag;
      }
  return { out, absSum, oh, ow };
}

// in [C,H,W] -> out [C,OH,OW], no padding; max, or mean over the KH·KW window.
export function pool2dRef(kind, { c, h, w, kh, kw, sh, sw }, input) {
  const oh = Math.floor((h - kh) / sh) + 1, ow = Math.floor((w - kw) / sw) + 1;
  const out = new Float64Array(c * oh * ow), absSum = new Float64Array(c * oh * ow);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++) {
        let acc = kind === 'max' ? -Infinity : 0, mag = 0;
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const v = input[(ch * h + y * sh + ky) * w + x * sw + kx];
            acc = kind === 'max' ? Math.max(acc, v) : acc + v;
            mag += Math.abs(v);
          }
        out[(ch * oh + y) * ow + x] = kind === 'max' ? acc : acc / (kh * kw);
        absSum[(ch * oh + y) * ow + x] = kind === 'max' ? Math.abs(acc) : mag / (kh * kw);
      }
  return { out, absSum, oh, ow };
}

// x [IN], w [OUT,IN], b [OUT] -> y [OUT], y[o] = b[o] + Σ_i w[o][i] · x[i]
export function denseRef(inFeatures, outFeatures, x, weight, bias) {
  const out = new Float64Array(outFeatures), absSum = new Float64Array(outFeatures);
  for (let o = 0; o < outFeatures; o++) {
    let sum = bias[o], mag = Math.abs(bias[o]);
    for (let i = 0; i < inFeatures; i++) {
      const term = weight[o * inFeatures + i] * x[i];
      sum += term;
      mag += Math.abs(term);
    }
    out[o] = sum;
    absSum[o] = mag;
  }
  return { out, absSum };
}

// y_i = e^(x_i - max x) / Σ_j e^(x_j - max x)
export function softmaxRef(x) {
  const top = Math.max(...x);
  const e = Array.from(x, (v) => Math.exp(v - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return Float64Array.from(e, (v) => v / sum);
}

// A whole model, layer by layer: [{name, type, shape, data, absSum}]. Layer i reads the float32
// rounding of layer i-1's reference output or, given `engineLayers` (a trace's layers), the
// engine's own output of layer i-1: then each layer is checked on its own and errors do not
// compound.
export function forwardRef(arch, tensors, input, engineLayers) {
  const byName = new Map(tensors.map((t) => [t.name, t.data]));
  let x = Float32Array.from(input);
  return layerShapes(arch).map(({ name, type, spec, inDims, outDims }, index) => {
    if (engineLayers && index > 0) {
      x = Float32Array.from(engineLayers[index - 1].data);
    }
    let result;
    switch (type) {
      case 'conv2d': {
        const [ic, h, w] = inDims;
        const [kh, kw] = pair(spec.kernel), [sh, sw] = pair(spec.stride ?? 1);
        const [pt, pl, pb, pr] = convPadding(spec.padding, h, w, kh, kw, sh, sw);
        const g = { ic, h, w, oc: spec.out_channels, kh, kw, sh, sw, pt, pl, pb, pr };
        result = conv2dRef(g, x, byName.get(`${name}.weight`), byName.get(`${name}.bias`));
        break;
      }
      case 'maxpool2d':
      case 'avgpool2d': {
        const [c, h, w] = inDims;
        const [kh, kw] = pair(spec.kernel), [sh, sw] = pair(spec.stride ?? spec.kernel);
        result = pool2dRef(type === 'maxpool2d' ? 'max' : 'average', { c, h, w, kh, kw, sh, sw }, x);
        break;
      }
      case 'dense':
        result = denseRef(inDims[0], outDims[0], x, byName.get(`${name}.weight`), byName.get(`${name}.bias`));
        break;
      case 'flatten':
        result = { out: Float64Array.from(x), absSum: Float64Array.from(x, Math.abs) };
        break;
      case 'relu':
        result = { out: Float64Array.from(x, (v) => Math.max(v, 0)), absSum: Float64Array.from(x, Math.abs) };
        break;
      case 'sigmoid':
        result = { out: Float64Array.from(x, (v) => 1 / (1 + Math.exp(-v))), absSum: Float64Array.from(x, () => 1) };
        break;
      case 'tanh':
        result = { out: Float64Array.from(x, Math.tanh), absSum: Float64Array.from(x, () => 1) };
        break;
      case 'softmax':
        result = { out: softmaxRef(x), absSum: Float64Array.from(x, () => 1) };
        break;
      default:
        throw new Error(`forwardRef: unknown layer type ${type}`);
    }
    x = Float32Array.from(result.out);
    return { name, type, shape: outDims, data: result.out, absSum: result.absSum };
  });
}
