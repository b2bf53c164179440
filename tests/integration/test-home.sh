#!/bin/bash
# The writable upper layer over /usr and /app, home modes (overlay, tmpfs), --bind with a
# destination, path-pattern config files and named filesystem grants.
. "$(dirname "$0")/lib.sh"

STATE_ID=org.wrappy.Hello

setup_hello() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  STATE=$XDG_STATE_HOME/wrappy/$STATE_ID
}

# overlayfs in a user namespace needs Linux 5.11; say so rather than fail on old hosts.
need_userns_overlay() {
  local maj min
  IFS=. read -r maj min _ <<<"$(uname -r)"
  if [ "$maj" -lt 5 ] || { [ "$maj" = 5 ] && [ "$min" -lt 11 ]; }; then
    skip "overlayfs in a user namespace needs Linux 5.11 (this is $(uname -r))"
  fi
}

# layer_files: every file of the installed layers (where a write must never land).
layer_files() {
  find "$XDG_DATA_HOME/wrappy" -type f 2>/dev/null | sort
}

test_home_upper_layer_persists() {
  need_userns_overlay
  setup_hello
  local before
  before=$(layer_files | xargs md5sum)
  ok wrappy run --command=sh org.wrappy.Hello -c 'echo usr-x >/usr/x && echo app-x >/app/x'
  assert_file "$STATE/upper/usr/x"
  assert_file "$STATE/upper/app/x"
  ok wrappy run org.wrappy.Hello -- --file /usr/x
  assert_eq usr-x "$OUT" "/usr/x on the next run"
  ok wrappy run org.wrappy.Hello -- --file /app/x
  assert_eq app-x "$OUT" "/app/x on the next run"
  # Never in the shared layers: no new file, no changed file.
  assert_eq "$before" "$(layer_files | xargs md5sum)" "the layers"
  [ -z "$(find "$XDG_DATA_HOME/wrappy" -name x)" ] || fail "a write reached the layer store"
}

test_home_upper_layer_modifies_copy_only() {
  need_userns_overlay
  setup_hello
  local release before
  release=$(find "$XDG_DATA_HOME/wrappy" -path '*share/wrappy-runtime-release' | head -n 1)
  [ -n "$release" ] || fail "no runtime release file in the layer store"
  before=$(cat "$release")
  ok wrappy run --command=sh org.wrappy.Hello -c 'echo changed >/usr/share/wrappy-runtime-release'
  assert_eq "$before" "$(cat "$release")" "the runtime layer's file"
  ok wrappy run org.wrappy.Hello -- --file /usr/share/wrappy-runtime-release
  assert_eq changed "$OUT"
  # Extensions stay read-only binds on top of the writable /usr.
  run wrappy run org.wrappy.Hello -- --touch /usr/share/runtime/locale/en/new
  [ "$RC" != 0 ] || fail "the extension is writable"
}

test_home_upper_layer_not_shared() {
  need_userns_overlay
  setup_hello
  install_app org.wrappy.Other test
  ok wrappy run --command=sh org.wrappy.Hello -c 'echo mine >/usr/x'
  run wrappy run --command=sh org.wrappy.Other -c 'cat /usr/x'
  [ "$RC" != 0 ] || fail "another app sees /usr/x: $OUT"
  assert_no_file "$XDG_STATE_HOME/wrappy/org.wrappy.Other/upper/usr/x"
}

test_home_tmp_root_not_persisted() {
  need_userns_overlay
  setup_hello
  ok wrappy run --tmp-root --command=sh org.wrappy.Hello -c 'echo t >/usr/x && cat /usr/x'
  assert_eq t "$OUT"
  assert_no_file "$STATE/upper/usr/x"
  run wrappy run --tmp-root org.wrappy.Hello -- --file /usr/x
  [ "$RC" != 0 ] || fail "/usr/x survived --tmp-root"
  run wrappy run org.wrappy.Hello -- --file /usr/x
  [ "$RC" != 0 ] || fail "/usr/x from --tmp-root is in the persistent layer"
}

test_home_layers_read_only_at_none() {
  setup_hello
  run wrappy run --isolation=none org.wrappy.Hello -- --touch /usr/x
  [ "$RC" != 0 ] || fail "/usr is writable at --isolation=none"
}

test_home_upper_symlink_refused() {
  need_userns_overlay
  setup_hello
  local host=$T_DIR/host-dir
  mkdir -p "$host"
  echo keep >"$host/file"
  ok wrappy run org.wrappy.Hello -- --exit 0
  rm -rf "$STATE/upper"
  ln -s "$host" "$STATE/upper"
  assert_fails_with 1 "symbolic link" wrappy run --command=sh org.wrappy.Hello -c 'echo bad >/usr/x'
  assert_eq "file" "$(ls "$host")" "the host dir"
  assert_eq keep "$(cat "$host/file")"
  # The same for a layer's own upper dir.
  rm "$STATE/upper"
  mkdir -m 0700 "$STATE/upper"
  ln -s "$host" "$STATE/upper/usr"
  assert_fails_with 1 "symbolic link" wrappy run --command=sh org.wrappy.Hello -c 'echo bad >/usr/x'
  assert_eq "file" "$(ls "$host")" "the host dir"
}

test_home_overlay() {
  need_userns_overlay
  setup_hello
  echo original >"$HOME/host-file.txt"
  ok wrappy run --home=overlay org.wrappy.Hello -- --read host-file.txt
  assert_eq original "$OUT" "host file through the overlay home"
  ok wrappy run --home=overlay --command=sh org.wrappy.Hello -c \
    'echo changed >"$HOME/host-file.txt" && echo new >"$HOME/new.txt" && rm -f "$HOME/gone.txt"'
  assert_eq original "$(cat "$HOME/host-file.txt")" "the host file"
  assert_no_file "$HOME/new.txt"
  ok wrappy run --home=overlay org.wrappy.Hello -- --read host-file.txt
  assert_eq changed "$OUT" "the change on the next overlay run"
  ok wrappy run --home=overlay org.wrappy.Hello -- --read new.txt
  assert_eq new "$OUT"
  assert_file "$STATE/home-upper/new.txt"
}

test_home_overlay_deletion_kept_in_state() {
  need_userns_overlay
  setup_hello
  echo keep >"$HOME/victim.txt"
  ok wrappy run --home=overlay --command=sh org.wrappy.Hello -c 'rm "$HOME/victim.txt"'
  assert_file "$HOME/victim.txt"
  run wrappy run --home=overlay org.wrappy.Hello -- --read victim.txt
  [ "$RC" != 0 ] || fail "the deletion did not persist in the overlay home"
}

test_home_tmpfs_empty_each_run() {
  setup_hello
  echo host >"$HOME/host-file.txt"
  ok wrappy run --home=tmpfs org.wrappy.Hello -- --write t.txt x
  ok wrappy run --home=tmpfs --command=sh org.wrappy.Hello -c 'ls -A "$HOME" | grep -v "^.var$"; true'
  assert_eq "" "$OUT" "tmpfs home"
}

test_home_bind_with_destination() {
  setup_hello
  mkdir -p "$T_DIR/src"
  echo data >"$T_DIR/src/f"
  ok wrappy run --bind="$T_DIR/src:/srv/inside" org.wrappy.Hello -- --file /srv/inside/f
  assert_eq data "$OUT"
  ok wrappy run --bind="$T_DIR/src:/srv/inside" org.wrappy.Hello -- --touch /srv/inside/made
  assert_file "$T_DIR/src/made"
  run wrappy run --ro-bind="$T_DIR/src:/srv/inside" org.wrappy.Hello -- --touch /srv/inside/no
  [ "$RC" != 0 ] || fail "--ro-bind with a destination is writable"
  assert_fails_with 2 "destination" wrappy run --bind="$T_DIR/src:/usr/lib" org.wrappy.Hello
  assert_fails_with 2 "destination" wrappy run --bind="$T_DIR/src:relative" org.wrappy.Hello
  assert_fails_with 2 "destination" wrappy run --bind="$T_DIR/src:/srv/../usr" org.wrappy.Hello
}

test_home_paths_conf_created_once() {
  setup_hello
  local conf=$XDG_CONFIG_HOME/wrappy/paths.conf
  ok wrappy run org.wrappy.Hello -- --exit 0
  assert_file "$conf"
  assert_contains "$(cat "$conf")" 'wayland-[0-9]+'
  echo '# mine' >"$conf"
  ok wrappy run org.wrappy.Hello -- --exit 0
  assert_eq '# mine' "$(cat "$conf")" "the user's paths.conf"
}

test_home_paths_conf_regex_component() {
  setup_hello
  mkdir -p "$XDG_CONFIG_HOME/wrappy/apps" "$T_DIR/share"
  : >"$XDG_RUNTIME_DIR/wayland-1"
  : >"$XDG_RUNTIME_DIR/wayland-1.lock"
  echo shared >"$T_DIR/share/a-1.txt"
  echo other >"$T_DIR/share/a-1.txt.bak"
  cat >"$XDG_CONFIG_HOME/wrappy/apps/org.wrappy.Hello.paths" <<EOF
# the app's own
\${XDG_RUNTIME_DIR}/wayland-[0-9]+
$T_DIR/share/a-[0-9]\.txt
\${WRAPPY_UNSET_VARIABLE}/x
EOF
  ok wrappy run org.wrappy.Hello -- --ls "/run/user/$(id -u)"
  assert_contains "$OUT" "wayland-1"
  assert_not_contains "$OUT" "wayland-1.lock"
  ok wrappy run org.wrappy.Hello -- --file "$T_DIR/share/a-1.txt"
  assert_eq shared "$OUT"
  run wrappy run org.wrappy.Hello -- --file "$T_DIR/share/a-1.txt.bak"
  [ "$RC" != 0 ] || fail "a-1.txt.bak matched a-[0-9]\\.txt"
  # Read-only unless marked rw.
  run wrappy run org.wrappy.Hello -- --touch "$T_DIR/share/a-1.txt"
  [ "$RC" != 0 ] || fail "a pattern without rw is writable"
}

test_home_paths_conf_bad_regex() {
  setup_hello
  mkdir -p "$XDG_CONFIG_HOME/wrappy/apps"
  printf '# x\n/srv/[oops\n' >"$XDG_CONFIG_HOME/wrappy/apps/org.wrappy.Hello.paths"
  assert_fails_with 1 "org.wrappy.Hello.paths:2" wrappy run org.wrappy.Hello -- --exit 0
}

test_home_paths_conf_socket_section() {
  setup_hello
  : >"$XDG_RUNTIME_DIR/wayland-3"
  # Hello declares no wayland socket: the default config's wayland line does not apply.
  ok wrappy run org.wrappy.Hello -- --ls "/run/user/$(id -u)"
  assert_not_contains "$OUT" "wayland-3"
  mkdir -p "$XDG_CONFIG_HOME/wrappy/apps"
  printf '[always]\nrw ${XDG_RUNTIME_DIR}/wayland-[0-9]+\n' \
    >"$XDG_CONFIG_HOME/wrappy/apps/org.wrappy.Hello.paths"
  ok wrappy run org.wrappy.Hello -- --ls "/run/user/$(id -u)"
  assert_contains "$OUT" "wayland-3"
}


# Grants from the app's metadata: host-os and host-etc read-only under /run/host, a
# ":create" dir made in the home, an xdg-config subdir read-only.
test_home_metadata_grants() {
  start_server
  cached_install org.wrappy.Grants add_and_install org.wrappy.Grants
  mkdir -p "$HOME/.config/wrappy-grants"
  echo from-host >"$HOME/.config/wrappy-grants/f"
  rm -rf "$HOME/wrappy-made"
  ok wrappy run --command=sh org.wrappy.Grants -c '
    cat /run/host/etc/hostname; test -x /run/host/usr/bin/env && echo usr-ok
    cat /run/host/os-release >/dev/null && echo os-release-ok
    echo made >~/wrappy-made/f && echo create-ok
    cat ~/.config/wrappy-grants/f
    echo x 2>/dev/null >~/.config/wrappy-grants/f || echo config-ro
    echo x 2>/dev/null >/run/host/etc/wrappy-x || echo etc-ro'
  assert_contains "$OUT" "$(cat /etc/hostname)" "the host's /etc"
  assert_contains "$OUT" usr-ok "the host's /usr"
  assert_contains "$OUT" os-release-ok "the host's os-release"
  assert_contains "$OUT" create-ok "the :create dir"
  assert_contains "$OUT" from-host "the xdg-config grant"
  assert_contains "$OUT" config-ro "the :ro xdg-config grant"
  assert_contains "$OUT" etc-ro "the host's /etc"
  assert_eq made "$(cat "$HOME/wrappy-made/f")" "the file written in the :create dir"
  assert_eq from-host "$(cat "$HOME/.config/wrappy-grants/f")" "the read-only grant"
  [ ! -e /etc/wrappy-x ] || fail "a write reached the host's /etc"
  rm -rf "$HOME/wrappy-made"
}

run_tests "$@"
