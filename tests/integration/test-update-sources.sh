#!/bin/bash
# `wrappy update` of AppImages and snaps (the adapters' half; docs/appimage.md and
# docs/snap.md, "Updates"): an AppImage follows its zsync update information to a new
# file, is up to date when the .zsync names the installed file, and a malformed .zsync,
# a short download or a file of another app change nothing; a snap takes a new revision
# of its channel from the store stand-in, is up to date on the same revision, and a
# store that is down is one clear error. Fixtures: make-appimage.sh (aitool-upd,
# aitool-v2), make-snaps.sh (second-snap_4).
source "$(dirname "$0")/lib.sh"

AI_FIX=${WRAPPY_FIXTURES}-appimage
"$LIB_DIR/../fixtures/make-appimage.sh" "$AI_FIX" ||
  { echo "Bail out! could not build the AppImage fixtures" >&2; exit 1; }
SNAP_FIX=$WRAPPY_FIXTURES-snaps
"$TOP_DIR/tests/fixtures/make-snaps.sh" "$SNAP_FIX" ||
  { echo "Bail out! could not build the snaps" >&2; exit 1; }

AI=org.example.AiTool
SN=io.snapcraft.second-snap
MANIFESTS() { echo "$XDG_DATA_HOME/wrappy/apps"; }

# set_update_url FILE URL: writes "zsync|URL" over the placeholder update information.
set_update_url() {
  "$PYTHON" - "$1" "zsync|$2" <<'EOF'
import sys
path, info = sys.argv[1], sys.argv[2].encode()
old = b"zsync|@UPDATE_URL@"
data = open(path, "rb").read()
i = data.index(old)
new = info.ljust(len(old) + 399, b"\0")  # the placeholder is followed by 400 NULs
assert len(info) < len(new) and data[i + len(old):i + len(new)] == b"\0" * (len(new) - len(old))
open(path, "wb").write(data[:i] + new + data[i + len(new):])
EOF
}

# make_zsync FILE URL [LENGTH]: a .zsync header describing FILE at URL (block sums omitted:
# wrappy reads only the header).
make_zsync() {
  "$PYTHON" - "$@" <<'EOF'
import hashlib, os, sys
path, url = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
length = sys.argv[3] if len(sys.argv) > 3 else str(len(data))
sys.stdout.write("zsync: 0.6.2\nFilename: %s\nMTime: Tue, 01 Oct 2024 00:00:00 +0000\n"
                 "Blocksize: 2048\nLength: %s\nHash-Lengths: 2,2,5\nURL: %s\nSHA-1: %s\n\n"
                 % (os.path.basename(url), length, url, hashlib.sha1(data).hexdigest()))
EOF
}

# ai_setup: a server dir (SRV) with v2 at aitool-2.AppImage, and aitool v1 installed from
# a file whose update information points at SRV/aitool.AppImage.zsync.
ai_setup() {
  SRV=$T_DIR/srv
  mkdir -p "$SRV"
  start_server "$SRV"
  cp "$AI_FIX/aitool-upd.AppImage" "$T_DIR/aitool.AppImage"
  cp "$AI_FIX/aitool-v2.AppImage" "$SRV/aitool-2.AppImage"
  set_update_url "$T_DIR/aitool.AppImage" "$SERVER_URL/aitool.AppImage.zsync"
  set_update_url "$SRV/aitool-2.AppImage" "$SERVER_URL/aitool.AppImage.zsync"
  if [ -n "${SIGN_WITH:-}" ]; then sign "$T_DIR/aitool.AppImage" "$SIGN_WITH"; fi
  ok wrappy install "$T_DIR/aitool.AppImage"
  cp "$(MANIFESTS)/$AI.manifest" "$T_DIR/before.manifest"
  # The loopback server is plain http: allowed for this app only (see
  # test_appimage_http_update_refused).
  allow_http "$AI"
}

# allow_http ID: the user lets ID be updated over plain http.
allow_http() {
  mkdir -p "$XDG_CONFIG_HOME/wrappy/overrides"
  printf '[Wrappy]\ninsecure-updates=true\n' >"$XDG_CONFIG_HOME/wrappy/overrides/$1"
}

# unchanged: the manifest is the one saved by the install, v1 still runs.
ai_unchanged() {
  cmp -s "$T_DIR/before.manifest" "$(MANIFESTS)/$AI.manifest" || fail "the manifest changed"
  ok wrappy run "$AI"
  assert_contains "$OUT" "payload data"
  assert_not_contains "$OUT" "payload data v2"
  [ -z "$(ls -A "$XDG_CACHE_HOME/wrappy/downloads" 2>/dev/null | grep -v '\.part$')" ] ||
    fail "downloads left: $(ls -A "$XDG_CACHE_HOME/wrappy/downloads")"
}

test_appimage_zsync_update() {
  ai_setup
  make_zsync "$SRV/aitool-2.AppImage" aitool-2.AppImage >"$SRV/aitool.AppImage.zsync"
  ok wrappy run --home=private --command=sh "$AI" -c 'echo mine >"$HOME/mine.txt"'
  ok wrappy update --yes "$AI"
  grep -q '^version=2.0.0$' "$(MANIFESTS)/$AI.manifest" || fail "the manifest is not v2's"
  grep -q "^origin=$SERVER_URL/aitool-2.AppImage\$" "$(MANIFESTS)/$AI.manifest" ||
    fail "the origin is not the new file's URL"
  ok wrappy run "$AI"
  assert_contains "$OUT" "payload data v2"
  ok wrappy run --home=private --command=sh "$AI" -c 'cat "$HOME/mine.txt"'
  assert_eq mine "$OUT" "private home data after the update"
  assert_file "$XDG_DATA_HOME/applications/$AI.desktop"
  # Once more: the .zsync names the file now installed.
  cp "$(MANIFESTS)/$AI.manifest" "$T_DIR/v2.manifest"
  ok wrappy update --yes "$AI"
  cmp -s "$T_DIR/v2.manifest" "$(MANIFESTS)/$AI.manifest" || fail "an up-to-date app changed"
}

# Issue 16, finding 4: over plain http a server (or anyone on the path) that swaps the
# AppImage and serves a matching .zsync got its file installed. Refused unless the user
# allows http for that app; the global overrides file does not count.
test_appimage_http_update_refused() {
  ai_setup
  make_zsync "$SRV/aitool-2.AppImage" aitool-2.AppImage >"$SRV/aitool.AppImage.zsync"
  rm "$XDG_CONFIG_HOME/wrappy/overrides/$AI"
  assert_fails_with 1 "refusing an update over plain http" wrappy update --yes "$AI"
  ai_unchanged
  allow_http global
  assert_fails_with 1 "refusing an update over plain http" wrappy update --yes "$AI"
  ai_unchanged
  # Allowed for this app: the update goes through.
  allow_http "$AI"
  ok wrappy update --yes "$AI"
  grep -q '^version=2.0.0$' "$(MANIFESTS)/$AI.manifest" || fail "the manifest is not v2's"
}

# gpg_key NAME: prints the home of a new throwaway signing key (ed25519).
gpg_key() {
  local home=$T_DIR/gpg-$1
  mkdir -p -m 0700 "$home"
  gpg --batch --no-tty --homedir "$home" --passphrase '' \
    --quick-gen-key "wrappy test $1 <$1@wrappy.invalid>" ed25519 sign never >/dev/null 2>&1 ||
    fail "gpg could not make a key"
  echo "$home"
}

# sign FILE GNUPGHOME [--key-of OTHER_HOME]: signs an AppImage as appimagetool does.
sign() {
  "$PYTHON" "$TOP_DIR/tests/fixtures/sign-appimage.py" "$@" || fail "could not sign $1"
}

stop_agents() {
  local h
  for h in "$T_DIR"/gpg-*; do gpgconf --homedir "$h" --kill gpg-agent 2>/dev/null; done
  return 0
}

# Issue 16, finding 4: a signed AppImage is updated only to one signed by the same key.
test_appimage_signed_update_same_key() {
  command -v gpg >/dev/null || skip "gpg is not installed"
  local a
  a=$(gpg_key a)
  SIGN_WITH=$a ai_setup
  ok wrappy info "$AI"
  assert_contains "$OUT" "yes, by" "info: signed"
  sign "$SRV/aitool-2.AppImage" "$a"
  make_zsync "$SRV/aitool-2.AppImage" aitool-2.AppImage >"$SRV/aitool.AppImage.zsync"
  ok wrappy update --yes "$AI"
  grep -q '^version=2.0.0$' "$(MANIFESTS)/$AI.manifest" || fail "the manifest is not v2's"
  ok wrappy info "$AI"
  assert_contains "$OUT" "yes, by" "info: still signed"
  stop_agents
}

test_appimage_signed_update_refused() {
  command -v gpg >/dev/null || skip "gpg is not installed"
  local a b
  a=$(gpg_key a)
  b=$(gpg_key b)
  SIGN_WITH=$a ai_setup
  # Not signed at all.
  make_zsync "$SRV/aitool-2.AppImage" aitool-2.AppImage >"$SRV/aitool.AppImage.zsync"
  assert_fails_with 1 "is signed by .* and the update is not" wrappy update --yes "$AI"
  ai_unchanged
  # Signed by another key, which it carries.
  sign "$SRV/aitool-2.AppImage" "$b"
  make_zsync "$SRV/aitool-2.AppImage" aitool-2.AppImage >"$SRV/aitool.AppImage.zsync"
  assert_fails_with 1 "not signed by .*the key of the installed version" wrappy update --yes "$AI"
  ai_unchanged
  # Signed by another key, claiming the installed one's.
  sign "$SRV/aitool-2.AppImage" "$b" --key-of "$a"
  make_zsync "$SRV/aitool-2.AppImage" aitool-2.AppImage >"$SRV/aitool.AppImage.zsync"
  assert_fails_with 1 "not signed by .*the key of the installed version" wrappy update --yes "$AI"
  ai_unchanged
  stop_agents
}

# A signed file changed after signing is refused at install; an unsigned one says so.
test_appimage_signature_checked_at_install() {
  command -v gpg >/dev/null || skip "gpg is not installed"
  local a
  a=$(gpg_key a)
  cp "$AI_FIX/aitool-upd.AppImage" "$T_DIR/aitool.AppImage"
  sign "$T_DIR/aitool.AppImage" "$a"
  printf 'x' | dd of="$T_DIR/aitool.AppImage" bs=1 seek=$(($(stat -c %s "$T_DIR/aitool.AppImage") - 1)) \
    conv=notrunc status=none
  assert_fails_with 1 "not a valid signature" wrappy install "$T_DIR/aitool.AppImage"
  ok wrappy install "$AI_FIX/aitool.AppImage"
  ok wrappy info "$AI"
  assert_contains "$OUT" "Signed:" "info"
  assert_not_contains "$OUT" "yes, by" "info: unsigned"
  stop_agents
}

test_appimage_up_to_date() {
  ai_setup
  make_zsync "$T_DIR/aitool.AppImage" aitool-1.AppImage >"$SRV/aitool.AppImage.zsync"
  ok wrappy update --yes "$AI"
  ai_unchanged
}

test_appimage_malformed_zsync() {
  ai_setup
  printf 'zsync: 0.6.2\nSHA-1: nothex\nURL: aitool-2.AppImage\n\n' >"$SRV/aitool.AppImage.zsync"
  assert_fails_with 1 "not a valid \.zsync file" wrappy update --yes "$AI"
  ai_unchanged
  printf '<html>not found</html>' >"$SRV/aitool.AppImage.zsync"
  assert_fails_with 1 "not a valid \.zsync file" wrappy update --yes "$AI"
  ai_unchanged
}

test_appimage_truncated_download() {
  local size
  ai_setup
  make_zsync "$SRV/aitool-2.AppImage" aitool-short.AppImage >"$SRV/aitool.AppImage.zsync"
  size=$(stat -c %s "$SRV/aitool-2.AppImage")
  head -c $((size / 2)) "$SRV/aitool-2.AppImage" >"$SRV/aitool-short.AppImage"
  assert_fails_with 1 "incomplete" wrappy update --yes "$AI"
  ai_unchanged
}

test_appimage_update_changing_id_refused() {
  ai_setup
  cp "$AI_FIX/hello.AppImage" "$SRV/hello.AppImage"
  make_zsync "$SRV/hello.AppImage" hello.AppImage >"$SRV/aitool.AppImage.zsync"
  assert_fails_with 1 "changes the app's ID" wrappy update --yes "$AI"
  ai_unchanged
  ostree refs --repo="$XDG_DATA_HOME/wrappy/repo" | grep -q io.appimage.hello &&
    fail "the refused file's layer was left"
  return 0
}

test_appimage_from_file_without_update_info() {
  # The type 1 fixture has no .upd_info section.
  ok wrappy install "$AI_FIX/isotool.AppImage"
  cp "$(MANIFESTS)/org.example.IsoTool.manifest" "$T_DIR/before.manifest"
  ok wrappy update --yes org.example.IsoTool
  assert_contains "$OUT" "nothing to update from"
  cmp -s "$T_DIR/before.manifest" "$(MANIFESTS)/org.example.IsoTool.manifest" ||
    fail "the manifest changed"
}

# ---- Snaps: SNAPS is this test's own store dir, its index.json rewritten as revisions move.

snap_setup() {
  SNAPS=$T_DIR/snaps
  mkdir -p "$SNAPS"
  ln -s "$SNAP_FIX"/*.snap "$SNAPS/"
  cp "$SNAP_FIX/index.json" "$SNAPS/"
  start_snapstore
  ok wrappy install --from-snap second-snap
  cp "$(MANIFESTS)/$SN.manifest" "$T_DIR/before.manifest"
}

# publish REVISION VERSION [SNAP]: the store's stable channel of SNAP (second-snap) now
# holds that revision.
publish() {
  "$PYTHON" - "$SNAPS/index.json" "$1" "$2" "${3:-second-snap}" <<'EOF'
import json, sys
path, rev, version, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
j = json.load(open(path))
j[name].update(file="%s_%d.snap" % (name, rev), revision=rev, version=version)
json.dump(j, open(path, "w"))
EOF
}

test_snap_new_revision() {
  snap_setup
  ok wrappy run "$SN"
  assert_contains "$OUT" "second-version=1.0"
  publish 4 1.1
  ok wrappy update --yes "$SN"
  grep -q '^revision=4$' "$(MANIFESTS)/$SN.manifest" || fail "[Snap] revision is not 4"
  grep -q '^version=1.1$' "$(MANIFESTS)/$SN.manifest" || fail "the manifest is not 1.1's"
  ok wrappy run "$SN"
  assert_contains "$OUT" "second-version=1.1"
  assert_contains "$OUT" "SNAP=/snap/second-snap/4"
  assert_contains "$OUT" "wrappy-core 1"
}

# As snapd's refresh: SNAP_USER_DATA and SNAP_DATA of revision 3 are copied to 4, in the
# private home and in the user's own (isolation none); the common dirs are per snap; the
# old revision's dirs stay. A symlink the app planted inside is copied as a link.
test_snap_data_carried_to_new_revision() {
  local state=$XDG_STATE_HOME/wrappy/$SN
  snap_setup
  ok wrappy run --command=sh "$SN" -- -c '
    echo user >"$SNAP_USER_DATA/settings" && echo sys >"$SNAP_DATA/db" &&
    echo common >"$SNAP_USER_COMMON/c" && ln -s /etc/hostname "$SNAP_USER_DATA/link"'
  ok wrappy run --isolation=none --command=sh "$SN" -- -c 'echo host >"$SNAP_USER_DATA/h"'
  publish 4 1.1
  ok wrappy update --yes "$SN"
  assert_contains "$ERR" "Copied the data of second-snap revision 3 to revision 4"
  ok wrappy run --command=sh "$SN" -- -c '
    echo "rev=$SNAP_REVISION home=$HOME"; cat "$SNAP_USER_DATA/settings" "$SNAP_DATA/db" \
      "$SNAP_USER_COMMON/c"; readlink "$SNAP_USER_DATA/link"'
  assert_contains "$OUT" "rev=4 home=$HOME/snap/second-snap/4"
  assert_contains "$OUT" "user
sys
common
/etc/hostname"
  ok wrappy run --isolation=none --command=sh "$SN" -- -c 'cat "$SNAP_USER_DATA/h"'
  assert_contains "$OUT" "host"
  [ -f "$state/home/snap/second-snap/3/settings" ] || fail "revision 3's user data is gone"
  [ -f "$state/snap-data/3/db" ] || fail "revision 3's SNAP_DATA is gone"
  [ -f "$HOME/snap/second-snap/3/h" ] || fail "revision 3's data in the home is gone"
}

# The app replaced ~/snap/second-snap in its private home with a link to a host
# directory that has a "3": the update copies nothing through it, and says so.
test_snap_data_carry_follows_no_symlink() {
  local state=$XDG_STATE_HOME/wrappy/$SN
  snap_setup
  mkdir -p "$T_DIR/victim/3" && echo secret >"$T_DIR/victim/3/f"
  ok wrappy run --command=sh "$SN" -- -c 'echo x >"$SNAP_USER_DATA/settings"'
  ok wrappy run --command=sh "$SN" -- -c "
    cd \"\$SNAP_REAL_HOME/snap\" && mv second-snap kept && ln -s '$T_DIR/victim' second-snap"
  [ -L "$state/home/snap/second-snap" ] || fail "the app could not plant its link"
  publish 4 1.1
  ok wrappy update --yes "$SN"
  assert_contains "$ERR" "was not carried to the new revision"
  [ ! -e "$T_DIR/victim/4" ] || fail "the update wrote through the app's symlink"
  grep -q '^revision=4$' "$(MANIFESTS)/$SN.manifest" || fail "[Snap] revision is not 4"
}

# Killed in the middle of the copy: the app stays at revision 3 with its data; the next
# update removes the half copy and carries the data over.
test_snap_data_carry_killed() {
  local state=$XDG_STATE_HOME/wrappy/$SN
  snap_setup
  ok wrappy run --command=sh "$SN" -- -c 'echo user >"$SNAP_USER_DATA/settings"'
  publish 4 1.1
  run env WRAPPY_FAULT=copy-dir-before-rename "$WRAPPY" update --yes "$SN"
  assert_eq 137 "$RC" "exit status of the killed update"
  grep -q '^revision=3$' "$(MANIFESTS)/$SN.manifest" || fail "the manifest moved to 4"
  [ ! -e "$state/snap-data/4" ] && [ ! -e "$state/home/snap/second-snap/4" ] ||
    fail "a half copy is in place"
  ok wrappy update --yes "$SN"
  ok wrappy run --command=sh "$SN" -- -c '
    cat "$SNAP_USER_DATA/settings"; ls -a "$SNAP_REAL_HOME/snap/second-snap" "$SNAP_DATA/.."'
  assert_contains "$OUT" "user"
  assert_not_contains "$OUT" "wrappy-copy"
}

# The base's latest/stable moved with the app's new revision: both come.
test_snap_new_revision_with_new_base() {
  snap_setup
  publish 4 1.1
  publish 2 2 wrappy-core
  ok wrappy update --yes "$SN"
  assert_contains "$ERR" "Updating the base wrappy-core to revision 2"
  grep -q '^ref=snap/wrappy-core/.*/2$' "$(MANIFESTS)/$SN.manifest" || fail "the base is not 2"
  ok wrappy run "$SN"
  assert_contains "$OUT" "second-version=1.1"
  assert_contains "$OUT" "wrappy-core 2"
}

# Only the base moved (a security fix in it): the app keeps its revision and data and
# runs on the new base; the next update finds nothing.
test_snap_base_moves_alone() {
  snap_setup
  ok wrappy run --command=sh "$SN" -- -c 'echo kept >"$SNAP_USER_DATA/f"'
  publish 2 2 wrappy-core
  ok wrappy --json update --yes "$SN"
  assert_eq updated "$(json '[a["status"] for a in j if a["id"] == "'$SN'"][0]')" "status"
  grep -q '^revision=3$' "$(MANIFESTS)/$SN.manifest" || fail "[Snap] revision is not 3"
  ok wrappy run "$SN"
  assert_contains "$OUT" "second-version=1.0"
  assert_contains "$OUT" "wrappy-core 2"
  ok wrappy run --command=sh "$SN" -- -c 'cat "$SNAP_USER_DATA/f"'
  assert_contains "$OUT" "kept"
  ok wrappy update "$SN"
  assert_contains "$OUT" "up to date"
}

test_snap_same_revision_up_to_date() {
  local downloads
  snap_setup
  downloads=$(grep -c "GET /download/" "$STORE_LOG")
  ok wrappy --json update --yes "$SN"
  assert_eq up-to-date "$(json '[a["status"] for a in j if a["id"] == "'$SN'"][0]')" "status"
  cmp -s "$T_DIR/before.manifest" "$(MANIFESTS)/$SN.manifest" || fail "the manifest changed"
  assert_eq "$downloads" "$(grep -c "GET /download/" "$STORE_LOG")" "downloads from the store"
}

test_snap_store_down() {
  snap_setup
  publish 4 1.1
  WRAPPY_SNAP_STORE_URL=$(closed_port_url) assert_fails_with 1 "" wrappy update --yes "$SN"
  cmp -s "$T_DIR/before.manifest" "$(MANIFESTS)/$SN.manifest" || fail "the manifest changed"
  ok wrappy run "$SN"
  assert_contains "$OUT" "second-version=1.0"
}

test_snap_from_file_up_to_date() {
  SNAPS=$SNAP_FIX
  start_snapstore # for its base
  ok wrappy install "$SNAP_FIX/second-snap_3.snap"
  ok wrappy update --yes "$SN"
  assert_contains "$OUT" "nothing to update from"
}

run_tests "$@"
