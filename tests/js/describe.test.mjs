// model.describeLayers() and cs.describeArchitecture(): the engine's own description of every
// layer's shapes and window, which the pages draw receptive fields from. Checked on a known
// stack, and on random stacks against what the engine computes: an impulse at one input pixel
// must reach exactly the cells whose windows, as described, cover it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadEngine, makeRng, testSeed, layerShapes, modelFile, count } from './helpers.mjs';

const cs = await loadEngine();

const KNOWN = {
  input: { channels: 1, height: 6, width: 7 },
  layers: [
    { name: 'c1', type: 'conv2d', out_channels: 3, kernel: [4, 2], padding: 'same' },
    { name: 'r1', type: 'relu' },
    { name: 'p1', type: 'maxpool2d', kernel: 2 },
    { name: 'c2', type: 'conv2d', out_channels: 2, kernel: 3, stride: [2, 1], padding: [1, 0] },
    { name: 'f', type: 'flatten' },
    { name: 'd', type: 'dense', out_features: 5 },
    { name: 's', type: 'softmax' },
  ],
};

const plain = (layer) => ({ name: layer.name, type: layer.type, inputShape: layer.inputShape, outputShape: layer.outputShape, kernel: null, stride: null, padding: null });

test('describeLayers gives every shape and the resolved, asymmetric "same" padding', () => {
  const model = cs.createModel(KNOWN);
  try {
    const layers = model.describeLayers();
    assert.deepEqual(layers[0], {
      name: 'c1', type: 'conv2d', inputShape: [1, 6, 7], outputShape: [3, 6, 7],
      kernel: [4, 2], stride: [1, 1], padding: { top: 1, bottom: 2, left: 0, right: 1 },
    });
    assert.deepEqual(layers[1], plain({ name: 'r1', type: 'relu', inputShape: [3, 6, 7], outputShape: [3, 6, 7] }));
    assert.deepEqual(layers[2], {
      name: 'p1', type: 'maxpool2d', inputShape: [3, 6, 7], outputShape: [3, 3, 3],
      kernel: [2, 2], stride: [2, 2], padding: { top: 0, bottom: 0, left: 0, right: 0 },
    });
    assert.deepEqual(layers[3], {
      name: 'c2', type: 'conv2d', inputShape: [3, 3, 3], outputShape: [2, 2, 1],
      kernel: [3, 3], stride: [2, 1], padding: { top: 1, bottom: 1, left: 0, right: 0 },
    });
    assert.deepEqual(layers.slice(4), [
      plain({ name: 'f', type: 'flatten', inputShape: [2, 2, 1], outputShape: [4] }),
      plain({ name: 'd', type: 'dense', inputShape: [4], outputShape: [5] }),
      plain({ name: 's', type: 'softmax', inputShape: [5], outputShape: [5] }),
    ]);
    assert.deepEqual(cs.describeArchitecture(KNOWN), layers);
    assert.deepEqual(cs.describeArchitecture(JSON.stringify(KNOWN)), layers);
  } finally {
    model.delete();
  }
});

test('describeArchitecture refuses what the engine refuses, naming the layer', () => {
  const bad = { ...KNOWN, layers: [{ name: 'c1', type: 'conv2d', out_channels: 1, kernel: 9 }] };
  assert.throws(() => cs.describeArchitecture(bad), { name: 'Error', message: /c1: kernel 9 is larger than its input 6/ });
  assert.throws(() => cs.describeArchitecture({ ...KNOWN, layers: [{ name: 'x', type: 'conv3d' }] }), { name: 'Error', message: /unknown layer type "conv3d"/ });
  assert.throws(() => cs.describeArchitecture('{'), { name: 'Error' });
});

// A random stack of conv2d / pooling / relu / tanh layers on [C, H, W] that the engine accepts
// (the engine is asked: a stack it refuses is drawn again).
function randomArchitecture(rng) {
  for (;;) {
    const input = { channels: rng.int(1, 3), height: rng.int(5, 18), width: rng.int(5, 18) };
    const layers = Array.from({ length: rng.int(2, 7) }, (_, i) => {
      const name = `l${i}`;
      switch (rng.int(0, 5)) {
        case 0: case 1: case 2:
          return {
            name, type: 'conv2d', out_channels: rng.int(1, 3),
            kernel: [rng.int(1, 4), rng.int(1, 4)], stride: [rng.int(1, 3), rng.int(1, 3)],
            padding: rng.pick(['same', 'valid', rng.int(0, 2), [rng.int(0, 2), rng.int(0, 2)]]),
          };
        case 3: {
          const k = rng.int(1, 3);
          return { name, type: rng.pick(['maxpool2d', 'avgpool2d']), kernel: k, stride: rng.pick([undefined, rng.int(1, 3)]) };
        }
        default:
          return { name, type: rng.pick(['relu', 'tanh']) };
      }
    });
    const arch = { input, layers: JSON.parse(JSON.stringify(layers)) };
    try {
      cs.describeArchitecture(arch);
      return arch;
    } catch {
      // a window larger than its input: draw again
    }
  }
}

// Cells "y,x" of a [C, H, W] activation that are non-zero in any channel.
function nonzeroCells(data, [c, h, w]) {
  const cells = new Set();
  for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (data[(k * h + y) * w + x] !== 0) cells.add(`${y},${x}`);
  return cells;
}

// The output cells whose window, as described, covers one of the input cells.
function reached(layer, cells) {
  if (!layer.kernel) return cells;
  const [, oh, ow] = layer.outputShape, [kh, kw] = layer.kernel, [sh, sw] = layer.stride, { top, left } = layer.padding;
  const out = new Set();
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (const cell of cells) {
        const [iy, ix] = cell.split(',').map(Number);
        if (iy >= y * sh - top && iy < y * sh - top + kh && ix >= x * sw - left && ix < x * sw - left + kw) {
          out.add(`${y},${x}`);
          break;
        }
      }
    }
  }
  return out;
}

test('on random stacks the description is what the engine computes (impulse test)', () => {
  const rng = makeRng(testSeed());
  for (let trial = 0; trial < 40; trial++) {
    const arch = randomArchitecture(rng);
    const context = `seed ${rng.seed}, trial ${trial}: ${JSON.stringify(arch)}`;
    // weights 1, biases 0: a positive value reaches every cell whose window covers it
    const tensors = layerShapes(arch).flatMap((l) => l.params.map(({ name, shape }) => ({
      name, shape, data: new Float32Array(count(shape)).fill(name.endsWith('.bias') ? 0 : 1),
    })));
    const model = cs.loadModel(modelFile(arch, tensors));
    try {
      const layers = model.describeLayers();
      assert.deepEqual(cs.describeArchitecture(arch), layers, context);
      const { channels: c, height: h, width: w } = arch.input;
      const py = rng.int(0, h - 1), px = rng.int(0, w - 1), pc = rng.int(0, c - 1);
      const input = new Float32Array(c * h * w);
      input[(pc * h + py) * w + px] = 1;
      const trace = model.forward(input);
      let expected = new Set([`${py},${px}`]);
      let shape = [c, h, w];
      layers.forEach((layer, i) => {
        assert.equal(layer.name, arch.layers[i].name, context);
        assert.equal(layer.type, arch.layers[i].type, context);
        assert.deepEqual(layer.inputShape, shape, `${layer.name} input; ${context}`);
        assert.deepEqual(layer.outputShape, trace.layers[i].shape, `${layer.name} output; ${context}`);
        assert.equal(Boolean(layer.kernel), /conv2d|pool2d/.test(layer.type), context);
        expected = reached(layer, expected);
        assert.deepEqual(nonzeroCells(trace.layers[i].data, layer.outputShape), expected, `${layer.name} cells; ${context}`);
        shape = layer.outputShape;
      });
    } finally {
      model.delete();
    }
  }
});
