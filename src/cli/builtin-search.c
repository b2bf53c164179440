/* wrappy search: one ranked list across the Flatpak remotes' appstream data, the AppImage
 * catalog and the Snap Store. Warm queries are answered from the cached indexes
 * (wrappy-catalog.h) by the `wrappy` front itself; refreshing a stale index and asking
 * the Snap Store need libostree and libcurl, so the backend does those in child
 * processes (builtin-search-sources.c): the Snap Store request runs while the local
 * catalogs are searched. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wrappy-builtins.h"
#include "wrappy-catalog.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-manifest.h"
#include "wrappy-output.h"
#include "wrappy-search-output.h"

/* What the Snap Store child may send back; 100 results are a few hundred KiB. */
#define SNAP_REPLY_MAX (16 * 1024 * 1024)

static gboolean opt_refresh;
static char **opt_sources;

const GOptionEntry wrappy_search_options[] = {
  { "refresh", 0, 0, G_OPTION_ARG_NONE, &opt_refresh,
    N_ ("Download the catalogs again even if they are less than a day old"), NULL },
  { "source", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_sources,
    N_ ("Search only these sources: flathub, appimage, snap (comma-separated or repeated)"),
    N_ ("SOURCE") },
  { NULL },
};

typedef struct
{
  gboolean flathub, appimage, snap;
} Sources;

static gboolean
parse_sources (Sources *s, GError **error)
{
  if (opt_sources == NULL)
    {
      s->flathub = s->appimage = s->snap = TRUE;
      return TRUE;
    }
  *s = (Sources){ FALSE, FALSE, FALSE };
  for (char **o = opt_sources; *o; o++)
    {
      g_auto (GStrv) names = g_strsplit (*o, ",", 0);
      for (char **n = names; *n; n++)
        {
          if (strcmp (*n, "flathub") == 0 || strcmp (*n, "flatpak") == 0)
            s->flathub = TRUE;
          else if (strcmp (*n, "appimage") == 0)
            s->appimage = TRUE;
          else if (strcmp (*n, "snap") == 0)
            s->snap = TRUE;
          else
            return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                                _ ("unknown source '%s'; use flathub, appimage or snap"), *n),
                   FALSE;
        }
    }
  return TRUE;
}

/* The configured Flatpak remotes (their index is named after them); with none, the
 * `flathub` remote that a refresh adds on first use. */
static GPtrArray *
flatpak_remotes (void)
{
  g_autofree char *dir = g_build_filename (wrappy_dirs_config (), "remotes", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.' && g_str_has_suffix (name, ".conf"))
      g_ptr_array_add (names, g_strndup (name, strlen (name) - strlen (".conf")));
  if (names->len == 0)
    g_ptr_array_add (names, g_strdup ("flathub"));
  return names;
}

/* Whether to refresh the index: none yet, or older than a day, unless the source did not
 * answer in the last hour (offline, each search would wait for it again). */
static gboolean
is_stale (const char *source, const char *origin)
{
  gint64 age = wrappy_catalog_age (source, origin);
  gint64 failed = wrappy_catalog_unreachable_age (source, origin);

  if (age < 0)
    return TRUE;
  return age > WRAPPY_CATALOG_MAX_AGE_SECONDS
         && (failed < 0 || failed > WRAPPY_CATALOG_RETRY_SECONDS);
}

static void
add_backend_argv (GPtrArray *argv, const char *command)
{
  g_ptr_array_add (argv, wrappy_backend_path ());
  if (wrappy_output_verbose ())
    g_ptr_array_add (argv, g_strdup ("--verbose"));
  if (wrappy_output_json ())
    g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, g_strdup (command));
}

/* In the refresh child: what it would print on stdout goes to stderr, so that stdout
 * holds only the results (--json). dup2 is async-signal-safe. */
static void
stdout_to_stderr (gpointer user_data)
{
  dup2 (STDERR_FILENO, STDOUT_FILENO);
}

/* Runs `wrappy-backend search-refresh` for the stale catalogs; it reports each source
 * that fails on stderr itself, and an old index (if any) is searched anyway. */
static void
refresh_catalogs (const Sources *s, GPtrArray *remotes)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  gboolean any = FALSE;
  int status = 0;

  add_backend_argv (argv, "search-refresh");
  if (opt_refresh)
    g_ptr_array_add (argv, g_strdup ("--force"));
  for (guint i = 0; s->flathub && i < remotes->len; i++)
    if (opt_refresh || is_stale ("flathub", remotes->pdata[i]))
      {
        g_ptr_array_add (argv, g_strdup_printf ("flathub:%s", (char *)remotes->pdata[i]));
        any = TRUE;
      }
  if (s->appimage && (opt_refresh || is_stale ("appimage", "appimagehub")))
    {
      g_ptr_array_add (argv, g_strdup ("appimage:appimagehub"));
      any = TRUE;
    }
  if (!any)
    return;
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                     stdout_to_stderr, NULL, NULL, NULL, &status, &error))
    g_printerr (_ ("warning: cannot refresh the catalogs: %s\n"), error->message);
}

/* Starts `wrappy-backend search-snap QUERY` with its stdout piped to us; -1 on failure. */
static GPid
start_snap_query (char **words, int *out_fd)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  GPid pid = -1;

  add_backend_argv (argv, "search-snap");
  g_ptr_array_add (argv, g_strdup ("--"));
  for (char **w = words; *w; w++)
    g_ptr_array_add (argv, g_strdup (*w));
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_async_with_pipes (NULL, (char **)argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                 NULL, &pid, NULL, out_fd, NULL, &error))
    {
      g_printerr (_ ("warning: cannot search the Snap Store: %s\n"), error->message);
      return -1;
    }
  return pid;
}

/* The Snap Store's answer: a serialized catalog, or NULL when the child said why not. */
static GBytes *
finish_snap_query (GPid pid, int fd)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  guint8 chunk[65536];
  ssize_t n;
  int status = 0;
  GBytes *v;

  while ((n = TEMP_FAILURE_RETRY (read (fd, chunk, sizeof chunk))) > 0
         && buf->len <= SNAP_REPLY_MAX)
    g_byte_array_append (buf, chunk, n);
  close (fd);
  if (TEMP_FAILURE_RETRY (waitpid (pid, &status, 0)) < 0 || !WIFEXITED (status)
      || WEXITSTATUS (status) != 0 || buf->len > SNAP_REPLY_MAX)
    return NULL;
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&buf));
  v = wrappy_catalog_from_bytes (bytes, &error);
  if (v == NULL)
    g_printerr (_ ("warning: Snap Store: %s\n"), error->message);
  return v;
}

/* Searches one cached index; FALSE when there is none to search. */
static gboolean
search_catalog (const char *source, const char *origin, const WrappyQuery *q, GPtrArray *hits)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) catalog = wrappy_catalog_load (source, origin, &error);

  if (catalog == NULL)
    {
      /* A missing index was reported by the refresh that could not make it. */
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_printerr (_ ("warning: skipping %s %s: %s; run 'wrappy search --refresh'\n"), source,
                    origin, error->message);
      return FALSE;
    }
  wrappy_catalog_match (catalog, source, origin, q, FALSE, hits);
  return TRUE;
}

/* The installed apps, as SOURCE:ID with ID what a catalog calls them. */
static GHashTable *
installed_set (void)
{
  g_autoptr (GPtrArray) apps = wrappy_manifest_list_installed (NULL);
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; apps != NULL && i < apps->len; i++)
    {
      WrappyManifest *m = apps->pdata[i];
      g_autofree char *catalog_name = NULL;
      const char *id = m->id;

      if (g_strcmp0 (m->source, "snap") == 0 && g_str_has_prefix (id, "io.snapcraft."))
        id += strlen ("io.snapcraft.");
      if (g_strcmp0 (m->source, "appimage") == 0 && m->keyfile != NULL)
        catalog_name = g_key_file_get_string (m->keyfile, "AppImage", "catalog-name", NULL);
      g_hash_table_add (set,
                        g_strdup_printf ("%s:%s", m->source, catalog_name ? catalog_name : id));
    }
  return set;
}

static void
mark_installed (GPtrArray *hits)
{
  g_autoptr (GHashTable) installed = installed_set ();

  for (guint i = 0; i < hits->len; i++)
    {
      WrappySearchHit *h = hits->pdata[i];
      g_autofree char *key = g_strdup_printf ("%s:%s", h->source, h->id);
      h->installed = g_hash_table_contains (installed, key);
    }
}

WRAPPY_BUILTIN (search)
{
  g_autoptr (GPtrArray) remotes = NULL;
  g_autoptr (GPtrArray) hits
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_search_hit_free);
  g_autoptr (WrappyQuery) q = NULL;
  g_autoptr (GBytes) snap = NULL;
  Sources s;
  GPid snap_pid = -1;
  int snap_fd = -1;
  guint searched = 0;

  if (!wrappy_parse_options (cmd, &argc, &argv, error) || !parse_sources (&s, error))
    return FALSE;
  if (argc < 2)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                        _ ("usage: wrappy search [--source=SOURCE] [--refresh] QUERY…")),
           FALSE;
  q = wrappy_query_new (argv + 1);
  if (q->terms[0] == NULL)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("the query is empty")), FALSE;

  if (s.snap)
    snap_pid = start_snap_query (argv + 1, &snap_fd);
  remotes = flatpak_remotes ();
  refresh_catalogs (&s, remotes);
  for (guint i = 0; s.flathub && i < remotes->len; i++)
    searched += search_catalog ("flathub", remotes->pdata[i], q, hits);
  if (s.appimage)
    searched += search_catalog ("appimage", "appimagehub", q, hits);
  if (snap_pid > 0 && (snap = finish_snap_query (snap_pid, snap_fd)) != NULL)
    {
      wrappy_catalog_match (snap, "snap", "snapcraft", q, TRUE, hits);
      searched++;
    }
  if (searched == 0)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK,
                        _ ("no source could be searched; check your network and 'wrappy "
                           "remote list', then try again")),
           FALSE;

  mark_installed (hits);
  wrappy_search_hits_sort (hits);
  if (wrappy_output_json ())
    wrappy_search_print_json (hits);
  else if (hits->len == 0)
    g_printerr (_ ("No apps match '%s'.\n"), q->text);
  else
    wrappy_search_print_table (hits);
  return TRUE;
}
