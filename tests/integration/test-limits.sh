#!/bin/bash
# wrappy run --memory/--pids/--cpus and paranoid's defaults: applied through a delegated
# cgroup v2 where the host has one, else as rlimits, and always said in one line.
. "$(dirname "$0")/lib.sh"

setup_hello() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
}

# The "limits:" line of the last run's stderr.
limits_line() {
  printf '%s\n' "$ERR" | grep '^limits:' || true
}

# What doctor says of delegated cgroups here: true or false.
doctor_cgroup_ok() {
  local out
  out=$(wrappy doctor --json) || fail "wrappy doctor failed"
  printf '%s' "$out" | "$PYTHON" -c 'import json,sys; print(str(json.load(sys.stdin)["checks"]["cgroup"]["ok"]).lower())'
}

test_limits_pids_stop_a_fork_loop() {
  setup_hello
  run wrappy run --pids=20 --command=sh org.wrappy.Hello -- -c \
    'i=0; while [ $i -lt 60 ]; do sleep 2 & i=$((i+1)); done; wait; echo all-started'
  case "$(limits_line)" in
    "") fail "no limits line on stderr: [$ERR]" ;;
    *"pids 20 not applied"*)
      # Doctor must say the same (see test-doctor.sh).
      local cg
      cg=$(doctor_cgroup_ok) || fail "wrappy doctor --json failed"
      [ "$cg" = false ] || fail "pids not applied although doctor sees a cgroup"
      skip "no delegated cgroup v2 with the pids controller, and RLIMIT_NPROC does not bind root" ;;
  esac
  [ "$RC" != 0 ] || fail "60 processes started under --pids=20"
  assert_not_contains "$OUT" all-started
  printf '%s\n' "$ERR" | grep -qi "fork" || fail "no fork failure reported: [$ERR]"
}

test_limits_memory_stops_a_big_allocation() {
  setup_hello
  local script='x=$(head -c 100000000 /dev/zero | tr "\0" a); echo "len=${#x}"'
  # The same command fits in 1G: what fails below is the limit.
  ok wrappy run --memory=1G --command=sh org.wrappy.Hello -- -c "$script"
  assert_contains "$OUT" "len=100000000"
  run wrappy run --memory=64M --command=sh org.wrappy.Hello -- -c "$script"
  assert_contains "$(limits_line)" "limits: memory 64 MiB"
  [ "$RC" != 0 ] || fail "a 100 MB string was built under --memory=64M"
  assert_not_contains "$OUT" "len=100000000"
}

test_limits_line_names_the_mechanism() {
  setup_hello
  ok wrappy run --memory=512M --pids=100 org.wrappy.Hello -- --exit 0
  local line
  line=$(limits_line)
  [ "$(printf '%s\n' "$line" | grep -c '')" = 1 ] || fail "expected one limits line: [$ERR]"
  local cg
  cg=$(doctor_cgroup_ok) || fail "wrappy doctor --json failed"
  if [ "$cg" = true ]; then
    assert_contains "$line" "memory 512 MiB, pids 100 via cgroup /sys/fs/cgroup/"
  else
    assert_contains "$line" "memory 512 MiB as RLIMIT_AS"
    assert_contains "$line" "no delegated cgroup:"
    if [ "$(id -u)" = 0 ]; then
      assert_contains "$line" "pids 100 not applied"
    else
      assert_contains "$line" "pids 100 as RLIMIT_NPROC"
    fi
  fi
}

test_limits_cpus() {
  setup_hello
  ok wrappy run --cpus=1 --command=sh org.wrappy.Hello -- -c 'grep Cpus_allowed_list /proc/self/status'
  case "$(limits_line)" in
    *"cpus 1 via cgroup"* | *"via cgroup"*) ;;
    *"cpus 1 as CPU affinity (1 of "*)
      [ "$(printf '%s' "$OUT" | tr -d ' \t' | cut -d: -f2 | grep -c '[-,]')" = 0 ] ||
        fail "more than one CPU allowed: $OUT" ;;
    *) fail "no cpus limit reported: [$ERR]" ;;
  esac
}

test_limits_exit_status_and_json_silence() {
  setup_hello
  run wrappy run --pids=100 --memory=256M org.wrappy.Hello -- --exit 7
  assert_eq 7 "$RC" "exit status under limits"
  run wrappy --json run --pids=100 org.wrappy.Hello -- --exit 0
  assert_eq 0 "$RC" "exit status"
  assert_not_contains "$ERR" "limits:" "stderr with --json"
  # full without options: no limits, nothing said.
  ok wrappy run org.wrappy.Hello -- --exit 0
  assert_not_contains "$ERR" "limits:"
}

test_limits_paranoid_defaults() {
  setup_hello
  ok wrappy run --isolation=paranoid org.wrappy.Hello -- --exit 0
  local line
  line=$(limits_line)
  assert_contains "$line" "pids 4096"
  assert_contains "$line" "memory "
  # Overridable.
  ok wrappy run --isolation=paranoid --pids=300 org.wrappy.Hello -- --exit 0
  assert_contains "$(limits_line)" "pids 300"
}

test_limits_bad_values_are_usage_errors() {
  setup_hello
  assert_fails_with 2 "--memory=abc" wrappy run --memory=abc org.wrappy.Hello
  assert_fails_with 2 "--pids=0" wrappy run --pids=0 org.wrappy.Hello
  assert_fails_with 2 "--cpus=x" wrappy run --cpus=x org.wrappy.Hello
  assert_fails_with 2 "--memory=abc" wrappy run --memory=abc not.Installed.App
}

test_limits_refused_below_full() {
  setup_hello
  assert_fails_with 2 "need --isolation=full or paranoid" \
    wrappy run --isolation=partial --memory=64M org.wrappy.Hello -- --exit 0
  assert_fails_with 2 "need --isolation=full or paranoid" \
    wrappy run --isolation=none --pids=10 org.wrappy.Hello -- --exit 0
}

run_tests "$@"
