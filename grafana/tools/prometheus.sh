#!/usr/bin/env bash
# Prints the directory that holds both `prometheus` and `promtool`, obtaining them if needed.
#
#   bindir=$(grafana/tools/prometheus.sh) && "$bindir/promtool" check rules grafana/prometheus/rules/*.yml
#
# 1. Both on PATH (same directory)      -> that directory.
# 2. Already unpacked in the cache      -> the cached bin directory.
# 3. Otherwise, without root: `apt-get download prometheus` (Debian's package ships both binaries, statically
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

command -v apt-get >/dev/null 2>&1 || die "prometheus/promtool are not on PATH and apt-get is not available to fetch them."
command -v dpkg-deb >/dev/null 2>&1 || die "prometheus/promtool are not on PATH and dpkg-deb is not available to unpack them."

mkdir -p "$cache" || die "cannot create cache directory $cache"

# Serialise concurrent builds that share the cache.
exec 9>"$cache/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if works; then
  echo "$bindir"
  exit 0
fi

work=$(mktemp -d "$cache/.download.XXXXXX")
trap 'rm -rf "$work"' EXIT

download() { (cd "$work" && apt-get download prometheus) >"$work/apt.log" 2>&1; }

echo "deadunit tools: prometheus/promtool not on PATH; fetching Debian's prometheus package into $cache" >&2
if ! download; then
  echo "deadunit tools: apt-get download failed; running apt-get update and retrying" >&2
  apt-get update >"$work/update.log" 2>&1 || echo "deadunit tools: apt-get update failed (not root?): $(tail -n 3 "$work/update.log")" >&2
  download || die "apt-get download prometheus failed: $(tail -n 5 "$work/apt.log")"
fi

deb=$(ls "$work"/prometheus_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "apt-get download reported success but no prometheus_*.deb is in $work"

dpkg-deb -x "$deb" "$work/prometheus" || die "dpkg-deb -x $deb failed"
[ -x "$work/prometheus/usr/bin/prometheus" ] && [ -x "$work/prometheus/usr/bin/promtool" ] \
  || die "the package $(basename "$deb") holds no usr/bin/prometheus and usr/bin/promtool"

rm -rf "$cache/prometheus"
mv "$work/prometheus" "$cache/prometheus"
works || die "unpacked $bindir/promtool does not run"
echo "deadunit tools: $("$bindir/prometheus" --version 2>&1 | head -n 1)" >&2
echo "$bindir"
