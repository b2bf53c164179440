#!/bin/bash
# install --from-flathub, ID//BRANCH, .flatpakref, .flatpak bundles.
. "$(dirname "$0")/lib.sh"

test_install_from_flathub_remote() {
  start_server
  add_remote test
  install_app org.wrappy.Hello test
  ok wrappy list
  assert_contains "$OUT" "org.wrappy.Hello"
  ok wrappy run org.wrappy.Hello -- one
  assert_contains "$OUT" "hello from org.wrappy.Hello"
  assert_contains "$OUT" "arg=[one]"
}

test_install_brings_runtime_and_locale_extension() {
  start_server
  add_remote test
  install_app org.wrappy.Hello test
  ok wrappy list --runtimes
  assert_contains "$OUT" "org.wrappy.Test.Platform"
  ok wrappy run org.wrappy.Hello -- --probe
  assert_contains "$OUT" "app=org.wrappy.Hello"
  assert_contains "$OUT" "runtime=org.wrappy.Test.Platform 1"
  assert_contains "$OUT" "locale=hello-locale" "extension at share/runtime/locale"
}

test_install_with_branch() {
  start_server
  add_remote test
  ok wrappy install --from-flathub org.wrappy.Hello//stable --remote test
  ok wrappy install --from-flathub org.wrappy.Beta//beta --remote test
  ok wrappy run org.wrappy.Beta
  assert_contains "$OUT" "hello from org.wrappy.Beta (beta)"
  ok wrappy info org.wrappy.Beta
  assert_contains "$OUT" "beta"
}

test_install_unknown_branch_fails() {
  start_server
  add_remote test
  assert_fails_with 1 "" wrappy install --from-flathub org.wrappy.Hello//nope --remote test
  ok wrappy list
  assert_not_contains "$OUT" "org.wrappy.Hello"
}

test_install_flatpakref() {
  start_server
  local ref
  ref=$(instantiate hello.flatpakref.in)
  ok wrappy install "$ref"
  ok wrappy run org.wrappy.Hello -- via-ref
  assert_contains "$OUT" "arg=[via-ref]"
}

test_install_bundle_runtime_present() {
  start_server
  add_remote test
  install_app org.wrappy.Other test
  ok wrappy install "$WRAPPY_FIXTURES/hello.flatpak"
  ok wrappy run org.wrappy.Hello -- from-bundle
  assert_contains "$OUT" "arg=[from-bundle]"
}

test_install_bundle_with_runtime_repo() {
  # The bundle names a .flatpakrepo for its runtime, which wrappy has to fetch.
  mkdir -p "$T_DIR/www"
  ln -s "$WRAPPY_FIXTURES/signed" "$T_DIR/www/signed"
  start_server "$T_DIR/www"
  instantiate signed.flatpakrepo.in >/dev/null
  cp "$T_DIR/signed.flatpakrepo" "$T_DIR/www/signed.flatpakrepo"
  ok flatpak build-bundle --runtime-repo="$SERVER_URL/signed.flatpakrepo" \
    "$WRAPPY_FIXTURES/repo" "$T_DIR/hello.flatpak" org.wrappy.Hello stable
  ok wrappy install "$T_DIR/hello.flatpak"
  ok wrappy run org.wrappy.Hello -- rt-repo
  assert_contains "$OUT" "arg=[rt-repo]"
}

test_install_already_installed_fails() {
  start_server
  add_remote test
  install_app org.wrappy.Hello test
  assert_fails_with 1 "already installed" wrappy install --from-flathub org.wrappy.Hello --remote test
  ok wrappy run org.wrappy.Hello
}

test_install_shares_runtime() {
  start_server
  add_remote test
  install_app org.wrappy.Hello test
  install_app org.wrappy.Other test
  ok wrappy list --runtimes
  assert_eq 1 "$(printf '%s\n' "$OUT" | grep -c 'org\.wrappy\.Test\.Platform\([^.]\|$\)' || true)" \
    "org.wrappy.Test.Platform entries in list --runtimes"
  ok wrappy run org.wrappy.Other
  assert_contains "$OUT" "hello from org.wrappy.Other"
}

run_tests "$@"
