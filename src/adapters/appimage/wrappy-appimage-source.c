/* The AppImage source's table (wrappy-source.h). Built twice: the `wrappy` front has only
 * the hooks of run and search (WRAPPY_SOURCE_BACKEND). */
#include "config.h"

#include <string.h>

#include "wrappy-appimage.h"
#include "wrappy-i18n.h"
#include "wrappy-source.h"
#ifndef WRAPPY_FRONTEND
#include "wrappy-appimage-feed.h"
#include "wrappy-download.h"
#include "wrappy-output.h"
#include "wrappy-id.h"
#endif

/* AppImages expect the directory they were started from in OWD. */
static gboolean
appimage_launch (WrappyLaunchSpec *spec, const WrappyManifest *m, const WrappyLaunchRequest *req,
                 GError **error)
{
  if (g_environ_getenv (spec->env, "OWD") == NULL)
    {
      g_autofree char *cwd = g_get_current_dir ();
      spec->env = g_environ_setenv (spec->env, "OWD", cwd, TRUE);
    }
  return TRUE;
}

/* The catalog item it was installed by (`install --from-appimage NAME`), if any. */
static char *
appimage_catalog_id (const WrappyManifest *m)
{
  return m->keyfile ? g_key_file_get_string (m->keyfile, WRAPPY_APPIMAGE_CATALOG_GROUP,
                                             WRAPPY_APPIMAGE_CATALOG_KEY, NULL)
                    : NULL;
}

static GPtrArray *
appimage_catalog_origins (void)
{
  GPtrArray *origins = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (origins, g_strdup ("appimagehub"));
  return origins;
}

#ifndef WRAPPY_FRONTEND
static gboolean
has_suffix_ci (const char *s, const char *suffix)
{
  g_autofree char *lower = g_ascii_strdown (s, -1);
  return g_str_has_suffix (lower, suffix);
}

static gboolean
appimage_recognise_file (const char *file)
{
  if (wrappy_is_url (file))
    return has_suffix_ci (file, ".appimage");
  return has_suffix_ci (file, ".appimage") || wrappy_appimage_looks_like (file);
}

static WrappyManifest *
appimage_install_file (WrappyStore *store, const char *file, GCancellable *cancellable,
                       GError **error)
{
  return wrappy_appimage_install (store, file, cancellable, error);
}

/* A file or URL, else (no such file, no path) a catalog item's name. */
static WrappyManifest *
appimage_install (WrappyStore *store, const WrappyInstallRequest *req, GCancellable *cancellable,
                  GError **error)
{
  const char *arg = req->what;

  if (wrappy_is_url (arg) || strchr (arg, '/') != NULL || has_suffix_ci (arg, ".appimage")
      || g_file_test (arg, G_FILE_TEST_EXISTS))
    return wrappy_appimage_install (store, arg, cancellable, error);
  return wrappy_appimage_install_by_name (store, arg, cancellable, error);
}

/* Whether updates must be signed by the same key (wrappy-appimage-sign.c). */
static void
appimage_describe (const WrappyManifest *m, GPtrArray *lines)
{
  g_autofree char *signer = m->keyfile
                                ? g_key_file_get_string (m->keyfile, WRAPPY_APPIMAGE_CATALOG_GROUP,
                                                         WRAPPY_APPIMAGE_SIGNER_KEY, NULL)
                                : NULL;
  g_autofree char *signed_by = signer ? g_strdup_printf (_ ("yes, by %s"), signer) : NULL;

  g_ptr_array_add (lines,
                   g_strdup_printf ("%s\t%s", _ ("Signed:"), signed_by ? signed_by : _ ("no")));
}

static gboolean
appimage_refresh_catalog (const char *origin, GError **error)
{
  wrappy_info (_ ("Updating the AppImage catalog…"));
  return wrappy_appimage_feed_refresh (TRUE, error);
}
#endif

const WrappySource wrappy_source_appimage = {
  .name = "appimage",
  .order = 20,
  .install_option = "--from-appimage",
  .title = N_ ("AppImage catalog"),
  .declared = WRAPPY_DECLARED_FLATPAK,
  .launch = appimage_launch,
  .catalog_id = appimage_catalog_id,
  .catalog_origins = appimage_catalog_origins,
  .recognise_file = WRAPPY_SOURCE_BACKEND (appimage_recognise_file),
  .install_file = WRAPPY_SOURCE_BACKEND (appimage_install_file),
  .find = WRAPPY_SOURCE_BACKEND (wrappy_appimage_feed_find),
  .install = WRAPPY_SOURCE_BACKEND (appimage_install),
  .prepare_update = WRAPPY_SOURCE_BACKEND (wrappy_appimage_prepare_update),
  .refresh_catalog = WRAPPY_SOURCE_BACKEND (appimage_refresh_catalog),
  .describe = WRAPPY_SOURCE_BACKEND (appimage_describe),
  .launcher_dir = ".",
};
