#!/bin/bash
# Unpacking untrusted images in a confined child (src/adapters/common/wrappy-unpack.c):
# a squashfs inode asking libsquashfs for ~4 GiB (a type 2 AppImage and a snap) and an
# ISO 9660 image on which libarchive loops (a type 1 AppImage) fail the install with one
# line and leave nothing; the child runs with its limits, no new privileges and a seccomp
# filter, and dies with its parent; genuine images of both types still install and run.
# Fixtures: tests/fixtures/make-appimage.sh (bad/huge-inode, bad/iso-loop) and
# make-snaps.sh (huge-inode.snap, huge-yaml.snap), crafted with tests/fixtures/craft-inode.py.
. "$(dirname "$0")/lib.sh"

AI_FIX=${WRAPPY_FIXTURES}-appimage
SNAPS=$WRAPPY_FIXTURES-snaps
"$LIB_DIR/../fixtures/make-appimage.sh" "$AI_FIX" >/dev/null ||
  { echo "Bail out! could not build the AppImage fixtures" >&2; exit 1; }
"$LIB_DIR/../fixtures/make-snaps.sh" "$SNAPS" >/dev/null ||
  { echo "Bail out! could not build the snap fixtures" >&2; exit 1; }

# The unpack child of an install of FILE, once it runs (its PID in CHILD).
wait_child() {
  local i
  CHILD=
  for i in $(seq 200); do
    CHILD=$(pgrep -u "$(id -u)" -f "unpack-image -- [a-z]* $1 " | head -n 1) || true
    [ -n "$CHILD" ] && return 0
    sleep 0.05
  done
  fail "no unpack child for $1"
}

test_appimage_huge_inode() {
  local f=$AI_FIX/bad/huge-inode.AppImage
  assert_fails_with 1 "huge-inode.AppImage: cannot unpack the image: it needs more memory" \
    wrappy install "$f"
  nothing_left
  assert_fails_with 1 "needs more memory than an image of its size should" \
    wrappy install --from-appimage "$f"
  nothing_left
  # In-process, libsquashfs was granted the 4 GiB (overcommit) and failed later: the
  # limit is what turns it into this error.
  ok wrappy list
  assert_not_contains "$OUT" "Huge"
}

test_snap_huge_inode() {
  # The base comes from the store and is imported before the app: it goes again.
  start_snapstore
  assert_fails_with 1 "huge-inode.snap: cannot unpack the image: it needs more memory" \
    wrappy install "$SNAPS/huge-inode.snap"
  nothing_left
}

test_snap_yaml_is_read_in_the_child() {
  # meta/snap.yaml is read before anything is unpacked, by the same child under the same
  # limits: in-process, libsquashfs was granted the 4 GiB and failed later.
  assert_fails_with 1 "huge-yaml.snap: cannot unpack the image: it needs more memory" \
    wrappy install "$SNAPS/huge-yaml.snap"
  nothing_left # the child's read under $XDG_CACHE_HOME/wrappy/tmp included
  # A genuine snap's snap.yaml, desktop file and icon (read from the unpacked layer).
  start_snapstore
  ok wrappy install --from-snap hello-snap
  [ -n "$(find "$XDG_DATA_HOME/applications" -name 'io.snapcraft.hello-snap*.desktop')" ] ||
    fail "no launcher for hello-snap"
  [ -z "$(ls -A "$XDG_CACHE_HOME/wrappy/tmp" 2>/dev/null)" ] || fail "reads were left"
}

test_iso_loop_time_limit() {
  # libarchive loops on this image for minutes: under the default limit (60 s of CPU for
  # an image this small) the child is stopped by RLIMIT_CPU; the variable shortens it.
  WRAPPY_UNPACK_TIME_LIMIT=2 assert_fails_with 1 \
    "iso-loop.AppImage: cannot unpack the image: it took longer than 2 seconds" \
    wrappy install "$AI_FIX/bad/iso-loop.AppImage"
  assert_contains "$ERR" "WRAPPY_UNPACK_TIME_LIMIT"
  nothing_left
}

test_child_is_confined_and_dies_with_its_parent() {
  local f=$AI_FIX/bad/iso-loop.AppImage pid i
  WRAPPY_UNPACK_TIME_LIMIT=120 "$WRAPPY" install "$f" >/dev/null 2>&1 &
  pid=$!
  wait_child "$f"
  grep -Eq '^Max address space +2147483648 +2147483648 ' "/proc/$CHILD/limits" ||
    fail "address space limit: $(grep 'address space' "/proc/$CHILD/limits")"
  grep -Eq '^Max cpu time +120 +125 ' "/proc/$CHILD/limits" ||
    fail "CPU limit: $(grep 'cpu time' "/proc/$CHILD/limits")"
  grep -Eq '^Max core file size +0 +0 ' "/proc/$CHILD/limits" || fail "core dumps allowed"
  grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$CHILD/status" || fail "no_new_privs is not set"
  grep -q '^Seccomp:[[:space:]]*2$' "/proc/$CHILD/status" || fail "no seccomp filter"
  # A session of its own, so no controlling terminal (what the filter and Landlock deny
  # is tried from inside in tests/unit/test-unpack.c, /unpack/confine).
  [ "$(ps -o sid= -p "$CHILD" | tr -d ' ')" = "$CHILD" ] || fail "the child is not a session leader"
  [ "$(ps -o tty= -p "$CHILD" | tr -d ' ')" = "?" ] || fail "the child has a terminal"
  # stdin is /dev/null, stdout too, stderr the pipe to the parent; then what it opened
  # itself (the image, directories of the target): no other fd of the parent's.
  [ "$(readlink "/proc/$CHILD/fd/0")" = /dev/null ] || fail "stdin: $(readlink "/proc/$CHILD/fd/0")"
  case $(readlink "/proc/$CHILD/fd/2") in pipe:*) ;; *) fail "stderr is not a pipe" ;; esac
  for i in /proc/"$CHILD"/fd/*; do
    case $(readlink "$i") in
      /dev/null | pipe:* | "$f" | "$XDG_DATA_HOME"/wrappy/layers/*) ;;
      *) fail "the child holds $i -> $(readlink "$i")" ;;
    esac
  done
  # Killing the parent (as a terminal's hangup or a kill would) takes the child along
  # (PR_SET_PDEATHSIG); the next wrappy removes the staging directory.
  kill -TERM "$pid"
  wait "$pid" || true
  for i in $(seq 100); do
    kill -0 "$CHILD" 2>/dev/null || break
    sleep 0.05
  done
  ! kill -0 "$CHILD" 2>/dev/null || fail "the unpack child outlived its parent"
  ok wrappy install "$AI_FIX/aitool.AppImage"
  ok wrappy uninstall org.example.AiTool
  nothing_left
}

test_confinement_from_inside_as_this_user() {
  # /unpack/confine (tests/unit/test-unpack.c) tries from a confined subprocess what a
  # child a crafted image took over would: sockets, fork, exec, signals to others,
  # TIOCSTI, and under Landlock reading and writing outside. The unit suite runs as the
  # caller only; here it runs as the user this file runs as too.
  local unit
  unit=$(dirname "$(dirname "$WRAPPY")")/tests/unit/test-unpack
  [ -x "$unit" ] || skip "no unit test binary at $unit"
  run "$unit" -p /unpack/confine
  assert_eq 0 "$RC" "/unpack/confine as $(id -un): $OUT $ERR"
  assert_contains "$OUT" "ok 1 /unpack/confine"
}

test_child_entry_refuses_bad_arguments() {
  # The hidden entry point is not a way to write anywhere: DEST must be absolute (and,
  # in the extractors, must not exist), the format one of two.
  local backend
  backend=$(dirname "$WRAPPY")/wrappy-backend
  run "$backend" unpack-image -- squashfs "$AI_FIX/aitool.AppImage" 0 relative/dest
  assert_eq 2 "$RC" "a relative DEST is a usage error"
  run "$backend" unpack-image -- tar "$AI_FIX/aitool.AppImage" 0 "$T_DIR/x"
  assert_eq 2 "$RC" "an unknown format is a usage error"
}

test_genuine_images_still_install_and_run() {
  ok wrappy install "$AI_FIX/aitool.AppImage"
  ok wrappy run org.example.AiTool
  assert_contains "$OUT" "payload data"
  ok wrappy install "$AI_FIX/isotool.AppImage"
  ok wrappy run org.example.IsoTool
  assert_contains "$OUT" "iso payload"
  start_snapstore
  ok wrappy install --from-snap hello-snap
  ok wrappy run io.snapcraft.hello-snap
  assert_contains "$OUT" "SNAP_NAME=hello-snap"
}

run_tests "$@"
