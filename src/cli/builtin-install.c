#include "config.h"

#include <stdio.h>
#include <string.h>

#include "wrappy-builtins.h"
#include "wrappy-cli-common.h"
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
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   _ ("%s: no such file (to install from Flathub use --from-flathub ID)"), path);
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
                      "wrappy install --from-appimage FILE|URL|NAME, or wrappy install FILE"));
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
  else
    m = install_file (store, argv[1], error);
  if (m == NULL)
    return FALSE;
  report_installed (m);
  return TRUE;
}
