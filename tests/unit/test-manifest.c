#include "config.h"

#include <string.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-manifest.h"
#include "wrappy-test-utils.h"

static WrappyManifest *
sample (void)
{
  WrappyManifest *m = wrappy_manifest_new ("org.example.App");
  const char *shared[] = { "network", "ipc", NULL };
  const char *env[] = { "FOO=bar=baz", "EMPTY=", NULL };

  m->name = g_strdup ("Example");
  m->version = g_strdup ("1.2");
  m->source = g_strdup ("flathub");
  m->origin = g_strdup ("flathub");
  m->command = g_strdup ("example");
  m->installed_size = 12345;
  m->shared = g_strdupv ((char **)shared);
  m->env = g_strdupv ((char **)env);
  wrappy_manifest_add_layer (m, "base", "org.example.Platform",
                             "runtime/org.example.Platform/x86_64/1", "aaaa",
                             "layers/runtime/org.example.Platform/x86_64/1/aaaa/files", "/usr");
  wrappy_manifest_add_layer (m, "deps", "org.example.Platform.GL.default",
                             "runtime/org.example.Platform.GL.default/x86_64/1", "bbbb",
                             "layers/runtime/gl/files", "/usr/lib/GL/default");
  wrappy_manifest_add_layer (m, "app", "org.example.App", "app/org.example.App/x86_64/stable",
                             "cccc", "layers/app/org.example.App/x86_64/stable/cccc/files", "/app");
  return m;
}

static void
test_roundtrip (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (WrappyManifest) m = sample ();
  g_autoptr (WrappyManifest) back = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *host = NULL;

  g_assert_false (wrappy_manifest_is_installed ("org.example.App"));
  g_assert_true (wrappy_manifest_save (m, &error));
  g_assert_no_error (error);
  g_assert_true (wrappy_manifest_is_installed ("org.example.App"));

  back = wrappy_manifest_load ("org.example.App", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->name, ==, "Example");
  g_assert_cmpstr (back->command, ==, "example");
  g_assert_cmpuint (back->installed_size, ==, 12345);
  g_assert_cmpuint (back->layers->len, ==, 3);
  g_assert_cmpstr (wrappy_manifest_get_layer (back, "base")->mount, ==, "/usr");
  g_assert_cmpstr (wrappy_manifest_get_layer (back, "deps")->mount, ==, "/usr/lib/GL/default");
  g_assert_true (g_strv_contains ((const char *const *)back->shared, "ipc"));
  g_assert_true (g_strv_contains ((const char *const *)back->env, "FOO=bar=baz"));
  g_assert_true (g_strv_contains ((const char *const *)back->env, "EMPTY="));
  host = wrappy_manifest_layer_host_path (wrappy_manifest_get_layer (back, "app"));
  g_assert_true (g_str_has_prefix (host, wrappy_dirs_data ()));

  all = wrappy_manifest_list_installed (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 1);

  g_assert_true (wrappy_manifest_delete ("org.example.App", &error));
  g_assert_false (wrappy_manifest_is_installed ("org.example.App"));
}

/* An adapter's own groups ([Snap], [AppImage], …) are written with the manifest and kept
 * across load and save; the struct's groups always come from the struct. */
static void
test_adapter_groups (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (WrappyManifest) m = sample ();
  g_autoptr (WrappyManifest) back = NULL;
  g_autoptr (WrappyManifest) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;

  g_key_file_set_string (wrappy_manifest_adapter_keyfile (m), "AppImage", "catalog-name", "Tool");
  g_assert_true (wrappy_manifest_save (m, &error));
  back = wrappy_manifest_load ("org.example.App", &error);
  g_assert_no_error (error);
  g_clear_pointer (&back->env, g_strfreev);
  g_free (back->version);
  back->version = g_strdup ("2.0");
  g_assert_true (wrappy_manifest_save (back, &error));
  again = wrappy_manifest_load ("org.example.App", &error);
  g_assert_no_error (error);
  value = g_key_file_get_string (again->keyfile, "AppImage", "catalog-name", NULL);
  g_assert_cmpstr (value, ==, "Tool");
  g_assert_cmpstr (again->version, ==, "2.0");
  g_assert_true (again->env == NULL || again->env[0] == NULL);
  g_assert_cmpuint (again->layers->len, ==, 3);
}

static void
test_not_installed (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyManifest) m = wrappy_manifest_load ("org.example.Missing", &error);

  g_assert_null (m);
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_INSTALLED);
  g_clear_error (&error);
  g_assert_null (wrappy_manifest_load ("../../etc/passwd", &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
}

static void
expect_invalid (const char *data)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyManifest) m = NULL;

  g_assert_true (g_key_file_load_from_data (kf, data, -1, 0, NULL));
  m = wrappy_manifest_from_keyfile (kf, &error);
  g_assert_null (m);
  g_assert_nonnull (error);
}

static void
test_malformed (void)
{
  /* No base layer. */
  expect_invalid ("[App]\nid=org.x.Y\n");
  /* A tampered mount point or layer path must not be accepted. */
  expect_invalid (
      "[App]\nid=org.x.Y\n[Layer 0]\nkind=base\npath=layers/a/files\nmount=/usr/../proc\n");
  expect_invalid ("[App]\nid=org.x.Y\n[Layer 0]\nkind=base\npath=/etc\nmount=/usr\n");
  expect_invalid ("[App]\nid=org.x.Y\n[Layer 0]\nkind=base\npath=layers/../../x\nmount=/usr\n");
  expect_invalid ("[App]\nid=org.x.Y\n[Layer 0]\nkind=weird\npath=layers/a\nmount=/usr\n");
  expect_invalid ("[App]\nid=../x\n[Layer 0]\nkind=base\npath=layers/a\nmount=/usr\n");
}

static void
test_list_skips_broken (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (WrappyManifest) m = sample ();
  g_autoptr (GPtrArray) all = NULL;
  g_autofree char *broken
      = g_build_filename (wrappy_dirs_data (), "apps", "org.x.Broken.manifest", NULL);

  g_assert_true (wrappy_manifest_save (m, NULL));
  wrappy_test_write_file (broken, "not a key file\x01");
  all = wrappy_manifest_list_installed (NULL);
  g_assert_cmpuint (all->len, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/manifest/roundtrip", test_roundtrip);
  g_test_add_func ("/manifest/adapter-groups", test_adapter_groups);
  g_test_add_func ("/manifest/not-installed", test_not_installed);
  g_test_add_func ("/manifest/malformed", test_malformed);
  g_test_add_func ("/manifest/list-skips-broken", test_list_skips_broken);
  return g_test_run ();
}
