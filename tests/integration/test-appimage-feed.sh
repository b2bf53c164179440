#!/bin/bash
# Install by name from the AppImage catalog: a feed served on loopback lists an item with a
# direct .AppImage link and one linking a GitHub repository, whose latest release comes
# from a stand-in of the GitHub API (static files on the same server). Unknown names and a
# malformed feed fail with one line and install nothing.
. "$(dirname "$0")/lib.sh"

AI_FIX=${WRAPPY_FIXTURES}-appimage
"$LIB_DIR/../fixtures/make-appimage.sh" "$AI_FIX" ||
  { echo "Bail out! could not build the AppImage fixtures" >&2; exit 1; }

STORE() { echo "$XDG_DATA_HOME/wrappy"; }

# serve_catalog: the site (feed, files, API) under $T_DIR/www, served; the feed and the
# API point wrappy at it.
serve_catalog() {
  local www=$T_DIR/www arch other
  mkdir -p "$www/files" "$www/api/repos/acme/hello-app/releases" \
    "$www/api/repos/acme/empty/releases"
  cp "$AI_FIX/aitool.AppImage" "$AI_FIX/hello.AppImage" "$www/files/"
  start_server "$www"
  case "$(uname -m)" in
    aarch64) arch=arm64; other=x86_64 ;;
    *) arch=$(uname -m); other=aarch64 ;;
  esac
  cat >"$www/feed.json" <<EOF
{"version": 1, "home_page_url": "https://appimage.github.io/", "items": [
  {"name": "AiTool", "description": "<p>A tool for tests. It prints things.</p>",
   "categories": ["Utility"], "authors": [{"name": "example", "url": "https://example.org"}],
   "license": null, "icons": null, "screenshots": null,
   "links": [{"type": "Download", "url": "$SERVER_URL/files/aitool.AppImage"}]},
  {"name": "Hello", "description": "Says hello.", "categories": ["Development"],
   "links": [{"type": "GitHub", "url": "acme/hello-app"},
             {"type": "Download", "url": "https://github.com/acme/hello-app/releases"}]},
  {"name": "Empty", "description": "Ships no AppImage.", "categories": null,
   "links": [{"type": "GitHub", "url": "acme/empty"}]},
  {"name": "bad..name", "links": [{"type": "Download", "url": "$SERVER_URL/files/hello.AppImage"}]}
]}
EOF
  cat >"$www/api/repos/acme/hello-app/releases/latest" <<EOF
{"tag_name": "v1.0", "assets": [
  {"name": "hello-$arch.AppImage.zsync", "browser_download_url": "$SERVER_URL/files/missing.zsync"},
  {"name": "hello-$other.AppImage", "browser_download_url": "$SERVER_URL/files/missing-other"},
  {"name": "hello-$arch.AppImage", "browser_download_url": "$SERVER_URL/files/hello.AppImage"}
]}
EOF
  cat >"$www/api/repos/acme/empty/releases/latest" <<EOF
{"tag_name": "v1", "assets": [{"name": "empty.tar.gz", "browser_download_url": "$SERVER_URL/x"}]}
EOF
  export WRAPPY_APPIMAGE_FEED_URL=$SERVER_URL/feed.json WRAPPY_GITHUB_API_URL=$SERVER_URL/api
}

assert_nothing_installed() {
  [ -z "$(ls -A "$(STORE)/apps" 2>/dev/null)" ] || fail "apps/ is not empty: $(ls -A "$(STORE)/apps")"
  [ -z "$(ls -A "$(STORE)/layers" 2>/dev/null)" ] || fail "layers/ is not empty"
}

test_install_direct_link() {
  serve_catalog
  ok wrappy install --from-appimage AiTool
  assert_contains "$OUT" "Installed org.example.AiTool"
  ok wrappy list --json
  assert_eq appimage "$(json '[a for a in j if a["id"] == "org.example.AiTool"][0]["source"]')"
  assert_eq "$SERVER_URL/files/aitool.AppImage" \
    "$(json '[a for a in j if a["id"] == "org.example.AiTool"][0]["origin"]')"
  # The catalog name, for search to mark the item installed.
  "$PYTHON" - "$(STORE)/apps/org.example.AiTool.manifest" <<'EOF' || fail "no [AppImage] catalog-name=AiTool in the manifest"
import configparser, sys
c = configparser.ConfigParser(interpolation=None)
c.read(sys.argv[1])
sys.exit(0 if c.get("AppImage", "catalog-name", fallback=None) == "AiTool" else 1)
EOF
  # The feed is cached for the next install, and the search index written beside it.
  assert_file "$XDG_CACHE_HOME/wrappy/catalog/appimagehub-feed.json"
  assert_file "$XDG_CACHE_HOME/wrappy/catalog/appimage-appimagehub.idx"
  ok wrappy run org.example.AiTool -- hi
  assert_contains "$OUT" "args=hi"
}

test_install_github_release() {
  serve_catalog
  # Names are matched exactly first, then regardless of case.
  ok wrappy install --from-appimage hello
  assert_contains "$OUT" "Installed io.appimage.hello"
  ok wrappy list --json
  assert_eq appimage "$(json '[a for a in j if a["id"] == "io.appimage.hello"][0]["source"]')"
  assert_eq "$SERVER_URL/files/hello.AppImage" \
    "$(json '[a for a in j if a["id"] == "io.appimage.hello"][0]["origin"]')"
  grep -qx 'catalog-name=Hello' "$(STORE)/apps/io.appimage.hello.manifest" ||
    fail "no catalog-name=Hello in the manifest"
}

test_unknown_name() {
  serve_catalog
  assert_fails_with 1 "no AppImage named Nope in the catalog; try 'wrappy search Nope'" \
    wrappy install --from-appimage Nope
  # An unsafe item of the feed is not installable either.
  assert_fails_with 1 "not a valid AppImage catalog name" wrappy install --from-appimage bad..name
  assert_fails_with 1 "has no AppImage" wrappy install --from-appimage Empty
  assert_nothing_installed
}

test_malformed_feed() {
  serve_catalog
  printf '{"version": 1, "items": [{"name": "AiTool", ' >"$T_DIR/www/feed.json"
  assert_fails_with 1 "^error: $SERVER_URL/feed.json: the AppImage feed is not valid JSON" \
    wrappy install --from-appimage AiTool
  assert_nothing_installed
  assert_no_file "$XDG_CACHE_HOME/wrappy/catalog/appimagehub-feed.json"
  # Not UTF-8: refused the same way.
  printf '{"items": [{"name": "AiTool\xff"}]}' >"$T_DIR/www/feed.json"
  assert_fails_with 1 "UTF-8" wrappy install --from-appimage AiTool
  assert_nothing_installed
}

test_unreachable_feed() {
  export WRAPPY_APPIMAGE_FEED_URL=$(closed_port_url)/feed.json
  assert_fails_with 1 "cannot fetch" wrappy install --from-appimage AiTool
  assert_nothing_installed
}

run_tests "$@"
