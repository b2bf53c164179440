#!/bin/bash
# Progress through a real terminal (script(1) gives wrappy one, as a user's shell does):
# a line redrawn in place with bar, percent, size, speed, time left and the layers being
# fetched, cut to the terminal's width; a spinner when the size is unknown; only the
# final line when the output is not a terminal. And paranoid's default limits said once.
. "$(dirname "$0")/lib.sh"

AI_FIX=${WRAPPY_FIXTURES}-appimage
"$LIB_DIR/../fixtures/make-appimage.sh" "$AI_FIX" >/dev/null ||
  { echo "Bail out! could not build the AppImage fixtures" >&2; exit 1; }

# on_terminal COLS CMD…: runs CMD on a pseudo-terminal COLS wide; the typescript (what
# the terminal got, \r and escapes included) in TTY_OUT.
on_terminal() {
  local cols=$1
  shift
  command -v script >/dev/null || skip "no script(1) to give wrappy a terminal"
  local cmd
  printf -v cmd '%q ' "$@"
  TTY_OUT=$T_DIR/typescript.$RANDOM
  script -qec "stty cols $cols rows 24; $cmd" "$TTY_OUT" </dev/null >/dev/null 2>&1 ||
    fail "on a terminal: $* failed: $(tr '\r' '\n' <"$TTY_OUT" | tail -n 3)"
}

# The redrawn states: the typescript split at \r, escapes removed.
states() {
  tr '\r' '\n' <"$TTY_OUT" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
}

# wider_than N: the states longer than N characters (not bytes: "…" is one column).
wider_than() {
  local l
  while IFS= read -r l; do
    [ "${#l}" -le "$1" ] || printf '%s\n' "$l"
  done < <(states | grep '^Downloading')
}

test_install_progress_on_a_terminal() {
  # Slow enough to be drawn more than once.
  start_server --rate 400000
  add_remote test
  # Wide enough for every layer's name after the figures.
  on_terminal 200 "$WRAPPY" install --from-flathub org.wrappy.Hello --remote test
  local s
  s=$(states)
  grep -Eq '^Downloading \[[#-]+\] +[0-9]+%  [0-9.]+.[kM]?B' <<<"$s" || fail "no bar with percent and size: $(head -c 600 <<<"$s")"
  grep -Eq '[0-9.]+.[kM]?B/s' <<<"$s" || fail "no speed"
  grep -Eq '[0-9]+:[0-9]{2} left' <<<"$s" || fail "no time left"
  grep -q 'org.wrappy.Hello//stable' <<<"$s" || fail "the layers being fetched are not named"
  grep -q 'org.wrappy.Test.Platform//1' <<<"$s" || fail "the runtime is not named"
  grep -Eq '^Downloading: [0-9.]+.[kM]?B in [0-9]+:[0-9]{2} \([0-9.]+.[kM]?B/s\)$' <<<"$s" ||
    fail "no final line: $(tail -n 5 <<<"$s")"
  # Every state fits the terminal (the bar never wraps onto a second line).
  local long
  long=$(wider_than 199)
  [ -z "$long" ] || fail "a line wider than the terminal: $long"
  ok wrappy run org.wrappy.Hello
}

test_install_progress_fits_a_narrow_terminal() {
  start_server --rate 400000
  add_remote test
  on_terminal 50 "$WRAPPY" install --from-flathub org.wrappy.Hello --remote test
  local long
  long=$(wider_than 49)
  [ -z "$long" ] || fail "a progress line wider than 49 columns: $long"
  states | grep -q '…' || fail "the layer names were not cut to fit"
}

test_not_a_terminal_gets_only_the_final_line() {
  start_server --rate 2000000
  add_remote test
  ok wrappy install --from-flathub org.wrappy.Hello --remote test
  assert_eq 1 "$(grep -c '^Downloading' <<<"$ERR")" "progress lines"
  grep -Eq '^Downloading: [0-9.]+.[kM]?B in [0-9]+:[0-9]{2} \([0-9.]+.[kM]?B/s\)$' <<<"$ERR" ||
    fail "no final line: $ERR"
  case "$ERR" in *$'\r'* | *%*) fail "a redrawn line in a log: $ERR" ;; esac
  # --json: not even that.
  ok wrappy --json install --from-flathub org.wrappy.Other --remote test
  assert_not_contains "$ERR" "Downloading"
}

# serve_without_length FILE: FILE over HTTP/1.0 without Content-Length (the size unknown
# until the connection closes); sets NOLEN_URL.
serve_without_length() {
  local portfile=$T_DIR/nolen.port
  "$PYTHON" - "$1" "$portfile" <<'PY' >/dev/null 2>&1 &
import http.server, sys, time
data = open(sys.argv[1], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        for i in range(0, len(data), 4096):
            self.wfile.write(data[i:i + 4096]); self.wfile.flush(); time.sleep(0.01)
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2], "w").write(str(s.server_address[1]))
s.timeout = 120
for _ in range(4): s.handle_request()
PY
  echo $! >>"$T_DIR/.pids"
  local i
  for i in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.05; done
  [ -s "$portfile" ] || fail "the server did not start"
  NOLEN_URL="http://127.0.0.1:$(cat "$portfile")/aitool.AppImage"
}

test_download_of_unknown_size_spins() {
  serve_without_length "$AI_FIX/aitool.AppImage"
  on_terminal 80 "$WRAPPY" install --from-appimage "$NOLEN_URL"
  local s
  s=$(states)
  grep -Eq '^Downloading aitool.AppImage [|/\\-]  [0-9.]+.[kM]?B' <<<"$s" || fail "no spinner: $(head -c 600 <<<"$s")"
  grep -q '^Downloading aitool.AppImage \[' <<<"$s" && fail "a bar without a size"
  grep -Eq '^Downloading aitool.AppImage: [0-9.]+.[kM]?B in ' <<<"$s" || fail "no final line"
  ok wrappy run org.example.AiTool
}

test_paranoid_limits_said_once() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  ok wrappy run --isolation=paranoid org.wrappy.Hello -- --exit 0
  assert_contains "$ERR" "limits: "
  assert_contains "$ERR" "said once"
  ok wrappy run --isolation=paranoid org.wrappy.Hello -- --exit 0
  assert_eq "" "$ERR" "stderr of the second run"
  ok wrappy --verbose run --isolation=paranoid org.wrappy.Hello -- --exit 0
  assert_contains "$ERR" "limits: "
  # Asked for on the command line: said every time.
  ok wrappy run --isolation=paranoid --pids=300 org.wrappy.Hello -- --exit 0
  assert_contains "$ERR" "limits: "
  ok wrappy run --isolation=paranoid --pids=300 org.wrappy.Hello -- --exit 0
  assert_contains "$ERR" "pids 300"
  # doctor says it whenever asked.
  ok wrappy doctor
  assert_contains "$OUT$ERR" "cgroup"
}

run_tests "$@"
