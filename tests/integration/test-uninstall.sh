#!/bin/bash
# uninstall: data kept unless --delete-data, shared runtime kept, exports removed.
. "$(dirname "$0")/lib.sh"

test_uninstall_keeps_data() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  ok wrappy run org.wrappy.Hello -- --write keep.txt precious
  ok wrappy uninstall org.wrappy.Hello
  ok wrappy list
  assert_not_contains "$OUT" "org.wrappy.Hello"
  assert_fails_with 1 "" wrappy run org.wrappy.Hello
  [ -n "$(find "$XDG_STATE_HOME/wrappy/org.wrappy.Hello" -name keep.txt 2>/dev/null)" ] ||
    fail "the app's data was deleted without --delete-data"
  install_app org.wrappy.Hello test
  ok wrappy run org.wrappy.Hello -- --read keep.txt
  assert_eq precious "$OUT"
}

test_uninstall_delete_data() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  ok wrappy run org.wrappy.Hello -- --write gone.txt x
  ok wrappy uninstall --delete-data org.wrappy.Hello
  assert_no_file "$XDG_STATE_HOME/wrappy/org.wrappy.Hello"
}

test_uninstall_keeps_runtime_in_use() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  install_app org.wrappy.Other test
  ok wrappy uninstall org.wrappy.Hello
  ok wrappy list --runtimes
  assert_contains "$OUT" "org.wrappy.Test.Platform"
  ok wrappy run org.wrappy.Other -- still
  assert_contains "$OUT" "arg=[still]"
  ok wrappy run org.wrappy.Other -- --probe
  assert_contains "$OUT" "locale=hello-locale"
}

test_uninstall_removes_exports() {
  start_server
  cached_install org.wrappy.Gui add_and_install org.wrappy.Gui
  assert_file "$XDG_DATA_HOME/applications/org.wrappy.Gui.desktop"
  ok wrappy uninstall org.wrappy.Gui
  assert_no_file "$XDG_DATA_HOME/applications/org.wrappy.Gui.desktop"
  [ -z "$(find "$XDG_DATA_HOME/icons" -name 'org.wrappy.Gui*' 2>/dev/null)" ] ||
    fail "icons left behind: $(find "$XDG_DATA_HOME/icons" -name 'org.wrappy.Gui*')"
}

test_uninstall_not_installed_fails() {
  assert_fails_with 1 "org.wrappy.Hello" wrappy uninstall org.wrappy.Hello
}

test_uninstall_then_reinstall() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  ok wrappy uninstall org.wrappy.Hello
  install_app org.wrappy.Hello test
  ok wrappy run org.wrappy.Hello -- again
  assert_contains "$OUT" "arg=[again]"
}

run_tests "$@"
