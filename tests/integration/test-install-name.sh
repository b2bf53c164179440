#!/bin/bash
# wrappy install NAME|ID (issue 19, item 2): every configured remote, the AppImage catalog
# and the Snap Store are asked (a stand-in of each on loopback, or a closed port); one
# match is installed and where it came from said; several are listed, asked about on a
# terminal (a real one: `script` runs wrappy on a pty) and, without one, exit 1 with the
# list. --from-flathub ID without --remote tries each configured remote that has the app.
# (Snaps by name, install and run: test-snap.sh.)
. "$(dirname "$0")/lib.sh"

AI_FIX=${WRAPPY_FIXTURES}-appimage
"$LIB_DIR/../fixtures/make-appimage.sh" "$AI_FIX" ||
  { echo "Bail out! could not build the AppImage fixtures" >&2; exit 1; }

# serve: the Flatpak repos and an AppImage feed whose one item is "Hello", on one server.
serve() {
  local www=$T_DIR/www
  mkdir -p "$www/files"
  ln -s "$WRAPPY_FIXTURES/repo" "$www/repo"
  ln -s "$WRAPPY_FIXTURES/catalog" "$www/catalog"
  cp "$AI_FIX/hello.AppImage" "$www/files/"
  start_server "$www"
  cat >"$www/feed.json" <<EOF
{"version": 1, "items": [
  {"name": "Hello", "description": "Says hello.",
   "links": [{"type": "Download", "url": "$SERVER_URL/files/hello.AppImage"}]}
]}
EOF
  export WRAPPY_APPIMAGE_FEED_URL=$SERVER_URL/feed.json
}

nothing_installed() {
  [ -z "$(ls -A "$XDG_DATA_HOME/wrappy/apps" 2>/dev/null)" ] ||
    fail "an app was installed: $(ls "$XDG_DATA_HOME/wrappy/apps")"
}

# on_terminal INPUT CMD…: CMD on a pty (script), INPUT typed at it; OUT is what the
# terminal showed, RC "rc=" and its exit status.
on_terminal() {
  local input=$1 cmd
  shift
  cmd=$(printf '%q ' "$@")
  OUT=$(printf '%s' "$input" | script -qec "$cmd; echo rc=\$?" /dev/null 2>&1 | tr -d '\r')
  RC=$(printf '%s\n' "$OUT" | grep '^rc=' | tail -n 1)
}

test_install_by_id_one_match() {
  serve
  add_remote test
  ok wrappy install org.wrappy.Hello
  assert_contains "$OUT" "Installed org.wrappy.Hello"
  assert_contains "$ERR" "Found org.wrappy.Hello in Flatpak remote 'test'"
  # Every source answered (an ID is no snap name: the store is not asked).
  assert_not_contains "$ERR" "warning"
  ok wrappy run org.wrappy.Hello
  assert_contains "$OUT" "hello from org.wrappy.Hello"
}

test_install_by_name_with_sources_down() {
  # The feed and the Snap Store are closed ports: one warning each, and the remote
  # still answers.
  start_server
  add_remote test
  ok wrappy install hello
  assert_contains "$OUT" "Installed org.wrappy.Hello"
  assert_contains "$ERR" "Found org.wrappy.Hello in Flatpak remote 'test'"
  assert_eq 2 "$(printf '%s\n' "$ERR" | grep -c '^warning: ')" "one warning per unreachable source"
  assert_contains "$ERR" "127.0.0.1:9"
}

test_several_matches_without_terminal() {
  serve
  add_remote test
  assert_fails_with 1 "'hello' names 2 apps \(listed above\); install one with the command shown beside it" \
    wrappy install hello </dev/null
  assert_contains "$ERR" "'hello' names 2 apps:"
  assert_contains "$ERR" "wrappy install --from-flathub org.wrappy.Hello --remote test"
  assert_contains "$ERR" "wrappy install --from-appimage Hello"
  assert_contains "$ERR" "AppImage catalog 'appimagehub'"
  nothing_installed
}

test_several_matches_on_terminal() {
  serve
  add_remote test
  on_terminal $'2\n' "$WRAPPY" install hello
  assert_eq "rc=0" "$RC" "exit status on the terminal"
  assert_contains "$OUT" "'hello' names 2 apps:"
  assert_contains "$OUT" "Install which one? [1-2, Enter to cancel]"
  assert_contains "$OUT" "Found Hello in AppImage catalog 'appimagehub'"
  assert_contains "$OUT" "Installed io.appimage.hello"
  ok wrappy list --json
  assert_eq appimage "$(json '[a["source"] for a in j if a["id"] == "io.appimage.hello"][0]')"
  # The first one, on the other hand, is the remote's.
  on_terminal $'1\n' "$WRAPPY" install hello
  assert_eq "rc=0" "$RC"
  assert_contains "$OUT" "Installed org.wrappy.Hello"
}

test_several_matches_cancelled_or_bad_answer() {
  serve
  add_remote test
  on_terminal $'\n' "$WRAPPY" install hello
  assert_eq "rc=1" "$RC"
  assert_contains "$OUT" "error: cancelled; nothing was installed"
  on_terminal $'7\n' "$WRAPPY" install hello
  assert_eq "rc=2" "$RC"
  assert_contains "$OUT" "error: '7' is not a number from 1 to 2; nothing was installed"
  nothing_installed
}

test_same_app_on_two_remotes() {
  serve
  add_remote test
  add_remote mirror
  assert_fails_with 1 "'org.wrappy.Hello' names 2 apps" wrappy install org.wrappy.Hello </dev/null
  assert_contains "$ERR" "wrappy install --from-flathub org.wrappy.Hello --remote test"
  assert_contains "$ERR" "wrappy install --from-flathub org.wrappy.Hello --remote mirror"
  on_terminal $'2\n' "$WRAPPY" install org.wrappy.Hello
  assert_eq "rc=0" "$RC"
  assert_contains "$OUT" "Found org.wrappy.Hello in Flatpak remote 'test'"
  ok wrappy info org.wrappy.Hello
  assert_contains "$OUT" "Origin:      remote 'test' ("
}

test_not_found() {
  serve
  add_remote test
  assert_fails_with 1 "no app called 'org.wrappy.Nope' in any source \(flathub, appimage, snap\)" \
    wrappy install org.wrappy.Nope
  # With a source down, the message says only those that answered were asked.
  unset WRAPPY_APPIMAGE_FEED_URL
  export WRAPPY_APPIMAGE_FEED_URL=http://127.0.0.1:9/feed.json
  rm -rf "$XDG_CACHE_HOME/wrappy"
  assert_fails_with 1 "no app called 'nope' in the sources that answered" wrappy install nope
  nothing_installed
}

test_missing_file() {
  assert_fails_with 1 "^error: ./nope.flatpak: no such file$" wrappy install ./nope.flatpak
  assert_fails_with 1 "^error: nope.AppImage: no such file$" wrappy install nope.AppImage
  nothing_installed
}

test_from_flathub_tries_each_remote() {
  serve
  # "another" (sorted first) has no Hello, "dead" cannot be reached: both are passed over.
  ok wrappy remote add --no-gpg-verify another "$SERVER_URL/catalog/repo"
  ok wrappy remote add --no-gpg-verify dead "$(closed_port_url)/repo"
  add_remote test
  ok wrappy install --from-flathub org.wrappy.Hello
  assert_contains "$OUT" "Installed org.wrappy.Hello"
  assert_contains "$OUT" "from test"
  assert_eq 1 "$(printf '%s\n' "$ERR" | grep -c "^warning: cannot reach remote 'dead'")" \
    "one line for the remote that cannot be asked"
  assert_fails_with 1 "org.wrappy.Nope was not found on any configured remote \(another, dead, test\)" \
    wrappy install --from-flathub org.wrappy.Nope
}

run_tests "$@"
