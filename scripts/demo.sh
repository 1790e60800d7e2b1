#!/bin/sh
# `make demo`: scan the bundled example dataset and show what came out.
set -eu
bin=${1:-build/cmd/leaktrawl}
out=${DEMO_OUT:-demo-out}
rm -rf "$out"
echo "\$ leaktrawl scan -m examples/manifest.json -o $out examples/captures"
rc=0
"$bin" scan -m examples/manifest.json -o "$out" --requests "$out/requests.tsv" \
    examples/captures || rc=$?
echo
echo "== leaks by kind: jq -c .totals.leaks $out/summary.json =="
jq -c .totals.leaks "$out/summary.json"
echo
echo "== the seed case: Mi Browser to sa.api.intl.miui.com =="
zstd -dc "$out/redmi-note8-01.jsonl.zst" |
    jq -c 'select(.host == "sa.api.intl.miui.com") | {frame, kind, detector, variant, chain, value}' | head -8
echo
echo "== one whole record =="
zstd -dc "$out/redmi-note8-01.jsonl.zst" | head -1 | jq .
echo
echo "== where each device's data went: jq '.devices[] | {id, destinations}' =="
jq -c '.devices[] | .id as $d | .destinations[] | select(.leaks > 0) | {device: $d, host, leaks, clear}' "$out/summary.json" | head -8
echo
echo "(exit code $rc; all files: ls $out; records: zstdcat $out/*.jsonl.zst | jq .)"
