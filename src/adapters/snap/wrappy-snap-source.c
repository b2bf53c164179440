/* The Snap source's table (wrappy-source.h). Built twice: the `wrappy` front has only
 * the hooks of run and search (WRAPPY_SOURCE_BACKEND). */
#include "config.h"

#include <string.h>

#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-snap-launch.h"
#include "wrappy-source.h"
#ifndef WRAPPY_FRONTEND
#include "wrappy-snap-store.h"
#include "wrappy-snap-yaml.h"
#include "wrappy-snap.h"
#endif

static gboolean
snap_launch (WrappyLaunchSpec *spec, const WrappyManifest *m, const WrappyLaunchRequest *req,
             GError **error)
{
  return wrappy_snap_launch_setup (spec, m, req->command, req->app_args, req->home, error);
}

/* `wrappy run NAME` and `wrappy run NAME.APP`, as `snap run` takes them: the app
 * io.snapcraft.NAME, and for NAME.APP the command that picks APP (wrappy-snap-launch.h). */
static char *
snap_id_for_name (const char *name, char **command)
{
  g_autofree char *snap = NULL;
  const char *dot = strchr (name, '.');

  *command = NULL;
  snap = dot ? g_strndup (name, dot - name) : g_strdup (name);
  if (snap[0] == '\0' || !wrappy_validate_host_name (snap, NULL) || strchr (snap, '+') != NULL
      || (dot != NULL && (dot[1] == '\0' || strchr (dot + 1, '.') != NULL)))
    return NULL;
  if (dot != NULL)
    *command = g_strdup (name);
  return wrappy_snap_app_id (snap);
}

/* The store calls a snap by its name. */
static char *
snap_catalog_id (const WrappyManifest *m)
{
  g_autofree char *name
      = m->keyfile ? g_key_file_get_string (m->keyfile, "Snap", "name", NULL) : NULL;
  if (name == NULL && g_str_has_prefix (m->id, WRAPPY_SNAP_ID_PREFIX))
    name = g_strdup (m->id + strlen (WRAPPY_SNAP_ID_PREFIX));
  return g_steal_pointer (&name);
}

#ifndef WRAPPY_FRONTEND
static gboolean
snap_recognise_file (const char *file)
{
  g_autofree char *lower = g_ascii_strdown (file, -1);
  return g_str_has_suffix (lower, ".snap");
}

static WrappyManifest *
snap_install (WrappyStore *store, const WrappyInstallRequest *req, GCancellable *cancellable,
              GError **error)
{
  /* A path (or FILE.snap) is a local file, as with `snap install`. */
  if (strchr (req->what, '/') != NULL || snap_recognise_file (req->what))
    {
      if (req->track != NULL)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                       _ ("a local .snap file has no channel; leave out --channel"));
          return NULL;
        }
      return wrappy_snap_install_file (store, req->what, cancellable, error);
    }
  return wrappy_snap_install (store, req->what, req->track, cancellable, error);
}

/* A snap is found by its exact name in the store (snap names are lower case). */
static void
snap_find (WrappyStore *store, const char *what, GPtrArray *hits, GPtrArray *unreachable)
{
  g_autoptr (WrappySnapStoreInfo) info = NULL;
  g_autoptr (GError) error = NULL;

  if (!wrappy_snap_validate_name (what, NULL))
    return;
  info = wrappy_snap_store_lookup (what, NULL, &error);
  if (info == NULL)
    {
      if (!g_error_matches (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND))
        g_ptr_array_add (unreachable, g_strdup (error->message));
      return;
    }
  g_ptr_array_add (
      hits, wrappy_search_hit_new (info->name, NULL, NULL, info->version, "snap", "snapcraft"));
}

static WrappyManifest *
snap_install_file (WrappyStore *store, const char *file, GCancellable *cancellable, GError **error)
{
  return wrappy_snap_install_file (store, file, cancellable, error);
}
#endif

const WrappySource wrappy_source_snap = {
  .name = "snap",
  .order = 30,
  .install_option = "--from-snap",
  .title = N_ ("Snap Store"),
  .declared = WRAPPY_DECLARED_SNAP_PLUGS,
  .launch = snap_launch,
  .id_for_name = snap_id_for_name,
  .catalog_id = snap_catalog_id,
  .live_origin = "snapcraft",
  .recognise_file = WRAPPY_SOURCE_BACKEND (snap_recognise_file),
  .install_file = WRAPPY_SOURCE_BACKEND (snap_install_file),
  .find = WRAPPY_SOURCE_BACKEND (snap_find),
  .install = WRAPPY_SOURCE_BACKEND (snap_install),
  .prepare_update = WRAPPY_SOURCE_BACKEND (wrappy_snap_prepare_update),
  .search_live = WRAPPY_SOURCE_BACKEND (wrappy_snap_store_find),
  .launcher_dir = "meta/gui",
};
