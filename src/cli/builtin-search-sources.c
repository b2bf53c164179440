/* The parts of `wrappy search` that need the network libraries, run by the search
 * command (builtin-search.c) in wrappy-backend child processes:
 *
 *   search-refresh [--force] SOURCE:ORIGIN…  rewrites those catalogs' indexes
 *   search-snap -- QUERY…                     asks the Snap Store, prints its answer as
 *                                             a serialized catalog on stdout
 *
 * Each reports a source it cannot reach as one warning line and lets the search go on
 * with the others (issue 5). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-appimage-feed.h"
#include "wrappy-builtins.h"
#include "wrappy-catalog.h"
#include "wrappy-error.h"
#include "wrappy-flathub.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"
#include "wrappy-remote.h"
#include "wrappy-snap-store.h"

static gboolean opt_force;

const GOptionEntry wrappy_search_refresh_options[] = {
  { "force", 0, 0, G_OPTION_ARG_NONE, &opt_force, N_ ("Refresh even fresh catalogs"), NULL },
  { NULL },
};

/* "Updating …" while it takes, on a terminal only, erased once done (a log keeps only what
 * happened: a warning when it failed). */
static void
status (const char *text)
{
  if (!wrappy_output_json () && isatty (STDERR_FILENO)
      && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0)
    {
      fprintf (stderr, "\r%s\033[K", text);
      fflush (stderr);
    }
}

static void
status_done (void)
{
  if (!wrappy_output_json () && isatty (STDERR_FILENO)
      && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0)
    fputs ("\r\033[K", stderr);
}

static gboolean
refresh_flathub (const char *origin, GError **error)
{
  g_autoptr (WrappyStore) store = NULL;
  g_autoptr (WrappyRemote) remote = NULL;

  if (wrappy_remote_exists (origin))
    remote = wrappy_remote_load (origin, error);
  else if (strcmp (origin, "flathub") == 0)
    {
      /* No remote configured: Flathub is added to be searched, and that is said
       * (wrappy_remote_ensure_flathub); when it cannot be fetched nothing is added. */
      remote = wrappy_remote_ensure_flathub (error);
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
  {
    g_autofree char *text
        = g_strdup_printf (_ ("Updating the catalog of remote '%s'…"), remote->name);
    gboolean ok;
    status (text);
    ok = wrappy_flathub_appstream_refresh (store, remote, error);
    status_done ();
    return ok;
  }
}

static gboolean
refresh_one (const char *spec, GError **error)
{
  const char *colon = strchr (spec, ':');
  g_autofree char *source = colon ? g_strndup (spec, colon - spec) : g_strdup (spec);
  const char *origin = colon ? colon + 1 : "";
  gint64 age = wrappy_catalog_age (source, origin);

  /* Another search may have refreshed it since ours looked. */
  if (!opt_force && age >= 0 && age <= WRAPPY_CATALOG_MAX_AGE_SECONDS)
    return TRUE;
  if (strcmp (source, "flathub") == 0)
    return refresh_flathub (origin, error);
  if (strcmp (source, "appimage") == 0)
    {
      gboolean ok;
      status (_ ("Updating the AppImage catalog…"));
      ok = wrappy_appimage_feed_refresh (TRUE, error);
      status_done ();
      return ok;
    }
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("unknown catalog '%s'"), spec);
  return FALSE;
}

/* The source as the user knows it, for the one line about it. */
static char *
source_name (const char *source, const char *origin)
{
  if (strcmp (source, "flathub") == 0)
    return g_strdup_printf (_ ("remote '%s'"), origin);
  if (strcmp (source, "appimage") == 0)
    return g_strdup (_ ("the AppImage catalog"));
  return g_strdup_printf ("%s %s", source, origin);
}

/* One line per source that failed: a source that does not answer is named, not quoted
 * (libcurl's or libostree's text is for --verbose); with an index to fall back on, said
 * at most once a day. Anything else (bad data) is said as it is. */
static void
report_failure (const char *source, const char *origin, GError *error)
{
  g_autofree char *name = source_name (source, origin);
  gint64 age = wrappy_catalog_age (source, origin);
  gboolean network = g_error_matches (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK);
  g_autofree char *what = NULL;

  g_strdelimit (error->message, "\r\n", ' ');
  wrappy_debug ("%s: %s", name, error->message);
  if (network && strcmp (source, "flathub") == 0 && !wrappy_remote_exists (origin))
    what = g_strdup_printf (_ ("Flathub cannot be reached, so no remote '%s' was added"), origin);
  else if (network)
    /* TRANSLATORS: "remote 'flathub' cannot be reached" */
    what = g_strdup_printf (_ ("%s cannot be reached"), name);
  else
    what = g_strdup (error->message);
  if (age >= 0)
    {
      int days = (int)MIN (age / 86400, G_MAXINT);
      /* --refresh asked for this very catalog: always said. */
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

WRAPPY_BUILTIN (search_snap)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autofree char *query = NULL;
  g_autoptr (GBytes) bytes = NULL;
  const guint8 *data;
  gsize len, done = 0;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  query = g_strjoinv (" ", argv + 1);
  results = wrappy_snap_store_find (query, &local_error);
  if (results == NULL)
    {
      g_strdelimit (local_error->message, "\r\n", ' ');
      wrappy_debug ("Snap Store: %s", local_error->message);
      if (g_error_matches (local_error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK))
        g_printerr ("%s\n", _ ("warning: the Snap Store cannot be reached; showing the other "
                               "sources' results"));
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
