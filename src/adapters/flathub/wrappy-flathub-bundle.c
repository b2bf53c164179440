/* Single-file .flatpak bundles: libflatpak reads the bundle's header (its ref, metadata,
 * origin and runtime repo), libostree imports the static delta inside it. The runtime
 * comes from a remote, as with any install. */
#include "config.h"

#include <flatpak.h>
#include <string.h>

#include "wrappy-error.h"
#include "wrappy-flathub-private.h"
#include "wrappy-flathub.h"
#include "wrappy-http.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"

static gboolean
import_bundle (OstreeRepo *repo, GFile *file, const char *remote, const char *ref,
               const char *commit, GBytes *header_metadata, GCancellable *cancellable,
               GError **error)
{
  g_autoptr (GVariant) commit_v = NULL;
  g_autoptr (GVariant) meta = NULL;
  const char *xa = NULL;
  gsize hlen = 0;
  const char *hdata = g_bytes_get_data (header_metadata, &hlen);

  if (!ostree_repo_prepare_transaction (repo, NULL, cancellable, error))
    return FALSE;
  if (!ostree_repo_static_delta_execute_offline (repo, file, FALSE, cancellable, error))
    goto fail;
  if (!ostree_repo_load_variant (repo, OSTREE_OBJECT_TYPE_COMMIT, commit, &commit_v, error))
    goto fail;
  /* The header is only a description; the commit is what runs. They must agree, or a
   * bundle could show one set of permissions and install another. */
  meta = g_variant_get_child_value (commit_v, 0);
  if (!g_variant_lookup (meta, "xa.metadata", "&s", &xa) || strlen (xa) != hlen
      || memcmp (xa, hdata, hlen) != 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("the bundle's header and its content disagree about its metadata"));
      goto fail;
    }
  ostree_repo_transaction_set_ref (repo, remote, ref, commit);
  return ostree_repo_commit_transaction (repo, NULL, cancellable, error);

fail:
  ostree_repo_abort_transaction (repo, cancellable, NULL);
  return FALSE;
}

/* The remote that has the runtime: one already configured, else the bundle's
 * RuntimeRepo (a .flatpakrepo URL), added under a name derived from it. */
static WrappyRemote *
runtime_remote (const char *runtime_ref, const char *runtime_repo_url, OstreeRepo *repo,
                GHashTable **refs_out, GError **error)
{
  g_autoptr (GPtrArray) remotes = wrappy_remote_list (NULL);
  g_autoptr (WrappyRemote) r = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  const char *data;
  gsize len;

  for (guint i = 0; remotes && i < remotes->len; i++)
    {
      WrappyRemote *cand = remotes->pdata[i];
      g_autoptr (GHashTable) refs = wrappy_flathub_list_refs (repo, cand, NULL);
      if (refs != NULL && g_hash_table_contains (refs, runtime_ref))
        {
          *refs_out = g_steal_pointer (&refs);
          return wrappy_remote_load (cand->name, error);
        }
    }
  if (runtime_repo_url == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   _ ("no configured remote has the runtime %s; add one with 'wrappy remote add'"),
                   runtime_ref + strlen ("runtime/"));
      return NULL;
    }
  bytes = wrappy_http_get (runtime_repo_url, 1024 * 1024, error);
  if (bytes == NULL)
    return NULL;
  base = g_path_get_basename (runtime_repo_url);
  if (g_str_has_suffix (base, ".flatpakrepo"))
    base[strlen (base) - strlen (".flatpakrepo")] = '\0';
  name = wrappy_remote_validate_name (base, NULL) && !wrappy_remote_exists (base)
             ? g_strdup (base)
             : g_strdup ("runtime-origin");
  data = g_bytes_get_data (bytes, &len);
  r = wrappy_remote_from_keyfile_data (name, data, len, FALSE, error);
  if (r == NULL || !wrappy_remote_save (r, TRUE, error))
    return NULL;
  wrappy_info (_ ("Added remote '%s' (%s) for the runtime"), r->name, r->url);
  *refs_out = wrappy_flathub_list_refs (repo, r, error);
  if (*refs_out == NULL)
    return NULL;
  return g_steal_pointer (&r);
}

WrappyManifest *
wrappy_flathub_install_bundle (WrappyStore *store, const char *path, GCancellable *cancellable,
                               GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (FlatpakBundleRef) bref = NULL;
  g_autoptr (GBytes) header_md = NULL;
  g_autoptr (WrappyFlatpakMetadata) md = NULL;
  g_autoptr (GPtrArray) items
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_install_item_free);
  g_autoptr (GError) local_error = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *runtime_ref = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *runtime_repo = NULL;
  g_autofree char *origin_name = NULL;
  const char *commit, *mdata;
  gsize mlen = 0;
  OstreeRepo *repo;

  bref = flatpak_bundle_ref_new (file, &local_error);
  if (bref == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s is not a valid .flatpak bundle: %s"), path, local_error->message);
      return NULL;
    }
  ref = flatpak_ref_format_ref (FLATPAK_REF (bref));
  commit = flatpak_ref_get_commit (FLATPAK_REF (bref));
  header_md = flatpak_bundle_ref_get_metadata (bref);
  if (flatpak_ref_get_kind (FLATPAK_REF (bref)) != FLATPAK_REF_KIND_APP || header_md == NULL
      || commit == NULL || !ostree_validate_checksum_string (commit, NULL)
      || !wrappy_parse_ref (ref, NULL, NULL, NULL, NULL, error))
    {
      if (error && *error == NULL)
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("%s is not an app bundle"),
                     path);
      return NULL;
    }
  if (strcmp (flatpak_ref_get_arch (FLATPAK_REF (bref)), wrappy_default_arch ()) != 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s is built for %s, not for this machine (%s)"), path,
                   flatpak_ref_get_arch (FLATPAK_REF (bref)), wrappy_default_arch ());
      return NULL;
    }
  mdata = g_bytes_get_data (header_md, &mlen);
  md = wrappy_flatpak_metadata_parse (mdata, mlen, flatpak_ref_get_branch (FLATPAK_REF (bref)),
                                      error);
  if (md == NULL)
    return NULL;
  if (md->is_runtime || strcmp (md->name, flatpak_ref_get_name (FLATPAK_REF (bref))) != 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("malformed Flatpak metadata in bundle %s"), path);
      return NULL;
    }
  if (!wrappy_flathub_check_not_installed (md->name, error))
    return NULL;
  repo = wrappy_store_get_repo (store, error);
  if (repo == NULL)
    return NULL;

  runtime_ref = g_strconcat ("runtime/", md->runtime, NULL);
  origin = flatpak_bundle_ref_get_origin (bref);
  runtime_repo = flatpak_bundle_ref_get_runtime_repo_url (bref);
  if (!wrappy_flathub_reuse_runtime (runtime_ref, items))
    {
      g_autoptr (GHashTable) refs = NULL;
      g_autoptr (WrappyRemote) rremote
          = runtime_remote (runtime_ref, runtime_repo, repo, &refs, error);
      g_autoptr (WrappyFlatpakMetadata) rmd = NULL;
      const char *rcommit;
      const char *one[] = { runtime_ref, NULL };

      if (rremote == NULL)
        return NULL;
      rcommit = g_hash_table_lookup (refs, runtime_ref);
      if (rcommit == NULL)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                       _ ("%s needs the runtime %s, which remote '%s' does not have"), md->name,
                       md->runtime, rremote->name);
          return NULL;
        }
      if (!wrappy_flathub_pull (repo, rremote, one, TRUE, cancellable, error))
        return NULL;
      rmd = wrappy_flathub_commit_metadata (repo, rcommit, runtime_ref, error);
      if (rmd == NULL)
        return NULL;
      g_ptr_array_add (items,
                       wrappy_install_item_new ("base", rmd->name, runtime_ref, rcommit, "/usr"));
      wrappy_flathub_resolve_extensions (rmd, "/usr", refs, items);
      {
        g_autoptr (GPtrArray) pull = g_ptr_array_new ();
        for (guint i = 0; i < items->len; i++)
          g_ptr_array_add (pull, ((WrappyInstallItem *)items->pdata[i])->ref);
        g_ptr_array_add (pull, NULL);
        if (!wrappy_flathub_pull (repo, rremote, (const char *const *)pull->pdata, FALSE,
                                  cancellable, error))
          return NULL;
      }
    }

  /* The app's ref lives under its origin's name, like flatpak's NAME-origin remotes. */
  origin_name = g_strconcat (md->name, "-origin", NULL);
  wrappy_info (_ ("Importing %s from the bundle…"), md->name);
  if (!import_bundle (repo, file, origin_name, ref, commit, header_md, cancellable, error))
    {
      wrappy_prefix_error (error, _ ("cannot import bundle %s"), path);
      return NULL;
    }
  if (origin != NULL && !wrappy_remote_exists (origin_name))
    {
      g_autoptr (WrappyRemote) r = wrappy_remote_new (origin_name, origin);
      r->gpg_verify = FALSE;
      if (!wrappy_remote_save (r, FALSE, &local_error))
        wrappy_debug ("cannot record the bundle's origin: %s", local_error->message);
    }
  g_ptr_array_add (items, wrappy_install_item_new ("app", md->name, ref, commit, "/app"));
  return wrappy_flathub_finish_install (store, md, origin_name, items, cancellable, error);
}
