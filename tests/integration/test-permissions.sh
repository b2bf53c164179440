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
  mkdir -p "$HOME/Documents"
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

# A protected path's parent moved away so that the path can be made anew (issue 16: a
# rename of ~/.config, then a new ~/.config/wrappy/overrides/global, turned the sandbox
# off for every app): each parent is a mount point inside, which the kernel does not move.
parent_cannot_move() {
  local level=$1 global=$XDG_CONFIG_HOME/wrappy/overrides/global
  setup org.wrappy.ProbeHome org.wrappy.Probe
  mkdir -p "$HOME/.config/autostart"
  echo "home secret" >"$HOME/home-secret"
  probe org.wrappy.ProbeHome "$level" "rename@config=$HOME/.config>$HOME/moved-config" \
    "rename@local=$HOME/.local>$HOME/moved-local" "rename@share=$XDG_DATA_HOME>$HOME/moved-share" \
    "write@overrides=$global" "write@launcher=$XDG_DATA_HOME/applications/evil.desktop" \
    "write@autostart=$HOME/.config/autostart/evil.desktop"
  expect_line rename@config blocked
  expect_line rename@local blocked
  expect_line rename@share blocked
  expect_line write@overrides blocked
  expect_line write@launcher blocked
  assert_no_file "$global"
  assert_no_file "$HOME/moved-config"
  assert_no_file "$HOME/moved-local"
  assert_no_file "$XDG_DATA_HOME/applications/evil.desktop"
  [ "$level" = partial ] || assert_no_file "$HOME/.config/autostart/evil.desktop"
  ok wrappy run org.wrappy.Probe -- "read@home=$HOME/home-secret"
  expect_line read@home blocked
}

# Item 3 for the files that do not exist yet: no mount keeps an app from making
# ~/.bash_profile, so at full and paranoid the dirs that hold these files are split (the
# app's own home there, each existing entry bound on top): what the app makes there lands
# in its own home, never where the host reads it; what exists is the host's.
missing_host_code_stays_in_app_home() {
  local level=$1 own=$XDG_STATE_HOME/wrappy/org.wrappy.ProbeHome/home f
  local made=".bash_profile .xprofile .config/autostart/evil.desktop .config/systemd/user/evil.service .local/bin/ls"
  setup org.wrappy.ProbeHome
  echo "# profile" >"$HOME/.profile"
  mkdir -p "$HOME/.config" "$HOME/Documents"
  if [ "$level" = paranoid ]; then
    mkdir -p "$XDG_CONFIG_HOME/wrappy/overrides"
    printf '[Context]\nfilesystems=home:rw;\n' >"$XDG_CONFIG_HOME/wrappy/overrides/org.wrappy.ProbeHome"
  fi
  local attacks=()
  for f in $made; do attacks+=("write@$f=$HOME/$f"); done
  probe org.wrappy.ProbeHome "$level" "${attacks[@]}" "write@new=$HOME/new-at-top" \
    "write@doc=$HOME/Documents/kept" "write@profile=$HOME/.profile"
  for f in $made; do
    expect_line "write@$f" allowed
    assert_no_file "$HOME/$f"
    assert_file "$own/$f"
  done
  expect_line write@profile blocked
  assert_eq "# profile" "$(cat "$HOME/.profile")" "~/.profile"
  assert_file "$HOME/Documents/kept"
  assert_no_file "$HOME/new-at-top"
  assert_file "$own/new-at-top"
  # The mount points made in the app's home are gone with the sandbox.
  assert_no_file "$own/Documents"
  assert_no_file "$own/.profile"
  # The app finds its own new file again.
  probe org.wrappy.ProbeHome "$level" "read@new=$HOME/new-at-top"
  expect_line read@new allowed
  ok wrappy info org.wrappy.ProbeHome
  [ "$level" = paranoid ] || assert_contains "$OUT" "stay in its own home" "info"
}

# At partial the files that make the host run code are not protected (SPEC.md): a new
# one lands on the host.
test_partial_missing_host_code_not_protected() {
  setup org.wrappy.ProbeHome
  probe org.wrappy.ProbeHome partial "write@bash_profile=$HOME/.bash_profile"
  expect_line write@bash_profile allowed
  assert_file "$HOME/.bash_profile"
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
  eval "test_${_l}_home_grant_cannot_move_a_protected_parent() { parent_cannot_move $_l; }"
done
test_full_missing_host_code_stays_in_app_home() { missing_host_code_stays_in_app_home full; }
test_paranoid_missing_host_code_stays_in_app_home() { missing_host_code_stays_in_app_home paranoid; }
test_full_parent_of_home_grant_refused_with_tmpfs_home() { parent_of_home_refused full --home=tmpfs; }

run_tests "$@"
