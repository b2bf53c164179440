#!/bin/bash
# wrappy update: a Flatpak app from v1 to v2 (fixtures update/v1 and update/v2, served
# under the same URL by swapping a symlink), the permission prompt, what survives, the
# static deltas, and crash safety.
. "$(dirname "$0")/lib.sh"

UPD=org.wrappy.Upd

# serve_update: a server whose /upd is update/v1 (swap_to v2 switches it) and /main the
# whole fixture tree; remote "upd" points at /upd/repo. SERVER_LOG has the requests.
serve_update() {
  mkdir -p "$T_DIR/srv"
  ln -sfn "$WRAPPY_FIXTURES/update/v1" "$T_DIR/srv/upd"
  ln -sfn "$WRAPPY_FIXTURES" "$T_DIR/srv/main"
  SERVER_LOG=$T_DIR/httpd.log
  start_server --log "$SERVER_LOG" "$T_DIR/srv"
  add_remote upd upd/repo
}

swap_to() {
  ln -sfn "$WRAPPY_FIXTURES/update/$1" "$T_DIR/srv/upd.new"
  mv -T "$T_DIR/srv/upd.new" "$T_DIR/srv/upd"
}

install_v1() {
  serve_update
  install_app "$UPD" upd
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 1.0"
}

app_commit() {
  ok wrappy --json info "$UPD"
  json '[l["commit"] for l in j["layers"] if l["kind"] == "app"][0]'
}

test_update_asks_before_new_permissions_then_updates() {
  install_v1
  local old
  old=$(app_commit)
  ok wrappy run "$UPD" -- --write note.txt kept-data
  mkdir -p "$XDG_CONFIG_HOME/wrappy/overrides"
  printf '[Wrappy]\nisolation=full\n' >"$XDG_CONFIG_HOME/wrappy/overrides/$UPD"
  swap_to v2

  # No terminal (stdin is /dev/null) and permissions added: refused, nothing changed.
  assert_fails_with 1 "adds permissions.*shared=network.*--yes" wrappy update "$UPD"
  assert_contains "$ERR" "filesystems=xdg-download"
  ok wrappy list
  assert_contains "$OUT" "1.0"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 1.0"
  assert_eq "$old" "$(app_commit)" "app commit after the refusal"

  ok wrappy update --yes "$UPD"
  assert_contains "$OUT" "1.0 → 2.0"
  assert_contains "$OUT" "new permission: shared=network"
  assert_contains "$OUT" "Updated 1 app, 0 up to date"
  ok wrappy run "$UPD" -- --probe
  assert_contains "$OUT" "runtime=org.wrappy.Test.Platform 1 v2" "the new runtime"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 2.0"
  [ "$(app_commit)" != "$old" ] || fail "info still shows the old commit"
  ok wrappy info "$UPD"
  assert_contains "$OUT" "2.0"
  # Per-app data and the override are outside the layers: both survive.
  ok wrappy run "$UPD" -- --read note.txt
  assert_eq "kept-data" "$OUT" "per-app data"
  assert_file "$XDG_CONFIG_HOME/wrappy/overrides/$UPD"
  assert_contains "$(cat "$XDG_CONFIG_HOME/wrappy/overrides/$UPD")" "isolation=full"

  ok wrappy update
  assert_contains "$OUT" "$UPD is up to date (2.0)"
  assert_contains "$OUT" "Updated 0 apps, 1 up to date"
}

test_update_asks_on_a_terminal() {
  command -v script >/dev/null || skip "no script(1) to give wrappy a terminal"
  install_v1
  swap_to v2
  # script(1) runs it on a pseudo-terminal; the answer comes from its stdin.
  run sh -c "printf 'n\\n' | script -qec '$WRAPPY update $UPD' /dev/null"
  assert_eq 0 "$RC" "exit status after declining"
  assert_contains "$OUT" "Grant $UPD these new permissions"
  assert_contains "$OUT" "$UPD: not updated"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 1.0"
  run sh -c "printf 'y\\n' | script -qec '$WRAPPY update $UPD' /dev/null"
  assert_eq 0 "$RC" "exit status after accepting"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 2.0"
}

test_update_json() {
  install_v1
  swap_to v2
  ok wrappy --json update --yes
  assert_eq 1 "$(json 'len(j)')"
  assert_eq "$UPD" "$(json 'j[0]["id"]')"
  assert_eq "1.0" "$(json 'j[0]["from_version"]')"
  assert_eq "2.0" "$(json 'j[0]["to_version"]')"
  assert_eq True "$(json 'j[0]["updated"]')"
  assert_eq True "$(json 'j[0]["downloaded"] > 0')"
  assert_eq '["filesystems=xdg-download", "shared=network"]' "$(json 'j[0]["added_permissions"]')"
  ok wrappy --json update
  assert_eq False "$(json 'j[0]["updated"]')"
  assert_eq '[]' "$(json 'j[0]["added_permissions"]')"
}

test_update_unknown_id_fails() {
  assert_fails_with 1 "not installed" wrappy update org.wrappy.Nope
  assert_fails_with 1 "" wrappy update 'not an id'
}

test_update_app_without_update_and_bundle() {
  serve_update
  add_remote main main/repo
  install_app org.wrappy.Hello main
  install_app "$UPD" upd
  swap_to v2
  ok wrappy update --yes
  # Hello has no version: said without a "(?)".
  assert_contains "$OUT" "org.wrappy.Hello is up to date"$'\n'
  assert_not_contains "$OUT" "(?)"
  assert_contains "$OUT" "Updated 1 app, 1 up to date"
  # Two commits of one runtime ref, each used by one app: told apart by the commit.
  ok wrappy --json list --runtimes
  local commits
  commits=$(json "sorted(set(r['commit'][:12] for r in j if r['id'] == 'org.wrappy.Test.Platform'))")
  assert_eq 2 "$(json "len([r for r in j if r['id'] == 'org.wrappy.Test.Platform'])")"
  ok wrappy list --runtimes
  assert_contains "$OUT" "Branch"
  assert_contains "$OUT" "Commit"
  local c
  for c in $(tr -d "[]\",'" <<<"$commits"); do
    assert_contains "$OUT" "$c"
  done
  [ "$(grep -c "org.wrappy.Test.Platform  *1  *[0-9a-f]\{12\}" <<<"$OUT")" = 2 ] ||
    fail "two rows with branch and commit expected: $OUT"
  ok wrappy run org.wrappy.Hello
  assert_contains "$OUT" "hello from org.wrappy.Hello"
}

test_update_bundle_has_nothing_to_update_from() {
  serve_update
  add_remote main main/repo # the bundle's runtime
  ok wrappy install "$WRAPPY_FIXTURES/hello.flatpak"
  ok wrappy update org.wrappy.Hello
  assert_contains "$OUT" "installed from a bundle; nothing to update from"
}

test_update_remote_unreachable() {
  install_v1
  stop_server
  assert_fails_with 1 "cannot reach remote 'upd'" wrappy update "$UPD"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 1.0"
}

test_update_dry_run_shows_and_changes_nothing() {
  install_v1
  local old
  old=$(app_commit)
  swap_to v2
  # No terminal and permissions added: a real update refuses; --dry-run only shows.
  ok wrappy update --dry-run "$UPD"
  assert_contains "$OUT" "$UPD: 1.0 → 2.0"
  assert_contains "$OUT" "new permission: shared=network"
  assert_contains "$OUT" "new permission: filesystems=xdg-download"
  assert_contains "$OUT" "$UPD: not updated (--dry-run)"
  assert_contains "$OUT" "1 app would be updated, 0 up to date"
  assert_not_contains "$OUT" "(?)"
  assert_not_contains "$ERR" "Took snapshot"
  assert_eq "$old" "$(app_commit)" "app commit after --dry-run"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 1.0"
  ok wrappy snapshots "$UPD"
  assert_not_contains "$OUT" "before update"
  ok wrappy --json update --dry-run
  assert_eq would-update "$(json 'j[0]["status"]')"
  assert_eq False "$(json 'j[0]["updated"]')"
  assert_eq '["filesystems=xdg-download", "shared=network"]' "$(json 'j[0]["added_permissions"]')"
  assert_eq '[]' "$(json 'j[0]["removed_permissions"]')"
  # The update after it finds what the dry run fetched and applies it.
  ok wrappy update --yes "$UPD"
  assert_contains "$OUT" "Updated $UPD to 2.0"
  ok wrappy update --dry-run
  assert_contains "$OUT" "$UPD is up to date (2.0)"
  assert_contains "$OUT" "0 apps would be updated, 1 up to date"
}

test_update_errors_name_the_app_once() {
  install_v1
  stop_server
  assert_fails_with 1 "$UPD: cannot reach remote 'upd'" wrappy update
  [ "$(grep -o "$UPD" <<<"$ERR" | wc -l)" = 1 ] || fail "the app ID more than once: $ERR"
  assert_fails_with 1 "cannot reach remote 'upd'" wrappy update --dry-run "$UPD"
}

test_update_killed_before_manifest_keeps_v1() {
  install_v1
  swap_to v2
  run env WRAPPY_FAULT=update-before-manifest "$WRAPPY" update --yes "$UPD"
  assert_eq 137 "$RC" "exit status of the killed update"
  ok wrappy list
  assert_contains "$OUT" "1.0"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 1.0"
  ok wrappy update --yes "$UPD"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 2.0"
}

test_update_killed_after_manifest_is_updated() {
  install_v1
  swap_to v2
  run env WRAPPY_FAULT=update-after-manifest "$WRAPPY" update --yes "$UPD"
  assert_eq 137 "$RC" "exit status of the killed update"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 2.0"
  ok wrappy update "$UPD"
  assert_contains "$OUT" "up to date"
}

test_update_uses_static_deltas() {
  install_v1
  swap_to v2
  : >"$SERVER_LOG"
  ok wrappy --json update --yes "$UPD"
  local with without
  with=$(json 'j[0]["downloaded"]')
  grep -q '/deltas/' "$SERVER_LOG" || fail "no static delta was fetched: $(grep -c GET "$SERVER_LOG") requests"

  # The same update in a second store, with deltas off.
  export XDG_DATA_HOME=$HOME/second/data XDG_STATE_HOME=$HOME/second/state
  mkdir -p "$XDG_DATA_HOME" "$XDG_STATE_HOME"
  swap_to v1
  install_app "$UPD" upd
  swap_to v2
  : >"$SERVER_LOG"
  ok env WRAPPY_DISABLE_STATIC_DELTAS=1 "$WRAPPY" --json update --yes "$UPD"
  without=$(json 'j[0]["downloaded"]')
  if grep -q '/deltas/' "$SERVER_LOG"; then fail "deltas fetched although disabled"; fi
  note "downloaded: $with bytes with static deltas, $without without"
  [ "$with" -lt "$without" ] || fail "a delta update downloaded $with bytes, not less than $without"
}

# The automatic snapshot before an update pins v1's layers: gc keeps them, rollback
# brings v1 and its data back, and once the snapshots are gone gc frees v1.
test_update_snapshot_rollback_and_gc() {
  install_v1
  local old
  old=$(app_commit)
  ok wrappy run "$UPD" -- --write note.txt v1-data
  swap_to v2
  ok wrappy update --yes "$UPD"
  assert_contains "$ERR" "wrappy rollback $UPD auto-"
  ok wrappy run "$UPD" -- --write note.txt v2-data
  ok wrappy --json snapshots "$UPD"
  local snap
  snap=$(json "[s['name'] for s in j if s['automatic']][0]")
  # v1's layers are no installed app's, but the snapshot names them.
  ok wrappy --json gc
  assert_not_contains "$(json "[l['commit'] for l in j['removed']]")" "$old"
  ok wrappy rollback --yes "$UPD" "$snap"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 1.0"
  assert_eq "$old" "$(app_commit)" "app commit after the rollback"
  ok wrappy run "$UPD" -- --read note.txt
  assert_eq v1-data "$OUT"
  # Back to v2 by updating again, then drop every snapshot: v1 has nothing left.
  ok wrappy update --yes "$UPD"
  ok wrappy --json snapshots "$UPD"
  local n
  for n in $(json "' '.join(s['name'] for s in j)"); do
    ok wrappy snapshot --delete "$UPD" "$n"
  done
  ok wrappy --json gc
  assert_contains "$(json "[l['commit'] for l in j['removed']]")" "$old"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 2.0"
}

# The loader cache is named after the layers it covers: a new app and runtime commit
# make a new one on the next launch, and the old one goes (issue 17).
test_update_makes_a_new_loader_cache() {
  install_v1
  local dir=$XDG_STATE_HOME/wrappy/$UPD/ld.so old new
  old=$(ls -A "$dir")
  [ -n "$old" ] || fail "no loader cache after the first launch"
  swap_to v2
  ok wrappy update --yes "$UPD"
  ok wrappy run "$UPD"
  assert_contains "$OUT" "hello from $UPD 2.0"
  new=$(ls -A "$dir")
  [ -n "$new" ] && [ "$new" != "$old" ] || fail "the cache is still [$new] after the update"
  assert_eq 1 "$(printf '%s\n' "$new" | grep -c .)" "caches kept"
}

run_tests "$@"
