#include "config.h"

#include <string.h>

#include "wrappy-error.h"
#include "wrappy-id.h"

static void
test_valid_ids (void)
{
  const char *good[] = { "org.example.App", "org.example.App_2", "io.github.user.my-app",
                         "_a._b._c",        "com.x.y.z.w",       NULL };
  for (const char **id = good; *id; id++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (wrappy_validate_app_id (*id, &error));
      g_assert_no_error (error);
    }
}

static void
test_invalid_ids (void)
{
  g_autofree char *long_id = NULL;
  g_autoptr (GString) s = g_string_new ("org.example.");
  const char *bad[] = { "",
                        "a/b.c",
                        "org.example/../etc",
                        "..",
                        "org..example.App",
                        "org.x",
                        "-org.x.y",
                        "org.x.y.",
                        ".org.x.y",
                        "org.x-y.z",
                        "org.1x.y",
                        "org.ex ample.App",
                        "org.exämple.App",
                        "org.x.y\n",
                        NULL };

  for (const char **id = bad; *id; id++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (wrappy_validate_app_id (*id, &error));
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
      g_assert_null (strchr (error->message, '\n'));
    }
  while (s->len <= 255)
    g_string_append_c (s, 'a');
  long_id = g_strdup (s->str);
  g_assert_false (wrappy_validate_app_id (long_id, NULL));
}

static void
test_app_spec (void)
{
  g_autofree char *id = NULL;
  g_autofree char *branch = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (wrappy_parse_app_spec ("org.x.Y//beta", &id, &branch, &error));
  g_assert_cmpstr (id, ==, "org.x.Y");
  g_assert_cmpstr (branch, ==, "beta");
  g_clear_pointer (&id, g_free);
  g_clear_pointer (&branch, g_free);
  g_assert_true (wrappy_parse_app_spec ("org.x.Y", &id, &branch, &error));
  g_assert_null (branch);
  g_clear_pointer (&id, g_free);
  g_assert_false (wrappy_parse_app_spec ("org.x.Y//../x", &id, &branch, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
}

static void
test_refs (void)
{
  g_autofree char *kind = NULL, *id = NULL, *arch = NULL, *branch = NULL;

  g_assert_true (
      wrappy_parse_ref ("runtime/org.x.Platform/x86_64/23.08", &kind, &id, &arch, &branch, NULL));
  g_assert_cmpstr (kind, ==, "runtime");
  g_assert_cmpstr (id, ==, "org.x.Platform");
  g_assert_cmpstr (arch, ==, "x86_64");
  g_assert_cmpstr (branch, ==, "23.08");
  g_assert_false (wrappy_parse_ref ("app/org.x.Y/x86_64", NULL, NULL, NULL, NULL, NULL));
  g_assert_false (wrappy_parse_ref ("app/org.x.Y/x86_64/st/able", NULL, NULL, NULL, NULL, NULL));
  g_assert_false (wrappy_parse_ref ("other/org.x.Y/x86_64/stable", NULL, NULL, NULL, NULL, NULL));
  g_assert_false (wrappy_parse_ref ("app/org.x.Y/x8/6/stable", NULL, NULL, NULL, NULL, NULL));
  g_assert_false (wrappy_parse_ref ("app/org.x.Y/x86_64/..", NULL, NULL, NULL, NULL, NULL));
}

static void
test_host_names (void)
{
  static const char *const good[]
      = { "sh", "g++", "python3.11", "x-terminal-emulator", "_a", NULL };
  static const char *const bad[]
      = { "", "..", ".hidden", "-v", "a/b", "../x", "caf\xc3\xa9", "a b", "[", NULL };

  for (guint i = 0; good[i]; i++)
    g_assert_true (wrappy_validate_host_name (good[i], NULL));
  for (guint i = 0; bad[i]; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (wrappy_validate_host_name (bad[i], &error));
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
      g_assert_null (strchr (error->message, '\n'));
    }
  /* The namespace itself can never be an app's ID. */
  g_assert_false (wrappy_validate_app_id (WRAPPY_HOST_STATE_DIR, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/id/valid", test_valid_ids);
  g_test_add_func ("/id/invalid", test_invalid_ids);
  g_test_add_func ("/id/app-spec", test_app_spec);
  g_test_add_func ("/id/refs", test_refs);
  g_test_add_func ("/id/host-names", test_host_names);
  return g_test_run ();
}
