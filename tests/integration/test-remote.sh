#!/bin/bash
# remote add / list / remove, against the loopback fixture repos.
. "$(dirname "$0")/lib.sh"

test_remote_add_url_list_remove() {
  start_server
  add_remote test
  ok wrappy remote list
  assert_contains "$OUT" "test"
  assert_contains "$OUT" "$SERVER_URL/repo"
  ok wrappy remote remove test
  ok wrappy remote list
  assert_not_contains "$OUT" "$SERVER_URL/repo"
}

test_remote_add_flatpakrepo_file() {
  start_server
  add_signed_remote signed
  ok wrappy remote list
  assert_contains "$OUT" "signed"
  assert_contains "$OUT" "$SERVER_URL/signed/repo"
}

test_remote_add_duplicate_fails() {
  start_server
  add_remote test
  assert_fails_with 1 "test" wrappy remote add --no-gpg-verify test "$SERVER_URL/signed/repo"
  ok wrappy remote list
  assert_contains "$OUT" "$SERVER_URL/repo"
  assert_not_contains "$OUT" "$SERVER_URL/signed/repo"
}

test_remote_add_replace() {
  start_server
  add_remote test
  ok wrappy remote add --no-gpg-verify --replace test "$SERVER_URL/broken/repo"
  ok wrappy remote list
  assert_contains "$OUT" "$SERVER_URL/broken/repo"
  assert_eq 1 "$(printf '%s\n' "$OUT" | grep -c "$SERVER_URL" || true)" "remotes listed"
}

# remote add checks that the remote answers, says so when it does not, and keeps it.
test_remote_add_checks_that_it_answers() {
  start_server
  ok wrappy remote add --no-gpg-verify good "$SERVER_URL/repo"
  assert_not_contains "$ERR" "warning"
  local dead
  dead=$(closed_port_url)
  ok wrappy remote add --no-gpg-verify dead "$dead/repo"
  assert_contains "$ERR" "warning: remote 'dead' does not answer at $dead/repo"
  assert_contains "$ERR" "it is added"
  assert_eq 1 "$(grep -c warning <<<"$ERR")" "warning lines"
  ok wrappy remote add --no-gpg-verify notrepo "$SERVER_URL/no-such-dir"
  assert_contains "$ERR" "warning: remote 'notrepo' answers, but $SERVER_URL/no-such-dir is no Flatpak repository (HTTP 404)"
  ok wrappy remote add --no-gpg-verify local "file://$WRAPPY_FIXTURES/repo"
  assert_not_contains "$ERR" "warning"
  ok wrappy remote add --no-gpg-verify localbad "file://$T_DIR"
  assert_contains "$ERR" "is no Flatpak repository"
  ok wrappy remote list
  assert_contains "$OUT" "dead"
  assert_contains "$OUT" "notrepo"
}

test_remote_remove_unknown_fails() {
  assert_fails_with 1 "nosuch" wrappy remote remove nosuch
}

test_remote_add_missing_flatpakrepo_file_fails() {
  assert_fails_with 1 "" wrappy remote add x "$HOME/does-not-exist.flatpakrepo"
}

test_remote_add_usage() {
  assert_fails_with 2 "" wrappy remote add onlyname
}

test_signed_remote_install_verifies() {
  start_server
  add_signed_remote signed
  install_app org.wrappy.Hello signed
  ok wrappy run org.wrappy.Hello -- signed
  assert_contains "$OUT" "arg=[signed]"
}

test_unsigned_repo_refused_without_no_gpg_verify() {
  # GPG verification is on by default: an unsigned repo added without a key and without
  # --no-gpg-verify must not yield an installed app.
  start_server
  run wrappy remote add plain "$SERVER_URL/repo"
  if [ "$RC" = 0 ]; then
    assert_fails_with 1 "" wrappy install --from-flathub org.wrappy.Hello --remote plain
  else
    assert_eq 1 "$RC" "exit status of remote add"
  fi
  ok wrappy list
  assert_not_contains "$OUT" "org.wrappy.Hello"
}

run_tests "$@"
