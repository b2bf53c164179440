#include "config.h"

#include <string.h>

#include "wrappy-update.h"
#include "wrappy-test-utils.h"

static void
test_clear (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autofree char *tmp = g_build_filename (dirs->root, "export", NULL);
  g_autofree char *file = g_build_filename (tmp, "share", "x", NULL);
  WrappyUpdate u = { 0 };

  wrappy_test_write_file (file, "x");
  u.updated = wrappy_manifest_new ("org.example.App");
  u.export_dir = g_strdup (tmp);
  u.export_dir_is_temp = TRUE;
  u.downloaded = 5;
  wrappy_update_clear (&u);
  g_assert_null (u.updated);
  g_assert_null (u.export_dir);
  g_assert_cmpuint (u.downloaded, ==, 0);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/update/clear", test_clear);
  return g_test_run ();
}
