#!/bin/bash
# clean: an app's state goes (with --yes, or after a "y" on a terminal), the app stays
# installed, nothing outside the state directory is touched.
. "$(dirname "$0")/lib.sh"

test_clean_removes_state_keeps_app() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  install_app org.wrappy.Other test
  ok wrappy run org.wrappy.Hello -- --write note.txt hello
  ok wrappy run org.wrappy.Other -- --write note.txt other
  ok wrappy clean --yes org.wrappy.Hello
  assert_contains "$ERR" "org.wrappy.Hello"
  assert_no_file "$XDG_STATE_HOME/wrappy/org.wrappy.Hello"
  ok wrappy run org.wrappy.Other -- --read note.txt
  assert_eq other "$OUT"
  run wrappy run org.wrappy.Hello -- --read note.txt
  [ "$RC" != 0 ] || fail "note.txt survived clean: $OUT"
}

test_clean_without_yes_refuses_off_terminal() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  ok wrappy run org.wrappy.Hello -- --write note.txt keep
  assert_fails_with 1 "--yes" wrappy clean org.wrappy.Hello </dev/null
  ok wrappy run org.wrappy.Hello -- --read note.txt
  assert_eq keep "$OUT"
}

test_clean_asks_on_a_terminal() {
  command -v script >/dev/null || skip "no script(1) to give wrappy a terminal"
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  ok wrappy run org.wrappy.Hello -- --write note.txt keep
  printf 'n\n' | script -qec "$WRAPPY clean org.wrappy.Hello" /dev/null >/dev/null 2>&1 || true
  [ -d "$XDG_STATE_HOME/wrappy/org.wrappy.Hello" ] || fail "deleted after answering n"
  printf 'y\n' | script -qec "$WRAPPY clean org.wrappy.Hello" /dev/null >/dev/null 2>&1 || true
  assert_no_file "$XDG_STATE_HOME/wrappy/org.wrappy.Hello"
}

test_clean_all_and_json() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  install_app org.wrappy.Other test
  ok wrappy run org.wrappy.Hello -- --write a.txt a
  ok wrappy run org.wrappy.Other -- --write b.txt b
  mkdir -p "$XDG_STATE_HOME/wrappy/not an id"
  ok wrappy --json clean --all --yes
  json "sorted(e['id'] for e in j)" >/dev/null
  assert_contains "$OUT" '"org.wrappy.Hello"'
  assert_contains "$OUT" '"org.wrappy.Other"'
  assert_no_file "$XDG_STATE_HOME/wrappy/org.wrappy.Hello"
  assert_no_file "$XDG_STATE_HOME/wrappy/org.wrappy.Other"
  [ -d "$XDG_STATE_HOME/wrappy/not an id" ] || fail "clean --all removed a directory it does not own"
  ok wrappy list
  assert_contains "$OUT" org.wrappy.Hello
}

test_clean_does_not_follow_links_out() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  ok wrappy run org.wrappy.Hello -- --write x.txt x
  local outside=$T_DIR/outside
  mkdir -p "$outside" && echo precious >"$outside/keep"
  ln -s "$outside" "$XDG_STATE_HOME/wrappy/org.wrappy.Hello/home/link"
  ok wrappy clean --yes org.wrappy.Hello
  assert_file "$outside/keep"
  assert_no_file "$XDG_STATE_HOME/wrappy/org.wrappy.Hello"
}

test_clean_bad_usage() {
  assert_fails_with 2 "" wrappy clean
  assert_fails_with 2 "" wrappy clean --all org.wrappy.Hello
  assert_fails_with 1 "" wrappy clean --yes ../etc
  ok wrappy clean --yes org.wrappy.Never
  assert_contains "$ERR" "no data"
}

run_tests "$@"
