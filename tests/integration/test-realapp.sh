#!/bin/bash
# Real apps (issue 17): a GTK 3 app on a runtime built from Debian packages the way
# org.freedesktop.Platform is (tests/fixtures/make-gtk-runtime.sh), its own library in
# /app/lib with no rpath. Its window appears under Xvfb at full, partial and (with
# --socket=x11) paranoid, and draws something; the same app under `flatpak run` does the
# same. The runtime is installed once per file (500 MB), each level is its own test.
. "$(dirname "$0")/lib.sh"

APP=org.wrappy.GtkHello
TITLE="wrappy gtkhello"
GREETING="Hello from a library in /app/lib"
# Keyed by its own content hash beside the other fixtures: a new probe or fixture script
# does not rebuild 500 MB.
: "${WRAPPY_GTK_FIXTURES:=$(dirname "$WRAPPY_FIXTURES")/wrappy-gtk-$(
  "$LIB_DIR/../fixtures/make-gtk-runtime.sh" --print-hash)}"
GTK_FIX=$WRAPPY_GTK_FIXTURES
"$LIB_DIR/../fixtures/make-gtk-runtime.sh" "$GTK_FIX" ||
  { echo "Bail out! could not build the GTK fixture" >&2; exit 1; }

need_gtk() {
  command -v Xvfb >/dev/null || skip "Xvfb is not installed (package xvfb)"
  command -v xwd >/dev/null || skip "xwd is not installed (package x11-apps)"
}

# use_gtk: the app installed in a store shared by the file's tests (data and config);
# state, home and runtime dirs stay per test.
use_gtk() {
  need_gtk
  export XDG_DATA_HOME=$_FILE_DIR/data XDG_CONFIG_HOME=$_FILE_DIR/config
  [ -f "$_FILE_DIR/installed" ] && return 0
  mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
  start_server "$GTK_FIX"
  add_remote gtk
  install_app $APP gtk
  touch "$_FILE_DIR/installed"
}

# window_drawn CMD…: CMD (in the background) maps the window and draws it (more than a
# few colours in a screenshot, kept as $T_DIR/LABEL.png); the app's stdout must greet.
window_drawn() {
  local label=$1 pid colours
  shift
  GTKHELLO_SECONDS=20 "$@" >"$T_DIR/app.log" 2>&1 &
  pid=$!
  echo $pid >>"$T_DIR/.pids"
  wait_window "$TITLE" || { kill $pid; fail "no window at $label: $(tail -5 "$T_DIR/app.log")"; }
  sleep 1 # let it draw
  colours=$(screenshot_window "$TITLE" "$T_DIR/$label.png")
  note "$label: the window has $colours colours"
  [ "$colours" -gt 8 ] || fail "the window at $label looks blank ($colours colours)"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  assert_contains "$(cat "$T_DIR/app.log")" "$GREETING" "the app's output at $label"
}

test_realapp_window_at_full() {
  use_gtk
  start_xvfb
  window_drawn full wrappy run $APP
}

test_realapp_window_at_partial() {
  use_gtk
  start_xvfb
  window_drawn partial wrappy run --isolation=partial $APP
}

test_realapp_window_at_paranoid_with_x11() {
  use_gtk
  start_xvfb
  window_drawn paranoid wrappy run --isolation=paranoid --socket=x11 $APP
}

test_realapp_no_window_at_paranoid_without_x11() {
  use_gtk
  start_xvfb
  run wrappy run --isolation=paranoid $APP
  [ "$RC" != 0 ] || fail "the app ran without a display at paranoid"
  assert_contains "$ERR" "cannot open display" "the app's complaint"
}

test_realapp_window_under_flatpak() {
  need_gtk
  command -v flatpak >/dev/null || skip "flatpak is not installed"
  ensure_system_bus || [ -S /run/dbus/system_bus_socket ] ||
    skip "no system D-Bus (flatpak needs one); run as root once to start it"
  start_server "$GTK_FIX"
  run flatpak --user remote-add --no-gpg-verify gtk "$SERVER_URL/repo"
  [ "$RC" = 0 ] || skip "flatpak remote-add fails here: $ERR"
  run flatpak --user install -y --noninteractive gtk $APP
  [ "$RC" = 0 ] || skip "flatpak install fails here: $(printf '%s' "$ERR" | tail -1)"
  start_xvfb
  window_drawn flatpak flatpak run $APP
}

run_tests "$@"
