/* The plan for a snap: its base as the root, the snap at /snap/NAME/REVISION with
 * /snap/NAME/current pointing at it, /etc from the host as snapd does. */
#include "config.h"

#include <string.h>

#include "wrappy-error.h"
#include "wrappy-launch-spec.h"
#include "wrappy-plan.h"
#include "wrappy-test-plan.h"

#define BASE "/data/wrappy/layers/base/core22/files"
#define APP  "/data/wrappy/layers/app/hello/files"

static void
fake_facts (WrappyHostFacts *f)
{
  static const char *const env[] = { "LD_PRELOAD=/evil.so", "LANG=C.UTF-8", NULL };
  static const char *const base[] = { "bin",  "lib", "lib64", "usr", "etc",     "var", "dev",
                                      "snap", "opt", "home",  "..",  ".hidden", NULL };
  static const char *const etc[] = { "os-release", "passwd", "ld.so.cache", NULL };

  memset (f, 0, sizeof *f);
  f->uid = f->gid = 1000;
  f->user_name = g_strdup ("alice");
  f->real_name = g_strdup ("Alice");
  f->home = g_strdup ("/home/alice");
  f->cwd = g_strdup ("/home/alice");
  f->env = g_strdupv ((char **)env);
  f->base_entries = g_strdupv ((char **)base);
  f->base_etc_entries = g_strdupv ((char **)etc);
  f->base_root_links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (f->base_root_links, g_strdup ("bin"), g_strdup ("usr/bin"));
  f->has_resolv_conf = f->has_hosts = TRUE;
}

#define plan_for(spec, error) wrappy_test_plan (spec, fake_facts, error)
#define assert_op             wrappy_test_assert_op

static WrappyLaunchSpec *
snap_spec (WrappyIsolation level)
{
  WrappyLaunchSpec *spec = wrappy_launch_spec_new ();
  const char *argv[] = { "/snap/hello/current/bin/hello", NULL };
  const char *dirs[] = { "snap/hello/7", "snap/hello/common", NULL };

  spec->app_id = g_strdup ("io.snapcraft.hello");
  wrappy_test_set_level (spec, level);
  spec->base_path = g_strdup (BASE);
  spec->app_path = g_strdup (APP);
  spec->root_base
      = wrappy_root_base_new ("/snap", "/snap/hello/7", "/snap/hello/current", (char **)dirs);
  spec->argv = g_strdupv ((char **)argv);
  spec->state_dir = g_strdup ("/home/alice/.local/state/wrappy/io.snapcraft.hello");
  return spec;
}

static void
test_snap_root (void)
{
  g_autoptr (WrappyLaunchSpec) spec = snap_spec (WRAPPY_ISOLATION_FULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyPlan) plan = plan_for (spec, &error);
  const WrappyOp *op;

  g_assert_no_error (error);
  assert_op (plan, "/bin", WRAPPY_OP_SYMLINK, "usr/bin");
  assert_op (plan, "/usr", WRAPPY_OP_BIND, BASE "/usr");
  assert_op (plan, "/lib64", WRAPPY_OP_BIND, BASE "/lib64");
  assert_op (plan, "/opt", WRAPPY_OP_BIND, BASE "/opt");
  g_assert_true (wrappy_plan_find_op (plan, "/usr")->flags & WRAPPY_OP_FLAG_RO);
  /* The sandbox's own trees never come from the base. */
  for (guint i = 0; i < plan->ops->len; i++)
    {
      op = plan->ops->pdata[i];
      if (op->src != NULL && g_str_has_prefix (op->src, BASE))
        g_assert_true (strcmp (op->dest, "/usr") == 0 || strcmp (op->dest, "/lib") == 0
                       || strcmp (op->dest, "/lib64") == 0 || strcmp (op->dest, "/opt") == 0);
    }
  /* The snap, read-only, and current pointing at it. */
  assert_op (plan, "/snap/hello/7", WRAPPY_OP_BIND, APP);
  g_assert_true (wrappy_plan_find_op (plan, "/snap/hello/7")->flags & WRAPPY_OP_FLAG_RO);
  assert_op (plan, "/snap/hello/current", WRAPPY_OP_SYMLINK, "/snap/hello/7");
  g_assert_null (wrappy_plan_find_op (plan, "/app"));
  /* /etc from the host, as snapd does. */
  assert_op (plan, "/run/host/etc", WRAPPY_OP_BIND, "/etc");
  assert_op (plan, "/etc/ld.so.cache", WRAPPY_OP_SYMLINK, "/run/host/etc/ld.so.cache");
  g_assert_cmpint (wrappy_plan_find_op (plan, "/etc/passwd")->kind, ==, WRAPPY_OP_FILE);
  /* ~/snap/NAME/REV exists; no Flatpak dirs or variables. */
  assert_op (plan, "/home/alice/snap/hello/7", WRAPPY_OP_DIR, NULL);
  g_assert_null (wrappy_plan_find_op (plan, "/home/alice/.var/app/io.snapcraft.hello/data"));
  g_assert_null (g_environ_getenv (plan->envp, "FLATPAK_ID"));
  g_assert_null (g_environ_getenv (plan->envp, "LD_PRELOAD"));
  g_assert_null (strstr (g_environ_getenv (plan->envp, "PATH"), "/app"));
}

static void
test_snap_bad_mounts (void)
{
  const char *bad[] = { "/usr/x", "/snap/../etc", "snap/x", "/snapx/y", NULL };

  for (const char **b = bad; *b; b++)
    {
      g_autoptr (WrappyLaunchSpec) spec = snap_spec (WRAPPY_ISOLATION_FULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (WrappyPlan) plan = NULL;

      g_free (spec->root_base->app_mount);
      spec->root_base->app_mount = g_strdup (*b);
      plan = plan_for (spec, &error);
      g_assert_null (plan);
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP);
    }
}

static void
test_snap_deps (void)
{
  g_autoptr (WrappyLaunchSpec) spec = snap_spec (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyLaunchSpec) bad = snap_spec (WRAPPY_ISOLATION_FULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyPlan) plan = NULL;
  g_autoptr (WrappyPlan) bad_plan = NULL;

  g_ptr_array_add (spec->deps, wrappy_layer_new ("/layers/themes", "/snap/hello/7/themes"));
  plan = plan_for (spec, &error);
  g_assert_no_error (error);
  assert_op (plan, "/snap/hello/7/themes", WRAPPY_OP_BIND, "/layers/themes");
  /* A content snap lands inside the snap, nowhere else. */
  g_ptr_array_add (bad->deps, wrappy_layer_new ("/layers/themes", "/usr/share/themes"));
  bad_plan = plan_for (bad, &error);
  g_assert_null (bad_plan);
}

static void
test_snap_none (void)
{
  g_autoptr (WrappyLaunchSpec) spec = snap_spec (WRAPPY_ISOLATION_NONE);
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyPlan) plan = NULL;
  WrappyHostFacts f;
  const char *root[] = { "usr", "home", "opt", "snap", "srv", "tmp", "var", NULL };

  fake_facts (&f);
  f.host_root_entries = g_strdupv ((char **)root);
  plan = wrappy_plan_new (spec, &f, &error);
  wrappy_host_facts_clear (&f);
  g_assert_no_error (error);
  assert_op (plan, "/etc", WRAPPY_OP_BIND, "/etc");
  /* The base's /opt, not the host's; the host's /srv and /home. */
  assert_op (plan, "/opt", WRAPPY_OP_BIND, BASE "/opt");
  assert_op (plan, "/srv", WRAPPY_OP_BIND, "/srv");
  /* The base's own tmp, var and home are never used, so the host's are there. */
  assert_op (plan, "/tmp", WRAPPY_OP_BIND, "/tmp");
  assert_op (plan, "/var", WRAPPY_OP_BIND, "/var");
  assert_op (plan, "/home", WRAPPY_OP_BIND, "/home");
  assert_op (plan, "/snap/hello/7", WRAPPY_OP_BIND, APP);
}

static void
home_facts (WrappyHostFacts *f)
{
  static const char *const home[]
      = { ".bashrc", ".config", "Documents", "notes.txt", "snap", ".ssh", NULL };

  fake_facts (f);
  f->home_entries = g_strdupv ((char **)home);
}

/* The home plug as snapd means it (issue 16): the non-hidden entries of the home but
 * ~/snap, and the snap's own ~/snap/NAME; read-only at paranoid. */
static void
test_snap_home (void)
{
  const char *rw[] = { "snap-home:rw", NULL }, *ro[] = { "snap-home:ro", NULL };
  g_autoptr (WrappyLaunchSpec) spec = snap_spec (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyPlan) plan = NULL, paranoid = NULL;
  const WrappyOp *op;

  spec->filesystems = g_strdupv ((char **)rw);
  plan = wrappy_test_plan (spec, home_facts, NULL);
  assert_op (plan, "/home/alice/Documents", WRAPPY_OP_BIND, "/home/alice/Documents");
  assert_op (plan, "/home/alice/notes.txt", WRAPPY_OP_BIND, "/home/alice/notes.txt");
  op = wrappy_plan_find_op (plan, "/home/alice/snap/hello");
  g_assert_nonnull (op);
  g_assert_true (op->flags & WRAPPY_OP_FLAG_CREATE);
  g_assert_false (op->flags & WRAPPY_OP_FLAG_RO);
  g_assert_null (wrappy_plan_find_op (plan, "/home/alice/.bashrc"));
  g_assert_null (wrappy_plan_find_op (plan, "/home/alice/.ssh"));
  g_assert_null (wrappy_plan_find_op (plan, "/home/alice/.config"));
  g_assert_null (wrappy_plan_find_op (plan, "/home/alice/snap"));
  /* The home itself stays the app's own. */
  op = wrappy_plan_find_op (plan, "/home/alice");
  g_assert_cmpstr (op->src, ==, "/home/alice/.local/state/wrappy/io.snapcraft.hello/home");

  g_strfreev (spec->filesystems);
  spec->filesystems = g_strdupv ((char **)ro);
  wrappy_test_set_level (spec, WRAPPY_ISOLATION_PARANOID);
  paranoid = wrappy_test_plan (spec, home_facts, NULL);
  g_assert_true (wrappy_plan_find_op (paranoid, "/home/alice/Documents")->flags
                 & WRAPPY_OP_FLAG_RO);
  op = wrappy_plan_find_op (paranoid, "/home/alice/snap/hello");
  g_assert_true (op->flags & WRAPPY_OP_FLAG_RO);
  g_assert_false (op->flags & WRAPPY_OP_FLAG_CREATE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plan-snap/root", test_snap_root);
  g_test_add_func ("/plan-snap/bad-mounts", test_snap_bad_mounts);
  g_test_add_func ("/plan-snap/deps", test_snap_deps);
  g_test_add_func ("/plan-snap/none", test_snap_none);
  g_test_add_func ("/plan-snap/home", test_snap_home);
  return g_test_run ();
}
