#!/bin/bash
# wrappy search: Flatpak appstream data made by the real `flatpak build-update-repo` from
# apps with metainfo (tests/fixtures/make-repo.sh, catalog/), the Snap Store stand-in
# (snapstore.py) and an AppImage feed file; plus malformed data of each kind.
. "$(dirname "$0")/lib.sh"

# catalog_remote [NAME] [PATH]: the catalog fixture repo as remote NAME (default cat).
catalog_remote() {
  [ -n "${SERVER_URL:-}" ] || start_server
  ok wrappy remote add --no-gpg-verify "${1:-cat}" "$SERVER_URL/${2:-catalog/repo}"
}

# The first result's ID in the JSON in $OUT.
first_id() { json 'j[0]["id"] if j else ""'; }

test_search_finds_by_name_summary_keyword_description() {
  catalog_remote
  ok wrappy search --source=flathub quill
  assert_contains "$OUT" "org.wrappy.Editor"
  assert_contains "$OUT" "Quill"
  assert_contains "$OUT" "2.4.1"
  assert_contains "$OUT" "flathub"
  ok wrappy search --source=flathub notepad
  assert_contains "$OUT" "org.wrappy.Editor"
  ok wrappy search --source=flathub markdown
  assert_contains "$OUT" "org.wrappy.Editor"
  assert_not_contains "$OUT" "org.wrappy.Paint"
  ok wrappy search --source=flathub draw pictures
  assert_contains "$OUT" "org.wrappy.Paint"
  assert_not_contains "$OUT" "org.wrappy.Editor"
}

test_search_ranks_exact_name_then_words() {
  catalog_remote
  ok wrappy search --json --source=flathub quill
  assert_eq org.wrappy.Editor "$(first_id)" "first result for 'quill' (name)"
  assert_eq '["org.wrappy.Editor", "org.wrappy.Notes"]' "$(json '[h["id"] for h in j]')"
  ok wrappy search --json --source=flathub org.wrappy.notes
  assert_eq org.wrappy.Notes "$(first_id)" "exact ID first"
  ok wrappy search --json --source=flathub note
  assert_eq org.wrappy.Notes "$(first_id)" "name word before summary word"
}

test_search_json_shape() {
  catalog_remote
  ok wrappy search --json --source=flathub brushwork
  assert_eq '["id", "installed", "name", "origin", "source", "summary", "version"]'  \
    "$(json 'sorted(j[0].keys())')"
  assert_eq "Brushwork|Paint and draw pictures|1.0|flathub|cat|False" \
    "$(json '"|".join(str(j[0][k]) for k in ("name","summary","version","source","origin","installed"))')"
  ok wrappy search --json --source=flathub nothing-matches-this
  assert_eq "[]" "$(json 'j')"
}

test_search_warm_query_uses_the_index() {
  use_own_server
  catalog_remote
  ok wrappy search --source=flathub quill
  assert_file "$XDG_CACHE_HOME/wrappy/catalog/flathub-cat.idx"
  stop_server
  ok wrappy search --source=flathub quill
  assert_contains "$OUT" "org.wrappy.Editor"
  assert_eq "" "$ERR" "stderr of a warm query"
}

test_search_stale_index_unreachable_remote_warns_and_answers() {
  use_own_server
  catalog_remote
  ok wrappy search --source=flathub quill
  stop_server
  touch -d '3 days ago' "$XDG_CACHE_HOME/wrappy/catalog/flathub-cat.idx"
  ok wrappy search --source=flathub quill
  assert_contains "$OUT" "org.wrappy.Editor"
  assert_contains "$ERR" "remote 'cat' cannot be reached"
  assert_contains "$ERR" "3 days ago"
  assert_eq 1 "$(printf '%s\n' "$ERR" | grep -c warning)" "warning lines"
  # libostree's and libcurl's own words are for --verbose.
  assert_not_contains "$ERR" "While fetching"
  assert_not_contains "$ERR" "Couldn't connect"
  # Not again within the day, nor tried again within the hour: quiet and quick.
  ok wrappy search --source=flathub quill
  assert_contains "$OUT" "org.wrappy.Editor"
  assert_eq "" "$ERR" "stderr of the second search"
  ok wrappy --verbose search --source=flathub quill
  assert_contains "$OUT" "org.wrappy.Editor"
  # An hour later it is tried again, quietly; a day later it is said again.
  touch -d '2 hours ago' "$XDG_CACHE_HOME/wrappy/catalog/flathub-cat.idx.unreachable"
  ok wrappy --verbose search --source=flathub quill
  assert_contains "$ERR" "While fetching"
  assert_not_contains "$ERR" "warning"
  touch -d '2 hours ago' "$XDG_CACHE_HOME/wrappy/catalog/flathub-cat.idx.unreachable"
  touch -d '2 days ago' "$XDG_CACHE_HOME/wrappy/catalog/flathub-cat.idx.warned"
  ok wrappy search --source=flathub quill
  assert_contains "$ERR" "remote 'cat' cannot be reached"
  ok wrappy search --refresh --source=flathub quill
  assert_contains "$OUT" "org.wrappy.Editor"
  assert_contains "$ERR" "remote 'cat' cannot be reached"
}

# Offline with nothing configured: one line per source, none of them a library's text,
# and no remote added behind the user's back.
test_search_offline_one_line_per_source() {
  export WRAPPY_FLATHUB_REPO_URL
  WRAPPY_FLATHUB_REPO_URL=$(closed_port_url)/flathub.flatpakrepo
  assert_fails_with 1 "no source could be searched" wrappy search firefox
  assert_eq 4 "$(printf '%s\n' "$ERR" | grep -c .)" "stderr lines"
  assert_contains "$ERR" "warning: Flathub cannot be reached, so no remote 'flathub' was added"
  assert_contains "$ERR" "warning: AppImage catalog 'appimagehub' cannot be reached"
  assert_contains "$ERR" "warning: the Snap Store cannot be reached"
  assert_not_contains "$ERR" "Couldn't"
  assert_not_contains "$ERR" "Updating"
  ok wrappy remote list
  assert_not_contains "$OUT" "flathub"
  # --verbose says why.
  run wrappy --verbose search firefox
  assert_contains "$ERR" "Couldn't connect"
}

# With no remote, search adds Flathub to search it, and says so (even with --json).
test_search_adding_flathub_is_said() {
  use_own_server
  mkdir -p "$T_DIR/srv"
  ln -s "$WRAPPY_FIXTURES/catalog" "$T_DIR/srv/catalog"
  start_server "$T_DIR/srv"
  printf '[Flatpak Repo]\nTitle=Flathub stand-in\nUrl=%s/catalog/repo/\n' "$SERVER_URL" \
    >"$T_DIR/srv/flathub.flatpakrepo"
  export WRAPPY_FLATHUB_REPO_URL=$SERVER_URL/flathub.flatpakrepo
  ok wrappy --json search --source=flathub quill
  assert_contains "$ERR" "Added the remote 'flathub' ($SERVER_URL/catalog/repo/) from $WRAPPY_FLATHUB_REPO_URL"
  assert_contains "$ERR" "wrappy remote remove flathub"
  assert_eq org.wrappy.Editor "$(first_id)"
  ok wrappy remote list
  assert_contains "$OUT" "flathub"
  ok wrappy search --source=flathub quill
  assert_not_contains "$ERR" "Added"
}

test_search_refresh_sees_new_catalog() {
  start_server
  ok wrappy remote add --no-gpg-verify cat "$SERVER_URL/repo"
  ok wrappy search --source=flathub brushwork
  assert_not_contains "$OUT" "org.wrappy.Paint"
  ok wrappy remote add --replace --no-gpg-verify cat "$SERVER_URL/catalog/repo"
  ok wrappy search --refresh --source=flathub brushwork
  assert_contains "$OUT" "org.wrappy.Paint"
}

test_search_old_appstream_branch() {
  catalog_remote old oldstream/repo
  ok wrappy search --json --source=flathub quill
  assert_eq org.wrappy.Editor "$(first_id)"
  assert_eq old "$(json 'j[0]["origin"]')"
}

test_search_marks_installed() {
  catalog_remote
  install_app org.wrappy.Editor cat
  ok wrappy search --source=flathub quill
  assert_contains "$(printf '%s\n' "$OUT" | grep org.wrappy.Editor)" "installed"
  assert_not_contains "$(printf '%s\n' "$OUT" | grep org.wrappy.Notes)" "installed"
  ok wrappy search --json --source=flathub quill
  assert_eq "True False" "$(json '" ".join(str(h["installed"]) for h in j)')"
}

test_search_bad_appstream_is_skipped() {
  catalog_remote
  local bad
  for bad in badxml bomb latin1 gzbomb; do
    ok wrappy remote add --no-gpg-verify "$bad" "$SERVER_URL/$bad/repo"
  done
  run timeout 120 "$WRAPPY" search --source=flathub quill
  assert_eq 0 "$RC" "exit status"
  assert_contains "$OUT" "org.wrappy.Editor"
  for bad in badxml bomb latin1 gzbomb; do
    assert_contains "$ERR" "remote '$bad'"
  done
  assert_contains "$ERR" "larger than 256 MiB"
  assert_contains "$ERR" "not UTF-8"
  # The failed ones have no index, so the next query tries them again and still answers.
  run timeout 120 "$WRAPPY" search --source=flathub quill
  assert_contains "$OUT" "org.wrappy.Editor"
}

test_search_damaged_index_is_reported() {
  catalog_remote
  ok wrappy search --source=flathub quill
  head -c 100 /dev/urandom >"$XDG_CACHE_HOME/wrappy/catalog/flathub-cat.idx"
  run wrappy search --source=flathub quill
  assert_contains "$ERR" "search --refresh"
  ok wrappy search --refresh --source=flathub quill
  assert_contains "$OUT" "org.wrappy.Editor"
}

test_search_no_source_reachable() {
  export WRAPPY_FLATHUB_REPO_URL
  WRAPPY_FLATHUB_REPO_URL=$(closed_port_url)/flathub.flatpakrepo
  assert_fails_with 1 "no source could be searched" wrappy search firefox
}

test_search_usage_errors() {
  assert_fails_with 2 "" wrappy search
  assert_fails_with 2 "unknown source 'nope'; use flathub, appimage, snap" wrappy search --source=nope firefox
  assert_fails_with 2 "empty" wrappy search " "
}

test_search_table_fits_terminal() {
  catalog_remote
  ok wrappy search --source=flathub notes
  command -v script >/dev/null || skip "no script(1) to give wrappy a terminal"
  run script -qec "stty cols 50; $WRAPPY search --source=flathub notes" /dev/null
  assert_contains "$OUT" "org.wrappy"
  local longest
  longest=$(printf '%s\n' "$OUT" | "$PYTHON" -c \
    'import sys; print(max(len(l) for l in sys.stdin.read().replace("\r", "").split("\n")))')
  [ "$longest" -le 50 ] || fail "a row is $longest columns wide on a 50-column terminal"
  assert_contains "$OUT" "…"
}

# A Snap Store stand-in that knows two snaps (find needs no .snap files).
snap_store() {
  SNAPS=$T_DIR/store
  mkdir -p "$SNAPS"
  cat >"$SNAPS/index.json" <<'EOF'
{"quill-snap": {"file": "x.snap", "revision": 7, "version": "3.1", "type": "app",
                "title": "Quill Snap", "summary": "Write with quill, as a snap"},
 "other-snap": {"file": "y.snap", "revision": 2, "version": "1.0", "type": "app",
                "title": "Other", "summary": "Nothing to see"}}
EOF
  start_snapstore "$@"
}

# An AppImage feed (AppImageHub's format) served on its own loopback server.
appimage_feed() {
  local dir=$T_DIR/feed url
  mkdir -p "$dir"
  printf '%s\n' "${1:-}" >"$dir/feed.json"
  if [ -z "${1:-}" ]; then
    cat >"$dir/feed.json" <<'EOF'
{"version": 1, "home_page_url": "https://appimage.github.io", "items": [
 {"name": "QuillImage", "description": "<p>Write notes with quill, as an AppImage.</p>",
  "categories": ["Office"], "authors": [{"name": "w", "url": "https://example.invalid"}],
  "license": "MIT", "links": [{"type": "Download", "url": "https://example.invalid/q.AppImage"}]},
 {"name": "Unrelated", "description": "Something else", "categories": null, "links": null}]}
EOF
  fi
  local saved=$SERVER_URL saved_pid=$SERVER_PID
  start_server "$dir"
  export WRAPPY_APPIMAGE_FEED_URL=$SERVER_URL/feed.json
  SERVER_URL=$saved SERVER_PID=$saved_pid
}

test_search_every_source_in_one_list() {
  catalog_remote
  snap_store
  appimage_feed
  ok wrappy search --json quill
  assert_eq "flathub appimage snap" \
    "$(json '" ".join(s for s in ("flathub", "appimage", "snap") if s in {h["source"] for h in j})')"
  assert_eq org.wrappy.Editor "$(first_id)" "exact name first"
  assert_eq "Quill Snap|3.1|snapcraft" \
    "$(json '"|".join(next(h[k] for h in j if h["source"] == "snap") for k in ("name", "version")) + "|" + next(h["origin"] for h in j if h["source"] == "snap")')" ""
  assert_eq QuillImage "$(json 'next(h["id"] for h in j if h["source"] == "appimage")')"
  assert_not_contains "$OUT" "Unrelated"
  assert_not_contains "$OUT" "other-snap"
  ok wrappy search quill
  assert_contains "$OUT" "quill-snap"
  assert_contains "$OUT" "QuillImage"
  ok wrappy search --source=snap,appimage --json quill
  assert_eq "False" "$(json 'any(h["source"] == "flathub" for h in j)')"
  assert_file "$XDG_CACHE_HOME/wrappy/catalog/appimage-appimagehub.idx"
}

test_search_unreachable_snap_store_still_answers() {
  catalog_remote
  ok wrappy search --source=flathub quill
  export WRAPPY_SNAP_STORE_URL
  WRAPPY_SNAP_STORE_URL=$(closed_port_url)
  ok wrappy search --source=flathub,snap quill
  assert_contains "$OUT" "org.wrappy.Editor"
  assert_contains "$ERR" "Snap Store"
  assert_eq 1 "$(printf '%s\n' "$ERR" | grep -c .)" "stderr lines"
}

test_search_hanging_snap_store_times_out() {
  catalog_remote
  snap_store --mode find-hang --hang 60
  export WRAPPY_SNAP_STORE_TIMEOUT=1
  run timeout 30 "$WRAPPY" search --source=flathub,snap quill
  assert_eq 0 "$RC" "exit status"
  assert_contains "$OUT" "org.wrappy.Editor"
  assert_contains "$ERR" "Snap Store"
}

test_search_bad_snap_answers_are_skipped() {
  catalog_remote
  local mode
  for mode in find-malformed find-nonutf8 find-error; do
    snap_store --mode "$mode"
    ok wrappy search --source=flathub,snap quill
    assert_contains "$OUT" "org.wrappy.Editor"
    assert_contains "$ERR" "Snap Store"
  done
  snap_store --mode find-many
  ok wrappy search --json --source=snap quill
  [ "$(json 'len(j)')" -le 100 ] || fail "more than 100 snap results"
}

test_search_bad_feed_is_skipped() {
  catalog_remote
  appimage_feed '{"items": ['
  ok wrappy search --source=flathub,appimage quill
  assert_contains "$OUT" "org.wrappy.Editor"
  assert_contains "$ERR" "not valid JSON"
  assert_no_file "$XDG_CACHE_HOME/wrappy/catalog/appimage-appimagehub.idx"
  printf '{"items": [{"name": "Caf\xe9"}]}' >"$T_DIR/feed/feed.json"
  ok wrappy search --source=flathub,appimage quill
  assert_contains "$ERR" "UTF-8"
}

run_tests "$@"
