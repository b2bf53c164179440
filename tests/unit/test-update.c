#include "config.h"

#include <string.h>

#include "wrappy-update.h"
#include "wrappy-test-utils.h"

/* A manifest with the given [Context] lists ("a;b" strings, NULL: none). */
static WrappyManifest *
ctx (const char *shared, const char *sockets, const char *devices, const char *filesystems,
     const char *features)
{
  WrappyManifest *m = wrappy_manifest_new ("org.example.App");
  m->shared = shared ? g_strsplit (shared, ";", -1) : NULL;
  m->sockets = sockets ? g_strsplit (sockets, ";", -1) : NULL;
  m->devices = devices ? g_strsplit (devices, ";", -1) : NULL;
  m->filesystems = filesystems ? g_strsplit (filesystems, ";", -1) : NULL;
  m->features = features ? g_strsplit (features, ";", -1) : NULL;
  return m;
}

static char *
joined (const WrappyManifest *from, const WrappyManifest *to, gboolean added)
{
  g_auto (GStrv) a = NULL;
  g_auto (GStrv) r = NULL;
  wrappy_update_permission_diff (from, to, &a, &r);
  return g_strjoinv (" ", added ? a : r);
}

static void
check (const char *fs_from, const char *fs_to, const char *want_added, const char *want_removed)
{
  g_autoptr (WrappyManifest) a = ctx (NULL, NULL, NULL, fs_from, NULL);
  g_autoptr (WrappyManifest) b = ctx (NULL, NULL, NULL, fs_to, NULL);
  g_autofree char *added = joined (a, b, TRUE);
  g_autofree char *removed = joined (a, b, FALSE);
  g_assert_cmpstr (added, ==, want_added);
  g_assert_cmpstr (removed, ==, want_removed);
}

static void
test_same (void)
{
  g_autoptr (WrappyManifest) a = ctx ("ipc;network", "x11", "dri", "home", "devel");
  g_autoptr (WrappyManifest) b = ctx ("network;ipc", "x11", "dri", "home", "devel");
  g_autofree char *added = joined (a, b, TRUE);
  g_autofree char *removed = joined (a, b, FALSE);
  g_assert_cmpstr (added, ==, "");
  g_assert_cmpstr (removed, ==, "");
}

static void
test_kinds (void)
{
  g_autoptr (WrappyManifest) a = ctx ("ipc", "x11;pulseaudio", NULL, NULL, NULL);
  g_autoptr (WrappyManifest) b
      = ctx ("ipc;network", "wayland;pulseaudio", "all", "home", "bluetooth");
  g_autofree char *added = joined (a, b, TRUE);
  g_autofree char *removed = joined (a, b, FALSE);
  g_assert_cmpstr (
      added, ==, "devices=all features=bluetooth filesystems=home shared=network sockets=wayland");
  g_assert_cmpstr (removed, ==, "sockets=x11");
}

static void
test_filesystems_widen (void)
{
  check ("xdg-download:ro", "xdg-download", "filesystems=xdg-download", "");
  check ("xdg-download", "xdg-download:ro", "", "filesystems=xdg-download");
  check ("xdg-download:rw", "xdg-download", "", "");
  check ("home", "host", "filesystems=host", "");
  check ("host", "home", "", "filesystems=host");
  check ("~/a", "~/", "filesystems=~/", "");
  check ("~/a", "~/a/b", "", "filesystems=~/a");
  check ("home", "xdg-documents;~/Games:ro", "", "filesystems=home");
  check ("home", "xdg-run/pipewire-0", "filesystems=xdg-run/pipewire-0", "filesystems=home");
  /* A snap installed when its home plug was read as home, updated now: narrower. */
  check ("home", "snap-home", "", "filesystems=home");
  check ("snap-home", "home", "filesystems=home", "");
  check ("/srv", "/srv/data:create", "filesystems=/srv/data:create", "filesystems=/srv");
  check ("/srv:create", "/srv/data", "", "filesystems=/srv:create");
  check ("/srv", "/srvx", "filesystems=/srvx", "filesystems=/srv");
  check ("host-os", "host-etc", "filesystems=host-etc", "filesystems=host-os");
}

static void
test_filesystems_negation (void)
{
  check ("home;!~/.ssh", "home", "filesystems=!~/.ssh", "");
  check ("home", "home;!~/.ssh", "", "filesystems=!~/.ssh");
}

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
  g_test_add_func ("/update/diff/same", test_same);
  g_test_add_func ("/update/diff/kinds", test_kinds);
  g_test_add_func ("/update/diff/filesystems-widen", test_filesystems_widen);
  g_test_add_func ("/update/diff/filesystems-negation", test_filesystems_negation);
  g_test_add_func ("/update/clear", test_clear);
  return g_test_run ();
}
