#!/bin/bash
# Installs what building, testing and running wrappy needs on Debian 12 (bookworm).
# Idempotent and non-interactive: installs only what is missing; quiet unless it fails.
set -euo pipefail

BUILD_DEPS=(meson ninja-build gcc pkg-config libglib2.0-dev libostree-dev libflatpak-dev
  libjson-glib-dev libseccomp-dev libcurl4-openssl-dev libappstream-dev gettext
  clang-format libsquashfs-dev libappimage-dev libarchive-dev libyaml-dev nettle-dev)
RUN_DEPS=(flatpak ostree bubblewrap gnupg python3 desktop-file-utils dbus hyperfine
  squashfs-tools uidmap passwd util-linux procps coreutils findutils ca-certificates curl
  file locales xvfb xauth x11-utils snapd squashfs-tools-ng xorriso appstream-compose
  xfsprogs mmdebstrap libgtk-3-dev x11-apps man-db groff-base zsh fish fonts-dejavu-extra
  openssh-client gpg-agent xdg-dbus-proxy xdg-desktop-portal xdg-desktop-portal-gtk fuse3
  libglib2.0-bin python3-gi xdotool)

SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup-deps: run as root or install sudo" >&2; exit 1; }
  SUDO=(sudo)
fi

missing=()
for p in "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  if ! { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q --no-install-recommends "${missing[@]}"; } </dev/null >"$log" 2>&1; then
    tail -30 "$log" >&2
    rm -f "$log"
    echo "setup-deps: apt-get failed" >&2
    exit 1
  fi
  rm -f "$log"
fi

# flatpak's user installs talk to the system bus (parental controls): make sure one runs.
if [ ! -S /run/dbus/system_bus_socket ]; then
  "${SUDO[@]}" mkdir -p /run/dbus
  "${SUDO[@]}" dbus-daemon --system --fork >/dev/null 2>&1 || true
fi
echo "setup-deps: ok"
