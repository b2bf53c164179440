/* The last step of every Flatpak install (remote, .flatpakref or bundle): layers, then
 * the desktop exports, then the manifest. The manifest building is shared with update. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "wrappy-appdata.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-export.h"
#include "wrappy-flathub-private.h"
#include "wrappy-flathub.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"

gboolean
wrappy_flathub_check_not_installed (const char *app_id, GError **error)
{
  if (!wrappy_manifest_is_installed (app_id))
    return TRUE;
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_ALREADY_INSTALLED,
               _ ("%s is already installed; run it with 'wrappy run %s', or remove it first "
                  "with 'wrappy uninstall %s'"),
               app_id, app_id, app_id);
  return FALSE;
}

static void
fill_from_metadata (WrappyManifest *m, WrappyFlatpakMetadata *md)
{
  m->command = g_strdup (md->command);
  m->shared = g_strdupv (md->shared);
  m->sockets = g_strdupv (md->sockets);
  m->devices = g_strdupv (md->devices);
  m->filesystems = g_strdupv (md->filesystems);
  m->features = g_strdupv (md->features);
  m->persistent = g_strdupv (md->persistent);
  m->env = g_strdupv (md->env);
  m->session_bus = g_strdupv (md->session_bus);
  m->system_bus = g_strdupv (md->system_bus);
}

char *
wrappy_flathub_app_files (WrappyStore *store, WrappyManifest *m)
{
  WrappyManifestLayer *app = wrappy_manifest_get_layer (m, "app");
  return app ? g_build_filename (store->path, app->path, NULL) : NULL;
}

WrappyManifest *
wrappy_flathub_build_manifest (WrappyStore *store, WrappyFlatpakMetadata *md, const char *origin,
                               GPtrArray *items, GCancellable *cancellable, GError **error)
{
  g_autoptr (WrappyManifest) m = wrappy_manifest_new (md->name);
  g_autofree char *app_files = NULL;

  for (guint i = 0; i < items->len; i++)
    {
      WrappyInstallItem *item = items->pdata[i];
      g_autofree char *path
          = wrappy_store_checkout_layer (store, item->ref, item->commit, cancellable, error);
      if (path == NULL)
        return NULL;
      wrappy_manifest_add_layer (m, item->kind, item->name, item->ref, item->commit, path,
                                 item->mount);
      if (strcmp (item->kind, "app") == 0)
        wrappy_parse_ref (item->ref, NULL, NULL, NULL, &m->branch, NULL);
    }
  app_files = wrappy_flathub_app_files (store, m);
  if (app_files == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "no app layer");
      return NULL;
    }

  m->source = g_strdup ("flathub");
  m->origin = g_strdup (origin);
  fill_from_metadata (m, md);
  wrappy_appdata_load (app_files, md->name, &m->name, &m->summary, &m->version);
  if (m->name == NULL)
    m->name = g_strdup (strrchr (md->name, '.') + 1);
  m->installed_size = wrappy_disk_usage (app_files);
  return g_steal_pointer (&m);
}

WrappyManifest *
wrappy_flathub_finish_install (WrappyStore *store, WrappyFlatpakMetadata *md, const char *origin,
                               GPtrArray *items, GCancellable *cancellable, GError **error)
{
  g_autoptr (WrappyManifest) m = NULL;
  g_autofree char *app_files = NULL;
  g_autofree char *wrappy_path = NULL;
  g_autoptr (GError) export_error = NULL;

  m = wrappy_flathub_build_manifest (store, md, origin, items, cancellable, error);
  if (m == NULL)
    return NULL;
  app_files = wrappy_flathub_app_files (store, m);

  /* Launchers before the manifest: recovery removes the launchers of apps that have no
   * manifest, so a crash in between leaves nothing behind, while an installed app is
   * never without its launchers. */
  wrappy_path = wrappy_export_front_path ();
  if (!wrappy_export_app (md->name, app_files, wrappy_path, NULL, &export_error))
    g_printerr (_ ("warning: %s was installed, but its launchers were not exported: %s\n"),
                md->name, export_error->message);

  /* Layers reach the disk before the manifest that points at them. */
  wrappy_store_sync (store);
  if (!wrappy_manifest_save (m, error))
    {
      (void)wrappy_export_remove (md->name, NULL);
      return NULL;
    }
  return g_steal_pointer (&m);
}
