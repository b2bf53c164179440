#include "config.h"

#include <fcntl.h>
#include <stdio.h>

#include "wrappy-builtins.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"
#include "wrappy-store.h"

static gboolean opt_delete_data;

static GOptionEntry entries[] = {
  { "delete-data", 0, 0, G_OPTION_ARG_NONE, &opt_delete_data,
    N_ ("Also delete the app's private data and state"), NULL },
  { NULL },
};

WRAPPY_BUILTIN (uninstall)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (_ ("ID"));
  g_autoptr (WrappyStore) store = NULL;
  g_autoptr (WrappyManifest) m = NULL;
  const char *id;

  if (!wrappy_parse_options (ctx, entries, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("usage: wrappy uninstall ID [--delete-data]"));
      return FALSE;
    }
  id = argv[1];
  if (!wrappy_validate_app_id (id, error))
    return FALSE;
  store = wrappy_store_open (error);
  if (store == NULL || !wrappy_store_lock (store, error))
    return FALSE;
  m = wrappy_manifest_load (id, error);
  if (m == NULL)
    return FALSE;
  if (!wrappy_store_uninstall_app (store, m, NULL, error))
    return FALSE;

  if (opt_delete_data)
    {
      g_autofree char *state = wrappy_dirs_app_state (id);
      if (!wrappy_rm_rf_at (AT_FDCWD, state, error))
        return FALSE;
      wrappy_info (_ ("Uninstalled %s and deleted its data"), id);
    }
  else
    {
      g_autofree char *state = wrappy_dirs_app_state (id);
      if (g_file_test (state, G_FILE_TEST_IS_DIR))
        wrappy_info (_ ("Uninstalled %s; its data stays in %s (use --delete-data to remove it)"),
                     id, state);
      else
        wrappy_info (_ ("Uninstalled %s"), id);
    }
  return TRUE;
}
