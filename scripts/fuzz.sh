#!/bin/sh
# Build every libFuzzer target with clang (build-fuzz/) and run each for
# SECONDS (default 30), JOBS targets at a time (default 1); `make test` runs
# it as a smoke test with 2. New inputs go to build-fuzz/work/<target>/
# (seeded from the committed corpus, which is only read); what a target
# finds (crash, leak, timeout, out-of-memory) goes to
# build-fuzz/crashes/<target>-*. Prints the executions of every target and
# exits 1 naming the target and the reproducer when any found something.
#
# usage: scripts/fuzz.sh [SECONDS [JOBS]]
#        scripts/fuzz.sh --one SECONDS TARGET   (one target; used by the above)
set -eu
cd "$(dirname "$0")/.."
out=build-fuzz

if [ "${1:-}" = "--one" ]; then
    secs=$2
    t=$3
    mkdir -p "$out/work/$t" "$out/crashes" "$out/logs"
    rm -f "$out/crashes/$t-"*
    log="$out/logs/$t.log"
    # -timeout: one input running this long is a hang, kept as timeout-*
    "$out/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=20 \
        -print_final_stats=1 -artifact_prefix="$out/crashes/$t-" \
        "$out/work/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1 || true
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    # slow-unit-* files are only notes (a busy machine makes them too)
    found=$(ls "$out/crashes/$t-crash-"* "$out/crashes/$t-leak-"* \
        "$out/crashes/$t-timeout-"* "$out/crashes/$t-oom-"* 2>/dev/null |
        head -n 1 || true)
    if [ -n "$found" ]; then
        echo "fuzz $t: ${execs:-?} execs, FOUND $found (reproduce: $out/tests/fuzz/fuzz_$t $found; log: $log)"
        exit 1
    fi
    echo "fuzz $t: ${execs:-?} execs in ${secs}s"
    exit 0
fi

secs=${1:-30}
jobs=${2:-1}
command -v clang >/dev/null || { echo "fuzz.sh: clang is not installed" >&2; exit 1; }
# LT_TESTS=OFF: the fuzz targets only, not the Criterion tests
CC=clang cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLT_FUZZ=ON -DLT_BENCH=OFF -DLT_TESTS=OFF >/dev/null
cmake --build "$out" -j "${BUILD_JOBS:-2}" >/dev/null
targets=$(cd "$out/tests/fuzz" && ls fuzz_* | sed 's/^fuzz_//')
n=$(echo "$targets" | wc -l)
echo "fuzz: $n targets, ${secs}s each, $jobs at a time"
status=0
echo "$targets" | xargs -n 1 -P "$jobs" sh "$0" --one "$secs" || status=1
if [ "$status" -ne 0 ]; then
    echo "fuzz: FAILED: a target found a crash (see FOUND above)" >&2
    exit 1
fi
echo "fuzz: $n targets, nothing found"
