#!/bin/bash
# Builds wrappy and shows it installing and running a Flathub-format app served from
# this machine. Everything happens under a temporary directory (its own HOME and XDG
# dirs), so your real wrappy and Flatpak set-up are left alone.
#
#   scripts/demo.sh [--keep]     (--keep: leave the temporary directory for a look)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
KEEP=0
[ "${1:-}" = --keep ] && KEEP=1

if [ -t 1 ]; then B=$'\033[1m' N=$'\033[0m'; else B= N=; fi
say() { printf '\n%s==> %s%s\n' "$B" "$*" "$N"; }
show() { printf '$ %s\n' "$*"; "$@"; }

say "building wrappy"
cd "$TOP"
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
WRAPPY=$TOP/build/src/wrappy

DEMO=$(mktemp -d "${TMPDIR:-/tmp}/wrappy-demo.XXXXXX")
SERVER_PID=
cleanup() {
  [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then
    echo "demo files kept in $DEMO"
  else
    chmod -R u+rwX "$DEMO" 2>/dev/null || true
    rm -rf "$DEMO"
  fi
}
trap cleanup EXIT

say "building the demo Flatpak repository (real flatpak build-export)"
FIXTURES=${WRAPPY_FIXTURES:-${TMPDIR:-/var/tmp}/wrappy-fixtures-$(id -u)}
"$TOP/tests/fixtures/make-repo.sh" "$FIXTURES"
echo "repository: $FIXTURES/signed/repo (GPG-signed)"

if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi
"$PY" "$TOP/tests/integration/httpd.py" "$FIXTURES" "$DEMO/port" --lifetime 600 \
  >/dev/null 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do [ -s "$DEMO/port" ] && break; sleep 0.05; done
[ -s "$DEMO/port" ] || { echo "the HTTP server did not start" >&2; exit 1; }
URL="http://127.0.0.1:$(cat "$DEMO/port")"
sed "s|@URL@|$URL|g" "$FIXTURES/signed.flatpakrepo.in" >"$DEMO/demo.flatpakrepo"
echo "serving it at $URL"

export HOME=$DEMO/home
export XDG_DATA_HOME=$HOME/.local/share XDG_STATE_HOME=$HOME/.local/state
export XDG_CONFIG_HOME=$HOME/.config XDG_CACHE_HOME=$HOME/.cache
mkdir -p "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
wrappy() { "$WRAPPY" "$@"; }

say "adding the remote from its .flatpakrepo file (signature checked)"
show wrappy remote add demo "$DEMO/demo.flatpakrepo"
show wrappy remote list

say "installing org.wrappy.Demo with its runtime"
show wrappy install --from-flathub org.wrappy.Demo --remote demo

say "what is installed"
show wrappy list
show wrappy info org.wrappy.Demo

say "running it in the sandbox"
show wrappy run org.wrappy.Demo -- hello world
show wrappy run org.wrappy.Demo -- --probe

say "cleaning up"
show wrappy uninstall --delete-data org.wrappy.Demo
echo
echo "demo finished"
