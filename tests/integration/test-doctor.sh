#!/bin/bash
# wrappy doctor: every check and every level is reported, --json parses, and what it says
# agrees with what the other tests find on this host.
. "$(dirname "$0")/lib.sh"

CHECKS="user_namespace mount_namespace pid_namespace net_namespace ipc_uts_cgroup_namespaces \
overlayfs cgroup seccomp fuse openat2 dbus_proxy file_forwarding landlock"

test_doctor_text_report() {
  ok wrappy doctor
  local label
  for label in "user namespaces" "mount namespace" "pid namespace" "network namespace" \
    "overlayfs in a user namespace" "delegated cgroup v2" "seccomp" "FUSE" "openat2" \
    "Landlock (unpacking images)"; do
    assert_contains "$OUT" "$label"
  done
  for label in none partial full paranoid; do
    printf '%s\n' "$OUT" | grep -Eq "^  $label +(runs|cannot run)" || fail "no line for level $label"
  done
}

test_doctor_json() {
  ok wrappy doctor --json
  local c
  for c in $CHECKS; do
    assert_eq True "$(json "isinstance(j['checks']['$c']['ok'], bool) and isinstance(j['checks']['$c']['detail'], str)")" "$c"
  done
  for c in none partial full paranoid; do
    assert_eq True "$(json "isinstance(j['levels']['$c']['runs'], bool) and isinstance(j['levels']['$c']['cannot'], list)")" "$c"
  done
  ok wrappy --json doctor
  json "j['checks']['user_namespace']['ok']" >/dev/null
}

# The other tests run sandboxes at every level here, as this user: doctor must agree.
test_doctor_agrees_with_reality() {
  ok wrappy doctor --json
  local c
  for c in user_namespace mount_namespace pid_namespace net_namespace ipc_uts_cgroup_namespaces openat2; do
    assert_eq True "$(json "j['checks']['$c']['ok']")" "$c"
  done
  for c in none partial full paranoid; do
    assert_eq True "$(json "j['levels']['$c']['runs']")" "level $c runs"
  done
  # Landlock as the kernel says (landlock_create_ruleset's version query).
  local abi
  abi=$("$PYTHON" -c 'import ctypes; print(ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1))')
  if [ "$abi" -ge 1 ] 2>/dev/null; then
    assert_eq True "$(json "j['checks']['landlock']['ok']")" "landlock (ABI $abi)"
  else
    assert_eq False "$(json "j['checks']['landlock']['ok']")" "landlock (none)"
  fi
  assert_eq 0 "$(json "len(j['levels']['none']['cannot']) + len(j['levels']['partial']['cannot'])")" \
    "none and partial have no limits to miss"
  # Without a delegated cgroup, full and paranoid say what their limits become.
  if [ "$(json "j['checks']['cgroup']['ok']")" = False ]; then
    assert_contains "$(json "j['levels']['paranoid']['cannot']")" "default limits"
    assert_contains "$(json "j['levels']['full']['cannot']")" "limits"
  fi
  # /dev/fuse as the kernel and its mode say.
  local fuse=False
  if [ -r /dev/fuse ] && [ -w /dev/fuse ] && command -v fusermount3 >/dev/null; then fuse=True; fi
  assert_eq "$fuse" "$(json "j['checks']['fuse']['ok']")" "fuse"
}

test_doctor_leaves_nothing_behind() {
  ok wrappy doctor
  [ -z "$(find "$XDG_CACHE_HOME" -name 'doctor-*' 2>/dev/null)" ] || fail "doctor left its overlay dir"
  if [ -d /sys/fs/cgroup ]; then
    [ -z "$(find /sys/fs/cgroup -maxdepth 4 -name 'wrappy-probe-*' 2>/dev/null)" ] ||
      fail "doctor left a probe cgroup"
  fi
}

test_doctor_usage() {
  assert_fails_with 2 "no arguments" wrappy doctor extra
  assert_fails_with 2 "no arguments" wrappy repair extra
  assert_fails_with 2 "" wrappy doctor --fixx
}

# The store section (tests/integration/test-repair.sh has the damaged stores).
test_doctor_store_section() {
  ok wrappy doctor
  assert_contains "$OUT" "Store:"
  assert_contains "$OUT" "the store is healthy"
  ok wrappy doctor --json
  assert_eq "True 0" "$(json "'%s %d' % (j['store']['healthy'], len(j['store']['problems']))")"
  ok wrappy --help
  assert_contains "$OUT" "repair"
}

run_tests "$@"
