#!/bin/bash
# list, list --json, list --runtimes, info, info --json.
. "$(dirname "$0")/lib.sh"

test_list_empty() {
  ok wrappy list
  assert_not_contains "$OUT" "org.wrappy"
  ok wrappy list --json
  assert_eq "[]" "$(json 'j')"
}

test_list_json_fields() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  ok wrappy list --json
  assert_eq 1 "$(json 'len(j)')" "apps listed"
  assert_eq org.wrappy.Hello "$(json 'j[0]["id"]')"
  assert_eq True "$(json 'all(k in j[0] for k in ("id","name","version","source","origin","base","installed_size"))')" \
    "the stable keys"
  assert_eq flathub "$(json 'j[0]["source"]')"
  assert_eq test "$(json 'j[0]["origin"]')"
  assert_contains "$(json 'j[0]["base"]')" "org.wrappy.Test.Platform"
  assert_eq True "$(json 'isinstance(j[0]["installed_size"], int) and j[0]["installed_size"] > 0')" \
    "installed_size is a positive integer"
  ok wrappy --json list
  assert_eq org.wrappy.Hello "$(json 'j[0]["id"]')" "global --json"
}

test_list_runtimes() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  ok wrappy list --runtimes
  assert_contains "$OUT" "org.wrappy.Test.Platform"
  ok wrappy --json list --runtimes
  local commit
  commit=$(json "[r['commit'] for r in j if r['id'] == 'org.wrappy.Test.Platform'][0]")
  assert_eq 1 "$(json "[r['branch'] for r in j if r['id'] == 'org.wrappy.Test.Platform'][0]")"
  ok wrappy list --runtimes
  assert_contains "$OUT" "${commit:0:12}"
}

# The remote an app came from, not the name of the source kind (issue 19).
test_list_and_info_show_the_real_remote() {
  start_server
  add_remote mirror
  install_app org.wrappy.Hello mirror
  ok wrappy list
  assert_contains "$OUT" "Origin"
  assert_contains "$(grep org.wrappy.Hello <<<"$OUT")" "flatpak"
  assert_contains "$(grep org.wrappy.Hello <<<"$OUT")" "remote 'mirror'"
  assert_not_contains "$OUT" "flathub"
  ok wrappy info org.wrappy.Hello
  assert_contains "$OUT" "Source:      flatpak"
  assert_contains "$OUT" "Origin:      remote 'mirror' ($SERVER_URL/repo)"
  assert_not_contains "$OUT" "flathub"
  # The remote removed: its name stays, without a URL.
  ok wrappy remote remove mirror
  ok wrappy info org.wrappy.Hello
  assert_contains "$OUT" "Origin:      remote 'mirror'"
  assert_not_contains "$OUT" "$SERVER_URL"
}

test_info_plain_and_json() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  ok wrappy info org.wrappy.Hello
  assert_contains "$OUT" "org.wrappy.Hello"
  assert_contains "$OUT" "org.wrappy.Test.Platform"
  ok wrappy info --json org.wrappy.Hello
  assert_eq org.wrappy.Hello "$(json 'j["id"]')"
  assert_eq True "$(json 'isinstance(j["layers"], list) and len(j["layers"]) >= 2')" "layers"
  assert_contains "$(json 'j["layers"]')" "org.wrappy.Test.Platform"
}

test_info_not_installed_fails() {
  assert_fails_with 1 "org.wrappy.Hello" wrappy info org.wrappy.Hello
}

run_tests "$@"
