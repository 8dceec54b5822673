#!/usr/bin/env bash
# The engine under sanitizers, for CI (.ci/run) and by hand:
#   1. build-asan: the whole native test suite (ctest) built with g++ -fsanitize=address,undefined,
#      Debug, leak checking on; any report fails it.
#   2. build-fuzz: the libFuzzer targets (clang++-14, ASan + UBSan), a short run of each from the
#      seed corpora (tests/fuzz/make_seeds.cpp + the shipped models), ~55 s in all.
# Usage: tests/fuzz/run.sh [asan|fuzz]   (default: both)
# Long runs by hand, e.g.:
#   build-fuzz/fuzz_model_load -dict=tests/fuzz/convscope.dict -runs=10000000 \
#     build-fuzz/corpus/model_load build-fuzz/seeds/model_load
# A finding stops the run and leaves the input in build-fuzz/artifacts/; replay it with
#   build-fuzz/fuzz_<target> build-fuzz/artifacts/<file>
set -euo pipefail
cd "$(dirname "$0")/../.."
what=${1:-all}
jobs=${JOBS:-2}

# Any sanitizer report is fatal; leaks are reported at exit (LeakSanitizer).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

if [[ $what == all || $what == asan ]]; then
  echo "== native tests under ASan + UBSan (build-asan)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS="-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
    > /dev/null
  cmake --build build-asan -j"$jobs" --target native_tests
  ctest --test-dir build-asan --output-on-failure -j"$jobs"
fi

if [[ $what == all || $what == fuzz ]]; then
  echo "== short fuzz (build-fuzz)"
  # clang++-14 comes with Debian's emscripten; libFuzzer's runtime is in libclang-rt-14-dev.
  runtime="$(clang++-14 -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a"
  if [[ ! -f $runtime ]]; then
    if [[ $(id -u) == 0 ]] && command -v apt-get > /dev/null; then
      apt-get update -q
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libclang-rt-14-dev
    else
      echo "run.sh: no libFuzzer runtime ($runtime); on Debian 12: apt-get install libclang-rt-14-dev" >&2
      exit 1
    fi
  fi
  cmake -S . -B build-fuzz -DCONVSCOPE_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=Debug > /dev/null
  cmake --build build-fuzz -j"$jobs" --target fuzz_model_load fuzz_architecture fuzz_mnist_idx fuzz_seeds
  rm -rf build-fuzz/seeds
  build-fuzz/fuzz_seeds build-fuzz/seeds
  cp web/models/*.safetensors build-fuzz/seeds/model_load/
  mkdir -p build-fuzz/artifacts build-fuzz/logs
  export ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=64
  # target, seconds, dictionary
  for run in "model_load 25 convscope.dict" "architecture 20 convscope.dict" "mnist_idx 10 idx.dict"; do
    read -r target seconds dict <<< "$run"
    mkdir -p "build-fuzz/corpus/$target"
    log="build-fuzz/logs/$target.log"
    # Findings besides crashes and sanitizer reports: one input running over 10 s, the process
    # over 1 GB, or a single allocation over 64 MB (the harnesses need far less; see fuzz_util.hpp).
    if ! build-fuzz/fuzz_"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=64 \
        -dict="tests/fuzz/$dict" -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$target-" \
        "build-fuzz/corpus/$target" "build-fuzz/seeds/$target" > "$log" 2>&1; then
      cat "$log"
      echo "fuzz_$target: FINDING (the input is in build-fuzz/artifacts/, replay: build-fuzz/fuzz_$target <file>)"
      exit 1
    fi
    echo "fuzz_$target: ${seconds} s, $(grep -oP 'number_of_executed_units: *\K[0-9]+' "$log") executions," \
      "$(grep -oP 'average_exec_per_sec: *\K[0-9]+' "$log") exec/s, no findings"
  done
fi
