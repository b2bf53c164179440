/* wrappy clean [--yes] ID…|--all: delete apps' per-app state ($XDG_STATE_HOME/wrappy/ID:
 * the private home and the writable layer). Installed apps stay installed; the next run
 * starts from an empty home. Asks first unless --yes; without a terminal to ask on it
 * refuses rather than guess. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-builtins.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"

static gboolean opt_all, opt_yes;

static GOptionEntry entries[] = {
  { "all", 0, 0, G_OPTION_ARG_NONE, &opt_all, N_ ("Clean every app's state"), NULL },
  { "yes", 'y', 0, G_OPTION_ARG_NONE, &opt_yes, N_ ("Do not ask for confirmation"), NULL },
  { NULL },
};

/* Every directory under the state root named like an app ID (anything else there is
 * not ours to delete). */
static GPtrArray *
all_app_ids (void)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) dir = g_dir_open (wrappy_dirs_state (), 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = wrappy_dirs_app_state (name);
      if (wrappy_validate_app_id (name, NULL) && g_file_test (path, G_FILE_TEST_IS_DIR)
          && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        g_ptr_array_add (ids, g_strdup (name));
    }
  g_ptr_array_sort (ids, (GCompareFunc)g_ascii_strcasecmp);
  return g_steal_pointer (&ids);
}

static gboolean
confirm (GPtrArray *ids, guint64 total, GError **error)
{
  g_autofree char *size = g_format_size (total);
  char answer[16] = "";

  if (opt_yes)
    return TRUE;
  if (!isatty (STDIN_FILENO))
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                           _ ("not deleting anything without confirmation; add --yes"));
      return FALSE;
    }
  for (guint i = 0; i < ids->len; i++)
    fprintf (stderr, "  %s\n", (char *)ids->pdata[i]);
  fprintf (stderr, _ ("Delete the data of these apps (%s)? [y/N] "), size);
  fflush (stderr);
  if (fgets (answer, sizeof answer, stdin) == NULL
      || (answer[0] != 'y' && answer[0] != 'Y'))
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, _ ("nothing deleted"));
      return FALSE;
    }
  return TRUE;
}

static void
print_json (GPtrArray *ids, const guint64 *sizes)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < ids->len; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, ids->pdata[i]);
      json_builder_set_member_name (b, "freed");
      json_builder_add_int_value (b, (gint64)sizes[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  wrappy_print_json (b);
}

WRAPPY_BUILTIN (clean)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (_ ("ID…|--all"));
  g_autoptr (GPtrArray) ids = NULL;
  g_autofree guint64 *sizes = NULL;
  guint64 total = 0;

  g_option_context_set_summary (ctx, _ ("Delete apps' private data and writable layers."));
  if (!wrappy_parse_options (ctx, entries, &argc, &argv, error))
    return FALSE;
  if (opt_all == (argc > 1))
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                           _ ("usage: wrappy clean [--yes] ID…|--all"));
      return FALSE;
    }
  if (opt_all)
    ids = all_app_ids ();
  else
    {
      ids = g_ptr_array_new_with_free_func (g_free);
      for (int i = 1; i < argc; i++)
        {
          g_autofree char *path = NULL;
          if (!wrappy_validate_app_id (argv[i], error))
            return FALSE;
          path = wrappy_dirs_app_state (argv[i]);
          if (g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
            g_ptr_array_add (ids, g_strdup (argv[i]));
          else
            wrappy_info (_ ("%s has no data to clean"), argv[i]);
        }
    }

  sizes = g_new0 (guint64, ids->len + 1);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = wrappy_dirs_app_state (ids->pdata[i]);
      sizes[i] = wrappy_disk_usage (path);
      total += sizes[i];
    }
  if (ids->len > 0 && !confirm (ids, total, error))
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = wrappy_dirs_app_state (ids->pdata[i]);
      g_autofree char *size = g_format_size (sizes[i]);
      /* Removed without following any symlink: the home belongs to the app, which may
       * have planted links to host files in it. */
      if (!wrappy_rm_rf_at (AT_FDCWD, path, error))
        return FALSE;
      wrappy_info (_ ("Deleted the data of %s (%s)"), (char *)ids->pdata[i], size);
    }
  if (wrappy_output_json ())
    print_json (ids, sizes);
  else if (opt_all && ids->len == 0)
    wrappy_info (_ ("No app data to clean"));
  return TRUE;
}
