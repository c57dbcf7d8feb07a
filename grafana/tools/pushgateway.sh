#!/usr/bin/env bash
# Prints the path of a `pushgateway` binary (Prometheus Pushgateway), obtaining it if needed.
#
#   gw=$(grafana/tools/pushgateway.sh) && "$gw" --web.listen-address=127.0.0.1:9091
#
# 1. `prometheus-pushgateway` or `pushgateway` on PATH -> that path.
# 2. Already unpacked in the cache                      -> the cached binary.
# 3. Otherwise, without root: `apt-get download prometheus-pushgateway` (Debian's package ships one statically
#    linked Go binary, /usr/bin/prometheus-pushgateway), running `apt-get update` first only if the download
#    fails, then `dpkg-deb -x` into the cache.
# Anything else is an error with a message on stderr and exit status 1: callers must never skip silently.
#
# Cache: $PROMETHEUS_TOOLS_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/deadunit-tools (shared with
# prometheus.sh). It survives `mvn clean`. Messages go to stderr; stdout carries only the path.
set -euo pipefail

die() {
  echo "deadunit tools: $*" >&2
  echo "deadunit tools: install the Pushgateway (apt-get install prometheus-pushgateway) or put it on PATH." >&2
  exit 1
}

for name in prometheus-pushgateway pushgateway; do
  if p=$(command -v "$name" 2>/dev/null); then
    echo "$p"
    exit 0
  fi
done

cache=${PROMETHEUS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deadunit-tools}
bin="$cache/pushgateway/usr/bin/prometheus-pushgateway"

works() { [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; }

if works; then
  echo "$bin"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "the Pushgateway is not on PATH and apt-get is not available to fetch it."
command -v dpkg-deb >/dev/null 2>&1 || die "the Pushgateway is not on PATH and dpkg-deb is not available to unpack it."

mkdir -p "$cache" || die "cannot create cache directory $cache"

# Serialise concurrent builds that share the cache (own lock: prometheus.sh may hold its own meanwhile).
exec 9>"$cache/.lock-pushgateway"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if works; then
  echo "$bin"
  exit 0
fi

work=$(mktemp -d "$cache/.download.XXXXXX")
trap 'rm -rf "$work"' EXIT

download() { (cd "$work" && apt-get download prometheus-pushgateway) >"$work/apt.log" 2>&1; }

echo "deadunit tools: the Pushgateway is not on PATH; fetching Debian's prometheus-pushgateway package into $cache" >&2
if ! download; then
  echo "deadunit tools: apt-get download failed; running apt-get update and retrying" >&2
  apt-get update >"$work/update.log" 2>&1 || echo "deadunit tools: apt-get update failed (not root?): $(tail -n 3 "$work/update.log")" >&2
  download || die "apt-get download prometheus-pushgateway failed: $(tail -n 5 "$work/apt.log")"
fi

deb=$(ls "$work"/prometheus-pushgateway_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "apt-get download reported success but no prometheus-pushgateway_*.deb is in $work"

dpkg-deb -x "$deb" "$work/pushgateway" || die "dpkg-deb -x $deb failed"
[ -x "$work/pushgateway/usr/bin/prometheus-pushgateway" ] \
  || die "the package $(basename "$deb") holds no usr/bin/prometheus-pushgateway"

rm -rf "$cache/pushgateway"
mv "$work/pushgateway" "$cache/pushgateway"
works || die "unpacked $bin does not run"
echo "deadunit tools: $("$bin" --version 2>&1 | head -n 1)" >&2
echo "$bin"
