/* wrappy clean [--yes] ID…|--host NAME…|--all: delete apps' per-app state
 * ($XDG_STATE_HOME/wrappy/ID: the private home and the writable layer), or host
 * programs' (`run --host`: $XDG_STATE_HOME/wrappy/host/NAME, id "host/NAME"). Installed
 * apps stay installed; the next run starts from an empty home. An app's snapshots/
 * stay, so that a clean can be rolled back (docs/snapshots.md). Asks first unless --yes;
 * without a terminal to ask on it refuses rather than guess. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-builtins.h"
#include "wrappy-cli-common.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"

static gboolean opt_all, opt_yes, opt_host;

const GOptionEntry wrappy_clean_options[] = {
  { "all", 0, 0, G_OPTION_ARG_NONE, &opt_all, N_ ("Clean every app's state"), NULL },
  { "yes", 'y', 0, G_OPTION_ARG_NONE, &opt_yes, N_ ("Do not ask for confirmation"), NULL },
  { "host", 0, 0, G_OPTION_ARG_NONE, &opt_host,
    N_ ("The arguments name host programs' state (run --host), not apps"), NULL },
  { NULL },
};

static gboolean
is_real_dir (const char *path)
{
  return g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK);
}

/* Every directory under the state root named like an app ID, and under its host/ like
 * a host program's state (anything else there is not ours to delete). */
static GPtrArray *
all_app_ids (void)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) dir = g_dir_open (wrappy_dirs_state (), 0, NULL);
  g_autofree char *host_root = wrappy_dirs_app_state (WRAPPY_HOST_STATE_DIR);
  g_autoptr (GDir) host_dir = is_real_dir (host_root) ? g_dir_open (host_root, 0, NULL) : NULL;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = wrappy_dirs_app_state (name);
      if (wrappy_validate_app_id (name, NULL) && is_real_dir (path))
        g_ptr_array_add (ids, g_strdup (name));
    }
  while (host_dir != NULL && (name = g_dir_read_name (host_dir)) != NULL)
    {
      g_autofree char *id = g_build_filename (WRAPPY_HOST_STATE_DIR, name, NULL);
      g_autofree char *path = wrappy_dirs_app_state (id);
      if (wrappy_validate_host_name (name, NULL) && is_real_dir (path))
        g_ptr_array_add (ids, g_steal_pointer (&id));
    }
  g_ptr_array_sort (ids, (GCompareFunc)g_ascii_strcasecmp);
  return g_steal_pointer (&ids);
}

/* An argument as a state id: an app ID, a host program's NAME with --host, or its
 * "host/NAME" id as clean and `clean --json` print it. */
static char *
state_id_for (const char *arg, GError **error)
{
  const char *name = opt_host ? arg : NULL;
  g_autofree char *host_root = NULL;

  if (name == NULL && g_str_has_prefix (arg, WRAPPY_HOST_STATE_DIR "/"))
    name = arg + strlen (WRAPPY_HOST_STATE_DIR "/");
  if (name == NULL)
    return wrappy_validate_app_id (arg, error) ? g_strdup (arg) : NULL;
  if (!wrappy_validate_host_name (name, error))
    return NULL;
  /* rm -rf does not follow links below the path it is given, but would through it. */
  host_root = wrappy_dirs_app_state (WRAPPY_HOST_STATE_DIR);
  if (g_file_test (host_root, G_FILE_TEST_IS_SYMLINK))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                   _ ("%s is a symbolic link; not deleting through it"), host_root);
      return NULL;
    }
  return g_build_filename (WRAPPY_HOST_STATE_DIR, name, NULL);
}

/* Bytes the state takes, its snapshots left out: they stay. */
static guint64
state_usage (const char *path)
{
  g_autofree char *snapshots = g_build_filename (path, "snapshots", NULL);
  guint64 all = wrappy_disk_usage (path);
  guint64 kept = is_real_dir (snapshots) ? wrappy_disk_usage (snapshots) : 0;

  return all > kept ? all - kept : 0;
}

/* Removes the state dir, or everything in it but snapshots/ when it has some. */
static gboolean
remove_state (const char *path, GError **error)
{
  g_autofree char *snapshots = g_build_filename (path, "snapshots", NULL);
  int fd;
  DIR *d;
  struct dirent *de;
  gboolean ok = TRUE;

  if (!is_real_dir (snapshots))
    return wrappy_rm_rf_at (AT_FDCWD, path, error);
  fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return wrappy_throw_errno (error, "open", path);
    }
  while (ok && (de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0
        && strcmp (de->d_name, "snapshots") != 0)
      ok = wrappy_rm_rf_at (dirfd (d), de->d_name, error);
  closedir (d);
  return ok;
}

static gboolean
confirm (GPtrArray *ids, guint64 total, GError **error)
{
  g_autofree char *size = g_format_size (total);
  g_autofree char *question = NULL;

  if (!opt_yes && isatty (STDIN_FILENO))
    for (guint i = 0; i < ids->len; i++)
      fprintf (stderr, "  %s\n", (char *)ids->pdata[i]);
  question = g_strdup_printf (_ ("Delete the data of these apps (%s)?"), size);
  return wrappy_cli_confirm (opt_yes, question,
                             _ ("not deleting anything without confirmation; add --yes"),
                             _ ("nothing deleted"), error);
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
  g_autoptr (GPtrArray) ids = NULL;
  g_autofree guint64 *sizes = NULL;
  guint64 total = 0;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (opt_all == (argc > 1) || (opt_all && opt_host))
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                           _ ("usage: wrappy clean [--yes] ID…|--host NAME…|--all"));
      return FALSE;
    }
  if (opt_all)
    ids = all_app_ids ();
  else
    {
      ids = g_ptr_array_new_with_free_func (g_free);
      for (int i = 1; i < argc; i++)
        {
          g_autofree char *id = state_id_for (argv[i], error);
          g_autofree char *path = NULL;
          if (id == NULL)
            return FALSE;
          path = wrappy_dirs_app_state (id);
          if (g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
            g_ptr_array_add (ids, g_steal_pointer (&id));
          else
            wrappy_info (_ ("%s has no data to clean"), id);
        }
    }

  sizes = g_new0 (guint64, ids->len + 1);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = wrappy_dirs_app_state (ids->pdata[i]);
      sizes[i] = state_usage (path);
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
      if (!remove_state (path, error))
        return FALSE;
      wrappy_info (_ ("Deleted the data of %s (%s)"), (char *)ids->pdata[i], size);
    }
  if (wrappy_output_json ())
    print_json (ids, sizes);
  else if (opt_all && ids->len == 0)
    wrappy_info (_ ("No app data to clean"));
  return TRUE;
}
