/* The Snap source: install a snap (from the store or a local .snap file) with its base
 * and content snaps as layers (uninstall is wrappy_store_uninstall_app). Layout, IDs and the plug
 * table are in docs/snap.md. */
#pragma once

#include <gio/gio.h>

#include "wrappy-manifest.h"
#include "wrappy-store.h"
#include "wrappy-update.h"

G_BEGIN_DECLS

/* name from the store, in channel (NULL: latest/stable). */
WrappyManifest *wrappy_snap_install (WrappyStore *store, const char *name, const char *channel,
                                     GCancellable *cancellable, GError **error);

/* A local .snap file (unsigned, as `snap install --dangerous`); its base and content
 * snaps still come from the store unless already installed. */
WrappyManifest *wrappy_snap_install_file (WrappyStore *store, const char *path,
                                          GCancellable *cancellable, GError **error);

/* WrappyPrepareUpdateFunc (wrappy-update.h) for apps of source "snap": asks the store for
 * the channel the app tracks; another revision than the installed one is downloaded and
 * checked out (with the base's newer revision, if its latest/stable moved; a base that
 * moved alone is an update of the base layer only); before the switch, the old
 * revision's SNAP_DATA and SNAP_USER_DATA are copied to the new one (docs/snap.md,
 * "Updates"). A snap installed from a file is up to date. */
gboolean wrappy_snap_prepare_update (WrappyStore *store, WrappyUpdate *u, GCancellable *cancellable,
                                     GError **error);

/* Plug interfaces as wrappy permissions (the table in docs/snap.md). */
void wrappy_snap_plugs_to_permissions (char **interfaces, WrappyManifest *m);

G_END_DECLS
