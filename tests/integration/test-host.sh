#!/bin/bash
# run --host PROGRAM: a host program in the sandbox, on the host's /usr and /etc, with
# its own state under $XDG_STATE_HOME/wrappy/host/NAME. Needs no fixture app.
. "$(dirname "$0")/lib.sh"

LEVELS="none partial full paranoid"

is_root() { [ "$(id -u)" = 0 ]; }

# A file name in /usr/bin no other run of this test uses.
usr_file() { echo "/usr/bin/wrappy-host-test-$(basename "$T_ROOT")"; }

test_host_runs_at_each_level() {
  local l
  for l in $LEVELS; do
    ok wrappy run --isolation="$l" --host sh -c 'echo hi'
    assert_eq hi "$OUT" "output at $l"
  done
}

test_host_etc_is_the_hosts() {
  local l
  for l in $LEVELS; do
    ok wrappy run --isolation="$l" --host cat /etc/os-release
    assert_eq "$(cat /etc/os-release)" "$OUT" "/etc/os-release at $l"
    ok wrappy run --isolation="$l" --host id -un
    assert_eq "$(id -un)" "$OUT" "user name at $l"
  done
}

# Debian's alternatives: /usr/bin/NAME -> /etc/alternatives/NAME -> /usr/….
test_host_alternatives_resolve() {
  local a name=""
  for a in /etc/alternatives/*; do
    case $(readlink -f "$a") in /usr/*) name=${a##*/}; break ;; esac
  done
  [ -n "$name" ] || skip "no /etc/alternatives entry into /usr on this host"
  ok wrappy run --host readlink -f "/etc/alternatives/$name"
  assert_eq "$(readlink -f "/etc/alternatives/$name")" "$OUT"
}

test_host_usr_writes_stay_in_state() {
  local f
  f=$(usr_file)
  if ! is_root; then
    # The host's /usr belongs to root, unmapped in the user's namespace: as unwritable
    # as on the host, and nothing reaches it.
    run wrappy run --host --name w1 sh -c "echo x >$f"
    [ "$RC" != 0 ] || fail "an unprivileged user wrote $f"
    assert_contains "$ERR" "Permission denied"
    assert_no_file "$f"
    return 0
  fi
  ok wrappy run --host --name w1 sh -c "echo x >$f && cat $f"
  assert_eq x "$OUT"
  assert_no_file "$f"
  assert_file "$XDG_STATE_HOME/wrappy/host/w1/upper/usr/bin/${f##*/}"
  ok wrappy run --host --name w1 cat "$f"
  assert_eq x "$OUT" "the write in the next run of the same name"
  run wrappy run --host --name w2 cat "$f"
  [ "$RC" != 0 ] || fail "another name sees the write: $OUT"
}

test_host_tmp_root() {
  local f
  f=$(usr_file)
  if is_root; then
    ok wrappy run --host --tmp-root sh -c "echo x >$f && cat $f"
    assert_eq x "$OUT"
    run wrappy run --host cat "$f"
    [ "$RC" != 0 ] || fail "a --tmp-root write outlived its run: $OUT"
  else
    ok wrappy run --host --tmp-root sh -c 'echo hi'
    assert_eq hi "$OUT"
  fi
  assert_no_file "$f"
  assert_no_file "$XDG_STATE_HOME/wrappy/host/sh/upper/usr/bin/${f##*/}"
}

test_host_home_private_by_default() {
  echo secret >"$HOME/host-file"
  run wrappy run --host cat "$HOME/host-file"
  [ "$RC" != 0 ] || fail "the host home is visible at full: $OUT"
  ok wrappy run --host sh -c 'echo mine >"$HOME/note" && cat "$HOME/note"'
  assert_eq mine "$OUT"
  assert_no_file "$HOME/note"
  assert_file "$XDG_STATE_HOME/wrappy/host/sh/home/note"
  ok wrappy run --isolation=none --host cat "$HOME/host-file"
  assert_eq secret "$OUT" "the host home at none"
  ok wrappy run --home=host --host cat "$HOME/host-file"
  assert_eq secret "$OUT" "--home=host"
}

test_host_environment() {
  ok wrappy run --env=WRAPPY_T=1 --host sh -c \
    'echo "${FLATPAK_ID-unset} $XDG_CONFIG_HOME $WRAPPY_T"; case $PATH in */app/*) echo app;; esac'
  assert_eq "unset $HOME/.config 1" "$OUT"
}

test_host_args_go_to_program() {
  ok wrappy run --host sh -c 'for a; do echo "[$a]"; done' sh --isolation=none -- 'b c'
  assert_eq "$(printf '[--isolation=none]\n[--]\n[b c]')" "$OUT"
  # --isolation=none went to the program: the home is still private.
  echo secret >"$HOME/host-file"
  run wrappy run --host cat "$HOME/host-file" --isolation=none
  [ "$RC" != 0 ] || fail "an option after PROGRAM was taken by wrappy: $OUT"
}

test_host_network_by_level_defaults() {
  ok wrappy run --host cat /proc/net/dev
  assert_eq "lo:" "$(printf '%s\n' "$OUT" | sed -n 's/^ *\([^ :|]*:\).*/\1/p' | tr -d '\n')" \
    "interfaces at full without --share=network"
}

test_host_binds() {
  mkdir -p "$T_DIR/d" && echo bound >"$T_DIR/d/f"
  ok wrappy run --ro-bind="$T_DIR/d:/mnt/d" --host cat /mnt/d/f
  assert_eq bound "$OUT"
}

test_host_bad_names_refused() {
  assert_fails_with 1 "not a valid name" wrappy run --host --name ../x sh -c true
  assert_fails_with 1 "not a valid name" wrappy run --host --name a/b sh -c true
  assert_fails_with 1 "not a valid name" wrappy run --host --name .x sh -c true
  assert_fails_with 2 "--host" wrappy run --name x sh
  assert_fails_with 2 "" wrappy run --host
  assert_no_file "$XDG_STATE_HOME/x"
  assert_no_file "$XDG_STATE_HOME/wrappy/a"
}

test_host_program_outside_usr_refused() {
  printf '#!/bin/sh\necho ran\n' >"$T_DIR/outside.sh"
  chmod +x "$T_DIR/outside.sh"
  assert_fails_with 1 "not under /usr" wrappy run --host "$T_DIR/outside.sh"
  PATH=$T_DIR:$PATH assert_fails_with 1 "not under /usr" wrappy run --host outside.sh
  assert_fails_with 1 "no such program" wrappy run --host wrappy-no-such-program
}

test_host_clean() {
  ok wrappy run --host --name c1 sh -c 'echo a >"$HOME/f"'
  ok wrappy run --host --name c2 sh -c 'echo b >"$HOME/f"'
  ok wrappy run --host --name c3 true
  ok wrappy clean --yes --host c1
  assert_contains "$ERR" "host/c1"
  assert_no_file "$XDG_STATE_HOME/wrappy/host/c1"
  ok wrappy clean --yes host/c2
  assert_no_file "$XDG_STATE_HOME/wrappy/host/c2"
  ok wrappy --json clean --all --yes
  assert_contains "$OUT" '"host/c3"'
  assert_no_file "$XDG_STATE_HOME/wrappy/host/c3"
  assert_fails_with 1 "not a valid name" wrappy clean --yes --host ../x
  assert_fails_with 2 "" wrappy clean --yes --host --all
}

run_tests "$@"
