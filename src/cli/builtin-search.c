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
#include "wrappy-source.h"

/* What a live search's child may send back; 100 results are a few hundred KiB. */
#define LIVE_REPLY_MAX (16 * 1024 * 1024)

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

/* The sources to search: wanted[i] for wrappy_sources ()[i]. */
typedef struct
{
  gboolean wanted[32];
} Sources;

static gboolean
parse_sources (Sources *s, GError **error)
{
  const WrappySource *const *all = wrappy_sources ();

  for (guint i = 0; all[i] != NULL && i < G_N_ELEMENTS (s->wanted); i++)
    s->wanted[i] = opt_sources == NULL;
  for (char **o = opt_sources; o && *o; o++)
    {
      g_auto (GStrv) names = g_strsplit (*o, ",", 0);
      for (char **n = names; *n; n++)
        {
          const WrappySource *src = wrappy_source_find (*n);
          guint i;

          if (src == NULL)
            {
              g_autofree char *known = wrappy_source_names ();
              return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                                  _ ("unknown source '%s'; use %s"), *n, known),
                     FALSE;
            }
          for (i = 0; all[i] != src; i++)
            ;
          if (i < G_N_ELEMENTS (s->wanted))
            s->wanted[i] = TRUE;
        }
    }
  return TRUE;
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
refresh_catalogs (const Sources *s, GPtrArray **origins)
{
  const WrappySource *const *all = wrappy_sources ();
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  gboolean any = FALSE;
  int status = 0;

  add_backend_argv (argv, "search-refresh");
  if (opt_refresh)
    g_ptr_array_add (argv, g_strdup ("--force"));
  for (guint i = 0; all[i] != NULL; i++)
    for (guint j = 0; s->wanted[i] && origins[i] != NULL && j < origins[i]->len; j++)
      if (opt_refresh || is_stale (all[i]->name, origins[i]->pdata[j]))
        {
          g_ptr_array_add (argv,
                           g_strdup_printf ("%s:%s", all[i]->name, (char *)origins[i]->pdata[j]));
          any = TRUE;
        }
  if (!any)
    return;
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_CHILD_INHERITS_STDIN,
                     stdout_to_stderr, NULL, NULL, NULL, &status, &error))
    g_printerr (_ ("warning: cannot refresh the catalogs: %s\n"), error->message);
}

/* Starts `wrappy-backend search-live SOURCE -- QUERY` with its stdout piped to us; -1 on
 * failure. */
static GPid
start_live_query (const WrappySource *src, char **words, int *out_fd)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  GPid pid = -1;

  add_backend_argv (argv, "search-live");
  g_ptr_array_add (argv, g_strdup (src->name));
  g_ptr_array_add (argv, g_strdup ("--"));
  for (char **w = words; *w; w++)
    g_ptr_array_add (argv, g_strdup (*w));
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_async_with_pipes (NULL, (char **)argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                 NULL, &pid, NULL, out_fd, NULL, &error))
    {
      g_printerr (_ ("warning: %s cannot be searched: %s\n"), _ (src->title), error->message);
      return -1;
    }
  return pid;
}

/* The source's answer: a serialized catalog, or NULL when the child said why not. */
static GBytes *
finish_live_query (const WrappySource *src, GPid pid, int fd)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  guint8 chunk[65536];
  ssize_t n;
  int status = 0;
  GBytes *v;

  while ((n = TEMP_FAILURE_RETRY (read (fd, chunk, sizeof chunk))) > 0
         && buf->len <= LIVE_REPLY_MAX)
    g_byte_array_append (buf, chunk, n);
  close (fd);
  if (TEMP_FAILURE_RETRY (waitpid (pid, &status, 0)) < 0 || !WIFEXITED (status)
      || WEXITSTATUS (status) != 0 || buf->len > LIVE_REPLY_MAX)
    return NULL;
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&buf));
  v = wrappy_catalog_from_bytes (bytes, &error);
  if (v == NULL)
    g_printerr (_ ("warning: %s: %s\n"), _ (src->title), error->message);
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
      const WrappySource *src = wrappy_source_of (m);
      g_autofree char *catalog_id = src && src->catalog_id ? src->catalog_id (m) : NULL;

      g_hash_table_add (set, g_strdup_printf ("%s:%s", m->source, catalog_id ? catalog_id : m->id));
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
  const WrappySource *const *all = wrappy_sources ();
  GPtrArray *origins[G_N_ELEMENTS (((Sources *)NULL)->wanted)] = { NULL };
  GPid live_pid[G_N_ELEMENTS (origins)];
  int live_fd[G_N_ELEMENTS (origins)];
  g_autoptr (GPtrArray) hits
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_search_hit_free);
  g_autoptr (WrappyQuery) q = NULL;
  Sources s;
  guint searched = 0, n = 0;

  if (!wrappy_parse_options (cmd, &argc, &argv, error) || !parse_sources (&s, error))
    return FALSE;
  if (argc < 2)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                        _ ("usage: wrappy search [--source=SOURCE] [--refresh] QUERY…")),
           FALSE;
  q = wrappy_query_new (argv + 1);
  if (q->terms[0] == NULL)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("the query is empty")), FALSE;

  /* The sources asked at query time run while the cached catalogs are searched. */
  for (n = 0; all[n] != NULL && n < G_N_ELEMENTS (origins); n++)
    {
      live_pid[n] = -1;
      if (s.wanted[n] && all[n]->live_origin != NULL)
        live_pid[n] = start_live_query (all[n], argv + 1, &live_fd[n]);
      if (s.wanted[n] && all[n]->catalog_origins != NULL)
        origins[n] = all[n]->catalog_origins ();
    }
  refresh_catalogs (&s, origins);
  for (guint i = 0; i < n; i++)
    for (guint j = 0; origins[i] != NULL && j < origins[i]->len; j++)
      searched += search_catalog (all[i]->name, origins[i]->pdata[j], q, hits);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GBytes) live = NULL;
      if (live_pid[i] > 0 && (live = finish_live_query (all[i], live_pid[i], live_fd[i])) != NULL)
        {
          wrappy_catalog_match (live, all[i]->name, all[i]->live_origin, q, TRUE, hits);
          searched++;
        }
      g_clear_pointer (&origins[i], g_ptr_array_unref);
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
