#!/bin/bash
# AppImages: install from a file and from a URL (resumed), run at every level with the
# variables AppImages expect, desktop export, list/info/uninstall, and malformed files
# rejected with one line and nothing left behind. Fixtures: tests/fixtures/make-appimage.sh.
. "$(dirname "$0")/lib.sh"

LEVELS="none partial full paranoid"
AI_FIX=${WRAPPY_FIXTURES}-appimage
"$LIB_DIR/../fixtures/make-appimage.sh" "$AI_FIX" ||
  { echo "Bail out! could not build the AppImage fixtures" >&2; exit 1; }

STORE() { echo "$XDG_DATA_HOME/wrappy"; }

# Nothing of a failed install: no manifest, no layer, no ref, no temporary dir.
assert_store_empty() {
  local s
  s=$(STORE)
  [ -z "$(ls -A "$s/apps" 2>/dev/null)" ] || fail "apps/ is not empty: $(ls -A "$s/apps")"
  [ -z "$(ls -A "$s/layers" 2>/dev/null)" ] || fail "layers/ is not empty: $(ls -A "$s/layers")"
  if [ -d "$s/repo" ]; then
    [ -z "$(ostree refs --repo="$s/repo")" ] || fail "refs left: $(ostree refs --repo="$s/repo")"
  fi
  [ -z "$(ls -A "$XDG_CACHE_HOME/wrappy/downloads" 2>/dev/null)" ] ||
    fail "downloads left: $(ls -A "$XDG_CACHE_HOME/wrappy/downloads")"
}

test_install_file_list_info() {
  ok wrappy install "$AI_FIX/aitool.AppImage"
  assert_contains "$OUT" "Installed org.example.AiTool 1.2.3"
  ok wrappy list --json
  assert_eq appimage "$(json '[a for a in j if a["id"] == "org.example.AiTool"][0]["source"]')"
  assert_eq host "$(json '[a for a in j if a["id"] == "org.example.AiTool"][0]["base"]')"
  assert_eq "AI Tool" "$(json '[a for a in j if a["id"] == "org.example.AiTool"][0]["name"]')"
  ok wrappy info org.example.AiTool
  assert_contains "$OUT" "appimage"
  assert_contains "$OUT" "/app/AppRun"
  # The update information of the runtime's .upd_info section, for `wrappy update`.
  grep -q '^update-info=zsync|http://127.0.0.1/aitool-latest.AppImage.zsync$' \
    "$(STORE)/apps/org.example.AiTool.manifest" || fail "no update-info in the manifest"
  ok wrappy install "$AI_FIX/hello.AppImage"
  assert_contains "$OUT" "io.appimage.hello"
  assert_fails_with 1 "already installed" wrappy install "$AI_FIX/aitool.AppImage"
}

test_run_every_level() {
  local l
  ok wrappy install --from-appimage "$AI_FIX/aitool.AppImage"
  mkdir -p "$HOME/work"
  cd "$HOME/work"
  for l in $LEVELS; do
    ok wrappy run --isolation="$l" org.example.AiTool -- one "two words"
    assert_contains "$OUT" "APPDIR=/app"
    assert_contains "$OUT" "APPIMAGE=$AI_FIX/aitool.AppImage"
    assert_contains "$OUT" "ARGV0=$AI_FIX/aitool.AppImage"
    assert_contains "$OUT" "OWD=$HOME/work"
    assert_contains "$OUT" "args=one two words"
    assert_contains "$OUT" "payload data"
  done
  # The payload's symlink to the host's /etc/passwd was recreated, not followed.
  ok wrappy run --command=readlink org.example.AiTool /app/usr/share/host-passwd
  assert_eq /etc/passwd "$OUT"
}

test_no_apprun_and_type1() {
  ok wrappy install "$AI_FIX/hello.AppImage"
  ok wrappy run io.appimage.hello
  assert_eq "hello from /app" "$OUT"
  ok wrappy install "$AI_FIX/isotool.AppImage"
  assert_contains "$OUT" "org.example.IsoTool"
  ok wrappy run --isolation=full org.example.IsoTool
  assert_contains "$OUT" "iso payload"
  assert_contains "$OUT" "APPDIR=/app"
}

test_desktop_export() {
  local d
  ok wrappy install "$AI_FIX/aitool.AppImage"
  d=$XDG_DATA_HOME/applications/org.example.AiTool.desktop
  assert_file "$d"
  assert_file "$XDG_DATA_HOME/icons/hicolor/48x48/apps/org.example.AiTool.png"
  command -v desktop-file-validate >/dev/null && { ok desktop-file-validate "$d"; }
  grep -q '^Exec=.* run .*org.example.AiTool' "$d" || fail "Exec does not go through wrappy run"
  grep -q '^Icon=org.example.AiTool$' "$d" || fail "Icon is not the app ID"
  # The exported Exec line runs.
  ok wrappy run --command=/app/AppRun org.example.AiTool -- file.txt
  assert_contains "$OUT" "args=file.txt"
}

test_install_from_url() {
  start_server "$AI_FIX"
  ok wrappy install --from-appimage "$SERVER_URL/aitool.AppImage"
  # Not a terminal: no progress bar, only the final line.
  assert_eq 1 "$(grep -c Downloading <<<"$ERR")" "progress lines"
  assert_contains "$ERR" "Downloading aitool.AppImage: "
  assert_not_contains "$ERR" "%"
  ok wrappy list --json
  assert_eq "$SERVER_URL/aitool.AppImage" \
    "$(json '[a for a in j if a["id"] == "org.example.AiTool"][0]["origin"]')"
  ok wrappy run org.example.AiTool
  assert_contains "$OUT" "payload data"
  [ -z "$(ls -A "$XDG_CACHE_HOME/wrappy/downloads")" ] || fail "the download was kept"
  # `install URL` picks the adapter by the name.
  ok wrappy install "$SERVER_URL/hello.AppImage"
  assert_contains "$OUT" "io.appimage.hello"
}

test_install_from_url_resumes() {
  local log=$T_DIR/http.log dl=$XDG_CACHE_HOME/wrappy/downloads
  start_server --log "$log" "$AI_FIX"
  mkdir -p "$dl"
  head -c 1000 "$AI_FIX/aitool.AppImage" >"$dl/aitool.AppImage.part"
  ok wrappy install --from-appimage "$SERVER_URL/aitool.AppImage"
  grep -q '^range /aitool.AppImage 1000$' "$log" || fail "the download did not resume: $(cat "$log")"
  ok wrappy run org.example.AiTool
  assert_contains "$OUT" "payload data"
  # A .part that is not a prefix of the file any more (longer than it) starts over.
  ok wrappy uninstall org.example.AiTool
  head -c 100000 /dev/zero >"$dl/aitool.AppImage.part"
  ok wrappy install --from-appimage "$SERVER_URL/aitool.AppImage"
}

test_url_errors() {
  start_server "$AI_FIX"
  assert_fails_with 1 "404" wrappy install --from-appimage "$SERVER_URL/missing.AppImage"
  assert_store_empty
  assert_fails_with 1 "not an ELF" wrappy install --from-appimage "$SERVER_URL/bad/not-elf.AppImage"
  assert_store_empty
  assert_fails_with 1 "cannot download" wrappy install --from-appimage "$(closed_port_url)/x.AppImage"
}

test_malformed_rejected() {
  local f pat
  for f in not-elf:"not an ELF" tiny:truncated truncated:truncated \
    bad-offset:"past the end" not-squashfs:"not a squashfs" elf32:architecture \
    escape-dotdot:"unsafe name" escape-dup:"appears twice"; do
    pat=${f#*:}
    f=${f%%:*}
    assert_fails_with 1 "$pat" wrappy install "$AI_FIX/bad/$f.AppImage"
    assert_contains "$ERR" "$f.AppImage"
    assert_fails_with 1 "$pat" wrappy install --from-appimage "$AI_FIX/bad/$f.AppImage"
    assert_store_empty
  done
  assert_no_file /tmp/escaped
  ok wrappy list
  assert_not_contains "$OUT" "Evil"
}

test_uninstall() {
  local layer s
  s=$(STORE)
  ok wrappy install "$AI_FIX/aitool.AppImage"
  layer=$(sed -n 's/^path=\(layers\/.*\)\/files$/\1/p' "$s/apps/org.example.AiTool.manifest")
  [ -d "$s/$layer" ] || fail "no layer at $layer"
  ok wrappy uninstall org.example.AiTool
  assert_no_file "$s/apps/org.example.AiTool.manifest"
  assert_no_file "$s/$layer"
  assert_no_file "$XDG_DATA_HOME/applications/org.example.AiTool.desktop"
  assert_no_file "$XDG_DATA_HOME/icons/hicolor/48x48/apps/org.example.AiTool.png"
  [ -z "$(ostree refs --repo="$s/repo")" ] || fail "the ref stayed: $(ostree refs --repo="$s/repo")"
  # And back.
  ok wrappy install "$AI_FIX/aitool.AppImage"
  ok wrappy run org.example.AiTool
  assert_contains "$OUT" "payload data"
}

run_tests "$@"
