/* What a Flatpak app's sandbox adds to its launch spec. */
#pragma once

#include "wrappy-launch-spec.h"
#include "wrappy-manifest.h"

G_BEGIN_DECLS

/* The text of /.flatpak-info for m, as Flatpak writes it (see wrappy-flathub-launch.c). */
char *wrappy_flathub_info (const WrappyManifest *m, const WrappyLaunchSpec *spec);

G_END_DECLS
