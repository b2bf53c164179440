#!/bin/bash
# The session and system buses through xdg-dbus-proxy (issue 18): on a private session
# bus with the test service (bus-service.py) and the portals activatable, every call of
# the table below is made from inside the sandbox of org.wrappy.Bus, whose metadata has a
# [Session Bus Policy] (TestTalk=talk, TestSee=see, TestOwn=own) and a [System Bus
# Policy] (SysTalk=talk), at every level and under `flatpak run` with the same metadata.
# The attacks: calling a service not granted (one that runs commands), owning or seeing
# a name not granted, hearing its broadcasts, connecting to the real bus's socket.
. "$(dirname "$0")/lib.sh"

APP=org.wrappy.Bus
AI_FIX=${WRAPPY_FIXTURES}-appimage
"$LIB_DIR/../fixtures/make-appimage.sh" "$AI_FIX" >/dev/null ||
  { echo "Bail out! could not build the AppImage fixtures" >&2; exit 1; }

# The calls, made by sh and gdbus inside the sandbox; one "name=yes|no" line each.
# shellcheck disable=SC2016
CALLS='
obj="--object-path /org/wrappy/Test"
r() { if "$@" >/dev/null 2>&1; then echo yes; else echo no; fi; }
listed() { gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
  --method org.freedesktop.DBus.ListNames 2>/dev/null | grep -q "$1" && echo yes || echo no; }
own() { gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
  --method org.freedesktop.DBus.RequestName "$1" 4 2>/dev/null | grep -q "uint32 1" && echo yes || echo no; }
heard() { m="$HOME/.wrappy-mon.$$"; gdbus monitor --session --dest "$1" >"$m" 2>/dev/null & p=$!; i=0
  while [ $i -lt 15 ] && ! grep -q Ticked "$m"; do sleep 0.2; i=$((i + 1)); done; kill $p
  grep -q Ticked "$m" && echo yes || echo no; rm -f "$m"; }
echo "talk=$(r gdbus call --session --dest org.wrappy.TestTalk $obj --method org.wrappy.Test.Ping)"
echo "talk-ungranted=$(r gdbus call --session --dest org.wrappy.TestSecret $obj --method org.wrappy.Test.Ping)"
echo "run-command=$(r gdbus call --session --dest org.wrappy.TestSecret $obj --method org.wrappy.Test.RunCommand "touch $MARKER")"
echo "see-listed=$(listed org.wrappy.TestSee)"
echo "see-call=$(r gdbus call --session --dest org.wrappy.TestSee $obj --method org.wrappy.Test.Ping)"
echo "ungranted-listed=$(listed org.wrappy.TestSecret)"
echo "own-app-id=$(own org.wrappy.Bus.Sub)"
echo "own-granted=$(own org.wrappy.TestOwn)"
echo "own-ungranted=$(own org.wrappy.NotGranted)"
echo "broadcast-granted=$(heard org.wrappy.TestTalk)"
echo "broadcast-ungranted=$(heard org.wrappy.TestSecret)"
echo "portal=$(r gdbus call --session --dest org.freedesktop.portal.Desktop --object-path /org/freedesktop/portal/desktop --method org.freedesktop.DBus.Peer.Ping)"
echo "real-bus=$(r gdbus call --address "$REALBUS" --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.GetId)"
echo "proxy-key=$(r grep -qx session-bus-proxy=true /.flatpak-info)"
echo "system-bus=$(r gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus --method org.freedesktop.DBus.GetId)"
'

# Expected, per column: none partial full paranoid paranoid+--talk-name flatpak.
EXPECTED='
talk                yes yes yes no  yes yes
talk-ungranted      yes no  no  no  no  no
run-command         yes no  no  no  no  no
see-listed          yes yes yes no  no  yes
see-call            yes no  no  no  no  no
ungranted-listed    yes no  no  no  no  no
own-app-id          yes yes yes no  yes yes
own-granted         yes yes yes no  no  yes
own-ungranted       yes no  no  no  no  no
broadcast-granted   yes yes yes no  yes yes
broadcast-ungranted yes no  no  no  no  no
portal              yes yes yes no  yes yes
real-bus            yes no  no  no  no  no
proxy-key           no  yes yes no  yes yes
system-bus          yes yes yes no  no  yes
'

setup_buses() {
  # The system bus row counts only where the host's own system bus answers.
  SYSTEM_BUS=yes
  gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.GetId >/dev/null 2>&1 || SYSTEM_BUS=no
  [ "$SYSTEM_BUS" = yes ] || note "no system bus answers here: its row is not checked"
  start_session_bus
  start_a11y_bus
  start_bus_service --a11y "$A11Y_BUS_ADDRESS" org.wrappy.TestTalk org.wrappy.TestSee \
    org.wrappy.TestSecret
  MARKER=$T_DIR/command-ran
  export MARKER
}

# calls_in COLUMN CMD…: runs the calls under CMD (which ends where sh's -c goes); the
# answers in COLUMN_<name> variables, and checks that no call ran a command on the host.
declare -A GOT
calls_in() {
  local col=$1 line
  shift
  rm -f "$MARKER"
  run "$@" "MARKER=$MARKER; REALBUS=$DBUS_SESSION_BUS_ADDRESS; $CALLS"
  [ "$RC" = 0 ] || fail "$col: the calls did not run: $ERR"
  while IFS= read -r line; do
    case "$line" in *=yes | *=no) GOT[$col.${line%%=*}]=${line#*=} ;; esac
  done <<<"$OUT"
  if [ -e "$MARKER" ]; then GOT[$col.ran]=yes; else GOT[$col.ran]=no; fi
}

# check_table COLUMN…: each column's answers against EXPECTED (a column named "-" is
# not checked); prints the whole table.
check_table() {
  local cols=("$@") name want i got table="" bad=""
  while read -r name want; do
    [ -n "$name" ] || continue
    read -ra want <<<"$want"
    table+=$(printf '%-20s' "$name")
    for i in "${!cols[@]}"; do
      [ "${cols[$i]}" != - ] || continue
      got=${GOT[${cols[$i]}.$name]:-?}
      table+=" $(printf '%-4s' "$got")"
      if [ "$name" = system-bus ] && [ "$SYSTEM_BUS" = no ]; then continue; fi
      [ "$got" = "${want[$i]}" ] || bad+=" ${cols[$i]}:$name=$got(want ${want[$i]})"
    done
    table+=$'\n'
  done <<<"$EXPECTED"
  printf '%s' "$table" | sed 's/^/# /' >&2
  [ -z "$bad" ] || fail "bus calls differ from the table:$bad"
}

test_bus_table_at_every_level_and_under_flatpak() {
  ensure_system_bus || true
  start_server
  setup_buses
  cached_install bus add_and_install "$APP"
  local lvl
  for lvl in none partial full paranoid; do
    calls_in "$lvl" wrappy run --isolation="$lvl" --command=sh "$APP" -- -c
  done
  calls_in paranoid-talk wrappy run --isolation=paranoid --talk-name=org.wrappy.TestTalk \
    --own-name=org.wrappy.Bus.Sub --command=sh "$APP" -- -c
  local cols=(none partial full paranoid paranoid-talk flatpak)
  if flatpak_bus_ready; then
    calls_in flatpak flatpak run --command=sh "$APP" -c
  else
    note "flatpak column skipped: $FLATPAK_WHY"
    cols[5]=-
  fi
  check_table "${cols[@]}"
  for lvl in partial full paranoid paranoid-talk flatpak; do
    [ "${GOT[$lvl.ran]:-no}" = no ] || fail "$lvl: the host service ran a command for the app"
  done
}

# The user's overrides: a name granted, a declared one taken away (NAME=none), as
# `flatpak override --talk-name=… --no-talk-name=…` writes them.
test_overrides_change_the_names() {
  start_server
  setup_buses
  cached_install bus add_and_install "$APP"
  mkdir -p "$XDG_CONFIG_HOME/wrappy/overrides"
  printf '[Session Bus Policy]\norg.wrappy.TestSecret=talk\norg.wrappy.TestTalk=none\n' \
    >"$XDG_CONFIG_HOME/wrappy/overrides/$APP"
  calls_in full wrappy run --command=sh "$APP" -- -c
  assert_eq "${GOT[full.talk]}" no "a declared name the override takes away"
  assert_eq "${GOT[full.talk-ungranted]}" yes "a name the override grants"
  assert_eq "${GOT[full.ran]}" yes "granted, the command-running service is reached"
  if flatpak_bus_ready; then
    mkdir -p "$HOME/.local/share/flatpak/overrides"
    cp "$XDG_CONFIG_HOME/wrappy/overrides/$APP" "$HOME/.local/share/flatpak/overrides/$APP"
    calls_in flatpak flatpak run --command=sh "$APP" -c
    assert_eq "${GOT[flatpak.talk]}" no "flatpak: the name taken away"
    assert_eq "${GOT[flatpak.talk-ungranted]}" yes "flatpak: the name granted"
  fi
  # A bad name on the command line is a usage error, before anything runs.
  run wrappy run --talk-name='org.x;rm -rf' "$APP"
  assert_eq "$RC" 2 "a bad bus name"
  assert_contains "$ERR" "no D-Bus name"
}

# `wrappy override --talk-name` (issue 19) reaches the proxy's filter, and --reset takes
# it away again.
test_override_command_reaches_the_proxy() {
  start_server
  setup_buses
  cached_install bus add_and_install "$APP"
  ok wrappy override --talk-name=org.wrappy.TestSecret "$APP"
  calls_in full wrappy run --command=sh "$APP" -- -c
  assert_eq "${GOT[full.talk-ungranted]}" yes "a name granted by wrappy override"
  ok wrappy override --reset "$APP"
  calls_in reset wrappy run --command=sh "$APP" -- -c
  assert_eq "${GOT[reset.talk-ungranted]}" no "the name after override --reset"
  assert_eq "${GOT[reset.ran]}" no "the command-running service after override --reset"
}

flatpak_bus_ready() {
  FLATPAK_WHY=""
  command -v flatpak >/dev/null || { FLATPAK_WHY="flatpak is not installed"; return 1; }
  [ -S /run/dbus/system_bus_socket ] || { FLATPAK_WHY="no system bus for flatpak"; return 1; }
  run flatpak --user remote-add --no-gpg-verify fp "$SERVER_URL/repo"
  run flatpak --user install -y --noninteractive fp "$APP"
  [ "$RC" = 0 ] || { FLATPAK_WHY="flatpak install fails here: $(printf '%s' "$ERR" | tail -1)"; return 1; }
  return 0
}

# The portals from inside, with a real backend (xdg-desktop-portal-gtk under Xvfb, as in
# a GNOME session): Settings answers, Notification takes a notification, OpenURI and
# FileChooser return a request (the file chooser's dialog appears on the display); the
# same calls under flatpak run.
PORTAL_CALLS='
p="--session --dest org.freedesktop.portal.Desktop --object-path /org/freedesktop/portal/desktop"
r() { if out=$("$@" 2>&1); then echo yes; else echo "no ($out)" | tr "\n" " "; echo; fi; }
echo "settings=$(r gdbus call $p --method org.freedesktop.portal.Settings.ReadAll "[\"org.freedesktop.appearance\"]")"
echo "notification=$(r gdbus call $p --method org.freedesktop.portal.Notification.AddNotification wrappy-test "{\"title\": <\"hi\">}")"
echo "openuri=$(r gdbus call $p --method org.freedesktop.portal.OpenURI.OpenURI "" "https://example.invalid/" "{}")"
echo "filechooser=$(r gdbus call $p --method org.freedesktop.portal.FileChooser.OpenFile "" "wrappy-pick" "{}")"
'

test_portals_from_inside() {
  [ -x /usr/libexec/xdg-desktop-portal-gtk ] || skip "xdg-desktop-portal-gtk is not installed"
  start_server
  start_xvfb
  export XDG_CURRENT_DESKTOP=GNOME
  setup_buses
  cached_install bus add_and_install "$APP"
  ok wrappy run --command=sh "$APP" -- -c "$PORTAL_CALLS"
  local w=$OUT name
  for name in settings notification openuri filechooser; do
    assert_contains "$w" "$name=yes"
  done
  wait_window wrappy-pick || fail "the file chooser's dialog did not appear"
  if flatpak_bus_ready; then
    ok flatpak run --command=sh "$APP" -c "$PORTAL_CALLS"
    assert_eq "$w" "$OUT" "the portals under wrappy and under flatpak run"
  fi
}

# proxies_of DIR: the pids of proxies (and their bwrap) serving sockets under DIR.
proxies_of() {
  pgrep -f -- "$1/.dbus-proxy/wrappy-" || true
}

# The proxy is started only when a bus is granted, and gone when the app exits, also
# when wrappy itself is killed with SIGKILL (it holds the only read end of the proxy's
# --fd pipe; PR_SET_PDEATHSIG besides).
test_proxy_lifetime() {
  start_server
  setup_buses
  cached_install bus add_and_install "$APP"
  ok wrappy run --isolation=paranoid --command=sh "$APP" -- -c 'echo "[$DBUS_SESSION_BUS_ADDRESS]"'
  assert_eq "$OUT" "[]" "paranoid: no bus, so no proxy"
  ok wrappy run --command=sh "$APP" -- -c 'echo "[$DBUS_SESSION_BUS_ADDRESS]"'
  assert_eq "$OUT" "[unix:path=/run/user/$(id -u)/bus]" "full: the proxy's socket"
  assert_eq "$(proxies_of "$XDG_RUNTIME_DIR")" "" "a proxy left after the app exited"
  assert_eq "$(ls -A "$XDG_RUNTIME_DIR/.dbus-proxy")" "" "proxy sockets left after the app exited"

  "$WRAPPY" run --command=sleep "$APP" -- 300 >/dev/null 2>&1 &
  local wpid=$! pids=""
  for _ in $(seq 100); do
    pids=$(proxies_of "$XDG_RUNTIME_DIR")
    [ -z "$pids" ] || break
    sleep 0.1
  done
  [ -n "$pids" ] || fail "no proxy while the app runs"
  kill -9 "$wpid"
  for _ in $(seq 100); do
    [ -n "$(proxies_of "$XDG_RUNTIME_DIR")" ] || break
    sleep 0.1
  done
  assert_eq "$(proxies_of "$XDG_RUNTIME_DIR")" "" "the proxy outlived a killed wrappy"
  # The app's session bus is gone with it.
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.ListNames | grep -q org.wrappy.Bus &&
    fail "a name of the app is still on the bus"
  return 0
}

# The accessibility bus through its own proxy when the app asks for org.a11y.Bus: the
# registry's few calls pass (flatpak's list), nothing else of the a11y bus does; and
# under flatpak run the same.
A11Y_CALLS='
reg="--dest org.a11y.atspi.Registry --object-path /org/a11y/atspi/registry"
r() { if "$@" >/dev/null 2>&1; then echo yes; else echo no; fi; }
echo "address=${AT_SPI_BUS_ADDRESS:+set}"
echo "registry=$(r gdbus call --address "$AT_SPI_BUS_ADDRESS" $reg --method org.a11y.atspi.Registry.GetRegisteredEvents)"
echo "other=$(r gdbus call --address "$AT_SPI_BUS_ADDRESS" $reg --method org.freedesktop.DBus.Introspectable.Introspect)"
'

test_a11y_bus() {
  start_server
  setup_buses
  cached_install bus add_and_install "$APP"
  ok wrappy run --command=sh "$APP" -- -c "$A11Y_CALLS"
  assert_contains "$OUT" "address="$'\n' "no a11y bus unless asked"
  assert_not_contains "$OUT" "address=set"
  ok wrappy run --talk-name=org.a11y.Bus --command=sh "$APP" -- -c "$A11Y_CALLS"
  local w=$OUT
  assert_contains "$w" "address=set"
  assert_contains "$w" "registry=yes"
  assert_contains "$w" "other=no"
  if flatpak_bus_ready; then
    ok flatpak run --command=sh "$APP" -c "$A11Y_CALLS"
    assert_eq "$w" "$OUT" "the a11y bus under wrappy and under flatpak run"
  fi
}

# File forwarding: `gio launch` of the exported launcher (Exec=busapp --files %F) with a
# host file the sandbox cannot see: the app reads it through the document portal's path;
# a file it can see (a granted dir) is passed unchanged; the names keep spaces, % and
# non-ASCII. The app prints "file=[PATH] CONTENT" for each.
forward_setup() {
  start_server
  setup_buses
  cached_install bus add_and_install "$APP"
  mkdir -p "$T_DIR/hidden" "$T_DIR/visible"
  HIDDEN="$T_DIR/hidden/my notes 100% ü.txt"
  SIBLING=$T_DIR/hidden/sibling.txt
  VISIBLE=$T_DIR/visible/seen.txt
  echo "secret content" >"$HIDDEN"
  echo "sibling content" >"$SIBLING"
  echo "visible content" >"$VISIBLE"
  mkdir -p "$XDG_CONFIG_HOME/wrappy/overrides"
  printf '[Context]\nfilesystems=%s:ro;\n' "$T_DIR/visible" \
    >"$XDG_CONFIG_HOME/wrappy/overrides/$APP"
}

# wait_output FILE: FILE once the app has written both of its lines (20 s at most).
wait_output() {
  for _ in $(seq 200); do
    [ "$(grep -c '^file=' "$1" 2>/dev/null)" -ge 2 ] 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

test_gio_launch_forwards_files() {
  forward_setup
  local launcher=$XDG_DATA_HOME/applications/$APP.desktop out=$T_DIR/launch.out uid
  uid=$(id -u)
  [ -f "$launcher" ] || fail "no exported launcher $launcher"
  assert_contains "$(cat "$launcher")" "--file-forwarding $APP -- --files @@ %F @@"
  gio launch "$launcher" "$HIDDEN" "$VISIBLE" >"$out" 2>"$T_DIR/launch.err" ||
    fail "gio launch failed: $(cat "$T_DIR/launch.err")"
  wait_output "$out" || fail "the app did not print its files: $(cat "$out" "$T_DIR/launch.err")"
  OUT=$(cat "$out")
  assert_contains "$OUT" "file=[/run/user/$uid/doc/"
  assert_contains "$OUT" "/my notes 100% ü.txt] secret content"
  assert_contains "$OUT" "file=[$VISIBLE] visible content"
  # Only the file reached the sandbox, not its directory.
  ok wrappy run --command=sh "$APP" -- -c "cat '$SIBLING' 2>&1; true"
  assert_not_contains "$OUT" "sibling content"
}

# The same from the command line; and where no document portal answers (here: no
# session bus), the file itself is bound at its own path, and its directory stays hidden.
test_run_forwards_files_and_falls_back_to_a_bind() {
  forward_setup
  ok wrappy run --file-forwarding "$APP" -- --files @@ "$HIDDEN" "$VISIBLE" @@
  assert_contains "$OUT" "file=[/run/user/$(id -u)/doc/"
  assert_contains "$OUT" "secret content"
  assert_contains "$OUT" "file=[$VISIBLE] visible content"
  # A host program (no Flatpak app): the document portal keeps the file under the name
  # its bus proxy gives it (app.wrappy.…), and its sandbox sees that name's documents.
  ok wrappy run --file-forwarding --host /bin/sh -c 'echo "arg=[$1]"; cat "$1"' sh @@ "$HIDDEN" @@
  assert_contains "$OUT" "arg=[/run/user/$(id -u)/doc/"
  assert_contains "$OUT" "secret content"
  # At none the sandbox sees the host: every file as it is.
  ok wrappy run --isolation=none --file-forwarding "$APP" -- --files @@ "$HIDDEN" @@
  assert_contains "$OUT" "file=[$HIDDEN] secret content"
  ok env -u DBUS_SESSION_BUS_ADDRESS "$WRAPPY" run --file-forwarding --command=sh "$APP" -- \
    -c 'cat "$1"; cat "$2" 2>&1; true' sh @@ "$HIDDEN" @@ "$SIBLING"
  assert_contains "$OUT" "secret content"
  assert_not_contains "$OUT" "sibling content"
  # wrappy doctor says which of the two this host gets.
  ok wrappy doctor
  assert_contains "$OUT" "through the document portal"
  ok env -u DBUS_SESSION_BUS_ADDRESS "$WRAPPY" doctor
  assert_contains "$OUT" "each file is bound at its own path"
  # wrappy's own files are not handed over (the overrides could lower the level).
  run wrappy run --file-forwarding "$APP" -- --files @@ "$XDG_CONFIG_HOME/wrappy/overrides/$APP" @@
  assert_eq "$RC" 1 "forwarding one of wrappy's own files"
  assert_contains "$ERR" "one of wrappy's own files"
  # Without --file-forwarding the markers are the app's own arguments.
  ok wrappy run "$APP" -- --files @@
  assert_contains "$OUT" "file=[@@]"
  run wrappy run --file-forwarding "$APP" -- --files @@ "$HIDDEN"
  assert_eq "$RC" 2 "an unclosed list"
}

# The portals' host-app powers (wrappy-policy.h, wrappy_bus_policy_portal_id). An app
# whose bus proxy has no /.flatpak-info is an unsandboxed host app to xdg-desktop-portal:
# DynamicLauncher gives it an install token without a dialog and installs and launches a
# launcher with any command, on the host. The attack, from an AppImage and from a host
# program at partial and full; first on the host itself, where it must work, or the test
# shows nothing.
DL_ATTACK='import sys, zlib, struct
from gi.repository import Gio, GLib
def png(w=16, h=16):
    raw = b"".join(b"\x00" + b"\xff\x00\x00\xff" * w for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
def call(m, args, rt):
    return bus.call_sync("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
        "org.freedesktop.portal.DynamicLauncher", m, args, GLib.VariantType(rt), 0, 20000, None)
icon = GLib.Variant("(sv)", ("bytes", GLib.Variant("ay", png())))
try:
    tok = call("RequestInstallToken", GLib.Variant("(sva{sv})", ("Files", icon, {})), "(s)")[0]
    entry = "[Desktop Entry]\nType=Application\nName=Files\nExec=touch %s\n" % sys.argv[1]
    call("Install", GLib.Variant("(sssa{sv})", (tok, "wrappy-escape.desktop", entry, {})), "()")
    call("Launch", GLib.Variant("(sa{sv})", ("wrappy-escape.desktop", {})), "()")
    print("launched")
except GLib.Error as e:
    print("refused:", e.message)'

# attack_ran LABEL CMD…: runs the attack under CMD, which ends in `python3 -c` (the
# marker $T_DIR/escaped.LABEL); true when the launcher ran on the host.
attack_ran() {
  local label=$1 i
  shift
  run "$@" "$DL_ATTACK" "$T_DIR/escaped.$label"
  note "$label: $(printf '%s' "$OUT $ERR" | tail -1)"
  for i in $(seq 30); do
    [ -e "$T_DIR/escaped.$label" ] && return 0
    case "$OUT" in *launched*) ;; *) return 1 ;; esac
    sleep 0.1
  done
  return 1
}

test_portals_take_every_app_for_sandboxed() {
  [ -x /usr/libexec/xdg-desktop-portal-gtk ] || skip "xdg-desktop-portal-gtk is not installed"
  /usr/bin/python3 -c 'import gi' 2>/dev/null || skip "python3-gi is not installed"
  start_xvfb
  export XDG_CURRENT_DESKTOP=GNOME
  mkdir -p "$XDG_DATA_HOME/applications"
  start_session_bus
  attack_ran host /usr/bin/python3 -c ||
    skip "the DynamicLauncher attack does not work on this host itself: $OUT"
  rm -f "$XDG_DATA_HOME/applications/wrappy-escape.desktop"
  local lvl
  for lvl in partial full; do
    if attack_ran "host-program-$lvl" wrappy run --isolation=$lvl --host /usr/bin/python3 -c; then
      fail "a host program at $lvl ran a command on the host through DynamicLauncher"
    fi
    assert_contains "$OUT" "not allowed for app id app.wrappy.host_python3_"
  done
  ok wrappy install --from-appimage "$AI_FIX/aitool.AppImage"
  if attack_ran appimage wrappy run --command=/usr/bin/python3 org.example.AiTool -- -c; then
    fail "an AppImage ran a command on the host through DynamicLauncher"
  fi
  assert_contains "$OUT" "not allowed for app id app.wrappy.org_example_AiTool_"
  [ ! -e "$XDG_DATA_HOME/applications/wrappy-escape.desktop" ] ||
    fail "a sandboxed app installed a launcher"
}

# Flatpak's own spawn portal (flatpak-portal, org.freedesktop.portal.Flatpak): Spawn
# starts a process in a new Flatpak sandbox of the calling app, with the permissions
# Flatpak gives it, outside wrappy's level. The attack: the app, also installed with
# flatpak, spawns a command that writes to ~/.var/app/ID (a host dir wrappy never shows
# it). Under flatpak run it works, by Flatpak's design; from wrappy's sandbox the name is
# not there, unless granted by name.
SPAWN='gdbus call --session --dest org.freedesktop.portal.Flatpak --object-path /org/freedesktop/portal/Flatpak --method org.freedesktop.portal.Flatpak.Spawn "b\"/\"" "[b\"sh\", b\"-c\", b\"echo spawned > \$XDG_DATA_HOME/spawned\"]" "{}" "{}" 0 "{}"'

# spawned LABEL CMD…: runs the Spawn call under CMD (ending where sh's -c goes); true when
# the spawned command wrote its file on the host.
spawned() {
  local label=$1 marker=$HOME/.var/app/$APP/data/spawned i
  shift
  rm -f "$marker"
  run "$@" "$SPAWN"
  note "$label: rc=$RC $(printf '%s' "$OUT $ERR" | tail -1)"
  for i in $(seq 50); do
    [ -e "$marker" ] && return 0
    [ "$RC" = 0 ] || return 1
    sleep 0.1
  done
  return 1
}

test_flatpak_spawn_portal_not_reached() {
  [ -e /usr/share/dbus-1/services/org.freedesktop.portal.Flatpak.service ] ||
    skip "flatpak-portal is not installed"
  ensure_system_bus || true
  start_server
  start_session_bus
  cached_install bus add_and_install "$APP"
  flatpak_bus_ready || skip "$FLATPAK_WHY"
  spawned flatpak flatpak run --command=sh "$APP" -c ||
    skip "Spawn does not work under flatpak run here either"
  local lvl
  for lvl in partial full; do
    if spawned "$lvl" wrappy run --isolation=$lvl --command=sh "$APP" -- -c; then
      fail "the app at $lvl started a process in a Flatpak sandbox through flatpak-portal"
    fi
  done
  if spawned paranoid-talk wrappy run --isolation=paranoid --talk-name=org.wrappy.TestTalk \
    --command=sh "$APP" -- -c; then
    fail "the app at paranoid started a process in a Flatpak sandbox through flatpak-portal"
  fi
  # Granted by name, it is Flatpak's sandbox the app gets, as under flatpak run.
  spawned granted wrappy run --talk-name=org.freedesktop.portal.Flatpak --command=sh "$APP" -- -c ||
    fail "Spawn granted by name did not reach flatpak-portal"
}

# What runs commands on the host, declared by the app (org.wrappy.HostCmd: the whole
# session bus, org.freedesktop.Flatpak and org.freedesktop.systemd1 by name):
# flatpak-session-helper's HostCommand (`flatpak-spawn --host`) is the attack. Granted by
# the user by name, it works (and shows the attack is real here); from the app's own
# metadata, at partial and full, the bus is filtered and the names are not there.
HOSTCMD_APP=org.wrappy.HostCmd
HOSTCMD='gdbus call --session --dest org.freedesktop.Flatpak --object-path /org/freedesktop/Flatpak/Development --method org.freedesktop.Flatpak.Development.HostCommand "b\"/\"" "[b\"sh\", b\"-c\", b\"echo ran > $0\"]" "{}" "{}" 0'

# host_command_ran LABEL CMD…: the HostCommand call under CMD (ending where sh's -c goes);
# true when its command ran on the host (it writes $T_DIR/hostcmd.LABEL).
host_command_ran() {
  local label=$1 marker=$T_DIR/hostcmd.$1 i
  shift
  run "$@" "$HOSTCMD" "$marker"
  note "$label: rc=$RC $(printf '%s' "$OUT $ERR" | tail -1)"
  for i in $(seq 50); do
    [ -e "$marker" ] && return 0
    [ "$RC" = 0 ] || return 1
    sleep 0.1
  done
  return 1
}

test_host_command_services_only_from_the_user() {
  [ -e /usr/share/dbus-1/services/org.freedesktop.Flatpak.service ] ||
    skip "flatpak-session-helper is not installed"
  start_server
  start_session_bus
  cached_install hostcmd add_and_install "$HOSTCMD_APP"
  host_command_ran granted wrappy run --talk-name=org.freedesktop.Flatpak --command=sh \
    "$HOSTCMD_APP" -- -c || skip "HostCommand does not run commands here even when granted"
  local lvl
  for lvl in partial full; do
    if host_command_ran "$lvl" wrappy run --isolation=$lvl --command=sh "$HOSTCMD_APP" -- -c; then
      fail "the app's own metadata let it run a command on the host at $lvl"
    fi
  done
  ok wrappy info "$HOSTCMD_APP"
  assert_contains "$OUT" "org.freedesktop.Flatpak' not applied: its service runs commands on the host"
  assert_contains "$OUT" "socket 'session-bus' not applied"
}

# The terminals' servers, KLauncher and KWin run what a caller asks on the host too
# (GNOME Terminal's Exec, Konsole's and Yakuake's runCommand, Xfce Terminal's Launch,
# KLauncher's exec_blind, KWin's scripts): stood in for by the test service's RunCommand
# under each name. org.wrappy.HostCmd declares them all; at partial and full none is
# reached; granted by name on the command line, that one is.
TERMINALS="org.gnome.Terminal org.kde.konsole-4242 org.kde.yakuake org.xfce.Terminal5 org.kde.klauncher5 org.kde.KWin"
TERMINAL_CALLS='for n in '"$TERMINALS"'; do
  gdbus call --session --dest $n --object-path /org/wrappy/Test --method org.wrappy.Test.RunCommand "touch $0.$n" >/dev/null 2>&1
done; true'

test_terminals_and_launchers_only_from_the_user() {
  start_server
  start_session_bus
  # shellcheck disable=SC2086
  start_bus_service $TERMINALS
  cached_install hostcmd add_and_install "$HOSTCMD_APP"
  local lvl n marker=$T_DIR/term
  for lvl in partial full; do
    run wrappy run --isolation=$lvl --command=sh "$HOSTCMD_APP" -- -c "$TERMINAL_CALLS" "$marker.$lvl"
    assert_eq 0 "$RC" "the calls at $lvl"
    for n in $TERMINALS; do
      [ ! -e "$marker.$lvl.$n" ] || fail "the app's own metadata reached $n at $lvl"
    done
  done
  # The stand-in does run commands, when the user grants the name.
  run wrappy run --talk-name=org.gnome.Terminal --command=sh "$HOSTCMD_APP" -- -c \
    "$TERMINAL_CALLS" "$marker.granted"
  [ -e "$marker.granted.org.gnome.Terminal" ] || fail "granted by name, org.gnome.Terminal was not reached"
  [ ! -e "$marker.granted.org.kde.KWin" ] || fail "a grant of org.gnome.Terminal reached org.kde.KWin"
  ok wrappy info "$HOSTCMD_APP"
  assert_contains "$OUT" "org.kde.konsole-4242' not applied: its service runs commands on the host"
  # Under flatpak run the same metadata reaches every one of them: Flatpak applies
  # declared names (and the declared whole bus) as they are; a documented difference
  # (docs/bus.md).
  if flatpak_bus_ready; then
    run flatpak --user install -y --noninteractive fp "$HOSTCMD_APP"
    [ "$RC" = 0 ] || fail "flatpak install of $HOSTCMD_APP: $ERR"
    run flatpak run --command=sh "$HOSTCMD_APP" -c "$TERMINAL_CALLS" "$marker.flatpak"
    for n in $TERMINALS; do
      [ -e "$marker.flatpak.$n" ] || fail "under flatpak run $n was not reached (expected: it is)"
    done
    note "flatpak run: the app's own metadata reached all of: $TERMINALS"
  else
    note "flatpak run not compared: $FLATPAK_WHY"
  fi
}

# The app's documents, as under Flatpak: what the document portal grants an app (what
# xdg-desktop-portal does with a file chooser's answer or a drop: AddFull for the app,
# then the path /run/user/UID/doc/ID/NAME) is at that path in its sandbox, read-write
# where granted; another app's documents are not, even by their ID. `flatpak
# document-export --app` makes the grant as the portal would.
DOC_READ='uid=$(id -u); d=/run/user/$uid/doc
cat "$d/$1/chosen.txt" 2>/dev/null || echo "chosen=unseen"
echo changed >>"$d/$1/chosen.txt" 2>/dev/null || echo "chosen=read-only"
cat "$d/$2/other.txt" 2>/dev/null || echo "other=unseen"
echo "listed=[$(ls "$d" 2>/dev/null | tr "\n" " ")]"'

# doc_export FILE APP [FLAGS…]: the document ID of FILE granted to APP.
doc_export() {
  local f=$1 app=$2 out
  shift 2
  out=$(flatpak document-export --app="$app" "$@" "$f") || fail "document-export $f failed"
  basename "$(dirname "$out")"
}

test_documents_are_the_apps_own() {
  command -v flatpak >/dev/null || skip "flatpak is not installed"
  start_server
  setup_buses
  cached_install bus add_and_install "$APP"
  mkdir -p "$T_DIR/hidden"
  echo "chosen content" >"$T_DIR/hidden/chosen.txt"
  echo "other content" >"$T_DIR/hidden/other.txt"
  local chosen other lvl
  chosen=$(doc_export "$T_DIR/hidden/chosen.txt" "$APP" --allow-read)
  other=$(doc_export "$T_DIR/hidden/other.txt" org.example.Other --allow-read --allow-write)
  for lvl in partial full; do
    ok wrappy run --isolation=$lvl --command=sh "$APP" -- -c "$DOC_READ" sh "$chosen" "$other"
    assert_contains "$OUT" "chosen content"
    assert_contains "$OUT" "chosen=read-only"
    assert_contains "$OUT" "other=unseen"
    assert_not_contains "$OUT" "other content"
    assert_contains "$OUT" "listed=[$chosen ]"
  done
  # At paranoid there is no bus, so no portal and no documents (SPEC.md).
  ok wrappy run --isolation=paranoid --command=sh "$APP" -- -c "$DOC_READ" sh "$chosen" "$other"
  assert_contains "$OUT" "chosen=unseen"
  assert_contains "$OUT" "listed=[]"
  # flatpak run, on the same grants.
  if flatpak_bus_ready; then
    ok flatpak run --command=sh "$APP" -c "$DOC_READ" sh "$chosen" "$other"
    assert_contains "$OUT" "chosen content"
    assert_contains "$OUT" "other=unseen"
    assert_contains "$OUT" "listed=[$chosen ]"
  else
    note "flatpak run not compared: $FLATPAK_WHY"
  fi
}

# The first app of a session: no document portal runs when it starts, so the launch
# starts it (as flatpak run does with GetMountPoint); a grant made while the app runs,
# as a file chooser's is, reaches it.
test_documents_reach_an_app_started_before_the_portal() {
  command -v flatpak >/dev/null || skip "flatpak is not installed"
  start_server
  setup_buses
  cached_install bus add_and_install "$APP"
  ! mountpoint -q "$XDG_RUNTIME_DIR/doc" 2>/dev/null || fail "a document portal runs already"
  mkdir -p "$T_DIR/hidden"
  echo "picked content" >"$T_DIR/hidden/picked.txt"
  local out=$T_DIR/picked.out pid i
  "$WRAPPY" run --command=sh "$APP" -- -c 'd=/run/user/$(id -u)/doc
    i=0
    while [ $i -lt 300 ]; do
      for f in "$d"/*/picked.txt; do [ -r "$f" ] && { echo "got $(cat "$f")"; exit 0; }; done
      sleep 0.1
      i=$((i + 1))
    done
    echo "not in: $(ls -la "$d" 2>&1)"' >"$out" 2>&1 &
  pid=$!
  for i in $(seq 100); do
    mountpoint -q "$XDG_RUNTIME_DIR/doc" 2>/dev/null && break
    sleep 0.1
  done
  mountpoint -q "$XDG_RUNTIME_DIR/doc" || fail "the launch did not start the document portal"
  doc_export "$T_DIR/hidden/picked.txt" "$APP" --allow-read >/dev/null
  wait "$pid" || true
  assert_contains "$(cat "$out")" "got picked content"
}

# The whole file chooser, as a user goes through it: the app (a host program, so that it
# has python3-gi; its documents are those of app.wrappy.host_python3_…) asks
# FileChooser.OpenFile, xdg-desktop-portal-gtk shows the dialog under Xvfb, the "user"
# types the path of a file the sandbox cannot see (xdotool, XTEST) and presses Return;
# the portal adds the file to the document portal for the app and answers a URI, which
# the app opens. Without the app's documents in its sandbox the answer did not open
# (wrappy_plan_add_documents). Not compared with flatpak run: the fixture's Flatpak runtime has no
# python3-gi.
PICK='import os, sys
from gi.repository import Gio, GLib
bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
loop, got = GLib.MainLoop(), {}
token = "wrappy%d" % os.getpid()
path = "/org/freedesktop/portal/desktop/request/%s/%s" % (bus.get_unique_name()[1:].replace(".", "_"), token)
def on_response(conn, sender, obj, iface, sig, params):
    got["code"], got["results"] = params.unpack()
    loop.quit()
bus.signal_subscribe("org.freedesktop.portal.Desktop", "org.freedesktop.portal.Request", "Response", path, None, 0, on_response)
bus.call_sync("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop", "org.freedesktop.portal.FileChooser", "OpenFile",
    GLib.Variant("(ssa{sv})", ("", "wrappy-pick", {"handle_token": GLib.Variant("s", token)})), None, 0, 30000, None)
GLib.timeout_add_seconds(120, loop.quit)
loop.run()
print("code=%s" % got.get("code"))
for uri in got.get("results", {}).get("uris", []):
    p = Gio.File.new_for_uri(uri).get_path()
    alt = "/run/user/%d/doc/%s" % (os.getuid(), p.split("/doc/", 1)[-1])
    for label, f in (("picked", p), ("also", alt)):
        try:
            print("%s=[%s] %s" % (label, f, open(f).read().strip()))
        except OSError as e:
            print("%s=[%s] unreadable: %s" % (label, f, e))'

# pick FILE OUT: as a user would, in the visible "wrappy-pick" dialog: Ctrl+L, the path,
# Return; again while the app (writing OUT) has no answer, as a loaded machine may drop
# keys typed before the dialog takes them.
pick() {
  local path=$1 out=$2 attempt wid i
  for attempt in 1 2 3 4 5 6; do
    wid=$(xdotool search --onlyvisible --name '^wrappy-pick$' 2>/dev/null | head -n 1)
    if [ -n "$wid" ]; then
      xdotool windowfocus --sync "$wid" >/dev/null 2>&1 || true
      sleep 0.5
      xdotool key --clearmodifiers ctrl+l
      sleep 0.3
      xdotool key --clearmodifiers ctrl+a
      xdotool type --delay 20 "$path"
      sleep 0.5
      xdotool key --clearmodifiers Return
    fi
    for i in $(seq 40); do
      grep -q '^code=' "$out" 2>/dev/null && return 0
      sleep 0.25
    done
    note "attempt $attempt: no answer yet"
  done
  return 1
}

test_file_chooser_answer_reaches_the_app() {
  [ -x /usr/libexec/xdg-desktop-portal-gtk ] || skip "xdg-desktop-portal-gtk is not installed"
  /usr/bin/python3 -c 'import gi' 2>/dev/null || skip "python3-gi is not installed"
  command -v xdotool >/dev/null || skip "xdotool is not installed"
  start_xvfb
  export XDG_CURRENT_DESKTOP=GNOME
  start_session_bus
  mkdir -p "$T_DIR/hidden"
  local lvl out pid picked
  for lvl in partial full; do
    picked=$T_DIR/hidden/picked-$lvl.txt
    echo "chosen at $lvl" >"$picked"
    out=$T_DIR/pick-$lvl.out
    "$WRAPPY" run --isolation=$lvl --host /usr/bin/python3 -c "$PICK" >"$out" 2>&1 &
    pid=$!
    wait_window wrappy-pick || { kill "$pid"; fail "$lvl: the file chooser did not appear: $(cat "$out")"; }
    pick "$picked" "$out" || { kill "$pid"; fail "$lvl: no answer from the file chooser: $(cat "$out")"; }
    wait "$pid" || true
    OUT=$(cat "$out")
    note "$lvl: $OUT"
    # The answer names the portal's mount on the host: /run/user/UID/doc in a logind
    # session, $XDG_RUNTIME_DIR/doc here; the sandbox shows the app's documents at both.
    assert_contains "$OUT" "code=0"
    assert_contains "$OUT" "picked=[$XDG_RUNTIME_DIR/doc/"
    assert_contains "$OUT" "/picked-$lvl.txt] chosen at $lvl"
    assert_contains "$OUT" "also=[/run/user/$(id -u)/doc/"
    assert_not_contains "$OUT" "unreadable"
  done
}

run_tests "$@"
