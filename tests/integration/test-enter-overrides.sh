#!/bin/bash
# wrappy enter (a shell in the app's sandbox), and the user's level overrides:
# command line > overrides/ID > overrides/global > the app's own default.
. "$(dirname "$0")/lib.sh"

namespaces() {
  # namespaces [RUN OPTIONS…]: the plan's namespace line for org.wrappy.Hello.
  ok wrappy --verbose run "$@" org.wrappy.Hello -- x
  NS=$(printf '%s\n' "$ERR" | grep -m1 'plan: namespaces:')
}

write_override() {
  mkdir -p "$XDG_CONFIG_HOME/wrappy/overrides"
  printf '[Wrappy]\nisolation=%s\n' "$2" >"$XDG_CONFIG_HOME/wrappy/overrides/$1"
}

test_overrides_choose_the_level() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  namespaces
  assert_contains "$NS" " ipc"                    # full, the default
  write_override global partial
  namespaces
  assert_not_contains "$NS" " ipc"
  write_override org.wrappy.Hello none
  namespaces
  assert_not_contains "$NS" " pid"                # the app's override beats global
  namespaces --isolation=full
  assert_contains "$NS" " ipc"                    # the command line beats both
}

test_bad_override_is_one_clear_error() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  write_override org.wrappy.Hello sideways
  assert_fails_with 1 "overrides/org.wrappy.Hello" wrappy run org.wrappy.Hello
  printf 'not a key file [' >"$XDG_CONFIG_HOME/wrappy/overrides/org.wrappy.Hello"
  assert_fails_with 1 "overrides/org.wrappy.Hello" wrappy run org.wrappy.Hello
}

test_enter_runs_a_shell_inside() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  cat >"$T_DIR/in.sh" <<'SH'
echo "inside=$FLATPAK_ID app=$(cat /app/share/wrappy-app-id)"
exit 3
SH
  run sh -c '"$1" enter org.wrappy.Hello <"$2"' _ "$WRAPPY" "$T_DIR/in.sh"
  assert_eq 3 "$RC"
  assert_contains "$OUT" "inside=org.wrappy.Hello app=org.wrappy.Hello"
}

test_enter_usage() {
  assert_fails_with 2 "" wrappy enter
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  assert_fails_with 2 "enter" wrappy enter org.wrappy.Hello extra
}

run_tests "$@"
