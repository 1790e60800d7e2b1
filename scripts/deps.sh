#!/bin/sh
# Install the Debian/Ubuntu packages leaktrawl needs that are missing.
# apt-get directly as root, through sudo otherwise. Idempotent and quiet
# when everything is there already.
set -eu
PKGS="build-essential cmake pkg-config libzstd-dev libuv1-dev libjansson-dev
libcriterion-dev libvectorscan-dev libdeflate-dev libbrotli-dev zlib1g-dev
liblzma-dev libssl-dev libpsl-dev zstd xz-utils gzip jq"
# clang only serves the fuzz smoke test; it is installed when available.
OPTIONAL="clang"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# An old or empty package index is the usual reason an install fails on a
# fresh machine: refresh it once and try again.
if ! $SUDO apt-get install -y --no-install-recommends $missing; then
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends $missing
fi
for p in $OPTIONAL; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        $SUDO apt-get install -y --no-install-recommends "$p" >/dev/null 2>&1 || true
done
