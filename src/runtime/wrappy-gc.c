#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-error.h"
#include "wrappy-fault.h"
#include "wrappy-fs.h"
#include "wrappy-gc.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-layer-lock.h"
#include "wrappy-output.h"
#include "wrappy-snapshot.h"

/* layers/KIND/ID/ARCH/BRANCH/COMMIT: a layer's directory is five levels down. */
#define LAYER_DEPTH 5

static void
gc_layer_free (WrappyGcLayer *l)
{
  g_free (l->ref);
  g_free (l->commit);
  g_free (l->path);
  g_free (l);
}

void
wrappy_gc_result_clear (WrappyGcResult *r)
{
  g_clear_pointer (&r->removed, g_ptr_array_unref);
  g_clear_pointer (&r->in_use, g_ptr_array_unref);
  g_clear_pointer (&r->refs, g_ptr_array_unref);
}

static WrappyGcLayer *
gc_layer_new (const char *root)
{
  WrappyGcLayer *l = g_new0 (WrappyGcLayer, 1);
  const char *rel = root + strlen ("layers/");
  const char *slash = strrchr (rel, '/');

  l->path = g_strdup (root);
  l->ref = g_strndup (rel, slash - rel);
  l->commit = g_strdup (slash + 1);
  return l;
}

static gboolean
is_dir_at (int dfd, const char *rel)
{
  struct stat st;
  return fstatat (dfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode);
}

/* Every layer directory in the store, as "layers/KIND/ID/ARCH/BRANCH/COMMIT". Names
 * starting with '.' are work in progress (checkouts, removals) and are not layers. */
static void
find_layers (WrappyStore *store, const char *rel, int depth, GPtrArray *out)
{
  g_autofree char *abs = g_build_filename (store->path, rel, NULL);
  g_autoptr (GDir) d = NULL;
  const char *name;

  if (depth == LAYER_DEPTH)
    {
      g_ptr_array_add (out, g_strdup (rel));
      return;
    }
  d = g_dir_open (abs, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (rel, name, NULL);
      if (name[0] != '.' && is_dir_at (store->dfd, child))
        find_layers (store, child, depth + 1, out);
    }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static void
add_manifest_layers (WrappyManifest *m, GHashTable *roots, GHashTable *refs, GHashTable *commits)
{
  for (guint i = 0; i < m->layers->len; i++)
    {
      WrappyManifestLayer *l = m->layers->pdata[i];
      if (wrappy_manifest_layer_is_host (l))
        continue;
      g_hash_table_add (roots, wrappy_layer_lock_root (l->path));
      if (l->commit != NULL)
        g_hash_table_add (commits, g_strdup (l->commit));
      if (l->ref != NULL)
        g_hash_table_add (refs, g_strdup (l->ref));
    }
}

/* The layer roots and ref names that installed apps and their snapshots use. */
static gboolean
collect_used (GHashTable *roots, GHashTable *refs, GHashTable *commits, GError **error)
{
  g_autoptr (GPtrArray) apps = wrappy_manifest_list_installed_strict (error);
  g_autoptr (GPtrArray) pinned = NULL;

  if (apps == NULL)
    return FALSE;
  pinned = wrappy_snapshot_pinned_manifests (error);
  if (pinned == NULL)
    return FALSE;
  for (guint i = 0; i < apps->len; i++)
    add_manifest_layers (apps->pdata[i], roots, refs, commits);
  for (guint i = 0; i < pinned->len; i++)
    add_manifest_layers (pinned->pdata[i], roots, refs, commits);
  return TRUE;
}

/* Empty KIND/ID/ARCH/BRANCH directories above a removed layer go too. */
static void
remove_empty_parents (int dfd, const char *root)
{
  g_autofree char *dir = g_path_get_dirname (root);

  while (strcmp (dir, "layers") != 0 && strchr (dir, '/') != NULL)
    {
      char *parent;
      if (unlinkat (dfd, dir, AT_REMOVEDIR) != 0)
        break;
      parent = g_path_get_dirname (dir);
      g_free (dir);
      dir = parent;
    }
}

/* Under the layer's exclusive lock: renamed out of the way first (a run that waited for
 * the lock then sees it gone), then deleted; a kill in between leaves a layers/.tmp-*
 * that the next locked command removes. */
static gboolean
remove_layer (WrappyStore *store, const char *root, int lock_fd, GError **error)
{
  g_autofree char *base = g_path_get_basename (root);
  g_autofree char *tmp = g_strdup_printf ("layers/.tmp-gc-%s-%d", base, getpid ());

  if (renameat (store->dfd, root, store->dfd, tmp) != 0)
    return wrappy_throw_errno (error, "rename", root);
  close (lock_fd);
  wrappy_fault_point ("gc-after-rename");
  if (!wrappy_rm_rf_at (store->dfd, tmp, error))
    return FALSE;
  remove_empty_parents (store->dfd, root);
  return TRUE;
}

gboolean
wrappy_gc_remove_layer (WrappyStore *store, const char *root, gboolean *busy, GError **error)
{
  int fd = wrappy_layer_lock_try_exclusive (store->dfd, root, busy, error);

  if (fd < 0)
    return *busy;
  return remove_layer (store, root, fd, error);
}

static gboolean
sweep_layers (WrappyStore *store, GHashTable *used_roots, GHashTable *kept_commits,
              gboolean prune_only, WrappyGcResult *r, GError **error)
{
  g_autoptr (GPtrArray) layers = g_ptr_array_new_with_free_func (g_free);

  if (is_dir_at (store->dfd, "layers"))
    find_layers (store, "layers", 0, layers);
  g_ptr_array_sort (layers, compare_strings);
  for (guint i = 0; i < layers->len; i++)
    {
      const char *root = layers->pdata[i];
      WrappyGcLayer *l;
      gboolean busy = FALSE;
      int fd;

      if (prune_only || g_hash_table_contains (used_roots, root))
        {
          g_hash_table_add (kept_commits, g_path_get_basename (root));
          continue;
        }
      l = gc_layer_new (root);
      fd = wrappy_layer_lock_try_exclusive (store->dfd, root, &busy, error);
      if (fd < 0 && !busy)
        {
          gc_layer_free (l);
          return FALSE;
        }
      if (busy)
        {
          g_hash_table_add (kept_commits, g_strdup (l->commit));
          g_ptr_array_add (r->in_use, l);
          continue;
        }
      g_ptr_array_add (r->removed, l);
      if (r->dry_run)
        close (fd);
      else if (!remove_layer (store, root, fd, error))
        return FALSE;
    }
  return TRUE;
}

/* Drops the layer refs no kept layer names; the commits of the others are the roots of
 * what the prune keeps. */
static gboolean
sweep_refs (OstreeRepo *repo, GHashTable *used_refs, GHashTable *kept_commits, gboolean prune_only,
            WrappyGcResult *r, GCancellable *cancellable, GError **error)
{
  g_autoptr (GHashTable) refs = NULL;
  g_autoptr (GList) names = NULL;

  if (!ostree_repo_list_refs_ext (repo, NULL, &refs, OSTREE_REPO_LIST_REFS_EXT_NONE, cancellable,
                                  error))
    return FALSE;
  names = g_list_sort (g_hash_table_get_keys (refs), (GCompareFunc)strcmp);
  for (GList *n = names; n != NULL; n = n->next)
    {
      const char *refspec = n->data;
      g_autofree char *remote = NULL;
      g_autofree char *ref = NULL;

      if (!ostree_parse_refspec (refspec, &remote, &ref, error))
        return FALSE;
      /* Only layers' refs are gc's: appstream refs are the catalog's. */
      if (prune_only || !wrappy_parse_layer_ref (ref, NULL, NULL, NULL, NULL, NULL)
          || g_hash_table_contains (used_refs, ref))
        {
          g_hash_table_add (kept_commits, g_strdup (g_hash_table_lookup (refs, refspec)));
          continue;
        }
      g_ptr_array_add (r->refs, g_strdup (refspec));
      if (!r->dry_run
          && !ostree_repo_set_ref_immediate (repo, remote, ref, NULL, cancellable, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
prune (OstreeRepo *repo, GHashTable *kept_commits, WrappyGcResult *r, GCancellable *cancellable,
       GError **error)
{
  g_autoptr (GHashTable) reachable = ostree_repo_traverse_new_reachable ();
  OstreeRepoPruneOptions opts = { 0 };
  GHashTableIter it;
  gpointer commit;
  gint total = 0, pruned = 0;

  g_hash_table_iter_init (&it, kept_commits);
  while (g_hash_table_iter_next (&it, &commit, NULL))
    {
      g_autoptr (GError) local_error = NULL;

      if (!ostree_validate_checksum_string (commit, NULL))
        continue;
      if (ostree_repo_traverse_commit_union (repo, commit, 0, reachable, cancellable, &local_error))
        continue;
      /* A kept layer whose commit is gone from the repo (an old store) keeps its files
       * through its own hardlinks; anything else unreadable stops the prune. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _ ("cannot read commit %s: "), (char *)commit);
          return FALSE;
        }
      wrappy_debug ("gc: commit %s is not in the repository", (char *)commit);
    }
  opts.flags = r->dry_run ? OSTREE_REPO_PRUNE_FLAGS_NO_PRUNE : OSTREE_REPO_PRUNE_FLAGS_NONE;
  opts.reachable = reachable;
  if (!ostree_repo_prune_from_reachable (repo, &opts, &total, &pruned, &r->freed, cancellable,
                                         error))
    return FALSE;
  r->objects = pruned;
  return TRUE;
}

gboolean
wrappy_gc (WrappyStore *store, WrappyGcFlags flags, WrappyGcResult *r, GCancellable *cancellable,
           GError **error)
{
  g_autoptr (GHashTable) used_roots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) used_refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) kept_commits
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean prune_only = (flags & WRAPPY_GC_PRUNE_ONLY) != 0;
  OstreeRepo *repo;

  memset (r, 0, sizeof *r);
  r->dry_run = (flags & WRAPPY_GC_DRY_RUN) != 0;
  r->removed = g_ptr_array_new_with_free_func ((GDestroyNotify)gc_layer_free);
  r->in_use = g_ptr_array_new_with_free_func ((GDestroyNotify)gc_layer_free);
  r->refs = g_ptr_array_new_with_free_func (g_free);
  if (!collect_used (used_roots, used_refs, kept_commits, error))
    return FALSE;
  repo = wrappy_store_get_repo (store, error);
  if (repo == NULL)
    return FALSE;
  if (!sweep_layers (store, used_roots, kept_commits, prune_only, r, error))
    return FALSE;
  wrappy_fault_point ("gc-before-refs");
  if (!sweep_refs (repo, used_refs, kept_commits, prune_only, r, cancellable, error))
    return FALSE;
  wrappy_fault_point ("gc-before-prune");
  return prune (repo, kept_commits, r, cancellable, error);
}
