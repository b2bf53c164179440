# Shared library of wrappy's integration tests. Source it, define functions named
# test_*, then call `run_tests "$@"`.
#
# Each test runs in its own subshell with a fresh HOME and XDG_{DATA,STATE,CONFIG,CACHE}_HOME
# and XDG_RUNTIME_DIR under a temporary directory, and prints one TAP line:
#   ok N - test_name | not ok N - test_name | ok N - test_name # SKIP reason
# A file ends with `# file: P passed, F failed, S skipped` and exits 1 if any failed.
#
# Environment:
#   WRAPPY           the binary (default: BUILD/src/wrappy of this checkout)
#   WRAPPY_FIXTURES  the fixture dir made by tests/fixtures/make-repo.sh (built on
#                    demand when missing)
#   WRAPPY_TEST_AS   root | user | both: run as the caller, as the unprivileged test user,
#                    or both (only meaningful when the caller is root; default: caller)
#   WRAPPY_TEST_USER the unprivileged user (default wrappy-test; created if missing)
#   WRAPPY_TEST_FILTER  extended regex on test names
#   WRAPPY_TEST_VERBOSE=1  show the captured output of failing commands
#
# Arguments to run_tests are test names to run (default: all in the file).

set -u
set -o pipefail

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$LIB_DIR/../.." && pwd)
# Run by hand, a file finds the binary in build/ or else in the newest build directory
# of this checkout (meson setup other-dir); meson test passes WRAPPY itself.
if [ -z "${WRAPPY:-}" ]; then
  WRAPPY=$TOP_DIR/build/src/wrappy
  [ -x "$WRAPPY" ] || WRAPPY=$(ls -t "$TOP_DIR"/*/src/wrappy 2>/dev/null | head -n 1)
  : "${WRAPPY:=$TOP_DIR/build/src/wrappy}"
fi
# The escape suite's probe is built beside the binary (BUILD/tests/probe).
: "${WRAPPY_PROBE:=$(dirname "$WRAPPY")/../tests/probe/wrappy-probe}"
: "${WRAPPY_TEST_USER:=wrappy-test}"
: "${WRAPPY_FIXTURES:=${TMPDIR:-/var/tmp}/wrappy-fixtures-$(id -u)}"
export WRAPPY WRAPPY_PROBE WRAPPY_TEST_USER WRAPPY_FIXTURES

if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi

# ---------------------------------------------------------------- assertions
_T_NAME=""

fail() {
  echo "#   FAIL ($_T_NAME): $*" >&2
  exit 1
}

skip() {
  echo "$*" >"$_SKIPFILE"
  exit 77
}

note() {
  echo "#   $*" >&2
}

# run CMD…: runs it capturing OUT, ERR (strings) and RC; never fails by itself.
run() {
  local o e
  o=$(mktemp "$T_DIR/out.XXXXXX")
  e=$(mktemp "$T_DIR/err.XXXXXX")
  RC=0
  "$@" >"$o" 2>"$e" </dev/null || RC=$?
  OUT=$(cat "$o")
  ERR=$(cat "$e")
  rm -f "$o" "$e"
  if [ "${WRAPPY_TEST_VERBOSE:-0}" = 1 ]; then
    note "\$ $* -> $RC"
    [ -z "$OUT" ] || printf '%s\n' "$OUT" | sed 's/^/#   out: /' >&2
    [ -z "$ERR" ] || printf '%s\n' "$ERR" | sed 's/^/#   err: /' >&2
  fi
  return 0
}

_show_last() {
  printf '#   command: %s\n#   exit: %s\n' "$1" "$RC" >&2
  [ -z "$OUT" ] || printf '%s\n' "$OUT" | head -20 | sed 's/^/#   stdout: /' >&2
  [ -z "$ERR" ] || printf '%s\n' "$ERR" | head -20 | sed 's/^/#   stderr: /' >&2
}

# ok CMD…: the command must exit 0 (output in OUT/ERR).
ok() {
  run "$@"
  if [ "$RC" != 0 ]; then
    _show_last "$*"
    fail "expected success: $*"
  fi
}

assert_eq() {
  # assert_eq EXPECTED ACTUAL [WHAT]
  [ "$1" = "$2" ] || fail "${3:-value}: expected [$1], got [$2]"
}

assert_contains() {
  # assert_contains HAYSTACK NEEDLE [WHAT]  (fixed string)
  case "$1" in
    *"$2"*) ;;
    *) fail "${3:-output} does not contain [$2]; it is: [$(printf '%s' "$1" | head -c 600)]" ;;
  esac
}

assert_not_contains() {
  case "$1" in
    *"$2"*) fail "${3:-output} contains [$2]" ;;
    *) ;;
  esac
}

assert_file() { [ -f "$1" ] || fail "missing file $1"; }
assert_no_file() { [ ! -e "$1" ] || fail "should not exist: $1"; }

# assert_fails_with EXIT PATTERN CMD…: exits EXIT, stderr matches PATTERN (ERE,
# case-insensitive; empty = any) and, for a user-facing error, is exactly one line.
assert_fails_with() {
  local want=$1 pat=$2
  shift 2
  run "$@"
  if [ "$RC" != "$want" ]; then
    _show_last "$*"
    fail "expected exit $want from: $*"
  fi
  if [ -n "$pat" ] && ! printf '%s\n' "$ERR" | grep -Eqi -- "$pat"; then
    _show_last "$*"
    fail "stderr does not match /$pat/"
  fi
  if [ "$want" = 1 ]; then
    # One error line, and it is the last thing said; progress lines before it are
    # allowed unless WRAPPY_TEST_STRICT_STDERR=1.
    local n last
    n=$(printf '%s\n' "$ERR" | grep -ci '^error' || true)
    last=$(printf '%s\n' "$ERR" | tail -n 1)
    [ "$n" = 1 ] || { _show_last "$*"; fail "expected exactly one error line on stderr, got $n"; }
    case "$last" in [Ee]rror*) ;; *) _show_last "$*"; fail "the error is not the last line on stderr" ;; esac
    if [ "${WRAPPY_TEST_STRICT_STDERR:-0}" = 1 ]; then
      n=$(printf '%s' "$ERR" | grep -c '' || true)
      [ "$n" = 1 ] || { _show_last "$*"; fail "expected exactly one line on stderr, got $n"; }
    fi
  fi
}

# json EXPR: evaluates a Python expression on the JSON in $OUT (bound to `j`).
json() {
  printf '%s' "$OUT" | "$PYTHON" -c '
import json, sys
j = json.load(sys.stdin)
r = eval(sys.argv[1])
print(json.dumps(r) if isinstance(r, (dict, list)) else r)' "$1" ||
    fail "JSON check failed: $1 on [$(printf '%s' "$OUT" | head -c 400)]"
}

# ---------------------------------------------------------------- wrappy and fixtures
wrappy() { "$WRAPPY" "$@"; }

ensure_fixtures() {
  "$LIB_DIR/../fixtures/make-repo.sh" "$WRAPPY_FIXTURES"
}

# start_server [--own] [--delay S] [--rate B/S] [--log FILE] [ROOT]: serves ROOT (default
# the fixtures) on a free loopback port; sets SERVER_URL and SERVER_PID; stopped when the
# test ends. The plain form reuses the one server of the whole file (started by
# run_tests); a test that stops its server with stop_server asks for its own with --own.
start_server() {
  local args=() root=$WRAPPY_FIXTURES portfile own=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --delay | --rate | --log) args+=("$1" "$2"); own=1; shift 2 ;;
      --own) own=1; shift ;;
      *) root=$1; own=1; shift ;;
    esac
  done
  if [ "$own" = 0 ] && [ -n "${_FILE_SERVER_URL:-}" ]; then
    SERVER_URL=$_FILE_SERVER_URL SERVER_PID=$_FILE_SERVER_PID
    return 0
  fi
  _spawn_httpd "$root" "$T_DIR" 900 "${args[@]}" || fail "HTTP server did not start"
  echo "$SERVER_PID" >>"$T_DIR/.pids"
}

# _spawn_httpd ROOT DIR LIFETIME [ARGS…]: httpd.py on a free port; sets SERVER_PID and
# SERVER_URL once it listens.
_spawn_httpd() {
  local root=$1 dir=$2 lifetime=$3 portfile i
  shift 3
  portfile=$(mktemp -u "$dir/port.XXXXXX")
  "$PYTHON" "$LIB_DIR/httpd.py" "$root" "$portfile" --lifetime "$lifetime" "$@" \
    >/dev/null 2>&1 &
  SERVER_PID=$!
  for i in $(seq 200); do
    [ -s "$portfile" ] && break
    sleep 0.02
  done
  [ -s "$portfile" ] || return 1
  SERVER_URL="http://127.0.0.1:$(cat "$portfile")"
}

# use_own_server: start_server in this test starts a server of its own (call it first).
use_own_server() {
  _FILE_SERVER_URL="" _FILE_SERVER_PID=""
}

# stop_server: the test's own server (start_server --own) goes away, for tests of an
# unreachable remote.
stop_server() {
  [ "$SERVER_PID" != "${_FILE_SERVER_PID:-}" ] || fail "stop_server needs use_own_server or start_server --own"
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
}

# start_snapstore [--mode M] [--hang S]: the Snap Store stand-in (snapstore.py, modes
# listed there) serving the snaps in $SNAPS; sets WRAPPY_SNAP_STORE_URL and STORE_LOG;
# stopped when the test ends.
start_snapstore() {
  local portfile i
  portfile=$(mktemp -u "$T_DIR/port.XXXXXX")
  STORE_LOG=$T_DIR/store.log
  "$PYTHON" "$LIB_DIR/snapstore.py" "$SNAPS" "$portfile" --lifetime 900 --log "$STORE_LOG" \
    "$@" >/dev/null 2>&1 &
  echo $! >>"$T_DIR/.pids"
  for i in $(seq 100); do
    [ -s "$portfile" ] && break
    sleep 0.05
  done
  [ -s "$portfile" ] || fail "the snap store stand-in did not start"
  export WRAPPY_SNAP_STORE_URL="http://127.0.0.1:$(cat "$portfile")"
}

# closed_port_url: a loopback URL nothing listens on.
closed_port_url() {
  local port
  port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  echo "http://127.0.0.1:$port"
}

# instantiate TEMPLATE.in [URL]: the fixture template with @URL@ replaced, as a file
# in the test dir; prints its path.
instantiate() {
  local in=$WRAPPY_FIXTURES/$1 out
  out=$T_DIR/$(basename "$1" .in)
  sed "s|@URL@|${2:-$SERVER_URL}|g" "$in" >"$out"
  echo "$out"
}

# add_remote [NAME] [PATH]: an unsigned remote NAME (default test) to SERVER_URL/PATH.
add_remote() {
  ok wrappy remote add --no-gpg-verify "${1:-test}" "$SERVER_URL/${2:-repo}"
}

add_signed_remote() {
  local f
  f=$(instantiate signed.flatpakrepo.in)
  ok wrappy remote add "${1:-signed}" "$f"
}

# add_and_install ID: the remote "test" and ID from it.
add_and_install() {
  add_remote test
  install_app "$1" test
}

# add_and_install ID: the remote "test" and ID from it.
add_and_install() {
  add_remote test
  install_app "$1" test
}

install_app() {
  # install_app ID [REMOTE]
  ok wrappy install --from-flathub "$1" --remote "${2:-test}"
}

# cached_install NAME CMD…: CMD installs into this test's empty XDG dirs. The first test
# of a file that asks runs it and keeps a copy of the four XDG dirs under NAME; the
# others get a copy of that instead of installing again (the slowest part of a case). A
# test whose XDG dirs are not empty any more runs CMD itself; the copy is kept per server,
# whose URL the remotes name.
cached_install() {
  local name=$1 tmpl d tmp
  tmpl=$_FILE_DIR/installed-$1-$(printf '%s' "${SERVER_URL:-}" | tr -c 'a-zA-Z0-9' _)
  shift
  for d in "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"; do
    [ -z "$(ls -A "$d")" ] || { "$@"; return; }
  done
  if [ -d "$tmpl" ]; then
    for d in data config state cache; do
      cp -a "$tmpl/$d/." "$(_xdg_dir "$d")/" || fail "could not copy the installed $name"
    done
    return 0
  fi
  "$@"
  tmp=$tmpl.tmp.$BASHPID
  mkdir "$tmp" || return 0
  for d in data config state cache; do
    cp -a "$(_xdg_dir "$d")" "$tmp/$d" || { rm -rf "$tmp"; return 0; }
  done
  mv "$tmp" "$tmpl"
}

_xdg_dir() {
  case $1 in
    data) echo "$XDG_DATA_HOME" ;;
    config) echo "$XDG_CONFIG_HOME" ;;
    state) echo "$XDG_STATE_HOME" ;;
    cache) echo "$XDG_CACHE_HOME" ;;
  esac
}

# home_snapshot FILE: every path under $HOME that is not one of wrappy's dirs.
home_snapshot() {
  (cd "$HOME" && find . \( -path ./.local/share/wrappy -o -path ./.local/state/wrappy \
    -o -path ./.config/wrappy -o -path ./.cache/wrappy \) -prune -o -print) | sort >"$1"
}

# ---------------------------------------------------------------- X11
# start_xvfb: an Xvfb of the test's own, stopped when the test ends; sets DISPLAY and
# XAUTHORITY.
start_xvfb() {
  # A display with a real cookie, so that the Xauthority path is exercised too. Xvfb
  # picks a free display number itself (-displayfd): files run side by side. -noreset:
  # when its last client goes, Xvfb otherwise resets, and a client that connects just
  # then is told "cannot open display".
  local n dfd=$T_DIR/displayfd cookie
  export XAUTHORITY=$T_DIR/Xauthority
  # The server takes every cookie of the file at start, whatever display it names; the
  # clients look theirs up by display, added once Xvfb has said which.
  cookie=$(mcookie)
  xauth -q -f "$XAUTHORITY" add ":9999" . "$cookie" 2>/dev/null || fail "xauth add failed"
  Xvfb -displayfd 3 -auth "$XAUTHORITY" -nolisten tcp -noreset 3>"$dfd" >"$T_DIR/xvfb.log" 2>&1 &
  echo $! >>"$T_DIR/.pids"
  for _ in $(seq 100); do
    [ -s "$dfd" ] && break
    sleep 0.1
  done
  n=$(head -n 1 "$dfd" 2>/dev/null)
  [ -n "$n" ] || fail "Xvfb did not start: $(cat "$T_DIR/xvfb.log")"
  export DISPLAY=:$n
  xauth -q -f "$XAUTHORITY" add ":$n" . "$cookie" 2>/dev/null || fail "xauth add failed"
  for _ in $(seq 100); do
    [ -S "/tmp/.X11-unix/X$n" ] && xwininfo -root >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "Xvfb did not start: $(cat "$T_DIR/xvfb.log")"
}

# screenshot_window NAME PNG: the window NAME as a PNG (kept in WRAPPY_TEST_SCREENSHOTS
# when set, to look at); prints its number of distinct colours.
screenshot_window() {
  local xwd=$T_DIR/shot.xwd n
  xwd -silent -name "$1" >"$xwd" 2>/dev/null || fail "xwd could not dump the window $1"
  n=$("$PYTHON" "$LIB_DIR/xwd2png.py" "$xwd" "$2") || fail "the dump of $1 is not readable"
  if [ -n "${WRAPPY_TEST_SCREENSHOTS:-}" ]; then
    mkdir -p "$WRAPPY_TEST_SCREENSHOTS" && cp "$2" "$WRAPPY_TEST_SCREENSHOTS/" 2>/dev/null
  fi
  echo "$n"
}

# wait_window NAME: 0 once a top-level window NAME is on the display (10 s at most).
wait_window() {
  for _ in $(seq 100); do
    xwininfo -root -tree 2>/dev/null | grep -q "\"$1\"" && return 0
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------------------- users and services
ensure_test_user() {
  [ "$(id -u)" = 0 ] || return 0
  if ! id "$WRAPPY_TEST_USER" >/dev/null 2>&1; then
    useradd -m -s /bin/bash "$WRAPPY_TEST_USER" >/dev/null 2>&1 ||
      { echo "cannot create user $WRAPPY_TEST_USER" >&2; return 1; }
  fi
  # Rootless sandboxes map more than one id only with subordinate ranges.
  grep -q "^$WRAPPY_TEST_USER:" /etc/subuid 2>/dev/null ||
    usermod --add-subuids 200000-265535 --add-subgids 200000-265535 "$WRAPPY_TEST_USER" \
      >/dev/null 2>&1 || true
}

# ensure_system_bus: flatpak (malcontent checks) wants a system D-Bus; start one.
# A socket whose daemon is gone (killed, or stopped by a package's postinst) refuses
# connections: then it is started anew.
ensure_system_bus() {
  system_bus_answers && return 0
  [ "$(id -u)" = 0 ] || return 1
  mkdir -p /run/dbus
  [ -f /run/dbus/pid ] && ! kill -0 "$(cat /run/dbus/pid)" 2>/dev/null &&
    rm -f /run/dbus/pid /run/dbus/system_bus_socket
  dbus-daemon --system --fork >/dev/null 2>&1
  system_bus_answers
}

system_bus_answers() {
  [ -S /run/dbus/system_bus_socket ] &&
    timeout 5 dbus-send --system --print-reply --dest=org.freedesktop.DBus / \
      org.freedesktop.DBus.GetId >/dev/null 2>&1
}

# as_test_user CMD…: runs CMD as the unprivileged user with a clean environment.
as_test_user() {
  runuser -u "$WRAPPY_TEST_USER" -- env -i \
    PATH=/usr/local/bin:/usr/bin:/bin HOME="$(getent passwd "$WRAPPY_TEST_USER" | cut -d: -f6)" \
    LANG=C.UTF-8 WRAPPY="$WRAPPY" WRAPPY_PROBE="$WRAPPY_PROBE" WRAPPY_FIXTURES="$WRAPPY_FIXTURES" \
    WRAPPY_GTK_FIXTURES="${WRAPPY_GTK_FIXTURES:-}" \
    WRAPPY_TEST_USER="$WRAPPY_TEST_USER" WRAPPY_TEST_FILTER="${WRAPPY_TEST_FILTER:-}" \
    WRAPPY_TEST_VERBOSE="${WRAPPY_TEST_VERBOSE:-0}" WRAPPY_TEST_AS=caller TMPDIR=/tmp \
    "$@"
}

# nothing_left: no manifest, layer (staging dirs included), ref, download, unpacking
# child's read or launcher remains: what a failed install must leave (test-snap.sh,
# test-unpack.sh).
nothing_left() {
  local data=$XDG_DATA_HOME/wrappy
  [ -z "$(ls -A "$data/apps" 2>/dev/null)" ] || fail "a manifest was left: $(ls "$data/apps")"
  [ -z "$(find "$data/layers" -mindepth 1 -maxdepth 2 2>/dev/null | grep -v '/layers/snap$')" ] ||
    fail "layers were left: $(find "$data/layers" -maxdepth 4)"
  [ -z "$(find "$data/layers/snap" -mindepth 1 -maxdepth 1 2>/dev/null)" ] ||
    fail "snap layers were left: $(find "$data/layers/snap" -maxdepth 3)"
  if [ -d "$data/repo" ]; then
    [ -z "$(ostree refs --repo="$data/repo")" ] || fail "refs were left: $(ostree refs --repo="$data/repo")"
  fi
  [ -z "$(ls -A "$XDG_CACHE_HOME/wrappy/downloads" 2>/dev/null)" ] ||
    fail "downloads were left: $(ls -A "$XDG_CACHE_HOME/wrappy/downloads")"
  [ -z "$(ls -A "$XDG_CACHE_HOME/wrappy/tmp" 2>/dev/null)" ] ||
    fail "the unpacking child's reads were left: $(ls -A "$XDG_CACHE_HOME/wrappy/tmp")"
  [ -z "$(ls -A "$XDG_DATA_HOME/applications" 2>/dev/null)" ] || fail "launchers were left"
}

# ---------------------------------------------------------------- the runner
_cleanup_file() {
  [ -z "${_FILE_SERVER_PID:-}" ] || kill "$_FILE_SERVER_PID" 2>/dev/null || true
  chmod -R u+rwX "$_FILE_DIR" 2>/dev/null || true
  rm -rf "$_FILE_DIR"
}

_cleanup_test() {
  local p
  if [ -f "$T_DIR/.pids" ]; then
    while read -r p; do kill "$p" 2>/dev/null || true; done <"$T_DIR/.pids"
  fi
  # A document portal a launch started (its bus is gone, so it ends) leaves its mount.
  if mountpoint -q "$XDG_RUNTIME_DIR/doc" 2>/dev/null; then
    fusermount -u -z "$XDG_RUNTIME_DIR/doc" 2>/dev/null || umount -l "$XDG_RUNTIME_DIR/doc" 2>/dev/null || true
  fi
  chmod -R u+rwX "$T_ROOT" 2>/dev/null || true
  rm -rf "$T_ROOT"
}

_fresh_env() {
  T_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/wrappy-it.XXXXXX")
  T_DIR=$T_ROOT/t
  mkdir -p "$T_DIR"
  export HOME=$T_ROOT/home
  export XDG_DATA_HOME=$HOME/.local/share XDG_STATE_HOME=$HOME/.local/state
  export XDG_CONFIG_HOME=$HOME/.config XDG_CACHE_HOME=$HOME/.cache
  export XDG_RUNTIME_DIR=$T_ROOT/run
  mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
  mkdir -m 0700 "$XDG_RUNTIME_DIR"
  unset FLATPAK_USER_DIR FLATPAK_SYSTEM_DIR
  # No test reaches the real stores: every endpoint is a closed loopback port unless the
  # test points it at a stand-in.
  export WRAPPY_SNAP_STORE_URL=http://127.0.0.1:9 WRAPPY_APPIMAGE_FEED_URL=http://127.0.0.1:9/feed.json
  export WRAPPY_GITHUB_API_URL=http://127.0.0.1:9 WRAPPY_FLATHUB_REPO_URL=http://127.0.0.1:9/flathub.flatpakrepo
  export LANG=C.UTF-8 LC_ALL=C.UTF-8
  cd "$HOME"
}

run_tests() {
  local self
  self=$(readlink -f "$0")
  if [ "$(id -u)" = 0 ] && [ "${WRAPPY_TEST_AS:-caller}" != caller ] && [ "${WRAPPY_TEST_AS}" != root ]; then
    local rc=0
    if [ "$WRAPPY_TEST_AS" = both ]; then
      WRAPPY_TEST_AS=caller bash "$self" "$@" || rc=1
    fi
    ensure_test_user || exit 1
    as_test_user bash "$self" "$@" || rc=1
    exit $rc
  fi

  [ -x "$WRAPPY" ] || { echo "Bail out! no wrappy binary at $WRAPPY" >&2; exit 1; }
  ensure_fixtures || { echo "Bail out! could not build the fixtures" >&2; exit 1; }

  local names=() n
  if [ $# -gt 0 ]; then
    names=("$@")
  else
    while read -r n; do names+=("$n"); done < <(declare -F | awk '{print $3}' | grep '^test_')
  fi
  local who passed=0 failed=0 skipped=0 i=0 rc
  _FILE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/wrappy-file.XXXXXX")
  chmod 0755 "$_FILE_DIR"
  _SKIPFILE=$_FILE_DIR/skip
  trap _cleanup_file EXIT
  # One fixture server for the whole file (start_server without arguments reuses it).
  if grep -q 'start_server' "$self"; then
    _spawn_httpd "$WRAPPY_FIXTURES" "$_FILE_DIR" 7200 ||
      { echo "Bail out! the HTTP server did not start" >&2; exit 1; }
    _FILE_SERVER_URL=$SERVER_URL _FILE_SERVER_PID=$SERVER_PID
    unset SERVER_URL SERVER_PID
  fi
  who=$(id -un)
  echo "# $(basename "$0") as $who"
  for n in "${names[@]}"; do
    if [ -n "${WRAPPY_TEST_FILTER:-}" ] && ! [[ $n =~ $WRAPPY_TEST_FILTER ]]; then continue; fi
    i=$((i + 1))
    rc=0
    (
      _fresh_env
      trap _cleanup_test EXIT
      _T_NAME=$n
      "$n"
    ) || rc=$?
    case $rc in
      0) echo "ok $i - $n ($who)"; passed=$((passed + 1)) ;;
      77) echo "ok $i - $n ($who) # SKIP $(cat "$_SKIPFILE" 2>/dev/null)"
          skipped=$((skipped + 1)) ;;
      *) echo "not ok $i - $n ($who)"; failed=$((failed + 1)) ;;
    esac
  done
  echo "1..$i"
  echo "# file: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" = 0 ]
}

# ---------------------------------------------------------------- D-Bus
# start_session_bus: a private session bus of the test's own (the real dbus-daemon, with
# Debian's session config: the portals are activatable on it), set as
# DBUS_SESSION_BUS_ADDRESS; stopped when the test ends.
start_session_bus() {
  local out=$T_DIR/session-bus.addr
  dbus-daemon --session --fork --address="unix:path=$T_DIR/session-bus" --print-address=3 \
    --print-pid=4 3>"$out" 4>"$T_DIR/session-bus.pid" >/dev/null 2>&1 ||
    fail "dbus-daemon --session did not start"
  cat "$T_DIR/session-bus.pid" >>"$T_DIR/.pids"
  DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$out")
  export DBUS_SESSION_BUS_ADDRESS
}

# start_a11y_bus: a second private bus standing in for the accessibility bus; its address
# in A11Y_BUS_ADDRESS (start_bus_service --a11y makes org.a11y.Bus answer it).
start_a11y_bus() {
  dbus-daemon --session --fork --address="unix:path=$T_DIR/a11y-bus" --print-address=3 \
    --print-pid=4 3>"$T_DIR/a11y-bus.addr" 4>"$T_DIR/a11y-bus.pid" >/dev/null 2>&1 ||
    fail "the a11y dbus-daemon did not start"
  cat "$T_DIR/a11y-bus.pid" >>"$T_DIR/.pids"
  A11Y_BUS_ADDRESS=$(head -n 1 "$T_DIR/a11y-bus.addr")
}

# start_bus_service [--a11y ADDRESS] NAME…: tests/integration/bus-service.py owning each
# NAME on the session bus; returns once it owns them all.
start_bus_service() {
  local ready=$T_DIR/bus-service.ready
  rm -f "$ready"
  "$PYTHON" "$LIB_DIR/bus-service.py" "$ready" "$@" >"$T_DIR/bus-service.log" 2>&1 &
  echo $! >>"$T_DIR/.pids"
  for _ in $(seq 100); do
    [ -s "$ready" ] && return 0
    sleep 0.1
  done
  fail "the test bus service did not start: $(cat "$T_DIR/bus-service.log")"
}
