#!/bin/bash
# How meson runs one integration file (tests/integration/meson.build):
#
#   meson-test.sh caller|user FILE [TEST…]
#
# `caller` runs FILE as whoever runs meson; `user` runs it as the unprivileged test user
# (root only; otherwise the whole file is a TAP skip). WRAPPY and WRAPPY_PROBE come from
# meson. The fixtures are built (once per content hash, under a lock) into
# WRAPPY_FIXTURES_DIR/HASH (default /var/tmp/wrappy-fixtures), shared by root's and the
# test user's runs, and built as root before the user's run gets to them.
# When the test user cannot read this checkout (a clone under /root), the binaries and
# tests are staged once per content hash in a world-readable /tmp/wrappy-stage-HASH.
set -uo pipefail

who=$1 file=$(readlink -f "$2")
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# Fixtures live under their content hash, so that checkouts with other probes or fixture
# scripts (and root's and the user's runs of this one) never replace each other's.
WRAPPY_FIXTURES=${WRAPPY_FIXTURES_DIR:-/var/tmp/wrappy-fixtures}/$(
  WRAPPY_PROBE=$WRAPPY_PROBE "$TOP/tests/fixtures/make-repo.sh" --print-hash)
export WRAPPY_FIXTURES

if [ "$who" = user ] && [ "$(id -u)" != 0 ]; then
  echo "1..0 # SKIP only root can run the tests as the unprivileged user"
  exit 0
fi

# shellcheck source=tests/integration/lib.sh
. "$HERE/lib.sh"

build_fixtures() {
  "$TOP/tests/fixtures/make-repo.sh" "$WRAPPY_FIXTURES" &&
    "$TOP/tests/fixtures/make-appimage.sh" "$WRAPPY_FIXTURES-appimage" &&
    "$TOP/tests/fixtures/make-snaps.sh" "$WRAPPY_FIXTURES-snaps"
}

# user_can_read PATH…: the test user can reach every PATH.
user_can_read() {
  local p
  for p in "$@"; do
    runuser -u "$WRAPPY_TEST_USER" -- test -r "$p" || return 1
  done
}

# stage: copies the binaries (with wrappy-backend, and the message catalogs, man page and
# completions found relative to them), the probe and tests/ to a world-readable directory
# named after their content; prints its path.
stage() {
  local bindir hash dir tmp
  bindir=$(dirname "$WRAPPY")
  hash=$({
    cat "$WRAPPY" "$bindir"/wrappy-backend "$WRAPPY_PROBE" "$bindir"/../data/* 2>/dev/null
    tar -C "$TOP" -cf - tests/integration tests/fixtures 2>/dev/null
  } | sha256sum | cut -c1-16)
  dir=/tmp/wrappy-stage-$hash
  exec 8>>"/tmp/wrappy-stage.lock" && flock 8
  if [ ! -d "$dir" ]; then
    tmp=$(mktemp -d /tmp/wrappy-stage-tmp.XXXXXX)
    mkdir -p "$tmp/build/src" "$tmp/build/tests/probe" "$tmp/tests"
    cp "$WRAPPY" "$bindir"/wrappy-backend "$tmp/build/src/"
    [ ! -f "$WRAPPY_PROBE" ] || cp "$WRAPPY_PROBE" "$tmp/build/tests/probe/"
    # The man page and completions generated beside them (tests/integration/test-help.sh).
    if [ -d "$bindir/../data" ]; then
      mkdir -p "$tmp/build/data"
      find "$bindir/../data" -maxdepth 1 -type f -exec cp {} "$tmp/build/data/" \;
    fi
    if [ -d "$bindir/../po" ]; then
      (cd "$bindir/.." && find po -name '*.mo' -exec cp --parents {} "$tmp/build/" \;)
    fi
    cp -r "$TOP/tests/integration" "$TOP/tests/fixtures" "$tmp/tests/"
    chmod -R a+rX "$tmp"
    mv "$tmp" "$dir"
  fi
  flock -u 8
  echo "$dir"
}

if [ "$who" = caller ]; then
  exec bash "$file" "$@"
fi

ensure_test_user || { echo "Bail out! cannot create the user $WRAPPY_TEST_USER"; exit 1; }
ensure_system_bus || true
build_fixtures >&2 || { echo "Bail out! could not build the fixtures (exit $?)"; exit 1; }
if ! user_can_read "$file" "$WRAPPY" "$WRAPPY_PROBE"; then
  dir=$(stage)
  WRAPPY=$dir/build/src/wrappy WRAPPY_PROBE=$dir/build/tests/probe/wrappy-probe
  file=$dir/tests/integration/$(basename "$file")
fi
cd /
as_test_user bash "$file" "$@"
