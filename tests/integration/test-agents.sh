#!/bin/bash
# Issue 17, item 5: the sockets, devices and persistent dirs real apps declare (Firefox:
# pcsc, cups, device=all, persist=.mozilla; VS Code: ssh-auth, device=all; Steam:
# device=all, persist=.). The probe runs as org.wrappy.ProbeAgents (filesystems=home,
# sockets=ssh-auth;gpg-agent;cups;pcsc, devices=all, persistent=.probe-kept; made with
# flatpak build-export by make-repo.sh) against a real ssh-agent and gpg-agent and
# stand-in CUPS and pcscd sockets, and tries what an app would do with each grant where
# the level must refuse it. docs/permissions.md has the table.
. "$(dirname "$0")/lib.sh"

APP=org.wrappy.ProbeAgents

setup() {
  start_server
  add_remote test
  install_app $APP test
}

probe() {
  local level=$1
  shift
  ok wrappy run --isolation="$level" "$@"
}

line() {
  grep -m1 "^$1 " <<<"$OUT" || fail "the probe said nothing about $1: $OUT"
}

expect_line() {
  local l
  l=$(line "$1")
  [[ $l == "$1 $2"* ]] || fail "expected [$1 $2], got [$l]"
}

# A real ssh-agent, its socket in the home (where a home grant shows it), as some
# setups have it (~/.ssh/agent.sock, keychain).
start_ssh_agent() {
  command -v ssh-agent >/dev/null || skip "ssh-agent is not installed (package openssh-client)"
  export SSH_AUTH_SOCK=$HOME/.agent/ssh.sock
  mkdir -p "$HOME/.agent"
  ssh-agent -a "$SSH_AUTH_SOCK" >"$T_DIR/ssh-agent.env" || fail "ssh-agent did not start"
  sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' "$T_DIR/ssh-agent.env" >>"$T_DIR/.pids"
  [ -S "$SSH_AUTH_SOCK" ] || fail "no ssh-agent socket"
}

# A real gpg-agent for this home. With no /run/user/UID its socket is in ~/.gnupg, under
# a home grant: read-only there (SPEC.md), which does not stop connect().
start_gpg_agent() {
  command -v gpg-agent >/dev/null || skip "gpg-agent is not installed (package gpg-agent)"
  mkdir -m 0700 -p "$HOME/.gnupg"
  gpgconf --launch gpg-agent || fail "gpg-agent did not start"
  GPG_SOCK=$(gpgconf --list-dir agent-socket)
  [ -S "$GPG_SOCK" ] || fail "no gpg-agent socket at $GPG_SOCK"
}

stop_gpg_agent() { gpgconf --kill gpg-agent 2>/dev/null || true; }

# listen PATH: a unix socket server that accepts and closes (a stand-in for cupsd, pcscd).
listen() {
  "$PYTHON" -c '
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
s.settimeout(120)
try:
    while True: s.accept()[0].close()
except Exception: pass' "$1" &
  echo $! >>"$T_DIR/.pids"
  for _ in $(seq 100); do [ -S "$1" ] && return 0; sleep 0.05; done
  fail "no socket at $1"
}

# ssh-auth: the app's declaration counts at partial; at full and paranoid only the user
# gives it (--socket or an override). Where it is not given, neither the variable nor
# the socket through the home grant reaches the agent.
ssh_agent_refused() {
  local level=$1
  setup
  start_ssh_agent
  probe "$level" $APP -- "unix@home=$SSH_AUTH_SOCK" "unix@sandbox=/run/flatpak/ssh-auth" \
    env=SSH_AUTH_SOCK
  expect_line unix@home blocked
  expect_line unix@sandbox blocked
  expect_line env "blocked unset"
}

test_ssh_auth_declared_refused_at_full() { ssh_agent_refused full; }
test_ssh_auth_declared_refused_at_paranoid() { ssh_agent_refused paranoid; }

test_ssh_auth_declared_given_at_partial() {
  setup
  start_ssh_agent
  probe partial $APP -- "unix@sandbox=/run/flatpak/ssh-auth" env=SSH_AUTH_SOCK
  expect_line unix@sandbox allowed
  expect_line env allowed
}

test_ssh_auth_granted_by_user_at_full_and_paranoid() {
  setup
  start_ssh_agent
  local level
  for level in full paranoid; do
    probe "$level" --socket=ssh-auth $APP -- "unix@sandbox=/run/flatpak/ssh-auth"
    expect_line unix@sandbox allowed
  done
}

test_ssh_auth_granted_by_override_at_full() {
  setup
  start_ssh_agent
  mkdir -p "$XDG_CONFIG_HOME/wrappy/overrides"
  printf '[Context]\nsockets=ssh-auth;\n' >"$XDG_CONFIG_HOME/wrappy/overrides/$APP"
  probe full $APP -- "unix@sandbox=/run/flatpak/ssh-auth"
  expect_line unix@sandbox allowed
}

# gpg-agent: the same rule; the attack is the agent's socket in ~/.gnupg through the
# app's home grant.
test_gpg_agent_declared_refused_at_full() {
  setup
  start_gpg_agent
  probe full $APP -- "unix@home=$GPG_SOCK" "unix@sandbox=/run/user/$(id -u)/gnupg/S.gpg-agent"
  stop_gpg_agent
  expect_line unix@home blocked
  expect_line unix@sandbox blocked
}

test_gpg_agent_granted_by_user_at_full() {
  setup
  start_gpg_agent
  probe full --socket=gpg-agent $APP -- "unix@sandbox=/run/user/$(id -u)/gnupg/S.gpg-agent"
  stop_gpg_agent
  expect_line unix@sandbox allowed
}

# cups and pcsc: declared counts at partial and full; at paranoid only --socket.
test_cups_and_pcsc_per_level() {
  setup
  export CUPS_SERVER=$T_DIR/cups.sock PCSCLITE_CSOCK_NAME=$T_DIR/pcscd.comm
  listen "$CUPS_SERVER"
  listen "$PCSCLITE_CSOCK_NAME"
  local level
  for level in partial full; do
    probe "$level" $APP -- unix@cups=/run/cups/cups.sock unix@pcsc=/run/pcscd/pcscd.comm
    expect_line unix@cups allowed
    expect_line unix@pcsc allowed
  done
  probe paranoid $APP -- unix@cups=/run/cups/cups.sock unix@pcsc=/run/pcscd/pcscd.comm \
    "unix@host=$CUPS_SERVER"
  expect_line unix@cups blocked
  expect_line unix@pcsc blocked
  expect_line unix@host blocked
  probe paranoid --socket=cups $APP -- unix@cups=/run/cups/cups.sock unix@pcsc=/run/pcscd/pcscd.comm
  expect_line unix@cups allowed
  expect_line unix@pcsc blocked
}

# device=all (Firefox, VS Code, Steam, Telegram, VLC, GIMP): /dev/dri and nothing else of
# the host's /dev, which would give disks, input devices (keyloggers), kvm and raw USB.
test_device_all_gives_only_dri() {
  setup
  local level dev attacks=()
  for dev in /dev/sda /dev/nvme0n1 /dev/mem /dev/kmsg /dev/kvm /dev/input/event0 /dev/uinput \
    /dev/bus/usb /dev/hidraw0 /dev/vda /dev/loop0; do
    attacks+=("dev@$dev=$dev")
  done
  for level in partial full paranoid; do
    probe "$level" $APP -- "${attacks[@]}" list@dev=/dev
    for dev in "${attacks[@]}"; do expect_line "${dev%%=*}" blocked; done
    assert_not_contains "$(line list@dev)" "input" "/dev at $level"
    assert_not_contains "$(line list@dev)" "kvm" "/dev at $level"
  done
  run wrappy info $APP
  assert_contains "$OUT" "only /dev/dri is given" "wrappy info says what device=all gives"
}

# persist=DIR: kept in the app's private home from one run to the next, never on the
# host's (the user takes the home grant away with an override, as with flatpak override
# --nofilesystem=home); with the home grant, the host's home is there already.
test_persist_kept_in_private_home() {
  setup
  run wrappy info $APP
  assert_contains "$OUT" "persistent '.probe-kept': the host's home is there already" "info"
  mkdir -p "$XDG_CONFIG_HOME/wrappy/overrides"
  printf '[Context]\nfilesystems=!home;\n' >"$XDG_CONFIG_HOME/wrappy/overrides/$APP"
  probe full $APP -- "write@kept=$HOME/.probe-kept/data"
  expect_line write@kept allowed
  assert_no_file "$HOME/.probe-kept/data"
  probe full $APP -- "read@kept=$HOME/.probe-kept/data"
  expect_line read@kept allowed
  run wrappy info $APP
  assert_contains "$OUT" "persistent '.probe-kept': kept in the app's private home" "info"
}

run_tests "$@"
