/* One app's update, whatever its source. An adapter's prepare function (Flatpak:
 * wrappy_flathub_prepare_update, AppImage: wrappy_appimage_prepare_update, Snap:
 * wrappy_snap_prepare_update; all with the signature of WrappyPrepareUpdateFunc) finds
 * out whether there is a newer version, downloads it and checks its layers out into
 * the store, and describes the result here without making it visible: the manifest is
 * not saved and no launcher is exported. `wrappy update` then shows what changes, asks
 * before granting new permissions, takes an automatic snapshot, exports the launchers
 * and saves the manifest (the one atomic step). Per-app data and overrides are never
 * touched: they are outside the layers. */
#pragma once

#include <gio/gio.h>

#include "wrappy-manifest.h"
#include "wrappy-store.h"

G_BEGIN_DECLS

typedef struct _WrappyUpdate WrappyUpdate;

/* What an adapter does between the automatic snapshot and the manifest save (Snap:
 * carry the old revision's data to the new one). FALSE: the update stops, unsaved. */
typedef gboolean (*WrappyUpdateSwitchFunc) (WrappyUpdate *u, GError **error);

struct _WrappyUpdate
{
  WrappyManifest *current;     /* borrowed: the installed app */
  WrappyManifest *updated;     /* owned; NULL when the app is up to date. Same id; its layers are
                                * checked out; adapter groups are in its keyfile */
  guint64 downloaded;          /* bytes fetched for this update */
  char *export_dir;            /* owned, absolute; a tree with share/applications and
                                * share/icons to export the launchers from (NULL: none) */
  gboolean export_dir_is_temp; /* the caller removes export_dir when done */
  char *skip_reason;           /* owned; set (with updated NULL) when the app cannot be updated
                                * and that is no error, e.g. "installed from a bundle; nothing to
                                * update from": said instead of "up to date" */
  WrappyUpdateSwitchFunc before_switch; /* NULL: nothing */
};

void wrappy_update_clear (WrappyUpdate *u);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WrappyUpdate, wrappy_update_clear)

/* Fills u->updated (or leaves it NULL: up to date), u->downloaded and u->export_dir.
 * The caller holds the store lock. */
typedef gboolean (*WrappyPrepareUpdateFunc) (WrappyStore *store, WrappyUpdate *u,
                                             GCancellable *cancellable, GError **error);

G_END_DECLS
