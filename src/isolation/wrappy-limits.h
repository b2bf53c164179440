/* Resource limits (--memory, --pids, --cpus; paranoid's defaults): parsed into
 * WrappyLimits, decided against facts about the host (a delegated cgroup v2 or not) into a
 * WrappyLimitsPlan, which is pure data and part of the sandbox plan; then applied by the
 * launcher through a WrappyLimitsRuntime: a cgroup made before clone (pid 1 starts in it
 * with clone3 CLONE_INTO_CGROUP), or rlimits and CPU affinity set in the app's process
 * just before execve. */
#pragma once

#include <glib.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "wrappy-launch-spec.h"

G_BEGIN_DECLS

/* Paranoid's defaults: enough for a browser with many tabs, not for a fork bomb or a
 * leak that takes the desktop down. Memory is min(4 GiB, half of RAM). */
#define WRAPPY_LIMITS_PARANOID_MEMORY_MAX (G_GUINT64_CONSTANT (4) << 30)
#define WRAPPY_LIMITS_PARANOID_PIDS       4096

/* Controllers, as bits. */
enum
{
  WRAPPY_LIMIT_MEMORY = 1 << 0,
  WRAPPY_LIMIT_PIDS = 1 << 1,
  WRAPPY_LIMIT_CPU = 1 << 2,
};

typedef enum
{
  WRAPPY_LIMIT_VIA_NONE,    /* not asked for */
  WRAPPY_LIMIT_VIA_CGROUP,  /* memory.max, pids.max, cpu.max */
  WRAPPY_LIMIT_VIA_RLIMIT,  /* RLIMIT_AS, RLIMIT_NPROC, CPU affinity */
  WRAPPY_LIMIT_VIA_SKIPPED, /* asked for but not applicable here: reported */
} WrappyLimitVia;

/* What the host offers; wrappy_limits_facts_collect() fills it in, tests fake it. */
typedef struct
{
  guint64 ram_bytes;
  guint n_cpus;             /* CPUs this process may run on */
  gboolean is_root;         /* uid 0 is not bound by RLIMIT_NPROC */
  char *cgroup_mount;       /* where the cgroup v2 hierarchy is mounted, or NULL */
  char *cgroup_parent;      /* a cgroup v2 directory wrappy may create children in, or NULL */
  guint cgroup_controllers; /* WRAPPY_LIMIT_* a child of cgroup_parent gets */
  char *cgroup_missing;     /* why there is no (complete) delegated cgroup, or NULL */
} WrappyLimitsFacts;

typedef struct
{
  WrappyLimits limits; /* the values in effect (asked for, else the level's defaults) */
  WrappyLimitVia memory_via, pids_via, cpus_via;
  char *cgroup_path; /* via cgroup: parent/wrappy-ID; the launcher appends "-PID" */
  char *no_cgroup;   /* why some limit is not applied through a cgroup, or NULL */
  guint n_cpus;      /* for --cpus as affinity: the CPUs there are */
} WrappyLimitsPlan;

/* Made by the launcher from a WrappyLimitsPlan; read by the child after clone. */
typedef struct
{
  int cgroup_fd;    /* -1: no cgroup */
  char *cgroup_dir; /* to remove after the sandbox exits */
  gboolean set_as, set_nproc, set_affinity;
  struct rlimit as, nproc;
  cpu_set_t affinity;
} WrappyLimitsRuntime;

gboolean wrappy_limits_parse_memory (const char *s, guint64 *out, GError **error);
gboolean wrappy_limits_parse_pids (const char *s, guint64 *out, GError **error);
gboolean wrappy_limits_parse_cpus (const char *s, guint *out, GError **error);
gboolean wrappy_limits_is_set (const WrappyLimits *l);
/* Whether a sandbox at level with these options has limits at all (what facts to collect). */
gboolean wrappy_limits_wanted (const WrappyLimits *asked, WrappyIsolation level);
/* The WRAPPY_LIMIT_* controllers that level and asked need. */
guint wrappy_limits_controllers (const WrappyLimits *asked, WrappyIsolation level);
char *wrappy_limits_format_memory (guint64 bytes);
/* "memory, pids, cpu": the names of the WRAPPY_LIMIT_* bits in mask. */
char *wrappy_limits_controller_names (guint mask);

/* Pure, for the probe and its tests. From /proc/self/cgroup's text: the path of the
 * "0::" line (the cgroup v2 hierarchy), or NULL; *v1_controllers (may be NULL) gets the
 * WRAPPY_LIMIT_* controllers that cgroup v1 hierarchies hold instead. */
char *wrappy_limits_parse_proc_cgroup (const char *text, guint *v1_controllers);
/* From /proc/self/mountinfo's text: the directory of cgroup (a path from the "0::" line)
 * under the first cgroup2 mount that shows it (minding the mount's root), or NULL.
 * *mount_point gets that mount, else the first cgroup2 mount, else NULL. */
char *wrappy_limits_cgroup_dir_from_mountinfo (const char *mountinfo, const char *cgroup,
                                               char **mount_point);

/* Probes the cgroup v2 tree (creating and removing a probe child) for the controllers in
 * wanted; cheap when wanted is 0 (only RAM and CPU counts are read). */
void wrappy_limits_facts_collect (WrappyLimitsFacts *f, guint wanted);
void wrappy_limits_facts_clear (WrappyLimitsFacts *f);

/* Pure: what the sandbox gets, and how. Limits below full are a usage error. */
gboolean wrappy_limits_plan_init (WrappyLimitsPlan *p, const WrappyLimits *asked,
                                  WrappyIsolation level, const char *app_id,
                                  const WrappyLimitsFacts *f, GError **error);
void wrappy_limits_plan_clear (WrappyLimitsPlan *p);
/* "memory 512 MiB via cgroup, pids 100 via cgroup (cgroup under /sys/fs/cgroup/…)", or
 * NULL when no limit is in effect or skipped. One line: what `wrappy run` says. */
char *wrappy_limits_plan_describe (const WrappyLimitsPlan *p);

/* The launcher's side. prepare creates the cgroup (if any) and fills rt; finish removes it. */
gboolean wrappy_limits_runtime_prepare (WrappyLimitsRuntime *rt, const WrappyLimitsPlan *p,
                                        GError **error);
void wrappy_limits_runtime_finish (WrappyLimitsRuntime *rt);
/* clone with fork semantics, the child starting in rt's cgroup (clone3 CLONE_INTO_CGROUP). */
pid_t wrappy_limits_clone_into_cgroup (const WrappyLimitsRuntime *rt, unsigned long flags);
/* After clone: async-signal-safe. Returns the failed call's name, or NULL. */
const char *wrappy_limits_apply_in_child (const WrappyLimitsRuntime *rt);

G_END_DECLS
