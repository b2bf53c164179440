#!/bin/bash
# The loader cache (issue 17): org.wrappy.PrivLib's program needs libwrappypriv.so.1
# from /app/lib and has no rpath, as most Flathub apps are built. wrappy runs the
# runtime's own ldconfig once in a sandbox of the app's layout and binds the result at
# /etc/ld.so.cache; flatpak run does the same, side by side here.
. "$(dirname "$0")/lib.sh"

APP=org.wrappy.PrivLib
HELLO="hello from libwrappypriv"

setup_privlib() {
  start_server
  cached_install $APP add_and_install $APP
  CACHE_DIR=$XDG_STATE_HOME/wrappy/$APP/ld.so
}

# the_cache: the one cache file of the app (fails when there is not exactly one).
the_cache() {
  local files
  files=$(ls -A "$CACHE_DIR" 2>/dev/null)
  [ "$(printf '%s\n' "$files" | grep -c .)" = 1 ] || fail "expected one loader cache, got [$files]"
  echo "$CACHE_DIR/$files"
}

test_ldcache_private_library_found_at_every_level() {
  setup_privlib
  local level
  for level in none partial full paranoid; do
    ok wrappy run --isolation=$level $APP
    assert_eq "$HELLO" "$OUT" "output at $level"
  done
}

test_ldcache_made_once_and_reused() {
  setup_privlib
  ok wrappy run $APP
  local f before after
  f=$(the_cache)
  before=$(stat -c '%i %Y' "$f")
  sleep 1
  ok wrappy --verbose run $APP
  assert_eq "$HELLO" "$OUT"
  after=$(stat -c '%i %Y' "$(the_cache)")
  assert_eq "$before" "$after" "the cache file after a second launch"
  assert_not_contains "$ERR" "no loader cache"
}

test_ldcache_read_only_and_not_the_apps_to_change() {
  setup_privlib
  ok wrappy run $APP
  run wrappy run --command=sh $APP -c 'echo x >/etc/ld.so.cache && echo WROTE'
  assert_not_contains "$OUT" "WROTE"
  # The app's home is beside the cache dir, not above it.
  ok wrappy run --command=sh $APP -c 'ls -a "$HOME"; ls -a "$HOME/.." 2>&1'
  assert_not_contains "$OUT" "ld.so"
}

test_ldcache_without_ldconfig_falls_back_to_library_path() {
  setup_privlib
  # A runtime without ldconfig (wrappy's own copy of the layer, changed after install):
  # Flatpak's fallback, LD_LIBRARY_PATH=/app/lib, still starts the app.
  local base
  base=$(find "$XDG_DATA_HOME/wrappy/layers/runtime/org.wrappy.Test.Platform" -maxdepth 4 \
    -name files -type d | head -n 1)
  [ -n "$base" ] || fail "no runtime layer"
  chmod -R u+w "$base/sbin" "$base/bin" 2>/dev/null
  rm -f "$base/sbin/ldconfig" "$base/bin/ldconfig"
  ok wrappy --verbose run $APP
  assert_eq "$HELLO" "$OUT"
  assert_contains "$ERR" "LD_LIBRARY_PATH=/app/lib"
}

# The runtime's ldconfig is the runtime's code: one that leaves a link (or anything but
# a plain file) where the cache should be gets no cache bound; the app still starts
# through the fallback, and nothing outside the app's own state is touched.
test_ldcache_planted_link_not_used() {
  setup_privlib
  local base
  base=$(find "$XDG_DATA_HOME/wrappy/layers/runtime/org.wrappy.Test.Platform" -maxdepth 4 \
    -name files -type d | head -n 1)
  [ -n "$base" ] || fail "no runtime layer"
  chmod -R u+w "$base/sbin" 2>/dev/null
  rm -f "$base/sbin/ldconfig"
  printf '#!/bin/sh\nln -s /etc/passwd "$3"\n' >"$base/sbin/ldconfig"
  chmod 0755 "$base/sbin/ldconfig"
  ok wrappy --verbose run $APP
  assert_eq "$HELLO" "$OUT"
  assert_contains "$ERR" "LD_LIBRARY_PATH=/app/lib"
  [ -z "$(find "$CACHE_DIR" -type l 2>/dev/null)" ] || fail "a link is left in $CACHE_DIR"
  [ -z "$(ls -A "$CACHE_DIR" 2>/dev/null)" ] || fail "a cache was kept: $(ls -A "$CACHE_DIR")"
}

test_ldcache_same_as_flatpak_run() {
  start_server
  command -v flatpak >/dev/null || skip "flatpak is not installed"
  ensure_system_bus || [ -S /run/dbus/system_bus_socket ] ||
    skip "no system D-Bus (flatpak needs one); run as root once to start it"
  run flatpak --user remote-add --no-gpg-verify fp "$SERVER_URL/repo"
  [ "$RC" = 0 ] || skip "flatpak remote-add fails here: $ERR"
  run flatpak --user install -y --noninteractive fp $APP
  [ "$RC" = 0 ] || skip "flatpak install fails here: $(printf '%s' "$ERR" | tail -1)"
  ok flatpak run $APP
  local fp=$OUT
  add_and_install $APP
  ok wrappy run $APP
  assert_eq "$fp" "$OUT" "flatpak run and wrappy run"
  assert_eq "$HELLO" "$OUT"
}

run_tests "$@"
