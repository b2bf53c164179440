#!/bin/bash
# Differential: the same app installed with the real flatpak and with wrappy must print
# the same thing for the same arguments.
. "$(dirname "$0")/lib.sh"

flatpak_ready() {
  command -v flatpak >/dev/null || skip "flatpak is not installed"
  ensure_system_bus || [ -S /run/dbus/system_bus_socket ] ||
    skip "no system D-Bus (flatpak needs one for its parental-controls check); run as root once to start it"
  run flatpak --user remote-add --no-gpg-verify fp "$SERVER_URL/repo"
  [ "$RC" = 0 ] || skip "flatpak remote-add fails here: $ERR"
  run flatpak --user install -y --noninteractive fp org.wrappy.Hello
  [ "$RC" = 0 ] || skip "flatpak install fails here: $(printf '%s' "$ERR" | tail -1)"
  run flatpak run org.wrappy.Hello
  [ "$RC" = 0 ] || skip "flatpak run cannot work in this environment: $(printf '%s' "$ERR" | tail -1)"
}

test_same_output_as_flatpak() {
  start_server
  flatpak_ready
  add_remote test
  install_app org.wrappy.Hello test
  local args fp
  for args in "" "hello world" "--not-an-option x" "--probe"; do
    # shellcheck disable=SC2086
    ok flatpak run org.wrappy.Hello $args
    fp=$OUT
    # shellcheck disable=SC2086
    ok wrappy run org.wrappy.Hello -- $args
    if [ "$args" = --probe ]; then
      # pid numbering in a pid namespace is not part of the contract
      fp=$(printf '%s\n' "$fp" | grep -v '^pid=')
      OUT=$(printf '%s\n' "$OUT" | grep -v '^pid=')
    fi
    assert_eq "$fp" "$OUT" "output for args [$args]"
  done
}

test_same_stdin_and_status_as_flatpak() {
  start_server
  flatpak_ready
  add_remote test
  install_app org.wrappy.Hello test
  local a b
  a=$(printf 'x\ny\n' | flatpak run org.wrappy.Hello --cat)
  b=$(printf 'x\ny\n' | wrappy run org.wrappy.Hello -- --cat)
  assert_eq "$a" "$b" "stdin copy"
  run flatpak run org.wrappy.Hello --exit 3
  a=$RC
  run wrappy run org.wrappy.Hello -- --exit 3
  assert_eq "$a" "$RC" "exit status"
}

# The keys wrappy writes to /.flatpak-info are among flatpak's, with the same values
# where they do not depend on where each tool keeps its files.
test_same_flatpak_info_as_flatpak() {
  start_server
  flatpak_ready
  add_remote test
  install_app org.wrappy.Hello test
  local fp
  ok flatpak run --command=cat org.wrappy.Hello /.flatpak-info
  fp=$OUT
  ok wrappy run --command=cat org.wrappy.Hello -- /.flatpak-info
  printf '%s\n' "$OUT" | "$PYTHON" -c '
import configparser, sys
def parse(text):
    c = configparser.ConfigParser(interpolation=None, strict=False)
    c.read_string(text)
    return c
w, f = parse(sys.stdin.read()), parse(sys.argv[1])
for group in ("Application", "Instance"):
    for key in w[group]:
        assert key in f[group], "flatpak has no %s/%s" % (group, key)
for key in ("name", "runtime"):
    assert w["Application"][key] == f["Application"][key], key
for key in ("app-commit", "runtime-commit", "branch", "arch"):
    assert w["Instance"][key] == f["Instance"][key], key
' "$fp" || fail "/.flatpak-info differs: wrappy [$OUT] flatpak [$fp]"
}

run_tests "$@"
