#!/bin/bash
# Extension keys that shape the layout (issue 17, item 1), on a runtime made with the real
# `flatpak build-export` (tests/fixtures/make-ext-repo.sh): org.wrappy.ExtUser links a
# library only the GL.default extension has and one only Plugin.one has, both found
# through add-ld-path (/run/flatpak/ld.so.conf.d/runtime-NNN-ID.conf, included by the
# runtime's ld.so.conf) and the per-app loader cache; GL.default's egl_vendor.d entry is
# merged into lib/GL/glvnd/egl_vendor.d (merge-dirs); Plugin.one sits at
# lib/plugins/one/x86_64 (subdirectory-suffix); Never's enable-if does not hold here.
# The same app under `flatpak run` in the same tests.
. "$(dirname "$0")/lib.sh"

APP=org.wrappy.ExtUser
RT=org.wrappy.Ext.Platform
GREETING="hello from the GL extension
hello from the plugin extension"
: "${WRAPPY_EXT_FIXTURES:=$(dirname "$WRAPPY_FIXTURES")/wrappy-ext-$(
  "$LIB_DIR/../fixtures/make-ext-repo.sh" --print-hash)}"
EXT_FIX=$WRAPPY_EXT_FIXTURES
"$LIB_DIR/../fixtures/make-ext-repo.sh" "$EXT_FIX" ||
  { echo "Bail out! could not build the extension fixture" >&2; exit 1; }

setup_ext() {
  start_server "$EXT_FIX"
  add_remote ext
  install_app $APP ext
}

# The layout script: what the app sees of the extensions.
LAYOUT='for f in /run/flatpak/ld.so.conf.d/*; do echo "conf $f: $(cat "$f")"; done
readlink /usr/lib/GL/glvnd/egl_vendor.d/50_wrappy.json
ls /usr/lib/plugins/one/x86_64/lib
cat /usr/lib/never/marker 2>/dev/null || echo "no never"'

check_conf() {
  assert_contains "$OUT" "conf /run/flatpak/ld.so.conf.d/runtime-001-$RT.GL.default.conf: /usr/lib/GL/default/lib"
  assert_contains "$OUT" "conf /run/flatpak/ld.so.conf.d/runtime-002-$RT.Plugin.one.conf: /usr/lib/plugins/one/x86_64/lib"
}

check_layout() {
  assert_contains "$OUT" "/usr/lib/GL/default/glvnd/egl_vendor.d/50_wrappy.json"
  assert_contains "$OUT" "libwrappyplug.so.1"
  assert_contains "$OUT" "no never"
}

test_extensions_installed_as_download_if_says() {
  setup_ext
  ok wrappy info $APP
  assert_contains "$OUT" "$RT.GL.default"
  assert_contains "$OUT" "$RT.Plugin.one"
}

test_extensions_libraries_found_at_each_level() {
  setup_ext
  local level
  for level in partial full paranoid; do
    ok wrappy run --isolation=$level $APP
    assert_eq "$GREETING" "$OUT" "output at $level"
  done
}

test_extensions_layout() {
  setup_ext
  ok wrappy run --command=sh $APP -c "$LAYOUT"
  check_conf
  check_layout
}

# The cache covers the extensions' library dirs: made once, and a new one when the
# extensions the app gets change (here: no GL driver is active any more).
test_extensions_cache_made_once_and_keyed_by_extensions() {
  setup_ext
  local dir=$XDG_STATE_HOME/wrappy/$APP/ld.so first
  ok wrappy run $APP
  first=$(ls "$dir")
  ok wrappy run $APP
  assert_eq "$first" "$(ls "$dir")" "the cache after a second launch"
  FLATPAK_GL_DRIVERS=wrappy-none run wrappy run --command=sh $APP -c "$LAYOUT"
  assert_not_contains "$OUT" "GL.default.conf"
  [ "$first" != "$(ls "$dir")" ] || fail "the cache was not remade for new extensions"
}

# Attacks: an extension's metadata that would write loader configuration or links
# outside its layer is refused at install, with nothing installed.
test_extensions_hostile_keys_refused() {
  local d=$T_DIR/bad key
  for key in 'add-ld-path=../../../etc' 'add-ld-path=lib\ninclude /home' \
    'merge-dirs=../../../etc' 'subdirectory-suffix=../..'; do
    rm -rf "$d"
    mkdir -p "$d/usr/bin" "$d/files"
    cp /bin/true "$d/usr/bin/"
    printf '[Runtime]\nname=org.wrappy.Bad.Platform\n\n[Extension org.wrappy.Bad.Platform.X]\ndirectory=lib/x\n%s\n' \
      "$key" >"$d/metadata"
    rm -rf "$T_DIR/repo"
    ostree init --mode=archive-z2 --repo="$T_DIR/repo" >/dev/null
    flatpak build-export --runtime --files=usr "$T_DIR/repo" "$d" 1 >/dev/null 2>&1 ||
      fail "build-export of $key"
    local a=$T_DIR/badapp
    rm -rf "$a"
    mkdir -p "$a/files/bin"
    printf '[Application]\nname=org.wrappy.BadExt\nruntime=org.wrappy.Bad.Platform/x86_64/1\ncommand=true\n' >"$a/metadata"
    flatpak build-finish "$a" >/dev/null 2>&1
    flatpak build-export "$T_DIR/repo" "$a" stable >/dev/null 2>&1 || fail "build-export app"
    flatpak build-update-repo "$T_DIR/repo" >/dev/null 2>&1
    start_server --own "$T_DIR"
    ok wrappy remote add --no-gpg-verify "bad$RANDOM" "$SERVER_URL/repo"
    local remote
    remote=$(wrappy remote list 2>/dev/null | awk '/^bad/{print $1}' | tail -1)
    run wrappy install --from-flathub org.wrappy.BadExt --remote "$remote"
    [ "$RC" != 0 ] || fail "installed with $key"
    assert_contains "$ERR" "not a safe relative path" "the error for $key"
    [ "$(printf '%s\n' "$ERR" | grep -v '…$' | grep -c .)" = 1 ] || fail "more than one error line: $ERR"
    assert_no_file "$XDG_DATA_HOME/wrappy/apps/org.wrappy.BadExt.manifest"
  done
}

use_flatpak_ext() {
  command -v flatpak >/dev/null || skip "flatpak is not installed"
  ensure_system_bus || [ -S /run/dbus/system_bus_socket ] ||
    skip "no system D-Bus (flatpak needs one); run as root once to start it"
  run flatpak --user remote-add --if-not-exists --no-gpg-verify ext "file://$EXT_FIX/repo"
  [ "$RC" = 0 ] || skip "flatpak remote-add fails here: $ERR"
  run flatpak --user install -y --noninteractive ext $APP
  [ "$RC" = 0 ] || skip "flatpak install fails here: $(printf '%s' "$ERR" | tail -1)"
}

test_extensions_under_flatpak() {
  use_flatpak_ext
  run flatpak run $APP
  [ "$RC" = 0 ] || fail "flatpak run: $ERR"
  assert_eq "$GREETING" "$OUT" "flatpak run's output"
  run flatpak run --command=sh $APP -c "$LAYOUT"
  note "flatpak: $(printf '%s' "$OUT" | tr '\n' '|')"
  # flatpak 1.14 writes the ld.so.conf.d files only into the sandbox that runs
  # ldconfig; wrappy leaves them in the app's too (docs/sandbox.md).
  check_layout
  # What flatpak installed of the runtime's extensions, beside wrappy's.
  run flatpak --user list --runtime --columns=application
  assert_contains "$OUT" "$RT.GL.default"
  assert_contains "$OUT" "$RT.Plugin.one"
}

# /.flatpak-info names the extensions in use with their commits, as flatpak's does
# (runtime-extensions: "ID=COMMIT;…"); the same app under `flatpak run` lists the same.
INFO_EXT='import configparser, sys
c = configparser.ConfigParser(interpolation=None, strict=False)
c.read_string(sys.stdin.read())
print(" ".join(sorted(c["Instance"].get("runtime-extensions", "").strip(";").split(";"))))
print("app-extensions" in c["Instance"])'

test_extensions_named_in_flatpak_info() {
  setup_ext
  ok wrappy run --command=cat $APP -- /.flatpak-info
  local mine
  mine=$(printf '%s' "$OUT" | "$PYTHON" -c "$INFO_EXT") || fail "no key file: $OUT"
  assert_contains "$mine" "$RT.GL.default="
  assert_contains "$mine" "$RT.Plugin.one="
  assert_contains "$mine" "False"
  assert_not_contains "$mine" "Never"
  use_flatpak_ext
  run flatpak run --command=cat $APP /.flatpak-info
  [ "$RC" = 0 ] || fail "flatpak run: $ERR"
  assert_eq "$(printf '%s' "$OUT" | "$PYTHON" -c "$INFO_EXT")" "$mine" "flatpak's extensions"
}

run_tests "$@"
