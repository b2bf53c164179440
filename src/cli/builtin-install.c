#include "config.h"

#include <stdio.h>
#include <string.h>

#include "wrappy-builtins.h"
#include "wrappy-cli-common.h"
#include "wrappy-error.h"
#include "wrappy-appimage.h"
#include "wrappy-appimage-feed.h"
#include "wrappy-download.h"
#include "wrappy-flathub.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"
#include "wrappy-snap.h"

static char *opt_from_flathub, *opt_remote, *opt_from_appimage;
static char *opt_from_snap, *opt_channel;

const GOptionEntry wrappy_install_options[] = {
  { "from-flathub", 0, 0, G_OPTION_ARG_STRING, &opt_from_flathub,
    N_ ("Install the Flatpak app ID (optionally ID//BRANCH)"), N_ ("ID") },
  { "from-appimage", 0, 0, G_OPTION_ARG_STRING, &opt_from_appimage,
    N_ ("Install the AppImage FILE or URL, or NAME from the AppImage catalog"),
    N_ ("FILE|URL|NAME") },
  { "remote", 0, 0, G_OPTION_ARG_STRING, &opt_remote,
    N_ ("Install from this remote instead of flathub"), N_ ("NAME") },
  { "from-snap", 0, 0, G_OPTION_ARG_STRING, &opt_from_snap,
    N_ ("Install the snap NAME from the Snap Store, or a local FILE.snap"), N_ ("NAME|FILE") },
  { "channel", 0, 0, G_OPTION_ARG_STRING, &opt_channel, N_ ("Snap channel (default latest/stable)"),
    N_ ("CHANNEL") },
  { NULL },
};

static gboolean
has_suffix_ci (const char *s, const char *suffix)
{
  g_autofree char *lower = g_ascii_strdown (s, -1);
  return g_str_has_suffix (lower, suffix);
}

static WrappyManifest *
install_file (WrappyStore *store, const char *path, GError **error)
{
  if (wrappy_is_url (path) && has_suffix_ci (path, ".appimage"))
    return wrappy_appimage_install (store, path, NULL, error);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   _ ("%s: no such file (to install from Flathub use --from-flathub ID)"), path);
      return NULL;
    }
  if (has_suffix_ci (path, ".flatpakref"))
    return wrappy_flathub_install_flatpakref (store, path, NULL, error);
  if (has_suffix_ci (path, ".flatpak"))
    return wrappy_flathub_install_bundle (store, path, NULL, error);
  if (has_suffix_ci (path, ".appimage") || wrappy_appimage_looks_like (path))
    return wrappy_appimage_install (store, path, NULL, error);
  if (has_suffix_ci (path, ".snap"))
    return wrappy_snap_install_file (store, path, NULL, error);
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
               _ ("%s: unknown file type; wrappy installs .flatpakref, .flatpak, AppImage and "
                  ".snap files"),
               path);
  return NULL;
}

/* --from-appimage: a file or URL, else (no such file, no path) a catalog item's name. */
static WrappyManifest *
install_appimage (WrappyStore *store, const char *arg, GError **error)
{
  if (wrappy_is_url (arg) || strchr (arg, '/') != NULL || has_suffix_ci (arg, ".appimage")
      || g_file_test (arg, G_FILE_TEST_EXISTS))
    return wrappy_appimage_install (store, arg, NULL, error);
  return wrappy_appimage_install_by_name (store, arg, NULL, error);
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
      /* A path (or FILE.snap) is a local file, as with `snap install`. */
      gboolean file
          = opt_from_snap != NULL
            && (strchr (opt_from_snap, '/') != NULL || has_suffix_ci (opt_from_snap, ".snap"));

      if (opt_from_snap == NULL || opt_from_flathub != NULL || opt_from_appimage != NULL
          || argc != 1 || (file && opt_channel != NULL))
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                       _ ("usage: wrappy install --from-snap NAME [--channel CH], or wrappy "
                          "install --from-snap FILE.snap"));
          return FALSE;
        }
      store = wrappy_store_open (error);
      if (store == NULL || !wrappy_store_lock (store, error))
        return FALSE;
      m = file ? wrappy_snap_install_file (store, opt_from_snap, NULL, error)
               : wrappy_snap_install (store, opt_from_snap, opt_channel, NULL, error);
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
    m = wrappy_flathub_install (store, opt_remote, id, branch, NULL, error);
  else if (opt_from_appimage != NULL)
    m = install_appimage (store, opt_from_appimage, error);
  else
    m = install_file (store, argv[1], error);
  if (m == NULL)
    return FALSE;
  report_installed (m);
  return TRUE;
}
