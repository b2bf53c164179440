/* The plan for a host program (`wrappy run --host`): the host's /usr as the base, the
 * host's /etc read-only behind the sandbox's /etc, no /app and no Flatpak variables. */
#include "config.h"

#include <sched.h>
#include <string.h>

#include "wrappy-error.h"
#include "wrappy-launch-spec.h"
#include "wrappy-plan.h"
#include "wrappy-test-plan.h"

static void
fake_facts (WrappyHostFacts *f)
{
  static const char *const env[]
      = { "LD_PRELOAD=/evil.so", "LANG=C.UTF-8", "PATH=/home/alice/bin:/usr/bin", NULL };
  static const char *const base[] = { "bin", "lib", "lib64", "sbin", "share", "local", NULL };
  static const char *const etc[]
      = { "os-release",   "passwd", "passwd-",     "shadow", "group", "ld.so.cache",
          "alternatives", "hosts",  "resolv.conf", "mtab",   NULL };

  memset (f, 0, sizeof *f);
  f->uid = f->gid = 1000;
  f->user_name = g_strdup ("alice");
  f->real_name = g_strdup ("Alice");
  f->home = g_strdup ("/home/alice");
  f->cwd = g_strdup ("/home/alice");
  f->env = g_strdupv ((char **)env);
  f->base_entries = g_strdupv ((char **)base);
  f->base_etc_entries = g_strdupv ((char **)etc);
  f->host_etc_links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (f->host_etc_links, g_strdup ("os-release"),
                       g_strdup ("../usr/lib/os-release"));
  g_hash_table_insert (f->host_etc_links, g_strdup ("mtab"), g_strdup ("/proc/mounts"));
  f->has_resolv_conf = f->has_hosts = f->has_localtime = TRUE;
}

#define plan_for(spec) wrappy_test_plan (spec, fake_facts, NULL)
#define op_index       wrappy_test_op_index

static WrappyLaunchSpec *
host_spec (WrappyIsolation level)
{
  WrappyLaunchSpec *spec = wrappy_launch_spec_new ();
  const char *argv[] = { "/usr/bin/sh", "-c", "echo hi", NULL };

  spec->app_id = g_strdup ("host/sh");
  wrappy_test_set_level (spec, level);
  spec->base_path = g_strdup ("/usr");
  spec->host_base = TRUE;
  spec->argv = g_strdupv ((char **)argv);
  spec->state_dir = g_strdup ("/home/alice/.local/state/wrappy/host/sh");
  return spec;
}

static void
assert_symlink (WrappyPlan *plan, const char *dest, const char *target)
{
  const WrappyOp *op = wrappy_plan_find_op (plan, dest);

  g_assert_nonnull (op);
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_SYMLINK);
  g_assert_cmpstr (op->src, ==, target);
}

static void
test_host_layers (void)
{
  g_autoptr (WrappyLaunchSpec) spec = host_spec (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyPlan) plan = plan_for (spec);
  const WrappyOp *op = wrappy_plan_find_op (plan, "/usr");

  /* The host's /usr, never written: writes land in the state's upper dir. */
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_OVERLAY);
  g_assert_cmpstr (op->src, ==, "/usr");
  g_assert_cmpstr (op->upper, ==, "/home/alice/.local/state/wrappy/host/sh/upper/usr");
  g_assert_null (wrappy_plan_find_op (plan, "/app"));
  assert_symlink (plan, "/bin", "usr/bin");
  assert_symlink (plan, "/sbin", "usr/sbin");
  /* The private home is the state's, like an app's. */
  op = wrappy_plan_find_op (plan, "/home/alice");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_BIND);
  g_assert_cmpstr (op->src, ==, "/home/alice/.local/state/wrappy/host/sh/home");
  g_assert_null (wrappy_plan_find_op (plan, "/home/alice/.var/app/host/sh/data"));
  /* Full: no network without --share=network. */
  g_assert_true (plan->clone_flags & CLONE_NEWNET);
  g_assert_cmpstr (plan->argv[0], ==, "/usr/bin/sh");
}

static void
test_host_tmp_root (void)
{
  g_autoptr (WrappyLaunchSpec) spec = host_spec (WRAPPY_ISOLATION_PARTIAL);
  g_autoptr (WrappyPlan) plan = NULL;
  const WrappyOp *op;

  spec->tmp_root = TRUE;
  plan = plan_for (spec);
  op = wrappy_plan_find_op (plan, "/usr");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_OVERLAY);
  g_assert_null (op->upper);
}

static void
test_host_etc (void)
{
  g_autoptr (WrappyLaunchSpec) spec = host_spec (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyPlan) plan = plan_for (spec);
  const WrappyOp *op = wrappy_plan_find_op (plan, "/run/host/etc");

  g_assert_cmpint (op->kind, ==, WRAPPY_OP_BIND);
  g_assert_cmpstr (op->src, ==, "/etc");
  g_assert_true (op->flags & WRAPPY_OP_FLAG_RO);
  assert_symlink (plan, "/etc/ld.so.cache", "/run/host/etc/ld.so.cache");
  assert_symlink (plan, "/etc/alternatives", "/run/host/etc/alternatives");
  /* The host's own links, as they are: relative ones mean the same from /etc. */
  assert_symlink (plan, "/etc/os-release", "../usr/lib/os-release");
  assert_symlink (plan, "/etc/mtab", "/proc/mounts");
  /* Generated, as for an app; the host's user database is not linked. */
  op = wrappy_plan_find_op (plan, "/etc/passwd");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_FILE);
  g_assert_true (g_str_has_prefix (op->src, "alice:x:1000:1000:"));
  g_assert_null (wrappy_plan_find_op (plan, "/etc/shadow"));
  g_assert_null (wrappy_plan_find_op (plan, "/etc/passwd-"));
  /* No network: no DNS config. */
  g_assert_null (wrappy_plan_find_op (plan, "/etc/resolv.conf"));
  g_assert_nonnull (wrappy_plan_find_op (plan, "/etc/localtime"));
  /* The bind comes before the links that point into it. */
  g_assert_cmpint (op_index (plan, "/run/host/etc"), <, op_index (plan, "/etc/ld.so.cache"));
}

static void
test_host_etc_network (void)
{
  g_autoptr (WrappyLaunchSpec) spec = host_spec (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyPlan) plan = NULL;
  const char *shared[] = { "network", NULL };
  const WrappyOp *op;

  spec->shared = g_strdupv ((char **)shared);
  plan = plan_for (spec);
  op = wrappy_plan_find_op (plan, "/etc/resolv.conf");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_BIND);
  g_assert_cmpstr (op->src, ==, "/etc/resolv.conf");
}

/* At none the host's /etc is the /etc: nothing generated, nothing written into it. */
static void
test_host_none (void)
{
  g_autoptr (WrappyLaunchSpec) spec = host_spec (WRAPPY_ISOLATION_NONE);
  g_autoptr (WrappyPlan) plan = plan_for (spec);
  const WrappyOp *op = wrappy_plan_find_op (plan, "/etc");

  g_assert_cmpint (op->kind, ==, WRAPPY_OP_BIND);
  g_assert_cmpstr (op->src, ==, "/etc");
  g_assert_true (op->flags & WRAPPY_OP_FLAG_RO);
  for (guint i = 0; i < plan->ops->len; i++)
    {
      op = plan->ops->pdata[i];
      g_assert_false (g_str_has_prefix (op->dest, "/etc/"));
      g_assert_false (g_str_has_prefix (op->dest, "/run/host"));
    }
  op = wrappy_plan_find_op (plan, "/usr");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_BIND);
  g_assert_true (op->flags & WRAPPY_OP_FLAG_RO);
}

static void
test_host_env (void)
{
  g_autoptr (WrappyLaunchSpec) spec = host_spec (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyPlan) plan = plan_for (spec);
  const char *const *envp = (const char *const *)plan->envp;

  /* No Flatpak app, so no FLATPAK_ID that would lie, and no /app in the paths. */
  g_assert_null (g_environ_getenv ((char **)envp, "FLATPAK_ID"));
  g_assert_null (strstr (g_environ_getenv ((char **)envp, "PATH"), "/app"));
  g_assert_null (strstr (g_environ_getenv ((char **)envp, "XDG_DATA_DIRS"), "/app"));
  g_assert_null (g_environ_getenv ((char **)envp, "LD_PRELOAD"));
  g_assert_cmpstr (g_environ_getenv ((char **)envp, "XDG_CONFIG_HOME"), ==, "/home/alice/.config");
  g_assert_cmpstr (g_environ_getenv ((char **)envp, "XDG_DATA_HOME"), ==,
                   "/home/alice/.local/share");
  g_assert_cmpstr (g_environ_getenv ((char **)envp, "HOME"), ==, "/home/alice");
}

/* The host's /etc behind the sandbox's may not be shadowed by a bind. */
static void
test_host_etc_reserved (void)
{
  g_autoptr (WrappyLaunchSpec) spec = host_spec (WRAPPY_ISOLATION_FULL);
  WrappyHostFacts f;
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyPlan) plan = NULL;

  g_ptr_array_add (spec->binds, wrappy_bind_new ("/tmp", "/run/host/etc", FALSE));
  fake_facts (&f);
  plan = wrappy_plan_new (spec, &f, &error);
  wrappy_host_facts_clear (&f);
  g_assert_null (plan);
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plan-host/layers", test_host_layers);
  g_test_add_func ("/plan-host/tmp-root", test_host_tmp_root);
  g_test_add_func ("/plan-host/etc", test_host_etc);
  g_test_add_func ("/plan-host/etc-network", test_host_etc_network);
  g_test_add_func ("/plan-host/none", test_host_none);
  g_test_add_func ("/plan-host/env", test_host_env);
  g_test_add_func ("/plan-host/etc-reserved", test_host_etc_reserved);
  return g_test_run ();
}
