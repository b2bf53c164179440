#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-limits.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#define CPU_PERIOD_US 100000
#define PID_MAX_LIMIT 4194304

static const struct
{
  guint bit;
  const char *name;
} controllers[] = {
  { WRAPPY_LIMIT_MEMORY, "memory" },
  { WRAPPY_LIMIT_PIDS, "pids" },
  { WRAPPY_LIMIT_CPU, "cpu" },
};

/* ---- parsing ---- */

static gboolean
bad_value (GError **error, const char *option, const char *value, const char *expected)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("--%s=%s: expected %s"), option, value,
               expected);
  return FALSE;
}

/* "1", "1.5", "0.25" as thousandths (no libm: the `wrappy` binary links GLib and libc
 * alone). Stops at the first other character; FALSE when there is no number or it is too
 * large. */
static gboolean
parse_milli (const char *s, const char **end, guint64 *out)
{
  guint64 whole = 0, frac = 0, scale = 1000;
  gboolean digits = FALSE;

  for (; g_ascii_isdigit (*s); s++, digits = TRUE)
    {
      whole = whole * 10 + (guint64)(*s - '0');
      if (whole > (G_GUINT64_CONSTANT (1) << 40))
        return FALSE;
    }
  if (*s == '.')
    for (s++; g_ascii_isdigit (*s); s++, digits = TRUE)
      if (scale > 1)
        {
          scale /= 10;
          frac += (guint64)(*s - '0') * scale;
        }
  *end = s;
  *out = whole * 1000 + frac;
  return digits;
}

/* "512M", "2G", "1.5G", "1048576", with K, M, G, T (powers of 1024), optionally "iB"/"B". */
gboolean
wrappy_limits_parse_memory (const char *s, guint64 *out, GError **error)
{
  static const char units[] = "KMGT";
  const char *expected = _ ("a size such as 512M or 2G");
  const char *end = NULL;
  guint64 milli;
  int shift = 0;

  if (s == NULL || !parse_milli (s, &end, &milli))
    return bad_value (error, "memory", s ? s : "", expected);
  if (*end != '\0')
    {
      const char *u = strchr (units, g_ascii_toupper (*end));
      if (u == NULL || *end == '\0')
        return bad_value (error, "memory", s, expected);
      shift = 10 * (int)(u - units + 1);
      end++;
      if (g_ascii_strcasecmp (end, "iB") == 0 || g_ascii_strcasecmp (end, "B") == 0)
        end += strlen (end);
    }
  if (*end != '\0' || milli == 0 || (milli >> (62 - shift)) != 0)
    return bad_value (error, "memory", s, expected);
  *out = (milli << shift) / 1000;
  if (*out < 1 << 20)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("--memory=%s: too small; give at least 1M"), s);
      return FALSE;
    }
  return TRUE;
}

gboolean
wrappy_limits_parse_pids (const char *s, guint64 *out, GError **error)
{
  guint64 v;

  if (s == NULL || !g_ascii_string_to_unsigned (s, 10, 1, PID_MAX_LIMIT, &v, NULL))
    return bad_value (error, "pids", s ? s : "", _ ("a number of processes from 1 to 4194304"));
  *out = v;
  return TRUE;
}

/* "1", "1.5", "0.25": thousandths of a CPU; at least 0.01 (cpu.max's smallest quota). */
gboolean
wrappy_limits_parse_cpus (const char *s, guint *out, GError **error)
{
  const char *end = NULL;
  guint64 milli;

  if (s == NULL || !parse_milli (s, &end, &milli) || *end != '\0' || milli < 10
      || milli > 4096 * 1000)
    return bad_value (error, "cpus", s ? s : "", _ ("a number of CPUs such as 1 or 1.5"));
  *out = (guint)milli;
  return TRUE;
}

gboolean
wrappy_limits_is_set (const WrappyLimits *l)
{
  return l->memory != 0 || l->pids != 0 || l->cpus != 0;
}

gboolean
wrappy_limits_wanted (const WrappyLimits *asked, WrappyIsolation level)
{
  if (level == WRAPPY_ISOLATION_PARANOID)
    return TRUE;
  return level == WRAPPY_ISOLATION_FULL && wrappy_limits_is_set (asked);
}

guint
wrappy_limits_controllers (const WrappyLimits *asked, WrappyIsolation level)
{
  gboolean paranoid = level == WRAPPY_ISOLATION_PARANOID;

  if (!wrappy_limits_wanted (asked, level))
    return 0;
  return (asked->memory || paranoid ? WRAPPY_LIMIT_MEMORY : 0)
         | (asked->pids || paranoid ? WRAPPY_LIMIT_PIDS : 0) | (asked->cpus ? WRAPPY_LIMIT_CPU : 0);
}

char *
wrappy_limits_format_memory (guint64 bytes)
{
  if (bytes % (G_GUINT64_CONSTANT (1) << 30) == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " GiB", bytes >> 30);
  if (bytes % (1 << 20) == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " MiB", bytes >> 20);
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static char *
format_cpus (guint milli)
{
  g_autofree char *s = g_strdup_printf ("%u.%03u", milli / 1000, milli % 1000);
  char *p = s + strlen (s) - 1;

  while (*p == '0')
    *p-- = '\0';
  if (*p == '.')
    *p = '\0';
  return g_steal_pointer (&s);
}

/* ---- facts: the cgroup v2 tree ---- */

static guint
parse_controllers (const char *s)
{
  g_auto (GStrv) words = g_strsplit_set (s ? s : "", " \n", -1);
  guint mask = 0;

  for (char **w = words; *w; w++)
    for (guint i = 0; i < G_N_ELEMENTS (controllers); i++)
      if (strcmp (*w, controllers[i].name) == 0)
        mask |= controllers[i].bit;
  return mask;
}

static guint
read_controllers (const char *dir, const char *file)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *s = NULL;

  if (!g_file_get_contents (path, &s, NULL, NULL))
    return 0;
  return parse_controllers (s);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *
unescape_mountinfo (const char *s)
{
  GString *out = g_string_sized_new (strlen (s));

  for (; *s; s++)
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0'
        && s[3] <= '7')
      {
        g_string_append_c (out, (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0')));
        s += 3;
      }
    else
      g_string_append_c (out, *s);
  return g_string_free (out, FALSE);
}

char *
wrappy_limits_parse_proc_cgroup (const char *text, guint *v1_controllers)
{
  g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  char *path = NULL;

  if (v1_controllers != NULL)
    *v1_controllers = 0;
  for (char **l = lines; *l; l++)
    {
      /* "ID:CONTROLLERS:PATH"; the path may hold ':' itself. */
      g_auto (GStrv) f = g_strsplit (*l, ":", 3);
      if (g_strv_length (f) != 3)
        continue;
      if (strcmp (f[0], "0") == 0 && f[1][0] == '\0' && path == NULL)
        path = g_strdup (f[2]);
      else if (strcmp (f[0], "0") != 0 && v1_controllers != NULL)
        {
          g_autofree char *words = g_strdelimit (g_strdup (f[1]), ",", ' ');
          *v1_controllers |= parse_controllers (words);
        }
    }
  return path;
}

/* path below root (both absolute, from the same cgroup v2 hierarchy): the rest, "" for
 * root itself, or NULL when path is not below it. */
static const char *
below (const char *path, const char *root)
{
  gsize n = strlen (root);

  if (strcmp (root, "/") == 0)
    return path + 1;
  if (strncmp (path, root, n) != 0 || (path[n] != '\0' && path[n] != '/'))
    return NULL;
  return path[n] == '/' ? path + n + 1 : path + n;
}

char *
wrappy_limits_cgroup_dir_from_mountinfo (const char *mountinfo, const char *cgroup,
                                         char **mount_point)
{
  g_auto (GStrv) lines = g_strsplit (mountinfo ? mountinfo : "", "\n", -1);

  *mount_point = NULL;
  /* A cgroup namespace shows the cgroups outside its root as "/..": not reachable. */
  if (cgroup == NULL || cgroup[0] != '/' || strstr (cgroup, "/..") != NULL)
    return NULL;
  for (char **l = lines; *l; l++)
    {
      /* ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL…] - FSTYPE SOURCE SUPER_OPTIONS */
      g_auto (GStrv) f = g_strsplit (*l, " ", -1);
      g_autofree char *root = NULL, *point = NULL;
      const char *rest;
      guint n = g_strv_length (f), dash = 6;

      while (dash < n && strcmp (f[dash], "-") != 0)
        dash++;
      if (dash + 1 >= n || strcmp (f[dash + 1], "cgroup2") != 0)
        continue;
      root = unescape_mountinfo (f[3]);
      point = unescape_mountinfo (f[4]);
      /* The first cgroup2 mount wins, as the kernel's view of the tree; one bind-mounted
       * from a cgroup elsewhere shows only that cgroup's subtree. */
      if (*mount_point == NULL)
        *mount_point = g_strdup (point);
      if ((rest = below (cgroup, root)) != NULL)
        {
          g_free (*mount_point);
          *mount_point = g_strdup (point);
          return *rest ? g_build_filename (point, rest, NULL) : g_strdup (point);
        }
    }
  return NULL;
}

static void
enable_controllers (const char *dir, guint wanted)
{
  g_autofree char *path = g_build_filename (dir, "cgroup.subtree_control", NULL);
  guint missing = wanted & read_controllers (dir, "cgroup.controllers")
                  & ~read_controllers (dir, "cgroup.subtree_control");
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (controllers); i++)
    if (missing & controllers[i].bit)
      g_string_append_printf (s, "+%s ", controllers[i].name);
  /* Fails (EBUSY) where dir has processes of its own and is not the root: the cgroup v2
   * "no internal processes" rule. wrappy moves no process it did not start. */
  if (s->len > 0)
    g_file_set_contents (path, s->str, -1, NULL);
}

/* Whether wrappy can make a child of dir and start a process in it: a real try, with a
 * probe child that is removed again. Returns the controllers the child gets. */
static gboolean
try_parent (const char *dir, guint wanted, guint *got, char **why)
{
  g_autofree char *procs = g_build_filename (dir, "cgroup.procs", NULL);
  g_autofree char *probe = NULL;

  if (access (dir, W_OK) != 0 || access (procs, W_OK) != 0)
    {
      *why = g_strdup_printf (_ ("%s is not writable by this user (not delegated)"), dir);
      return FALSE;
    }
  enable_controllers (dir, wanted);
  probe = g_strdup_printf ("%s/wrappy-probe-%d", dir, (int)getpid ());
  if (mkdir (probe, 0755) != 0 && errno != EEXIST)
    {
      *why = g_strdup_printf ("mkdir(%s): %s", probe, g_strerror (errno));
      return FALSE;
    }
  *got = wanted & read_controllers (probe, "cgroup.controllers");
  rmdir (probe);
  if (*got == 0)
    {
      *why = g_strdup_printf (_ ("no memory, pids or cpu controller is enabled for children "
                                 "of %s"),
                              dir);
      return FALSE;
    }
  return TRUE;
}

static gboolean
kernel_has_clone_into_cgroup (void)
{
  struct utsname u;
  guint major = 0, minor = 0;

  if (uname (&u) != 0 || sscanf (u.release, "%u.%u", &major, &minor) != 2)
    return FALSE;
  return major > 5 || (major == 5 && minor >= 7);
}

char *
wrappy_limits_controller_names (guint mask)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (controllers); i++)
    if (mask & controllers[i].bit)
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", controllers[i].name);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* This process's cgroup v2 directory: its "0::" line of /proc/self/cgroup under the
 * cgroup2 mount that shows it (systemd's hybrid mode mounts it at /sys/fs/cgroup/unified,
 * with the controllers in cgroup v1 hierarchies beside it). */
static char *
own_cgroup_dir (WrappyLimitsFacts *f, guint *v1, char **why)
{
  g_autofree char *cgroups = NULL, *mountinfo = NULL, *path = NULL;
  char *dir;
  struct statfs sfs;

  if (!g_file_get_contents ("/proc/self/cgroup", &cgroups, NULL, NULL)
      || !g_file_get_contents ("/proc/self/mountinfo", &mountinfo, NULL, NULL))
    {
      *why = g_strdup (_ ("cannot read /proc/self/cgroup or /proc/self/mountinfo"));
      return NULL;
    }
  path = wrappy_limits_parse_proc_cgroup (cgroups, v1);
  dir = wrappy_limits_cgroup_dir_from_mountinfo (mountinfo, path, &f->cgroup_mount);
  if (dir != NULL && (statfs (dir, &sfs) != 0 || sfs.f_type != CGROUP2_SUPER_MAGIC))
    g_clear_pointer (&dir, g_free);
  if (dir == NULL && f->cgroup_mount == NULL)
    *why = g_strdup (_ ("no cgroup v2 hierarchy is mounted (cgroup v1 only)"));
  else if (dir == NULL)
    *why = g_strdup_printf (_ ("this process's cgroup is not visible under the cgroup v2 "
                               "mount %s"),
                            f->cgroup_mount);
  return dir;
}

/* Why the controllers in absent cannot be had: not in the cgroup v2 hierarchy at all. */
static char *
lacking (const char *mount, guint absent, guint v1)
{
  g_autofree char *names = wrappy_limits_controller_names (absent);
  g_autofree char *in_v1 = wrappy_limits_controller_names (absent & v1);

  if (absent & v1)
    return g_strdup_printf (_ ("the cgroup v2 hierarchy at %s lacks the controllers wrappy "
                               "needs (%s); cgroup v1 hierarchies hold %s (a hybrid host)"),
                            mount, names, in_v1);
  return g_strdup_printf (_ ("the cgroup v2 hierarchy at %s lacks the controllers wrappy needs "
                             "(%s)"),
                          mount, names);
}

static void
probe_cgroup (WrappyLimitsFacts *f, guint wanted)
{
  g_autofree char *own = NULL;
  g_autofree char *own_parent = NULL;
  const char *candidates[2];
  guint n = 0, v1 = 0, available;

  if (!kernel_has_clone_into_cgroup ())
    {
      f->cgroup_missing = g_strdup (_ ("the kernel is older than 5.7 (no CLONE_INTO_CGROUP)"));
      return;
    }
  own = own_cgroup_dir (f, &v1, &f->cgroup_missing);
  if (own == NULL)
    return;
  /* A hybrid host has a cgroup v2 hierarchy but its controllers stay in v1 ones: say so
   * rather than try to delegate what is not there. */
  available = wanted & read_controllers (f->cgroup_mount, "cgroup.controllers");
  if (available == 0)
    {
      f->cgroup_missing = lacking (f->cgroup_mount, wanted, v1);
      return;
    }
  /* The sandbox goes below wrappy's own cgroup where that can have children with
   * controllers (the root, or an empty delegated cgroup), else next to it under a
   * delegated parent (systemd's Delegate= gives the user's whole subtree). */
  candidates[n++] = own;
  if (strcmp (own, f->cgroup_mount) != 0)
    candidates[n++] = own_parent = g_path_get_dirname (own);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *why = NULL;
      guint got = 0;

      if (try_parent (candidates[i], wanted, &got, &why)
          && (got == wanted || f->cgroup_parent == NULL))
        {
          g_free (f->cgroup_parent);
          f->cgroup_parent = g_strdup (candidates[i]);
          f->cgroup_controllers = got;
          if (got == wanted)
            break;
        }
      else if (f->cgroup_missing == NULL && why != NULL)
        f->cgroup_missing = g_steal_pointer (&why);
    }
  if (f->cgroup_parent != NULL && f->cgroup_controllers == wanted)
    g_clear_pointer (&f->cgroup_missing, g_free);
  else if (f->cgroup_parent != NULL && available != wanted)
    {
      g_free (f->cgroup_missing);
      f->cgroup_missing = lacking (f->cgroup_mount, wanted & ~available, v1);
    }
  else if (f->cgroup_parent != NULL && f->cgroup_missing == NULL)
    f->cgroup_missing
        = g_strdup_printf (_ ("not every controller is delegated under %s"), f->cgroup_parent);
}

void
wrappy_limits_facts_collect (WrappyLimitsFacts *f, guint wanted)
{
  struct sysinfo si;
  cpu_set_t set;

  memset (f, 0, sizeof *f);
  f->is_root = geteuid () == 0;
  if (sysinfo (&si) == 0)
    f->ram_bytes = (guint64)si.totalram * si.mem_unit;
  f->n_cpus = sched_getaffinity (0, sizeof set, &set) == 0 ? (guint)CPU_COUNT (&set) : 1;
  if (wanted != 0)
    probe_cgroup (f, wanted);
}

void
wrappy_limits_facts_clear (WrappyLimitsFacts *f)
{
  g_clear_pointer (&f->cgroup_mount, g_free);
  g_clear_pointer (&f->cgroup_parent, g_free);
  g_clear_pointer (&f->cgroup_missing, g_free);
}

/* ---- the plan ---- */

static guint64
paranoid_memory (const WrappyLimitsFacts *f)
{
  guint64 half = (f->ram_bytes / 2) & ~((G_GUINT64_CONSTANT (1) << 20) - 1);

  if (half == 0 || half > WRAPPY_LIMITS_PARANOID_MEMORY_MAX)
    return WRAPPY_LIMITS_PARANOID_MEMORY_MAX;
  return half;
}

static const char *
missing_reason (const WrappyLimitsFacts *f)
{
  return f->cgroup_missing ? f->cgroup_missing : _ ("no delegated cgroup");
}

gboolean
wrappy_limits_plan_init (WrappyLimitsPlan *p, const WrappyLimits *asked, WrappyIsolation level,
                         const char *app_id, const WrappyLimitsFacts *f, GError **error)
{
  guint cg = f->cgroup_parent != NULL ? f->cgroup_controllers : 0;
  gboolean default_memory = FALSE;
  WrappyLimits *l = &p->limits;

  memset (p, 0, sizeof *p);
  /* The SPEC's table: no resource limits at none and partial. Refused rather than
   * silently ignored or half-applied. */
  if (level < WRAPPY_ISOLATION_FULL && wrappy_limits_is_set (asked))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("--memory, --pids and --cpus need --isolation=full or paranoid"));
      return FALSE;
    }
  if (!wrappy_limits_wanted (asked, level))
    return TRUE;
  *l = *asked;
  p->n_cpus = MAX (f->n_cpus, 1);
  if (level == WRAPPY_ISOLATION_PARANOID && l->memory == 0)
    {
      l->memory = paranoid_memory (f);
      default_memory = TRUE;
    }
  if (level == WRAPPY_ISOLATION_PARANOID && l->pids == 0)
    l->pids = WRAPPY_LIMITS_PARANOID_PIDS;

  /* Browsers and JS engines reserve many GiB of address space they never use: a default
   * RLIMIT_AS would break them, so paranoid's default memory limit needs a cgroup. */
  if (l->memory != 0)
    p->memory_via = (cg & WRAPPY_LIMIT_MEMORY) ? WRAPPY_LIMIT_VIA_CGROUP
                    : default_memory           ? WRAPPY_LIMIT_VIA_SKIPPED
                                               : WRAPPY_LIMIT_VIA_RLIMIT;
  if (l->pids != 0)
    p->pids_via = (cg & WRAPPY_LIMIT_PIDS) ? WRAPPY_LIMIT_VIA_CGROUP
                  : f->is_root             ? WRAPPY_LIMIT_VIA_SKIPPED
                                           : WRAPPY_LIMIT_VIA_RLIMIT;
  if (l->cpus != 0)
    p->cpus_via = (cg & WRAPPY_LIMIT_CPU) ? WRAPPY_LIMIT_VIA_CGROUP : WRAPPY_LIMIT_VIA_RLIMIT;

  if ((l->memory && p->memory_via != WRAPPY_LIMIT_VIA_CGROUP)
      || (l->pids && p->pids_via != WRAPPY_LIMIT_VIA_CGROUP)
      || (l->cpus && p->cpus_via != WRAPPY_LIMIT_VIA_CGROUP))
    p->no_cgroup = g_strdup (missing_reason (f));
  if (p->memory_via == WRAPPY_LIMIT_VIA_CGROUP || p->pids_via == WRAPPY_LIMIT_VIA_CGROUP
      || p->cpus_via == WRAPPY_LIMIT_VIA_CGROUP)
    {
      g_autofree char *name = g_strdup_printf ("wrappy-%s", app_id ? app_id : "app");
      p->cgroup_path = g_build_filename (f->cgroup_parent, name, NULL);
    }
  return TRUE;
}

void
wrappy_limits_plan_clear (WrappyLimitsPlan *p)
{
  g_clear_pointer (&p->cgroup_path, g_free);
  g_clear_pointer (&p->no_cgroup, g_free);
}

static guint
affinity_cpus (guint milli)
{
  return (milli + 999) / 1000;
}

/* One limit as the user reads it: "memory 512 MiB as RLIMIT_AS (…)". */
static char *
describe_one (const WrappyLimitsPlan *p, guint bit)
{
  g_autofree char *value = NULL;
  WrappyLimitVia via;
  const char *name, *how = "", *why_not = "";
  g_autofree char *how_owned = NULL;

  if (bit == WRAPPY_LIMIT_MEMORY)
    {
      name = "memory", via = p->memory_via;
      value = wrappy_limits_format_memory (p->limits.memory);
      how = _ (" as RLIMIT_AS (address space, not resident memory)");
      why_not = _ ("as RLIMIT_AS it would break apps that reserve address space");
    }
  else if (bit == WRAPPY_LIMIT_PIDS)
    {
      name = "pids", via = p->pids_via;
      value = g_strdup_printf ("%" G_GUINT64_FORMAT, p->limits.pids);
      how = _ (" as RLIMIT_NPROC (per user)");
      why_not = _ ("RLIMIT_NPROC does not bind root");
    }
  else
    {
      guint n = affinity_cpus (p->limits.cpus);
      name = "cpus", via = p->cpus_via;
      value = format_cpus (p->limits.cpus);
      how = how_owned = g_strdup_printf (_ (" as CPU affinity (%u of %u CPUs, not a time share)"),
                                         MIN (n, p->n_cpus), p->n_cpus);
    }
  switch (via)
    {
    case WRAPPY_LIMIT_VIA_NONE:
      return NULL;
    case WRAPPY_LIMIT_VIA_CGROUP:
      return g_strdup_printf ("%s %s", name, value);
    case WRAPPY_LIMIT_VIA_RLIMIT:
      return g_strdup_printf ("%s %s%s", name, value, how);
    case WRAPPY_LIMIT_VIA_SKIPPED:
    default:
      return g_strdup_printf (_ ("%s %s not applied (%s)"), name, value, why_not);
    }
}

char *
wrappy_limits_plan_describe (const WrappyLimitsPlan *p)
{
  static const guint bits[] = { WRAPPY_LIMIT_MEMORY, WRAPPY_LIMIT_PIDS, WRAPPY_LIMIT_CPU };
  const WrappyLimitVia vias[] = { p->memory_via, p->pids_via, p->cpus_via };
  g_autoptr (GPtrArray) cgroup = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) other = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) s = g_string_new ("limits: ");

  for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
    {
      char *d = describe_one (p, bits[i]);
      if (d != NULL)
        g_ptr_array_add (vias[i] == WRAPPY_LIMIT_VIA_CGROUP ? cgroup : other, d);
    }
  if (cgroup->len == 0 && other->len == 0)
    return NULL;
  for (guint i = 0; i < cgroup->len; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", (char *)cgroup->pdata[i]);
  if (cgroup->len > 0)
    g_string_append_printf (s, _ (" via cgroup %s-PID"), p->cgroup_path);
  for (guint i = 0; i < other->len; i++)
    g_string_append_printf (s, "%s%s", (i || cgroup->len) ? ", " : "", (char *)other->pdata[i]);
  if (p->no_cgroup != NULL)
    g_string_append_printf (s, _ ("; no delegated cgroup: %s"), p->no_cgroup);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* ---- the launcher's side ---- */

static gboolean
write_at (int dfd, const char *name, const char *value, gboolean optional, const char *dir,
          GError **error)
{
  int fd = openat (dfd, name, O_WRONLY | O_CLOEXEC);
  gsize len = strlen (value);
  gboolean ok;

  if (fd < 0 && optional && errno == ENOENT)
    return TRUE;
  if (fd >= 0)
    {
      ok = TEMP_FAILURE_RETRY (write (fd, value, len)) == (ssize_t)len;
      if (!ok)
        {
          int errsv = errno;
          close (fd);
          errno = errsv;
        }
      else
        close (fd);
      if (ok)
        return TRUE;
    }
  {
    g_autofree char *path = g_build_filename (dir, name, NULL);
    return wrappy_throw_errno (error, "write", path);
  }
}

static gboolean
make_cgroup (WrappyLimitsRuntime *rt, const WrappyLimitsPlan *p, GError **error)
{
  const WrappyLimits *l = &p->limits;
  const char *dir;

  rt->cgroup_dir = g_strdup_printf ("%s-%d", p->cgroup_path, (int)getpid ());
  dir = rt->cgroup_dir;
  /* A leftover from an earlier wrappy with the same pid is empty: reuse it. */
  if (mkdir (dir, 0755) != 0 && errno != EEXIST)
    return wrappy_throw_errno (error, "mkdir", dir);
  rt->cgroup_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rt->cgroup_fd < 0)
    return wrappy_throw_errno (error, "open", dir);
  if (p->memory_via == WRAPPY_LIMIT_VIA_CGROUP)
    {
      g_autofree char *v = g_strdup_printf ("%" G_GUINT64_FORMAT, l->memory);
      /* Without swap.max the limit only moves the app's memory to swap. */
      if (!write_at (rt->cgroup_fd, "memory.max", v, FALSE, dir, error)
          || !write_at (rt->cgroup_fd, "memory.swap.max", "0", TRUE, dir, error))
        return FALSE;
    }
  if (p->pids_via == WRAPPY_LIMIT_VIA_CGROUP)
    {
      g_autofree char *v = g_strdup_printf ("%" G_GUINT64_FORMAT, l->pids);
      if (!write_at (rt->cgroup_fd, "pids.max", v, FALSE, dir, error))
        return FALSE;
    }
  if (p->cpus_via == WRAPPY_LIMIT_VIA_CGROUP)
    {
      g_autofree char *v = g_strdup_printf ("%" G_GUINT64_FORMAT " %u",
                                            (guint64)l->cpus * CPU_PERIOD_US / 1000, CPU_PERIOD_US);
      if (!write_at (rt->cgroup_fd, "cpu.max", v, FALSE, dir, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
wrappy_limits_runtime_prepare (WrappyLimitsRuntime *rt, const WrappyLimitsPlan *p, GError **error)
{
  memset (rt, 0, sizeof *rt);
  rt->cgroup_fd = -1;
  if (p->cgroup_path != NULL && !make_cgroup (rt, p, error))
    {
      wrappy_prefix_error (error, _ ("cannot create the sandbox's cgroup: "));
      return FALSE;
    }
  if (p->memory_via == WRAPPY_LIMIT_VIA_RLIMIT)
    {
      rt->set_as = TRUE;
      rt->as.rlim_cur = rt->as.rlim_max = p->limits.memory;
    }
  if (p->pids_via == WRAPPY_LIMIT_VIA_RLIMIT)
    {
      rt->set_nproc = TRUE;
      rt->nproc.rlim_cur = rt->nproc.rlim_max = p->limits.pids;
    }
  if (p->cpus_via == WRAPPY_LIMIT_VIA_RLIMIT)
    {
      cpu_set_t allowed;
      guint want = affinity_cpus (p->limits.cpus), n = 0;

      /* The first N of the CPUs wrappy may use. */
      CPU_ZERO (&rt->affinity);
      if (sched_getaffinity (0, sizeof allowed, &allowed) != 0)
        return wrappy_throw_errno (error, "sched_getaffinity", NULL);
      for (int cpu = 0; cpu < CPU_SETSIZE && n < want; cpu++)
        if (CPU_ISSET (cpu, &allowed))
          {
            CPU_SET (cpu, &rt->affinity);
            n++;
          }
      rt->set_affinity = TRUE;
    }
  return TRUE;
}

void
wrappy_limits_runtime_finish (WrappyLimitsRuntime *rt)
{
  if (rt->cgroup_fd >= 0)
    {
      int fd = openat (rt->cgroup_fd, "cgroup.kill", O_WRONLY | O_CLOEXEC);
      /* pid 1's death emptied the pid namespace; cgroup.kill (5.14) catches stragglers. */
      if (fd >= 0)
        {
          if (write (fd, "1", 1) < 0)
            {
              /* rmdir below says whether it is empty. */
            }
          close (fd);
        }
      close (rt->cgroup_fd);
      rt->cgroup_fd = -1;
    }
  if (rt->cgroup_dir != NULL)
    {
      /* Exiting processes leave the cgroup a moment after they are reaped. */
      for (int i = 0; i < 200 && rmdir (rt->cgroup_dir) != 0 && errno == EBUSY; i++)
        g_usleep (5000);
      g_clear_pointer (&rt->cgroup_dir, g_free);
    }
}

/* struct clone_args up to .cgroup (CLONE_ARGS_SIZE_VER2); <linux/sched.h> clashes with
 * <sched.h>. */
struct wrappy_clone_args
{
  guint64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
      set_tid_size, cgroup;
};

pid_t
wrappy_limits_clone_into_cgroup (const WrappyLimitsRuntime *rt, unsigned long flags)
{
  struct wrappy_clone_args args;

  memset (&args, 0, sizeof args);
  args.flags = (guint64)flags | CLONE_INTO_CGROUP;
  args.exit_signal = SIGCHLD;
  args.cgroup = (guint64)rt->cgroup_fd;
  return syscall (SYS_clone3, &args, sizeof args);
}

const char *
wrappy_limits_apply_in_child (const WrappyLimitsRuntime *rt)
{
  if (rt->set_as && setrlimit (RLIMIT_AS, &rt->as) != 0)
    return "setrlimit(RLIMIT_AS)";
  if (rt->set_nproc && setrlimit (RLIMIT_NPROC, &rt->nproc) != 0)
    return "setrlimit(RLIMIT_NPROC)";
  if (rt->set_affinity && sched_setaffinity (0, sizeof rt->affinity, &rt->affinity) != 0)
    return "sched_setaffinity";
  return NULL;
}
