#!/bin/bash
# Crash safety (fault injection): wrappy killed at each named point of install,
# uninstall and gc (WRAPPY_FAULT, src/common/wrappy-fault.h), a full disk, and installs
# racing a gc. After each, `wrappy list` reads the store, what is listed runs, launchers
# exist exactly for installed apps once the next command has run, and that next command
# completes the work.
. "$(dirname "$0")/lib.sh"

LAUNCHER=applications/org.wrappy.Gui.desktop

# consistent ID: listed and runnable with its launcher, or absent everywhere.
consistent() {
  ok wrappy list --json
  if [ "$(json "any(a['id'] == '$1' for a in j)")" = True ]; then
    ok wrappy run "$1" -- check
    assert_contains "$OUT" "arg=[check]"
    [ "$1" != org.wrappy.Gui ] || assert_file "$XDG_DATA_HOME/$LAUNCHER"
  else
    assert_fails_with 1 "" wrappy run "$1"
    [ "$1" != org.wrappy.Gui ] || assert_no_file "$XDG_DATA_HOME/$LAUNCHER"
  fi
}

# killed_at POINT CMD…: runs CMD with the fault point armed; it must die by SIGKILL.
killed_at() {
  local point=$1
  shift
  run env WRAPPY_FAULT="$point" "$@"
  [ "$RC" = 137 ] || { _show_last "$*"; fail "WRAPPY_FAULT=$point: expected SIGKILL, got exit $RC"; }
}

test_install_killed_at_each_point() {
  start_server
  add_remote test
  local point
  for point in checkout-before-rename manifest-before-save manifest-after-save; do
    killed_at "$point" "$WRAPPY" install --from-flathub org.wrappy.Gui --remote test
    ok wrappy list
    # The next locked command repairs first (here a gc that changes nothing else).
    ok wrappy gc --dry-run
    consistent org.wrappy.Gui
    run wrappy install --from-flathub org.wrappy.Gui --remote test
    [ "$RC" = 0 ] || assert_contains "$ERR" "already installed"
    consistent org.wrappy.Gui
    ok wrappy list --json
    assert_eq True "$(json "any(a['id'] == 'org.wrappy.Gui' for a in j)")"
    ok wrappy uninstall --yes org.wrappy.Gui
    consistent org.wrappy.Gui
  done
}

test_uninstall_killed_after_manifest() {
  start_server
  add_remote test
  install_app org.wrappy.Gui test
  killed_at uninstall-after-manifest "$WRAPPY" uninstall org.wrappy.Gui
  ok wrappy list
  assert_not_contains "$OUT" "org.wrappy.Gui"
  # Its launcher outlived the kill; the next locked command removes it.
  ok wrappy gc
  consistent org.wrappy.Gui
  [ "$(find "$XDG_DATA_HOME/wrappy/layers" -mindepth 5 -maxdepth 5 -type d | wc -l)" = 0 ] ||
    fail "gc left layers of the half-uninstalled app"
  install_app org.wrappy.Gui test
  consistent org.wrappy.Gui
}

# on_small_disk SIZE SCRIPT: runs SCRIPT with $SMALL a fresh tmpfs of SIZE, in a private
# mount namespace; as a user, through a user namespace that maps back to the user's own
# uid, so wrappy runs unprivileged either way.
on_small_disk() {
  export SMALL=$T_ROOT/small
  mkdir -p "$SMALL"
  if [ "$(id -u)" = 0 ]; then
    run unshare -m sh -c 'mount -t tmpfs -o size="$1" tmpfs "$2" && exec bash "$3"' \
      sh "$1" "$SMALL" "$2"
  else
    unshare -Urm true 2>/dev/null || skip "no unprivileged user namespaces to mount a small tmpfs in"
    run unshare -Urm sh -c 'mount -t tmpfs -o size="$1" tmpfs "$2" &&
      exec unshare -U --map-user="$4" --map-group="$5" bash "$3"' \
      sh "$1" "$SMALL" "$2" "$(id -u)" "$(id -g)"
  fi
}

test_full_disk_loses_nothing() {
  start_server
  add_remote test
  export SERVER_URL T_DIR
  cat >"$T_DIR/full.sh" <<'SCRIPT'
set -u
export XDG_DATA_HOME=$SMALL/data
W=$WRAPPY
r() { "$W" "$@" >"$T_DIR/out" 2>"$T_DIR/err"; echo "$1 rc=$?"; }
r install --from-flathub org.wrappy.Hello --remote test
# Fill what is left, then try a second app.
dd if=/dev/zero of="$SMALL/filler" bs=64k >/dev/null 2>&1
r install --from-flathub org.wrappy.Other --remote test
cp "$T_DIR/err" "$T_DIR/install-full.err"
r list
cp "$T_DIR/out" "$T_DIR/list-full.out"
r run org.wrappy.Hello -- still-here
cp "$T_DIR/out" "$T_DIR/run-full.out"
r gc --dry-run
rm -f "$SMALL/filler"
r install --from-flathub org.wrappy.Other --remote test
r run org.wrappy.Other -- after
cp "$T_DIR/out" "$T_DIR/run-after.out"
SCRIPT
  on_small_disk 16m "$T_DIR/full.sh"
  [ "$RC" = 0 ] || { _show_last "small disk"; fail "the small-disk script failed"; }
  local want
  for want in "install rc=0" "install rc=1" "list rc=0" "run rc=0" "gc rc=0" "install rc=0" "run rc=0"; do
    assert_contains "$OUT" "$want"
  done
  # One clear line that says what happened.
  [ "$(grep -ci '^error' "$T_DIR/install-full.err")" = 1 ] || fail "$(cat "$T_DIR/install-full.err")"
  grep -qi "space" "$T_DIR/install-full.err" || fail "the error does not say the disk is full: $(cat "$T_DIR/install-full.err")"
  grep -q org.wrappy.Hello "$T_DIR/list-full.out" || fail "the installed app vanished"
  grep -q org.wrappy.Other "$T_DIR/list-full.out" && fail "a half-installed app is listed"
  grep -q "arg=\[still-here\]" "$T_DIR/run-full.out" || fail "the installed app stopped working"
  grep -q "arg=\[after\]" "$T_DIR/run-after.out" || fail "the install after freeing space failed"
}

test_two_installs_and_gc_concurrently() {
  start_server --delay 0.005
  add_remote test
  # Something for the gc to collect meanwhile: an uninstalled app's runtime is shared, so
  # leave an orphaned locale layer by installing and uninstalling Beta's branch.
  install_app org.wrappy.Net test
  ok wrappy uninstall org.wrappy.Net
  local a b c
  "$WRAPPY" install --from-flathub org.wrappy.Hello --remote test >"$T_DIR/a" 2>&1 &
  a=$!
  "$WRAPPY" gc >"$T_DIR/c" 2>&1 &
  c=$!
  "$WRAPPY" install --from-flathub org.wrappy.Other --remote test >"$T_DIR/b" 2>&1 &
  b=$!
  wait "$a" || fail "install Hello: $(cat "$T_DIR/a")"
  wait "$b" || fail "install Other: $(cat "$T_DIR/b")"
  wait "$c" || fail "gc: $(cat "$T_DIR/c")"
  consistent org.wrappy.Hello
  consistent org.wrappy.Other
  ok wrappy --json gc --dry-run
  assert_eq 0 "$(json "len(j['removed'])")"
  ok wrappy run org.wrappy.Other -- --probe
  assert_contains "$OUT" "locale=hello-locale"
}

run_tests "$@"
