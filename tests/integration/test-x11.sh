#!/bin/bash
# Desktop sockets for real: an X11 client (xmessage in the test runtime) under Xvfb,
# launched from its exported .desktop file. At full its declared x11 socket lets a
# window appear; at paranoid nothing appears unless --socket=x11 is given; an app that
# did not ask for x11 is not even told where the display is.
. "$(dirname "$0")/lib.sh"

need_x11() {
  command -v Xvfb >/dev/null || skip "Xvfb is not installed (package xvfb)"
  command -v xwininfo >/dev/null || skip "xwininfo is not installed (package x11-utils)"
  command -v xauth >/dev/null || skip "xauth is not installed"
  command -v xmessage >/dev/null || skip "xmessage is not installed (package x11-utils)"
}

start_xvfb() {
  # A display with a real cookie, so that the Xauthority path is exercised too. Xvfb
  # picks a free display number itself (-displayfd): files run side by side.
  local n dfd=$T_DIR/displayfd cookie
  export XAUTHORITY=$T_DIR/Xauthority
  # The server takes every cookie of the file at start, whatever display it names; the
  # clients look theirs up by display, added once Xvfb has said which.
  cookie=$(mcookie)
  xauth -q -f "$XAUTHORITY" add ":9999" . "$cookie" 2>/dev/null || fail "xauth add failed"
  Xvfb -displayfd 3 -auth "$XAUTHORITY" -nolisten tcp 3>"$dfd" >"$T_DIR/xvfb.log" 2>&1 &
  echo $! >>"$T_DIR/.pids"
  for _ in $(seq 100); do
    [ -s "$dfd" ] && break
    sleep 0.1
  done
  n=$(head -n 1 "$dfd" 2>/dev/null)
  [ -n "$n" ] || fail "Xvfb did not start: $(cat "$T_DIR/xvfb.log")"
  export DISPLAY=:$n
  xauth -q -f "$XAUTHORITY" add ":$n" . "$cookie" 2>/dev/null || fail "xauth add failed"
  for _ in $(seq 100); do
    [ -S "/tmp/.X11-unix/X$n" ] && xwininfo -root >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "Xvfb did not start: $(cat "$T_DIR/xvfb.log")"
}

# wait_window NAME: 0 once a top-level window NAME is on the display (10 s at most).
wait_window() {
  for _ in $(seq 100); do
    xwininfo -root -tree 2>/dev/null | grep -q "\"$1\"" && return 0
    sleep 0.1
  done
  return 1
}

# window_appears CMD…: CMD (in the background) puts a window wrappy-x11 on the display;
# it is stopped afterwards.
window_appears() {
  "$@" >"$T_DIR/app.log" 2>&1 &
  local pid=$!
  echo $pid >>"$T_DIR/.pids"
  wait_window wrappy-x11 || fail "no window appeared: $(cat "$T_DIR/app.log")"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# The exported launcher's command, field codes dropped (as a launcher with no files).
desktop_exec() {
  sed -n 's/^Exec=//p' "$XDG_DATA_HOME/applications/org.wrappy.X11.desktop" | head -1 |
    sed 's/ %[A-Za-z]//g'
}

test_x11_window_from_desktop_file_at_full() {
  need_x11
  start_server
  cached_install org.wrappy.X11 add_and_install org.wrappy.X11
  start_xvfb
  local cmd
  cmd=$(desktop_exec)
  assert_contains "$cmd" " run "
  assert_contains "$cmd" "org.wrappy.X11"
  # The Exec line names the installed wrappy; run the one under test the same way.
  eval "set -- $cmd"
  shift
  window_appears "$WRAPPY" "$@"
}

test_x11_refused_at_paranoid_without_grant() {
  need_x11
  start_server
  cached_install org.wrappy.X11 add_and_install org.wrappy.X11
  start_xvfb
  run timeout 20 "$WRAPPY" run --isolation=paranoid org.wrappy.X11
  [ "$RC" != 0 ] || fail "xmessage ran at paranoid without the x11 grant"
  assert_contains "$ERR" "display"
  if xwininfo -root -tree | grep -q '"wrappy-x11"'; then fail "a window appeared"; fi
}

test_x11_granted_at_paranoid_on_the_command_line() {
  need_x11
  start_server
  cached_install org.wrappy.X11 add_and_install org.wrappy.X11
  start_xvfb
  window_appears "$WRAPPY" run --isolation=paranoid --socket=x11 org.wrappy.X11
}

test_app_without_x11_sees_no_display() {
  need_x11
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  start_xvfb
  ok wrappy run org.wrappy.Hello -- --env
  assert_not_contains "$OUT" "DISPLAY="
  assert_not_contains "$OUT" "XAUTHORITY="
  run wrappy run org.wrappy.Hello -- --ls /tmp/.X11-unix
  [ "$RC" != 0 ] || fail "/tmp/.X11-unix is visible without the x11 grant: $OUT"
  # …and the X11 app sees only its own display and one cookie.
  install_app org.wrappy.X11 test
  ok wrappy run --command=env org.wrappy.X11
  assert_contains "$OUT" "DISPLAY=:99.0"
  assert_contains "$OUT" "XAUTHORITY=/run/user/$(id -u)/Xauthority"
}

test_unknown_socket_is_usage_error() {
  assert_fails_with 2 "socket" wrappy run --socket=telepathy org.wrappy.Hello
}

run_tests "$@"
