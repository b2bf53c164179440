/* Snapshots of an app (SPEC.md: `snapshot ID [NAME]`, `snapshots ID`, `rollback ID
 * SNAPSHOT`): its per-app state ($XDG_STATE_HOME/wrappy/ID: private home, writable
 * layer) together with its manifest at that moment, so that a rollback brings back both
 * the data and the version that wrote it. They live in $XDG_STATE_HOME/wrappy/ID/
 * snapshots/NAME/. `wrappy update` takes one automatically before it changes an app
 * and keeps only the last few of those. The layers a snapshot's manifest names are kept
 * by `wrappy gc` for as long as the app stays installed. */
#pragma once

#include <glib.h>

#include "wrappy-manifest.h"
#include "wrappy-store.h"

G_BEGIN_DECLS

/* How many automatic snapshots `wrappy update` keeps per app. */
#define WRAPPY_SNAPSHOT_KEEP_AUTO 3

typedef struct
{
  char *app_id;
  char *name; /* the user's NAME, or "auto-…" for automatic ones */
  gboolean automatic;
  gint64 created; /* seconds since the epoch */
  char *version;  /* the app's version when it was taken (may be NULL) */
  char *reason;   /* "before update to 2.0", or NULL */
  guint64 size;   /* bytes its copy of the state takes on disk (0 when shared by reflink) */
  char *method;   /* "btrfs-snapshot", "reflink" or "copy" */
} WrappySnapshotInfo;

void wrappy_snapshot_info_free (WrappySnapshotInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappySnapshotInfo, wrappy_snapshot_info_free)

/* Takes a snapshot of the installed app m. name NULL picks an automatic name. Atomic:
 * the snapshot appears whole or not at all. FAILED (exit 1) when a snapshot of that name
 * exists; INVALID_ID for a bad name (or a user's name starting with "auto-"). The
 * caller holds the store lock. */
WrappySnapshotInfo *wrappy_snapshot_create (WrappyManifest *m, const char *name, const char *reason,
                                            gboolean automatic, GError **error);

/* The app's snapshots, oldest first. */
GPtrArray *wrappy_snapshot_list (const char *app_id, GError **error);

/* Puts the app's state and manifest back as they were in the snapshot. The current state
 * is lost unless the caller took a snapshot of it first. The caller holds the store lock.
 * BUSY while the app runs, NOT_FOUND without such a snapshot. An app that is not
 * installed any more is installed again with the snapshot's manifest (NOT_INSTALLED,
 * nothing changed, when its layers are gone). When a layer the snapshot's
 * manifest names is gone from the store, only the data is restored (with a message). */
gboolean wrappy_snapshot_rollback (WrappyStore *store, const char *app_id, const char *name,
                                   GError **error);

/* Deletes one snapshot (NOT_FOUND when there is none of that name). It disappears in
 * one rename before its files are removed. The caller holds the store lock. */
gboolean wrappy_snapshot_delete (const char *app_id, const char *name, GError **error);

/* Copies the directory src, a name in parent_fd that is never followed if a symlink, to
 * the new name dst beside it, with the snapshot copier (symlinks inside copied as links,
 * never followed): into ".DST.wrappy-copy" (a killed copy's leftover of that name is
 * removed first), then renamed into place without replacing anything. All or nothing. */
gboolean wrappy_copy_dir_new_at (int parent_fd, const char *src, const char *dst, GError **error);

/* Deletes all but the newest `keep` automatic snapshots of the app. */
gboolean wrappy_snapshot_prune_auto (const char *app_id, guint keep, GError **error);

/* The manifest kept in the snapshot name of app_id. */
WrappyManifest *wrappy_snapshot_load_manifest (const char *app_id, const char *name,
                                               GError **error);

/* Whether a snapshot of app_id names the layer at layer_path (relative, as in a
 * manifest): uninstall leaves such a layer to gc, which keeps it while the snapshot is. */
gboolean wrappy_snapshot_pins_layer (const char *app_id, const char *layer_path);

/* The IDs (sorted) of the apps with a snapshots dir, installed or not. */
char **wrappy_snapshot_app_ids (GError **error);

/* The manifests kept in the snapshots of every app, installed or not (an uninstalled
 * app's data and snapshots stay until `uninstall --delete-data`): `wrappy gc` keeps their
 * layers (and the repository commits behind them), so that `rollback` can bring the app
 * back. */
GPtrArray *wrappy_snapshot_pinned_manifests (GError **error);

G_END_DECLS
