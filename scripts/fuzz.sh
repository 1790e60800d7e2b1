#!/bin/sh
# Build every libFuzzer target with clang and run each for SECONDS (default
# 30). New inputs go to build-fuzz/work/<target>/ (seeded from the committed
# corpus, which is only read); crashes land in build-fuzz/ as crash-*.
set -eu
secs=${1:-30}
cd "$(dirname "$0")/.."
command -v clang >/dev/null || { echo "fuzz.sh: clang is not installed" >&2; exit 1; }
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLT_FUZZ=ON -DLT_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" >/dev/null
status=0
for bin in build-fuzz/tests/fuzz/fuzz_*; do
    t=$(basename "$bin" | sed 's/^fuzz_//')
    mkdir -p "build-fuzz/work/$t"
    echo "== $t (${secs}s)"
    (cd build-fuzz && "../$bin" -max_total_time="$secs" -print_final_stats=1 \
        "work/$t" "../tests/fuzz/corpus/$t" 2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY" ) || true
    ls build-fuzz/crash-* >/dev/null 2>&1 && status=1
done
exit $status
