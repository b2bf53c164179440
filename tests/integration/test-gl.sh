#!/bin/bash
# GL driver extensions (issue 17, item 2): org.wrappy.GLProbe (tests/fixtures/eglprobe.c:
# EGL on Mesa's surfaceless platform through libglvnd) on a runtime that has libglvnd and
# no Mesa, with org.wrappy.GL.Platform.GL.default made from Debian bookworm's Mesa
# packages (tests/fixtures/make-gl-repo.sh). Mesa must come from the extension layer:
# libglvnd finds its vendor file through __EGL_VENDOR_LIBRARY_DIRS (the runtime's
# [Environment]) and the merge-dirs link, the loader finds libEGL_mesa through add-ld-path
# and the app's loader cache. The same under `flatpak run`.
. "$(dirname "$0")/lib.sh"

APP=org.wrappy.GLProbe
GL_REF=runtime/org.wrappy.GL.Platform.GL.default/x86_64/1
GLDIR=/usr/lib/x86_64-linux-gnu/GL
: "${WRAPPY_GL_FIXTURES:=$(dirname "$WRAPPY_FIXTURES")/wrappy-gl-$(
  "$LIB_DIR/../fixtures/make-gl-repo.sh" --print-hash)}"
GL_FIX=$WRAPPY_GL_FIXTURES
"$LIB_DIR/../fixtures/make-gl-repo.sh" "$GL_FIX" ||
  { echo "Bail out! could not build the GL fixture" >&2; exit 1; }

setup_gl() {
  start_server "$GL_FIX"
  add_remote gl
  install_app $APP gl
}

# rendered_by_extension LABEL: $OUT is the probe's, rendering with Mesa's llvmpipe, its
# EGL vendor library and DRI driver loaded from the extension, nothing from the runtime.
rendered_by_extension() {
  assert_contains "$OUT" "EGL_VENDOR=Mesa Project" "EGL vendor at $1"
  assert_contains "$OUT" "GL_RENDERER=llvmpipe" "GL renderer at $1"
  assert_contains "$OUT" "loaded $GLDIR/default/lib/libEGL_mesa.so" "libEGL_mesa at $1"
  assert_contains "$OUT" "loaded $GLDIR/default/lib/dri/swrast_dri.so" "the DRI driver at $1"
  assert_not_contains "$(grep '^loaded' <<<"$OUT" | grep -v "$GLDIR/default/")" "loaded" \
    "Mesa loaded from elsewhere at $1"
}

test_gl_renders_through_the_extension_at_each_level() {
  setup_gl
  local level
  for level in partial full paranoid; do
    ok wrappy run --isolation=$level $APP
    rendered_by_extension $level
  done
}

test_gl_info_and_doctor_name_the_driver() {
  setup_gl
  ok wrappy info $APP
  assert_contains "$OUT" "GL driver:"
  assert_contains "$OUT" "$GL_REF (commit"
  ok wrappy doctor
  assert_contains "$OUT" "GL drivers, in the order apps get them: default, host"
  assert_contains "$OUT" "$APP: $GL_REF"
  # No active driver of its kind: no GL extension, and the probe finds no Mesa.
  FLATPAK_GL_DRIVERS=nvidia-1-2 run wrappy info $APP
  assert_contains "$OUT" "GL driver:   none"
  FLATPAK_GL_DRIVERS=nvidia-1-2 run wrappy run $APP
  [ "$RC" != 0 ] || fail "the probe rendered without its GL driver: $OUT"
}

# Attacks: the driver and the vendor directory are read-only (an app cannot plant a
# vendor file or a library that libglvnd would load); /dev holds dri (devices=dri, when
# the host has it) and nothing more (devices=all: test-agents.sh).
test_gl_layer_read_only_and_devices_minimal() {
  setup_gl
  run wrappy run --command=sh $APP -c "
    echo '{}' >$GLDIR/glvnd/egl_vendor.d/10_evil.json && echo PLANTED
    echo x >$GLDIR/default/lib/libEGL_evil.so && echo PLANTED
    ln -s /tmp $GLDIR/evil && echo PLANTED
    ls /dev"
  assert_not_contains "$OUT" "PLANTED"
  assert_not_contains "$OUT" "sda"
  assert_not_contains "$OUT" "mem"
  assert_not_contains "$OUT" "kmsg"
  if [ -e /dev/dri ]; then assert_contains "$OUT" "dri"; else assert_not_contains "$OUT" "dri"; fi
}

test_gl_under_flatpak() {
  command -v flatpak >/dev/null || skip "flatpak is not installed"
  ensure_system_bus || [ -S /run/dbus/system_bus_socket ] ||
    skip "no system D-Bus (flatpak needs one); run as root once to start it"
  run flatpak --user remote-add --if-not-exists --no-gpg-verify gl "file://$GL_FIX/repo"
  [ "$RC" = 0 ] || skip "flatpak remote-add fails here: $ERR"
  run flatpak --user install -y --noninteractive gl $APP
  [ "$RC" = 0 ] || skip "flatpak install fails here: $(printf '%s' "$ERR" | tail -1)"
  run flatpak --user list --runtime --columns=ref
  assert_contains "$OUT" "org.wrappy.GL.Platform.GL.default/x86_64/1" "flatpak installed the driver"
  run flatpak run $APP
  [ "$RC" = 0 ] || fail "flatpak run: $ERR"
  rendered_by_extension flatpak
}

run_tests "$@"
