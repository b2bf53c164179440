/* The sandbox plan as data: for a fake spec and fake host facts, which mounts, which
 * environment, which namespaces (like flatpak's test-exports.c). Nothing is mounted. */
#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>

#include "wrappy-error.h"
#include "wrappy-launch-spec.h"
#include "wrappy-fs.h"
#include "wrappy-ldcache.h"
#include "wrappy-plan.h"
#include "wrappy-test-plan.h"

static void
fake_facts (WrappyHostFacts *f)
{
  static const char *const env[] = { "LD_PRELOAD=/evil.so",
                                     "LD_LIBRARY_PATH=/host/lib",
                                     "LD_AUDIT=/a.so",
                                     "PYTHONPATH=/host/py",
                                     "GST_PLUGIN_PATH=/host/gst",
                                     "LANG=C.UTF-8",
                                     "TERM=xterm",
                                     "PATH=/usr/local/bin:/usr/bin",
                                     "XDG_DATA_HOME=/home/alice/.local/share",
                                     NULL };
  static const char *const base[] = { "bin", "lib", "lib64", "etc", "share", NULL };
  static const char *const etc[] = { "os-release", "passwd", "ld.so.cache", "hosts", NULL };
  static const char *const root[] = { "usr", "home", "tmp", "etc", "proc", "opt", NULL };

  memset (f, 0, sizeof *f);
  f->uid = 1000;
  f->gid = 1000;
  f->user_name = g_strdup ("alice");
  f->real_name = g_strdup ("Alice: A");
  f->home = g_strdup ("/home/alice");
  f->cwd = g_strdup ("/home/alice/src");
  f->env = g_strdupv ((char **)env);
  f->base_entries = g_strdupv ((char **)base);
  f->base_etc_entries = g_strdupv ((char **)etc);
  f->host_root_entries = g_strdupv ((char **)root);
  f->has_resolv_conf = TRUE;
  f->has_hosts = TRUE;
  f->has_localtime = TRUE;
  f->has_machine_id = TRUE;
  f->has_dri = TRUE;
  f->host_net_dirs = g_strsplit ("/sys/devices/pci0000:00/0000:00:03.0/virtio2/net", ",", -1);
}

#define plan_for(spec) wrappy_test_plan (spec, fake_facts, NULL)
#define op_index       wrappy_test_op_index
#define assert_ro_bind wrappy_test_assert_ro_bind

static WrappyLaunchSpec *
fake_spec (void)
{
  WrappyLaunchSpec *spec = wrappy_launch_spec_new ();
  const char *argv[] = { "hello", "a b", "--isolation=none", NULL };
  const char *env[] = { "APPVAR=1", "LANG=de_DE.UTF-8", NULL };

  spec->app_id = g_strdup ("org.example.Hello");
  spec->base_path = g_strdup ("/data/layers/platform/files");
  spec->app_path = g_strdup ("/data/layers/hello/files");
  /* Deliberately out of order: children before parents. */
  g_ptr_array_add (spec->deps,
                   wrappy_layer_new ("/data/layers/gl32/files", "/usr/lib/GL/default/x/y"));
  g_ptr_array_add (spec->deps, wrappy_layer_new ("/data/layers/gl/files", "/usr/lib/GL/default"));
  g_ptr_array_add (spec->deps, wrappy_layer_new ("/data/layers/plugin/files", "/app/lib/plugins"));
  spec->argv = g_strdupv ((char **)argv);
  spec->env = g_strdupv ((char **)env);
  spec->state_dir = g_strdup ("/home/alice/.local/state/wrappy/org.example.Hello");
  return spec;
}

/* /usr and /app above none: an overlay over the layer, writes in the app's state. */
static void
assert_overlay (WrappyPlan *plan, const char *lower, const char *dest, const char *upper)
{
  const WrappyOp *op = wrappy_plan_find_op (plan, dest);

  g_assert_nonnull (op);
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_OVERLAY);
  g_assert_cmpstr (op->src, ==, lower);
  g_assert_cmpstr (op->upper, ==, upper);
}

static void
test_layers (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = plan_for (spec);
  const WrappyOp *op;

  assert_overlay (plan, "/data/layers/platform/files", "/usr",
                  "/home/alice/.local/state/wrappy/org.example.Hello/upper/usr");
  assert_overlay (plan, "/data/layers/hello/files", "/app",
                  "/home/alice/.local/state/wrappy/org.example.Hello/upper/app");
  assert_ro_bind (plan, "/data/layers/gl/files", "/usr/lib/GL/default");
  assert_ro_bind (plan, "/data/layers/gl32/files", "/usr/lib/GL/default/x/y");
  assert_ro_bind (plan, "/data/layers/plugin/files", "/app/lib/plugins");
  /* Parents first. */
  g_assert_cmpint (op_index (plan, "/usr"), <, op_index (plan, "/usr/lib/GL/default"));
  g_assert_cmpint (op_index (plan, "/usr/lib/GL/default"), <,
                   op_index (plan, "/usr/lib/GL/default/x/y"));
  g_assert_cmpint (op_index (plan, "/app"), <, op_index (plan, "/app/lib/plugins"));

  op = wrappy_plan_find_op (plan, "/lib64");
  g_assert_nonnull (op);
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_SYMLINK);
  g_assert_cmpstr (op->src, ==, "usr/lib64");
  g_assert_null (wrappy_plan_find_op (plan, "/sbin")); /* not in the base */

  /* The root skeleton ends read-only. */
  op = plan->ops->pdata[plan->ops->len - 1];
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_REMOUNT_RO);
  g_assert_cmpstr (op->dest, ==, "/");
}

static void
test_no_host_root (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = plan_for (spec);

  for (guint i = 0; i < plan->ops->len; i++)
    {
      const WrappyOp *op = plan->ops->pdata[i];
      if (op->kind != WRAPPY_OP_BIND)
        continue;
      g_assert_cmpstr (op->src, !=, "/");
      g_assert_cmpstr (op->dest, !=, "/");
      g_assert_cmpstr (op->src, !=, "/home");
      g_assert_cmpstr (op->src, !=, "/home/alice"); /* private home, not the host's */
    }
}

static void
test_etc (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = plan_for (spec);
  const WrappyOp *op;

  op = wrappy_plan_find_op (plan, "/etc/os-release");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_SYMLINK);
  g_assert_cmpstr (op->src, ==, "/usr/etc/os-release");
  op = wrappy_plan_find_op (plan, "/etc/passwd");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_FILE);
  g_assert_true (g_str_has_prefix (op->src, "alice:x:1000:1000:Alice  A:/home/alice:/bin/sh\n"));
  op = wrappy_plan_find_op (plan, "/etc/group");
  g_assert_true (g_str_has_prefix (op->src, "alice:x:1000:"));
  /* Network is not shared at full by default: no host DNS config. */
  g_assert_null (wrappy_plan_find_op (plan, "/etc/resolv.conf"));
  g_assert_null (wrappy_plan_find_op (plan, "/etc/hosts"));
  g_assert_nonnull (wrappy_plan_find_op (plan, "/etc/localtime"));
  g_assert_nonnull (wrappy_plan_find_op (plan, "/etc/machine-id"));
}

/* A loader cache made for the app replaces the runtime's (issue 17); the sandbox that
 * makes it gets its output dir writable. */
static void
test_etc_ld_cache (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyLaunchSpec) other = fake_spec ();
  g_autoptr (WrappyPlan) plain = plan_for (spec);
  g_autoptr (WrappyPlan) plan = NULL, gen = NULL;
  g_autofree char *key = wrappy_ldcache_key (spec), *other_key = NULL;
  WrappyLayer *gl;

  wrappy_test_assert_op (plain, "/etc/ld.so.cache", WRAPPY_OP_SYMLINK, "/usr/etc/ld.so.cache");
  spec->ld_cache = g_strdup ("/home/alice/.local/state/wrappy/org.example.Hello/ld.so/k");
  plan = plan_for (spec);
  assert_ro_bind (plan, spec->ld_cache, "/etc/ld.so.cache");
  g_assert_null (wrappy_plan_find_op (plan, WRAPPY_LD_CACHE_DIR));

  other->ld_cache_dir = g_strdup ("/home/alice/.local/state/wrappy/org.example.Hello/ld.so");
  gen = plan_for (other);
  wrappy_test_assert_op (gen, WRAPPY_LD_CACHE_DIR, WRAPPY_OP_BIND, other->ld_cache_dir);
  g_assert_false (wrappy_plan_find_op (gen, WRAPPY_LD_CACHE_DIR)->flags & WRAPPY_OP_FLAG_RO);

  /* The cache is named after every layer it covers. */
  g_assert_cmpuint (strlen (key), ==, 32);
  gl = other->deps->pdata[0];
  g_free (gl->host_path);
  gl->host_path = g_strdup ("/data/layers/gl33/files");
  other_key = wrappy_ldcache_key (other);
  g_assert_cmpstr (key, !=, other_key);
}

/* /.flatpak-info, when the spec carries one, is a read-only file at the root. */
static void
test_flatpak_info (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plain = plan_for (spec);
  g_autoptr (WrappyPlan) plan = NULL;
  const WrappyOp *op;

  g_assert_null (wrappy_plan_find_op (plain, "/.flatpak-info"));
  spec->flatpak_info = g_strdup ("[Application]\nname=org.example.Hello\n");
  plan = plan_for (spec);
  op = wrappy_plan_find_op (plan, "/.flatpak-info");
  g_assert_nonnull (op);
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_FILE);
  g_assert_cmpstr (op->src, ==, spec->flatpak_info);
  g_assert_cmpuint (op->mode, ==, 0444);
}

static void
test_etc_network (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL;
  const char *shared[] = { "network", NULL };

  spec->shared = g_strdupv ((char **)shared);
  plan = plan_for (spec);
  assert_ro_bind (plan, "/etc/resolv.conf", "/etc/resolv.conf");
  assert_ro_bind (plan, "/etc/hosts", "/etc/hosts");
  g_assert_false (plan->clone_flags & CLONE_NEWNET);
}

static void
test_dev (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = plan_for (spec);
  const char *nodes[]
      = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty" };
  const WrappyOp *op;

  g_assert_cmpint (wrappy_plan_find_op (plan, "/dev")->kind, ==, WRAPPY_OP_TMPFS);
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      op = wrappy_plan_find_op (plan, nodes[i]);
      g_assert_nonnull (op);
      g_assert_cmpint (op->kind, ==, WRAPPY_OP_BIND);
      g_assert_true (op->flags & WRAPPY_OP_FLAG_DEVICES);
    }
  g_assert_cmpint (wrappy_plan_find_op (plan, "/dev/pts")->kind, ==, WRAPPY_OP_DEVPTS);
  g_assert_cmpstr (wrappy_plan_find_op (plan, "/dev/ptmx")->src, ==, "pts/ptmx");
  g_assert_cmpint (wrappy_plan_find_op (plan, "/dev/shm")->kind, ==, WRAPPY_OP_TMPFS);
  g_assert_cmpstr (wrappy_plan_find_op (plan, "/dev/stdout")->src, ==, "/proc/self/fd/1");
  g_assert_null (wrappy_plan_find_op (plan, "/dev/dri"));

  /* Only these binds come from the host's /dev. */
  for (guint i = 0; i < plan->ops->len; i++)
    {
      op = plan->ops->pdata[i];
      if (op->kind == WRAPPY_OP_BIND && g_str_has_prefix (op->src, "/dev"))
        g_assert_true (g_strv_contains (nodes, op->src));
    }
}

static void
test_dev_dri (void)
{
  const char *devices[] = { "dri", NULL };
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL;
  g_autoptr (WrappyPlan) paranoid = NULL;
  const WrappyOp *op;

  spec->devices = g_strdupv ((char **)devices);
  plan = plan_for (spec);
  op = wrappy_plan_find_op (plan, "/dev/dri");
  g_assert_nonnull (op);
  g_assert_cmpstr (op->src, ==, "/dev/dri");
  g_assert_true (op->flags & WRAPPY_OP_FLAG_DEVICES);

  wrappy_test_set_level (spec, WRAPPY_ISOLATION_PARANOID);
  paranoid = plan_for (spec);
  g_assert_null (wrappy_plan_find_op (paranoid, "/dev/dri"));
}

static void
test_proc_sys (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = plan_for (spec);
  const WrappyOp *op;

  g_assert_cmpint (wrappy_plan_find_op (plan, "/proc")->kind, ==, WRAPPY_OP_PROC);
  op = wrappy_plan_find_op (plan, "/proc/sys");
  g_assert_true (op->flags & WRAPPY_OP_FLAG_RO);
  g_assert_true (op->flags & WRAPPY_OP_FLAG_SANDBOX_SRC);
  g_assert_cmpint (op_index (plan, "/proc"), <, op_index (plan, "/proc/sys"));
  assert_ro_bind (plan, "/sys/devices", "/sys/devices");
  g_assert_cmpint (wrappy_plan_find_op (plan, "/tmp")->kind, ==, WRAPPY_OP_TMPFS);
  g_assert_cmpint (wrappy_plan_find_op (plan, "/run/user/1000")->kind, ==, WRAPPY_OP_TMPFS);
}

static void
test_home (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = plan_for (spec);
  g_autoptr (WrappyPlan) tmpfs = NULL, host = NULL, none = NULL, overlay = NULL;
  g_autoptr (GError) error = NULL;
  WrappyHostFacts f;
  const WrappyOp *op;

  op = wrappy_plan_find_op (plan, "/home/alice");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_BIND);
  g_assert_cmpstr (op->src, ==, "/home/alice/.local/state/wrappy/org.example.Hello/home");
  g_assert_true (op->flags & WRAPPY_OP_FLAG_NOFOLLOW);
  g_assert_false (op->flags & WRAPPY_OP_FLAG_RO);
  g_assert_nonnull (wrappy_plan_find_op (plan, "/home/alice/.var/app/org.example.Hello/data"));
  g_assert_nonnull (
      wrappy_plan_find_op (plan, "/home/alice/.var/app/org.example.Hello/.local/state"));
  g_assert_cmpstr (plan->cwd, ==, "/home/alice");

  spec->home = WRAPPY_HOME_TMPFS;
  tmpfs = plan_for (spec);
  g_assert_cmpint (wrappy_plan_find_op (tmpfs, "/home/alice")->kind, ==, WRAPPY_OP_TMPFS);

  spec->home = WRAPPY_HOME_HOST;
  host = plan_for (spec);
  g_assert_cmpstr (wrappy_plan_find_op (host, "/home/alice")->src, ==, "/home/alice");

  spec->home = WRAPPY_HOME_OVERLAY;
  overlay = plan_for (spec);
  op = wrappy_plan_find_op (overlay, "/home/alice");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_OVERLAY);
  g_assert_cmpstr (op->src, ==, "/home/alice");
  g_assert_cmpstr (op->upper, ==, "/home/alice/.local/state/wrappy/org.example.Hello/home-upper");
  g_assert_cmpstr (op->work, ==, "/home/alice/.local/state/wrappy/org.example.Hello/home-work");
  g_assert_true (op->flags & WRAPPY_OP_FLAG_NOFOLLOW);
  g_clear_pointer (&spec->state_dir, g_free);
  fake_facts (&f);
  g_assert_null (wrappy_plan_new (spec, &f, &error));
  g_assert_nonnull (error);
  wrappy_host_facts_clear (&f);

  spec->home = WRAPPY_HOME_DEFAULT;
  wrappy_test_set_level (spec, WRAPPY_ISOLATION_NONE);
  none = plan_for (spec);
  g_assert_cmpstr (wrappy_plan_find_op (none, "/home")->src, ==, "/home");
}

static const char *
env_get (WrappyPlan *plan, const char *var)
{
  return g_environ_getenv (plan->envp, var);
}

static void
test_env (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = plan_for (spec);

  g_assert_null (env_get (plan, "LD_PRELOAD"));
  g_assert_null (env_get (plan, "LD_LIBRARY_PATH"));
  g_assert_null (env_get (plan, "LD_AUDIT"));
  g_assert_null (env_get (plan, "PYTHONPATH"));
  g_assert_null (env_get (plan, "GST_PLUGIN_PATH"));
  g_assert_cmpstr (env_get (plan, "TERM"), ==, "xterm");
  g_assert_cmpstr (env_get (plan, "PATH"), ==, "/app/bin:/usr/bin");
  g_assert_cmpstr (env_get (plan, "FLATPAK_ID"), ==, "org.example.Hello");
  g_assert_cmpstr (env_get (plan, "container"), ==, "wrappy");
  g_assert_cmpstr (env_get (plan, "HOME"), ==, "/home/alice");
  g_assert_cmpstr (env_get (plan, "XDG_RUNTIME_DIR"), ==, "/run/user/1000");
  g_assert_cmpstr (env_get (plan, "XDG_DATA_HOME"), ==,
                   "/home/alice/.var/app/org.example.Hello/data");
  g_assert_cmpstr (env_get (plan, "XDG_CONFIG_HOME"), ==,
                   "/home/alice/.var/app/org.example.Hello/config");
  g_assert_cmpstr (env_get (plan, "XDG_CACHE_HOME"), ==,
                   "/home/alice/.var/app/org.example.Hello/cache");
  g_assert_cmpstr (env_get (plan, "XDG_STATE_HOME"), ==,
                   "/home/alice/.var/app/org.example.Hello/.local/state");
  g_assert_cmpstr (env_get (plan, "XDG_CONFIG_DIRS"), ==, "/app/etc/xdg:/etc/xdg");
  /* The app's own variables win over the host's. */
  g_assert_cmpstr (env_get (plan, "APPVAR"), ==, "1");
  g_assert_cmpstr (env_get (plan, "LANG"), ==, "de_DE.UTF-8");
}

static void
test_env_app_may_set_loader_vars (void)
{
  const char *env[] = { "LD_LIBRARY_PATH=/app/lib/extra", NULL };
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL;

  g_strfreev (spec->env);
  spec->env = g_strdupv ((char **)env);
  plan = plan_for (spec);
  g_assert_cmpstr (env_get (plan, "LD_LIBRARY_PATH"), ==, "/app/lib/extra");
  g_assert_null (env_get (plan, "LD_PRELOAD"));
}

static void
test_namespaces (void)
{
  const int base = CLONE_NEWUSER | CLONE_NEWNS;
  const int full = base | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
  const char *shared[] = { "network", NULL };
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  struct
  {
    WrappyIsolation level;
    gboolean network;
    int flags;
  } cases[] = {
    { WRAPPY_ISOLATION_NONE, FALSE, base },
    { WRAPPY_ISOLATION_PARTIAL, FALSE, base | CLONE_NEWPID },
    { WRAPPY_ISOLATION_FULL, FALSE, full | CLONE_NEWNET },
    { WRAPPY_ISOLATION_FULL, TRUE, full },
    { WRAPPY_ISOLATION_PARANOID, FALSE, full | CLONE_NEWNET },
    { WRAPPY_ISOLATION_PARANOID, TRUE, full },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (WrappyPlan) plan = NULL;
      g_clear_pointer (&spec->shared, g_strfreev);
      if (cases[i].network)
        spec->shared = g_strdupv ((char **)shared);
      wrappy_test_set_level (spec, cases[i].level);
      plan = plan_for (spec);
      g_assert_cmphex (plan->clone_flags, ==, cases[i].flags);
    }
}

/* What the escape suite (tests/integration/test-escape.sh) attacks, as plan properties
 * at every level above none: the host's loader variables dropped, /dev a tmpfs with
 * only the harmless nodes, /tmp private, /usr read-only, the private home never
 * followed through a symlink. */
static void
test_escape_properties_per_level (void)
{
  const WrappyIsolation levels[]
      = { WRAPPY_ISOLATION_PARTIAL, WRAPPY_ISOLATION_FULL, WRAPPY_ISOLATION_PARANOID };
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autoptr (WrappyPlan) plan = NULL;
      const WrappyOp *op;

      wrappy_test_set_level (spec, levels[i]);
      plan = plan_for (spec);
      g_assert_null (env_get (plan, "LD_PRELOAD"));
      g_assert_null (env_get (plan, "LD_LIBRARY_PATH"));
      g_assert_cmpint (wrappy_plan_find_op (plan, "/dev")->kind, ==, WRAPPY_OP_TMPFS);
      g_assert_null (wrappy_plan_find_op (plan, "/dev/kmsg"));
      g_assert_null (wrappy_plan_find_op (plan, "/dev/mem"));
      g_assert_cmpint (wrappy_plan_find_op (plan, "/tmp")->kind, ==, WRAPPY_OP_TMPFS);
      /* The shared layer is only ever a lower layer: writes go to the app's upper. */
      assert_overlay (plan, "/data/layers/platform/files", "/usr",
                      "/home/alice/.local/state/wrappy/org.example.Hello/upper/usr");
      op = wrappy_plan_find_op (plan, "/home/alice");
      g_assert_nonnull (op);
      g_assert_true (op->flags & WRAPPY_OP_FLAG_NOFOLLOW);
    }
}

static void
test_argv (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = plan_for (spec);
  g_autoptr (GError) error = NULL;
  WrappyHostFacts f;

  g_assert_cmpuint (g_strv_length (plan->argv), ==, 3);
  g_assert_cmpstr (plan->argv[0], ==, "hello");
  g_assert_cmpstr (plan->argv[1], ==, "a b");
  g_assert_cmpstr (plan->argv[2], ==, "--isolation=none");

  g_clear_pointer (&spec->argv, g_strfreev);
  fake_facts (&f);
  g_assert_null (wrappy_plan_new (spec, &f, &error));
  g_assert_nonnull (error);
  wrappy_host_facts_clear (&f);
}

static void
test_bad_layer_mount (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (GError) error = NULL;
  WrappyHostFacts f;

  g_ptr_array_add (spec->deps, wrappy_layer_new ("/data/evil", "/etc"));
  fake_facts (&f);
  g_assert_null (wrappy_plan_new (spec, &f, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP);
  wrappy_host_facts_clear (&f);
}

static void
test_grants (void)
{
  const char *fs[] = { "/srv/data:ro", "~/Music", "/usr/lib", "xdg-download", "/tmp/x", NULL };
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL;
  const WrappyOp *op;

  spec->filesystems = g_strdupv ((char **)fs);
  plan = plan_for (spec);
  assert_ro_bind (plan, "/srv/data", "/srv/data");
  op = wrappy_plan_find_op (plan, "/home/alice/Music");
  g_assert_false (op->flags & WRAPPY_OP_FLAG_RO);
  g_assert_cmpint (op_index (plan, "/home/alice"), <, op_index (plan, "/home/alice/Music"));
  g_assert_nonnull (wrappy_plan_find_op (plan, "/tmp/x"));
  /* Reserved and named locations are not applied, and said so. */
  g_assert_cmpint (wrappy_plan_find_op (plan, "/usr/lib") == NULL, ==, TRUE);
  g_assert_cmpuint (g_strv_length (plan->notes), ==, 2);
}

static void
test_describe (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = plan_for (spec);
  g_auto (GStrv) lines = wrappy_plan_describe (plan);

  g_assert_cmpstr (lines[0], ==, "namespaces: user mount pid ipc uts cgroup net");
  g_assert_true (
      g_strv_contains ((const char *const *)lines,
                       "overlay /data/layers/platform/files -> /usr (upper "
                       "/home/alice/.local/state/wrappy/org.example.Hello/upper/usr) [nofollow]"));
  g_assert_true (g_strv_contains ((const char *const *)lines, "argv: 'a b'"));
  g_assert_true (g_strv_contains ((const char *const *)lines, "cwd: /home/alice"));
}

static void
test_layers_per_level (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) none = NULL, tmp = NULL, paranoid = NULL, partial = NULL;
  const WrappyOp *op;

  wrappy_test_set_level (spec, WRAPPY_ISOLATION_NONE);
  none = plan_for (spec);
  assert_ro_bind (none, "/data/layers/platform/files", "/usr");
  assert_ro_bind (none, "/data/layers/hello/files", "/app");

  wrappy_test_set_level (spec, WRAPPY_ISOLATION_PARTIAL);
  partial = plan_for (spec);
  assert_overlay (partial, "/data/layers/platform/files", "/usr",
                  "/home/alice/.local/state/wrappy/org.example.Hello/upper/usr");
  wrappy_test_set_level (spec, WRAPPY_ISOLATION_PARANOID);
  paranoid = plan_for (spec);
  op = wrappy_plan_find_op (paranoid, "/app");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_OVERLAY);
  g_assert_cmpstr (op->work, ==, "/home/alice/.local/state/wrappy/org.example.Hello/work/app");
  g_assert_cmpuint (op->mode, ==, 0755); /* the merged root's mode */
  /* Extensions are read-only binds after (on top of) the overlay. */
  g_assert_cmpint (op_index (paranoid, "/usr"), <, op_index (paranoid, "/usr/lib/GL/default"));

  spec->tmp_root = TRUE;
  tmp = plan_for (spec);
  assert_overlay (tmp, "/data/layers/platform/files", "/usr", NULL);
  g_assert_null (wrappy_plan_find_op (tmp, "/usr")->work);
  g_assert_false (wrappy_plan_find_op (tmp, "/usr")->flags & WRAPPY_OP_FLAG_NOFOLLOW);
}

static void
test_layers_without_state (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL;

  g_clear_pointer (&spec->state_dir, g_free);
  spec->home = WRAPPY_HOME_TMPFS;
  plan = plan_for (spec);
  /* Said, not silently read-only. */
  assert_ro_bind (plan, "/data/layers/platform/files", "/usr");
  g_assert_cmpuint (g_strv_length (plan->notes), ==, 2);
  g_assert_cmpstr (plan->state_dir, ==, NULL);
}

static WrappyPlan *
plan_with_user_dirs (WrappyLaunchSpec *spec)
{
  WrappyHostFacts f;
  g_autoptr (GError) error = NULL;
  WrappyPlan *plan;

  fake_facts (&f);
  f.user_dirs[G_USER_DIRECTORY_MUSIC] = g_strdup ("/home/alice/Music");
  f.user_dirs[G_USER_DIRECTORY_DOWNLOAD] = g_strdup ("/home/alice/Downloads");
  f.user_dirs[G_USER_DIRECTORY_VIDEOS] = g_strdup ("/home/alice"); /* unset: GLib's fallback */
  plan = wrappy_plan_new (spec, &f, &error);
  wrappy_host_facts_clear (&f);
  g_assert_no_error (error);
  return plan;
}

static void
test_named_grants (void)
{
  const char *fs[] = { "xdg-music:ro", "xdg-download/inbox", "xdg-videos", "host-etc", NULL };
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL, paranoid = NULL;
  const WrappyOp *op;

  spec->filesystems = g_strdupv ((char **)fs);
  plan = plan_with_user_dirs (spec);
  assert_ro_bind (plan, "/home/alice/Music", "/home/alice/Music");
  op = wrappy_plan_find_op (plan, "/home/alice/Downloads/inbox");
  g_assert_nonnull (op);
  g_assert_false (op->flags & WRAPPY_OP_FLAG_RO);
  /* xdg-videos is unset (it would be the home itself): said, not applied. */
  g_assert_cmpuint (g_strv_length (plan->notes), ==, 1);
  assert_ro_bind (plan, "/etc", "/run/host/etc");

  /* Read-only at paranoid is the policy's mark (test-policy.c), not the plan's. */
  g_strfreev (spec->filesystems);
  spec->filesystems = g_strsplit ("xdg-download/inbox:ro", ",", -1);
  paranoid = plan_with_user_dirs (spec);
  op = wrappy_plan_find_op (paranoid, "/home/alice/Downloads/inbox");
  g_assert_true (op->flags & WRAPPY_OP_FLAG_RO);
}

/* host-os, the XDG base-dir grants, xdg-run and :create. */
static void
test_system_and_base_dir_grants (void)
{
  const char *fs[]
      = { "host-os", "xdg-config/app:ro", "xdg-data/app",  "xdg-cache/app",    "xdg-run/app.sock",
          "xdg-run", "xdg-run/../x",      "~/made:create", "/srv/made:create", NULL };
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL;
  const WrappyOp *op;
  WrappyHostFacts f;
  g_autoptr (GError) error = NULL;

  spec->filesystems = g_strdupv ((char **)fs);
  fake_facts (&f);
  f.env = g_environ_setenv (f.env, "XDG_RUNTIME_DIR", "/run/user/1000", TRUE);
  f.env = g_environ_setenv (f.env, "XDG_CACHE_HOME", "relative/is/ignored", TRUE);
  plan = wrappy_plan_new (spec, &f, &error);
  wrappy_host_facts_clear (&f);
  g_assert_no_error (error);

  assert_ro_bind (plan, "/usr", "/run/host/usr");
  assert_ro_bind (plan, "/lib64", "/run/host/lib64");
  assert_ro_bind (plan, "/usr/lib/os-release", "/run/host/os-release");
  assert_ro_bind (plan, "/home/alice/.config/app", "/home/alice/.config/app");
  /* From XDG_DATA_HOME; XDG_CACHE_HOME is not absolute, so the default. */
  g_assert_nonnull (wrappy_plan_find_op (plan, "/home/alice/.local/share/app"));
  g_assert_nonnull (wrappy_plan_find_op (plan, "/home/alice/.cache/app"));
  op = wrappy_plan_find_op (plan, "/run/user/1000/app.sock");
  g_assert_nonnull (op);
  g_assert_cmpstr (op->src, ==, "/run/user/1000/app.sock");
  /* The whole runtime dir, and anything escaping it, are not granted. */
  g_assert_null (wrappy_plan_find_op (plan, "/run/user/x"));
  g_assert_null (wrappy_plan_find_op (plan, "/run/x"));
  /* :create under the home only. */
  op = wrappy_plan_find_op (plan, "/home/alice/made");
  g_assert_true (op->flags & WRAPPY_OP_FLAG_CREATE);
  op = wrappy_plan_find_op (plan, "/srv/made");
  g_assert_false (op->flags & WRAPPY_OP_FLAG_CREATE);
  g_assert_cmpuint (g_strv_length (plan->notes), ==, 2);
}

static void
test_grant_home_and_host (void)
{
  const char *home[] = { "home", NULL };
  const char *host[] = { "host:rw", NULL };
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL, paranoid = NULL, explicit = NULL, hostp = NULL;
  const WrappyOp *op;

  spec->filesystems = g_strdupv ((char **)home);
  plan = plan_for (spec);
  op = wrappy_plan_find_op (plan, "/home/alice");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_BIND);
  g_assert_cmpstr (op->src, ==, "/home/alice");
  g_assert_false (op->flags & WRAPPY_OP_FLAG_RO);

  g_strfreev (spec->filesystems);
  spec->filesystems = g_strsplit ("home:ro", ",", -1);
  paranoid = plan_for (spec);
  assert_ro_bind (paranoid, "/home/alice", "/home/alice");

  /* A home mode from the command line wins over the app's grant. */
  wrappy_test_set_level (spec, WRAPPY_ISOLATION_FULL);
  spec->home = WRAPPY_HOME_PRIVATE;
  explicit = plan_for (spec);
  op = wrappy_plan_find_op (explicit, "/home/alice");
  g_assert_cmpstr (op->src, ==, "/home/alice/.local/state/wrappy/org.example.Hello/home");
  g_assert_cmpuint (g_strv_length (explicit->notes), ==, 1);

  spec->home = WRAPPY_HOME_DEFAULT;
  wrappy_test_set_level (spec, WRAPPY_ISOLATION_PARANOID);
  g_strfreev (spec->filesystems);
  spec->filesystems = g_strdupv ((char **)host);
  hostp = plan_for (spec);
  op = wrappy_plan_find_op (hostp, "/home/alice");
  g_assert_false (op->flags & WRAPPY_OP_FLAG_RO); /* marked rw */
  g_assert_nonnull (wrappy_plan_find_op (hostp, "/media"));
  g_assert_nonnull (wrappy_plan_find_op (hostp, "/run/media"));
  g_assert_null (wrappy_plan_find_op (hostp, "/etc/hosts")); /* no network: not the host's */
}

static void
test_binds (void)
{
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL;
  g_autoptr (GError) error = NULL;
  WrappyBind *cfg;
  WrappyHostFacts f;
  const WrappyOp *op;

  g_ptr_array_add (spec->binds, wrappy_bind_new ("/srv/src", "/opt/dst", FALSE));
  g_ptr_array_add (spec->binds, wrappy_bind_new ("/srv/ro", "/opt/dst/ro", TRUE));
  g_ptr_array_add (spec->binds,
                   wrappy_bind_new ("/host/run/wayland-1", "/run/user/1000/wayland-1", TRUE));
  cfg = wrappy_bind_new ("/srv/x", "/etc/x", TRUE);
  cfg->optional = TRUE;
  g_ptr_array_add (spec->binds, cfg);
  plan = plan_for (spec);
  op = wrappy_plan_find_op (plan, "/opt/dst");
  g_assert_cmpstr (op->src, ==, "/srv/src");
  g_assert_false (op->flags & WRAPPY_OP_FLAG_RO);
  assert_ro_bind (plan, "/srv/ro", "/opt/dst/ro");
  g_assert_cmpint (op_index (plan, "/opt/dst"), <, op_index (plan, "/opt/dst/ro"));
  /* Sockets may go into the sandbox's runtime dir, after its tmpfs. */
  assert_ro_bind (plan, "/host/run/wayland-1", "/run/user/1000/wayland-1");
  g_assert_cmpint (op_index (plan, "/run/user/1000"), <,
                   op_index (plan, "/run/user/1000/wayland-1"));
  /* A config line's reserved destination is a note; /etc/x is not bound. */
  g_assert_cmpint (wrappy_plan_find_op (plan, "/etc/x") == NULL, ==, TRUE);
  g_assert_cmpuint (g_strv_length (plan->notes), ==, 1);

  for (guint i = 0; i < 4; i++)
    {
      const char *bad[] = { "/usr/lib", "relative", "/srv/../usr", "/run/user/1000" };
      g_autoptr (WrappyLaunchSpec) s = fake_spec ();
      g_ptr_array_add (s->binds, wrappy_bind_new ("/srv/src", bad[i], FALSE));
      fake_facts (&f);
      g_assert_null (wrappy_plan_new (s, &f, &error));
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE);
      g_clear_error (&error);
      wrappy_host_facts_clear (&f);
    }
}

/* The syscall filter follows the isolation level: none below full, Flatpak's list at
 * full, the strict one at paranoid; --verbose says which. */
static void
test_seccomp_level (void)
{
  static const struct
  {
    WrappyIsolation isolation;
    WrappySeccompLevel seccomp;
    const char *line;
  } cases[] = {
    { WRAPPY_ISOLATION_NONE, WRAPPY_SECCOMP_NONE, "seccomp: none" },
    { WRAPPY_ISOLATION_PARTIAL, WRAPPY_SECCOMP_NONE, "seccomp: none" },
    { WRAPPY_ISOLATION_FULL, WRAPPY_SECCOMP_FLATPAK, "seccomp: flatpak" },
    { WRAPPY_ISOLATION_PARANOID, WRAPPY_SECCOMP_STRICT, "seccomp: strict" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
      g_autoptr (WrappyPlan) plan = NULL;
      g_auto (GStrv) lines = NULL;

      wrappy_test_set_level (spec, cases[i].isolation);
      plan = plan_for (spec);
      lines = wrappy_plan_describe (plan);
      g_assert_cmpint (plan->seccomp, ==, cases[i].seccomp);
      g_assert_true (g_strv_contains ((const char *const *)lines, cases[i].line));
    }
}

/* The plan for spec on the fake facts, with the home at root (a real temporary dir). */
static WrappyPlan *
plan_with_home (const WrappyLaunchSpec *spec, const char *root)
{
  g_autoptr (GError) error = NULL;
  WrappyHostFacts f;
  WrappyPlan *plan;

  fake_facts (&f);
  g_free (f.home);
  f.home = g_strdup (root);
  plan = wrappy_plan_new (spec, &f, &error);
  wrappy_host_facts_clear (&f);
  g_assert_no_error (error);
  return plan;
}

/* Issue 16, finding 1: wrappy's own dirs under a home grant are hidden (an empty
 * read-only tmpfs) or read-only; a grant inside a hidden one is dropped, one inside a
 * read-only one made read-only; the app's own state stays bindable. */
static void
test_protect (void)
{
  g_autofree char *root = g_dir_make_tmp ("wrappy-protect-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (root, ".config/wrappy", NULL);
  g_autofree char *apps = g_build_filename (root, ".local/share/applications", NULL);
  g_autofree char *state = g_build_filename (root, ".local/state/wrappy", NULL);
  g_autofree char *own = g_build_filename (state, "org.example.Hello", NULL);
  g_autofree char *own_data = g_build_filename (own, "snap-data", NULL);
  g_autofree char *missing = g_build_filename (root, ".cache/wrappy", NULL);
  g_autofree char *inside = g_build_filename (config, "overrides", NULL);
  g_autofree char *launcher = g_build_filename (apps, "x", NULL);
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL;
  const WrappyOp *op;

  g_assert_cmpint (g_mkdir_with_parents (inside, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (launcher, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (own_data, 0700), ==, 0);
  g_ptr_array_add (spec->protect, wrappy_protect_new (config, WRAPPY_PROTECT_HIDE));
  g_ptr_array_add (spec->protect, wrappy_protect_new (state, WRAPPY_PROTECT_HIDE));
  g_ptr_array_add (spec->protect, wrappy_protect_new (missing, WRAPPY_PROTECT_HIDE));
  g_ptr_array_add (spec->protect, wrappy_protect_new (apps, WRAPPY_PROTECT_RO));
  g_free (spec->state_dir);
  spec->state_dir = g_strdup (own);
  spec->home = WRAPPY_HOME_HOST;
  g_ptr_array_add (spec->binds, wrappy_bind_new (inside, "/opt/overrides", FALSE));
  g_ptr_array_add (spec->binds, wrappy_bind_new (launcher, "/opt/launcher", FALSE));
  g_ptr_array_add (spec->binds, wrappy_bind_new (own_data, "/var/snap/x", FALSE));
  plan = plan_with_home (spec, root);

  op = wrappy_plan_find_op (plan, config);
  g_assert_nonnull (op);
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_TMPFS);
  g_assert_true (op->flags & WRAPPY_OP_FLAG_RO);
  g_assert_cmpint (wrappy_plan_find_op (plan, state)->kind, ==, WRAPPY_OP_TMPFS);
  g_assert_null (wrappy_plan_find_op (plan, missing));
  op = wrappy_plan_find_op (plan, apps);
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_BIND);
  g_assert_true (op->flags & WRAPPY_OP_FLAG_SANDBOX_SRC);
  g_assert_true (op->flags & WRAPPY_OP_FLAG_RO);
  /* After the home: the masks are the last word on these paths. */
  g_assert_cmpint (wrappy_test_op_index (plan, config), >, wrappy_test_op_index (plan, root));
  g_assert_null (wrappy_plan_find_op (plan, "/opt/overrides"));
  g_assert_true (wrappy_plan_find_op (plan, "/opt/launcher")->flags & WRAPPY_OP_FLAG_RO);
  g_assert_nonnull (wrappy_plan_find_op (plan, "/var/snap/x"));
  wrappy_rm_rf_at (AT_FDCWD, root, NULL);
}

/* Issue 16, item 3: under a read-write home grant, the parents of protected paths are
 * mount points (pinned: the kernel does not rename them), and the dirs that hold the
 * files that make the host run code are split: the app's own home there, each host entry
 * bound on top (a symlink made as a symlink), new mount points listed as stubs. */
static void
test_protect_split (void)
{
  g_autofree char *root = g_dir_make_tmp ("wrappy-split-XXXXXX", NULL);
  g_autofree char *state = g_build_filename (root, ".local/state/wrappy/org.example.Hello", NULL);
  g_autofree char *own_home = g_build_filename (state, "home", NULL);
  g_autofree char *config = g_build_filename (root, ".config", NULL);
  g_autofree char *wrappy_config = g_build_filename (config, "wrappy", NULL);
  g_autofree char *docs = g_build_filename (root, "Documents", NULL);
  g_autofree char *profile = g_build_filename (root, ".profile", NULL);
  g_autofree char *bash_profile = g_build_filename (root, ".bash_profile", NULL);
  g_autofree char *autostart = g_build_filename (config, "autostart", NULL);
  g_autofree char *link = g_build_filename (root, "link", NULL);
  g_autofree char *docs_stub = g_build_filename (own_home, "Documents", NULL);
  g_autofree char *config_base = g_build_filename (own_home, ".config", NULL);
  const char *fs[] = { "home", NULL };
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL;
  const WrappyOp *op;
  WrappyProtect *p;

  g_assert_cmpint (g_mkdir_with_parents (wrappy_config, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (docs, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (own_home, 0700), ==, 0);
  g_assert_true (g_file_set_contents (profile, "# profile\n", -1, NULL));
  g_assert_cmpint (symlink ("Documents", link), ==, 0);
  g_ptr_array_add (spec->protect, wrappy_protect_new (wrappy_config, WRAPPY_PROTECT_HIDE));
  for (const char *const *path = (const char *const[]){ profile, bash_profile, autostart, NULL };
       *path; path++)
    {
      p = wrappy_protect_new (*path, WRAPPY_PROTECT_RO);
      p->guard_missing = TRUE;
      g_ptr_array_add (spec->protect, p);
    }
  g_free (spec->state_dir);
  spec->state_dir = g_strdup (state);
  wrappy_test_set_level (spec, WRAPPY_ISOLATION_FULL);
  spec->filesystems = g_strdupv ((char **)fs);
  plan = plan_with_home (spec, root);

  /* The home: the app's own over the grant's. */
  wrappy_test_assert_op (plan, root, WRAPPY_OP_BIND, own_home);
  /* Its entries are the host's, after it. */
  wrappy_test_assert_op (plan, docs, WRAPPY_OP_BIND, docs);
  g_assert_cmpint (op_index (plan, docs), >, op_index (plan, root));
  wrappy_test_assert_op (plan, link, WRAPPY_OP_SYMLINK, "Documents");
  /* ~/.config is split too (autostart is missing): the app's own .config over the host's. */
  wrappy_test_assert_op (plan, config, WRAPPY_OP_BIND, config_base);
  g_assert_cmpint (op_index (plan, config), >, op_index (plan, root));
  /* The existing start-up file is read-only; the missing ones are left to the app's home
   * (their masks are optional: nothing to mount, nothing made). */
  op = wrappy_plan_find_op (plan, profile);
  g_assert_true (op->flags & WRAPPY_OP_FLAG_RO);
  g_assert_true (wrappy_plan_find_op (plan, bash_profile)->flags & WRAPPY_OP_FLAG_OPTIONAL);
  g_assert_true (wrappy_plan_find_op (plan, autostart)->flags & WRAPPY_OP_FLAG_OPTIONAL);
  /* wrappy's config is hidden, after ~/.config's entries. */
  op = wrappy_plan_find_op (plan, wrappy_config);
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_TMPFS);
  /* Stubs: the mount points made in the app's home (not the home itself, which exists). */
  g_assert_true (g_strv_contains ((const char *const *)plan->stubs, docs_stub));
  g_assert_true (g_strv_contains ((const char *const *)plan->stubs, config_base));
  g_assert_false (g_strv_contains ((const char *const *)plan->stubs, own_home));
  /* Removed only while empty. */
  g_assert_cmpint (g_mkdir_with_parents (docs_stub, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (config_base, 0755), ==, 0);
  g_assert_true (g_file_set_contents (g_build_filename (config_base, "kept", NULL), "x", -1, NULL));
  wrappy_plan_remove_stubs (plan->stubs);
  g_assert_false (g_file_test (docs_stub, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (config_base, G_FILE_TEST_IS_DIR));

  /* A tmpfs home: the split dirs are tmpfs, no stubs. */
  g_clear_pointer (&plan, wrappy_plan_free);
  spec->home = WRAPPY_HOME_TMPFS;
  g_strfreev (spec->filesystems);
  spec->filesystems = g_strsplit ("~/.config", ",", -1);
  plan = plan_with_home (spec, root);
  g_assert_cmpint (wrappy_plan_find_op (plan, config)->kind, ==, WRAPPY_OP_TMPFS);
  g_assert_null (plan->stubs);
  wrappy_rm_rf_at (AT_FDCWD, root, NULL);
}

/* Issue 16, finding 5: with the policy's allowlist only the variables it names reach
 * the app; with host facts hidden, /proc/cmdline is masked and the hostname neutral;
 * with a network of its own, the host's network devices are not listed. */
static void
test_host_facts_hidden (void)
{
  const char *allow[] = { "LANG", "LC_*", NULL };
  g_autoptr (WrappyLaunchSpec) spec = fake_spec ();
  g_autoptr (WrappyPlan) plan = NULL, partial = NULL;
  const WrappyOp *op;

  spec->host_env = g_strdupv ((char **)allow);
  spec->hide_host_facts = TRUE;
  plan = plan_for (spec);
  g_assert_null (g_environ_getenv (plan->envp, "TERM"));
  g_assert_cmpstr (g_environ_getenv (plan->envp, "LANG"), ==, "de_DE.UTF-8"); /* spec's */
  g_assert_cmpstr (g_environ_getenv (plan->envp, "APPVAR"), ==, "1");
  g_assert_nonnull (g_environ_getenv (plan->envp, "PATH"));
  op = wrappy_plan_find_op (plan, "/proc/cmdline");
  g_assert_nonnull (op);
  g_assert_cmpstr (op->src, ==, "/dev/null");
  g_assert_false (op->flags & WRAPPY_OP_FLAG_DEVICES); /* nodev: opening it fails */
  g_assert_cmpstr (plan->hostname, ==, "wrappy");
  g_assert_cmpint (wrappy_plan_find_op (plan, "/etc/hostname")->kind, ==, WRAPPY_OP_FILE);
  op = wrappy_plan_find_op (plan, "/sys/class/net");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_TMPFS);
  g_assert_cmpint (wrappy_test_op_index (plan, "/sys/class/net"), >,
                   wrappy_test_op_index (plan, "/sys/class"));
  op = wrappy_plan_find_op (plan, "/sys/devices/pci0000:00/0000:00:03.0/virtio2/net");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_TMPFS);
  g_assert_cmpint (wrappy_test_op_index (plan, "/sys/devices/pci0000:00/0000:00:03.0/virtio2/net"),
                   >, wrappy_test_op_index (plan, "/sys/devices"));

  /* partial: the caller's environment minus the loader's, the host's facts. */
  g_clear_pointer (&spec->host_env, g_strfreev);
  spec->hide_host_facts = FALSE;
  wrappy_test_set_level (spec, WRAPPY_ISOLATION_PARTIAL);
  partial = plan_for (spec);
  g_assert_cmpstr (g_environ_getenv (partial->envp, "TERM"), ==, "xterm");
  g_assert_null (wrappy_plan_find_op (partial, "/proc/cmdline"));
  g_assert_null (partial->hostname);
  g_assert_null (wrappy_plan_find_op (partial, "/sys/class/net"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plan/layers", test_layers);
  g_test_add_func ("/plan/no-host-root", test_no_host_root);
  g_test_add_func ("/plan/etc", test_etc);
  g_test_add_func ("/plan/etc-ld-cache", test_etc_ld_cache);
  g_test_add_func ("/plan/flatpak-info", test_flatpak_info);
  g_test_add_func ("/plan/etc-network", test_etc_network);
  g_test_add_func ("/plan/dev", test_dev);
  g_test_add_func ("/plan/dev-dri", test_dev_dri);
  g_test_add_func ("/plan/proc-sys", test_proc_sys);
  g_test_add_func ("/plan/home", test_home);
  g_test_add_func ("/plan/env", test_env);
  g_test_add_func ("/plan/env-app-loader-vars", test_env_app_may_set_loader_vars);
  g_test_add_func ("/plan/namespaces", test_namespaces);
  g_test_add_func ("/plan/escape-properties-per-level", test_escape_properties_per_level);
  g_test_add_func ("/plan/argv", test_argv);
  g_test_add_func ("/plan/bad-layer-mount", test_bad_layer_mount);
  g_test_add_func ("/plan/grants", test_grants);
  g_test_add_func ("/plan/describe", test_describe);
  g_test_add_func ("/plan/layers-per-level", test_layers_per_level);
  g_test_add_func ("/plan/layers-without-state", test_layers_without_state);
  g_test_add_func ("/plan/named-grants", test_named_grants);
  g_test_add_func ("/plan/grant-home-and-host", test_grant_home_and_host);
  g_test_add_func ("/plan/system-and-base-dir-grants", test_system_and_base_dir_grants);
  g_test_add_func ("/plan/binds", test_binds);
  g_test_add_func ("/plan/protect", test_protect);
  g_test_add_func ("/plan/protect-split", test_protect_split);
  g_test_add_func ("/plan/host-facts-hidden", test_host_facts_hidden);
  g_test_add_func ("/plan/seccomp-level", test_seccomp_level);
  return g_test_run ();
}
