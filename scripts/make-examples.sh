#!/bin/sh
# Regenerate the bundled example dataset (examples/): captures of two phones
# with planted tracker leaks (bench/leakgen.c) mixed with filler traffic
# (bench/gen.c), the manifest naming their identifiers, and expected.jsonl,
# the identifier records a correct scan must produce. Fixed seeds, and the
# compressors run in-process at fixed levels (gzip with no time stamp, like
# gzip -n): the same bytes every run. Needs a build (make build).
set -eu
cd "$(dirname "$0")/.."
gen=${GEN:-build/bench/gen_examples}
rm -rf examples/captures examples/expected.jsonl
"$gen" examples
