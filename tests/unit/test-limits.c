/* Resource limits as data: option parsing, each level's defaults, the mechanism chosen
 * for a faked host (delegated cgroup or not, root or not), and what `wrappy run` says.
 * Nothing here creates a cgroup. */
#include "config.h"

#include <string.h>

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
  return g_test_run ();
}
