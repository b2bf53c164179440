/* A Flatpak remote's catalog for `wrappy search`: pull the remote's appstream branch
 * (appstream2/ARCH, else the older appstream/ARCH with a gzipped file) into the store's
 * repo through libostree, parse it with libappstream, and save the compact index. */
#include "config.h"

#include <appstream.h>
#include <string.h>

#include "wrappy-catalog.h"
#include "wrappy-error.h"
#include "wrappy-flathub-private.h"
#include "wrappy-flathub.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"

/* Flathub's appstream.xml is about 40 MB; anything far larger is not a catalog. */
#define APPSTREAM_MAX (256 * 1024 * 1024)

/* Reads at most APPSTREAM_MAX bytes of file, gunzipping on the way when gzipped (a gzip
 * bomb stops at the cap rather than filling memory). */
static GBytes *
read_capped (GFile *file, gboolean gzipped, GError **error)
{
  g_autoptr (GInputStream) raw = G_INPUT_STREAM (g_file_read (file, NULL, error));
  g_autoptr (GInputStream) in = NULL;
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  guint8 chunk[65536];
  gssize n;

  if (raw == NULL)
    return NULL;
  if (gzipped)
    {
      g_autoptr (GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      in = g_converter_input_stream_new (raw, G_CONVERTER (z));
    }
  else
    in = g_object_ref (raw);
  while ((n = g_input_stream_read (in, chunk, sizeof chunk, NULL, error)) > 0)
    {
      if (buf->len + n > APPSTREAM_MAX)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                       _ ("its appstream data is larger than %d MiB"), APPSTREAM_MAX >> 20);
          return NULL;
        }
      g_byte_array_append (buf, chunk, n);
    }
  if (n < 0)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

/* The ID `install --from-flathub` takes: the app of the component's flatpak bundle
 * (app/ID/ARCH/BRANCH), else the component ID without a legacy ".desktop". */
static char *
component_app_id (AsComponent *cpt)
{
  AsBundle *bundle = as_component_get_bundle (cpt, AS_BUNDLE_KIND_FLATPAK);
  const char *id = as_component_get_id (cpt);

  if (bundle != NULL && as_bundle_get_id (bundle) != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (as_bundle_get_id (bundle), "/", 0);
      if (g_strv_length (parts) == 4 && strcmp (parts[0], "app") == 0)
        return g_strdup (parts[1]);
      if (g_strv_length (parts) == 4)
        return NULL; /* a runtime or extension: not something to install on its own */
    }
  if (id == NULL)
    return NULL;
  if (g_str_has_suffix (id, ".desktop"))
    return g_strndup (id, strlen (id) - strlen (".desktop"));
  return g_strdup (id);
}

static WrappyCatalogEntry *
component_entry (AsComponent *cpt)
{
  g_autofree char *id = component_app_id (cpt);
  GPtrArray *releases = as_component_get_releases (cpt);
  const char *version = NULL;
  const char *desc = as_component_get_description (cpt);
  WrappyCatalogEntry *e;

  if (id == NULL || !wrappy_validate_app_id (id, NULL))
    return NULL;
  if (releases != NULL && releases->len > 0)
    version = as_release_get_version (g_ptr_array_index (releases, 0));
  e = wrappy_catalog_entry_new (id, as_component_get_name (cpt), as_component_get_summary (cpt),
                                version);
  if (as_component_get_keywords (cpt) != NULL)
    e->keywords = g_strjoinv (" ", as_component_get_keywords (cpt));
  if (desc != NULL)
    e->description = as_markup_convert_simple (desc, NULL);
  return e;
}

GPtrArray *
wrappy_flathub_appstream_parse (GBytes *xml, GError **error)
{
  g_autoptr (AsMetadata) md = as_metadata_new ();
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_catalog_entry_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) local_error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (xml, &len);
  GPtrArray *cpts;

  /* libxml2 would take non-UTF-8 as Latin-1 when the prolog says so; the catalog is
   * UTF-8 by definition, so anything else is damage. */
  if (len == 0 || memchr (data, '\0', len) != NULL || !g_utf8_validate (data, len, NULL))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("its appstream data is empty or not UTF-8"));
      return NULL;
    }
  as_metadata_set_format_style (md, AS_FORMAT_STYLE_CATALOG);
  if (!as_metadata_parse_bytes (md, xml, AS_FORMAT_KIND_XML, &local_error))
    {
      /* libxml2's messages end in (and may hold) newlines; the user gets one line. */
      g_strstrip (g_strdelimit (local_error->message, "\r\n", ' '));
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("its appstream data is malformed: %s"), local_error->message);
      return NULL;
    }
  cpts = as_metadata_get_components (md);
  for (guint i = 0; cpts != NULL && i < cpts->len; i++)
    {
      WrappyCatalogEntry *e = component_entry (g_ptr_array_index (cpts, i));

      if (e == NULL)
        continue;
      /* One row per app, the first the catalog lists (Flathub's has one). */
      if (!g_hash_table_add (seen, g_strdup (e->id)))
        {
          wrappy_catalog_entry_free (e);
          continue;
        }
      g_ptr_array_add (entries, e);
    }
  return g_steal_pointer (&entries);
}

/* Pulls the appstream branch and returns the file it holds. */
static GBytes *
fetch_appstream (OstreeRepo *repo, WrappyRemote *remote, GError **error)
{
  const char *arch = wrappy_default_arch ();
  g_autofree char *ref2 = g_strdup_printf ("appstream2/%s", arch);
  g_autofree char *ref1 = g_strdup_printf ("appstream/%s", arch);
  g_autoptr (GHashTable) refs = wrappy_flathub_list_refs (repo, remote, error);
  g_autoptr (GFile) root = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *commit = NULL;
  g_autoptr (GBytes) xml = NULL;
  const char *ref;
  const char *pull[2] = { NULL, NULL };

  if (refs == NULL)
    return NULL;
  if (g_hash_table_contains (refs, ref2))
    ref = ref2;
  else if (g_hash_table_contains (refs, ref1))
    ref = ref1;
  else
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   _ ("remote '%s' publishes no appstream data for %s"), remote->name, arch);
      return NULL;
    }
  pull[0] = ref;
  if (!wrappy_flathub_pull (repo, remote, pull, FALSE, NULL, error))
    return NULL;
  rev = g_strdup_printf ("%s:%s", remote->name, ref);
  if (ostree_repo_resolve_rev (repo, rev, FALSE, &commit, error)
      && ostree_repo_read_commit (repo, commit, &root, NULL, NULL, error))
    {
      file
          = g_file_resolve_relative_path (root, ref == ref2 ? "appstream.xml" : "appstream.xml.gz");
      xml = read_capped (file, ref == ref1, error);
    }
  if (xml == NULL)
    wrappy_prefix_error (error, _ ("remote '%s': "), remote->name);
  return g_steal_pointer (&xml);
}

gboolean
wrappy_flathub_appstream_refresh (WrappyStore *store, WrappyRemote *remote, GError **error)
{
  g_autoptr (GBytes) xml = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  OstreeRepo *repo = wrappy_store_get_repo (store, error);

  if (repo == NULL)
    return FALSE;
  xml = fetch_appstream (repo, remote, error);
  if (xml == NULL)
    return FALSE;
  entries = wrappy_flathub_appstream_parse (xml, error);
  if (entries == NULL)
    {
      wrappy_prefix_error (error, _ ("remote '%s': "), remote->name);
      return FALSE;
    }
  return wrappy_catalog_save ("flathub", remote->name, entries, error);
}

gboolean
wrappy_flathub_refresh_catalog (const char *origin, GError **error)
{
  g_autoptr (WrappyStore) store = NULL;
  g_autoptr (WrappyRemote) remote = NULL;

  if (wrappy_remote_exists (origin))
    remote = wrappy_remote_load (origin, error);
  else if (strcmp (origin, "flathub") == 0)
    {
      /* No remote configured: Flathub is added to be searched, and that is said
       * (wrappy_remote_ensure_flathub). Offline, nothing is added, and the line says so
       * (the reason under --verbose). */
      g_autoptr (GError) local_error = NULL;
      remote = wrappy_remote_ensure_flathub (&local_error);
      if (remote == NULL && g_error_matches (local_error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK))
        {
          wrappy_debug ("%s", local_error->message);
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                       _ ("Flathub cannot be reached, so no remote '%s' was added"), origin);
          return FALSE;
        }
      if (remote == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  else
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND, _ ("there is no remote '%s'"),
                 origin);
  if (remote == NULL || (store = wrappy_store_open (error)) == NULL)
    return FALSE;
  /* The appstream data lands in the store's repo, which a gc may be pruning: search does
   * not wait for an install or gc, it searches the catalog it has. */
  if (!wrappy_store_try_lock (store, error))
    return FALSE;
  wrappy_status (_ ("Updating the catalog of remote '%s'…"), remote->name);
  return wrappy_flathub_appstream_refresh (store, remote, error);
}
