/* The content store under $XDG_DATA_HOME/wrappy:
 *
 *   repo/     an OSTree repository (bare-user-only): every file of every layer, stored
 *             once by content hash
 *   layers/   checkouts of commits, hardlinked from repo/ (never copied), one directory per
 *             commit: layers/KIND/ID/ARCH/BRANCH/COMMIT/{files,metadata}
 *   apps/     one manifest per installed app (the atomic "installed" switch)
 *   lock      flock'ed by every command that changes the store
 */
#pragma once

#include <glib.h>
#include <ostree.h>

#include "wrappy-manifest.h"

G_BEGIN_DECLS

typedef struct
{
  char *path;       /* $XDG_DATA_HOME/wrappy */
  int dfd;          /* open on path */
  OstreeRepo *repo; /* opened (and created) on first use */
  int lock_fd;
} WrappyStore;

WrappyStore *wrappy_store_open (GError **error);
void wrappy_store_free (WrappyStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyStore, wrappy_store_free)

/* Takes the store's exclusive lock (waiting, with a message, if another wrappy has it). */
gboolean wrappy_store_lock (WrappyStore *store, GError **error);

/* The same without waiting: BUSY when another wrappy has it. */
gboolean wrappy_store_try_lock (WrappyStore *store, GError **error);

/* The OSTree repository, created as bare-user-only on first use. */
OstreeRepo *wrappy_store_get_repo (WrappyStore *store, GError **error);

/* layers/KIND/ID/ARCH/BRANCH/COMMIT for a ref and commit (relative to the store). */
char *wrappy_store_layer_dir (const char *ref, const char *commit);

/* Checks the commit out (hardlinks, user mode) unless it already is; the checkout lands
 * in a temporary directory and is renamed into place, so a layer directory that exists is
 * always complete. Returns the layer's files dir relative to the store. */
char *wrappy_store_checkout_layer (WrappyStore *store, const char *ref, const char *commit,
                                   GCancellable *cancellable, GError **error);

/* Commits the directory tree `dir` (absolute) into the repo as the layer `ref`
 * ("appimage/ID/ARCH/SHA256", "snap/NAME/ARCH/REVISION", see docs/store.md): the tree
 * becomes the commit's files/ (so wrappy_store_checkout_layer returns it), owned by
 * uid/gid 0 with canonical permissions, its files stored once by content. The commit
 * has timestamp 0, so the same tree and subject give the same commit. Sets the local
 * ref (no remote). Does not take the lock: the caller holds it. */
gboolean wrappy_store_import_tree (WrappyStore *store, const char *ref, const char *dir,
                                   const char *subject, char **out_commit,
                                   GCancellable *cancellable, GError **error);

/* Removes a layer directory (relative path as returned above, with or without /files)
 * unless an installed app other than except_id still uses it. Returns TRUE if removed
 * or kept; *removed says which. */
gboolean wrappy_store_remove_layer_if_unused (WrappyStore *store, const char *layer_path,
                                              const char *except_id, gboolean *removed,
                                              GError **error);

/* Drops the local ref and prunes objects no ref reaches any more. */
gboolean wrappy_store_forget_ref (WrappyStore *store, const char *remote, const char *ref,
                                  guint64 *freed_out, GCancellable *cancellable, GError **error);

/* Uninstalls an app of any source: its manifest (the atomic step), then its launchers,
 * then its own layer and ref unless another app or a running sandbox uses them. Shared
 * base and deps layers stay for `wrappy gc`. */
gboolean wrappy_store_uninstall_app (WrappyStore *store, WrappyManifest *m,
                                     GCancellable *cancellable, GError **error);

/* Flushes the store's filesystem: layers reach disk before a manifest points at them. */
void wrappy_store_sync (WrappyStore *store);

/* Removes leftovers of killed runs (layers/.tmp-*). Called with the lock held. */
void wrappy_store_cleanup_tmp (WrappyStore *store);

/* What every command that takes the lock does first, so that a killed install, update,
 * uninstall or gc is completed or undone by the next one: removes layers/.tmp-*, temp
 * files of manifest saves, and the launchers of apps that have no manifest. */
void wrappy_store_recover (WrappyStore *store);

G_END_DECLS
