#!/bin/bash
# Issue 16: what an app's declared permissions could reach. The probe (the escape suite's
# tests/probe/wrappy-probe) runs as org.wrappy.ProbeHome (filesystems=home) and
# org.wrappy.ProbeUp (filesystems=~/..), both made with flatpak build-export by
# make-repo.sh, at every level where the grant applies; each test checks the probe's
# line and what is left on the host. wrappy's dirs are where a desktop has them, under
# the home (lib.sh's XDG_*_HOME).
. "$(dirname "$0")/lib.sh"

LEVELS="partial full paranoid"

# setup APP…: the probe apps installed from the loopback repo.
setup() {
  start_server
  add_remote test
  local a
  for a in "$@"; do install_app "$a" test; done
}

# probe APP LEVEL ATTACK…: the probe's output in OUT; wrappy must exit 0.
probe() {
  local app=$1 level=$2
  shift 2
  ok wrappy run --isolation="$level" "$app" -- "$@"
}

# line NAME: NAME's line of the last probe output.
line() {
  grep -m1 "^$1 " <<<"$OUT" || fail "the probe said nothing about $1: $OUT"
}

expect_line() {
  local l
  l=$(line "$1")
  [[ $l == "$1 $2"* ]] || fail "expected [$1 $2], got [$l]"
}

# Finding 1: with filesystems=home, wrappy's config (overrides/global sets a level for
# every app) stays out of reach, and the next run of another app is still isolated.
overrides_unwritable() {
  local level=$1 global=$XDG_CONFIG_HOME/wrappy/overrides/global
  setup org.wrappy.ProbeHome org.wrappy.Probe
  echo "home secret" >"$HOME/home-secret"
  probe org.wrappy.ProbeHome "$level" "write@overrides=$global" "list@config=$XDG_CONFIG_HOME/wrappy"
  expect_line write@overrides blocked
  expect_line list@config "allowed []"
  assert_no_file "$global"
  # The next run of another app, at the level the overrides (not the command line) give.
  ok wrappy run org.wrappy.Probe -- "read@home=$HOME/home-secret" status
  expect_line read@home blocked
}

# The store: an app's manifest can name a level too.
store_unwritable() {
  local level=$1 manifest=$XDG_DATA_HOME/wrappy/apps/org.wrappy.Probe.manifest before
  setup org.wrappy.ProbeHome org.wrappy.Probe
  assert_file "$manifest"
  before=$(cat "$manifest")
  probe org.wrappy.ProbeHome "$level" "write@store=$manifest" "read@store=$manifest"
  expect_line write@store blocked
  expect_line read@store blocked
  assert_eq "$before" "$(cat "$manifest")" "the manifest"
}

# Other apps' state (their private homes) is hidden.
other_state_hidden() {
  local level=$1 secret=$XDG_STATE_HOME/wrappy/org.wrappy.Probe/home/secret
  setup org.wrappy.ProbeHome org.wrappy.Probe
  probe org.wrappy.Probe full status
  echo "another app's secret" >"$secret"
  probe org.wrappy.ProbeHome "$level" "read@state=$secret" "write@state=$secret"
  expect_line read@state blocked
  expect_line write@state blocked
  assert_eq "another app's secret" "$(cat "$secret")" "the other app's file"
}

# Exported launchers run on the host when clicked: read-only.
launchers_read_only() {
  local level=$1 launcher=$XDG_DATA_HOME/applications/evil.desktop
  setup org.wrappy.ProbeHome
  probe org.wrappy.ProbeHome "$level" "write@launcher=$launcher"
  expect_line write@launcher blocked
  assert_no_file "$launcher"
}

# The grant itself still works on the rest of the home (read-only at paranoid), so the
# refusals above are the protection, not a missing grant.
home_grant_applied() {
  local level=$1 want=allowed
  [ "$level" = paranoid ] && want=blocked
  setup org.wrappy.ProbeHome
  echo "home secret" >"$HOME/home-secret"
  probe org.wrappy.ProbeHome "$level" "read@home=$HOME/home-secret" \
    "write@docs=$HOME/Documents/note"
  expect_line read@home allowed
  expect_line write@docs $want
  if [ $want = allowed ]; then assert_file "$HOME/Documents/note"; else assert_no_file "$HOME/Documents/note"; fi
}

# Finding 2: filesystems=~/.. is refused (it was bound read-write as the home's parent),
# also with --home=tmpfs chosen on the command line.
parent_of_home_refused() {
  local level=$1 up
  shift
  up=$(dirname "$HOME")
  setup org.wrappy.ProbeUp
  echo "home secret" >"$HOME/home-secret"
  echo "beside the home" >"$up/up-secret"
  ok wrappy --verbose run --isolation="$level" "$@" org.wrappy.ProbeUp -- \
    "read@up=$up/up-secret" "read@home=$HOME/home-secret" "write@up=$up/escaped"
  expect_line read@up blocked
  expect_line read@home blocked
  # The write lands in the sandbox's own tmpfs (the home's parent is under /tmp here),
  # never beside the home on the host.
  assert_no_file "$up/escaped"
  assert_contains "$ERR" "'~/..' refused" "wrappy --verbose"
}

# Item 3: at full and paranoid a home grant leaves read-only the files that make the host
# run code (at partial it does not: SPEC.md); `info` lists them; the user can grant one by
# name in an override or on the command line.
host_code_read_only() {
  local level=$1 want=blocked
  [ "$level" = partial ] && want=allowed
  setup org.wrappy.ProbeHome
  echo "# the user's own" >"$HOME/.bashrc"
  mkdir -p "$HOME/.ssh" "$HOME/.config/autostart"
  echo "ssh-ed25519 AAAA user@host" >"$HOME/.ssh/authorized_keys"
  probe org.wrappy.ProbeHome "$level" "write@bashrc=$HOME/.bashrc" \
    "write@ssh=$HOME/.ssh/authorized_keys" "write@autostart=$HOME/.config/autostart/x.desktop"
  expect_line write@bashrc $want
  expect_line write@ssh $want
  expect_line write@autostart $want
  if [ $want = blocked ]; then
    assert_eq "# the user's own" "$(cat "$HOME/.bashrc")" "~/.bashrc"
    assert_eq "ssh-ed25519 AAAA user@host" "$(cat "$HOME/.ssh/authorized_keys")" "authorized_keys"
    assert_no_file "$HOME/.config/autostart/x.desktop"
  fi
}

test_full_host_code_named_by_the_user_writable() {
  setup org.wrappy.ProbeHome
  echo "# the user's own" >"$HOME/.bashrc"
  echo "# profile" >"$HOME/.profile"
  ok wrappy info org.wrappy.ProbeHome
  assert_contains "$OUT" "read-only: $HOME/.bashrc" "info"
  assert_contains "$OUT" "read-only: $HOME/.ssh" "info"
  assert_contains "$OUT" "filesystem: home:rw" "info"
  mkdir -p "$XDG_CONFIG_HOME/wrappy/overrides"
  printf '[Context]\nfilesystems=~/.bashrc;\n' >"$XDG_CONFIG_HOME/wrappy/overrides/org.wrappy.ProbeHome"
  ok wrappy run --bind="$HOME/.profile" org.wrappy.ProbeHome -- "write@bashrc=$HOME/.bashrc" \
    "write@profile=$HOME/.profile"
  expect_line write@bashrc allowed
  expect_line write@profile allowed
  assert_contains "$(cat "$HOME/.bashrc")" "isolation=none" "~/.bashrc"
}

for _l in $LEVELS; do
  eval "test_${_l}_home_grant_host_code_files() { host_code_read_only $_l; }"
  eval "test_${_l}_home_grant_cannot_write_overrides() { overrides_unwritable $_l; }"
  eval "test_${_l}_home_grant_cannot_touch_the_store() { store_unwritable $_l; }"
  eval "test_${_l}_home_grant_cannot_see_other_apps_state() { other_state_hidden $_l; }"
  eval "test_${_l}_home_grant_cannot_write_launchers() { launchers_read_only $_l; }"
  eval "test_${_l}_home_grant_applied_elsewhere() { home_grant_applied $_l; }"
  eval "test_${_l}_parent_of_home_grant_refused() { parent_of_home_refused $_l; }"
done
test_full_parent_of_home_grant_refused_with_tmpfs_home() { parent_of_home_refused full --home=tmpfs; }

run_tests "$@"
