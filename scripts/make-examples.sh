#!/bin/sh
# Regenerate the bundled example dataset (examples/captures) with the
# seeded generator: the same bytes every time. Needs a build (make build).
set -eu
cd "$(dirname "$0")/.."
gen=${GEN:-build/bench/gen_capture}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf examples/captures
mkdir -p examples/captures/redmi-note8-01 examples/captures/pixel4-02 \
         examples/captures/shared-router
"$gen" -o "$tmp/a.pcap" --size 0.1 --seed 1
gzip -n -9 -c "$tmp/a.pcap" > examples/captures/redmi-note8-01/2020-05-03.pcap.gz
"$gen" -o "$tmp/b.pcapng" --size 0.1 --seed 2 --pcapng --http 50 --tls 40
zstd -q -19 -c "$tmp/b.pcapng" > examples/captures/pixel4-02/session-1.pcapng.zst
"$gen" -o "$tmp/c.pcap" --size 0.08 --seed 3 --http 80 --tls 10
xz -9 -c "$tmp/c.pcap" > examples/captures/shared-router/2020-05-04.pcap.xz
