#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-builtins.h"
#include "wrappy-cli-common.h"
#include "wrappy-catalog.h"
#include "wrappy-error.h"
#include "wrappy-download.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"
#include "wrappy-source.h"

static char *opt_from_flathub, *opt_remote, *opt_from_appimage;
static char *opt_from_snap, *opt_channel;

const GOptionEntry wrappy_install_options[] = {
  { "from-flathub", 0, 0, G_OPTION_ARG_STRING, &opt_from_flathub,
    N_ ("Install the Flatpak app ID (optionally ID//BRANCH)"), N_ ("ID") },
  { "from-appimage", 0, 0, G_OPTION_ARG_STRING, &opt_from_appimage,
    N_ ("Install the AppImage FILE or URL, or NAME from the AppImage catalog"),
    N_ ("FILE|URL|NAME") },
  { "remote", 0, 0, G_OPTION_ARG_STRING, &opt_remote,
    N_ ("Install from this remote (default: each configured remote that has the app)"),
    N_ ("NAME") },
  { "from-snap", 0, 0, G_OPTION_ARG_STRING, &opt_from_snap,
    N_ ("Install the snap NAME from the Snap Store, or a local FILE.snap"), N_ ("NAME|FILE") },
  { "channel", 0, 0, G_OPTION_ARG_STRING, &opt_channel, N_ ("Snap channel (default latest/stable)"),
    N_ ("CHANNEL") },
  { NULL },
};

/* `install FILE`: the source that recognises it. */
static WrappyManifest *
install_file (WrappyStore *store, const char *path, GError **error)
{
  const WrappySource *const *sources = wrappy_sources ();

  if (!wrappy_is_url (path) && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND, _ ("%s: no such file"), path);
      return NULL;
    }
  for (const WrappySource *const *s = sources; *s != NULL; s++)
    if ((*s)->recognise_file != NULL && (*s)->recognise_file (path))
      return (*s)->install_file (store, path, NULL, error);
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
               _ ("%s: unknown file type; wrappy installs .flatpakref, .flatpak, AppImage and "
                  ".snap files"),
               path);
  return NULL;
}

/* What names hit's origin, as "Flatpak remote 'test'". */
static char *
hit_where (const WrappySearchHit *hit, const WrappySource *src)
{
  return g_strdup_printf (_ ("%s '%s'"), _ (src->title), hit->origin);
}

/* The command that installs exactly hit. */
static char *
hit_command (const WrappySearchHit *hit, const WrappySource *src)
{
  if (src->origin_option != NULL)
    return g_strdup_printf ("wrappy install %s %s %s %s", src->install_option, hit->id,
                            src->origin_option, hit->origin);
  return g_strdup_printf ("wrappy install %s %s", src->install_option, hit->id);
}

/* Several apps match: lists them (on stderr, as the question) and, on a terminal, asks
 * which one (flatpak install asks the same way when several remotes have the ref);
 * without one, fails with the list, each with the command that installs it. */
static const WrappySearchHit *
choose (const char *what, GPtrArray *hits, GError **error)
{
  char answer[32] = "";
  char *end = NULL;
  guint64 n;

  g_printerr (_ ("'%s' names %u apps:\n"), what, hits->len);
  for (guint i = 0; i < hits->len; i++)
    {
      const WrappySearchHit *h = hits->pdata[i];
      const WrappySource *src = wrappy_source_find (h->source);
      g_autofree char *where = hit_where (h, src);
      g_autofree char *command = hit_command (h, src);

      g_printerr ("  %u  %-28s %-32s %s\n", i + 1, h->id, where, command);
    }
  if (!isatty (STDIN_FILENO) || !isatty (STDERR_FILENO))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                   _ ("'%s' names %u apps (listed above); install one with the command "
                      "shown beside it"),
                   what, hits->len);
      return NULL;
    }
  g_printerr (_ ("Install which one? [1-%u, Enter to cancel] "), hits->len);
  if (fgets (answer, sizeof answer, stdin) == NULL || answer[0] == '\n' || answer[0] == '\0')
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                   _ ("cancelled; nothing was installed"));
      return NULL;
    }
  g_strstrip (answer);
  n = g_ascii_strtoull (answer, &end, 10);
  if (end == answer || *end != '\0' || n < 1 || n > hits->len)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("'%s' is not a number from 1 to %u; nothing was installed"), answer,
                   hits->len);
      return NULL;
    }
  return hits->pdata[n - 1];
}

/* `install NAME|ID`: every source is asked (each configured remote, the AppImage
 * catalog, the Snap Store); one match is installed, several are a question. A source that
 * cannot be asked is one warning line, and the others still answer. */
static WrappyManifest *
install_by_name (WrappyStore *store, const char *what, GError **error)
{
  g_autoptr (GPtrArray) hits
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_search_hit_free);
  g_autoptr (GPtrArray) unreachable = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *where = NULL;
  const WrappySearchHit *hit;
  const WrappySource *src;

  for (const WrappySource *const *s = wrappy_sources (); *s != NULL; s++)
    if ((*s)->find != NULL)
      (*s)->find (store, what, hits, unreachable);
  for (guint i = 0; i < unreachable->len; i++)
    g_printerr (_ ("warning: %s\n"), (char *)unreachable->pdata[i]);
  if (hits->len == 0)
    {
      g_autofree char *names = wrappy_source_names ();
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   unreachable->len > 0
                       ? _ ("no app called '%s' in the sources that answered (%s); a FILE to "
                            "install must exist")
                       : _ ("no app called '%s' in any source (%s); a FILE to install must "
                            "exist"),
                   what, names);
      return NULL;
    }
  hit = hits->len == 1 ? hits->pdata[0] : choose (what, hits, error);
  if (hit == NULL)
    return NULL;
  src = wrappy_source_find (hit->source);
  where = hit_where (hit, src);
  wrappy_info (_ ("Found %s in %s"), hit->id, where);
  {
    WrappyInstallRequest req = { hit->id, hit->origin, NULL };
    return src->install (store, &req, NULL, error);
  }
}

/* An operand that is a file (or a URL, or a path, or named like a package file) rather
 * than an app's name or ID. */
static gboolean
names_a_file (const char *arg)
{
  if (wrappy_is_url (arg) || strchr (arg, '/') != NULL || g_file_test (arg, G_FILE_TEST_EXISTS))
    return TRUE;
  for (const WrappySource *const *s = wrappy_sources (); *s != NULL; s++)
    if ((*s)->recognise_file != NULL && (*s)->recognise_file (arg))
      return TRUE;
  return FALSE;
}

/* --from-SOURCE WHAT: that source's install. */
static WrappyManifest *
install_from (WrappyStore *store, const char *source, const WrappyInstallRequest *req,
              GError **error)
{
  const WrappySource *src = wrappy_source_find (source);

  g_assert (src != NULL && src->install != NULL);
  return src->install (store, req, NULL, error);
}

static void
report_installed (WrappyManifest *m)
{
  if (wrappy_output_json ())
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      wrappy_cli_add_app_json (b, m, TRUE);
      wrappy_print_json (b);
      return;
    }
  printf (_ ("Installed %s%s%s from %s\n"), m->id, m->version ? " " : "",
          m->version ? m->version : "", m->origin);
  printf (_ ("Run it with: wrappy run %s\n"), m->id);
}

WRAPPY_BUILTIN (install)
{
  g_autoptr (WrappyStore) store = NULL;
  g_autoptr (WrappyManifest) m = NULL;
  g_autofree char *id = NULL;
  g_autofree char *branch = NULL;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (opt_from_snap != NULL || opt_channel != NULL)
    {
      WrappyInstallRequest req = { opt_from_snap, NULL, opt_channel };

      if (opt_from_snap == NULL || opt_from_flathub != NULL || opt_from_appimage != NULL
          || argc != 1)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                       _ ("usage: wrappy install --from-snap NAME [--channel CH], or wrappy "
                          "install --from-snap FILE.snap"));
          return FALSE;
        }
      store = wrappy_store_open (error);
      if (store == NULL || !wrappy_store_lock (store, error))
        return FALSE;
      m = install_from (store, "snap", &req, error);
      if (m == NULL)
        return FALSE;
      report_installed (m);
      return TRUE;
    }
  if ((opt_from_flathub != NULL) + (opt_from_appimage != NULL) + (argc == 2) != 1 || argc > 2)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("usage: wrappy install --from-flathub ID[//BRANCH] [--remote NAME], "
                      "wrappy install --from-appimage FILE|URL|NAME, or wrappy install "
                      "FILE|NAME|ID"));
      return FALSE;
    }
  if (opt_from_flathub != NULL && !wrappy_parse_app_spec (opt_from_flathub, &id, &branch, error))
    return FALSE;

  store = wrappy_store_open (error);
  if (store == NULL || !wrappy_store_lock (store, error))
    return FALSE;
  if (id != NULL)
    {
      WrappyInstallRequest req = { id, opt_remote, branch };
      m = install_from (store, "flathub", &req, error);
    }
  else if (opt_from_appimage != NULL)
    {
      WrappyInstallRequest req = { opt_from_appimage, NULL, NULL };
      m = install_from (store, "appimage", &req, error);
    }
  else if (names_a_file (argv[1]))
    m = install_file (store, argv[1], error);
  else
    m = install_by_name (store, argv[1], error);
  if (m == NULL)
    return FALSE;
  report_installed (m);
  return TRUE;
}
