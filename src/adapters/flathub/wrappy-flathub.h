/* The Flathub (Flatpak/OSTree) source: install apps with their runtime and extensions
 * from a remote, a .flatpakref or a .flatpak bundle into the store. */
#pragma once

#include <gio/gio.h>

#include "wrappy-manifest.h"
#include "wrappy-remote.h"
#include "wrappy-store.h"
#include "wrappy-update.h"

G_BEGIN_DECLS

/* remote_name NULL: every configured remote that has the app, in turn, until one
 * installs it; with none configured, `flathub` (added on first use). branch may be
 * NULL. */
WrappyManifest *wrappy_flathub_install (WrappyStore *store, const char *remote_name,
                                        const char *app_id, const char *branch,
                                        GCancellable *cancellable, GError **error);

WrappyManifest *wrappy_flathub_install_flatpakref (WrappyStore *store, const char *path,
                                                   GCancellable *cancellable, GError **error);

WrappyManifest *wrappy_flathub_install_bundle (WrappyStore *store, const char *path,
                                               GCancellable *cancellable, GError **error);

/* WrappyPrepareUpdateFunc for apps of source "flathub": pulls the newer commits of the
 * app, its runtime and their extensions from the app's origin remote (static deltas
 * when the remote has them; WRAPPY_DISABLE_STATIC_DELTAS=1 turns them off) and checks
 * them out. Apps installed from a bundle without a remote get u->skip_reason. */
gboolean wrappy_flathub_prepare_update (WrappyStore *store, WrappyUpdate *u,
                                        GCancellable *cancellable, GError **error);

/* WrappySource.find: the apps of the configured remotes that what names (wrappy-source.h). */
void wrappy_flathub_find (WrappyStore *store, const char *what, GPtrArray *hits,
                          GPtrArray *unreachable);

/* WrappySource.refetch: pulls exactly commit of ref from remote origin again. */
gboolean wrappy_flathub_refetch (OstreeRepo *repo, const char *origin, const char *ref,
                                 const char *commit, GCancellable *cancellable, GError **error);

/* WrappySource.refresh_catalog: the appstream data of remote origin (`flathub` is added
 * on first use). */
gboolean wrappy_flathub_refresh_catalog (const char *origin, GError **error);

/* Pulls remote's appstream data and rewrites its search index (wrappy-catalog.h). */
gboolean wrappy_flathub_appstream_refresh (WrappyStore *store, WrappyRemote *remote,
                                           GError **error);
/* The apps an appstream catalog (XML) lists; INVALID_DATA when it is not one. */
GPtrArray *wrappy_flathub_appstream_parse (GBytes *xml, GError **error);

G_END_DECLS
