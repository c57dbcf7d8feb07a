# Sourced by prometheus.sh and pushgateway.sh (not run by itself): fetches a Debian package without root and
# unpacks it into the shared tool cache.
#
#   fetch_debian_package PACKAGE DIR WHAT FILE...
#
# Unpacks PACKAGE (`apt-get download`, running `apt-get update` first only if the download fails, then
# `dpkg-deb -x`) into "$cache/DIR", requiring each FILE (a path inside the package) to be executable. WHAT names
# the tool in messages ("the Pushgateway is"). The caller defines `die MESSAGE` (exits 1), `works` (true once the
# unpacked tool runs) and `cache`. Concurrent builds sharing the cache are serialised on "$cache/.lock-DIR"; a
# build that finds the tool working once it holds the lock returns at once.
fetch_debian_package() {
  local package=$1 dir=$2 what=$3
  shift 3
  command -v apt-get >/dev/null 2>&1 || die "$what not on PATH and apt-get is not available to fetch it."
  command -v dpkg-deb >/dev/null 2>&1 || die "$what not on PATH and dpkg-deb is not available to unpack it."
  mkdir -p "$cache" || die "cannot create cache directory $cache"

  exec 9>"$cache/.lock-$dir"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if works; then
    return 0
  fi

  # Global, for the EXIT trap.
  fetch_work=$(mktemp -d "$cache/.download.XXXXXX")
  trap 'rm -rf "$fetch_work"' EXIT

  echo "deadunit tools: $what not on PATH; fetching Debian's $package package into $cache" >&2
  if ! debian_package_download "$package"; then
    echo "deadunit tools: apt-get download failed; running apt-get update and retrying" >&2
    apt-get update >"$fetch_work/update.log" 2>&1 \
      || echo "deadunit tools: apt-get update failed (not root?): $(tail -n 3 "$fetch_work/update.log")" >&2
    debian_package_download "$package" || die "apt-get download $package failed: $(tail -n 5 "$fetch_work/apt.log")"
  fi

  local deb
  deb=$(ls "$fetch_work"/"${package}"_*.deb 2>/dev/null | head -n 1)
  [ -n "$deb" ] || die "apt-get download reported success but no ${package}_*.deb is in $fetch_work"

  dpkg-deb -x "$deb" "$fetch_work/$dir" || die "dpkg-deb -x $deb failed"
  local file
  for file in "$@"; do
    [ -x "$fetch_work/$dir/$file" ] || die "the package $(basename "$deb") holds no $file"
  done

  rm -rf "${cache:?}/$dir"
  mv "$fetch_work/$dir" "$cache/$dir"
  works || die "unpacked $cache/$dir does not run"
}

debian_package_download() {
  (cd "$fetch_work" && apt-get download "$1") >"$fetch_work/apt.log" 2>&1
}
