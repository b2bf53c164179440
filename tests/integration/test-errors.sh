#!/bin/bash
# User-facing errors: exit 1, one line on stderr, nothing half-done.
. "$(dirname "$0")/lib.sh"

BAD_IDS=("a/b.c" ".." "org.x" "org.wrappy.Héllo" "org.wrappy.a..b" "$(printf 'org.wrappy.%0290d' 0 | tr 0 a)")

test_invalid_ids_rejected() {
  start_server
  add_remote test
  home_snapshot "$T_DIR/before"
  local id
  for id in "${BAD_IDS[@]}"; do
    assert_fails_with 1 "" wrappy install --from-flathub "$id" --remote test
    assert_fails_with 1 "" wrappy info "$id"
    assert_fails_with 1 "" wrappy run "$id"
    assert_fails_with 1 "" wrappy uninstall "$id"
  done
  home_snapshot "$T_DIR/after"
  diff -u "$T_DIR/before" "$T_DIR/after" >&2 || fail "files created under \$HOME"
  [ -z "$(find "$HOME" -name 'b.c' -o -name 'org.x' -o -name '*..*' -o -name '*aaaaaaaaaa*' -o -name '*llo')" ] ||
    fail "a path named after an invalid ID exists"
}

test_invalid_id_leading_dash() {
  start_server
  add_remote test
  assert_fails_with 1 "" wrappy install --from-flathub=-org.x.y --remote test
  assert_fails_with 1 "" wrappy info -- -org.x.y
  assert_fails_with 1 "" wrappy uninstall -- -org.x.y
  [ -z "$(find "$HOME" -name '*org.x.y*')" ] || fail "a path named -org.x.y exists"
}

test_invalid_id_in_flatpakref() {
  start_server
  local ref
  ref=$(instantiate hello.flatpakref.in)
  sed -i 's|^Name=.*|Name=../../evil|' "$ref"
  assert_fails_with 1 "" wrappy install "$ref"
  [ -z "$(find "$HOME" "$T_ROOT" -name evil 2>/dev/null)" ] || fail "evil created"
}

test_unknown_app_on_remote() {
  start_server
  add_remote test
  assert_fails_with 1 "org.wrappy.NoSuchApp" wrappy install --from-flathub org.wrappy.NoSuchApp --remote test
}

test_unknown_remote() {
  assert_fails_with 1 "nosuch" wrappy install --from-flathub org.wrappy.Hello --remote nosuch
}

test_unreachable_remote() {
  local url
  url=$(closed_port_url)
  run wrappy remote add --no-gpg-verify dead "$url/repo"
  if [ "$RC" = 0 ]; then
    assert_fails_with 1 "" wrappy install --from-flathub org.wrappy.Hello --remote dead
  else
    assert_fails_with 1 "" wrappy remote add --no-gpg-verify dead "$url/repo"
  fi
  ok wrappy list --json
  assert_eq "[]" "$(json 'j')"
}

test_runtime_missing_on_remote() {
  start_server
  add_remote broken broken/repo
  assert_fails_with 1 "org.wrappy.Missing.Platform|runtime" \
    wrappy install --from-flathub org.wrappy.Orphan --remote broken
  ok wrappy list --json
  assert_eq "[]" "$(json 'j')"
}

test_malformed_metadata() {
  start_server
  add_remote broken broken/repo
  assert_fails_with 1 "" wrappy install --from-flathub org.wrappy.BadMeta --remote broken
  ok wrappy list --json
  assert_eq "[]" "$(json 'j')"
}

test_malformed_metadata_nul() {
  start_server
  add_remote broken broken/repo
  assert_fails_with 1 "" wrappy install --from-flathub org.wrappy.BadNul --remote broken
  ok wrappy list --json
  assert_eq "[]" "$(json 'j')"
}

test_tampered_summary_refused() {
  start_server
  local f
  f=$(instantiate signed.flatpakrepo.in)
  sed -i 's|/signed/repo/|/tampered/repo/|' "$f"
  run wrappy remote add tampered "$f"
  if [ "$RC" = 0 ]; then
    assert_fails_with 1 "" wrappy install --from-flathub org.wrappy.Hello --remote tampered
  else
    assert_eq 1 "$RC" "remote add of a tampered repo"
  fi
  ok wrappy list --json
  assert_eq "[]" "$(json 'j')"
}

test_wrong_key_refused() {
  # The signed repo with a key that did not sign it.
  start_server
  local f key
  key=$(mktemp -d "$T_DIR/gpg.XXXXXX")
  GNUPGHOME=$key gpg --batch --passphrase '' --quick-gen-key 'other <o@wrappy.invalid>' ed25519 sign never >/dev/null 2>&1 ||
    skip "gpg cannot make a key here"
  f=$(instantiate signed.flatpakrepo.in)
  sed -i "s|^GPGKey=.*|GPGKey=$(GNUPGHOME=$key gpg --batch --export | base64 -w0)|" "$f"
  GNUPGHOME=$key gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  run wrappy remote add otherkey "$f"
  if [ "$RC" = 0 ]; then
    assert_fails_with 1 "" wrappy install --from-flathub org.wrappy.Hello --remote otherkey
  fi
  ok wrappy list --json
  assert_eq "[]" "$(json 'j')"
}

test_bad_usage_exit_2() {
  assert_fails_with 2 "" wrappy frobnicate
  assert_fails_with 2 "" wrappy install
  assert_fails_with 2 "" wrappy install --no-such-option
  assert_fails_with 2 "" wrappy
}

run_tests "$@"
