/* How a Flatpak app's extensions shape its sandbox, from the extension points of its
 * runtime and of the app (flatpak-dir.c's flatpak_list_extensions and flatpak-run.c's
 * flatpak_run_add_extension_args): enable-if, add-ld-path, merge-dirs, subdirectories
 * and subdirectory-suffix. Conditions wrappy cannot evaluate on this host count as
 * false, as in Flatpak (docs/sandbox.md lists them). */
#pragma once

#include "wrappy-launch-spec.h"
#include "wrappy-manifest.h"

G_BEGIN_DECLS

/* Whether the condition of enable-if or download-if ("a;b", "!a") holds for the
 * extension ext_id on this host: active-gl-driver, have-intel-gpu,
 * have-kernel-module-NAME, on-xdg-desktop-NAME. NULL or empty holds. */
gboolean wrappy_flathub_ext_condition (const char *ext_id, const char *condition);

/* The GL drivers Flatpak would pick on this host, best first (FLATPAK_GL_DRIVERS, else
 * nvidia-VERSION when the nvidia module is loaded, then "default" and "host"). */
char **wrappy_flathub_gl_drivers (void);

/* The GL driver extension m's app will use (the layer of the first GL driver of
 * wrappy_flathub_gl_drivers that it has installed and whose enable-if holds), as
 * "REF (commit SHORT)"; NULL when it has none. A GL driver is an extension of a point
 * named *.GL with subdirectories, as org.freedesktop.Platform.GL. */
char *wrappy_flathub_gl_driver (const WrappyManifest *m);

/* Fills spec->ext_tmpfs, ld_conf and links from m's layers and the metadata of its
 * runtime and app, and drops from spec->deps the extensions whose enable-if does not
 * hold. Never fails: unreadable metadata leaves the layers as they are (--verbose says). */
void wrappy_flathub_ext_layout (WrappyLaunchSpec *spec, const WrappyManifest *m);

G_END_DECLS
