#!/bin/bash
# The escape suite: the fixture app org.wrappy.Probe runs tests/probe/wrappy-probe inside
# the sandbox at every isolation level, and each attack's outcome is checked against
# SPEC.md's isolation table. One test per (level, check); the name says what is
# expected, e.g. test_full_seccomp_keyctl_refused.
#
# The probe runs once per level (with every attack, a pty as stdin, fd 7 open on $HOME,
# LD_PRELOAD set, a host `sleep` to attack and loopback listeners) and the tests read
# its output; the Probe app is installed once for the whole file. Checks that need the
# seccomp filter are named *_seccomp_* (see seccomp_checks). What SPEC promises nothing
# about at a level is printed as a "# reported" comment by test_LEVEL_unpromised_reported.
. "$(dirname "$0")/lib.sh"

SHARED=${TMPDIR:-/tmp}/wrappy-escape.$$
LD_MARK=/nonexistent-wrappy-escape-preload.so

# ---------------------------------------------------------------- setup helpers

# use_probe: org.wrappy.Probe installed in a store shared by every test of this file
# (XDG_DATA_HOME and XDG_CONFIG_HOME); state, home and runtime dirs stay per test.
use_probe() {
  export XDG_DATA_HOME=$SHARED/data XDG_CONFIG_HOME=$SHARED/config
  [ -f "$SHARED/installed" ] && return 0
  mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
  chmod 0755 "$SHARED"
  start_server
  add_remote test
  install_app org.wrappy.Probe test
  touch "$SHARED/installed"
}

# on_pty CMD…: CMD with a new pseudo-terminal as stdin and controlling terminal; stdout,
# stderr and every other inherited descriptor are passed on unchanged.
on_pty() {
  "$PYTHON" -c '
import fcntl, os, sys, termios
m, s = os.openpty()
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(s, termios.TIOCSCTTY, 0)
    os.dup2(s, 0)
    os.close(s)
    os.close(m)
    os.execvp(sys.argv[1], sys.argv[1:])
os.close(s)
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st) & 0xff)
' "$@"
}

# start_listeners: a TCP listener on a free 127.0.0.1 port and an abstract unix socket
# listener on the host; sets TCP_PORT and ABSTRACT_NAME.
start_listeners() {
  local portfile=$T_DIR/listen-port i
  ABSTRACT_NAME=wrappy-escape-$$-$RANDOM$RANDOM
  "$PYTHON" -c '
import os, signal, socket, sys, threading
signal.alarm(900)
t = socket.socket()
t.bind(("127.0.0.1", 0))
t.listen(16)
u = socket.socket(socket.AF_UNIX)
u.bind("\0" + sys.argv[2])
u.listen(16)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(t.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
def serve(s):
    while True:
        c, _ = s.accept()
        c.close()
threading.Thread(target=serve, args=(u,), daemon=True).start()
serve(t)
' "$portfile" "$ABSTRACT_NAME" >/dev/null 2>&1 &
  echo $! >>"$T_DIR/.pids"
  for i in $(seq 100); do
    [ -s "$portfile" ] && break
    sleep 0.05
  done
  [ -s "$portfile" ] || fail "the loopback listeners did not start"
  TCP_PORT=$(cat "$portfile")
}

host_disk() {
  local d
  for d in /dev/vda /dev/sda /dev/nvme0n1 /dev/xvda; do
    [ -b "$d" ] && { echo "$d"; return; }
  done
  echo /dev/nonexistent-wrappy-disk
}

# probe_results KEY [RUN OPTIONS…]: the probe's output for one configuration, in
# $SHARED/results-KEY; made by the first test that needs it.
# The dir of a host network device under /sys/devices (…/net, holding eth0), where the
# device is a real one; the virtual ones' dir otherwise.
host_net_dev_dir() {
  local l d
  for l in /sys/class/net/*; do
    d=$(dirname "$(readlink -f "$l")")
    [[ $d == /sys/devices/virtual/* ]] || { echo "$d"; return; }
  done
  echo /sys/devices/virtual/net
}

probe_results() {
  local key=$1 f=$SHARED/results-$1 sleeper rc=0
  shift
  RESULTS=$f
  use_probe
  [ -f "$f" ] && return 0
  echo "host secret" >"$T_DIR/host-secret"
  echo "home secret" >"$HOME/home-secret"
  sleep 900 </dev/null >/dev/null 2>&1 &
  sleeper=$!
  echo "$sleeper" >>"$T_DIR/.pids"
  start_listeners
  local attacks=(all-static "read@tmp=$T_DIR/host-secret" "read@home=$HOME/home-secret"
    "proc-root=$sleeper:$T_DIR/host-secret" "signal=$sleeper" dev@kmsg=/dev/kmsg
    dev@mem=/dev/mem "dev@disk=$(host_disk)" "tcp=$TCP_PORT" "abstract=$ABSTRACT_NAME"
    env@aws=AWS_SECRET_ACCESS_KEY env@ssh=SSH_AUTH_SOCK env@lang=LANG
    read@cmdline=/proc/cmdline list@net=/sys/class/net "list@netdev=$(host_net_dev_dir)")
  (
    exec 7<"$HOME"
    export LD_PRELOAD=$LD_MARK LD_LIBRARY_PATH=/nonexistent-wrappy-escape-libs
    # Issue 16, finding 5: secrets in the caller's environment.
    export AWS_SECRET_ACCESS_KEY=wrappy-escape-secret SSH_AUTH_SOCK=$T_DIR/agent LANG=C.UTF-8
    # The harness itself, on the host: fd 7 and the terminal do reach a program.
    on_pty "$WRAPPY_FIXTURES/probe/wrappy-probe" fds tiocsti-stdin loader-env \
      >"$f.control" 2>/dev/null
    on_pty "$WRAPPY" run "$@" org.wrappy.Probe -- "${attacks[@]}"
  ) >"$f.tmp" 2>"$f.err" || rc=$?
  kill -0 "$sleeper" 2>/dev/null || echo "host-sleeper died" >>"$f.tmp"
  [ "$rc" = 0 ] || echo "wrappy-exit $rc" >>"$f.tmp"
  mv "$f.tmp" "$f"
}

# check KEY NAME WANT: NAME's line in KEY's results starts with "NAME WANT" (WANT is
# allowed or blocked), or, for WANT=visible, is anything but ENOENT (the node exists).
check() {
  local key=$1 name=$2 want=$3 line
  case $key in
    paranoid-net) probe_results "$key" --isolation=paranoid --share=network ;;
    *) probe_results "$key" --isolation="$key" ;;
  esac
  line=$(grep -m1 "^$name " "$RESULTS") ||
    fail "the probe said nothing about $name: $(head -c 800 "$RESULTS") $(head -c 400 "$RESULTS.err")"
  case $want in
    visible) [[ $line != *"errno=ENOENT"* ]] || fail "expected $name to exist: [$line]" ;;
    status:*) assert_contains "$line " " ${want#status:} " "$key: /proc/self/status" ;;
    *) [[ $line == "$name $want"* ]] || fail "$key: expected [$name $want], got [$line]" ;;
  esac
}

# expect LEVELS NAME WANT WHAT: defines test_LEVEL_WHAT for each level.
expect() {
  local levels=$1 name=$2 want=$3 what=$4 l
  for l in $levels; do
    eval "test_${l//-/_}_${what}() { check '$l' '$name' '$want'; }"
  done
}

ALL="none partial full paranoid"
ABOVE_NONE="partial full paranoid"

# ---------------------------------------------------------------- every level
expect "$ALL" status status:CapEff=0000000000000000 caps_effective_dropped
expect "$ALL" status status:CapPrm=0000000000000000 caps_permitted_dropped
expect "$ALL" status status:CapBnd=0000000000000000 caps_bounding_dropped
expect "$ALL" status status:CapAmb=0000000000000000 caps_ambient_dropped
expect "$ALL" status status:NoNewPrivs=1 no_new_privs_set
expect "$ALL" fds blocked caller_fd_7_on_home_not_inherited
expect "$ALL" mount blocked mount_refused
expect "$ALL" mountns blocked mount_namespace_without_userns_refused

# --isolation=none is layout only: the host is there, and the suite says so.
expect none read@tmp allowed host_file_readable
expect none read@home allowed host_home_readable
expect none signal allowed host_process_signalable
expect none dev@kmsg visible host_dev_kmsg_visible
expect none tcp allowed host_loopback_tcp_reachable
expect none abstract allowed host_abstract_socket_reachable

# ---------------------------------------------------------------- partial and above
expect "$ABOVE_NONE" read@tmp blocked host_file_invisible
expect "$ABOVE_NONE" read@home blocked host_home_invisible
expect "$ABOVE_NONE" proc-root blocked host_proc_pid_root_unreachable
expect "$ABOVE_NONE" signal blocked host_process_unsignalable
expect "$ABOVE_NONE" loader-env blocked host_ld_preload_dropped
expect "$ABOVE_NONE" dev@kmsg blocked dev_kmsg_absent
expect "$ABOVE_NONE" dev@mem blocked dev_mem_absent
expect "$ABOVE_NONE" dev@disk blocked host_disk_absent
expect partial tcp allowed host_loopback_tcp_reachable
expect partial abstract allowed host_abstract_socket_reachable
expect "full paranoid" tcp blocked no_network_tcp_refused
expect "full paranoid" abstract blocked no_network_abstract_socket_refused
expect paranoid-net tcp allowed host_loopback_tcp_reachable
expect paranoid-net abstract allowed host_abstract_socket_reachable
# Issue 16, finding 5: host facts. At full and paranoid the environment is an allowlist
# (locale yes, credentials and agent sockets no), /proc/cmdline is masked, the host's
# network devices are not listed with a network of the app's own, and the hostname in
# the app's UTS namespace is a neutral one (checked against the host's below).
expect "none partial" env@aws allowed host_env_secret_passed
expect "full paranoid" env@aws blocked host_env_secret_not_passed
expect "full paranoid" env@ssh blocked ssh_agent_socket_not_passed
expect "$ALL" env@lang allowed locale_passed
expect "none partial" read@cmdline allowed host_proc_cmdline_readable
expect "full paranoid" read@cmdline blocked host_proc_cmdline_masked
expect "full paranoid" list@net "allowed []" host_network_devices_not_listed
expect "full paranoid" list@netdev "allowed []" host_network_devices_not_listed_under_devices
expect "full paranoid" uname "allowed nodename=[wrappy]" neutral_hostname
for _l in none partial; do
  eval "test_${_l}_host_hostname_seen() { check $_l uname \"allowed nodename=[\$(hostname)]\"; }"
done

# The caller's terminal: refused at every level today because the app gets a session of
# its own (no controlling terminal); SPEC promises it from full on.
expect "full paranoid" tiocsti-stdin blocked tiocsti_on_caller_terminal_refused
expect "full paranoid" tiocsti-stdin-masked blocked tiocsti_masked_on_caller_terminal_refused

# ---------------------------------------------------------------- the seccomp filter
# Everything here depends on wrappy's seccomp filter (full: Flatpak's policy; paranoid:
# the strict one on top). Without a filter they fail, except where the kernel or the
# missing capabilities refuse the call anyway (noted).
seccomp_checks() {
  local both="full paranoid"
  expect "$both" status status:Seccomp=2 seccomp_filter_installed
  expect "$both" userns blocked seccomp_nested_userns_refused
  expect "$both" userns-mount blocked seccomp_nested_userns_mount_refused
  expect "$both" clone3-userns blocked seccomp_clone3_userns_refused
  local call
  for call in fsopen fsconfig fsmount move_mount open_tree fspick mount_setattr; do
    expect "$both" "$call" blocked "seccomp_${call}_refused"
  done
  expect "$both" keyctl blocked seccomp_keyctl_refused
  expect "$both" add_key blocked seccomp_add_key_refused
  expect "$both" perf_event_open blocked seccomp_perf_event_open_refused
  expect "$both" personality blocked seccomp_personality_change_refused
  expect "$both" ptrace blocked seccomp_ptrace_refused
  expect "$both" tiocsti-pty blocked seccomp_tiocsti_refused
  expect "$both" tiocsti-pty-masked blocked seccomp_tiocsti_masked_high_bits_refused
  # bpf: refused by this host's kernel too when unprivileged_bpf_disabled is set.
  expect paranoid bpf blocked seccomp_bpf_refused
  expect paranoid userfaultfd blocked seccomp_userfaultfd_refused
  expect paranoid io_uring blocked seccomp_io_uring_refused
  # init_module and clock_settime need capabilities the sandbox has not: they pass
  # without a filter; adjtimex (read-only) does not.
  expect paranoid init_module blocked seccomp_init_module_refused
  expect paranoid clock_settime blocked seccomp_clock_settime_refused
  expect paranoid adjtimex blocked seccomp_adjtimex_refused
}
seccomp_checks

test_paranoid_seccomp_32bit_syscall_entry_refused() {
  local host
  host=$("$WRAPPY_FIXTURES/probe/wrappy-probe" int80 2>&1)
  [[ $host == "int80 allowed"* ]] ||
    skip "this kernel has no 32-bit syscall entry (int 0x80 on the host: $host)"
  check paranoid int80 blocked
}

# ---------------------------------------------------------------- the rest

# The harness works: on the host, fd 7, the terminal and LD_PRELOAD do reach a program.
test_harness_reaches_a_host_program() {
  probe_results partial --isolation=partial
  local c
  c=$(cat "$RESULTS.control")
  assert_contains "$c" "fds allowed 7=$HOME" "the host probe's fds"
  assert_contains "$c" "tiocsti-stdin allowed" "the host probe's terminal"
  assert_contains "$c" "LD_PRELOAD=$LD_MARK" "the host probe's environment"
}

# The host process the probe attacked is unharmed, and wrappy exited 0, at every level.
for _l in $ALL paranoid-net; do
  eval "test_${_l//-/_}_probe_ran_cleanly() {
    check '$_l' status status:NoNewPrivs=1
    ! grep -E '^(wrappy-exit|host-sleeper)' \"\$RESULTS\" ||
      fail \"\$(grep -E '^(wrappy-exit|host-sleeper)' \"\$RESULTS\"): \$(head -c 600 \"\$RESULTS.err\")\"
  }"
done

# What SPEC promises nothing about at a level, shown for the record.
for _l in $ALL; do
  eval "test_${_l}_unpromised_reported() {
    check '$_l' status status:NoNewPrivs=1
    grep -v '^status ' \"\$RESULTS\" | sed 's/^/# reported $_l: /' >&2
  }"
done

# A write to /usr never reaches the shared base layer on the host: at none /usr is a
# read-only bind; above none it lands in the app's own writable layer (docs/layers.md).
for _l in $ALL; do
  if [ "$_l" = none ]; then _want=blocked; else _want=allowed; fi
  eval "test_${_l}_usr_write_never_reaches_the_base_layer() {
    check '$_l' write-usr $_want
    ok wrappy info --json org.wrappy.Probe
    local base
    base=\$(json '[l[\"path\"] for l in j[\"layers\"] if l[\"kind\"] == \"base\"][0]')
    [ -d \"\$base\" ] || fail \"no base layer at \$base\"
    assert_no_file \"\$base/wrappy-escape-marker\"
  }"
done

# kill -9 of wrappy: the sandbox dies with it. The probe's "sleep" attack leaves the
# app sleeping (argv sleep@MARKER, like wrappy's own and the sandbox's pid 1) and a
# daemonized grandchild (argv orphn@MARKER, in a session of its own).
start_sleeper() {
  # start_sleeper LEVEL: sets MARKER; the probe is asleep when it returns, wrappy killed.
  local level=$1 pid i
  use_probe
  MARKER=wrappy-escape-$$-$RANDOM$RANDOM
  "$WRAPPY" run --isolation="$level" org.wrappy.Probe -- "sleep@$MARKER" \
    </dev/null >"$T_DIR/sleep.out" 2>"$T_DIR/sleep.err" &
  pid=$!
  for i in $(seq 100); do
    grep -q "sleeping" "$T_DIR/sleep.out" && break
    sleep 0.1
  done
  if ! grep -q "sleeping" "$T_DIR/sleep.out"; then
    kill -9 "$pid"
    fail "the probe did not start: $(cat "$T_DIR/sleep.err")"
  fi
  pgrep -u "$(id -u)" -f "orphn@$MARKER" >/dev/null || { kill -9 "$pid"; fail "no daemonized child"; }
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
}

# assert_gone PATTERN WHAT: no process of ours matches PATTERN within 5 s (killed if so).
assert_gone() {
  local i left
  for i in $(seq 50); do
    pgrep -u "$(id -u)" -f "$1" >/dev/null || return 0
    sleep 0.1
  done
  left=$(pgrep -u "$(id -u)" -f "$1" | tr '\n' ' ')
  note "$(ps -o pid,ppid,sid,args -p "$(echo $left | tr ' ' ,)")"
  # shellcheck disable=SC2086
  kill -9 $left 2>/dev/null
  fail "$2 outlived kill -9 of wrappy: $left"
}

# dies_with_wrappy LEVEL sleep|orphn WHAT: after kill -9 of wrappy, the processes named
# so are gone (the others are then killed quietly).
dies_with_wrappy() {
  local left
  start_sleeper "$1"
  assert_gone "$2@$MARKER" "$3"
  left=$(pgrep -u "$(id -u)" -f "@$MARKER" | tr '\n' ' ')
  # shellcheck disable=SC2086
  [ -z "$left" ] || kill -9 $left 2>/dev/null
}
for _l in $ALL; do
  eval "test_${_l}_sandbox_dies_with_wrappy() {
    dies_with_wrappy $_l sleep \"the app (or the sandbox's pid 1)\"
  }"
  # At none there is no pid namespace (SPEC.md: "layout only"): the app itself dies
  # with wrappy (PDEATHSIG), but a child that double-forks into its own session is
  # reparented to the host's init and nothing in the kernel ties it to wrappy.
  [ "$_l" = none ] && continue
  eval "test_${_l}_daemonized_child_dies_with_wrappy() {
    dies_with_wrappy $_l orphn \"the app's daemonized child\"
  }"
done

test_none_daemonized_child_reported() {
  local left
  start_sleeper none
  sleep 0.5
  left=$(pgrep -u "$(id -u)" -f "@$MARKER" | tr '\n' ' ')
  note "reported: at none, a daemonized child outlives kill -9 of wrappy: ${left:-no}"
  # shellcheck disable=SC2086
  [ -z "$left" ] || kill -9 $left 2>/dev/null
}

# The per-app home replaced by a symlink to a host dir: refused, host dir untouched.
symlinked_home_refused() {
  local level=$1 home before after
  shift
  use_probe
  ok wrappy run --isolation="$level" "$@" org.wrappy.Probe -- fds
  home=$XDG_STATE_HOME/wrappy/org.wrappy.Probe/home
  [ -d "$home" ] || fail "no per-app home at $home"
  mkdir -p "$T_DIR/host-dir"
  echo keep >"$T_DIR/host-dir/file"
  rm -rf "$home"
  ln -s "$T_DIR/host-dir" "$home"
  before=$(cd "$T_DIR/host-dir" && find . -printf '%p %s %m %T@\n' && cat file)
  assert_fails_with 1 "" wrappy run --isolation="$level" "$@" org.wrappy.Probe -- write-usr fds
  assert_not_contains "$OUT" "fds " "the probe's output (it must not have run)"
  after=$(cd "$T_DIR/host-dir" && find . -printf '%p %s %m %T@\n' && cat file)
  assert_eq "$before" "$after" "the host dir"
}
test_none_symlinked_private_home_refused() { symlinked_home_refused none --home=private; }
test_partial_symlinked_home_refused() { symlinked_home_refused partial; }
test_full_symlinked_home_refused() { symlinked_home_refused full; }
test_paranoid_symlinked_home_refused() { symlinked_home_refused paranoid; }

rc=0
run_tests "$@" || rc=$?
chmod -R u+rwX "$SHARED" 2>/dev/null
rm -rf "$SHARED"
exit $rc
