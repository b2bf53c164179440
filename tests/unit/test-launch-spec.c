/* The launch spec's string parsers and constructors. */
#include "config.h"

#include "wrappy-error.h"
#include "wrappy-launch-spec.h"
#include "wrappy-test-utils.h"

static void
test_isolation (void)
{
  const char *names[] = { "none", "partial", "full", "paranoid" };
  WrappyIsolation level;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (wrappy_isolation_from_string (names[i], &level, &error));
      g_assert_no_error (error);
      g_assert_cmpint (level, ==, (WrappyIsolation)i);
      g_assert_cmpstr (wrappy_isolation_to_string (level), ==, names[i]);
    }
  for (guint i = 0; i < 3; i++)
    {
      const char *bad[] = { "", "Full", "max" };
      g_autoptr (GError) error = NULL;
      g_assert_false (wrappy_isolation_from_string (bad[i], &level, &error));
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE);
    }
}

static void
test_home_mode (void)
{
  g_autoptr (GError) error = NULL;
  WrappyHomeMode mode;

  g_assert_true (wrappy_home_mode_from_string ("private", &mode, NULL));
  g_assert_cmpint (mode, ==, WRAPPY_HOME_PRIVATE);
  g_assert_true (wrappy_home_mode_from_string ("tmpfs", &mode, NULL));
  g_assert_cmpint (mode, ==, WRAPPY_HOME_TMPFS);
  g_assert_true (wrappy_home_mode_from_string ("overlay", &mode, NULL));
  g_assert_cmpint (mode, ==, WRAPPY_HOME_OVERLAY);
  g_assert_true (wrappy_home_mode_from_string ("host", &mode, NULL));
  g_assert_cmpint (mode, ==, WRAPPY_HOME_HOST);
  /* "default" is not something a user types. */
  g_assert_false (wrappy_home_mode_from_string ("default", &mode, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE);
}

static void
test_new_free (void)
{
  g_autoptr (WrappyLaunchSpec) spec = wrappy_launch_spec_new ();
  g_autoptr (WrappyLayer) layer = wrappy_layer_new ("/a", "/usr/lib/x");

  g_assert_cmpint (spec->isolation, ==, WRAPPY_ISOLATION_FULL);
  g_assert_cmpint (spec->home, ==, WRAPPY_HOME_DEFAULT);
  g_assert_nonnull (spec->deps);
  g_ptr_array_add (spec->deps, wrappy_layer_new ("/b", "/app/lib/y"));
  g_assert_cmpstr (layer->sandbox_path, ==, "/usr/lib/x");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/launch-spec/isolation", test_isolation);
  g_test_add_func ("/launch-spec/home-mode", test_home_mode);
  g_test_add_func ("/launch-spec/new-free", test_new_free);
  return g_test_run ();
}
