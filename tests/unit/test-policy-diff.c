/* The permission diff of the policy (wrappy-policy-diff.c): what `wrappy update` and
 * `update --dry-run` show and ask about. */
#include "config.h"

#include <string.h>

#include "wrappy-policy.h"
#include "wrappy-test-utils.h"

/* Permissions with the given [Context] lists ("a;b" strings, NULL: none). */
static WrappyPermissions *
ctx (const char *shared, const char *sockets, const char *devices, const char *filesystems,
     const char *features)
{
  WrappyPermissions *m = wrappy_permissions_new ();
  m->shared = shared ? g_strsplit (shared, ";", -1) : NULL;
  m->sockets = sockets ? g_strsplit (sockets, ";", -1) : NULL;
  m->devices = devices ? g_strsplit (devices, ";", -1) : NULL;
  m->filesystems = filesystems ? g_strsplit (filesystems, ";", -1) : NULL;
  m->features = features ? g_strsplit (features, ";", -1) : NULL;
  return m;
}

static char *
joined (const WrappyPermissions *from, const WrappyPermissions *to, gboolean added)
{
  g_auto (GStrv) a = NULL;
  g_auto (GStrv) r = NULL;
  wrappy_policy_permission_diff (from, to, &a, &r);
  return g_strjoinv (" ", added ? a : r);
}

static void
check (const char *fs_from, const char *fs_to, const char *want_added, const char *want_removed)
{
  g_autoptr (WrappyPermissions) a = ctx (NULL, NULL, NULL, fs_from, NULL);
  g_autoptr (WrappyPermissions) b = ctx (NULL, NULL, NULL, fs_to, NULL);
  g_autofree char *added = joined (a, b, TRUE);
  g_autofree char *removed = joined (a, b, FALSE);
  g_assert_cmpstr (added, ==, want_added);
  g_assert_cmpstr (removed, ==, want_removed);
}

static void
test_same (void)
{
  g_autoptr (WrappyPermissions) a = ctx ("ipc;network", "x11", "dri", "home", "devel");
  g_autoptr (WrappyPermissions) b = ctx ("network;ipc", "x11", "dri", "home", "devel");
  g_autofree char *added = joined (a, b, TRUE);
  g_autofree char *removed = joined (a, b, FALSE);
  g_assert_cmpstr (added, ==, "");
  g_assert_cmpstr (removed, ==, "");
}

static void
test_kinds (void)
{
  g_autoptr (WrappyPermissions) a = ctx ("ipc", "x11;pulseaudio", NULL, NULL, NULL);
  g_autoptr (WrappyPermissions) b
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

/* The diff of two manifests goes through what each declares (wrappy_policy_declared). */
static void
test_from_manifests (void)
{
  g_autoptr (WrappyManifest) from = wrappy_manifest_new ("org.example.App");
  g_autoptr (WrappyManifest) to = wrappy_manifest_new ("org.example.App");
  g_autoptr (WrappyPermissions) a = NULL;
  g_autoptr (WrappyPermissions) b = NULL;
  g_auto (GStrv) added = NULL;
  g_auto (GStrv) removed = NULL;
  const char *fs_from[] = { "xdg-download:ro", NULL };
  const char *fs_to[] = { "xdg-download", NULL };
  const char *shared_to[] = { "network", NULL };

  from->filesystems = g_strdupv ((char **)fs_from);
  to->filesystems = g_strdupv ((char **)fs_to);
  to->shared = g_strdupv ((char **)shared_to);
  a = wrappy_policy_declared (from);
  b = wrappy_policy_declared (to);
  wrappy_policy_permission_diff (a, b, &added, &removed);
  g_assert_cmpuint (g_strv_length (added), ==, 2);
  g_assert_cmpstr (added[0], ==, "filesystems=xdg-download");
  g_assert_cmpstr (added[1], ==, "shared=network");
  g_assert_cmpuint (g_strv_length (removed), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/policy/diff/same", test_same);
  g_test_add_func ("/policy/diff/kinds", test_kinds);
  g_test_add_func ("/policy/diff/filesystems-widen", test_filesystems_widen);
  g_test_add_func ("/policy/diff/filesystems-negation", test_filesystems_negation);
  g_test_add_func ("/policy/diff/from-manifests", test_from_manifests);
  return g_test_run ();
}
