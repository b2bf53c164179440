/* A snap's manifest as a launch spec, and its plugs as permissions. */
#include "config.h"

#include <string.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-snap-launch.h"
#include "wrappy-snap.h"
#include "wrappy-test-utils.h"

#define ID "io.snapcraft.hello"

static WrappyManifest *
write_manifest (void)
{
  g_autoptr (WrappyManifest) m = wrappy_manifest_new (ID);
  g_autoptr (GKeyFile) kf = NULL;
  g_autofree char *path = wrappy_manifest_path (ID);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  const char *apps[] = { "hello", "tool" };
  const char *env[] = { "GREETING=hi $SNAP_NAME in ${SNAP}", "KEEP=$HOME_NOT_SNAP" };
  const char *chain[] = { "snap/command-chain/desktop-launch", "bin/wrap" };

  m->source = g_strdup ("snap");
  wrappy_manifest_add_layer (m, "base", "core22", "snap/core22/x86_64/1", "0123",
                             "layers/snap/core22/x86_64/1/0123/files", "/");
  kf = wrappy_manifest_to_keyfile (m);
  g_key_file_set_string (kf, "Snap", "name", "hello");
  g_key_file_set_string (kf, "Snap", "revision", "7");
  g_key_file_set_string (kf, "Snap", "version", "1.0");
  g_key_file_set_string (kf, "Snap", "default-app", "hello");
  g_key_file_set_string_list (kf, "Snap", "apps", apps, 2);
  g_key_file_set_string (kf, "Snap App hello", "command", "bin/hello --data $SNAP_DATA");
  g_key_file_set_string_list (kf, "Snap App hello", "environment", env, 2);
  g_key_file_set_string (kf, "Snap App tool", "command", "bin/tool");
  g_key_file_set_string_list (kf, "Snap App tool", "command-chain", chain, 2);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  data = g_key_file_to_data (kf, NULL, NULL);
  g_assert_true (g_file_set_contents (path, data, -1, NULL));
  /* As `wrappy run` has it: loaded from the file, [Snap] groups and all. */
  g_clear_pointer (&m, wrappy_manifest_free);
  {
    g_autoptr (GError) error = NULL;
    m = wrappy_manifest_load (ID, &error);
    g_assert_no_error (error);
  }
  return g_steal_pointer (&m);
}

static WrappyLaunchSpec *
snap_spec (const char *command, char **args, GError **error)
{
  g_autoptr (WrappyManifest) m = write_manifest ();
  g_autoptr (WrappyLaunchSpec) spec = wrappy_launch_spec_new ();
  const char *user_env[] = { "GREETING=from --env", NULL };

  spec->app_id = g_strdup (ID);
  spec->state_dir = wrappy_dirs_app_state (ID);
  spec->env = g_strdupv ((char **)user_env);
  if (!wrappy_snap_launch_setup (spec, m, command, args, "/home/alice", error))
    return NULL;
  return g_steal_pointer (&spec);
}

static void
test_default_app (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (GError) error = NULL;
  char *args[] = { "x", NULL };
  g_autoptr (WrappyLaunchSpec) spec = snap_spec (NULL, args, &error);
  g_autofree char *state = wrappy_dirs_app_state (ID);
  g_autofree char *data = g_build_filename (state, "snap-data", "7", NULL);
  WrappyBind *b;

  g_assert_no_error (error);
  g_assert_nonnull (spec->root_base);
  g_assert_cmpstr (spec->root_base->apps_dir, ==, "/snap");
  g_assert_cmpstr (spec->root_base->app_mount, ==, "/snap/hello/7");
  g_assert_cmpstr (spec->root_base->app_link, ==, "/snap/hello/current");
  g_assert_cmpstr (spec->root_base->home_dirs[0], ==, "snap/hello/7");
  g_assert_cmpstr (spec->root_base->home_dirs[1], ==, "snap/hello/common");
  g_assert_cmpstr (spec->argv[0], ==, "/snap/hello/7/bin/hello");
  g_assert_cmpstr (spec->argv[1], ==, "--data");
  g_assert_cmpstr (spec->argv[2], ==, "/var/snap/hello/7");
  g_assert_cmpstr (spec->argv[3], ==, "x");
  g_assert_null (spec->argv[4]);
  g_assert_cmpstr (g_environ_getenv (spec->env, "SNAP"), ==, "/snap/hello/7");
  g_assert_cmpstr (g_environ_getenv (spec->env, "SNAP_USER_DATA"), ==, "/home/alice/snap/hello/7");
  g_assert_cmpstr (g_environ_getenv (spec->env, "HOME"), ==, "/home/alice/snap/hello/7");
  g_assert_cmpstr (g_environ_getenv (spec->env, "SNAP_REAL_HOME"), ==, "/home/alice");
  g_assert_cmpstr (g_environ_getenv (spec->env, "SNAP_ARCH"), ==, wrappy_snap_arch ());
  /* --env wins over snap.yaml; unknown variables stay as they are. */
  g_assert_cmpstr (g_environ_getenv (spec->env, "GREETING"), ==, "from --env");
  g_assert_cmpstr (g_environ_getenv (spec->env, "KEEP"), ==, "$HOME_NOT_SNAP");
  g_assert_true (g_file_test (data, G_FILE_TEST_IS_DIR));
  b = spec->binds->pdata[0];
  g_assert_cmpstr (b->dest, ==, "/var/snap/hello");
  g_assert_false (b->ro);
}

static void
test_pick_app (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyLaunchSpec) tool = snap_spec ("hello.tool", NULL, &error);
  g_autoptr (WrappyLaunchSpec) def = snap_spec ("hello", NULL, NULL);
  g_autoptr (WrappyLaunchSpec) sh = NULL;
  g_autoptr (WrappyLaunchSpec) bad = NULL;

  g_assert_no_error (error);
  /* The command chain first, in order; each link execs the rest. */
  g_assert_cmpstr (tool->argv[0], ==, "/snap/hello/7/snap/command-chain/desktop-launch");
  g_assert_cmpstr (tool->argv[1], ==, "/snap/hello/7/bin/wrap");
  g_assert_cmpstr (tool->argv[2], ==, "/snap/hello/7/bin/tool");
  g_assert_null (tool->argv[3]);
  g_assert_cmpstr (def->argv[0], ==, "/snap/hello/7/bin/hello");
  bad = snap_spec ("hello.nope", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND);
  /* Not an app: argv stays what the caller built (none here), the layout is the snap's. */
  sh = snap_spec ("sh", NULL, NULL);
  g_assert_null (sh->argv);
  g_assert_nonnull (sh->root_base);
}

static void
test_ids (void)
{
  g_autofree char *a = wrappy_snap_app_id ("hello-world");
  g_autofree char *b = wrappy_snap_app_id ("0ad");

  g_assert_cmpstr (a, ==, "io.snapcraft.hello-world");
  g_assert_cmpstr (b, ==, "io.snapcraft._0ad");
}

static void
test_plugs (void)
{
  g_autoptr (WrappyManifest) m = wrappy_manifest_new (ID);
  const char *plugs[]
      = { "audio-playback", "content",    "desktop", "home", "network", "network-bind",
          "opengl",         "pulseaudio", "wayland", "x11",  NULL };
  g_autofree char *sockets = NULL;

  wrappy_snap_plugs_to_permissions ((char **)plugs, m);
  g_assert_cmpstr (m->shared[0], ==, "network");
  g_assert_null (m->shared[1]);
  g_assert_cmpstr (m->filesystems[0], ==, "snap-home");
  g_assert_cmpstr (m->devices[0], ==, "dri");
  sockets = g_strjoinv (",", m->sockets);
  /* desktop gives no bus (issue 16). */
  g_assert_cmpstr (sockets, ==, "pulseaudio,wayland,x11");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/snap-launch/default-app", test_default_app);
  g_test_add_func ("/snap-launch/pick-app", test_pick_app);
  g_test_add_func ("/snap-launch/ids", test_ids);
  g_test_add_func ("/snap-launch/plugs", test_plugs);
  return g_test_run ();
}
