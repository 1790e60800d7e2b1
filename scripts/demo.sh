#!/bin/sh
# `make demo`: scan the bundled example dataset and show what came out.
set -eu
bin=${1:-build/cmd/leaktrawl}
out=${DEMO_OUT:-demo-out}
rm -rf "$out"
echo "\$ leaktrawl scan -m examples/manifest.json -o $out --requests $out/requests.tsv examples/captures"
rc=0
"$bin" scan -m examples/manifest.json -o "$out" --requests "$out/requests.tsv" \
    examples/captures || rc=$?
echo
echo "== $out/summary.json (totals) =="
sed -n '/"totals"/,/"capture"/p' "$out/summary.json" | head -20
echo
echo "== first HTTP requests ($out/requests.tsv) =="
head -8 "$out/requests.tsv"
echo "(exit code $rc)"
