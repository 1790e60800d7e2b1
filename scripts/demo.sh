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
echo "== leaks by kind (summary.json: totals.leaks) =="
sed -n '/"leaks": {/,/}/p' "$out/summary.json" | head -20
echo
echo "== the seed case: Mi Browser to sa.api.intl.miui.com ($out/redmi-note8-01.jsonl.zst) =="
zstd -dc "$out/redmi-note8-01.jsonl.zst" | grep '"sa.api.intl.miui.com"' | head -3
echo
echo "== a few other records =="
zstd -dc "$out/pixel4-02.jsonl.zst" | head -3
echo
echo "(exit code $rc; all files: ls $out; records: zstdcat $out/*.jsonl.zst | jq .)"
