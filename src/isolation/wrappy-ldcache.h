/* The loader cache of a Flatpak app: the runtime's own ldconfig, run once in a sandbox
 * of the app's layout, makes an ld.so.cache that knows /app/lib (which the runtime's
 * build-time cache cannot), as flatpak-run.c's regenerate_ld_cache does. */
#pragma once

#include "wrappy-launch-spec.h"

G_BEGIN_DECLS

char *wrappy_ldcache_key (const WrappyLaunchSpec *spec);
gboolean wrappy_ldcache_prepare (WrappyLaunchSpec *spec, GError **error);

G_END_DECLS
