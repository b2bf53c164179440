#!/bin/bash
# wrappy doctor's store section and `doctor --fix` / `repair` (docs/repair.md): each kind
# of damage is reported by doctor (exit 1), repaired by --fix (exit 0) or, when it
# cannot be, left no worse with one line saying what to do.
. "$(dirname "$0")/lib.sh"

STORE() { echo "$XDG_DATA_HOME/wrappy"; }

# app_layer ID: the app's layer directory (layers/app/ID/ARCH/BRANCH/COMMIT), absolute.
app_layer() {
  local rel
  rel=$(sed -n '/^\[Layer app\]/,/^\[/s/^path=//p' "$(STORE)/apps/$1.manifest" | head -1)
  [ -n "$rel" ] || rel=$(grep -A8 'kind=app' "$(STORE)/apps/$1.manifest" | sed -n 's/^path=//p' | head -1)
  [ -n "$rel" ] || fail "no app layer in the manifest of $1"
  dirname "$(STORE)/$rel"
}

setup_hello() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
}

# corrupt_hello: changes bin/hello in the app layer in place (the repo object is the
# same inode: bare-user-only hardlinks).
corrupt_hello() {
  local f
  f=$(app_layer org.wrappy.Hello)/files/bin/hello
  [ -f "$f" ] || fail "no $f"
  chmod u+w "$f"
  printf '#!/bin/sh\necho tampered\n' >"$f"
  chmod 0755 "$f"
}

runs_hello() {
  ok wrappy run org.wrappy.Hello -- again
  assert_contains "$OUT" "arg=[again]"
  assert_not_contains "$OUT" "tampered"
}

test_repair_healthy_store() {
  setup_hello
  ok wrappy doctor
  assert_contains "$OUT" "Store:"
  assert_contains "$OUT" "the store is healthy"
  assert_contains "$OUT" "1 app"
  ok wrappy doctor --fix
  assert_contains "$OUT" "the store is healthy"
  ok wrappy repair
}

test_repair_no_store_creates_nothing() {
  ok wrappy doctor
  assert_contains "$OUT" "the store is healthy"
  assert_no_file "$XDG_DATA_HOME/wrappy"
}

test_repair_missing_layer() {
  setup_hello
  local layer
  layer=$(app_layer org.wrappy.Hello)
  chmod -R u+w "$layer"
  rm -rf "$layer"
  assert_fails_with 1 "doctor --fix" wrappy doctor
  assert_contains "$OUT" "is missing"
  ok wrappy doctor --fix
  assert_contains "$OUT" "checked out again"
  assert_contains "$OUT" "the store is repaired"
  [ -d "$layer/files" ] || fail "the layer was not restored"
  runs_hello
  ok wrappy doctor
  assert_contains "$OUT" "the store is healthy"
}

test_repair_corrupted_file_repulled() {
  setup_hello
  corrupt_hello
  assert_fails_with 1 "doctor --fix" wrappy doctor
  assert_contains "$OUT" "corrupted"
  assert_contains "$OUT" "(files/bin/hello)"
  ok wrappy doctor --fix
  assert_contains "$OUT" "downloaded again"
  runs_hello
  local f
  f=$(app_layer org.wrappy.Hello)/files/bin/hello
  grep -q "hello from org.wrappy.Hello" "$f" || fail "$f is not the original"
  assert_not_contains "$(cat "$f")" "tampered"
  ok wrappy doctor
  assert_contains "$OUT" "the store is healthy"
}

test_repair_corrupted_server_down() {
  use_own_server
  setup_hello
  corrupt_hello
  local f before
  f=$(app_layer org.wrappy.Hello)/files/bin/hello
  before=$(find "$(STORE)" -path "$(STORE)/repo/tmp" -prune -o -print | sort)
  stop_server
  assert_fails_with 1 "reinstall org.wrappy.Hello" wrappy doctor --fix
  assert_contains "$OUT" "corrupted"
  assert_contains "$ERR" "make remote 'test' reachable"
  # Nothing worse: the same files, the same (tampered) content, still runnable.
  assert_eq "$before" "$(find "$(STORE)" -path "$(STORE)/repo/tmp" -prune -o -print | sort)" "store files"
  assert_contains "$(cat "$f")" "tampered"
  ok wrappy run org.wrappy.Hello
  assert_contains "$OUT" "tampered"
  # The next check finds the same.
  assert_fails_with 1 "doctor --fix" wrappy doctor
  assert_contains "$OUT" "corrupted"
}

test_repair_killed_during_fix() {
  setup_hello
  local point rc
  for point in repair-set-aside repair-layer-swap; do
    corrupt_hello
    rc=0
    # (In braces: the shell's "Killed" notice goes with the output.)
    { WRAPPY_FAULT=$point "$WRAPPY" doctor --fix >/dev/null 2>&1 || rc=$?; } 2>/dev/null
    assert_eq 137 "$rc" "exit status killed at $point"
    assert_fails_with 1 "doctor --fix" wrappy doctor
    ok wrappy doctor --fix
    runs_hello
    ok wrappy doctor
    assert_contains "$OUT" "the store is healthy"
  done
}

# The commit itself gone from the repository, and its layer: pulled again by checksum.
test_repair_missing_commit_repulled() {
  setup_hello
  local layer commit
  layer=$(app_layer org.wrappy.Hello)
  commit=$(basename "$layer")
  rm -f "$(STORE)/repo/objects/${commit:0:2}/${commit:2}.commit"
  chmod -R u+w "$layer"
  rm -rf "$layer"
  assert_fails_with 1 "doctor --fix" wrappy doctor
  assert_contains "$OUT" "incomplete"
  ok wrappy doctor --fix
  assert_contains "$OUT" "downloaded again"
  [ -d "$layer/files" ] || fail "the layer was not checked out again"
  runs_hello
}

# An AppImage's layer is a local commit: nothing to pull it from.
test_repair_appimage_corrupted_reinstall() {
  local ai=${WRAPPY_FIXTURES}-appimage
  "$LIB_DIR/../fixtures/make-appimage.sh" "$ai" >/dev/null 2>&1 || fail "no AppImage fixtures"
  ok wrappy install "$ai/aitool.AppImage"
  local f
  f=$(find "$(app_layer org.example.AiTool)/files" -type f -name AppRun | head -1)
  [ -n "$f" ] || fail "no AppRun in the layer"
  chmod u+w "$f"
  echo "# tampered" >>"$f"
  local sum
  sum=$(sha256sum "$f")
  assert_fails_with 1 "reinstall org.example.AiTool" wrappy doctor
  assert_contains "$OUT" "corrupted"
  assert_fails_with 1 "reinstall org.example.AiTool" wrappy doctor --fix
  assert_eq "$sum" "$(sha256sum "$f")" "the layer file"
  assert_file "$(STORE)/apps/org.example.AiTool.manifest"
}

# A layer a running app uses is not replaced under it: --fix says to quit the app. A
# sandbox holds a shared flock on each layer directory it mounts (wrappy-layer-lock.h);
# flock(1) holds one here the same way.
test_repair_running_app_not_touched() {
  setup_hello
  local layer pid
  layer=$(app_layer org.wrappy.Hello)
  flock --shared --no-fork "$layer" sleep 300 &
  pid=$!
  echo "$pid" >>"$T_DIR/.pids"
  local i
  for i in $(seq 100); do
    flock --exclusive --nonblock "$layer" true 2>/dev/null || break
    sleep 0.05
  done
  ! flock --exclusive --nonblock "$layer" true 2>/dev/null || fail "flock did not take the lock"
  corrupt_hello
  assert_fails_with 1 "quit org.wrappy.Hello" wrappy doctor --fix
  assert_contains "$(cat "$layer/files/bin/hello")" "tampered"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  ok wrappy doctor --fix
  runs_hello
}

test_repair_garbage_manifest() {
  setup_hello
  install_app org.wrappy.Other test
  printf 'this is \001 not a key file\n[[' >"$(STORE)/apps/org.wrappy.Other.manifest"
  assert_fails_with 1 "" wrappy doctor
  assert_contains "$OUT" "org.wrappy.Other.manifest cannot be read"
  assert_fails_with 1 "reinstall org.wrappy.Other" wrappy doctor --fix
  assert_file "$(STORE)/apps/broken/org.wrappy.Other.manifest"
  assert_no_file "$(STORE)/apps/org.wrappy.Other.manifest"
  ok wrappy list
  assert_contains "$OUT" "org.wrappy.Hello"
  assert_not_contains "$OUT" "org.wrappy.Other"
  # The broken app is uninstalled now: the store is healthy, its layer an orphan for gc.
  ok wrappy doctor
  assert_contains "$OUT" "the store is healthy"
  assert_contains "$OUT" "wrappy gc"
  # A reinstall works and its manifest is a fresh one.
  install_app org.wrappy.Other test
  ok wrappy run org.wrappy.Other -- x
}

test_repair_orphan_launcher() {
  setup_hello
  mkdir -p "$XDG_DATA_HOME/applications"
  printf '[Desktop Entry]\nType=Application\nName=Gone\nExec=wrappy run org.wrappy.Gone\nX-Wrappy-App=org.wrappy.Gone\n' \
    >"$XDG_DATA_HOME/applications/org.wrappy.Gone.desktop"
  printf '[Desktop Entry]\nType=Application\nName=Mine\nExec=true\n' \
    >"$XDG_DATA_HOME/applications/mine.desktop"
  assert_fails_with 1 "" wrappy doctor
  assert_contains "$OUT" "launchers of org.wrappy.Gone, which is not installed"
  ok wrappy doctor --fix
  assert_no_file "$XDG_DATA_HOME/applications/org.wrappy.Gone.desktop"
  assert_file "$XDG_DATA_HOME/applications/mine.desktop"
}

test_repair_missing_launcher_reexported() {
  start_server
  cached_install org.wrappy.Gui add_and_install org.wrappy.Gui
  local d=$XDG_DATA_HOME/applications/org.wrappy.Gui.desktop
  assert_file "$d"
  rm -f "$d"
  assert_fails_with 1 "" wrappy doctor
  assert_contains "$OUT" "launchers of org.wrappy.Gui are not exported"
  ok wrappy doctor --fix
  assert_file "$d"
  assert_contains "$(cat "$d")" "X-Wrappy-App=org.wrappy.Gui"
}

# An AppImage's launcher is made at install time: a missing one needs a reinstall.
test_repair_appimage_missing_launcher() {
  local ai=${WRAPPY_FIXTURES}-appimage
  "$LIB_DIR/../fixtures/make-appimage.sh" "$ai" >/dev/null 2>&1 || fail "no AppImage fixtures"
  ok wrappy install "$ai/aitool.AppImage"
  ok wrappy doctor
  local d
  d=$(grep -l "X-Wrappy-App=org.example.AiTool" "$XDG_DATA_HOME"/applications/*.desktop | head -1)
  [ -n "$d" ] || fail "no launcher exported for the AppImage"
  rm "$d"
  assert_fails_with 1 "reinstall org.example.AiTool" wrappy doctor
  assert_contains "$OUT" "launchers of org.example.AiTool are not exported"
  assert_fails_with 1 "reinstall org.example.AiTool" wrappy doctor --fix
}

test_repair_leftovers() {
  setup_hello
  mkdir -p "$(STORE)/layers/.tmp-deadbeef-12345/files"
  echo x >"$(STORE)/apps/org.wrappy.Hello.manifest.AB12cd"
  assert_fails_with 1 "doctor --fix" wrappy doctor
  assert_contains "$OUT" "layers/.tmp-deadbeef-12345 is a leftover"
  assert_contains "$OUT" "apps/org.wrappy.Hello.manifest.AB12cd is a leftover"
  ok wrappy doctor --fix
  assert_no_file "$(STORE)/layers/.tmp-deadbeef-12345"
  assert_no_file "$(STORE)/apps/org.wrappy.Hello.manifest.AB12cd"
  assert_file "$(STORE)/apps/org.wrappy.Hello.manifest"
  runs_hello
}

test_repair_orphans_only_reported() {
  setup_hello
  install_app org.wrappy.Other test
  local layer
  layer=$(app_layer org.wrappy.Other)
  rm "$(STORE)/apps/org.wrappy.Other.manifest"
  ok wrappy doctor
  assert_contains "$OUT" "run 'wrappy gc' to free"
  ok wrappy doctor --fix
  [ -d "$layer" ] || fail "doctor --fix removed an orphan layer (that is gc's)"
}

test_repair_json() {
  setup_hello
  mkdir -p "$(STORE)/layers/.tmp-x-1"
  corrupt_hello
  run wrappy --json doctor
  assert_eq 1 "$RC" "exit status"
  assert_eq False "$(json "j['store']['healthy']")"
  assert_eq True "$(json "isinstance(j['store']['problems'], list) and isinstance(j['store']['objects_verified'], int)")"
  assert_eq "corrupted found org.wrappy.Hello" \
    "$(json "' '.join([[p['kind'], p['status'], p['app']] for p in j['store']['problems'] if p['kind'] == 'corrupted'][0])")"
  assert_eq "leftover found" \
    "$(json "' '.join([[p['kind'], p['status']] for p in j['store']['problems'] if p['kind'] == 'leftover'][0])")"
  assert_contains "$(json "j['store']['action']")" "doctor --fix"
  ok wrappy --json doctor --fix
  assert_eq True "$(json "j['store']['healthy']")"
  assert_eq "corrupted:fixed leftover:fixed" \
    "$(json "' '.join(sorted(p['kind'] + ':' + p['status'] for p in j['store']['problems']))")"
  assert_eq None "$(json "j['store']['action']")"
  json "j['checks']['user_namespace']['ok']" >/dev/null
}

run_tests "$@"
