#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>

#include "wrappy-dirs.h"
#include "wrappy-fs.h"
#include "wrappy-test-utils.h"

WrappyTestDirs *
wrappy_test_dirs_new (void)
{
  WrappyTestDirs *d = g_new0 (WrappyTestDirs, 1);
  const char *vars[][2] = { { "HOME", "home" },
                            { "XDG_DATA_HOME", "data" },
                            { "XDG_STATE_HOME", "state" },
                            { "XDG_CONFIG_HOME", "config" },
                            { "XDG_CACHE_HOME", "cache" } };

  d->root = g_dir_make_tmp ("wrappy-test-XXXXXX", NULL);
  g_assert_nonnull (d->root);
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *p = g_build_filename (d->root, vars[i][1], NULL);
      g_assert_cmpint (g_mkdir_with_parents (p, 0700), ==, 0);
      g_setenv (vars[i][0], p, TRUE);
    }
  wrappy_dirs_reset ();
  return d;
}

void
wrappy_test_dirs_free (WrappyTestDirs *d)
{
  wrappy_rm_rf_at (AT_FDCWD, d->root, NULL);
  wrappy_dirs_reset ();
  g_free (d->root);
  g_free (d);
}

void
wrappy_test_write_file (const char *path, const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}
