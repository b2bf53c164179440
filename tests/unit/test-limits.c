/* Resource limits as data: option parsing, each level's defaults, the mechanism chosen
 * for a faked host (delegated cgroup or not, root or not), and what `wrappy run` says;
 * finding the cgroup v2 tree from /proc texts. Only /limits/runtime-cgroup creates a
 * cgroup, and only where this process may (root, or a delegated cgroup). */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wrappy-error.h"
#include "wrappy-limits.h"

#define GiB (G_GUINT64_CONSTANT (1) << 30)
#define MiB (G_GUINT64_CONSTANT (1) << 20)

static void
test_parse_memory (void)
{
  static const struct
  {
    const char *in;
    guint64 out;
  } good[] = {
    { "512M", 512 * MiB }, { "2G", 2 * GiB },  { "2g", 2 * GiB },    { "1.5G", 3 * GiB / 2 },
    { "64MiB", 64 * MiB }, { "1048576", MiB }, { "4096K", 4 * MiB }, { "1T", 1024 * GiB },
  };
  static const char *const bad[] = { "abc", "",  "-1G", "0",   "0M",  "12X",
                                     "1GG", "G", "1e9", " 1G", "100", "99999999999999999999" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      guint64 v = 0;
      g_assert_true (wrappy_limits_parse_memory (good[i].in, &v, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (v, ==, good[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      guint64 v = 0;
      g_assert_false (wrappy_limits_parse_memory (bad[i], &v, &error));
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE);
    }
}

static void
test_parse_pids_cpus (void)
{
  static const char *const bad_pids[] = { "0", "-3", "x", "1.5", "", "4194305" };
  static const char *const bad_cpus[] = { "0", "0.001", "x", "-1", "", "1,5", "5000" };
  g_autoptr (GError) error = NULL;
  guint64 pids = 0;
  guint cpus = 0;

  g_assert_true (wrappy_limits_parse_pids ("100", &pids, &error));
  g_assert_cmpuint (pids, ==, 100);
  g_assert_true (wrappy_limits_parse_cpus ("1.5", &cpus, &error));
  g_assert_cmpuint (cpus, ==, 1500);
  g_assert_true (wrappy_limits_parse_cpus ("0.25", &cpus, &error));
  g_assert_cmpuint (cpus, ==, 250);
  g_assert_true (wrappy_limits_parse_cpus ("2", &cpus, &error));
  g_assert_cmpuint (cpus, ==, 2000);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (bad_pids); i++)
    {
      g_autoptr (GError) e = NULL;
      g_assert_false (wrappy_limits_parse_pids (bad_pids[i], &pids, &e));
      g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_USAGE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_cpus); i++)
    {
      g_autoptr (GError) e = NULL;
      g_assert_false (wrappy_limits_parse_cpus (bad_cpus[i], &cpus, &e));
      g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_USAGE);
    }
}

static void
facts_cgroup (WrappyLimitsFacts *f, guint controllers)
{
  memset (f, 0, sizeof *f);
  f->ram_bytes = 16 * GiB;
  f->n_cpus = 8;
  f->cgroup_parent = g_strdup ("/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service");
  f->cgroup_controllers = controllers;
}

static void
facts_no_cgroup (WrappyLimitsFacts *f, gboolean root)
{
  memset (f, 0, sizeof *f);
  f->ram_bytes = 4 * GiB;
  f->n_cpus = 2;
  f->is_root = root;
  f->cgroup_missing = g_strdup ("/sys/fs/cgroup is not a cgroup v2 hierarchy");
}

static void
test_levels (void)
{
  WrappyLimits none = { 0 }, asked = { 512 * MiB, 100, 0 };
  WrappyLimitsFacts f;
  WrappyLimitsPlan p;

  facts_cgroup (&f, WRAPPY_LIMIT_MEMORY | WRAPPY_LIMIT_PIDS | WRAPPY_LIMIT_CPU);
  /* full without options: nothing, and nothing to probe. */
  g_assert_false (wrappy_limits_wanted (&none, WRAPPY_ISOLATION_FULL));
  g_assert_cmpuint (wrappy_limits_controllers (&none, WRAPPY_ISOLATION_FULL), ==, 0);
  g_assert_true (wrappy_limits_plan_init (&p, &none, WRAPPY_ISOLATION_FULL, "a.b.C", &f, NULL));
  g_assert_cmpint (p.memory_via, ==, WRAPPY_LIMIT_VIA_NONE);
  g_assert_null (wrappy_limits_plan_describe (&p));
  wrappy_limits_plan_clear (&p);

  /* paranoid: memory and pids by default; min(4 GiB, half of RAM). */
  g_assert_cmpuint (wrappy_limits_controllers (&none, WRAPPY_ISOLATION_PARANOID), ==,
                    WRAPPY_LIMIT_MEMORY | WRAPPY_LIMIT_PIDS);
  g_assert_true (wrappy_limits_plan_init (&p, &none, WRAPPY_ISOLATION_PARANOID, "a.b.C", &f, NULL));
  g_assert_cmpuint (p.limits.memory, ==, 4 * GiB);
  g_assert_cmpuint (p.limits.pids, ==, WRAPPY_LIMITS_PARANOID_PIDS);
  g_assert_cmpuint (p.limits.cpus, ==, 0);
  g_assert_cmpint (p.memory_via, ==, WRAPPY_LIMIT_VIA_CGROUP);
  wrappy_limits_plan_clear (&p);
  f.ram_bytes = 3 * GiB;
  g_assert_true (wrappy_limits_plan_init (&p, &none, WRAPPY_ISOLATION_PARANOID, "a.b.C", &f, NULL));
  g_assert_cmpuint (p.limits.memory, ==, 3 * GiB / 2);
  wrappy_limits_plan_clear (&p);
  /* ... overridable. */
  g_assert_true (
      wrappy_limits_plan_init (&p, &asked, WRAPPY_ISOLATION_PARANOID, "a.b.C", &f, NULL));
  g_assert_cmpuint (p.limits.memory, ==, 512 * MiB);
  g_assert_cmpuint (p.limits.pids, ==, 100);
  wrappy_limits_plan_clear (&p);

  /* none and partial: no limits; asking is a usage error, not silently ignored. */
  for (WrappyIsolation l = WRAPPY_ISOLATION_NONE; l <= WRAPPY_ISOLATION_PARTIAL; l++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (wrappy_limits_plan_init (&p, &none, l, "a.b.C", &f, NULL));
      g_assert_null (wrappy_limits_plan_describe (&p));
      wrappy_limits_plan_clear (&p);
      g_assert_false (wrappy_limits_plan_init (&p, &asked, l, "a.b.C", &f, &error));
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE);
      g_assert_nonnull (strstr (error->message, "--isolation=full"));
      wrappy_limits_plan_clear (&p);
    }
  wrappy_limits_facts_clear (&f);
}

static void
test_cgroup (void)
{
  WrappyLimits asked = { 512 * MiB, 100, 1500 };
  g_autofree char *line = NULL;
  WrappyLimitsFacts f;
  WrappyLimitsPlan p;

  facts_cgroup (&f, WRAPPY_LIMIT_MEMORY | WRAPPY_LIMIT_PIDS | WRAPPY_LIMIT_CPU);
  g_assert_true (wrappy_limits_plan_init (&p, &asked, WRAPPY_ISOLATION_FULL, "a.b.C", &f, NULL));
  g_assert_cmpint (p.memory_via, ==, WRAPPY_LIMIT_VIA_CGROUP);
  g_assert_cmpint (p.pids_via, ==, WRAPPY_LIMIT_VIA_CGROUP);
  g_assert_cmpint (p.cpus_via, ==, WRAPPY_LIMIT_VIA_CGROUP);
  g_assert_cmpstr (p.cgroup_path, ==,
                   "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/wrappy-a.b.C");
  line = wrappy_limits_plan_describe (&p);
  g_assert_cmpstr (line, ==,
                   "limits: memory 512 MiB, pids 100, cpus 1.5 via cgroup "
                   "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/wrappy-a.b.C-PID");
  wrappy_limits_plan_clear (&p);
  g_clear_pointer (&line, g_free);

  /* A cgroup without the cpu controller: cpus falls back to affinity, said so. */
  f.cgroup_controllers = WRAPPY_LIMIT_MEMORY | WRAPPY_LIMIT_PIDS;
  f.cgroup_missing = g_strdup ("not every controller is delegated");
  g_assert_true (wrappy_limits_plan_init (&p, &asked, WRAPPY_ISOLATION_FULL, "a.b.C", &f, NULL));
  g_assert_cmpint (p.cpus_via, ==, WRAPPY_LIMIT_VIA_RLIMIT);
  line = wrappy_limits_plan_describe (&p);
  g_assert_nonnull (strstr (line, "memory 512 MiB, pids 100 via cgroup"));
  g_assert_nonnull (strstr (line, "cpus 1.5 as CPU affinity (2 of 8 CPUs"));
  g_assert_nonnull (strstr (line, "not every controller is delegated"));
  wrappy_limits_plan_clear (&p);
  wrappy_limits_facts_clear (&f);
}

static void
test_rlimits (void)
{
  WrappyLimits asked = { 64 * MiB, 20, 1000 }, none = { 0 };
  g_autofree char *line = NULL;
  WrappyLimitsFacts f;
  WrappyLimitsPlan p;

  facts_no_cgroup (&f, FALSE);
  g_assert_true (wrappy_limits_plan_init (&p, &asked, WRAPPY_ISOLATION_FULL, "a.b.C", &f, NULL));
  g_assert_cmpint (p.memory_via, ==, WRAPPY_LIMIT_VIA_RLIMIT);
  g_assert_cmpint (p.pids_via, ==, WRAPPY_LIMIT_VIA_RLIMIT);
  g_assert_cmpint (p.cpus_via, ==, WRAPPY_LIMIT_VIA_RLIMIT);
  g_assert_null (p.cgroup_path);
  line = wrappy_limits_plan_describe (&p);
  g_assert_cmpstr (
      line, ==,
      "limits: memory 64 MiB as RLIMIT_AS (address space, not resident memory), "
      "pids 20 as RLIMIT_NPROC (per user), cpus 1 as CPU affinity (1 of 2 CPUs, not "
      "a time share); no delegated cgroup: /sys/fs/cgroup is not a cgroup v2 hierarchy");
  wrappy_limits_plan_clear (&p);
  g_clear_pointer (&line, g_free);

  /* paranoid's default memory is not turned into RLIMIT_AS: reported instead. */
  g_assert_true (wrappy_limits_plan_init (&p, &none, WRAPPY_ISOLATION_PARANOID, "a.b.C", &f, NULL));
  g_assert_cmpint (p.memory_via, ==, WRAPPY_LIMIT_VIA_SKIPPED);
  g_assert_cmpint (p.pids_via, ==, WRAPPY_LIMIT_VIA_RLIMIT);
  line = wrappy_limits_plan_describe (&p);
  g_assert_nonnull (strstr (line, "memory 2 GiB not applied (as RLIMIT_AS it would break"));
  g_assert_nonnull (strstr (line, "pids 4096 as RLIMIT_NPROC"));
  wrappy_limits_plan_clear (&p);
  g_clear_pointer (&line, g_free);
  wrappy_limits_facts_clear (&f);

  /* root is not bound by RLIMIT_NPROC. */
  facts_no_cgroup (&f, TRUE);
  g_assert_true (wrappy_limits_plan_init (&p, &asked, WRAPPY_ISOLATION_FULL, "a.b.C", &f, NULL));
  g_assert_cmpint (p.pids_via, ==, WRAPPY_LIMIT_VIA_SKIPPED);
  line = wrappy_limits_plan_describe (&p);
  g_assert_nonnull (strstr (line, "pids 20 not applied"));
  g_assert_nonnull (strstr (line, "pids 20 not applied (RLIMIT_NPROC does not bind root)"));
  wrappy_limits_plan_clear (&p);
  wrappy_limits_facts_clear (&f);
}

static void
test_runtime_rlimits (void)
{
  WrappyLimits asked = { 64 * MiB, 20, 1000 };
  WrappyLimitsRuntime rt;
  WrappyLimitsFacts f;
  WrappyLimitsPlan p;

  facts_no_cgroup (&f, FALSE);
  g_assert_true (wrappy_limits_plan_init (&p, &asked, WRAPPY_ISOLATION_FULL, "a.b.C", &f, NULL));
  g_assert_true (wrappy_limits_runtime_prepare (&rt, &p, NULL));
  g_assert_cmpint (rt.cgroup_fd, ==, -1);
  g_assert_true (rt.set_as && rt.set_nproc && rt.set_affinity);
  g_assert_cmpuint (rt.as.rlim_max, ==, 64 * MiB);
  g_assert_cmpuint (rt.nproc.rlim_cur, ==, 20);
  g_assert_cmpint (CPU_COUNT (&rt.affinity), ==, 1);
  wrappy_limits_runtime_finish (&rt);
  wrappy_limits_plan_clear (&p);
  wrappy_limits_facts_clear (&f);
}

/* What this test's own host looked like: systemd's hybrid mode. */
static const char hybrid_cgroup[] = "9:name=systemd:/\n"
                                    "8:pids:/\n"
                                    "4:memory:/process_api/4fb5\n"
                                    "2:cpuacct:/\n"
                                    "1:cpu:/\n"
                                    "0::/\n";
static const char hybrid_mountinfo[]
    = "22 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n"
      "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
      "38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
      "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static void
test_proc_cgroup (void)
{
  g_autofree char *path = NULL;
  guint v1 = 0;

  path = wrappy_limits_parse_proc_cgroup (hybrid_cgroup, &v1);
  g_assert_cmpstr (path, ==, "/");
  g_assert_cmpuint (v1, ==, WRAPPY_LIMIT_MEMORY | WRAPPY_LIMIT_PIDS | WRAPPY_LIMIT_CPU);
  g_clear_pointer (&path, g_free);

  /* Unified: one line; a path may hold ':'. */
  path = wrappy_limits_parse_proc_cgroup ("0::/user.slice/user-1000.slice/a:b.scope\n", &v1);
  g_assert_cmpstr (path, ==, "/user.slice/user-1000.slice/a:b.scope");
  g_assert_cmpuint (v1, ==, 0);
  g_clear_pointer (&path, g_free);

  /* Joined v1 controllers count; named hierarchies do not. */
  path = wrappy_limits_parse_proc_cgroup ("3:cpu,cpuacct:/\n2:name=systemd:/x\n", &v1);
  g_assert_null (path);
  g_assert_cmpuint (v1, ==, WRAPPY_LIMIT_CPU);
  g_assert_null (wrappy_limits_parse_proc_cgroup ("", NULL));
  g_assert_null (wrappy_limits_parse_proc_cgroup (NULL, NULL));
}

static void
check_dir (const char *mountinfo, const char *cgroup, const char *want_dir, const char *want_mount)
{
  g_autofree char *mount = NULL;
  g_autofree char *dir = wrappy_limits_cgroup_dir_from_mountinfo (mountinfo, cgroup, &mount);

  g_assert_cmpstr (dir, ==, want_dir);
  g_assert_cmpstr (mount, ==, want_mount);
}

static void
test_mountinfo (void)
{
  const char *unified = "25 1 0:22 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 "
                        "rw,nsdelegate\n";
  /* A container's view: its cgroup bind-mounted at /sys/fs/cgroup. */
  const char *container = "900 800 0:22 /machine.slice/c1 /sys/fs/cgroup ro master:4 - "
                          "cgroup2 cgroup2 rw\n";
  /* Two mounts: the first that shows the cgroup wins; a mount point with a space. */
  const char *two = "50 1 0:22 /a /mnt/only\\040a rw - cgroup2 none rw\n"
                    "51 1 0:22 / /mnt/cg\\040two rw - cgroup2 none rw\n"
                    "52 1 0:22 / /sys/fs/cgroup rw - cgroup2 none rw\n";

  check_dir (hybrid_mountinfo, "/", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/unified");
  check_dir (hybrid_mountinfo, "/wrappy-test/leaf", "/sys/fs/cgroup/unified/wrappy-test/leaf",
             "/sys/fs/cgroup/unified");
  check_dir (unified, "/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope",
             "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope",
             "/sys/fs/cgroup");
  check_dir (container, "/machine.slice/c1", "/sys/fs/cgroup", "/sys/fs/cgroup");
  check_dir (container, "/machine.slice/c1/init.scope", "/sys/fs/cgroup/init.scope",
             "/sys/fs/cgroup");
  /* Outside the mount's root: not reachable through it (nor is a name that only starts
   * like the root). */
  check_dir (container, "/machine.slice/c10", NULL, "/sys/fs/cgroup");
  check_dir (container, "/user.slice", NULL, "/sys/fs/cgroup");
  check_dir (two, "/a/b", "/mnt/only a/b", "/mnt/only a");
  check_dir (two, "/b", "/mnt/cg two/b", "/mnt/cg two");
  /* A cgroup namespace shows what is outside its root as "/..". */
  check_dir (unified, "/../sibling", NULL, NULL);
  /* cgroup v1 only: no cgroup2 mount at all. */
  check_dir ("31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n", "/", NULL, NULL);
  check_dir ("", "/", NULL, NULL);
  check_dir (unified, NULL, NULL, NULL);
  /* Malformed lines are skipped. */
  check_dir ("garbage\n1 2 3\n - cgroup2\n", "/", NULL, NULL);
}

static void
test_controller_names (void)
{
  g_autofree char *all
      = wrappy_limits_controller_names (WRAPPY_LIMIT_MEMORY | WRAPPY_LIMIT_PIDS | WRAPPY_LIMIT_CPU);
  g_autofree char *one = wrappy_limits_controller_names (WRAPPY_LIMIT_PIDS);
  g_autofree char *none = wrappy_limits_controller_names (0);

  g_assert_cmpstr (all, ==, "memory, pids, cpu");
  g_assert_cmpstr (one, ==, "pids");
  g_assert_cmpstr (none, ==, "");
}

/* This process's cgroup v2 directory, if it may create children there. */
static char *
writable_own_cgroup (void)
{
  g_autofree char *cgroups = NULL, *mountinfo = NULL, *path = NULL, *mount = NULL;
  g_autofree char *procs = NULL;
  char *dir;

  if (!g_file_get_contents ("/proc/self/cgroup", &cgroups, NULL, NULL)
      || !g_file_get_contents ("/proc/self/mountinfo", &mountinfo, NULL, NULL))
    return NULL;
  path = wrappy_limits_parse_proc_cgroup (cgroups, NULL);
  dir = wrappy_limits_cgroup_dir_from_mountinfo (mountinfo, path, &mount);
  procs = dir ? g_build_filename (dir, "cgroup.procs", NULL) : NULL;
  if (dir == NULL || access (dir, W_OK) != 0 || access (procs, W_OK) != 0)
    g_clear_pointer (&dir, g_free);
  return dir;
}

/* The launcher's cgroup mechanics on the real kernel, without controllers (a hybrid host
 * has none in cgroup v2): the cgroup is made, the child starts in it through clone3
 * CLONE_INTO_CGROUP, and it is removed after the child exits. */
static void
test_runtime_cgroup (void)
{
  g_autofree char *own = writable_own_cgroup ();
  g_autofree char *want = NULL, *seen = NULL, *dir = NULL;
  WrappyLimitsPlan p = { 0 };
  WrappyLimitsRuntime rt;
  int fds[2], status;
  char buf[512];
  ssize_t n;
  pid_t pid;

  if (own == NULL)
    {
      g_test_skip ("no cgroup v2 directory this process may create children in");
      return;
    }
  p.cgroup_path = g_build_filename (own, "wrappy-unit-test", NULL);
  g_assert_true (wrappy_limits_runtime_prepare (&rt, &p, NULL));
  g_assert_cmpint (rt.cgroup_fd, >=, 0);
  g_assert_true (g_file_test (rt.cgroup_dir, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
  pid = wrappy_limits_clone_into_cgroup (&rt, 0);
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* Async-signal-safe only: read our own cgroup and hand it over. */
      int fd = open ("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
      ssize_t len = fd >= 0 ? read (fd, buf, sizeof buf) : -1;
      _exit (len > 0 && write (fds[1], buf, (size_t)len) == len ? 0 : 1);
    }
  close (fds[1]);
  n = read (fds[0], buf, sizeof buf - 1);
  close (fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_cmpint (n, >, 0);
  buf[n] = '\0';
  seen = wrappy_limits_parse_proc_cgroup (buf, NULL);
  want = g_strdup_printf ("/wrappy-unit-test-%d", (int)getpid ());
  g_assert_true (g_str_has_suffix (seen, want));
  dir = g_strdup (rt.cgroup_dir);
  wrappy_limits_runtime_finish (&rt);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_cmpint (rt.cgroup_fd, ==, -1);
  wrappy_limits_plan_clear (&p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/limits/parse-memory", test_parse_memory);
  g_test_add_func ("/limits/parse-pids-cpus", test_parse_pids_cpus);
  g_test_add_func ("/limits/levels", test_levels);
  g_test_add_func ("/limits/cgroup", test_cgroup);
  g_test_add_func ("/limits/rlimits", test_rlimits);
  g_test_add_func ("/limits/runtime-rlimits", test_runtime_rlimits);
  g_test_add_func ("/limits/proc-cgroup", test_proc_cgroup);
  g_test_add_func ("/limits/mountinfo", test_mountinfo);
  g_test_add_func ("/limits/controller-names", test_controller_names);
  g_test_add_func ("/limits/runtime-cgroup", test_runtime_cgroup);
  return g_test_run ();
}
