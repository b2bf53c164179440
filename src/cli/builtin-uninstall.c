#include "config.h"

#include <fcntl.h>
#include <stdio.h>

#include "wrappy-builtins.h"
#include "wrappy-cli-common.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"
#include "wrappy-store.h"

static gboolean opt_delete_data, opt_yes;

const GOptionEntry wrappy_uninstall_options[] = {
  { "delete-data", 0, 0, G_OPTION_ARG_NONE, &opt_delete_data,
    N_ ("Also delete the app's private data and state"), NULL },
  { "yes", 'y', 0, G_OPTION_ARG_NONE, &opt_yes,
    N_ ("Also remove the runtimes and extensions no app uses any more, without asking"), NULL },
  { NULL },
};

/* What the uninstall left unused (the runtime and extensions only this app used) goes
 * only when the user agrees: reinstalling would download it again. */
static void
offer_gc (WrappyStore *store)
{
  g_auto (WrappyGcResult) dry = { 0 };
  g_auto (WrappyGcResult) r = { 0 };
  g_autoptr (GError) local_error = NULL;
  g_autofree char *size = NULL;
  g_autofree char *question = NULL;

  if (opt_yes)
    {
      if (!wrappy_gc (store, WRAPPY_GC_NONE, &r, NULL, &local_error))
        g_printerr (_ ("warning: %s\n"), local_error->message);
      else if (r.removed->len > 0)
        wrappy_cli_report_gc (&r);
      return;
    }
  if (!wrappy_gc (store, WRAPPY_GC_DRY_RUN, &dry, NULL, &local_error))
    {
      wrappy_debug ("gc: %s", local_error->message);
      return;
    }
  if (dry.removed->len == 0)
    return;
  size = g_format_size (dry.freed);
  question = g_strdup_printf (ngettext ("%u layer that no app uses any more can go, freeing %s. "
                                        "Remove it?",
                                        "%u layers that no app uses any more can go, freeing %s. "
                                        "Remove them?",
                                        dry.removed->len),
                              dry.removed->len, size);
  if (!wrappy_cli_ask (question))
    {
      wrappy_info (_ ("Run 'wrappy gc' to free %s that no app uses any more"), size);
      return;
    }
  if (!wrappy_gc (store, WRAPPY_GC_NONE, &r, NULL, &local_error))
    g_printerr (_ ("warning: %s\n"), local_error->message);
  else
    wrappy_cli_report_gc (&r);
}

WRAPPY_BUILTIN (uninstall)
{
  g_autoptr (WrappyStore) store = NULL;
  g_autoptr (WrappyManifest) m = NULL;
  const char *id;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("usage: wrappy uninstall ID [--delete-data] [--yes]"));
      return FALSE;
    }
  id = argv[1];
  if (!wrappy_validate_app_id (id, error))
    {
      wrappy_manifest_suggest_id (id, error);
      return FALSE;
    }
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
  offer_gc (store);
  return TRUE;
}
