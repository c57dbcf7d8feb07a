#!/usr/bin/env bash
# Prints the directory that holds both `prometheus` and `promtool`, obtaining them if needed.
#
#   bindir=$(grafana/tools/prometheus.sh) && "$bindir/promtool" check rules grafana/prometheus/rules/*.yml
#
# 1. Both on PATH (same directory)      -> that directory.
# 2. Already unpacked in the cache      -> the cached bin directory.
# 3. Otherwise, without root (debian-package.sh): `apt-get download prometheus` (Debian's package ships both binaries, statically
#    linked apart from libc), running `apt-get update` first only if the download fails, then
#    `dpkg-deb -x` into the cache.
# Anything else is an error with a message on stderr and exit status 1: callers must never skip silently.
#
# Cache: $PROMETHEUS_TOOLS_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/deadunit-tools. It survives `mvn clean`.
# Messages go to stderr; stdout carries only the directory.
set -euo pipefail

die() {
  echo "deadunit tools: $*" >&2
  echo "deadunit tools: install Prometheus (apt-get install prometheus) or put prometheus and promtool on PATH." >&2
  exit 1
}

on_path_dir() {
  local p t
  p=$(command -v prometheus 2>/dev/null) || return 1
  t=$(command -v promtool 2>/dev/null) || return 1
  [ "$(dirname "$p")" = "$(dirname "$t")" ] || return 1
  dirname "$p"
}

if dir=$(on_path_dir); then
  echo "$dir"
  exit 0
fi

cache=${PROMETHEUS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deadunit-tools}
bindir="$cache/prometheus/usr/bin"

works() { [ -x "$bindir/prometheus" ] && [ -x "$bindir/promtool" ] && "$bindir/promtool" --version >/dev/null 2>&1; }

if works; then
  echo "$bindir"
  exit 0
fi

# shellcheck source=debian-package.sh
. "$(dirname "${BASH_SOURCE[0]}")/debian-package.sh"
fetch_debian_package prometheus prometheus "prometheus/promtool are" usr/bin/prometheus usr/bin/promtool
echo "deadunit tools: $("$bindir/prometheus" --version 2>&1 | head -n 1)" >&2
echo "$bindir"
