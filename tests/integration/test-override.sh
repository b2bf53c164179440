#!/bin/bash
# wrappy override: flatpak override's options and key file, written through the
# permissions module, read at every run, shown by info and --show, removed by --reset;
# and an override that tries to lift a level's hard limits, checked from inside the
# sandbox with the escape suite's probe.
. "$(dirname "$0")/lib.sh"

OPTS=(--socket=x11 --nosocket=wayland --filesystem=xdg-download:ro --nofilesystem=home
  --share=network --unshare=ipc --device=dri --env=WRAPPY_OVR=from-override
  --talk-name=org.example.Service --own-name=org.example.Own)

# keyfile_sets FILE: the key file as sorted "group|key|value" lines, list values as
# sorted sets (flatpak and wrappy order the groups and the list entries differently).
keyfile_sets() {
  "$PYTHON" - "$1" <<'EOF'
import configparser, sys
c = configparser.ConfigParser(interpolation=None, delimiters=("=",))
c.optionxform = str
c.read(sys.argv[1])
out = []
for g in c.sections():
    for k, v in c[g].items():
        if g == "Context":
            v = ";".join(sorted(x for x in v.split(";") if x))
        out.append("%s|%s|%s" % (g, k, v))
print("\n".join(sorted(out)))
EOF
}

setup() {
  start_server
  add_remote test
  local a
  for a in "$@"; do install_app "$a" test; done
}

test_override_writes_flatpaks_file() {
  setup org.wrappy.Hello
  ok wrappy override "${OPTS[@]}" org.wrappy.Hello
  assert_contains "$ERR" "Saved in $XDG_CONFIG_HOME/wrappy/overrides/org.wrappy.Hello"
  # flatpak override, the same options on the same app ID: the same key file.
  command -v flatpak >/dev/null || skip "flatpak is not installed"
  ok flatpak --user override "${OPTS[@]}" org.wrappy.Hello
  local ours theirs
  ours=$(keyfile_sets "$XDG_CONFIG_HOME/wrappy/overrides/org.wrappy.Hello")
  theirs=$(keyfile_sets "$XDG_DATA_HOME/flatpak/overrides/org.wrappy.Hello")
  assert_contains "$ours" "Context|sockets|!wayland;x11"
  assert_contains "$ours" "Session Bus Policy|org.example.Own|own"
  assert_eq "$theirs" "$ours" "wrappy's overrides file against flatpak's"
  # A name set again replaces its earlier setting, in both.
  ok wrappy override --socket=wayland --filesystem=home org.wrappy.Hello
  ok flatpak --user override --socket=wayland --filesystem=home org.wrappy.Hello
  ours=$(keyfile_sets "$XDG_CONFIG_HOME/wrappy/overrides/org.wrappy.Hello")
  theirs=$(keyfile_sets "$XDG_DATA_HOME/flatpak/overrides/org.wrappy.Hello")
  assert_contains "$ours" "Context|sockets|wayland;x11"
  assert_eq "$theirs" "$ours" "after a second override"
  # --reset removes the file, as flatpak's does.
  ok wrappy override --reset org.wrappy.Hello
  ok flatpak --user override --reset org.wrappy.Hello
  assert_no_file "$XDG_CONFIG_HOME/wrappy/overrides/org.wrappy.Hello"
  assert_no_file "$XDG_DATA_HOME/flatpak/overrides/org.wrappy.Hello"
}

test_override_show_info_and_reset() {
  setup org.wrappy.Probe
  ok wrappy override --show org.wrappy.Probe
  assert_eq "" "$OUT"
  assert_contains "$ERR" "org.wrappy.Probe has no overrides"
  ok wrappy override --env=WRAPPY_OVR=per-app --share=network org.wrappy.Probe
  ok wrappy override --socket=pulseaudio
  ok wrappy override --show org.wrappy.Probe
  assert_contains "$OUT" "[Context] shared=network;"
  assert_contains "$OUT" "[Environment] WRAPPY_OVR=per-app"
  assert_not_contains "$OUT" "pulseaudio"
  ok wrappy override
  assert_contains "$OUT" "[Context] sockets=pulseaudio;"
  ok wrappy --json override --show org.wrappy.Probe
  assert_eq True "$(json '"[Context] shared=network;" in j')"
  ok wrappy info org.wrappy.Probe
  assert_contains "$OUT" "Overrides (wrappy override):"
  assert_contains "$OUT" "global: [Context] sockets=pulseaudio;"
  assert_contains "$OUT" "[Environment] WRAPPY_OVR=per-app"
  assert_contains "$OUT" "share: network"
  # Read at every run: the app sees the variable.
  ok wrappy run org.wrappy.Probe -- env=WRAPPY_OVR
  assert_contains "$OUT" "env allowed"
  ok wrappy override --reset org.wrappy.Probe
  ok wrappy override --reset
  ok wrappy info org.wrappy.Probe
  assert_not_contains "$OUT" "Overrides"
  ok wrappy run org.wrappy.Probe -- env=WRAPPY_OVR
  assert_contains "$OUT" "env blocked unset"
}

test_override_bad_input() {
  setup org.wrappy.Hello
  assert_fails_with 2 "unknown socket 'bogus'" wrappy override --socket=bogus org.wrappy.Hello
  assert_fails_with 2 "unknown share 'everything'" wrappy override --share=everything
  assert_fails_with 2 "unknown device 'mem'" wrappy override --device=mem
  assert_fails_with 2 "'a;b' is not a filesystem" wrappy override "--filesystem=a;b"
  assert_fails_with 2 "'relative' is not a filesystem" wrappy override --filesystem=relative
  assert_fails_with 2 "'1X=y' is not VAR=VALUE" wrappy override --env=1X=y
  assert_fails_with 2 "'noeq' is not VAR=VALUE" wrappy override --env=noeq
  assert_fails_with 2 "'not a name' is not a D-Bus name" wrappy override "--talk-name=not a name"
  assert_fails_with 2 "usage" wrappy override --show --reset
  assert_fails_with 2 "usage" wrappy override --show --socket=x11
  assert_fails_with 1 "org.wrappy.Helo is not installed.*org.wrappy.Hello" wrappy override --socket=x11 org.wrappy.Helo
  # Nothing was written by any of them.
  assert_no_file "$XDG_CONFIG_HOME/wrappy/overrides/global"
  assert_no_file "$XDG_CONFIG_HOME/wrappy/overrides/org.wrappy.Helo"
  # A broken file is one clear error, and is left as it was.
  mkdir -p "$XDG_CONFIG_HOME/wrappy/overrides"
  printf 'not a key file [' >"$XDG_CONFIG_HOME/wrappy/overrides/org.wrappy.Hello"
  assert_fails_with 1 "overrides/org.wrappy.Hello" wrappy override --socket=x11 org.wrappy.Hello
  assert_eq "not a key file [" "$(cat "$XDG_CONFIG_HOME/wrappy/overrides/org.wrappy.Hello")"
}

# The attack: an override that asks for everything, and at paranoid the level holds. The
# same override at full grants what full lets an override grant (the network), so the
# override is read; the protected dirs stay out of reach at every level.
test_override_cannot_lift_a_levels_limits() {
  setup org.wrappy.Probe
  local port=${SERVER_URL##*:} global=$XDG_CONFIG_HOME/wrappy/overrides/global
  echo "host secret" >"$HOME/host-secret"
  ok wrappy override --share=network --filesystem=host --filesystem=home \
    "--filesystem=$XDG_CONFIG_HOME/wrappy:rw" "--filesystem=$XDG_DATA_HOME/wrappy:rw" \
    --device=all --socket=session-bus org.wrappy.Probe
  ok wrappy run --isolation=paranoid org.wrappy.Probe -- "tcp=$port" "read@home=$HOME/host-secret" \
    "write@home=$HOME/planted" "write@overrides=$global" "dev@mem=/dev/mem" status
  expect_line tcp blocked
  expect_line write@home blocked
  expect_line write@overrides blocked
  expect_line dev@mem blocked
  assert_no_file "$HOME/planted"
  assert_no_file "$global"
  ok wrappy run --isolation=full org.wrappy.Probe -- "tcp=$port" "write@overrides=$global"
  expect_line tcp allowed
  expect_line write@overrides blocked
  assert_no_file "$global"
}

line() {
  grep -m1 "^$1 " <<<"$OUT" || fail "the probe said nothing about $1: $OUT"
}

expect_line() {
  local l
  l=$(line "$1")
  [[ $l == "$1 $2"* ]] || fail "expected [$1 $2], got [$l]"
}

run_tests "$@"
