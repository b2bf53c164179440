#!/bin/bash
# snapshot / snapshots / rollback: a snapshot brings back the data it kept, survives
# clean, is never visible to the app, and a rollback killed at any point leaves the old
# or the new state (never a mix) once the next snapshot command has run.
. "$(dirname "$0")/lib.sh"

APP=org.wrappy.Hello

setup_app() {
  start_server
  cached_install app add_and_install "$APP"
  STATE=$XDG_STATE_HOME/wrappy/$APP
}

# write_state V: the app writes V into two files of its home (through the sandbox), and
# wrappy's own state dir gets a second top-level entry with V, so that a swap cut
# half-way would show as two different values.
write_state() {
  ok wrappy run --command=sh "$APP" -- -c "echo $1 >\"\$HOME/note.txt\"; mkdir -p \"\$HOME/sub\"; echo $1 >\"\$HOME/sub/deep.txt\""
  mkdir -p "$STATE/zz-extra"
  echo "$1" >"$STATE/zz-extra/v"
}

# state_is V: every copy of the value is V.
state_is() {
  ok wrappy run "$APP" -- --read note.txt
  assert_eq "$1" "$OUT" "note.txt"
  ok wrappy run "$APP" -- --read sub/deep.txt
  assert_eq "$1" "$OUT" "sub/deep.txt"
  assert_eq "$1" "$(cat "$STATE/zz-extra/v")" "zz-extra/v"
}

test_snapshot_rollback_restores_data() {
  setup_app
  write_state one
  ok wrappy snapshot "$APP" first
  assert_contains "$OUT" "first"
  case "$OUT" in *"(copy,"* | *"(reflink,"*) ;; *) fail "no method in [$OUT]" ;; esac
  write_state two
  ok wrappy rollback --yes "$APP" first
  state_is one
  # The state it replaced was kept as an automatic snapshot: the rollback can be undone.
  ok wrappy --json snapshots "$APP"
  local auto
  auto=$(json "[s['name'] for s in j if s['automatic']][0]")
  assert_contains "$(json "[s['reason'] for s in j if s['automatic']][0]")" "before rollback to first"
  ok wrappy rollback --yes "$APP" "$auto"
  state_is two
  ok wrappy list
  assert_contains "$OUT" "$APP"
}

test_snapshots_listing_and_json() {
  setup_app
  write_state one
  ok wrappy snapshot "$APP" alpha
  ok wrappy snapshot "$APP"
  ok wrappy snapshots "$APP"
  assert_contains "$OUT" "Name"
  assert_contains "$OUT" "Reason"
  assert_contains "$OUT" "alpha"
  assert_contains "$OUT" "(automatic)"
  ok wrappy --json snapshots "$APP"
  assert_eq 2 "$(json 'len(j)')"
  assert_eq alpha "$(json "j[0]['name']")"
  assert_eq False "$(json "j[0]['automatic']")"
  assert_eq True "$(json "j[1]['automatic']")"
  assert_eq True "$(json "j[1]['name'].startswith('auto-')")"
  assert_eq True "$(json "all(s['method'] in ('copy', 'reflink') for s in j)")"
  assert_eq True "$(json "all('version' in s and s['created'] > 0 for s in j)")"
  # Two automatic ones in the same second get different names.
  ok wrappy snapshot "$APP"
  ok wrappy snapshot "$APP"
  ok wrappy --json snapshots "$APP"
  assert_eq 4 "$(json 'len(set(s["name"] for s in j))')"
}

test_snapshots_without_id_lists_every_app() {
  setup_app
  install_app org.wrappy.Other test
  ok wrappy snapshot "$APP" alpha
  ok wrappy snapshot org.wrappy.Other beta
  ok wrappy snapshots
  assert_contains "$OUT" "App"
  assert_contains "$OUT" "$APP"
  assert_contains "$OUT" "alpha"
  assert_contains "$OUT" "org.wrappy.Other"
  assert_contains "$OUT" "beta"
  ok wrappy --json snapshots
  assert_eq "[['$APP', 'alpha'], ['org.wrappy.Other', 'beta']]" "$(json "[[s['app'], s['name']] for s in j]" | tr '"' "'")"
  # An uninstalled app's snapshots stay with its data, and are listed.
  ok wrappy uninstall org.wrappy.Other
  ok wrappy snapshots
  assert_contains "$OUT" "beta"
}

test_rollback_of_an_uninstalled_app_installs_it_again() {
  setup_app
  write_state one
  ok wrappy snapshot "$APP" keep
  ok wrappy uninstall "$APP"
  assert_no_file "$XDG_DATA_HOME/wrappy/apps/$APP.manifest"
  # gc keeps what the snapshot names while the snapshot is kept.
  ok wrappy gc
  assert_not_contains "$OUT" "app/$APP/"
  assert_fails_with 1 "not rolling back without confirmation" wrappy rollback "$APP" keep
  assert_fails_with 1 "no snapshot named nope" wrappy rollback --yes "$APP" nope
  ok wrappy rollback --yes "$APP" keep
  assert_contains "$OUT" "Installed $APP again from the snapshot keep"
  ok wrappy list
  assert_contains "$OUT" "$APP"
  state_is one
  # Without its layers (the data deleted, then gc), nothing to come back to.
  ok wrappy snapshot "$APP" again
  ok wrappy uninstall "$APP"
  rm -rf "$XDG_DATA_HOME/wrappy/layers"
  assert_fails_with 1 "layers of its snapshot again are gone" wrappy rollback --yes "$APP" again
  assert_no_file "$XDG_DATA_HOME/wrappy/apps/$APP.manifest"
}

test_rollback_of_an_uninstalled_app_brings_its_launchers() {
  start_server
  add_remote test
  install_app org.wrappy.Gui test
  ok wrappy snapshot org.wrappy.Gui keep
  ok wrappy uninstall org.wrappy.Gui
  assert_no_file "$XDG_DATA_HOME/applications/org.wrappy.Gui.desktop"
  ok wrappy rollback --yes org.wrappy.Gui keep
  assert_file "$XDG_DATA_HOME/applications/org.wrappy.Gui.desktop"
  ok wrappy info org.wrappy.Gui
}

test_snapshot_errors() {
  setup_app
  assert_fails_with 1 "not installed" wrappy snapshot org.wrappy.Never
  assert_fails_with 1 "no snapshot named nope" wrappy rollback --yes "$APP" nope
  assert_fails_with 1 "not a valid snapshot name" wrappy snapshot "$APP" ../evil
  assert_fails_with 1 "not a valid snapshot name" wrappy rollback --yes "$APP" .tmp-old
  assert_fails_with 1 "auto-" wrappy snapshot "$APP" auto-mine
  ok wrappy snapshot "$APP" dup
  assert_fails_with 1 "already has a snapshot named dup" wrappy snapshot "$APP" dup
  assert_fails_with 2 "" wrappy snapshot
  assert_fails_with 2 "usage: wrappy snapshots \[ID\]" wrappy snapshots a b
  assert_fails_with 2 "" wrappy rollback "$APP"
  # Off a terminal, no rollback without --yes.
  assert_fails_with 1 "--yes" wrappy rollback "$APP" dup
}

test_rollback_asks_on_a_terminal() {
  command -v script >/dev/null || skip "no script(1) to give wrappy a terminal"
  setup_app
  write_state one
  ok wrappy snapshot "$APP" s1
  write_state two
  printf 'n\n' | script -qec "$WRAPPY rollback $APP s1" /dev/null >/dev/null 2>&1 || true
  state_is two
  printf 'y\n' | script -qec "$WRAPPY rollback $APP s1" /dev/null >/dev/null 2>&1 || true
  state_is one
}

test_snapshot_delete() {
  setup_app
  write_state one
  ok wrappy snapshot "$APP" gone
  [ -d "$STATE/snapshots/gone" ] || fail "no snapshot dir"
  ok wrappy snapshot --delete "$APP" gone
  assert_no_file "$STATE/snapshots/gone"
  assert_fails_with 1 "no snapshot named gone" wrappy snapshot --delete "$APP" gone
  state_is one
}

test_rollback_refused_while_running() {
  setup_app
  write_state one
  ok wrappy snapshot "$APP" s1
  "$WRAPPY" run --command=sh "$APP" -- -c 'touch "$HOME/started"; sleep 60' >/dev/null 2>&1 &
  local pid=$! i
  echo "$pid" >>"$T_DIR/.pids"
  for i in $(seq 200); do
    [ -e "$STATE/home/started" ] && break
    sleep 0.05
  done
  [ -e "$STATE/home/started" ] || fail "the app did not start"
  # A running sandbox holds a shared flock on its app layer (wrappy-layer-lock.h).
  local layer
  layer=$(find "$XDG_DATA_HOME/wrappy/layers/app/$APP" -mindepth 3 -maxdepth 3 -type d | head -n 1)
  if flock -xn "$layer" true; then
    # This build's run takes no layer locks yet: hold the lock a sandbox holds.
    note "wrappy run holds no layer lock here; a flock -s stands in for the sandbox"
    flock -s "$layer" sleep 60 &
    echo $! >>"$T_DIR/.pids"
    for i in $(seq 200); do
      flock -xn "$layer" true || break
      sleep 0.05
    done
  fi
  assert_fails_with 1 "running; stop it first" wrappy rollback --yes "$APP" s1
  # A snapshot of a running app is taken, with a warning.
  ok wrappy snapshot "$APP" live
  assert_contains "$ERR" "running"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  state_is one
}

# kill -9 at each risky point of a rollback: the next snapshot command finishes or undoes it.
test_kill_9_mid_rollback() {
  setup_app
  local point want
  for point in rollback-before-swap rollback-mid-swap rollback-mid-restore rollback-before-manifest; do
    write_state old
    run wrappy snapshot --delete "$APP" s1
    ok wrappy snapshot "$APP" s1
    write_state new
    WRAPPY_FAULT=$point run wrappy rollback --yes "$APP" s1
    [ "$RC" = 137 ] || { _show_last "rollback at $point"; fail "not killed at $point"; }
    ok wrappy list
    assert_contains "$OUT" "$APP"
    ok wrappy snapshots "$APP"
    # Before the commit point the live state stays; after it the rollback completes.
    want=old
    [ "$point" = rollback-before-swap ] && want=new
    state_is "$want"
    ls -a "$STATE/snapshots" | grep -q '^\.tmp-' && fail "leftovers after $point: $(ls -a "$STATE/snapshots")"
    # Each run left an automatic snapshot; prune them as update does.
    ok wrappy --json snapshots "$APP"
    local a
    for a in $(json "' '.join(s['name'] for s in j if s['automatic'])"); do
      ok wrappy snapshot --delete "$APP" "$a"
    done
  done
}

test_kill_9_mid_snapshot() {
  setup_app
  write_state one
  WRAPPY_FAULT=snapshot-mid-copy run wrappy snapshot "$APP" half
  [ "$RC" = 137 ] || fail "not killed"
  ok wrappy --json snapshots "$APP"
  assert_eq 0 "$(json 'len(j)')"
  ls -a "$STATE/snapshots" | grep -q '^\.tmp-' && fail "leftovers: $(ls -a "$STATE/snapshots")"
  ok wrappy snapshot "$APP" half
}

test_snapshot_keeps_symlinks_unfollowed() {
  setup_app
  write_state one
  local outside=$T_DIR/outside
  mkdir -p "$outside" && echo secret >"$outside/file"
  ln -s "$outside/file" "$STATE/home/out-link"
  ln -s "$outside" "$STATE/home/out-dir"
  chmod 0640 "$STATE/home/note.txt"
  ok wrappy snapshot "$APP" links
  local d=$STATE/snapshots/links/data/home
  [ -L "$d/out-link" ] || fail "out-link is not a symlink in the snapshot"
  assert_eq "$outside/file" "$(readlink "$d/out-link")"
  [ -L "$d/out-dir" ] || fail "out-dir is not a symlink in the snapshot"
  assert_eq 640 "$(stat -c %a "$d/note.txt")"
  assert_eq "$(stat -c %Y "$STATE/home/note.txt")" "$(stat -c %Y "$d/note.txt")" "mtime"
  # A rollback writes the link back, and the file it points to is untouched.
  echo changed >"$STATE/home/note.txt"
  ok wrappy rollback --yes "$APP" links
  [ -L "$STATE/home/out-link" ] || fail "out-link not restored as a link"
  assert_eq secret "$(cat "$outside/file")"
  assert_eq 640 "$(stat -c %a "$STATE/home/note.txt")"
}

# The writable layer comes back too: a file written to /usr, a file deleted from the base
# (an overlayfs whiteout) and a directory replaced (opaque, marked by an xattr).
test_rollback_restores_writable_layer() {
  setup_app
  ok wrappy run --command=sh "$APP" -- -c '
    echo L1 >/usr/zz-layer && rm /usr/bin/basename && rm -r /usr/sbin && mkdir /usr/sbin &&
    echo n >/usr/sbin/new'
  [ -d "$STATE/upper/usr" ] || fail "no writable layer in $STATE/upper"
  ok wrappy snapshot "$APP" layer
  ok wrappy clean --yes "$APP"
  ok wrappy run --command=sh "$APP" -- -c 'ls /usr/bin/basename /usr/sbin; cat /usr/zz-layer 2>&1; true'
  assert_contains "$OUT" "/usr/bin/basename"
  ok wrappy rollback --yes "$APP" layer
  ok wrappy run --command=sh "$APP" -- -c 'cat /usr/zz-layer; ls -a /usr/sbin | tr "\n" " "; ls /usr/bin/basename 2>&1 || true'
  assert_contains "$OUT" "L1"
  assert_contains "$OUT" ". .. new "
  assert_contains "$OUT" "No such file"
}

test_clean_keeps_snapshots() {
  setup_app
  write_state one
  ok wrappy snapshot "$APP" before-clean
  ok wrappy clean --yes "$APP"
  [ -d "$STATE/snapshots/before-clean" ] || fail "clean removed the snapshots"
  assert_no_file "$STATE/home"
  run wrappy run "$APP" -- --read note.txt
  [ "$RC" != 0 ] || fail "note.txt survived clean"
  ok wrappy rollback --yes "$APP" before-clean
  state_is one
  # uninstall --delete-data takes them with it.
  ok wrappy uninstall --delete-data "$APP"
  assert_no_file "$STATE"
}

test_sandbox_cannot_see_snapshots() {
  setup_app
  write_state one
  ok wrappy snapshot "$APP" zzsecretsnap
  # Proof that the scan below sees the files it can: the app's own home is listed.
  touch "$STATE/home/zzvisiblemarker"
  ok wrappy run --isolation=full --command=sh "$APP" -- -c "
    ls '$STATE/snapshots' 2>&1; cat '$STATE/snapshots/zzsecretsnap/info' 2>&1
    ls \"\$HOME/../snapshots\" 2>&1
    for d in /* /.[!.]*; do
      case \$d in /proc | /sys | /dev) ;; *) ls -Ra \"\$d\" 2>/dev/null ;; esac
    done | grep -e zzsecretsnap -e zzvisiblemarker | while read -r l; do echo \"found: \$l\"; done
    echo done"
  assert_contains "$OUT" "done"
  assert_not_contains "$OUT" "automatic="
  assert_contains "$OUT" "found: zzvisiblemarker"
  assert_not_contains "$OUT" "found: zzsecretsnap" "what the sandbox can list"
}

# On a filesystem that clones (XFS with reflink=1, btrfs) a snapshot shares its data.
test_snapshot_reflink_on_xfs_or_btrfs() {
  [ "$(id -u)" = 0 ] || skip "loop-mounting a filesystem needs root"
  local img=$T_DIR/fs.img
  MNT=$T_DIR/mnt
  truncate -s 512M "$img"
  if command -v mkfs.xfs >/dev/null; then
    mkfs.xfs -q -m reflink=1 "$img" >/dev/null 2>&1 || skip "mkfs.xfs -m reflink=1 failed"
  elif command -v mkfs.btrfs >/dev/null; then
    mkfs.btrfs -q "$img" >/dev/null 2>&1 || skip "mkfs.btrfs failed"
  else
    skip "neither mkfs.xfs nor mkfs.btrfs is installed (xfsprogs, btrfs-progs)"
  fi
  mkdir -p "$MNT"
  mount -o loop "$img" "$MNT" 2>/dev/null || skip "cannot loop-mount an image here (no loop devices)"
  trap 'umount "$MNT" 2>/dev/null || umount -l "$MNT"; _cleanup_test' EXIT
  export XDG_STATE_HOME=$MNT/state
  mkdir -p "$XDG_STATE_HOME"
  setup_app
  write_state one
  head -c 1048576 /dev/urandom >"$STATE/home/big"
  ok wrappy --json snapshot "$APP" cloned
  assert_eq reflink "$(json "j['method']")"
  assert_eq 0 "$(json "j['size']")"
  WRAPPY_SNAPSHOT_NO_REFLINK=1 ok wrappy --json snapshot "$APP" copied
  assert_eq copy "$(json "j['method']")"
  write_state two
  ok wrappy rollback --yes "$APP" cloned
  state_is one
  cmp "$STATE/home/big" "$STATE/snapshots/copied/data/home/big" || fail "big differs"
}

test_snapshot_method_on_this_fs() {
  setup_app
  write_state one
  ok wrappy --json snapshot "$APP" here
  local m
  m=$(json "j['method']")
  note "method on $(stat -f -c %T "$XDG_STATE_HOME"): $m"
  case "$m" in copy | reflink) ;; *) fail "method $m" ;; esac
}

run_tests "$@"
