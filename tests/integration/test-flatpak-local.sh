#!/bin/bash
# Flatpak users move in without downloading twice (issue 19, item 8): what the user's
# real Flatpak installation (flatpak --user install from the test's loopback remote)
# already holds whole is pulled from ~/.local/share/flatpak/repo with libostree, every
# object checksummed; the HTTP server's log shows which objects were still fetched.
. "$(dirname "$0")/lib.sh"

# flatpak_ready [PATH APP]: APP (org.wrappy.Hello) installed by the real flatpak, for this
# test's user, from the remote at $SERVER_URL/PATH (repo), and run by it.
flatpak_ready() {
  local path=${1:-repo} app=${2:-org.wrappy.Hello}
  command -v flatpak >/dev/null || skip "flatpak is not installed"
  ensure_system_bus || [ -S /run/dbus/system_bus_socket ] ||
    skip "no system D-Bus (flatpak needs one for its parental-controls check); run as root once to start it"
  run flatpak --user remote-add --no-gpg-verify fp "$SERVER_URL/$path"
  [ "$RC" = 0 ] || skip "flatpak remote-add fails here: $ERR"
  run flatpak --user install -y --noninteractive fp "$app"
  [ "$RC" = 0 ] || skip "flatpak install fails here: $(printf '%s' "$ERR" | tail -1)"
  run flatpak run "$app"
  [ "$RC" = 0 ] || skip "flatpak run cannot work in this environment: $(printf '%s' "$ERR" | tail -1)"
  FP_OUT=$OUT
  FP_REPO=$XDG_DATA_HOME/flatpak/repo
  [ -d "$FP_REPO/objects" ] || fail "flatpak's user repo is not at $FP_REPO"
}

# objects_of REF: the object paths (objects/xx/yyy) of every file and directory of REF in
# the fixture repo.
objects_of() {
  ostree --repo="$WRAPPY_FIXTURES/repo" ls -R -C "$1" |
    grep -oE '[0-9a-f]{64}' | sort -u | sed -E 's|^(..)(.*)$|objects/\1/\2|'
}

# fetched_any OBJECTS…: whether the server's log shows one of them fetched.
fetched_any() {
  local o
  for o in "$@"; do
    grep -q "$o" "$T_DIR/http.log" && return 0
  done
  return 1
}

test_install_takes_objects_from_flatpak() {
  use_own_server
  start_server --log "$T_DIR/http.log"
  flatpak_ready
  : >"$T_DIR/http.log"
  add_remote test
  ok wrappy install --from-flathub org.wrappy.Hello --remote test
  assert_contains "$ERR" "Taking app/org.wrappy.Hello/x86_64/stable from the Flatpak installation in $FP_REPO"
  assert_contains "$ERR" "Taking runtime/org.wrappy.Test.Platform/x86_64/1 from the Flatpak installation in $FP_REPO"
  # Not one object of the app or of its runtime came over HTTP (the summary did: it names
  # the commits that were taken).
  mapfile -t objs < <(objects_of app/org.wrappy.Hello/x86_64/stable; objects_of runtime/org.wrappy.Test.Platform/x86_64/1)
  [ "${#objs[@]}" -gt 10 ] || fail "too few objects listed: ${#objs[@]}"
  if fetched_any "${objs[@]}"; then
    fail "objects were downloaded again: $(grep -c objects/ "$T_DIR/http.log") requests"
  fi
  assert_contains "$(cat "$T_DIR/http.log")" "/repo/summary"
  # Flatpak installed its Locale extension whole here (no language subset): that came from
  # it too, and no object at all was fetched but the commits' detached metadata (their
  # signatures, which the pull from the remote checks as for any commit).
  if grep -q "Taking runtime/org.wrappy.Test.Platform.Locale/" <<<"$ERR"; then
    assert_eq "" "$(grep '/objects/' "$T_DIR/http.log" | grep -v '\.commitmeta ')" "objects fetched"
  fi
  # The same commits as the remote's, and the same output as flatpak run's.
  ok wrappy info --json org.wrappy.Hello
  assert_eq "$(ostree --repo="$WRAPPY_FIXTURES/repo" rev-parse app/org.wrappy.Hello/x86_64/stable)" \
    "$(json '[l["commit"] for l in j["layers"] if l["kind"] == "app"][0]')" "the app's commit"
  ok wrappy run org.wrappy.Hello
  assert_eq "$FP_OUT" "$OUT" "wrappy run and flatpak run"
}

# A damaged object in Flatpak's repo is not taken: the local pull checksums every
# object, fails, and the download fetches the commit as if there were no Flatpak.
test_damaged_local_object_is_downloaded() {
  use_own_server
  start_server --log "$T_DIR/http.log"
  flatpak_ready
  local victim path
  victim=$(ostree --repo="$WRAPPY_FIXTURES/repo" ls -R -C app/org.wrappy.Hello/x86_64/stable |
    awk '$1 ~ /^-/ && $4 > 0 {print $5; exit}')
  [ -n "$victim" ] || fail "no file object in the app"
  path=$(ls "$FP_REPO/objects/${victim:0:2}/${victim:2}".file* 2>/dev/null | head -n 1)
  [ -n "$path" ] || fail "flatpak's repo has no object $victim"
  chmod u+w "$path"
  printf 'tampered' >"$path"
  : >"$T_DIR/http.log"
  add_remote test
  ok wrappy install --from-flathub org.wrappy.Hello --remote test
  assert_contains "$ERR" "Cannot take app/org.wrappy.Hello/x86_64/stable from $FP_REPO ("
  assert_contains "$ERR" "); downloading it"
  assert_eq 1 "$(printf '%s\n' "$ERR" | grep -c 'Taking app/')" "tried once"
  assert_contains "$(cat "$T_DIR/http.log")" "objects/${victim:0:2}/${victim:2}"
  ok wrappy run org.wrappy.Hello
  assert_eq "$FP_OUT" "$OUT" "the app as the remote has it"
  ok ostree fsck --repo="$XDG_DATA_HOME/wrappy/repo"
}

# Flatpak has another version of the app and runtime (update/v1) than the remote names
# (update/v2): nothing is taken, the remote's commits are downloaded.
test_other_commit_in_flatpak_is_not_taken() {
  use_own_server
  start_server --log "$T_DIR/http.log" "$WRAPPY_FIXTURES/update"
  flatpak_ready v1/repo org.wrappy.Upd
  ok wrappy remote add --no-gpg-verify test "$SERVER_URL/v2/repo"
  ok wrappy install --from-flathub org.wrappy.Upd --remote test
  assert_not_contains "$ERR" "Taking app/" "a commit the remote does not name"
  assert_not_contains "$ERR" "Taking runtime/org.wrappy.Test.Platform/" "a commit the remote does not name"
  ok wrappy info --json org.wrappy.Upd
  assert_eq "$(ostree --repo="$WRAPPY_FIXTURES/update/v2/repo" rev-parse app/org.wrappy.Upd/x86_64/stable)" \
    "$(json '[l["commit"] for l in j["layers"] if l["kind"] == "app"][0]')" "the remote's commit"
}

# An update Flatpak already has (it updated first) is taken from it as well.
test_update_takes_objects_from_flatpak() {
  use_own_server
  start_server --log "$T_DIR/http.log" "$WRAPPY_FIXTURES/update"
  flatpak_ready v2/repo org.wrappy.Upd
  ok wrappy remote add --no-gpg-verify test "$SERVER_URL/v1/repo"
  ok wrappy install --from-flathub org.wrappy.Upd --remote test
  assert_not_contains "$ERR" "Taking app/" "v1 is not what flatpak has"
  ok wrappy remote add --replace --no-gpg-verify test "$SERVER_URL/v2/repo"
  : >"$T_DIR/http.log"
  ok wrappy update --yes org.wrappy.Upd
  assert_contains "$ERR" "Taking app/org.wrappy.Upd/x86_64/stable from the Flatpak installation in $FP_REPO"
  mapfile -t objs < <(ostree --repo="$WRAPPY_FIXTURES/update/v2/repo" ls -R -C app/org.wrappy.Upd/x86_64/stable |
    grep -oE '[0-9a-f]{64}' | sort -u | sed -E 's|^(..)(.*)$|objects/\1/\2|')
  if fetched_any "${objs[@]}"; then
    fail "objects of the app were downloaded again"
  fi
  ok wrappy run org.wrappy.Upd
  assert_eq "$FP_OUT" "$OUT" "the updated app as flatpak runs it"
}

run_tests "$@"
