/* Layers in use: every running sandbox (`wrappy run`, `wrappy enter`) holds a shared
 * flock(2) on the directory of each store layer it mounts (layers/KIND/ID/ARCH/BRANCH/
 * COMMIT), from before the sandbox is built until it is gone. `wrappy gc` takes the same
 * lock exclusively, without waiting, before it removes a layer, and keeps the layer when
 * it cannot. A flock belongs to the open file, so it ends with the process: a killed
 * wrappy leaves no stale lock behind (its sandbox dies with it, PR_SET_PDEATHSIG). */
#pragma once

#include <glib.h>

#include "wrappy-manifest.h"

G_BEGIN_DECLS

typedef struct
{
  GArray *fds; /* int, one per locked layer */
} WrappyLayerLocks;

void wrappy_layer_locks_free (WrappyLayerLocks *locks);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyLayerLocks, wrappy_layer_locks_free)

/* Shared locks on every store layer of m (the host's /usr is no store layer). Waits
 * while gc is removing one of them; NOT_INSTALLED (naming the app) when a layer is gone,
 * as after an uninstall and gc that raced with this run. The fds are O_CLOEXEC. */
WrappyLayerLocks *wrappy_layer_locks_acquire (const WrappyManifest *m, GError **error);

/* The layer's directory (relative to the store, as in a manifest, with or without its
 * trailing /files). */
char *wrappy_layer_lock_root (const char *layer_path);

/* For gc: an exclusive lock on the layer directory root (relative to store_dfd), not
 * waiting. Returns the fd, or -1 with *busy set when a sandbox holds it, or -1 with
 * error set on failure. */
int wrappy_layer_lock_try_exclusive (int store_dfd, const char *root, gboolean *busy,
                                     GError **error);

/* Whether some sandbox is running on the app's own layer (or its base, for apps with no
 * app layer of their own). */
gboolean wrappy_layer_app_is_running (const WrappyManifest *m);

G_END_DECLS
