/* Updating a Flatpak app (docs/update.md): compare the commits the origin remote
 * offers for the app, its runtime and their extensions with the installed ones; when
 * any is newer, read the new app's metadata from its commit alone (it may want another
 * runtime branch or other extensions), pull every changed ref in one libostree pull
 * (which fetches the static deltas the remote's summary lists from the commits we
 * have), and check the new layers out. Nothing becomes visible here: `wrappy update`
 * exports the launchers and saves the manifest. */
#include "config.h"

#include <string.h>

#include "wrappy-error.h"
#include "wrappy-flathub-private.h"
#include "wrappy-flathub.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"

static gboolean
deltas_disabled (void)
{
  const char *v = g_getenv ("WRAPPY_DISABLE_STATIC_DELTAS");
  return v != NULL && *v != '\0' && strcmp (v, "0") != 0;
}

/* The installed commit of ref (any kind), or NULL. */
static const char *
current_commit (WrappyManifest *m, const char *ref)
{
  for (guint i = 0; i < m->layers->len; i++)
    {
      WrappyManifestLayer *l = m->layers->pdata[i];
      if (g_strcmp0 (l->ref, ref) == 0)
        return l->commit;
    }
  return NULL;
}

/* The metadata of commit, fetching the commit object alone when it is not local. The
 * commit-only pull moves the remote's ref; it is put back afterwards, since libostree
 * picks a static delta from the commit that ref names. */
static WrappyFlatpakMetadata *
fetch_metadata (OstreeRepo *repo, WrappyRemote *remote, const char *ref, const char *commit,
                const char *old_commit, GCancellable *cancellable, GError **error)
{
  g_autoptr (GVariant) v = NULL;

  /* A Flatpak installation here may have it already (wrappy-flathub-local.c). */
  wrappy_flathub_take_local (repo, ref, commit, cancellable);
  if (!ostree_repo_load_variant_if_exists (repo, OSTREE_OBJECT_TYPE_COMMIT, commit, &v, NULL)
      || v == NULL)
    {
      const char *one[] = { ref, NULL };
      if (!wrappy_flathub_pull (repo, remote, one, TRUE, cancellable, error))
        return NULL;
      if (old_commit != NULL)
        (void)ostree_repo_set_ref_immediate (repo, remote->name, ref, old_commit, cancellable,
                                             NULL);
    }
  return wrappy_flathub_commit_metadata (repo, commit, ref, error);
}

/* The layers the updated app is made of: its new app commit, its runtime (maybe on a
 * new branch) and the extensions both declare, resolved like install does. */
static gboolean
resolve_items (OstreeRepo *repo, WrappyRemote *remote, GHashTable *refs, WrappyManifest *m,
               WrappyManifestLayer *app, WrappyFlatpakMetadata **md_out, GPtrArray *items,
               GCancellable *cancellable, GError **error)
{
  const char *app_commit = g_hash_table_lookup (refs, app->ref);
  g_autoptr (WrappyFlatpakMetadata) md = NULL;
  g_autoptr (WrappyFlatpakMetadata) rmd = NULL;
  g_autofree char *runtime_ref = NULL;
  const char *runtime_commit;

  if (app_commit == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   _ ("%s is no longer on remote '%s' (%s)"), m->id, remote->name, app->ref);
      return FALSE;
    }
  md = fetch_metadata (repo, remote, app->ref, app_commit, app->commit, cancellable, error);
  if (md == NULL)
    return FALSE;
  if (md->is_runtime || strcmp (md->name, m->id) != 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("malformed Flatpak metadata: %s describes '%s', not the app %s"), app->ref,
                   md->name, m->id);
      return FALSE;
    }

  runtime_ref = g_strconcat ("runtime/", md->runtime, NULL);
  runtime_commit = g_hash_table_lookup (refs, runtime_ref);
  if (runtime_commit == NULL)
    runtime_commit = current_commit (m, runtime_ref); /* from elsewhere: keep ours */
  if (runtime_commit == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   _ ("the update of %s needs the runtime %s, which remote '%s' does not have"),
                   m->id, md->runtime, remote->name);
      return FALSE;
    }
  rmd = fetch_metadata (repo, remote, runtime_ref, runtime_commit, current_commit (m, runtime_ref),
                        cancellable, error);
  if (rmd == NULL)
    return FALSE;
  g_ptr_array_add (
      items, wrappy_install_item_new ("base", rmd->name, runtime_ref, runtime_commit, "/usr"));
  wrappy_flathub_resolve_extensions (rmd, "/usr", refs, items);
  wrappy_flathub_resolve_extensions (md, "/app", refs, items);
  g_ptr_array_add (items, wrappy_install_item_new ("app", m->id, app->ref, app_commit, "/app"));
  *md_out = g_steal_pointer (&md);
  return TRUE;
}

static gboolean
items_match (WrappyManifest *m, GPtrArray *items)
{
  if (items->len != m->layers->len)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      WrappyInstallItem *item = items->pdata[i];
      if (g_strcmp0 (current_commit (m, item->ref), item->commit) != 0)
        return FALSE;
    }
  return TRUE;
}

gboolean
wrappy_flathub_prepare_update (WrappyStore *store, WrappyUpdate *u, GCancellable *cancellable,
                               GError **error)
{
  WrappyManifest *m = u->current;
  WrappyManifestLayer *app = wrappy_manifest_get_layer (m, "app");
  g_autoptr (WrappyRemote) remote = NULL;
  g_autoptr (GHashTable) refs = NULL;
  g_autoptr (WrappyFlatpakMetadata) md = NULL;
  g_autoptr (GPtrArray) items
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_install_item_free);
  g_autoptr (GPtrArray) to_pull = g_ptr_array_new ();
  OstreeRepo *repo;

  if (app == NULL || m->origin == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("the manifest of %s names no app layer or origin; reinstall it"), m->id);
      return FALSE;
    }
  /* A bundle's origin is a remote only when the bundle named a repository URL. */
  if (!wrappy_remote_exists (m->origin))
    {
      u->skip_reason = g_strdup (_ ("installed from a bundle; nothing to update from"));
      return TRUE;
    }
  remote = wrappy_remote_load (m->origin, error);
  if (remote == NULL)
    return FALSE;
  repo = wrappy_store_get_repo (store, error);
  if (repo == NULL)
    return FALSE;
  refs = wrappy_flathub_list_refs (repo, remote, error);
  if (refs == NULL)
    return FALSE;
  if (!resolve_items (repo, remote, refs, m, app, &md, items, cancellable, error))
    return FALSE;
  if (items_match (m, items))
    return TRUE; /* up to date */

  /* One pull for every changed ref, so libostree verifies and fetches them together. */
  for (guint i = 0; i < items->len; i++)
    {
      WrappyInstallItem *item = items->pdata[i];
      if (g_strcmp0 (current_commit (m, item->ref), item->commit) != 0
          && g_strcmp0 (g_hash_table_lookup (refs, item->ref), item->commit) == 0)
        {
          wrappy_flathub_take_local (repo, item->ref, item->commit, cancellable);
          g_ptr_array_add (to_pull, item->ref);
        }
    }
  g_ptr_array_add (to_pull, NULL);
  wrappy_info (_ ("Downloading the update of %s…"), m->id);
  if (to_pull->len > 1
      && !wrappy_flathub_pull_full (repo, remote, (const char *const *)to_pull->pdata, FALSE,
                                    deltas_disabled (), &u->downloaded, cancellable, error))
    return FALSE;

  u->updated = wrappy_flathub_build_manifest (store, md, m->origin, items, cancellable, error);
  if (u->updated == NULL)
    return FALSE;
  /* What the user chose for the app stays theirs. */
  g_free (u->updated->isolation);
  u->updated->isolation = g_strdup (m->isolation);
  u->export_dir = wrappy_flathub_app_files (store, u->updated);
  u->export_dir_is_temp = FALSE;
  return TRUE;
}
