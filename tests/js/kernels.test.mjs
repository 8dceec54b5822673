// Fast (wasm SIMD) kernels against their reference twins, in the wasm build (its test-only kernel
// module, build-wasm/<build>-kernels-test.mjs), on random shapes; both against the plain JS
// reference (reference.mjs), so the reference kernel itself is checked too.
// Then whole random models, setReferenceKernels(true) vs (false).
// Tolerance: |got − want| ≤ 1e-5 · Σ|terms| + 1e-6, the scale float32 rounding is relative to.
// A failure prints the seed and every shape parameter; replay with CONVSCOPE_SEED=<seed>.
// Run: node --test tests/js/

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertClose, assertSame, inputSize, layerShapes, loadEngine, loadKernelsTest, makeRng, modelFile, pair,
  randomTensors, testSeed,
} from './helpers.mjs';
import { conv2dRef, denseRef, forwardRef, pool2dRef } from './reference.mjs';

const SEED = testSeed();
let cs, kt;  // the engine (whole models) and the test-only kernel exports of the same build
before(async () => {
  [cs, kt] = await Promise.all([loadEngine(), loadKernelsTest()]);
});

const describe = (params) => `seed ${SEED}, ${JSON.stringify(params)}`;

// ---- conv2d ----

// A conv2d geometry: channels 1–16, kernels 1–5 (not always square), strides 1–3, each side's
// padding 0–2 (so often asymmetric), H and W 1–17 (as long as the kernel fits the padded input).
function randomConv(rng) {
  const kh = rng.int(1, 5), kw = rng.int(1, 5);
  const g = {
    ic: rng.int(1, 16), oc: rng.int(1, 16), kh, kw, sh: rng.int(1, 3), sw: rng.int(1, 3),
    pt: rng.int(0, 2), pl: rng.int(0, 2), pb: rng.int(0, 2), pr: rng.int(0, 2),
  };
  g.h = rng.int(Math.max(1, kh - g.pt - g.pb), 17);
  g.w = rng.int(Math.max(1, kw - g.pl - g.pr), 17);
  return g;
}

// Shapes chosen for the fast kernel's paths: 1×1 stride 1 unpadded (input used as is), output
// widths around the 4- and 8-column tiles, output channels around the 4-row bands, 1×1 outputs.
// prettier-ignore
const CONV_EDGES = [
  { ic: 1, h: 1, w: 1, oc: 1, kh: 1, kw: 1, sh: 1, sw: 1, pt: 0, pl: 0, pb: 0, pr: 0 },
  { ic: 5, h: 7, w: 9, oc: 3, kh: 1, kw: 1, sh: 1, sw: 1, pt: 0, pl: 0, pb: 0, pr: 0 },
  { ic: 16, h: 4, w: 4, oc: 16, kh: 1, kw: 1, sh: 1, sw: 1, pt: 0, pl: 0, pb: 0, pr: 0 },
  { ic: 3, h: 5, w: 5, oc: 4, kh: 5, kw: 5, sh: 1, sw: 1, pt: 0, pl: 0, pb: 0, pr: 0 },
  { ic: 2, h: 1, w: 1, oc: 5, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pl: 1, pb: 1, pr: 1 },
  { ic: 1, h: 6, w: 6, oc: 1, kh: 3, kw: 3, sh: 1, sw: 1, pt: 0, pl: 0, pb: 0, pr: 0 },
  { ic: 1, h: 10, w: 10, oc: 9, kh: 3, kw: 3, sh: 1, sw: 1, pt: 0, pl: 0, pb: 0, pr: 0 },
  { ic: 1, h: 11, w: 11, oc: 7, kh: 3, kw: 3, sh: 1, sw: 1, pt: 0, pl: 0, pb: 0, pr: 0 },
  { ic: 4, h: 17, w: 17, oc: 8, kh: 5, kw: 5, sh: 3, sw: 3, pt: 2, pl: 0, pb: 0, pr: 2 },
  { ic: 1, h: 1, w: 17, oc: 2, kh: 1, kw: 5, sh: 1, sw: 2, pt: 0, pl: 2, pb: 0, pr: 1 },
  { ic: 16, h: 17, w: 1, oc: 13, kh: 5, kw: 1, sh: 2, sw: 1, pt: 1, pl: 0, pb: 2, pr: 0 },
  { ic: 1, h: 2, w: 2, oc: 1, kh: 5, kw: 5, sh: 3, sw: 3, pt: 2, pl: 2, pb: 1, pr: 1 },
  { ic: 2, h: 3, w: 3, oc: 3, kh: 1, kw: 2, sh: 2, sw: 3, pt: 4, pl: 4, pb: 3, pr: 4 },  // padding > kernel
  { ic: 3, h: 2, w: 9, oc: 5, kh: 2, kw: 1, sh: 1, sw: 1, pt: 3, pl: 3, pb: 3, pr: 3 },
];

test('conv2d: fast = reference = plain JS on 240 random shapes and the edge shapes', (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED);
  const shapes = [...CONV_EDGES];
  while (shapes.length < CONV_EDGES.length + 240) shapes.push(randomConv(rng));
  let outputs = 0;
  for (const g of shapes) {
    const x = rng.floats(g.ic * g.h * g.w), w = rng.floats(g.oc * g.ic * g.kh * g.kw), b = rng.floats(g.oc);
    const want = conv2dRef(g, x, w, b);
    const context = `conv2d ${describe(g)}, out [${g.oc},${want.oh},${want.ow}]`;
    const fast = kt.kernelConv2d(true, g, x, w, b);
    const reference = kt.kernelConv2d(false, g, x, w, b);
    assert.ok(fast instanceof Float32Array, context);
    assertClose(reference, want.out, { scale: want.absSum, context: `reference vs JS, ${context}` });
    assertClose(fast, want.out, { scale: want.absSum, context: `fast vs JS, ${context}` });
    assertClose(fast, reference, { scale: want.absSum, context: `fast vs reference, ${context}` });
    outputs += fast.length;
  }
  t.diagnostic(`${shapes.length} shapes, ${outputs} outputs`);
});

// A batch of n samples through conv2dRef, each sample alone, then max(·, 0) if relu.
function conv2dBatchRef(g, n, x, w, b, relu) {
  const size = g.ic * g.h * g.w;
  const parts = [];
  for (let s = 0; s < n; s++) parts.push(conv2dRef(g, x.subarray(s * size, (s + 1) * size), w, b));
  const out = new Float64Array(parts.reduce((a, p) => a + p.out.length, 0));
  const absSum = new Float64Array(out.length);
  let k = 0;
  for (const p of parts)
    for (let j = 0; j < p.out.length; j++, k++) {
      out[k] = relu ? Math.max(p.out[j], 0) : p.out[j];
      absSum[k] = p.absSum[j];
    }
  return { out, absSum, oh: parts[0].oh, ow: parts[0].ow };
}

// The batched kernel im2cols groups of samples side by side into one gemm: batches of 1–9 on
// random shapes (small ones make several groups), the shipped CNN's shapes at 37 samples, with
// and without the fused ReLU; every sample must also equal, bit for bit, its result alone.
test('conv2d batch: fast = reference = plain JS, fused ReLU, sample = alone, on 160 shapes', (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED ^ 0x27d4eb2f);
  const shipped = (ic, h, oc) => ({ ic, h, w: h, oc, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pl: 1, pb: 1, pr: 1 });
  const cases = [[shipped(1, 28, 8), 37], [shipped(8, 14, 16), 37], [shipped(16, 7, 16), 37],
    ...CONV_EDGES.map((g) => [g, 5])];
  while (cases.length < 160) cases.push([randomConv(rng), rng.int(1, 9)]);
  cases.forEach(([g, n], i) => {
    const relu = i % 2 === 1;
    const x = rng.floats(n * g.ic * g.h * g.w), w = rng.floats(g.oc * g.ic * g.kh * g.kw), b = rng.floats(g.oc);
    const want = conv2dBatchRef(g, n, x, w, b, relu);
    const context = `conv2d batch n=${n} relu=${relu} ${describe(g)}`;
    const fast = kt.kernelConv2dBatch(true, g, n, relu, x, w, b);
    const reference = kt.kernelConv2dBatch(false, g, n, relu, x, w, b);
    assertClose(reference, want.out, { scale: want.absSum, context: `reference vs JS, ${context}` });
    assertClose(fast, want.out, { scale: want.absSum, context: `fast vs JS, ${context}` });
    assertClose(fast, reference, { scale: want.absSum, context: `fast vs reference, ${context}` });
    const size = g.ic * g.h * g.w, outSize = fast.length / n, s = n - 1;
    const alone = kt.kernelConv2dBatch(true, g, 1, relu, x.subarray(s * size, (s + 1) * size), w, b);
    assertSame(alone, fast.subarray(s * outSize), `last sample alone vs in its batch, ${context}`);
  });
});

// conv + bias + ReLU + 2×2 max pool fused (what predict runs for conv → relu → maxpool 2): the
// reference twin = the reference conv (ReLU fused) then the reference pool, bit for bit; the fast
// kernel close to it, and each sample alone the same bits as in its batch. Stride-1 shapes only
// (the fused kernel's precondition), odd sizes for the pool's floor.
test('conv2d + ReLU + max pool fused: fast = reference = conv then pool, sample = alone, on 120 shapes', (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED ^ 0x2545f491);
  const shipped = (ic, h, oc) => ({ ic, h, w: h, oc, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pl: 1, pb: 1, pr: 1 });
  const cases = [[shipped(1, 28, 8), 7], [shipped(8, 14, 16), 7], [shipped(16, 7, 16), 7]];
  while (cases.length < 120) {
    const g = { ...randomConv(rng), sh: 1, sw: 1 };
    const oh = g.h + g.pt + g.pb - g.kh + 1, ow = g.w + g.pl + g.pr - g.kw + 1;
    if (oh >= 2 && ow >= 2) cases.push([g, rng.int(1, 6)]);
  }
  for (const [g, n] of cases) {
    const x = rng.floats(n * g.ic * g.h * g.w), w = rng.floats(g.oc * g.ic * g.kh * g.kw), b = rng.floats(g.oc);
    const context = `conv2d relu maxpool n=${n} ${describe(g)}`;
    const oh = g.h + g.pt + g.pb - g.kh + 1, ow = g.w + g.pl + g.pr - g.kw + 1;
    const conv = kt.kernelConv2dBatch(false, g, n, true, x, w, b);
    const pool = { c: g.oc, h: oh, w: ow, kh: 2, kw: 2, sh: 2, sw: 2 };
    const map = g.oc * oh * ow, pooledSize = g.oc * (oh >> 1) * (ow >> 1);
    const steps = new Float32Array(n * pooledSize);
    for (let s = 0; s < n; s++) steps.set(kt.kernelPool2d(false, 'max', pool, conv.subarray(s * map, (s + 1) * map)), s * pooledSize);
    const reference = kt.kernelConv2dReluMaxpool(false, g, n, x, w, b);
    const fast = kt.kernelConv2dReluMaxpool(true, g, n, x, w, b);
    assertSame(reference, steps, `reference fused vs conv then pool, ${context}`);
    // scale: the largest Σ|terms| of a window's four sums (what float32 rounding is relative to)
    const { absSum } = conv2dBatchRef(g, n, x, w, b, true);
    const scale = new Float64Array(n * pooledSize);
    const [ph, pw] = [oh >> 1, ow >> 1];
    for (let s = 0; s < n; s++) for (let c = 0; c < g.oc; c++) for (let y = 0; y < ph; y++) for (let xx = 0; xx < pw; xx++) {
      const at = (dy, dx) => absSum[s * map + (c * oh + 2 * y + dy) * ow + 2 * xx + dx];
      scale[((s * g.oc + c) * ph + y) * pw + xx] = Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1));
    }
    assertClose(fast, reference, { scale, context: `fast vs reference, ${context}` });
    const size = g.ic * g.h * g.w, s = n - 1;
    const alone = kt.kernelConv2dReluMaxpool(true, g, 1, x.subarray(s * size), w, b);
    assertSame(alone, fast.subarray(s * pooledSize), `last sample alone vs in its batch, ${context}`);
  }
});

// The two stride-1 paths picked by shape: one input channel with a 3×3 kernel (tiles of 2
// channels × 2 rows × 8 columns, moved back at the map's edges) and 3×3 with 8–20 input channels
// (Winograd F(2×2, 3×3), tiles past the map dropped). Compact (ReLU or not) and pooled, each
// close to the plain JS reference; the pooled kernel = the fast compact one + ReLU then the
// reference pool, bit for bit; a sample alone = in its batch.
test('conv2d one-channel tile and Winograd: fast = plain JS, pooled = conv then pool, on 100 shapes', (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED ^ 0x5bd1e995);
  const cases = [];
  while (cases.length < 100) {
    const winograd = cases.length % 2 === 1;
    const k = winograd ? 3 : rng.pick([3, 5]);
    const g = { ic: winograd ? rng.int(8, 20) : 1, oc: rng.int(1, 11), kh: k, kw: k, sh: 1, sw: 1,
      pt: rng.int(0, 2), pl: rng.int(0, 2), pb: rng.int(0, 2), pr: rng.int(0, 2),
      h: rng.int(winograd ? 1 : 4, winograd ? 20 : 34), w: rng.int(winograd ? 1 : 4, winograd ? 20 : 34) };
    const oh = g.h + g.pt + g.pb - k + 1, ow = g.w + g.pl + g.pr - k + 1;
    if (oh >= 2 && ow >= 2) cases.push([g, rng.int(1, 4), oh, ow]);
  }
  cases.forEach(([g, n, oh, ow], i) => {
    const relu = i % 4 < 2;
    const x = rng.floats(n * g.ic * g.h * g.w), w = rng.floats(g.oc * g.ic * g.kh * g.kw), b = rng.floats(g.oc);
    const context = `n=${n} relu=${relu} ${describe(g)}`;
    const want = conv2dBatchRef(g, n, x, w, b, relu);
    const fast = kt.kernelConv2dBatch(true, g, n, relu, x, w, b);
    assertClose(fast, want.out, { scale: want.absSum, context: `fast vs JS, ${context}` });
    const size = g.ic * g.h * g.w, s = n - 1, map = g.oc * oh * ow;
    assertSame(kt.kernelConv2dBatch(true, g, 1, relu, x.subarray(s * size), w, b), fast.subarray(s * map),
      `last sample alone vs in its batch, ${context}`);
    const fastRelu = kt.kernelConv2dBatch(true, g, n, true, x, w, b);
    const pool = { c: g.oc, h: oh, w: ow, kh: 2, kw: 2, sh: 2, sw: 2 };
    const pooledSize = g.oc * (oh >> 1) * (ow >> 1);
    const steps = new Float32Array(n * pooledSize);
    for (let j = 0; j < n; j++) steps.set(kt.kernelPool2d(false, 'max', pool, fastRelu.subarray(j * map, (j + 1) * map)), j * pooledSize);
    const pooled = kt.kernelConv2dReluMaxpool(true, g, n, x, w, b);
    assertSame(pooled, steps, `pooled vs fast conv + ReLU then pool, ${context}`);
    assertSame(kt.kernelConv2dReluMaxpool(true, g, 1, x.subarray(s * size), w, b), pooled.subarray(s * pooledSize),
      `pooled: last sample alone vs in its batch, ${context}`);
  });
});

// ---- pooling ----

// Channels 1–16, windows 1–5 (not always square), stride: equal to the window (not overlapping),
// smaller (overlapping) or larger (gaps), 1–3; H and W up to 17 with room for several windows.
function randomPool(rng) {
  const mode = rng.pick(['tiled', 'overlapping', 'gaps', 'any']);
  const kMax = mode === 'gaps' ? 2 : 5;  // a stride of at most 3 leaves gaps after windows of 1 or 2
  const kh = rng.int(1, kMax), kw = rng.int(1, kMax);
  const stride = (k) => {
    if (mode === 'tiled') return Math.min(k, 3);
    if (mode === 'overlapping') return k === 1 ? 1 : rng.int(1, Math.min(k - 1, 3));
    if (mode === 'gaps') return Math.min(k + 1, 3);
    return rng.int(1, 3);
  };
  const g = { c: rng.int(1, 16), kh, kw, sh: stride(kh), sw: stride(kw), mode };
  g.h = rng.int(kh, 17);
  g.w = rng.int(kw, 17);
  return g;
}

test('pooling: fast = reference = plain JS, max and average, on 2 × 150 random shapes', (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED ^ 0x9e3779b9);
  const modes = new Map();
  for (let n = 0; n < 300; n++) {
    const g = randomPool(rng);
    const kind = n % 2 === 0 ? 'max' : 'average';
    modes.set(g.mode, (modes.get(g.mode) ?? 0) + 1);
    const x = rng.floats(g.c * g.h * g.w, -4, 4);
    const want = pool2dRef(kind, g, x);
    const context = `pool2d ${kind} ${describe(g)}, out [${g.c},${want.oh},${want.ow}]`;
    const fast = kt.kernelPool2d(true, kind, g, x);
    const reference = kt.kernelPool2d(false, kind, g, x);
    if (kind === 'max') {  // a max is one of its inputs: exact
      assertSame(reference, want.out, `reference vs JS, ${context}`);
      assertSame(fast, want.out, `fast vs JS, ${context}`);
    } else {
      assertClose(reference, want.out, { scale: want.absSum, context: `reference vs JS, ${context}` });
      assertClose(fast, want.out, { scale: want.absSum, context: `fast vs JS, ${context}` });
      assertClose(fast, reference, { scale: want.absSum, context: `fast vs reference, ${context}` });
    }
  }
  t.diagnostic(`windows: ${JSON.stringify(Object.fromEntries(modes))}`);
});

test('max pooling of all-negative inputs is negative (no 0 from an initial value)', () => {
  const g = { c: 3, h: 9, w: 13, kh: 2, kw: 3, sh: 2, sw: 1 };
  const rng = makeRng(SEED);
  const x = rng.floats(g.c * g.h * g.w, -9, -1);
  const want = pool2dRef('max', g, x).out;
  for (const fast of [true, false]) assertSame(kt.kernelPool2d(fast, 'max', g, x), want, `fast=${fast}`);
});

// ---- dense ----

test('dense: fast = reference = plain JS on 120 random sizes (every tail of 4 and 16)', (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED ^ 0x85ebca6b);
  const sizes = [[1, 1], [3, 2], [4, 1], [15, 3], [16, 10], [17, 7], [31, 5], [32, 4], [33, 9], [784, 30], [30, 10]];
  for (let r = 0; r < 16; r++) sizes.push([16 * rng.int(0, 8) + r || 1, rng.int(1, 40)]);
  while (sizes.length < 120) sizes.push([rng.int(1, 700), rng.int(1, 40)]);
  let differs = 0;
  for (const [ni, no] of sizes) {
    const x = rng.floats(ni), w = rng.floats(no * ni), b = rng.floats(no);
    const want = denseRef(ni, no, x, w, b);
    const context = `dense ${describe({ in: ni, out: no })}`;
    const fast = kt.kernelDense(true, ni, no, x, w, b);
    const reference = kt.kernelDense(false, ni, no, x, w, b);
    assertClose(reference, want.out, { scale: want.absSum, context: `reference vs JS, ${context}` });
    assertClose(fast, want.out, { scale: want.absSum, context: `fast vs JS, ${context}` });
    assertClose(fast, reference, { scale: want.absSum, context: `fast vs reference, ${context}` });
    if (fast.some((v, i) => v !== reference[i])) differs++;
  }
  // Not vacuous: the fast kernel adds in another order (4 accumulators), so for long rows some
  // results differ in their last bits. All equal would mean both exports run the same code.
  assert.ok(differs > 0, `fast and reference dense agree bit for bit on all ${sizes.length} sizes`);
});

test('dense batch: fast = reference = plain JS, fused ReLU, sample = alone, on 100 sizes', (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED ^ 0x165667b1);
  const cases = [[1, 784, 16], [64, 784, 16], [64, 16, 10], [5, 3, 1], [4, 4, 2], [7, 17, 3]];
  while (cases.length < 100) cases.push([rng.int(1, 11), rng.int(1, 300), rng.int(1, 40)]);
  cases.forEach(([n, ni, no], i) => {
    const relu = i % 2 === 0;
    const x = rng.floats(n * ni), w = rng.floats(no * ni), b = rng.floats(no);
    const out = new Float64Array(n * no), absSum = new Float64Array(n * no);
    for (let s = 0; s < n; s++) {
      const r = denseRef(ni, no, x.subarray(s * ni, (s + 1) * ni), w, b);
      for (let o = 0; o < no; o++) {
        out[s * no + o] = relu ? Math.max(r.out[o], 0) : r.out[o];
        absSum[s * no + o] = r.absSum[o];
      }
    }
    const context = `dense batch ${describe({ n, in: ni, out: no, relu })}`;
    const fast = kt.kernelDenseBatch(true, n, ni, no, relu, x, w, b);
    const reference = kt.kernelDenseBatch(false, n, ni, no, relu, x, w, b);
    assertClose(reference, out, { scale: absSum, context: `reference vs JS, ${context}` });
    assertClose(fast, out, { scale: absSum, context: `fast vs JS, ${context}` });
    assertClose(fast, reference, { scale: absSum, context: `fast vs reference, ${context}` });
    const alone = kt.kernelDenseBatch(true, 1, ni, no, relu, x.subarray((n - 1) * ni), w, b);
    assertSame(alone, fast.subarray((n - 1) * no), `last sample alone vs in its batch, ${context}`);
  });
});

// ---- the finiteness scan of every model input ----

// Arrays of 0-100 values (every tail of the 8-value steps), huge finite values (whose plain sum
// would overflow) in half of them, 0-3 NaN / ±Infinity planted: fast = reference = the planted answer.
test('first non-finite value: fast = reference = planted, on 300 random arrays', (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED ^ 0x68e31da4);
  for (let trial = 0; trial < 300; trial++) {
    const n = rng.int(0, 100);
    const x = rng.floats(n, trial % 2 ? -3e38 : -1, trial % 2 ? 3e38 : 1);
    let want = n;
    for (let k = n ? rng.int(0, 3) : 0; k > 0; k--) {
      const at = rng.int(0, n - 1);
      x[at] = rng.pick([NaN, Infinity, -Infinity]);
      want = Math.min(want, at);
    }
    const context = describe({ trial, n, want });
    assert.equal(kt.kernelFirstNonfinite(false, x), want, `reference, ${context}`);
    assert.equal(kt.kernelFirstNonfinite(true, x), want, `fast, ${context}`);
  }
});

// ---- the kernel exports refuse bad geometry with an Error, and only the test module has them ----

test('the engine the pages load has no test-only kernel exports', () => {
  for (const name of ['kernelConv2d', 'kernelPool2d', 'kernelDense', 'kernelConv2dBatch', 'kernelDenseBatch', 'kernelConv2dReluMaxpool',
    'kernelFirstNonfinite']) {
    assert.equal(typeof kt[name], 'function', `${name} missing from the kernels-test module`);
    assert.equal(cs[name], undefined, `${name} is exported by web/engine's build`);
  }
});

test('kernel exports refuse a bad geometry or length with an Error naming it', () => {
  const g = { ic: 1, h: 3, w: 3, oc: 1, kh: 3, kw: 3, sh: 1, sw: 1, pt: 0, pl: 0, pb: 0, pr: 0 };
  const x = new Float32Array(9), w = new Float32Array(9), b = new Float32Array(1);
  assert.throws(() => kt.kernelConv2d(true, { ...g, sh: 0 }, x, w, b), { name: 'Error', message: /stride/ });
  assert.throws(() => kt.kernelConv2d(true, { ...g, kh: 4 }, x, w, b),
    { name: 'Error', message: /kernel 4 is larger/ });
  assert.throws(() => kt.kernelConv2d(true, g, x.subarray(1), w, b),
    { name: 'Error', message: /in: expected 9 values, got 8/ });
  const pool = { c: 1, h: 2, w: 2, kh: 3, kw: 1, sh: 1, sw: 1 };
  assert.throws(() => kt.kernelPool2d(true, 'max', pool, new Float32Array(4)),
    { name: 'Error', message: /larger than its input/ });
  assert.throws(() => kt.kernelDense(true, 3, 2, new Float32Array(3), new Float32Array(5), new Float32Array(2)),
    { name: 'Error', message: /weight: expected 6 values, got 5/ });
});

// ---- whole random models ----

// conv → activation → [pool] → [conv → activation] → flatten → dense → activation → dense →
// [softmax], with every padding form the architecture allows.
function randomArchitecture(rng) {
  const input = { channels: rng.pick([1, 1, 3]), height: rng.int(5, 20), width: rng.int(5, 20) };
  const layers = [];
  let [c, h, w] = [input.channels, input.height, input.width];
  const conv = (name) => {
    const kernel = rng.pick([1, 2, 3, 3, 5, [3, 1], [2, 4]]);
    const [kh, kw] = pair(kernel);
    const stride = rng.pick([1, 1, 2, [1, 2]]);
    const [sh, sw] = pair(stride);
    let padding = rng.pick([0, 1, 2, [1, 0], 'same', 'valid']);
    const [ph, pw] = padding === 'same' || padding === 'valid' ? [0, 0] : pair(padding);
    if (padding !== 'same' && (h + 2 * ph < kh || w + 2 * pw < kw)) padding = 'same';
    layers.push({ name, type: 'conv2d', out_channels: rng.int(1, 8), kernel, stride, padding });
    [c, h, w] = layerShapes({ input, layers }).at(-1).outDims;
    layers.push({ name: `${name}_act`, type: rng.pick(['relu', 'relu', 'sigmoid', 'tanh']) });
  };
  conv('conv1');
  if (h >= 2 && w >= 2 && rng.next() < 0.7) {
    layers.push({ name: 'pool1', type: rng.pick(['maxpool2d', 'avgpool2d']), kernel: 2, stride: rng.pick([1, 2]) });
    [c, h, w] = layerShapes({ input, layers }).at(-1).outDims;
  }
  if (rng.next() < 0.5) conv('conv2');
  layers.push({ name: 'flatten', type: 'flatten' });
  layers.push({ name: 'fc1', type: 'dense', out_features: rng.int(16, 40) });
  layers.push({ name: 'fc1_act', type: rng.pick(['relu', 'sigmoid', 'tanh']) });
  layers.push({ name: 'fc2', type: 'dense', out_features: rng.int(2, 10) });
  if (rng.next() < 0.7) layers.push({ name: 'softmax', type: 'softmax' });
  return { input, layers };
}

test('whole random models: fast and reference kernels agree, layer by layer, and with plain JS', (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED ^ 0xc2b2ae35);
  let differs = 0;
  for (let n = 0; n < 40; n++) {
    const arch = randomArchitecture(rng);
    const tensors = randomTensors(arch, rng);
    const input = rng.floats(inputSize(arch));
    const model = cs.loadModel(modelFile(arch, tensors));
    const context = `model ${n}, ${describe(arch)}`;
    try {
      model.setReferenceKernels(true);
      const reference = model.forward(input);
      model.setReferenceKernels(false);
      const fast = model.forward(input);
      assert.equal(fast.layers.length, arch.layers.length, context);
      // Each layer against JS given the same engine input, then fast against reference.
      for (const trace of [reference, fast]) {
        const want = forwardRef(arch, tensors, input, trace.layers);
        trace.layers.forEach((layer, i) => {
          assert.deepEqual(layer.shape, want[i].shape, `${layer.name} shape, ${context}`);
          assertClose(layer.data, want[i].data, { scale: want[i].absSum, context: `${layer.name} vs JS, ${context}` });
        });
      }
      const want = forwardRef(arch, tensors, input, reference.layers);
      fast.layers.forEach((layer, i) => {
        // The fast chain's inputs drift from the reference chain's by rounding: looser.
        assertClose(layer.data, reference.layers[i].data,
          { rel: 1e-4, abs: 1e-5, scale: want[i].absSum, context: `${layer.name} fast vs reference, ${context}` });
        if (layer.data.some((v, j) => v !== reference.layers[i].data[j])) differs++;
      });
    } finally {
      model.delete();
    }
  }
  // Not vacuous: the switch really changes kernels (the dense sums are added in another order).
  assert.ok(differs > 0, 'setReferenceKernels(true) and (false) gave bit-identical traces for all 40 models');
});

// predict and predictBatch run the quick path (conv/dense + ReLU fused, flatten skipped, inputs
// written straight into the model, batches in groups): the same bits as forward's last layer,
// for each sample alone and in batches of 1-70 (past a 64-sample chunk), fast and reference.
test('whole random models: predict and predictBatch = forward, bit for bit', (t) => {
  t.diagnostic(`seed ${SEED}`);
  const rng = makeRng(SEED ^ 0x61c88647);
  for (let m = 0; m < 20; m++) {
    const arch = randomArchitecture(rng);
    const tensors = randomTensors(arch, rng);
    const size = inputSize(arch), n = rng.pick([1, 2, 5, 9, 70]);
    const inputs = rng.floats(n * size);
    const model = cs.loadModel(modelFile(arch, tensors));
    try {
      for (const reference of [false, true]) {
        model.setReferenceKernels(reference);
        const context = `model ${m}, n=${n}, reference=${reference}, ${describe(arch)}`;
        const batch = model.predictBatch(inputs, n);
        const plain = model.predictBatch(Array.from(inputs), n);  // a plain array in, too
        assertSame(plain, batch, `predictBatch(Array) vs (Float32Array), ${context}`);
        const outSize = batch.length / n;
        const out = new Float32Array(batch.length + 3).fill(NaN);  // into a caller's array, longer
        assert.equal(model.predictBatch(inputs, n, out), out, `predictBatch returns its out, ${context}`);
        assertSame(out.subarray(0, batch.length), batch, `predictBatch into out vs new, ${context}`);
        assert.ok(out.subarray(batch.length).every(Number.isNaN), `predictBatch wrote past n outputs, ${context}`);
        for (const s of new Set([0, n - 1, rng.int(0, n - 1)])) {
          const x = inputs.subarray(s * size, (s + 1) * size);
          const want = model.forward(x).output;
          assertSame(model.predict(x), want, `predict vs forward, sample ${s}, ${context}`);
          assertSame(batch.subarray(s * outSize, (s + 1) * outSize), want, `predictBatch vs forward, sample ${s}, ${context}`);
        }
      }
    } finally {
      model.delete();
    }
  }
});

test('predictBatch refuses an out array that is short or not a Float32Array, keeping it as it was', () => {
  const arch = { input: { channels: 1, height: 4, width: 4 }, layers: [{ name: 'fc', type: 'flatten' }] };
  const model = cs.loadModel(modelFile(arch, []));
  try {
    const x = new Float32Array(32).fill(1);
    const short = new Float32Array(31).fill(7);
    assert.throws(() => model.predictBatch(x, 2, short), /out: expected a Float32Array of at least n × 16 values for n = 2/);
    assert.ok(short.every((v) => v === 7));
    assert.throws(() => model.predictBatch(x, 2, new Float64Array(32)), /out: expected a Float32Array/);
    assert.throws(() => model.predictBatch(x, 2, []), /out: expected a Float32Array/);
  } finally {
    model.delete();
  }
});

// conv2 (8 input channels, 3×3, 10×10) runs on the Winograd kernel, whose transformed weights the
// layer keeps between calls: after each training step the fast prediction must use the new
// weights (= the reference kernels, which read the weights as they are), and it must change.
test('the Winograd layer follows its weights through training steps (fast = reference after each)', () => {
  const arch = {
    input: { channels: 1, height: 10, width: 10 },
    layers: [
      { name: 'conv1', type: 'conv2d', out_channels: 8, kernel: 3, padding: 1 }, { name: 'relu1', type: 'relu' },
      { name: 'conv2', type: 'conv2d', out_channels: 6, kernel: 3, padding: 1 }, { name: 'relu2', type: 'relu' },
      { name: 'pool2', type: 'maxpool2d', kernel: 2 }, { name: 'flatten', type: 'flatten' },
      { name: 'fc', type: 'dense', out_features: 3 },
    ],
  };
  const rng = makeRng(SEED ^ 0x2545f491);
  const net = cs.createModel(arch);
  try {
    net.initialize(5);
    const n = 4, x = rng.floats(n * 100), labels = new Int32Array([0, 1, 2, 1]);
    let last = null;
    for (let step = 0; step <= 3; step++) {
      if (step) net.trainStep(x, labels, n, 0.05);
      net.setReferenceKernels(true);
      const want = net.predictBatch(x, n);
      net.setReferenceKernels(false);
      const got = net.predictBatch(x, n);
      assertClose(got, want, { rel: 1e-4, context: `seed ${SEED}, after ${step} training steps` });
      if (last) assert.ok(got.some((v, i) => v !== last[i]), `step ${step} changed no output`);
      last = got;
    }
  } finally {
    net.delete();
  }
});
