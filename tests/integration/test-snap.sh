#!/bin/bash
# Snaps: install from a Snap Store stand-in (tests/integration/snapstore.py) and from
# files built with the real `snap pack` (tests/fixtures/make-snaps.sh), run with the
# base as / and the SNAP* variables, plugs as permissions, desktop export, errors that
# leave nothing behind, uninstall.
source "$(dirname "$0")/lib.sh"

# Beside the Flatpak fixtures: make-repo.sh replaces its whole directory when it rebuilds.
SNAPS=$WRAPPY_FIXTURES-snaps
ID=io.snapcraft.hello-snap

# value KEY: KEY=VALUE from the hello app's output in $OUT.
value() { printf '%s\n' "$OUT" | sed -n "s/^$1=//p" | head -n 1; }

test_snap_install_from_store_and_run() {
  start_snapstore
  ok wrappy install --from-snap hello-snap
  assert_contains "$OUT" "Installed $ID 2.5"
  ok wrappy --json list
  assert_eq "snap" "$(json '[a["source"] for a in j if a["id"] == "'$ID'"][0]')" "source in list"
  ok wrappy run "$ID" -- one two
  assert_eq "/snap/hello-snap/7" "$(value SNAP)" "SNAP"
  assert_eq "hello-snap" "$(value SNAP_NAME)" "SNAP_NAME"
  assert_eq "2.5" "$(value SNAP_VERSION)" "SNAP_VERSION"
  assert_eq "7" "$(value SNAP_REVISION)" "SNAP_REVISION"
  assert_eq "amd64" "$(value SNAP_ARCH)" "SNAP_ARCH"
  assert_eq "$HOME/snap/hello-snap/7" "$(value SNAP_USER_DATA)" "SNAP_USER_DATA"
  assert_eq "$HOME/snap/hello-snap/common" "$(value SNAP_USER_COMMON)" "SNAP_USER_COMMON"
  assert_eq "/var/snap/hello-snap/7" "$(value SNAP_DATA)" "SNAP_DATA"
  assert_eq "/var/snap/hello-snap/common" "$(value SNAP_COMMON)" "SNAP_COMMON"
  assert_eq "$HOME/snap/hello-snap/7" "$(value HOME)" "HOME as snapd sets it"
  assert_eq "hi from hello-snap" "$(value GREETING)" "snap.yaml environment, expanded"
  assert_eq "one two" "$(value args)" "arguments"
  assert_contains "$OUT" "user-data=writable"
  assert_eq "writable" "$(value data)" "SNAP_DATA"
  assert_contains "$OUT" "wrappy-core 1"
  assert_eq "from-content-snap" "$(value themes)" "content snap at its plug's target"
  assert_eq "/snap/hello-snap/7" "$(value current)" "/snap/NAME/current"
  # SNAP_DATA lives in the app's state.
  assert_file "$XDG_STATE_HOME/wrappy/$ID/snap-data/7/written"
}

# issue 19, item 2: `wrappy install NAME` finds the snap in the store (and says so), and
# it runs by its name, NAME.APP for its other app, as with `snap run`.
test_snap_install_and_run_by_name() {
  start_snapstore
  ok wrappy install hello-snap
  assert_contains "$OUT" "Installed $ID 2.5"
  assert_contains "$ERR" "Found hello-snap in Snap Store 'snapcraft'"
  ok wrappy run hello-snap -- one
  assert_eq "hello-snap" "$(value SNAP_NAME)" "run by the snap's name"
  assert_eq "one" "$(value args)" "arguments"
  ok wrappy run hello-snap.other -- more
  assert_contains "$OUT" "other app: first more SNAP_NAME=hello-snap" "run NAME.APP"
  # --command given beside NAME.APP is the user's: it wins.
  ok wrappy run --command=hello-snap hello-snap.other
  assert_eq "hello-snap" "$(value SNAP_NAME)"
  assert_not_contains "$OUT" "other app"
  ok wrappy enter --command=true hello-snap
  assert_fails_with 1 "has no app 'nope'" wrappy run hello-snap.nope
  assert_fails_with 1 "^error: 'second-snap' is neither an installed app's ID nor an installed snap's name \(see 'wrappy list'\)$" \
    wrappy run second-snap
  # A name the store does not have, the Flatpak remotes and the feed neither (the feed
  # is a closed port: one warning).
  assert_fails_with 1 "no app called 'no-such-snap' in the sources that answered" \
    wrappy install no-such-snap
  assert_contains "$(cat "$STORE_LOG")" "/v2/snaps/info/no-such-snap"
}

test_snap_other_app_and_paranoid() {
  start_snapstore
  ok wrappy install --from-snap hello-snap
  ok wrappy run --command=hello-snap.other "$ID" -- more
  # Its command chain runs first, each link exec'ing the rest of the command line.
  assert_eq "chain: launch
chain: wrap /snap/hello-snap/7/bin/other
other app: first more SNAP_NAME=hello-snap OTHER=only-for-other" "$OUT" "the other app"
  ok wrappy run --isolation=paranoid "$ID"
  assert_eq "/snap/hello-snap/7" "$(value SNAP)" "SNAP at paranoid"
  assert_eq "$HOME/snap/hello-snap/7" "$(value SNAP_USER_DATA)" "SNAP_USER_DATA at paranoid"
  assert_eq "exists" "$(value user-data)" "SNAP_USER_DATA at paranoid"
  # The home plug's grant is read-only at paranoid (SPEC.md), ~/snap included.
  assert_not_contains "$OUT" "user-data=writable"
  assert_contains "$OUT" "data=writable"
  assert_fails_with 1 "has no app 'nope'" wrappy run --command=hello-snap.nope "$ID"
  # At none the host's root is there around the base; SNAP_DATA is the state itself.
  ok wrappy run --isolation=none "$ID"
  assert_eq "$XDG_STATE_HOME/wrappy/$ID/snap-data/7" "$(value SNAP_DATA)" "SNAP_DATA at none"
  assert_contains "$OUT" "user-data=writable"
  assert_contains "$OUT" "wrappy-core 1"
}

test_snap_install_file() {
  start_snapstore
  ok wrappy install "$SNAPS/second-snap_3.snap"
  assert_contains "$OUT" "Installed io.snapcraft.second-snap 1.0"
  ok wrappy run io.snapcraft.second-snap
  assert_contains "$OUT" "second: SNAP=/snap/second-snap/x1"
  assert_contains "$OUT" "wrappy-core 1"
  # The base came from the store; the snap itself did not.
  assert_contains "$(cat "$STORE_LOG")" "/download/wrappy-core_1.snap"
  assert_not_contains "$(cat "$STORE_LOG")" "second-snap"
  ok wrappy uninstall io.snapcraft.second-snap
  cp "$SNAPS/second-snap_3.snap" "$T_DIR/second.snap"
  ok wrappy install --from-snap "$T_DIR/second.snap"
  assert_fails_with 2 "a local .snap file has no channel" wrappy install --from-snap "$T_DIR/second.snap" --channel beta
}

test_snap_base_shared() {
  start_snapstore
  ok wrappy install --from-snap hello-snap
  ok wrappy install --from-snap second-snap
  ok wrappy --json info "$ID"
  local a b
  a=$(sed -n 's/^path=//p' "$XDG_DATA_HOME/wrappy/apps/$ID.manifest" | grep wrappy-core)
  b=$(sed -n 's/^path=//p' "$XDG_DATA_HOME/wrappy/apps/io.snapcraft.second-snap.manifest" | grep wrappy-core)
  [ -n "$a" ] || fail "no base layer in the manifest"
  assert_eq "$a" "$b" "the base layer of both snaps"
  assert_eq 1 "$(grep -c '/download/wrappy-core_1.snap' "$STORE_LOG")" "base downloads"
  ok wrappy run io.snapcraft.second-snap
  assert_contains "$OUT" "wrappy-core 1"
}

test_snap_channel() {
  start_snapstore
  ok wrappy install --from-snap hello-snap --channel beta
  ok wrappy run "$ID"
  assert_eq "107" "$(value SNAP_REVISION)" "revision from latest/beta"
  assert_fails_with 2 "invalid channel" wrappy install --from-snap second-snap --channel a/b/c/d
  assert_fails_with 1 "no release in channel" wrappy install --from-snap second-snap --channel 9.0/stable
}

# interfaces FILE-CONTENT: the interface names in a /proc/net/dev dump.
interfaces() {
  printf '%s\n' "$1" | sed -n 's/^ *\([^ :|]*\):.*/\1/p' | sort | tr '\n' ' '
}

test_snap_plugs_to_permissions() {
  start_snapstore
  ok wrappy install --from-snap hello-snap
  ok wrappy install --from-snap second-snap
  local m=$XDG_DATA_HOME/wrappy/apps/$ID.manifest
  assert_contains "$(grep '^shared=' "$m")" "network"
  assert_contains "$(grep '^filesystems=' "$m")" "home"
  assert_contains "$(grep '^sockets=' "$m")" "x11"
  assert_contains "$(grep '^devices=' "$m")" "dri"
  # No network plug: only loopback at full.
  ok wrappy run --command=cat io.snapcraft.second-snap -- /proc/net/dev
  assert_eq "lo " "$(interfaces "$OUT")" "interfaces without the network plug"
  [ -n "$(interfaces "$(cat /proc/net/dev)" | sed 's/\blo\b//; s/ //g')" ] ||
    skip "this host has no network interface besides lo"
  ok wrappy run "$ID" -- --file /proc/net/dev
  assert_eq "$(interfaces "$(cat /proc/net/dev)")" "$(interfaces "$OUT")" "network plug at full"
  ok wrappy run --isolation=paranoid "$ID" -- --file /proc/net/dev
  assert_eq "lo " "$(interfaces "$OUT")" "network plug at paranoid"
}

test_snap_desktop_export() {
  start_snapstore
  ok wrappy install --from-snap hello-snap
  local d=$XDG_DATA_HOME/applications
  assert_file "$d/$ID.desktop"
  assert_file "$d/$ID-other.desktop"
  assert_contains "$(cat "$d/$ID.desktop")" "run --command=hello-snap --file-forwarding $ID -- @@u %U @@"
  assert_contains "$(cat "$d/$ID-other.desktop")" "run --command=hello-snap.other $ID"
  assert_not_contains "$(cat "$d"/*.desktop)" "SNAP"
  # meta/gui/icon.png is the app's icon; Icon=${SNAP}/meta/gui/icon.png points at it.
  assert_file "$XDG_DATA_HOME/icons/hicolor/48x48/apps/$ID.png"
  assert_contains "$(cat "$d/$ID.desktop")" "Icon=$ID"
}

test_snap_unknown() {
  start_snapstore
  assert_fails_with 1 "no snap named no-such-snap in the store" wrappy install --from-snap no-such-snap
  nothing_left
  assert_fails_with 1 "invalid snap name" wrappy install --from-snap Bad_Name
  nothing_left
}

test_snap_hash_mismatch() {
  start_snapstore --mode badhash
  assert_fails_with 1 "sha3-384" wrappy install --from-snap hello-snap
  nothing_left
}

test_snap_truncated_download() {
  start_snapstore --mode truncated
  assert_fails_with 1 "cut short|cannot reach" wrappy install --from-snap hello-snap
  nothing_left
}

test_snap_store_unreachable() {
  export WRAPPY_SNAP_STORE_URL
  WRAPPY_SNAP_STORE_URL=$(closed_port_url)
  assert_fails_with 1 "cannot reach the Snap Store" wrappy install --from-snap hello-snap
  nothing_left
}

test_snap_malformed_files() {
  start_snapstore
  local f
  for f in bad-yaml bad-name truncated not-a-snap; do
    assert_fails_with 1 "" wrappy install "$SNAPS/$f.snap"
    nothing_left
  done
  assert_fails_with 1 "malformed snap.yaml" wrappy install "$SNAPS/bad-yaml.snap"
  assert_fails_with 1 "Bad_Name" wrappy install "$SNAPS/bad-name.snap"
  # A base snap is no app; its own failure leaves nothing either.
  assert_fails_with 1 "type 'base'" wrappy install "$SNAPS/wrappy-core_1.snap"
  nothing_left
}

test_snap_missing_base_leaves_nothing() {
  # second-snap's base comes from the store; a store without it fails the install.
  mkdir -p "$T_DIR/store"
  cp "$SNAPS/second-snap_3.snap" "$T_DIR/store/"
  printf '{"second-snap": {"file": "second-snap_3.snap", "revision": 3, "version": "1.0", "type": "app"}}\n' \
    >"$T_DIR/store/index.json"
  SNAPS=$T_DIR/store start_snapstore
  assert_fails_with 1 "no snap named wrappy-core" wrappy install --from-snap second-snap
  nothing_left
}

test_snap_uninstall() {
  start_snapstore
  ok wrappy install --from-snap hello-snap
  ok wrappy install --from-snap second-snap
  local app_layer
  app_layer=$(sed -n 's/^path=//p' "$XDG_DATA_HOME/wrappy/apps/$ID.manifest" | grep 'snap/hello-snap/')
  [ -d "$XDG_DATA_HOME/wrappy/$app_layer" ] || fail "no app layer at $app_layer"
  ok wrappy uninstall "$ID"
  assert_no_file "$XDG_DATA_HOME/wrappy/apps/$ID.manifest"
  assert_no_file "$XDG_DATA_HOME/wrappy/$app_layer"
  assert_no_file "$XDG_DATA_HOME/applications/$ID.desktop"
  assert_no_file "$XDG_DATA_HOME/icons/hicolor/48x48/apps/$ID.png"
  assert_not_contains "$(ostree refs --repo="$XDG_DATA_HOME/wrappy/repo")" "snap/hello-snap/"
  # The base stays for the other snap.
  ok wrappy run io.snapcraft.second-snap
  assert_contains "$OUT" "wrappy-core 1"
  assert_fails_with 1 "already installed" wrappy install --from-snap second-snap
}

# Issue 16, item 5: the home plug is the home's non-hidden files (snapd's meaning): a
# snap appended to ~/.bashrc through it. The attacker is a shell in the snap's layout.
snap_home_plug() {
  local level=$1
  start_snapstore
  ok wrappy install --from-snap hello-snap
  echo "# the user's own" >"$HOME/.bashrc"
  mkdir -p "$HOME/.hidden" "$HOME/Documents"
  echo "hidden secret" >"$HOME/.hidden/secret"
  echo "a document" >"$HOME/Documents/doc"
  ok wrappy run --isolation="$level" --command=sh "$ID" -c '
    cat "$SNAP_REAL_HOME/Documents/doc"
    cat "$SNAP_REAL_HOME/.hidden/secret" 2>/dev/null || echo "hidden=unreadable"
    echo "isolation=none" >>"$SNAP_REAL_HOME/.bashrc"
    echo new >"$SNAP_REAL_HOME/Documents/new" 2>/dev/null && echo "documents=writable"
    echo own >"$SNAP_USER_DATA/own" 2>/dev/null && echo "user-data=writable"
    true'
  assert_contains "$OUT" "a document" "a non-hidden file"
  assert_contains "$OUT" "hidden=unreadable" "a hidden file"
  assert_not_contains "$OUT" "hidden secret" "a hidden file"
  assert_eq "# the user's own" "$(cat "$HOME/.bashrc")" "the host's ~/.bashrc"
  if [ "$level" = paranoid ]; then
    assert_not_contains "$OUT" "documents=writable" "paranoid: read-only"
    assert_no_file "$HOME/Documents/new"
  else
    assert_contains "$OUT" "documents=writable"
    assert_file "$HOME/Documents/new"
    assert_contains "$OUT" "user-data=writable"
    assert_file "$HOME/snap/hello-snap/7/own"
  fi
}
test_snap_home_plug_partial() { snap_home_plug partial; }
test_snap_home_plug_full() { snap_home_plug full; }
test_snap_home_plug_paranoid() { snap_home_plug paranoid; }

# start_fake_bus: a listening unix socket named by DBUS_SESSION_BUS_ADDRESS, as a
# session bus would be.
start_fake_bus() {
  local i
  "$PYTHON" -c '
import os, signal, socket, sys
signal.alarm(300)
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
while True:
    s.accept()[0].close()
' "$T_DIR/bus" >/dev/null 2>&1 &
  echo $! >>"$T_DIR/.pids"
  for i in $(seq 100); do [ -S "$T_DIR/bus" ] && break; sleep 0.05; done
  [ -S "$T_DIR/bus" ] || fail "the fake bus did not start"
  export DBUS_SESSION_BUS_ADDRESS=unix:path=$T_DIR/bus
}

# Issue 16, item 5: the desktop plug (which snapd filters over D-Bus) gives no bus, also
# for a snap installed when it gave the whole bus; --socket=session-bus still does.
# The desktop plug: the names snapd's rules for it name, on the session bus filtered by
# xdg-dbus-proxy, never the whole bus (issue 16: through it a desktop snap ran a command
# on the host; issue 18: the filtered bus). The bus's socket itself is not in the sandbox.
test_snap_desktop_plug_gets_a_filtered_bus() {
  local m=$XDG_DATA_HOME/wrappy/apps/$ID.manifest
  local probe='echo "bus=${DBUS_SESSION_BUS_ADDRESS:-none}"; [ -S "/run/user/$(id -u)/bus" ] && echo bus-socket=present; [ -e "'"$T_DIR"'/bus" ] && echo real-bus=visible; true'
  start_snapstore
  start_fake_bus
  ok wrappy install --from-snap hello-snap
  assert_not_contains "$(grep '^sockets=' "$m")" "session-bus" "the manifest"
  assert_contains "$(grep '^session-bus-policy=' "$m")" "org.freedesktop.Notifications=talk"
  ok wrappy --verbose run --command=sh "$ID" -c "$probe"
  assert_contains "$OUT" "bus=unix:path=/run/user/$(id -u)/bus"
  assert_contains "$OUT" "bus-socket=present"
  assert_not_contains "$OUT" "real-bus=visible"
  assert_contains "$ERR" "--talk=org.freedesktop.Notifications"
  assert_contains "$ERR" "--talk=org.freedesktop.ScreenSaver"
  # A manifest from before: home and session-bus, as the plugs were read then: still
  # the filtered bus, not the whole one.
  sed -i 's/^sockets=\(.*\)/sockets=\1session-bus;/; s/^filesystems=snap-home;/filesystems=home;/' "$m"
  assert_contains "$(grep '^sockets=' "$m")" "session-bus" "the edited manifest"
  ok wrappy --verbose run --command=sh "$ID" -c "$probe"
  assert_contains "$ERR" "dbus-proxy:"
  assert_not_contains "$OUT" "real-bus=visible"
  # Asked on the command line, the whole bus is there, with no proxy.
  ok wrappy --verbose run --socket=session-bus --command=sh "$ID" -c "$probe"
  assert_contains "$OUT" "bus-socket=present"
  assert_not_contains "$ERR" "dbus-proxy:"
}

"$TOP_DIR/tests/fixtures/make-snaps.sh" "$SNAPS" || { echo "Bail out! could not build the snaps" >&2; exit 1; }
run_tests "$@"
