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

# ---------------------------------------------------------------- what the host lends
# (issue 17, item 3; flatpak-run.c: add_font_path_args, add_icon_path_args,
# add_tzdata_args, the machine-id binds). The runtime's fontconfig includes
# /run/host/font-dirs.xml as org.freedesktop.Platform's does (make-gtk-runtime.sh).

# A font only the host has: the runtime has fonts-dejavu-core, the host also -extra.
HOST_FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-ExtraLight.ttf
HOST_FONT_INSIDE=/run/host/fonts/truetype/dejavu/DejaVuSans-ExtraLight.ttf
USER_FONT_INSIDE=/run/host/user-fonts/wrappy-user-only.ttf

need_host_font() {
  [ -f "$HOST_FONT" ] || skip "$HOST_FONT is missing (package fonts-dejavu-extra)"
}

# user_font DATA_HOME: a font only this user has, where Flatpak and wrappy look for one.
user_font() {
  mkdir -p "$1/fonts"
  cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf "$1/fonts/wrappy-user-only.ttf"
}

# use_flatpak_gtk: the same app under flatpak --user, installed once per file in a data
# dir of its own (flatpak's user installation is $XDG_DATA_HOME/flatpak).
use_flatpak_gtk() {
  need_gtk
  command -v flatpak >/dev/null || skip "flatpak is not installed"
  ensure_system_bus || [ -S /run/dbus/system_bus_socket ] ||
    skip "no system D-Bus (flatpak needs one); run as root once to start it"
  export XDG_DATA_HOME=$_FILE_DIR/fpdata
  [ -f "$_FILE_DIR/fp-installed" ] && return 0
  mkdir -p "$XDG_DATA_HOME"
  # From the fixture's repository itself: a server would be gone by the next test.
  run flatpak --user remote-add --if-not-exists --no-gpg-verify gtk "file://$GTK_FIX/repo"
  [ "$RC" = 0 ] || skip "flatpak remote-add fails here: $ERR"
  run flatpak --user install -y --noninteractive gtk $APP
  [ "$RC" = 0 ] || skip "flatpak install fails here: $(printf '%s' "$ERR" | tail -1)"
  touch "$_FILE_DIR/fp-installed"
}

# lent_fonts CMD…: the font files fc-list finds inside under /run/host, sorted.
lent_fonts() {
  run "$@"
  [ "$RC" = 0 ] || fail "fc-list failed ($RC): $ERR"
  printf '%s\n' "$OUT" | sed 's/: *$//' | grep '^/run/host/' | sort
}

test_realapp_host_fonts_listed_by_fc_list() {
  need_host_font
  use_gtk
  user_font "$XDG_DATA_HOME"
  local fonts
  fonts=$(lent_fonts wrappy run --command=fc-list $APP -- : file)
  note "lent fonts at full: $(echo "$fonts" | wc -l) files"
  assert_contains "$fonts" "$HOST_FONT_INSIDE" "fc-list inside, the host's font"
  assert_contains "$fonts" "$USER_FONT_INSIDE" "fc-list inside, the user's font"
  run wrappy run --command=sh $APP -- -c 'ls /run/host/fonts-cache | head -1; cat /run/host/font-dirs.xml'
  assert_contains "$OUT" 'as-path="/usr/share/fonts">/run/host/fonts<' "the fontconfig snippet"
  # The lends are read-only: the app cannot plant fonts or caches on the host.
  run wrappy run --command=sh $APP -- -c 'touch /run/host/user-fonts/x || touch /run/host/fonts-cache/x'
  [ "$RC" != 0 ] || fail "the app wrote into a lent font dir"
  assert_no_file "$XDG_DATA_HOME/fonts/x"
}

test_realapp_host_fonts_at_paranoid() {
  need_host_font
  use_gtk
  user_font "$XDG_DATA_HOME"
  local fonts
  fonts=$(lent_fonts wrappy run --isolation=paranoid --command=fc-list $APP -- : file)
  assert_contains "$fonts" "$HOST_FONT_INSIDE" "fc-list at paranoid, the host's font"
  assert_not_contains "$fonts" "$USER_FONT_INSIDE" "fc-list at paranoid, the user's font"
}

test_realapp_host_fonts_under_flatpak() {
  need_host_font
  use_flatpak_gtk
  user_font "$XDG_DATA_HOME"
  local theirs ours
  theirs=$(lent_fonts flatpak run --command=fc-list $APP : file)
  assert_contains "$theirs" "$HOST_FONT_INSIDE" "fc-list under flatpak, the host's font"
  assert_contains "$theirs" "$USER_FONT_INSIDE" "fc-list under flatpak, the user's font"
  # wrappy, with the same data home (the user's fonts are in it).
  export XDG_DATA_HOME=$_FILE_DIR/data XDG_CONFIG_HOME=$_FILE_DIR/config
  use_gtk
  user_font "$XDG_DATA_HOME"
  ours=$(lent_fonts wrappy run --command=fc-list $APP -- : file)
  assert_eq "$ours" "$theirs" "the fonts fc-list finds under /run/host, wrappy and flatpak"
}

# The icon themes, the zone's name, the machine ID and the sandbox's kind, side by side
# with flatpak run.
host_facts_script='ls /run/host/share/icons | sort | tr "\n" " "; echo;
  cat /etc/timezone /etc/machine-id; echo "container=$container"; cat /run/host/container-manager'
localtime_script='md5sum </etc/localtime || echo "no /etc/localtime"'

test_realapp_host_facts_as_flatpak() {
  use_flatpak_gtk
  run flatpak run --command=sh $APP -c "$host_facts_script"
  [ "$RC" = 0 ] || fail "flatpak run: $ERR"
  local theirs=$OUT their_localtime
  run flatpak run --command=sh $APP -c "$localtime_script"
  their_localtime=$OUT
  export XDG_DATA_HOME=$_FILE_DIR/data XDG_CONFIG_HOME=$_FILE_DIR/config
  use_gtk
  run wrappy run --command=sh $APP -- -c "$host_facts_script"
  [ "$RC" = 0 ] || fail "wrappy run: $ERR"
  note "flatpak: $(echo $theirs)"
  note "wrappy:  $(echo $OUT)"
  assert_eq "$OUT" "$theirs" "icon themes, /etc/timezone, /etc/machine-id, container"
  [ ! -f /usr/share/icons/hicolor/index.theme ] ||
    assert_contains "$OUT" "hicolor" "the host's icon themes at /run/host/share/icons"
  # The time zone's rules: Flatpak links /etc/localtime into the runtime's tzdata, and
  # gives none when the runtime has none (this one has no tzdata); wrappy then lends the
  # host's zone file (docs/sandbox.md).
  [ -e /etc/localtime ] || return 0
  run wrappy run --command=sh $APP -- -c "$localtime_script"
  note "/etc/localtime: flatpak: $their_localtime; wrappy: $OUT"
  assert_eq "$OUT" "$(md5sum </etc/localtime)" "/etc/localtime inside, the host's zone"
}

# The app's documents on the realistic runtime, side by side with flatpak run: a file
# granted to GtkHello through the document portal (as a file chooser's answer is) is
# read inside, read-only as granted; one granted to another app is not there even by its
# ID; the runtime's sh, cat and ls do it.
DOC_READ='d=/run/user/$(id -u)/doc
cat "$d/$1/chosen.txt" 2>/dev/null || echo "chosen=unseen"
echo changed >>"$d/$1/chosen.txt" 2>/dev/null || echo "chosen=read-only"
cat "$d/$2/other.txt" 2>/dev/null || echo "other=unseen"
echo "listed=[$(ls "$d" 2>/dev/null | tr "\n" " ")]"'

test_realapp_documents_as_flatpak() {
  use_flatpak_gtk
  start_session_bus
  mkdir -p "$T_DIR/hidden"
  echo "chosen content" >"$T_DIR/hidden/chosen.txt"
  echo "other content" >"$T_DIR/hidden/other.txt"
  local chosen other theirs lvl out
  out=$(flatpak document-export --app=$APP --allow-read "$T_DIR/hidden/chosen.txt") ||
    fail "document-export failed"
  chosen=$(basename "$(dirname "$out")")
  out=$(flatpak document-export --app=org.example.Other --allow-read --allow-write \
    "$T_DIR/hidden/other.txt") || fail "document-export failed"
  other=$(basename "$(dirname "$out")")
  run flatpak run --command=sh $APP -c "$DOC_READ" sh "$chosen" "$other"
  [ "$RC" = 0 ] || fail "flatpak run: $ERR"
  theirs=$OUT
  note "flatpak: $(echo $theirs)"
  assert_contains "$theirs" "chosen content"
  export XDG_DATA_HOME=$_FILE_DIR/data XDG_CONFIG_HOME=$_FILE_DIR/config
  use_gtk
  for lvl in partial full; do
    run wrappy run --isolation=$lvl --command=sh $APP -- -c "$DOC_READ" sh "$chosen" "$other"
    [ "$RC" = 0 ] || fail "wrappy run at $lvl: $ERR"
    note "wrappy at $lvl: $(echo $OUT)"
    assert_eq "$OUT" "$theirs" "the documents at $lvl, wrappy and flatpak"
    assert_contains "$OUT" "other=unseen"
  done
}

# Paranoid: the app's own machine ID (sd_id128_get_machine_app_specific), stable.
test_realapp_machine_id_at_paranoid() {
  [ -f /etc/machine-id ] || skip "this host has no /etc/machine-id"
  use_gtk
  run wrappy run --isolation=paranoid --command=cat $APP -- /etc/machine-id
  [ "$RC" = 0 ] || fail "cat /etc/machine-id: $ERR"
  local first=$OUT
  [[ $first =~ ^[0-9a-f]{32}$ ]] || fail "not a machine ID: '$first'"
  [ "$first" != "$(cat /etc/machine-id)" ] || fail "paranoid shows the host's machine ID"
  run wrappy run --isolation=paranoid --command=cat $APP -- /etc/machine-id
  assert_eq "$OUT" "$first" "the app's machine ID on a second launch"
}

run_tests "$@"
