/* The parts of `wrappy search` that need the network libraries, run by the search
 * command (builtin-search.c) in wrappy-backend child processes:
 *
 *   search-refresh [--force] SOURCE:ORIGIN…  rewrites those catalogs' indexes
 *   search-live SOURCE -- QUERY…              asks a source at query time (the Snap
 *                                             Store), prints its answer as a
 *                                             serialized catalog on stdout
 *
 * Each reports a source it cannot reach as one warning line and lets the search go on
 * with the others (issue 5). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-builtins.h"
#include "wrappy-catalog.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"
#include "wrappy-source.h"

static gboolean opt_force;

const GOptionEntry wrappy_search_refresh_options[] = {
  { "force", 0, 0, G_OPTION_ARG_NONE, &opt_force, N_ ("Refresh even fresh catalogs"), NULL },
  { NULL },
};

static gboolean
refresh_one (const char *spec, GError **error)
{
  const char *colon = strchr (spec, ':');
  g_autofree char *source = colon ? g_strndup (spec, colon - spec) : g_strdup (spec);
  const char *origin = colon ? colon + 1 : "";
  gint64 age = wrappy_catalog_age (source, origin);
  const WrappySource *src = wrappy_source_find (source);

  /* Another search may have refreshed it since ours looked. */
  if (!opt_force && age >= 0 && age <= WRAPPY_CATALOG_MAX_AGE_SECONDS)
    return TRUE;
  if (src != NULL && src->refresh_catalog != NULL)
    {
      gboolean ok = src->refresh_catalog (origin, error);
      wrappy_status_clear ();
      return ok;
    }
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("unknown catalog '%s'"), spec);
  return FALSE;
}

/* One line per source that failed: a source that does not answer is named, not quoted
 * (libcurl's or libostree's text is for --verbose); with an index to fall back on, said
 * at most once a day, unless --refresh asked for it. Anything else (bad data) is said as
 * it is. */
static void
report_failure (const char *source, const char *origin, GError *error)
{
  const WrappySource *src = wrappy_source_find (source);
  gint64 age = wrappy_catalog_age (source, origin);
  gboolean network = g_error_matches (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK);
  g_autofree char *what = NULL;

  g_strdelimit (error->message, "\r\n", ' ');
  wrappy_debug ("%s:%s: %s", source, origin, error->message);
  if (network)
    /* TRANSLATORS: "Flatpak remote 'flathub' cannot be reached" */
    what = g_strdup_printf (_ ("%s '%s' cannot be reached"), src ? _ (src->title) : source, origin);
  else
    what = g_strdup (error->message);
  if (age >= 0)
    {
      int days = (int)MIN (age / 86400, G_MAXINT);
      if (network && !wrappy_catalog_note_unreachable (source, origin) && !opt_force)
        return;
      g_printerr (ngettext ("warning: %s; searching the catalog from %d day ago\n",
                            "warning: %s; searching the catalog from %d days ago\n", days),
                  what, days);
    }
  else
    g_printerr (_ ("warning: %s; skipping it\n"), what);
}

WRAPPY_BUILTIN (search_refresh)
{

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) local_error = NULL;
      const char *colon = strchr (argv[i], ':');
      g_autofree char *source = colon ? g_strndup (argv[i], colon - argv[i]) : NULL;

      if (refresh_one (argv[i], &local_error))
        {
          if (source != NULL)
            wrappy_catalog_clear_unreachable (source, colon + 1);
          continue;
        }
      if (source != NULL)
        report_failure (source, colon + 1, local_error);
      else
        g_printerr (_ ("warning: %s; skipping it\n"), local_error->message);
      *exit_code = 1;
    }
  return TRUE;
}

WRAPPY_BUILTIN (search_live)
{
  const WrappySource *src;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autofree char *query = NULL;
  g_autoptr (GBytes) bytes = NULL;
  const guint8 *data;
  gsize len, done = 0;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  src = argc >= 2 ? wrappy_source_find (argv[1]) : NULL;
  if (src == NULL || src->search_live == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("usage: wrappy-backend search-live SOURCE -- QUERY…"));
      return FALSE;
    }
  query = g_strjoinv (" ", argv + 2);
  results = src->search_live (query, &local_error);
  if (results == NULL)
    {
      g_strdelimit (local_error->message, "\r\n", ' ');
      wrappy_debug ("%s: %s", src->name, local_error->message);
      if (g_error_matches (local_error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK))
        /* TRANSLATORS: "Snap Store" */
        g_printerr (_ ("warning: the %s cannot be reached; showing the other sources' results\n"),
                    _ (src->title));
      else
        g_printerr (_ ("warning: %s; showing the other sources' results\n"), local_error->message);
      *exit_code = 1;
      return TRUE;
    }
  bytes = wrappy_catalog_serialize (results);
  data = g_bytes_get_data (bytes, &len);
  while (done < len)
    {
      ssize_t n = TEMP_FAILURE_RETRY (write (STDOUT_FILENO, data + done, len - done));
      if (n <= 0)
        return wrappy_throw_errno (error, "write", "stdout");
      done += n;
    }
  return TRUE;
}
