/* The shared last steps of the AppImage and Snap adapters (wrappy-adapter.h). */
#include "config.h"

#include <fcntl.h>

#include "wrappy-adapter.h"
#include "wrappy-export.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"

gboolean
wrappy_adapter_export_and_save (WrappyManifest *m, const char *stage, GError **error)
{
  g_autofree char *wrappy_path = wrappy_export_front_path ();
  g_autoptr (GError) export_error = NULL;

  if (!wrappy_export_app (m->id, stage, wrappy_path, NULL, &export_error))
    g_printerr (_ ("warning: %s is being installed, but its launchers were not exported: %s\n"),
                m->id, export_error->message);
  if (wrappy_manifest_save (m, error))
    return TRUE;
  wrappy_export_remove (m->id, NULL);
  return FALSE;
}

gboolean
wrappy_adapter_take_update (WrappyUpdate *u, WrappyManifest *updated, char *stage)
{
  if (updated == NULL)
    {
      wrappy_rm_rf_at (AT_FDCWD, stage, NULL);
      g_free (stage);
      return FALSE;
    }
  /* The level the user chose for the app is not the package's to change. */
  g_free (updated->isolation);
  updated->isolation = g_strdup (u->current->isolation);
  u->updated = updated;
  u->export_dir = stage;
  u->export_dir_is_temp = TRUE;
  return TRUE;
}
