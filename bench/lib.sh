# shellcheck shell=bash
# Shared helpers for the benchmarks in bench/. Sourced, not run.
#
# Provides: a tiny Flatpak repo (runtime org.wrappy.Test.Platform//1 made from host
# binaries, app org.wrappy.Bench//stable whose command is `true`), a loopback HTTP
# server for it, and fresh per-run homes for wrappy and for `flatpak --user`.
#
# The repo is built with the real `flatpak build-export` and cached in
# $WRAPPY_BENCH_CACHE (default: ${XDG_CACHE_HOME:-$HOME/.cache}/wrappy-bench), keyed
# by a hash of this file, the host binaries and the flatpak version.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(cd "$BENCH_DIR/.." && pwd)
WRAPPY=${WRAPPY:-$SRC_DIR/build/src/wrappy}
CACHE=${WRAPPY_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wrappy-bench}
ARCH=x86_64
RT=org.wrappy.Test.Platform
RT_BRANCH=1
APP=org.wrappy.Bench
APP2=org.wrappy.Bench2
RT_BINS="sh true echo"

# shellcheck source=tests/fixtures/host-runtime.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tests/fixtures/host-runtime.sh"

die() {
  echo "${0##*/}: $*" >&2
  exit 1
}

note() {
  echo "${0##*/}: $*" >&2
}


need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "missing required program: $c"
  done
}

# ------------------------------------------------------------------ work area
bench_setup_work() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/wrappy-bench.XXXXXX")
  chmod 0755 "$WORK"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  if [ -n "${HTTPD_PID:-}" ]; then
    kill "$HTTPD_PID" 2>/dev/null || true
    wait "$HTTPD_PID" 2>/dev/null || true
  fi
  if [ -n "${WORK:-}" ] && [ -z "${KEEP:-}" ]; then
    # Files written inside a user namespace may be read-only to us; make them writable.
    chmod -R u+w "$WORK" 2>/dev/null || true
    rm -rf "$WORK"
  elif [ -n "${WORK:-}" ]; then
    note "kept work directory $WORK"
  fi
}

# ------------------------------------------------------------------ the repo

repo_hash() {
  {
    cat "${BASH_SOURCE[0]}"
    local b
    for b in $RT_BINS ldconfig; do sha256sum "$(readlink -f "$(type -P "$b")")"; done
    flatpak --version
  } | sha256sum | cut -c1-16
}

make_bench_app() {
  # make_bench_app DIR ID PAYLOAD_KIB: an app whose command is `true` (a one-line
  # script that execs the runtime's true) plus PAYLOAD_KIB of incompressible data,
  # so that the disk figures show what the app itself adds.
  local d=$1 id=$2 kib=$3
  mkdir -p "$d/files/bin" "$d/files/share"
  printf '#!/bin/sh\nexec true "$@"\n' >"$d/files/bin/bench"
  chmod 0755 "$d/files/bin/bench"
  if [ "$kib" -gt 0 ]; then
    head -c $((kib * 1024)) /dev/urandom >"$d/files/share/payload-$id"
  fi
  printf '[Application]\nname=%s\nruntime=%s/%s/%s\nsdk=%s/%s/%s\ncommand=bench\n' \
    "$id" "$RT" "$ARCH" "$RT_BRANCH" "$RT" "$ARCH" "$RT_BRANCH" >"$d/metadata"
  quiet flatpak build-finish "$d"
}

bench_repo() {
  # Sets REPO to a ready repo: runtime, $APP and $APP2 (both on the runtime).
  need flatpak ostree ldd python3
  REPO=$CACHE/repo
  local hash
  hash=$(repo_hash)
  if [ -f "$CACHE/.stamp" ] && [ "$(cat "$CACHE/.stamp")" = "$hash" ] && [ -d "$REPO" ]; then
    return 0
  fi
  note "building the benchmark repo in $CACHE"
  local b tmp usr
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/wrappy-bench-repo.XXXXXX")
  usr=$tmp/runtime/usr
  mkdir -p "$tmp/runtime/files" "$usr/bin" "$usr/sbin" "$usr/lib/x86_64-linux-gnu" \
    "$usr/lib64" "$usr/etc"
  for b in $RT_BINS; do copy_with_libs "$usr" "$(type -P "$b")"; done
  # flatpak run regenerates ld.so.cache with the runtime's own ldconfig.
  install -m 0755 "$(readlink -f "$(type -P ldconfig || echo /sbin/ldconfig)")" \
    "$usr/sbin/ldconfig"
  ln -s ../sbin/ldconfig "$usr/bin/ldconfig"
  echo "/usr/lib/x86_64-linux-gnu" >"$usr/etc/ld.so.conf"
  printf '[Runtime]\nname=%s\nruntime=%s/%s/%s\nsdk=%s/%s/%s\n' \
    "$RT" "$RT" "$ARCH" "$RT_BRANCH" "$RT" "$ARCH" "$RT_BRANCH" >"$tmp/runtime/metadata"

  make_bench_app "$tmp/app" "$APP" 256
  make_bench_app "$tmp/app2" "$APP2" 512

  quiet ostree --repo="$tmp/repo" init --mode=archive-z2
  quiet flatpak build-export --runtime --files=usr "$tmp/repo" "$tmp/runtime" "$RT_BRANCH"
  quiet flatpak build-export "$tmp/repo" "$tmp/app" stable
  quiet flatpak build-export "$tmp/repo" "$tmp/app2" stable
  quiet flatpak build-update-repo --title="wrappy bench" "$tmp/repo"
  chmod -R a+rX "$tmp/repo"

  mkdir -p "$CACHE"
  rm -rf "$REPO"
  mv "$tmp/repo" "$REPO"
  rm -rf "$tmp"
  echo "$hash" >"$CACHE/.stamp"
}

# ------------------------------------------------------------------ HTTP
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

bench_serve() {
  # Serves $REPO on 127.0.0.1; sets URL.
  local port
  port=$(free_port)
  python3 -m http.server --bind 127.0.0.1 --directory "$REPO" "$port" \
    >"$WORK/httpd.log" 2>&1 &
  HTTPD_PID=$!
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/config')" \
      2>/dev/null; then
      URL=http://127.0.0.1:$port/
      return 0
    fi
    kill -0 "$HTTPD_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$WORK/httpd.log" >&2
  die "the HTTP server did not come up"
}

# ------------------------------------------------------------------ installs
wrappy_env() {
  # wrappy_env DIR: prints env assignments for a fresh wrappy home under DIR.
  local d=$1
  mkdir -p "$d/home" "$d/data" "$d/config" "$d/state" "$d/cache" "$d/run"
  chmod 0700 "$d/run"
  echo "HOME=$d/home XDG_DATA_HOME=$d/data XDG_CONFIG_HOME=$d/config" \
    "XDG_STATE_HOME=$d/state XDG_CACHE_HOME=$d/cache XDG_RUNTIME_DIR=$d/run"
}

flatpak_env() {
  local d=$1
  mkdir -p "$d/home" "$d/user" "$d/config" "$d/cache" "$d/data" "$d/run"
  chmod 0700 "$d/run"
  echo "HOME=$d/home FLATPAK_USER_DIR=$d/user XDG_CONFIG_HOME=$d/config" \
    "XDG_CACHE_HOME=$d/cache XDG_DATA_HOME=$d/data XDG_RUNTIME_DIR=$d/run"
}

ensure_system_bus() {
  # flatpak install talks to malcontent over the system bus, even for --user.
  if [ ! -S /run/dbus/system_bus_socket ]; then
    if [ "$(id -u)" -ne 0 ]; then
      note "no system D-Bus and not root: flatpak install may fail"
      return 0
    fi
    mkdir -p /run/dbus
    dbus-daemon --system --fork || note "could not start the system D-Bus"
  fi
}

# The env assignment lists below are split into words on purpose (paths have no spaces).
# shellcheck disable=SC2046
wrappy_install() {
  # wrappy_install DIR [ID]
  local d=$1 id=${2:-$APP}
  env $(wrappy_env "$d") "$WRAPPY" remote add --no-gpg-verify bench "$URL" >/dev/null 2>&1 ||
    true
  env $(wrappy_env "$d") "$WRAPPY" install --from-flathub "$id" --remote bench
}

# shellcheck disable=SC2046
flatpak_install() {
  # flatpak_install DIR [ID]
  local d=$1 id=${2:-$APP}
  env $(flatpak_env "$d") flatpak --user remote-add --if-not-exists --no-gpg-verify \
    bench "$URL" &&
    env $(flatpak_env "$d") flatpak --user install -y --noninteractive bench "$id"
}

# ------------------------------------------------------------------ numbers
median() {
  sort -g | awk '{a[NR]=$1} END{if (NR==0) {print "nan"; exit}
    if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}
