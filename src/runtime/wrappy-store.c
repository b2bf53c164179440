#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-export.h"
#include "wrappy-fault.h"
#include "wrappy-fs.h"
#include "wrappy-gc.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-layer-lock.h"
#include "wrappy-manifest.h"
#include "wrappy-output.h"
#include "wrappy-snapshot.h"
#include "wrappy-source.h"
#include "wrappy-store.h"

WrappyStore *
wrappy_store_open (GError **error)
{
  g_autoptr (WrappyStore) store = g_new0 (WrappyStore, 1);

  store->lock_fd = -1;
  store->path = g_strdup (wrappy_dirs_data ());
  if (!wrappy_dirs_ensure (store->path, error))
    return NULL;
  store->dfd = open (store->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (store->dfd < 0)
    return wrappy_throw_errno (error, "open", store->path), NULL;
  return g_steal_pointer (&store);
}

void
wrappy_store_free (WrappyStore *store)
{
  if (store == NULL)
    return;
  g_clear_object (&store->repo);
  if (store->dfd >= 0)
    close (store->dfd);
  if (store->lock_fd >= 0)
    close (store->lock_fd);
  g_free (store->path);
  g_free (store);
}

static gboolean
lock_store (WrappyStore *store, gboolean wait, GError **error)
{
  g_autofree char *path = g_build_filename (store->path, "lock", NULL);

  if (store->lock_fd >= 0)
    return TRUE;
  store->lock_fd = wrappy_lock_file_full (path, TRUE, wait, error);
  if (store->lock_fd < 0)
    return FALSE;
  wrappy_store_recover (store);
  return TRUE;
}

gboolean
wrappy_store_lock (WrappyStore *store, GError **error)
{
  return lock_store (store, TRUE, error);
}

gboolean
wrappy_store_try_lock (WrappyStore *store, GError **error)
{
  return lock_store (store, FALSE, error);
}

OstreeRepo *
wrappy_store_get_repo (WrappyStore *store, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (OstreeRepo) repo = NULL;

  if (store->repo != NULL)
    return store->repo;
  path = g_build_filename (store->path, "repo", NULL);
  file = g_file_new_for_path (path);
  repo = ostree_repo_new (file);
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      /* Create under a temporary name so that a killed run never leaves half a repo. */
      g_autofree char *tmp = g_strdup_printf ("%s.tmp-%d", path, getpid ());
      g_autoptr (GFile) tmpfile = g_file_new_for_path (tmp);
      g_autoptr (OstreeRepo) tmprepo = ostree_repo_new (tmpfile);

      if (!ostree_repo_create (tmprepo, OSTREE_REPO_MODE_BARE_USER_ONLY, NULL, error))
        return NULL;
      if (rename (tmp, path) != 0)
        return wrappy_throw_errno (error, "rename", path), NULL;
    }
  if (!ostree_repo_open (repo, NULL, error))
    return NULL;
  store->repo = g_steal_pointer (&repo);
  return store->repo;
}

char *
wrappy_store_layer_dir (const char *ref, const char *commit)
{
  return g_build_filename ("layers", ref, commit, NULL);
}

static gboolean
mkdir_p_at (int dfd, const char *rel, GError **error)
{
  g_autofree char *path = g_build_filename (wrappy_dirs_data (), rel, NULL);
  return wrappy_dirs_ensure (path, error);
}

char *
wrappy_store_checkout_layer (WrappyStore *store, const char *ref, const char *commit,
                             GCancellable *cancellable, GError **error)
{
  OstreeRepo *repo = wrappy_store_get_repo (store, error);
  g_autofree char *dir = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *tmp = NULL;
  OstreeRepoCheckoutAtOptions opts = { 0 };
  struct stat st;

  if (repo == NULL)
    return NULL;
  if (!wrappy_parse_layer_ref (ref, NULL, NULL, NULL, NULL, error))
    return NULL;
  dir = wrappy_store_layer_dir (ref, commit);
  if (fstatat (store->dfd, dir, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode))
    return g_build_filename (dir, "files", NULL);

  parent = g_path_get_dirname (dir);
  if (!mkdir_p_at (store->dfd, parent, error) || !mkdir_p_at (store->dfd, "layers", error))
    return NULL;
  tmp = g_strdup_printf ("layers/.tmp-%s-%d", commit, getpid ());
  if (!wrappy_rm_rf_at (store->dfd, tmp, error))
    return NULL;

  /* User mode from a bare-user-only repo hardlinks every file: the layer costs no
   * space beyond the repo's own copy. */
  opts.mode = OSTREE_REPO_CHECKOUT_MODE_USER;
  opts.overwrite_mode = OSTREE_REPO_CHECKOUT_OVERWRITE_NONE;
  opts.no_copy_fallback = FALSE;
  if (!ostree_repo_checkout_at (repo, &opts, store->dfd, tmp, commit, cancellable, error))
    {
      wrappy_prefix_error (error, _ ("cannot check out %s"), ref);
      wrappy_rm_rf_at (store->dfd, tmp, NULL);
      return NULL;
    }
  wrappy_fault_point ("checkout-before-rename");
  if (renameat (store->dfd, tmp, store->dfd, dir) != 0)
    {
      wrappy_throw_errno (error, "rename", dir);
      wrappy_rm_rf_at (store->dfd, tmp, NULL);
      return NULL;
    }
  return g_build_filename (dir, "files", NULL);
}

/* The mtree root needs dirmeta of its own: root-owned 0755, like the files/ below it. */
static gboolean
set_root_dirmeta (OstreeRepo *repo, OstreeMutableTree *mtree, GCancellable *cancellable,
                  GError **error)
{
  g_autoptr (GFileInfo) info = g_file_info_new ();
  g_autoptr (GVariant) dirmeta = NULL;
  g_autofree guchar *csum = NULL;
  g_autofree char *hex = NULL;

  g_file_info_set_attribute_uint32 (info, "unix::uid", 0);
  g_file_info_set_attribute_uint32 (info, "unix::gid", 0);
  g_file_info_set_attribute_uint32 (info, "unix::mode", S_IFDIR | 0755);
  dirmeta = ostree_create_directory_metadata (info, NULL);
  if (!ostree_repo_write_metadata (repo, OSTREE_OBJECT_TYPE_DIR_META, NULL, dirmeta, &csum,
                                   cancellable, error))
    return FALSE;
  hex = ostree_checksum_from_bytes (csum);
  ostree_mutable_tree_set_metadata_checksum (mtree, hex);
  return TRUE;
}

gboolean
wrappy_store_import_tree (WrappyStore *store, const char *ref, const char *dir, const char *subject,
                          char **out_commit, GCancellable *cancellable, GError **error)
{
  OstreeRepo *repo = wrappy_store_get_repo (store, error);
  g_autoptr (OstreeMutableTree) mtree = NULL;
  g_autoptr (OstreeMutableTree) files = NULL;
  g_autoptr (OstreeRepoCommitModifier) modifier = NULL;
  g_autoptr (GFile) dir_file = NULL;
  g_autoptr (GFile) root = NULL;
  g_autofree char *commit = NULL;

  if (repo == NULL || !wrappy_parse_layer_ref (ref, NULL, NULL, NULL, NULL, error))
    return FALSE;
  if (!ostree_repo_prepare_transaction (repo, NULL, cancellable, error))
    return FALSE;
  mtree = ostree_mutable_tree_new ();
  dir_file = g_file_new_for_path (dir);
  /* Whoever owned the files on disk, the layer is root's and 0644/0755: what a
   * bare-user-only repo stores and what the sandbox maps. */
  modifier
      = ostree_repo_commit_modifier_new (OSTREE_REPO_COMMIT_MODIFIER_FLAGS_CANONICAL_PERMISSIONS
                                             | OSTREE_REPO_COMMIT_MODIFIER_FLAGS_SKIP_XATTRS,
                                         NULL, NULL, NULL);
  if (!set_root_dirmeta (repo, mtree, cancellable, error)
      || !ostree_mutable_tree_ensure_dir (mtree, "files", &files, error)
      || !ostree_repo_write_directory_to_mtree (repo, dir_file, files, modifier, cancellable, error)
      || !ostree_repo_write_mtree (repo, mtree, &root, cancellable, error)
      || !ostree_repo_write_commit_with_time (
          repo, NULL, subject, NULL, NULL, OSTREE_REPO_FILE (root), 0, &commit, cancellable, error))
    goto fail;
  ostree_repo_transaction_set_ref (repo, NULL, ref, commit);
  if (!ostree_repo_commit_transaction (repo, NULL, cancellable, error))
    goto fail;
  if (out_commit)
    *out_commit = g_steal_pointer (&commit);
  return TRUE;

fail:
  ostree_repo_abort_transaction (repo, NULL, NULL);
  wrappy_prefix_error (error, _ ("cannot import %s"), ref);
  return FALSE;
}

gboolean
wrappy_store_remove_layer_if_unused (WrappyStore *store, const char *layer_path,
                                     const char *except_id, gboolean *removed, GError **error)
{
  g_autoptr (GPtrArray) apps = wrappy_manifest_list_installed (error);
  g_autofree char *root = wrappy_layer_lock_root (layer_path);
  gboolean busy = FALSE;

  *removed = FALSE;
  if (apps == NULL)
    return FALSE;
  if (!g_str_has_prefix (root, "layers/") || strstr (root, "..") != NULL)
    return TRUE; /* not ours to remove */
  for (guint i = 0; i < apps->len; i++)
    {
      WrappyManifest *m = apps->pdata[i];
      if (except_id != NULL && strcmp (m->id, except_id) == 0)
        continue;
      for (guint j = 0; j < m->layers->len; j++)
        {
          WrappyManifestLayer *l = m->layers->pdata[j];
          g_autofree char *other = wrappy_layer_lock_root (l->path);
          if (strcmp (other, root) == 0)
            return TRUE;
        }
    }
  /* A sandbox still running on it keeps it; gc removes it once that has exited. */
  if (!wrappy_gc_remove_layer (store, root, &busy, error))
    return FALSE;
  *removed = !busy;
  return TRUE;
}

gboolean
wrappy_store_forget_ref (WrappyStore *store, const char *remote, const char *ref,
                         guint64 *freed_out, GCancellable *cancellable, GError **error)
{
  OstreeRepo *repo = wrappy_store_get_repo (store, error);
  g_auto (WrappyGcResult) gc = { 0 };

  if (repo == NULL)
    return FALSE;
  if (!ostree_repo_set_ref_immediate (repo, remote, ref, NULL, cancellable, error))
    return FALSE;
  /* Not ostree_repo_prune: the commits of snapshots' and running apps' layers have no
   * ref and must stay. */
  if (!wrappy_gc (store, WRAPPY_GC_PRUNE_ONLY, &gc, cancellable, error))
    return FALSE;
  if (freed_out)
    *freed_out = gc.freed;
  return TRUE;
}

void
wrappy_store_sync (WrappyStore *store)
{
  syncfs (store->dfd);
}

void
wrappy_store_cleanup_tmp (WrappyStore *store)
{
  g_autofree char *layers = g_build_filename (store->path, "layers", NULL);
  g_autoptr (GDir) d = g_dir_open (layers, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, ".tmp-"))
      {
        g_autofree char *rel = g_build_filename ("layers", name, NULL);
        wrappy_rm_rf_at (store->dfd, rel, NULL);
      }
}

/* g_file_set_contents' temporary files (apps/ID.manifest.XXXXXX) of a killed save. */
static void
remove_manifest_temps (WrappyStore *store)
{
  g_autofree char *apps = g_build_filename (store->path, "apps", NULL);
  g_autoptr (GDir) d = g_dir_open (apps, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      const char *dot = g_strrstr (name, ".manifest.");
      if (dot != NULL && strlen (dot) == strlen (".manifest.XXXXXX"))
        {
          g_autofree char *rel = g_build_filename ("apps", name, NULL);
          (void)unlinkat (store->dfd, rel, 0);
        }
    }
}

void
wrappy_store_recover (WrappyStore *store)
{
  g_autoptr (GPtrArray) owners = wrappy_export_list_owners ();

  wrappy_store_cleanup_tmp (store);
  remove_manifest_temps (store);
  /* Launchers are exported before an install saves the manifest and removed after an
   * uninstall deletes it: launchers of an app with no manifest are a killed run's. */
  for (guint i = 0; i < owners->len; i++)
    {
      const char *id = owners->pdata[i];
      g_autoptr (GError) local_error = NULL;

      if (!wrappy_validate_app_id (id, NULL) || wrappy_manifest_is_installed (id))
        continue;
      wrappy_debug ("removing the launchers of %s, which is not installed", id);
      if (!wrappy_export_remove (id, &local_error))
        wrappy_debug ("%s", local_error->message);
    }
}

gboolean
wrappy_store_uninstall_app (WrappyStore *store, WrappyManifest *m, GCancellable *cancellable,
                            GError **error)
{
  g_autoptr (GError) local_error = NULL;
  const WrappySource *src = wrappy_source_of (m);

  /* Deleting the manifest is the atomic step. What follows is cleanup that the next
   * locked command redoes if this one is killed: launchers of an app with no manifest
   * are removed (wrappy_store_recover), unused layers by gc. */
  if (!wrappy_manifest_delete (m->id, error))
    return FALSE;
  wrappy_fault_point ("uninstall-after-manifest");
  if (!wrappy_export_remove (m->id, &local_error))
    {
      g_printerr (_ ("warning: could not remove the launchers of %s: %s\n"), m->id,
                  local_error->message);
      g_clear_error (&local_error);
    }

  for (guint i = 0; i < m->layers->len; i++)
    {
      WrappyManifestLayer *l = m->layers->pdata[i];
      gboolean removed = FALSE;

      /* Shared base and deps layers stay for `wrappy gc` (SPEC.md); the app's own goes,
       * unless a snapshot kept with the app's data names it (rollback brings it back). */
      if (strcmp (l->kind, "app") != 0 || wrappy_snapshot_pins_layer (m->id, l->path))
        continue;
      if (!wrappy_store_remove_layer_if_unused (store, l->path, m->id, &removed, error))
        return FALSE;
      /* Only a remote's ref has a remote; adapters' imported layers are local refs. */
      if (removed && l->ref != NULL
          && !wrappy_store_forget_ref (store, src && src->refs_of_origin ? m->origin : NULL, l->ref,
                                       NULL, cancellable, &local_error))
        {
          wrappy_debug ("cannot drop ref %s: %s", l->ref, local_error->message);
          g_clear_error (&local_error);
        }
    }
  return TRUE;
}
