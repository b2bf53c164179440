/* Shared between the Flathub adapter's files; not for other modules. */
#pragma once

#include <ostree.h>

#include "wrappy-flatpak-metadata.h"
#include "wrappy-manifest.h"
#include "wrappy-remote.h"
#include "wrappy-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *kind; /* base, deps, app */
  char *name;
  char *ref;
  char *commit;
  char *mount;
} WrappyInstallItem;

WrappyInstallItem *wrappy_install_item_new (const char *kind, const char *name, const char *ref,
                                            const char *commit, const char *mount);
void wrappy_install_item_free (WrappyInstallItem *item);

gboolean wrappy_flathub_remote_error (GError **error, GError *ostree_error, WrappyRemote *remote);
GHashTable *wrappy_flathub_list_refs (OstreeRepo *repo, WrappyRemote *remote, GError **error);
gboolean wrappy_flathub_pull (OstreeRepo *repo, WrappyRemote *remote, const char *const *refs,
                              gboolean commit_only, GCancellable *cancellable, GError **error);
/* The same, with static deltas off when no_deltas, and the bytes fetched in *bytes_out
 * (nullable; only for full pulls). */
gboolean wrappy_flathub_pull_full (OstreeRepo *repo, WrappyRemote *remote, const char *const *refs,
                                   gboolean commit_only, gboolean no_deltas, guint64 *bytes_out,
                                   GCancellable *cancellable, GError **error);
WrappyFlatpakMetadata *wrappy_flathub_commit_metadata (OstreeRepo *repo, const char *commit,
                                                       const char *ref, GError **error);
void wrappy_flathub_resolve_extensions (WrappyFlatpakMetadata *md, const char *mount_base,
                                        GHashTable *refs, GPtrArray *items);
gboolean wrappy_flathub_reuse_runtime (const char *runtime_ref, GPtrArray *items);

/* Whether refs (a remote's) has app_id for this machine (in branch, if not NULL). */
gboolean wrappy_flathub_refs_have_app (GHashTable *refs, const char *app_id, const char *branch);

/* Pulls commit (of ref) from a Flatpak installation on this machine that has it whole,
 * verifying every object (wrappy-flathub-local.c); TRUE when it did. */
gboolean wrappy_flathub_take_local (OstreeRepo *repo, const char *ref, const char *commit,
                                    GCancellable *cancellable);

gboolean wrappy_flathub_check_not_installed (const char *app_id, GError **error);

/* Checks out every item as a layer and builds the app's manifest from them and md
 * (name, summary and version from the app layer's appdata); saves nothing. Shared by
 * install and update. */
WrappyManifest *wrappy_flathub_build_manifest (WrappyStore *store, WrappyFlatpakMetadata *md,
                                               const char *origin, GPtrArray *items,
                                               GCancellable *cancellable, GError **error);

/* The app layer's files of m (absolute), or NULL. */
char *wrappy_flathub_app_files (WrappyStore *store, WrappyManifest *m);

/* Checks out every item as a layer, exports the launchers, then writes the app's
 * manifest: the commit point. */
WrappyManifest *wrappy_flathub_finish_install (WrappyStore *store, WrappyFlatpakMetadata *md,
                                               const char *origin, GPtrArray *items,
                                               GCancellable *cancellable, GError **error);

G_END_DECLS
