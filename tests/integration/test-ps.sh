#!/bin/bash
# wrappy ps and wrappy kill: the running sandboxes (instance, app, PID, level, since) and
# stopping them, by instance or by app ID, as flatpak ps and flatpak kill do; a record
# left by a killed wrappy is not listed; no app can plant a record.
. "$(dirname "$0")/lib.sh"

# start_app ID [RUN OPTIONS…]: the app's shell in its sandbox until killed, in the
# background; waits until it runs and is listed. Sets APP_PID (the `wrappy run`).
start_app() {
  local id=$1 i
  shift
  # A duration of its own, to find this test's processes among others' (pgrep below).
  : "${SLEEP_FOR:=600.$RANDOM$RANDOM}"
  "$WRAPPY" run "$@" --command=sh "$id" -- -c "echo up > ~/up-\$\$; exec sleep $SLEEP_FOR" >/dev/null 2>&1 &
  APP_PID=$!
  echo "$APP_PID" >>"$T_DIR/.pids"
  for i in $(seq 400); do
    run wrappy --json ps
    [ "$RC" = 0 ] && [ "$(json "len([x for x in j if x['wrappy_pid'] == $APP_PID])")" = 1 ] && return 0
    kill -0 "$APP_PID" 2>/dev/null || fail "the app did not start"
    sleep 0.05
  done
  fail "the app was never listed by ps"
}

setup() {
  start_server
  cached_install hello add_and_install org.wrappy.Hello
}

test_ps_lists_and_kill_stops_by_instance() {
  setup
  ok wrappy ps
  assert_contains "$ERR" "No app is running"
  start_app org.wrappy.Hello --isolation=paranoid
  local first=$APP_PID
  start_app org.wrappy.Hello
  local second=$APP_PID
  ok wrappy ps
  assert_contains "$OUT" "Instance"
  assert_contains "$OUT" "Since"
  assert_eq 2 "$(grep -c "org.wrappy.Hello" <<<"$OUT")" "two rows"
  assert_contains "$OUT" "paranoid"
  assert_contains "$OUT" "full"
  ok wrappy --json ps
  local inst pid
  inst=$(json "[x['instance'] for x in j if x['wrappy_pid'] == $first][0]")
  pid=$(json "[x['pid'] for x in j if x['wrappy_pid'] == $first][0]")
  assert_eq paranoid "$(json "[x['level'] for x in j if x['wrappy_pid'] == $first][0]")"
  assert_eq True "$(json "all(x['since'] > 0 for x in j)")"
  # The PID is the sandbox's pid 1, a child of that wrappy.
  assert_eq "$first" "$(awk '{print $4}' "/proc/$pid/stat")" "pid 1's parent"
  assert_contains "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "wrappy"
  ok wrappy kill "$inst"
  assert_contains "$ERR" "Stopped org.wrappy.Hello (instance $inst, PID $pid)"
  wait "$first" 2>/dev/null
  assert_eq 137 "$?" "the killed run's status"
  ok wrappy --json ps
  assert_eq "[$second]" "$(json "[x['wrappy_pid'] for x in j]")"
  kill -0 "$second" || fail "the other instance was stopped too"
}

test_kill_by_app_id_stops_every_instance() {
  setup
  start_app org.wrappy.Hello
  local a=$APP_PID
  start_app org.wrappy.Hello --isolation=partial
  local b=$APP_PID
  ok wrappy kill org.wrappy.Hello
  wait "$a" 2>/dev/null
  wait "$b" 2>/dev/null
  kill -0 "$a" 2>/dev/null && fail "instance a still runs"
  kill -0 "$b" 2>/dev/null && fail "instance b still runs"
  ok wrappy --json ps
  assert_eq "[]" "$(json j)"
  # Nothing left of it in the process table either.
  pgrep -f "sleep $SLEEP_FOR" >/dev/null && fail "the app's processes survived: $(pgrep -af "sleep $SLEEP_FOR")"
  assert_fails_with 1 "org.wrappy.Hello is not running \\(see 'wrappy ps'\\)" wrappy kill org.wrappy.Hello
  assert_fails_with 1 "12345 is not running" wrappy kill 12345
  assert_fails_with 2 "usage: wrappy kill" wrappy kill
}

test_ps_drops_the_record_of_a_killed_wrappy() {
  setup
  start_app org.wrappy.Hello
  kill -9 "$APP_PID"
  wait "$APP_PID" 2>/dev/null
  ok wrappy --json ps
  assert_eq "[]" "$(json j)"
  [ -z "$(ls -A "$XDG_STATE_HOME/wrappy/instances")" ] || fail "a stale record is left: $(ls -A "$XDG_STATE_HOME/wrappy/instances")"
}

# The attack: an app at partial with the host's home (where the host's files are
# visible) tries to plant a record that would make `wrappy kill` signal a process of its
# choosing. wrappy's state dir is hidden from it.
test_an_app_cannot_plant_an_instance() {
  setup
  local dir=$XDG_STATE_HOME/wrappy/instances
  mkdir -p "$dir"
  run wrappy run --isolation=partial --home=host --command=sh org.wrappy.Hello -- -c \
    "mkdir -p '$dir/4242' && printf '[Instance]\napp=org.wrappy.Hello\nlevel=full\npid=1\nwrappy-pid=1\nsince=1\n' > '$dir/4242/info' && echo planted"
  assert_no_file "$dir/4242/info"
  [ -z "$(ls -A "$dir")" ] || fail "the app planted: $(ls -A "$dir")"
  ok wrappy --json ps
  assert_eq "[]" "$(json j)"
}

run_tests "$@"
