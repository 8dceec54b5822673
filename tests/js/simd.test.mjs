// The shipped .wasm really is a SIMD build: its disassembly (wasm-objdump, Debian package wabt)
// has v128 loads/stores and f32x4 multiplies and adds — the fast kernels' inner loops — not just a
// stray vector op or two. Speed itself is measured by `npm run bench`, never here.
// Run: node --test tests/js/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.mjs';

const SIMD_WASM = path.join(ROOT, 'web/engine/convscope.wasm');
const SCALAR_WASM = path.join(ROOT, 'web/engine/convscope-scalar.wasm');
const RELAXED_WASM = path.join(ROOT, 'web/engine/convscope-relaxed.wasm');

// opcode name -> how often it occurs in the code section. Lines look like
//  0196e0: fd e6 01                   |       f32x4.mul
function opcodeCounts(wasmPath) {
  const text = execFileSync('wasm-objdump', ['-d', wasmPath], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const counts = new Map();
  for (const [, op] of text.matchAll(/\|\s*([a-z0-9_]+\.[a-z0-9_]+)/g)) counts.set(op, (counts.get(op) ?? 0) + 1);
  return counts;
}

const sumOf = (counts, prefix) => [...counts].filter(([op]) => op.startsWith(prefix)).reduce((n, [, c]) => n + c, 0);

test('web/engine/convscope.wasm validates in this Node (SIMD enabled)', () => {
  assert.ok(existsSync(SIMD_WASM), `${SIMD_WASM} missing: build it with cmake --build build-wasm`);
  assert.ok(WebAssembly.validate(readFileSync(SIMD_WASM)));
});

test('the SIMD build\'s code has f32x4 multiplies and adds, and v128 loads and stores', (t) => {
  const ops = opcodeCounts(SIMD_WASM);
  const mul = ops.get('f32x4.mul') ?? 0, add = ops.get('f32x4.add') ?? 0;
  const v128 = sumOf(ops, 'v128.');
  t.diagnostic(`f32x4.mul ${mul}, f32x4.add ${add}, v128.* ${v128}, all f32x4.* ${sumOf(ops, 'f32x4.')}`);
  // Sanity of the count itself: a disassembly with no scalar f32 arithmetic was misread.
  assert.ok((ops.get('f32.add') ?? 0) > 0 && (ops.get('i32.add') ?? 0) > 0, 'no scalar ops found: disassembly misread');
  // The gemm register tile alone (4 rows × 2 vectors of accumulators) is 8 independent f32x4
  // multiply-adds per step, and the dense kernel 4 more; a build where SIMD only crept into a
  // memcpy or two would have none of either.
  assert.ok(mul >= 12, `f32x4.mul: ${mul}, expected at least 12`);
  assert.ok(add >= 12, `f32x4.add: ${add}, expected at least 12`);
  assert.ok((ops.get('v128.load') ?? 0) > 0 && (ops.get('v128.store') ?? 0) > 0, 'no v128.load / v128.store');
  assert.ok(v128 >= 2 * 12, `v128.*: ${v128}`);
});

test('the scalar build has no v128 at all', () => {
  assert.ok(existsSync(SCALAR_WASM), 'web/engine/convscope-scalar.wasm: npm run build:wasm always builds it');
  const ops = opcodeCounts(SCALAR_WASM);
  assert.equal(sumOf(ops, 'v128.') + sumOf(ops, 'f32x4.'), 0);
  assert.ok((ops.get('f32.mul') ?? 0) > 0, 'no f32.mul: disassembly misread');
});

test('the relaxed-SIMD build, where there is one, fuses its multiply-adds (f32x4.relaxed_madd)', (t) => {
  if (!existsSync(RELAXED_WASM)) {
    t.skip('no web/engine/convscope-relaxed.wasm in this build (needs clang-19)');
    return;
  }
  const ops = opcodeCounts(RELAXED_WASM);
  const madd = ops.get('f32x4.relaxed_madd') ?? 0;
  t.diagnostic(`f32x4.relaxed_madd ${madd}, f32x4.mul ${ops.get('f32x4.mul') ?? 0}`);
  // the register tile alone is 8 independent multiply-adds per step, the dense block 4 more
  assert.ok(madd >= 12, `f32x4.relaxed_madd: ${madd}, expected at least 12`);
});
