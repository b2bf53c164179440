#!/bin/bash
# wrappy run: arguments, stdin/stdout/stderr, exit status, signals, layout, home, env.
. "$(dirname "$0")/lib.sh"

setup_hello() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
}

test_run_passes_arguments() {
  setup_hello
  ok wrappy run org.wrappy.Hello -- "a b" '' 'c"d' '$HOME' --not-an-option
  assert_contains "$OUT" "arg=[a b]"
  assert_contains "$OUT" "arg=[]"
  assert_contains "$OUT" 'arg=[c"d]'
  assert_contains "$OUT" 'arg=[$HOME]'
  assert_contains "$OUT" "arg=[--not-an-option]"
  assert_contains "$OUT" "FLATPAK_ID=org.wrappy.Hello"
}

test_run_exit_status() {
  setup_hello
  local s
  for s in 0 1 7 42 255; do
    run wrappy run org.wrappy.Hello -- --exit "$s"
    assert_eq "$s" "$RC" "exit status"
  done
}

test_run_stdin_stdout() {
  setup_hello
  local got
  got=$(printf 'line one\nline two\n' | wrappy run org.wrappy.Hello -- --cat) || fail "run --cat failed"
  assert_eq "$(printf 'line one\nline two')" "$got" "stdin echoed"
}

test_run_stderr_passes_through() {
  setup_hello
  run wrappy run org.wrappy.Hello -- --ls /nonexistent-wrappy
  [ "$RC" != 0 ] || fail "ls of a missing path succeeded"
  assert_contains "$ERR" "nonexistent-wrappy" "stderr"
}

test_run_layout_runtime_app_locale() {
  setup_hello
  ok wrappy run org.wrappy.Hello -- --probe
  assert_contains "$OUT" "app=org.wrappy.Hello"
  assert_contains "$OUT" "runtime=org.wrappy.Test.Platform 1"
  assert_contains "$OUT" "locale=hello-locale"
}

# Above none, writes to /usr and /app land in the app's upper layer (test-home.sh).
test_run_usr_and_app_read_only() {
  setup_hello
  run wrappy run --isolation=none org.wrappy.Hello -- --touch /app/written
  [ "$RC" != 0 ] || fail "/app is writable"
  run wrappy run --isolation=none org.wrappy.Hello -- --touch /usr/written
  [ "$RC" != 0 ] || fail "/usr is writable"
}

test_run_private_home_persists() {
  setup_hello
  ok wrappy run org.wrappy.Hello -- --write note.txt kept
  ok wrappy run org.wrappy.Hello -- --read note.txt
  assert_eq kept "$OUT"
  assert_no_file "$HOME/note.txt"
  [ -n "$(find "$XDG_STATE_HOME/wrappy/org.wrappy.Hello" -name note.txt 2>/dev/null)" ] ||
    fail "note.txt is not under \$XDG_STATE_HOME/wrappy/org.wrappy.Hello"
}

test_run_home_tmpfs_vanishes() {
  setup_hello
  ok wrappy run --home=tmpfs org.wrappy.Hello -- --write gone.txt x
  run wrappy run --home=tmpfs org.wrappy.Hello -- --read gone.txt
  [ "$RC" != 0 ] || fail "tmpfs home kept a file"
  [ -z "$(find "$HOME" -name gone.txt)" ] || fail "tmpfs home wrote to disk"
}

test_run_env_option() {
  setup_hello
  ok wrappy run --env=WRAPPY_TEST_VAR=forty-two org.wrappy.Hello -- --env
  assert_contains "$OUT" "WRAPPY_TEST_VAR=forty-two"
}

test_run_loader_variables_dropped() {
  setup_hello
  LD_LIBRARY_PATH=/nonexistent-wrappy-ldpath ok wrappy run org.wrappy.Hello -- --env
  assert_not_contains "$OUT" "nonexistent-wrappy-ldpath" "the app's environment"
}

test_run_own_pid_namespace() {
  setup_hello
  ok wrappy run org.wrappy.Hello -- --probe
  local pid
  pid=$(printf '%s\n' "$OUT" | sed -n 's/^pid=//p')
  [ -n "$pid" ] && [ "$pid" -lt 50 ] || fail "app pid $pid: no pid namespace by default"
}

test_run_no_inherited_fds() {
  setup_hello
  exec 7</etc/hostname 8>"$T_DIR/fd8"
  ok wrappy run org.wrappy.Hello -- --ls /proc/self/fd
  exec 7<&- 8>&-
  local fds
  fds=$(printf '%s\n' "$OUT" | tr '\n' ' ')
  assert_not_contains " $fds" " 7 " "the app's fds"
  assert_not_contains " $fds" " 8 " "the app's fds"
}

test_run_sigterm_passes_through() {
  setup_hello
  "$WRAPPY" run org.wrappy.Hello -- --sleep 4242 </dev/null >/dev/null 2>&1 &
  local pid=$! i rc=0
  sleep 1
  kill -TERM "$pid"
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { kill -9 "$pid"; fail "wrappy still running 5 s after SIGTERM"; }
  wait "$pid" || rc=$?
  [ "$rc" != 0 ] || fail "SIGTERM reported as success"
  sleep 0.2
  if pgrep -u "$(id -u)" -f 'sleep 4242' >/dev/null; then
    note "$(pgrep -u "$(id -u)" -af 'sleep 4242')"
    pkill -9 -u "$(id -u)" -f 'sleep 4242' || true
    fail "the app outlived SIGTERM"
  fi
}

test_run_sandbox_dies_with_wrappy() {
  setup_hello
  "$WRAPPY" run org.wrappy.Hello -- --sleep 4343 </dev/null >/dev/null 2>&1 &
  local pid=$! i
  sleep 1
  pgrep -u "$(id -u)" -f 'sleep 4343' >/dev/null || fail "the app did not start"
  kill -9 "$pid"
  for i in $(seq 50); do pgrep -u "$(id -u)" -f 'sleep 4343' >/dev/null || break; sleep 0.1; done
  if pgrep -u "$(id -u)" -f 'sleep 4343' >/dev/null; then
    note "$(pgrep -u "$(id -u)" -af 'sleep 4343')"
    pkill -9 -u "$(id -u)" -f 'sleep 4343' || true
    fail "the sandboxed app outlived wrappy"
  fi
}

# wrappy answers with the app's status as soon as the app exits, without waiting for
# pid 1 to tear the namespaces down; what the app left running still dies with pid 1.
test_run_leftovers_die_with_the_app() {
  setup_hello
  local i
  assert_fails_with 3 "" wrappy run --command=sh org.wrappy.Hello -c 'sleep 4444 & exit 3'
  for i in $(seq 50); do pgrep -u "$(id -u)" -f 'sleep 4444' >/dev/null || break; sleep 0.1; done
  if pgrep -u "$(id -u)" -f 'sleep 4444' >/dev/null; then
    note "$(pgrep -u "$(id -u)" -af 'sleep 4444')"
    pkill -9 -u "$(id -u)" -f 'sleep 4444' || true
    fail "a process the app left behind outlived the sandbox"
  fi
}

test_run_not_installed_fails() {
  assert_fails_with 1 "org.wrappy.Hello" wrappy run org.wrappy.Hello
}

test_run_bad_option_is_usage_error() {
  setup_hello
  assert_fails_with 2 "" wrappy run --isolation=bogus org.wrappy.Hello
}

# interfaces FILE-CONTENT: the interface names in a /proc/net/dev dump.
interfaces() {
  printf '%s\n' "$1" | sed -n 's/^ *\([^ :|]*\):.*/\1/p' | sort | tr '\n' ' '
}

host_has_network() {
  [ -n "$(interfaces "$(cat /proc/net/dev)" | sed 's/\blo\b//; s/ //g')" ] ||
    skip "this host has no network interface besides lo"
}

test_run_no_network_without_permission() {
  setup_hello
  ok wrappy run org.wrappy.Hello -- --file /proc/net/dev
  assert_eq "lo " "$(interfaces "$OUT")" "interfaces seen by an app without network"
}

test_run_network_with_permission() {
  host_has_network
  start_server
  cached_install org.wrappy.Net add_and_install org.wrappy.Net
  ok wrappy run org.wrappy.Net -- --file /proc/net/dev
  assert_eq "$(interfaces "$(cat /proc/net/dev)")" "$(interfaces "$OUT")" "interfaces seen by org.wrappy.Net"
}

test_run_share_and_unshare_network() {
  host_has_network
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  install_app org.wrappy.Net test
  ok wrappy run --share=network org.wrappy.Hello -- --file /proc/net/dev
  assert_eq "$(interfaces "$(cat /proc/net/dev)")" "$(interfaces "$OUT")" "--share=network"
  ok wrappy run --unshare=network org.wrappy.Net -- --file /proc/net/dev
  assert_eq "lo " "$(interfaces "$OUT")" "--unshare=network"
}

test_run_paranoid_has_no_network() {
  start_server
  cached_install org.wrappy.Net add_and_install org.wrappy.Net
  ok wrappy run --isolation=paranoid org.wrappy.Net -- --file /proc/net/dev
  assert_eq "lo " "$(interfaces "$OUT")" "paranoid, declared network"
}

test_run_command_option() {
  setup_hello
  ok wrappy run --command=ls org.wrappy.Hello -- /app/bin
  assert_eq hello "$OUT"
}

test_run_current_dir() {
  setup_hello
  mkdir -p "$T_DIR/work"
  echo x >"$T_DIR/work/visible.txt"
  (cd "$T_DIR/work" && run wrappy run --current-dir org.wrappy.Hello -- --pwd &&
    [ "$RC" = 0 ] && [ "$OUT" = "$T_DIR/work" ]) || fail "--current-dir: pwd was [$OUT]"
  (cd "$T_DIR/work" && run wrappy run --current-dir org.wrappy.Hello -- --ls . &&
    [ "$RC" = 0 ] && [ "$OUT" = visible.txt ]) || fail "--current-dir: ls . was [$OUT]"
}

test_run_bind_and_ro_bind() {
  setup_hello
  mkdir -p "$T_DIR/rw" "$T_DIR/ro"
  echo secret >"$T_DIR/ro/data"
  ok wrappy run --bind="$T_DIR/rw" org.wrappy.Hello -- --touch "$T_DIR/rw/made"
  assert_file "$T_DIR/rw/made"
  ok wrappy run --ro-bind="$T_DIR/ro" org.wrappy.Hello -- --file "$T_DIR/ro/data"
  assert_eq secret "$OUT"
  run wrappy run --ro-bind="$T_DIR/ro" org.wrappy.Hello -- --touch "$T_DIR/ro/new"
  [ "$RC" != 0 ] || fail "--ro-bind is writable"
  assert_no_file "$T_DIR/ro/new"
}

test_run_host_files_hidden() {
  setup_hello
  echo host >"$T_DIR/hostonly"
  run wrappy run org.wrappy.Hello -- --file "$T_DIR/hostonly"
  [ "$RC" != 0 ] || fail "a host file outside the grants is visible: [$OUT]"
}

# /.flatpak-info names the app as Flatpak's does (GLib and the portals read it), parses
# as a key file, and the app cannot change it (issue 17).
test_run_flatpak_info() {
  setup_hello
  local level commit
  ok wrappy --json info org.wrappy.Hello
  commit=$(json '[l["commit"] for l in j["layers"] if l["kind"] == "app"][0]')
  for level in none partial full paranoid; do
    ok wrappy run --isolation=$level --command=cat org.wrappy.Hello -- /.flatpak-info
    printf '%s\n' "$OUT" | "$PYTHON" -c '
import configparser, sys
c = configparser.ConfigParser(interpolation=None)
c.read_string(sys.stdin.read())
assert c["Application"]["name"] == "org.wrappy.Hello", c["Application"]["name"]
assert c["Application"]["runtime"] == "runtime/org.wrappy.Test.Platform/x86_64/1"
assert c["Instance"]["app-commit"] == sys.argv[1]
assert c["Instance"]["branch"] == "stable" and c["Instance"]["arch"] == "x86_64"
assert int(c["Instance"]["instance-id"]) > 0
' "$commit" || fail "/.flatpak-info at $level: [$OUT]"
  done
  run wrappy run --command=sh org.wrappy.Hello -c 'echo x >/.flatpak-info && echo WROTE'
  assert_not_contains "$OUT" "WROTE"
}

run_tests "$@"
