#!/bin/bash
# gc: what no installed app, snapshot or running sandbox uses goes, and nothing else;
# uninstall offers it; a killed gc leaves a store the next command completes.
. "$(dirname "$0")/lib.sh"

layer_count() {
  find "$XDG_DATA_HOME/wrappy/layers" -mindepth 5 -maxdepth 5 -type d | wc -l
}

# start_sleeper ID: runs the app's shell in its sandbox until killed; sets SLEEPER_PID
# (wrappy's pid) once the sandbox is up.
start_sleeper() {
  local up=$XDG_STATE_HOME/wrappy/$1/home/up i
  rm -f "$up"
  "$WRAPPY" run --command=sh "$1" -- -c 'echo up > ~/up; exec sleep 600' >/dev/null 2>&1 &
  SLEEPER_PID=$!
  echo "$SLEEPER_PID" >>"$T_DIR/.pids"
  for i in $(seq 200); do
    [ -s "$up" ] && return 0
    sleep 0.05
  done
  fail "the app did not start"
}

test_gc_after_uninstall_frees_runtime() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  local before
  before=$(layer_count)
  [ "$before" -ge 3 ] || fail "expected app, runtime and locale layers, got $before"
  ok wrappy uninstall org.wrappy.Hello
  # Not on a terminal: uninstall only says how to free the runtime.
  assert_contains "$ERR" "wrappy gc"
  [ "$(layer_count)" = $((before - 1)) ] || fail "uninstall should leave the shared layers"
  ok wrappy gc --dry-run
  assert_contains "$OUT" "Would remove runtime/org.wrappy.Test.Platform/"
  assert_contains "$OUT" "Would free"
  assert_not_contains "$ERR" "Would remove"
  [ "$(wrappy gc --dry-run 2>/dev/null | grep -c "^Would remove")" -ge 1 ] || fail "gc --dry-run | grep saw no line"
  [ "$(layer_count)" = $((before - 1)) ] || fail "--dry-run removed something"
  ok wrappy --json gc --dry-run
  local would
  would=$(json "j['freed']")
  [ "$would" -gt 0 ] || fail "dry run would free nothing"
  ok wrappy --json gc
  assert_eq False "$(json "j['dry_run']")"
  assert_eq "$would" "$(json "j['freed']")"
  assert_contains "$(json "sorted(l['ref'] for l in j['removed'])")" "runtime/org.wrappy.Test.Platform/x86_64/1"
  [ "$(layer_count)" = 0 ] || fail "layers left: $(layer_count)"
  ok wrappy list --runtimes
  assert_not_contains "$OUT" "org.wrappy.Test.Platform"
  ok wrappy gc
  assert_contains "$OUT" "Nothing to remove"
  # What gc removed comes back on the next install.
  install_app org.wrappy.Hello test
  ok wrappy run org.wrappy.Hello -- again
  assert_contains "$OUT" "arg=[again]"
}

test_gc_keeps_what_installed_apps_use() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  install_app org.wrappy.Other test
  ok wrappy uninstall org.wrappy.Hello
  ok wrappy gc
  assert_not_contains "$ERR" "org.wrappy.Test.Platform"
  ok wrappy run org.wrappy.Other -- --probe
  assert_contains "$OUT" "locale=hello-locale"
  ok wrappy run org.wrappy.Other -- still
  assert_contains "$OUT" "arg=[still]"
}

test_uninstall_yes_collects() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  ok wrappy uninstall --yes org.wrappy.Hello
  assert_contains "$OUT" "Freed"
  [ "$(layer_count)" = 0 ] || fail "layers left: $(layer_count)"
}

test_gc_keeps_layers_of_a_running_app() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  start_sleeper org.wrappy.Hello
  # Uninstalled while running: its files stay until it exits.
  ok wrappy uninstall org.wrappy.Hello
  ok wrappy --json gc
  [ "$(json "len(j['removed'])")" = 0 ] || fail "gc removed a running app's layer: $OUT"
  assert_contains "$(json "sorted(l['ref'] for l in j['in_use'])")" "app/org.wrappy.Hello/x86_64/stable"
  assert_contains "$(json "sorted(l['ref'] for l in j['in_use'])")" "runtime/org.wrappy.Test.Platform/x86_64/1"
  ok wrappy gc
  assert_contains "$OUT" "a running app uses it"
  kill -0 "$SLEEPER_PID" || fail "the app died"
  # A lock dies with its process: nothing stale holds the layers after kill -9.
  kill -9 "$SLEEPER_PID"
  wait "$SLEEPER_PID" 2>/dev/null || true
  ok wrappy --json gc
  [ "$(json "len(j['in_use'])")" = 0 ] || fail "layers still held after the app was killed"
  [ "$(layer_count)" = 0 ] || fail "layers left: $(layer_count)"
}

test_running_app_survives_gc() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  install_app org.wrappy.Other test
  start_sleeper org.wrappy.Other
  ok wrappy uninstall org.wrappy.Other
  ok wrappy gc
  # The sandbox still reads its own files.
  ok wrappy run org.wrappy.Hello -- --probe
  assert_contains "$OUT" "locale=hello-locale"
  kill -0 "$SLEEPER_PID" || fail "the app died"
  [ -d "$(find "$XDG_DATA_HOME/wrappy/layers/app/org.wrappy.Other" -mindepth 3 -maxdepth 3 -type d | head -n1)" ] ||
    fail "the running app's layer was removed"
}

test_gc_refuses_with_unreadable_manifest() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  local n
  n=$(layer_count)
  printf 'not a key file\n\0' >"$XDG_DATA_HOME/wrappy/apps/org.wrappy.Broken.manifest"
  assert_fails_with 1 "org.wrappy.Broken.manifest" wrappy gc
  [ "$(layer_count)" = "$n" ] || fail "gc removed layers while a manifest was unreadable"
}

test_gc_killed_at_each_point() {
  start_server
  add_remote test
  local point
  for point in gc-after-rename gc-before-refs gc-before-prune; do
    install_app org.wrappy.Hello test
    install_app org.wrappy.Other test
    ok wrappy uninstall org.wrappy.Hello
    ok wrappy uninstall org.wrappy.Other
    run env WRAPPY_FAULT=$point "$WRAPPY" gc
    [ "$RC" = 137 ] || fail "WRAPPY_FAULT=$point: expected a SIGKILL, got $RC"
    ok wrappy list
    ok wrappy gc
    [ "$(layer_count)" = 0 ] || fail "after $point: layers left: $(layer_count)"
    [ -z "$(ls -A "$XDG_DATA_HOME/wrappy/layers" | grep '^\.' || true)" ] ||
      fail "after $point: leftovers in layers/"
    ok wrappy --json gc
    assert_eq 0 "$(json "j['objects']")"
  done
  install_app org.wrappy.Hello test
  ok wrappy run org.wrappy.Hello -- fine
  assert_contains "$OUT" "arg=[fine]"
}

run_tests "$@"
