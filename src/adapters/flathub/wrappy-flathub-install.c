/* Installing a Flatpak app: resolve its ref on the remote, read its metadata from the
 * commit alone, resolve the runtime and extensions, pull everything in one verified
 * OSTree pull, check each commit out once as a shared layer, then write the manifest.
 * Nothing is visible to `list` or `run` until that last atomic rename. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-flathub-ext.h"
#include "wrappy-flathub-private.h"
#include "wrappy-flathub.h"
#include "wrappy-flatpak-metadata.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"
#include "wrappy-remote.h"

void
wrappy_install_item_free (WrappyInstallItem *item)
{
  g_free (item->kind);
  g_free (item->name);
  g_free (item->ref);
  g_free (item->commit);
  g_free (item->mount);
  g_free (item);
}

WrappyInstallItem *
wrappy_install_item_new (const char *kind, const char *name, const char *ref, const char *commit,
                         const char *mount)
{
  WrappyInstallItem *item = g_new0 (WrappyInstallItem, 1);

  item->kind = g_strdup (kind);
  item->name = g_strdup (name);
  item->ref = g_strdup (ref);
  item->commit = g_strdup (commit);
  item->mount = g_strdup (mount);
  return item;
}

/* Turns libostree's errors into one line that says what to do. */
gboolean
wrappy_flathub_remote_error (GError **error, GError *ostree_error, WrappyRemote *remote)
{
  const char *msg = ostree_error->message;

  if (strstr (msg, "no summary found") != NULL || strstr (msg, "Server returned HTTP 404") != NULL)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                 _ ("remote '%s' has no Flatpak repository at %s; check the URL with 'wrappy "
                    "remote list'"),
                 remote->name, remote->url);
  else if (remote->gpg_verify && remote->gpg_key == NULL
           && (strstr (msg, "GPG") != NULL || strstr (msg, "signature") != NULL))
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_UNTRUSTED,
                 _ ("remote '%s' checks signatures but has no key: add it with 'wrappy remote "
                    "add --replace %s FILE.flatpakrepo' (or --gpg-import=KEY), or use "
                    "--no-gpg-verify for a repo you control"),
                 remote->name, remote->name);
  else if (ostree_error->domain == ostree_gpg_error_quark () || strstr (msg, "GPG") != NULL
           || strstr (msg, "signature") != NULL)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_UNTRUSTED,
                 _ ("remote '%s' failed signature verification (%s); its data may have been "
                    "tampered with, so nothing was installed"),
                 remote->name, msg);
  else if (g_error_matches (ostree_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)
           || strstr (msg, "No space") != NULL || strstr (msg, "min-free-space") != NULL)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NO_SPACE, _ ("not enough disk space in %s: %s"),
                 wrappy_dirs_data (), msg);
  else
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK,
                 _ ("cannot reach remote '%s' at %s: %s; check 'wrappy remote list' and your "
                    "network"),
                 remote->name, remote->url, msg);
  return FALSE;
}

GHashTable *
wrappy_flathub_list_refs (OstreeRepo *repo, WrappyRemote *remote, GError **error)
{
  g_autoptr (GHashTable) refs = NULL;
  g_autoptr (GError) local_error = NULL;

  if (!wrappy_remote_sync_to_repo (remote, repo, error))
    return NULL;
  if (!ostree_repo_remote_list_refs (repo, remote->name, &refs, NULL, &local_error))
    return wrappy_flathub_remote_error (error, local_error, remote), NULL;
  return g_steal_pointer (&refs);
}

static char *
pick_app_ref (GHashTable *refs, WrappyRemote *remote, const char *id, const char *branch,
              GError **error)
{
  g_autofree char *prefix = g_strdup_printf ("app/%s/%s/", id, wrappy_default_arch ());
  g_autoptr (GPtrArray) branches = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;

  if (branch != NULL)
    {
      g_autofree char *ref = g_strconcat (prefix, branch, NULL);
      if (g_hash_table_contains (refs, ref))
        return g_steal_pointer (&ref);
    }
  else
    {
      g_hash_table_iter_init (&it, refs);
      while (g_hash_table_iter_next (&it, &key, NULL))
        if (g_str_has_prefix (key, prefix))
          g_ptr_array_add (branches, (char *)key + strlen (prefix));
      if (branches->len == 1)
        return g_strconcat (prefix, branches->pdata[0], NULL);
      for (guint i = 0; i < branches->len; i++)
        if (strcmp (branches->pdata[i], "stable") == 0)
          return g_strconcat (prefix, "stable", NULL);
      if (branches->len > 1)
        {
          g_ptr_array_add (branches, NULL);
          g_autofree char *list = g_strjoinv (", ", (char **)branches->pdata);
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                       _ ("%s has several branches on '%s' (%s); pick one with %s//BRANCH"), id,
                       remote->name, list, id);
          return NULL;
        }
    }
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
               _ ("%s%s%s was not found on remote '%s' for %s; check the ID and the remote"), id,
               branch ? "//" : "", branch ? branch : "", remote->name, wrappy_default_arch ());
  return NULL;
}

typedef struct
{
  WrappyProgress *bar;
  char *what; /* the layers being fetched: "org.x.App//stable, org.x.Platform//23.08" */
} PullProgress;

/* The refs as the user knows them (ID//BRANCH), for the progress line. */
static char *
describe_refs (const char *const *refs)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  /* The app first: a narrow terminal cuts the end of the list. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; refs[i] != NULL; i++)
      {
        g_auto (GStrv) parts = g_strsplit (refs[i], "/", 4);
        if (g_str_has_prefix (refs[i], "app/") != (pass == 0))
          continue;
        if (g_strv_length (parts) == 4)
          g_ptr_array_add (names, g_strdup_printf ("%s//%s", parts[1], parts[3]));
        else
          g_ptr_array_add (names, g_strdup (refs[i]));
      }
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **)names->pdata);
}

/* libostree counts objects (fetched of requested) or, with a static delta, the delta's
 * bytes; the speed is from the bytes transferred either way. While the commits
 * themselves are fetched, requested grows: shown as unknown (a spinner). */
static void
on_pull_progress (OstreeAsyncProgress *progress, gpointer user_data)
{
  PullProgress *pp = user_data;
  guint fetched = ostree_async_progress_get_uint (progress, "fetched");
  guint requested = ostree_async_progress_get_uint (progress, "requested");
  guint64 bytes = ostree_async_progress_get_uint64 (progress, "bytes-transferred");
  guint64 delta_total = ostree_async_progress_get_uint64 (progress, "total-delta-part-size");
  guint64 delta_done = ostree_async_progress_get_uint64 (progress, "fetched-delta-part-size");
  guint metadata = ostree_async_progress_get_uint (progress, "outstanding-metadata-fetches");

  if (delta_total > 0)
    wrappy_progress_update_full (pp->bar, delta_done, delta_total, bytes, pp->what);
  else if (requested > 0 && metadata == 0)
    wrappy_progress_update_full (pp->bar, fetched, requested, bytes, pp->what);
  else
    wrappy_progress_update_full (pp->bar, 0, 0, bytes, pp->what);
}

gboolean
wrappy_flathub_pull_full (OstreeRepo *repo, WrappyRemote *remote, const char *const *refs,
                          gboolean commit_only, gboolean no_deltas, guint64 *bytes_out,
                          GCancellable *cancellable, GError **error)
{
  g_auto (GVariantBuilder) opts;
  g_autoptr (OstreeAsyncProgress) progress = NULL;
  g_autoptr (WrappyProgress) bar = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *what = NULL;
  PullProgress pp = { NULL, NULL };
  OstreeRepoPullFlags flags = commit_only ? OSTREE_REPO_PULL_FLAGS_COMMIT_ONLY : 0;
  gboolean ok;

  g_variant_builder_init (&opts, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&opts, "{sv}", "refs", g_variant_new_strv (refs, -1));
  g_variant_builder_add (&opts, "{sv}", "flags", g_variant_new_int32 (flags));
  /* libostree fetches a static delta whenever the summary lists one from the commit we
   * have; turning that off is only for comparing (bench/update). */
  if (no_deltas)
    g_variant_builder_add (&opts, "{sv}", "disable-static-deltas", g_variant_new_boolean (TRUE));
  if (!commit_only)
    {
      bar = wrappy_progress_new (_ ("Downloading"));
      pp.bar = bar;
      pp.what = what = describe_refs (refs);
      progress = ostree_async_progress_new_and_connect (on_pull_progress, &pp);
    }
  ok = ostree_repo_pull_with_options (repo, remote->name, g_variant_builder_end (&opts), progress,
                                      cancellable, &local_error);
  if (progress)
    {
      if (bytes_out)
        *bytes_out = ostree_async_progress_get_uint64 (progress, "bytes-transferred");
      ostree_async_progress_finish (progress);
    }
  if (bar && ok)
    wrappy_progress_done (bar);
  if (!ok)
    return wrappy_flathub_remote_error (error, local_error, remote);
  return TRUE;
}

gboolean
wrappy_flathub_pull (OstreeRepo *repo, WrappyRemote *remote, const char *const *refs,
                     gboolean commit_only, GCancellable *cancellable, GError **error)
{
  return wrappy_flathub_pull_full (repo, remote, refs, commit_only, FALSE, NULL, cancellable,
                                   error);
}

WrappyFlatpakMetadata *
wrappy_flathub_commit_metadata (OstreeRepo *repo, const char *commit, const char *ref,
                                GError **error)
{
  g_autoptr (GVariant) commit_v = NULL;
  g_autoptr (GVariant) meta = NULL;
  g_autofree char *branch = NULL;
  const char *xa = NULL;
  gsize len;

  if (!wrappy_parse_ref (ref, NULL, NULL, NULL, &branch, error))
    return NULL;
  if (!ostree_repo_load_variant (repo, OSTREE_OBJECT_TYPE_COMMIT, commit, &commit_v, error))
    return NULL;
  meta = g_variant_get_child_value (commit_v, 0);
  if (!g_variant_lookup (meta, "xa.metadata", "&s", &xa))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s is not a Flatpak commit (it has no metadata)"), ref);
      return NULL;
    }
  len = strlen (xa);
  return wrappy_flatpak_metadata_parse (xa, len, branch, error);
}

/* Extension refs the remote offers for one extension point (GL drivers, Locale, …). */
static void
resolve_extension (WrappyExtensionPoint *ext, const char *mount_base, GHashTable *refs,
                   GPtrArray *items)
{
  const char *arch = wrappy_default_arch ();

  /* Debug symbols and sources are never wanted at run time, nor extensions the user
   * must ask for, nor those whose download-if does not hold here. */
  if (ext->no_autodownload || g_str_has_suffix (ext->name, ".Debug")
      || g_str_has_suffix (ext->name, ".Sources"))
    return;

  for (char **v = ext->versions; *v; v++)
    {
      g_autofree char *exact = g_strdup_printf ("runtime/%s/%s/%s", ext->name, arch, *v);
      g_autofree char *prefix = g_strdup_printf ("runtime/%s.", ext->name);
      g_autofree char *suffix = g_strdup_printf ("/%s/%s", arch, *v);
      guint before = items->len;
      GHashTableIter it;
      gpointer key, value;
      const char *exact_commit = g_hash_table_lookup (refs, exact);

      if (exact_commit != NULL && wrappy_flathub_ext_condition (ext->name, ext->download_if))
        {
          g_autofree char *mount
              = g_build_filename (mount_base, ext->directory, ext->subdirectory_suffix, NULL);
          g_ptr_array_add (items,
                           wrappy_install_item_new ("deps", ext->name, exact, exact_commit, mount));
        }
      if (ext->subdirectories)
        {
          g_hash_table_iter_init (&it, refs);
          while (g_hash_table_iter_next (&it, &key, &value))
            {
              const char *ref = key;
              g_autofree char *id = NULL;
              g_autofree char *sub = NULL;
              g_autofree char *mount = NULL;

              if (!g_str_has_prefix (ref, prefix) || !g_str_has_suffix (ref, suffix))
                continue;
              if (!wrappy_parse_ref (ref, NULL, &id, NULL, NULL, NULL))
                continue;
              sub = g_strdup (id + strlen (ext->name) + 1);
              if (strchr (sub, '.') != NULL || g_str_has_suffix (id, ".Debug")
                  || g_str_has_suffix (id, ".Sources"))
                continue;
              /* download-if, as Flatpak evaluates it at install (active-gl-driver:
               * "default", or the loaded NVIDIA driver's). */
              if (!wrappy_flathub_ext_condition (id, ext->download_if))
                continue;
              mount = g_build_filename (mount_base, ext->directory, sub, ext->subdirectory_suffix,
                                        NULL);
              g_ptr_array_add (items, wrappy_install_item_new ("deps", id, ref, value, mount));
            }
        }
      if (items->len > before)
        return;
    }
}

void
wrappy_flathub_resolve_extensions (WrappyFlatpakMetadata *md, const char *mount_base,
                                   GHashTable *refs, GPtrArray *items)
{
  for (guint i = 0; i < md->extensions->len; i++)
    resolve_extension (md->extensions->pdata[i], mount_base, refs, items);
}

/* An installed app already on this runtime: reuse its base and the runtime's extensions
 * rather than pulling a newer commit behind the other app's back. */
gboolean
wrappy_flathub_reuse_runtime (const char *runtime_ref, GPtrArray *items)
{
  g_autoptr (GPtrArray) apps = wrappy_manifest_list_installed (NULL);

  for (guint i = 0; apps && i < apps->len; i++)
    {
      WrappyManifest *m = apps->pdata[i];
      WrappyManifestLayer *base = wrappy_manifest_get_layer (m, "base");
      if (base == NULL || g_strcmp0 (base->ref, runtime_ref) != 0)
        continue;
      for (guint j = 0; j < m->layers->len; j++)
        {
          WrappyManifestLayer *l = m->layers->pdata[j];
          if (strcmp (l->kind, "base") == 0
              || (strcmp (l->kind, "deps") == 0 && g_str_has_prefix (l->mount, "/usr")))
            g_ptr_array_add (
                items, wrappy_install_item_new (l->kind, l->name, l->ref, l->commit, l->mount));
        }
      return TRUE;
    }
  return FALSE;
}

static WrappyManifest *
install_from_remote (WrappyStore *store, OstreeRepo *repo, WrappyRemote *remote, const char *app_id,
                     const char *branch, GCancellable *cancellable, GError **error)
{
  g_autoptr (GHashTable) refs = NULL;
  g_autofree char *app_ref = NULL;
  g_autofree char *runtime_ref = NULL;
  g_autoptr (WrappyFlatpakMetadata) md = NULL;
  g_autoptr (GPtrArray) items
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_install_item_free);
  g_autoptr (GPtrArray) to_pull = g_ptr_array_new ();
  const char *app_commit;

  wrappy_info (_ ("Looking up %s on remote '%s'…"), app_id, remote->name);
  refs = wrappy_flathub_list_refs (repo, remote, error);
  if (refs == NULL)
    return NULL;
  app_ref = pick_app_ref (refs, remote, app_id, branch, error);
  if (app_ref == NULL)
    return NULL;
  app_commit = g_hash_table_lookup (refs, app_ref);

  /* The commit object alone carries the metadata: read it before downloading anything
   * big, so a missing runtime or broken metadata fails fast and leaves nothing. A Flatpak
   * installation here that has the commit gives it whole instead. */
  wrappy_flathub_take_local (repo, app_ref, app_commit, cancellable);
  {
    const char *one[] = { app_ref, NULL };
    if (!wrappy_flathub_pull (repo, remote, one, TRUE, cancellable, error))
      return NULL;
  }
  md = wrappy_flathub_commit_metadata (repo, app_commit, app_ref, error);
  if (md == NULL)
    return NULL;
  if (md->is_runtime || strcmp (md->name, app_id) != 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("malformed Flatpak metadata: %s describes '%s', not the app %s"), app_ref,
                   md->name, app_id);
      return NULL;
    }

  runtime_ref = g_strconcat ("runtime/", md->runtime, NULL);
  if (!wrappy_flathub_reuse_runtime (runtime_ref, items))
    {
      const char *runtime_commit = g_hash_table_lookup (refs, runtime_ref);
      g_autoptr (WrappyFlatpakMetadata) rmd = NULL;
      const char *one[] = { runtime_ref, NULL };

      if (runtime_commit == NULL)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                       _ ("%s needs the runtime %s, which remote '%s' does not have; add a "
                          "remote that provides it"),
                       app_id, md->runtime, remote->name);
          return NULL;
        }
      wrappy_flathub_take_local (repo, runtime_ref, runtime_commit, cancellable);
      if (!wrappy_flathub_pull (repo, remote, one, TRUE, cancellable, error))
        return NULL;
      rmd = wrappy_flathub_commit_metadata (repo, runtime_commit, runtime_ref, error);
      if (rmd == NULL)
        return NULL;
      g_ptr_array_add (
          items, wrappy_install_item_new ("base", rmd->name, runtime_ref, runtime_commit, "/usr"));
      wrappy_flathub_resolve_extensions (rmd, "/usr", refs, items);
    }
  wrappy_flathub_resolve_extensions (md, "/app", refs, items);
  g_ptr_array_add (items, wrappy_install_item_new ("app", app_id, app_ref, app_commit, "/app"));

  for (guint i = 0; i < items->len; i++)
    {
      WrappyInstallItem *item = items->pdata[i];
      if (g_hash_table_contains (refs, item->ref)
          && g_strcmp0 (g_hash_table_lookup (refs, item->ref), item->commit) == 0)
        g_ptr_array_add (to_pull, item->ref);
    }
  g_ptr_array_add (to_pull, NULL);
  wrappy_info (_ ("Installing %s with %u layer(s)…"), app_id, items->len);
  for (guint i = 0; i < items->len; i++)
    {
      WrappyInstallItem *item = items->pdata[i];
      wrappy_flathub_take_local (repo, item->ref, item->commit, cancellable);
    }
  if (!wrappy_flathub_pull (repo, remote, (const char *const *)to_pull->pdata, FALSE, cancellable,
                            error))
    return NULL;
  return wrappy_flathub_finish_install (store, md, remote->name, items, cancellable, error);
}

gboolean
wrappy_flathub_refs_have_app (GHashTable *refs, const char *app_id, const char *branch)
{
  g_autofree char *prefix = g_strdup_printf ("app/%s/%s/", app_id, wrappy_default_arch ());
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, refs);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (g_str_has_prefix (key, prefix)
        && (branch == NULL || strcmp ((char *)key + strlen (prefix), branch) == 0))
      return TRUE;
  return FALSE;
}

/* No remote named: every configured remote that has the app, in turn, until one
 * installs it (issue 19: not only `flathub`); with none configured, `flathub`, added on
 * first use. An error that another remote would not change (the app is installed, it has
 * several branches) ends the search. */
static WrappyManifest *
install_from_any (WrappyStore *store, OstreeRepo *repo, const char *app_id, const char *branch,
                  GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) remotes = wrappy_remote_list (NULL);
  g_autoptr (GError) failed = NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;
  g_autofree char *joined = NULL;

  if (remotes->len == 0)
    {
      g_autoptr (WrappyRemote) flathub = wrappy_remote_ensure_flathub (error);
      if (flathub == NULL)
        return NULL;
      return install_from_remote (store, repo, flathub, app_id, branch, cancellable, error);
    }
  for (guint i = 0; i < remotes->len; i++)
    {
      WrappyRemote *r = remotes->pdata[i];
      g_autoptr (GHashTable) refs = NULL;
      g_autoptr (GError) e = NULL;
      WrappyManifest *m;

      g_strv_builder_add (names, r->name);
      if ((refs = wrappy_flathub_list_refs (repo, r, &e)) == NULL)
        {
          /* One line per remote that cannot be asked; the others still are. */
          g_printerr (_ ("warning: %s\n"), e->message);
          continue;
        }
      if (!wrappy_flathub_refs_have_app (refs, app_id, branch))
        continue;
      if ((m = install_from_remote (store, repo, r, app_id, branch, cancellable, &e)) != NULL)
        return m;
      if (g_error_matches (e, WRAPPY_ERROR, WRAPPY_ERROR_ALREADY_INSTALLED)
          || g_error_matches (e, WRAPPY_ERROR, WRAPPY_ERROR_USAGE))
        {
          g_propagate_error (error, g_steal_pointer (&e));
          return NULL;
        }
      g_clear_error (&failed);
      failed = g_steal_pointer (&e);
    }
  if (failed != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&failed));
      return NULL;
    }
  list = g_strv_builder_end (names);
  joined = g_strjoinv (", ", list);
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
               _ ("%s%s%s was not found on any configured remote (%s) for %s"), app_id,
               branch ? "//" : "", branch ? branch : "", joined, wrappy_default_arch ());
  return NULL;
}

WrappyManifest *
wrappy_flathub_install (WrappyStore *store, const char *remote_name, const char *app_id,
                        const char *branch, GCancellable *cancellable, GError **error)
{
  g_autoptr (WrappyRemote) remote = NULL;
  OstreeRepo *repo;

  if (!wrappy_validate_app_id (app_id, error))
    return NULL;
  if (branch != NULL && !wrappy_validate_branch (branch, error))
    return NULL;
  if (!wrappy_flathub_check_not_installed (app_id, error))
    return NULL;
  repo = wrappy_store_get_repo (store, error);
  if (repo == NULL)
    return NULL;
  if (remote_name == NULL)
    return install_from_any (store, repo, app_id, branch, cancellable, error);
  remote = wrappy_remote_load (remote_name, error);
  if (remote == NULL)
    return NULL;
  return install_from_remote (store, repo, remote, app_id, branch, cancellable, error);
}

WrappyManifest *
wrappy_flathub_install_flatpakref (WrappyStore *store, const char *path, GCancellable *cancellable,
                                   GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (WrappyRemote) remote = NULL;
  g_autoptr (WrappyRemote) existing = NULL;
  g_autofree char *name = NULL;
  g_autofree char *branch = NULL;
  g_autofree char *remote_name = NULL;

  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  remote = wrappy_remote_from_keyfile_data ("origin", data, len, TRUE, error);
  if (remote == NULL)
    return NULL;
  g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, NULL);
  if (g_key_file_get_boolean (kf, "Flatpak Ref", "IsRuntime", NULL))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s describes a runtime; runtimes are installed with the apps that use "
                      "them"),
                   path);
      return NULL;
    }
  name = g_key_file_get_string (kf, "Flatpak Ref", "Name", NULL);
  branch = g_key_file_get_string (kf, "Flatpak Ref", "Branch", NULL);
  if (name == NULL || !wrappy_validate_app_id (name, error))
    {
      if (error && *error == NULL)
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                     _ ("not a valid .flatpakref file: no Name="));
      return NULL;
    }
  if (branch != NULL && !wrappy_validate_branch (branch, error))
    return NULL;
  if (!wrappy_flathub_check_not_installed (name, error))
    return NULL;

  /* Reuse a remote the user already has for that URL; else add NAME-origin, as flatpak
   * does. */
  existing = wrappy_remote_find_by_url (remote->url);
  if (existing != NULL)
    remote_name = g_strdup (existing->name);
  else
    {
      remote_name = g_key_file_get_string (kf, "Flatpak Ref", "SuggestRemoteName", NULL);
      if (remote_name == NULL || !wrappy_remote_validate_name (remote_name, NULL)
          || wrappy_remote_exists (remote_name))
        {
          g_free (remote_name);
          remote_name = g_strconcat (name, "-origin", NULL);
        }
      g_free (remote->name);
      remote->name = g_strdup (remote_name);
      if (!wrappy_remote_save (remote, TRUE, error))
        return NULL;
      wrappy_info (_ ("Added remote '%s' (%s)"), remote_name, remote->url);
    }
  return wrappy_flathub_install (store, remote_name, name, branch, cancellable, error);
}

gboolean
wrappy_flathub_refetch (OstreeRepo *repo, const char *origin, const char *ref, const char *commit,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr (WrappyRemote) remote = wrappy_remote_load (origin, error);
  const char *refs[] = { ref, NULL };
  const char *commits[] = { commit, NULL };
  g_auto (GVariantBuilder) opts;

  if (remote == NULL || !wrappy_remote_sync_to_repo (remote, repo, error))
    return FALSE;
  g_variant_builder_init (&opts, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&opts, "{sv}", "refs", g_variant_new_strv (refs, -1));
  /* Exactly the installed commit, whatever the remote's ref points at now. */
  g_variant_builder_add (&opts, "{sv}", "override-commit-ids", g_variant_new_strv (commits, -1));
  g_variant_builder_add (&opts, "{sv}", "flags", g_variant_new_int32 (0));
  wrappy_info (_ ("Downloading %s again from remote '%s'…"), ref, origin);
  return ostree_repo_pull_with_options (repo, origin, g_variant_builder_end (&opts), NULL,
                                        cancellable, error);
}
