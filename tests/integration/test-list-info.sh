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
