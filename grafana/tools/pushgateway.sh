#!/usr/bin/env bash
# Prints the path of a `pushgateway` binary (Prometheus Pushgateway), obtaining it if needed.
#
#   gw=$(grafana/tools/pushgateway.sh) && "$gw" --web.listen-address=127.0.0.1:9091
#
# 1. `prometheus-pushgateway` or `pushgateway` on PATH -> that path.
# 2. Already unpacked in the cache                      -> the cached binary.
# 3. Otherwise, without root (debian-package.sh): `apt-get download prometheus-pushgateway` (Debian's package ships one statically
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

# shellcheck source=debian-package.sh
. "$(dirname "${BASH_SOURCE[0]}")/debian-package.sh"
fetch_debian_package prometheus-pushgateway pushgateway "the Pushgateway is" usr/bin/prometheus-pushgateway
echo "deadunit tools: $("$bin" --version 2>&1 | head -n 1)" >&2
echo "$bin"
