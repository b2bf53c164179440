#!/bin/bash
# wrappy run: the seccomp filter of each isolation level (docs/sandbox.md). The unit
# test (tests/unit/test-seccomp.c) checks call by call what the filters refuse; here,
# that the app really runs under them, and that programs still work there.
. "$(dirname "$0")/lib.sh"

setup_hello() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
}

# seccomp_mode LEVEL: the Seccomp: line of /proc/self/status inside the sandbox.
seccomp_mode() {
  ok wrappy run --isolation="$1" org.wrappy.Hello -- --file /proc/self/status
  printf '%s\n' "$OUT" | awk '$1 == "Seccomp:" { print $2 }'
}

test_seccomp_none_and_partial_unfiltered() {
  [ "$(awk '$1 == "Seccomp:" { print $2 }' /proc/self/status)" = 0 ] ||
    skip "the test itself runs under a seccomp filter"
  setup_hello
  assert_eq 0 "$(seccomp_mode none)" "Seccomp at none"
  assert_eq 0 "$(seccomp_mode partial)" "Seccomp at partial"
}

test_seccomp_full_and_paranoid_filtered() {
  setup_hello
  assert_eq 2 "$(seccomp_mode full)" "Seccomp at full"
  assert_eq 2 "$(seccomp_mode paranoid)" "Seccomp at paranoid"
}

test_seccomp_default_is_full() {
  setup_hello
  ok wrappy run org.wrappy.Hello -- --file /proc/self/status
  assert_contains "$OUT" "Seccomp:	2"
}

# Ordinary programs (a shell, fork, exec, pipes, id, ls) work under both filters.
test_seccomp_programs_still_work() {
  setup_hello
  local level
  for level in full paranoid; do
    ok wrappy run --isolation="$level" org.wrappy.Hello -- x y
    assert_contains "$OUT" "arg=[y]"
    assert_contains "$OUT" "uid=$(id -u)"
    ok wrappy run --isolation="$level" --command=sh org.wrappy.Hello -c 'ls /app/bin | cat; echo done'
    assert_contains "$OUT" "done"
  done
}

test_seccomp_verbose_says_level() {
  setup_hello
  ok wrappy --verbose run --isolation=full org.wrappy.Hello
  assert_contains "$ERR" "seccomp: flatpak"
  ok wrappy --verbose run --isolation=paranoid org.wrappy.Hello
  assert_contains "$ERR" "seccomp: strict"
  ok wrappy --verbose run --isolation=partial org.wrappy.Hello
  assert_contains "$ERR" "seccomp: none"
}

run_tests "$@"
