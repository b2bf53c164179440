/* wrappy doctor: what this host supports, each feature found by trying it in a throwaway
 * child (a sysctl can say yes while a container's seccomp policy or an AppArmor rule says
 * no), and what each isolation level can and cannot apply here. A report: missing
 * features are not an error. The integration tests skip on exactly what this says.
 * Then the store (wrappy-repair.h, docs/repair.md): checked, or with --fix (and as
 * `wrappy repair`) repaired; problems that remain are the error. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "wrappy-builtins.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-flathub-ext.h"
#include "wrappy-manifest.h"
#include "wrappy-fs.h"
#include "wrappy-documents.h"
#include "wrappy-i18n.h"
#include "wrappy-limits.h"
#include "wrappy-output.h"
#include "wrappy-repair.h"
#include "wrappy-unpack.h"

typedef enum
{
  CHECK_USERNS,
  CHECK_MOUNTNS,
  CHECK_PIDNS,
  CHECK_NETNS,
  CHECK_OTHERNS,
  CHECK_OVERLAYFS,
  CHECK_CGROUP,
  CHECK_SECCOMP,
  CHECK_FUSE,
  CHECK_OPENAT2,
  CHECK_DBUS_PROXY,
  CHECK_FILE_FORWARDING,
  CHECK_LANDLOCK,
  N_CHECKS
} CheckId;

static const struct
{
  const char *key;
  const char *label;
} check_names[N_CHECKS] = {
  { "user_namespace", N_ ("user namespaces") },
  { "mount_namespace", N_ ("mount namespace") },
  { "pid_namespace", N_ ("pid namespace and /proc") },
  { "net_namespace", N_ ("network namespace") },
  { "ipc_uts_cgroup_namespaces", N_ ("ipc, uts, cgroup namespaces") },
  { "overlayfs", N_ ("overlayfs in a user namespace") },
  { "cgroup", N_ ("delegated cgroup v2") },
  { "seccomp", N_ ("seccomp filters") },
  { "fuse", N_ ("FUSE") },
  { "openat2", N_ ("openat2") },
  { "dbus_proxy", N_ ("filtered D-Bus (xdg-dbus-proxy)") },
  { "file_forwarding", N_ ("file forwarding") },
  { "landlock", N_ ("Landlock (unpacking images)") },
};

typedef struct
{
  gboolean ok;
  char *detail;
} Check;

/* ---- tries, run in a forked child: return NULL, or the failed call with errno set ---- */

static gboolean
write_proc (const char *path, const char *s)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, s, strlen (s)) == (ssize_t)strlen (s);
  close (fd);
  return ok;
}

/* A user namespace with the caller's ids mapped, as wrappy run makes it. */
static const char *
enter_userns (int more_flags)
{
  char uid_map[64], gid_map[64];

  snprintf (uid_map, sizeof uid_map, "%u %u 1\n", (guint)getuid (), (guint)getuid ());
  snprintf (gid_map, sizeof gid_map, "%u %u 1\n", (guint)getgid (), (guint)getgid ());
  if (unshare (CLONE_NEWUSER) != 0)
    return "unshare(CLONE_NEWUSER)";
  if (!write_proc ("/proc/self/setgroups", "deny") || !write_proc ("/proc/self/uid_map", uid_map)
      || !write_proc ("/proc/self/gid_map", gid_map))
    return "write(/proc/self/uid_map)";
  if ((more_flags & CLONE_NEWNS) && unshare (CLONE_NEWNS) != 0)
    return "unshare(CLONE_NEWNS)";
  if ((more_flags & CLONE_NEWNS) && mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    return "mount(/, MS_PRIVATE)";
  if ((more_flags & ~CLONE_NEWNS) && unshare (more_flags & ~CLONE_NEWNS) != 0)
    return "unshare";
  return NULL;
}

static const char *
try_userns (gpointer data)
{
  return unshare (CLONE_NEWUSER) == 0 ? NULL : "unshare(CLONE_NEWUSER)";
}

static const char *
try_mountns (gpointer data)
{
  const char *failed = enter_userns (CLONE_NEWNS);

  if (failed == NULL && mount ("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, NULL) != 0)
    failed = "mount(tmpfs)";
  return failed;
}

/* pid 1 of a new pid namespace mounts its own /proc (refused where /proc is partly
 * covered, as in some containers). */
static const char *
try_pidns (gpointer data)
{
  const char *failed = enter_userns (CLONE_NEWNS | CLONE_NEWPID);
  int status;
  pid_t pid;

  if (failed != NULL)
    return failed;
  pid = fork ();
  if (pid == 0)
    _exit (mount ("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0 ? 0
                                                                                        : errno);
  if (pid < 0)
    return "fork";
  if (TEMP_FAILURE_RETRY (waitpid (pid, &status, 0)) != pid || !WIFEXITED (status))
    return "waitpid";
  errno = WEXITSTATUS (status);
  return errno == 0 ? NULL : "mount(proc)";
}

static const char *
try_netns (gpointer data)
{
  return enter_userns (CLONE_NEWNET);
}

static const char *
try_otherns (gpointer data)
{
  return enter_userns (CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP);
}

static const char *
try_overlayfs (gpointer data)
{
  const char *dir = data;
  g_autofree char *opts = NULL;
  g_autofree char *merged = NULL;
  const char *failed = enter_userns (CLONE_NEWNS);

  if (failed != NULL)
    return failed;
  opts = g_strdup_printf ("lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work", dir, dir, dir);
  merged = g_strdup_printf ("%s/merged", dir);
  if (mount ("overlay", merged, "overlay", 0, opts) == 0)
    return NULL;
  /* Kernels 5.11+ keep overlay's metadata in user.* xattrs when asked to. */
  g_free (opts);
  opts = g_strdup_printf ("lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work,userxattr", dir, dir,
                          dir);
  return mount ("overlay", merged, "overlay", 0, opts) == 0 ? NULL : "mount(overlay)";
}

/* An allow-everything filter: whether a filter can be installed at all. */
static const char *
try_seccomp (gpointer data)
{
  struct sock_filter insns[] = { BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
  struct sock_fprog prog = { G_N_ELEMENTS (insns), insns };

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return "prctl(PR_SET_NO_NEW_PRIVS)";
  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
    return "seccomp(SECCOMP_SET_MODE_FILTER)";
  return NULL;
}

/* Runs try in a forked child (namespaces and filters stay there); the child writes
 * "call: error" to a pipe when it fails. */
static void
run_in_child (Check *c, const char *(*try) (gpointer), gpointer data, const char *ok_detail)
{
  char buf[512];
  int fds[2], status = 0;
  ssize_t n;
  pid_t pid;

  if (pipe2 (fds, O_CLOEXEC) != 0)
    {
      c->detail = g_strdup_printf ("pipe2: %s", g_strerror (errno));
      return;
    }
  pid = fork ();
  if (pid == 0)
    {
      const char *failed;
      close (fds[0]);
      failed = try (data);
      if (failed != NULL)
        {
          int len = snprintf (buf, sizeof buf, "%s: %s", failed, strerror (errno));
          if (write (fds[1], buf, MIN (len, (int)sizeof buf - 1)) < 0)
            _exit (2);
          _exit (1);
        }
      _exit (0);
    }
  close (fds[1]);
  if (pid < 0)
    {
      close (fds[0]);
      c->detail = g_strdup_printf ("fork: %s", g_strerror (errno));
      return;
    }
  n = TEMP_FAILURE_RETRY (read (fds[0], buf, sizeof buf - 1));
  close (fds[0]);
  buf[MAX (n, 0)] = '\0';
  TEMP_FAILURE_RETRY (waitpid (pid, &status, 0));
  c->ok = WIFEXITED (status) && WEXITSTATUS (status) == 0;
  c->detail = g_strdup (c->ok ? ok_detail : (n > 0 ? buf : _ ("the check's process failed")));
}

static void
check_overlayfs (Check *c)
{
  g_autofree char *parent = g_build_filename (g_get_user_cache_dir (), "wrappy", NULL);
  g_autofree char *dir = NULL;
  static const char *const subdirs[] = { "lower", "upper", "work", "merged" };

  if (g_mkdir_with_parents (parent, 0700) != 0)
    g_clear_pointer (&parent, g_free);
  dir = g_build_filename (parent ? parent : g_get_tmp_dir (), "doctor-XXXXXX", NULL);
  if (g_mkdtemp (dir) == NULL)
    {
      c->detail = g_strdup_printf ("mkdtemp(%s): %s", dir, g_strerror (errno));
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *sub = g_build_filename (dir, subdirs[i], NULL);
      mkdir (sub, 0700);
    }
  run_in_child (c, try_overlayfs, dir, _ ("mounted in a user namespace"));
  /* overlayfs leaves work/work with mode 000. */
  {
    g_autofree char *work = g_build_filename (dir, "work", "work", NULL);
    chmod (work, 0700);
  }
  wrappy_rm_rf_at (AT_FDCWD, dir, NULL);
}

static void
check_cgroup (Check *c, WrappyLimitsFacts *f)
{
  guint all = WRAPPY_LIMIT_MEMORY | WRAPPY_LIMIT_PIDS | WRAPPY_LIMIT_CPU;

  wrappy_limits_facts_collect (f, all);
  c->ok = f->cgroup_parent != NULL && f->cgroup_controllers == all;
  if (f->cgroup_parent != NULL)
    {
      g_autofree char *names = wrappy_limits_controller_names (f->cgroup_controllers);
      /* The parent is under whichever cgroup2 mount shows wrappy's own cgroup (on a hybrid
       * host /sys/fs/cgroup/unified), so the path alone says which hierarchy it is. */
      c->detail = g_strdup_printf (_ ("sandboxes go under %s (%s)%s%s"), f->cgroup_parent, names,
                                   c->ok ? "" : "; ", c->ok ? "" : f->cgroup_missing);
    }
  else
    c->detail = g_strdup (f->cgroup_missing ? f->cgroup_missing : _ ("no delegated cgroup"));
}

static void
check_fuse (Check *c)
{
  g_autofree char *fusermount = g_find_program_in_path ("fusermount3");
  int fd = open ("/dev/fuse", O_RDWR | O_CLOEXEC);
  int errsv = errno;

  if (fd >= 0)
    close (fd);
  c->ok = fd >= 0 && fusermount != NULL;
  if (fd < 0)
    c->detail = g_strdup_printf ("open(/dev/fuse): %s", g_strerror (errsv));
  else if (fusermount == NULL)
    c->detail = g_strdup (_ ("fusermount3 is not installed"));
  else
    c->detail = g_strdup_printf (_ ("/dev/fuse opens; %s"), fusermount);
}

static void
check_openat2 (Check *c)
{
  struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
  int fd = syscall (SYS_openat2, AT_FDCWD, "/", &how, sizeof how);

  c->ok = fd >= 0;
  c->detail
      = c->ok ? g_strdup ("RESOLVE_IN_ROOT") : g_strdup_printf ("openat2: %s", g_strerror (errno));
  if (fd >= 0)
    close (fd);
}

/* The filtered buses need xdg-dbus-proxy, and bwrap around it (wrappy-plan-dbus.c). */
static void
check_dbus_proxy (Check *c)
{
  g_autofree char *proxy = g_find_program_in_path ("xdg-dbus-proxy");
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");

  c->ok = proxy != NULL && bwrap != NULL;
  if (proxy == NULL)
    c->detail = g_strdup (_ ("xdg-dbus-proxy is not installed: an app with a filtered bus "
                             "does not start"));
  else if (bwrap == NULL)
    c->detail = g_strdup (_ ("bwrap is not installed: an app with a filtered bus does not "
                             "start"));
  else
    c->detail = g_strdup (proxy);
}

/* Which of the two ways files reach an app here (wrappy-documents.h). */
static void
check_file_forwarding (Check *c)
{
  c->ok = strcmp (wrappy_forward_method (), "document portal") == 0;
  c->detail = g_strdup (c->ok ? _ ("through the document portal")
                              : _ ("no document portal answers on the session bus: each file "
                                   "is bound at its own path"));
}

/* Whether the child that unpacks AppImages and snaps is confined to its files too
 * (wrappy-unpack.h). */
static void
check_landlock (Check *c)
{
  int abi = wrappy_unpack_landlock_abi ();

  c->ok = abi >= 1;
  c->detail = c->ok ? g_strdup_printf (_ ("ABI %d: an image is unpacked reading only itself and "
                                          "the system's files, writing only its staging dir"),
                                       abi)
                    : g_strdup (_ ("not in this kernel: the unpacking child has its limits and "
                                   "seccomp filter, but could read your files"));
}

static void
run_checks (Check *checks, WrappyLimitsFacts *f)
{
  run_in_child (&checks[CHECK_USERNS], try_userns, NULL, "unshare(CLONE_NEWUSER)");
  run_in_child (&checks[CHECK_MOUNTNS], try_mountns, NULL, _ ("tmpfs mounted inside"));
  run_in_child (&checks[CHECK_PIDNS], try_pidns, NULL, _ ("own /proc mounted"));
  run_in_child (&checks[CHECK_NETNS], try_netns, NULL, "unshare(CLONE_NEWNET)");
  run_in_child (&checks[CHECK_OTHERNS], try_otherns, NULL,
                "unshare(CLONE_NEWIPC|CLONE_NEWUTS|CLONE_NEWCGROUP)");
  check_overlayfs (&checks[CHECK_OVERLAYFS]);
  check_cgroup (&checks[CHECK_CGROUP], f);
  run_in_child (&checks[CHECK_SECCOMP], try_seccomp, NULL, _ ("a filter installs"));
  check_fuse (&checks[CHECK_FUSE]);
  check_openat2 (&checks[CHECK_OPENAT2]);
  check_dbus_proxy (&checks[CHECK_DBUS_PROXY]);
  check_file_forwarding (&checks[CHECK_FILE_FORWARDING]);
  check_landlock (&checks[CHECK_LANDLOCK]);
}

/* ---- levels ---- */

typedef struct
{
  gboolean runs;
  GPtrArray *cannot; /* char*: what the level cannot apply here */
} LevelReport;

static void
need (LevelReport *r, const Check *checks, CheckId id)
{
  if (!checks[id].ok)
    {
      r->runs = FALSE;
      g_ptr_array_add (r->cannot,
                       g_strdup_printf (_ ("%s (needed to run)"), _ (check_names[id].label)));
    }
}

/* What becomes of the limits at full (when asked) and paranoid (defaults) here. */
static void
add_limits (LevelReport *r, const WrappyLimitsFacts *f, WrappyIsolation level)
{
  WrappyLimits asked = { 1 << 30, 100, 1000 };
  WrappyLimitsPlan p;
  g_autofree char *line = NULL;

  if (level == WRAPPY_ISOLATION_PARANOID)
    memset (&asked, 0, sizeof asked);
  if (!wrappy_limits_plan_init (&p, &asked, level, "doctor", f, NULL))
    return;
  if (p.no_cgroup != NULL)
    {
      const char *what = level == WRAPPY_ISOLATION_PARANOID ? _ ("default limits") : _ ("limits");
      if (p.memory_via == WRAPPY_LIMIT_VIA_SKIPPED && p.pids_via == WRAPPY_LIMIT_VIA_SKIPPED)
        g_ptr_array_add (r->cannot,
                         g_strdup_printf (_ ("%s (not applied: %s)"), what, p.no_cgroup));
      else if (p.pids_via == WRAPPY_LIMIT_VIA_SKIPPED)
        g_ptr_array_add (r->cannot, g_strdup_printf (_ ("%s through a cgroup (memory and cpus "
                                                        "as rlimits only, pids not at all for "
                                                        "root: %s)"),
                                                     what, p.no_cgroup));
      else if (p.memory_via == WRAPPY_LIMIT_VIA_SKIPPED)
        g_ptr_array_add (r->cannot, g_strdup_printf (_ ("%s through a cgroup (pids as "
                                                        "RLIMIT_NPROC only, memory not at all: "
                                                        "%s)"),
                                                     what, p.no_cgroup));
      else
        g_ptr_array_add (r->cannot, g_strdup_printf (_ ("%s through a cgroup (rlimits only: %s)"),
                                                     what, p.no_cgroup));
    }
  wrappy_limits_plan_clear (&p);
}

static void
report_level (LevelReport *r, WrappyIsolation level, const Check *checks,
              const WrappyLimitsFacts *f)
{
  r->runs = TRUE;
  r->cannot = g_ptr_array_new_with_free_func (g_free);
  need (r, checks, CHECK_USERNS);
  need (r, checks, CHECK_MOUNTNS);
  need (r, checks, CHECK_OPENAT2);
  if (level >= WRAPPY_ISOLATION_PARTIAL)
    need (r, checks, CHECK_PIDNS);
  if (level >= WRAPPY_ISOLATION_FULL)
    {
      need (r, checks, CHECK_OTHERNS);
      need (r, checks, CHECK_NETNS);
      if (!checks[CHECK_SECCOMP].ok)
        g_ptr_array_add (r->cannot, g_strdup_printf (_ ("the seccomp filter (%s)"),
                                                     checks[CHECK_SECCOMP].detail));
      add_limits (r, f, level);
    }
}

static const char *
status_label (WrappyProblemStatus status)
{
  switch (status)
    {
    case WRAPPY_PROBLEM_FOUND:
      return _ ("problem:");
    case WRAPPY_PROBLEM_FIXED:
      return _ ("fixed:");
    case WRAPPY_PROBLEM_REMAINS:
      return _ ("not fixed:");
    case WRAPPY_PROBLEM_NOTE:
    default:
      return _ ("note:");
    }
}

static void
print_store_text (const WrappyRepairReport *store, gboolean fix)
{
  printf ("%s %s\n", _ ("Store:"), wrappy_dirs_data ());
  printf ("  ");
  printf (g_dngettext (GETTEXT_PACKAGE, "%u app", "%u apps", store->n_apps), store->n_apps);
  printf (", ");
  printf (g_dngettext (GETTEXT_PACKAGE, "%u layer", "%u layers", store->n_layers), store->n_layers);
  printf (", ");
  printf (
      g_dngettext (GETTEXT_PACKAGE, "%u object verified", "%u objects verified", store->n_objects),
      store->n_objects);
  printf ("\n");
  for (guint i = 0; i < store->problems->len; i++)
    {
      const WrappyProblem *p = store->problems->pdata[i];
      printf ("  %s %s", status_label (p->status), p->detail);
      if (p->action != NULL)
        printf (" -> %s", p->action);
      printf ("\n");
    }
  if (wrappy_repair_report_has_problems (store))
    printf ("  %s\n",
            fix ? _ ("some problems need you (see above)")
                : _ ("the store has problems: 'wrappy doctor --fix' repairs what it can"));
  else
    printf ("  %s\n", fix && store->problems->len > 0 ? _ ("the store is repaired")
                                                      : _ ("the store is healthy"));
}

static void
print_text (const Check *checks, const LevelReport *levels)
{
  printf ("%s\n", _ ("Host:"));
  for (guint i = 0; i < N_CHECKS; i++)
    {
      printf ("  ");
      wrappy_print_padded (_ (check_names[i].label), 32);
      printf (" %-4s %s\n", checks[i].ok ? _ ("yes") : _ ("no"), checks[i].detail);
    }
  printf ("%s\n", _ ("Levels:"));
  for (WrappyIsolation l = WRAPPY_ISOLATION_NONE; l <= WRAPPY_ISOLATION_PARANOID; l++)
    {
      const LevelReport *r = &levels[l];
      printf ("  ");
      wrappy_print_padded (wrappy_isolation_to_string (l), 10);
      printf (" %s", r->runs ? _ ("runs") : _ ("cannot run"));
      if (r->cannot->len == 0)
        printf ("; %s\n", _ ("everything applies"));
      else
        {
          printf ("; %s ", _ ("cannot apply here:"));
          for (guint i = 0; i < r->cannot->len; i++)
            printf ("%s%s", i ? ", " : "", (char *)r->cannot->pdata[i]);
          printf ("\n");
        }
    }
}

static void
add_json_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_store_json (JsonBuilder *b, const WrappyRepairReport *store)
{
  g_autofree char *summary = wrappy_repair_report_summary (store);

  json_builder_set_member_name (b, "store");
  json_builder_begin_object (b);
  add_json_string (b, "path", wrappy_dirs_data ());
  json_builder_set_member_name (b, "healthy");
  json_builder_add_boolean_value (b, !wrappy_repair_report_has_problems (store));
  json_builder_set_member_name (b, "apps");
  json_builder_add_int_value (b, store->n_apps);
  json_builder_set_member_name (b, "layers");
  json_builder_add_int_value (b, store->n_layers);
  json_builder_set_member_name (b, "objects_verified");
  json_builder_add_int_value (b, store->n_objects);
  add_json_string (b, "action", summary);
  json_builder_set_member_name (b, "problems");
  json_builder_begin_array (b);
  for (guint i = 0; i < store->problems->len; i++)
    {
      const WrappyProblem *p = store->problems->pdata[i];
      json_builder_begin_object (b);
      add_json_string (b, "kind", wrappy_problem_kind_to_string (p->kind));
      add_json_string (b, "status", wrappy_problem_status_to_string (p->status));
      add_json_string (b, "app", p->app_id);
      add_json_string (b, "path", p->path);
      add_json_string (b, "detail", p->detail);
      add_json_string (b, "action", p->action);
      if (p->size > 0)
        {
          json_builder_set_member_name (b, "size");
          json_builder_add_int_value (b, (gint64)p->size);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* The GL drivers this host picks, in order, and the one each installed Flatpak app
 * will use (wrappy-flathub-ext.h): drivers is the order, apps "ID\tDRIVER" lines. */
static void
gl_report (char ***drivers, GPtrArray **apps)
{
  g_autoptr (GPtrArray) list = wrappy_manifest_list_installed (NULL);

  *drivers = wrappy_flathub_gl_drivers ();
  *apps = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      const WrappyManifest *m = list->pdata[i];
      g_autofree char *gl = NULL;

      if (g_strcmp0 (m->source, "flathub") != 0 || (gl = wrappy_flathub_gl_driver (m)) == NULL)
        continue;
      g_ptr_array_add (*apps, g_strdup_printf ("%s\t%s", m->id, gl));
    }
}

static void
print_gl_text (void)
{
  g_auto (GStrv) drivers = NULL;
  g_autoptr (GPtrArray) apps = NULL;
  g_autofree char *order = NULL;

  gl_report (&drivers, &apps);
  order = g_strjoinv (", ", drivers);
  printf ("%s %s\n", _ ("GL drivers, in the order apps get them:"), order);
  for (guint i = 0; i < apps->len; i++)
    {
      g_auto (GStrv) kv = g_strsplit (apps->pdata[i], "\t", 2);
      printf ("  %s: %s\n", kv[0], kv[1]);
    }
}

static void
add_gl_json (JsonBuilder *b)
{
  g_auto (GStrv) drivers = NULL;
  g_autoptr (GPtrArray) apps = NULL;

  gl_report (&drivers, &apps);
  json_builder_set_member_name (b, "gl");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "drivers");
  json_builder_begin_array (b);
  for (char **d = drivers; *d; d++)
    json_builder_add_string_value (b, *d);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "apps");
  json_builder_begin_object (b);
  for (guint i = 0; i < apps->len; i++)
    {
      g_auto (GStrv) kv = g_strsplit (apps->pdata[i], "\t", 2);
      add_json_string (b, kv[0], kv[1]);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
print_json (const Check *checks, const LevelReport *levels, const WrappyRepairReport *store)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "checks");
  json_builder_begin_object (b);
  for (guint i = 0; i < N_CHECKS; i++)
    {
      json_builder_set_member_name (b, check_names[i].key);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, checks[i].ok);
      json_builder_set_member_name (b, "detail");
      json_builder_add_string_value (b, checks[i].detail);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "levels");
  json_builder_begin_object (b);
  for (WrappyIsolation l = WRAPPY_ISOLATION_NONE; l <= WRAPPY_ISOLATION_PARANOID; l++)
    {
      json_builder_set_member_name (b, wrappy_isolation_to_string (l));
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "runs");
      json_builder_add_boolean_value (b, levels[l].runs);
      json_builder_set_member_name (b, "cannot");
      json_builder_begin_array (b);
      for (guint i = 0; i < levels[l].cannot->len; i++)
        json_builder_add_string_value (b, levels[l].cannot->pdata[i]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  add_store_json (b, store);
  add_gl_json (b);
  json_builder_end_object (b);
  wrappy_print_json (b);
}

static gboolean opt_fix;

const GOptionEntry wrappy_doctor_options[] = {
  { "fix", 0, 0, G_OPTION_ARG_NONE, &opt_fix,
    N_ ("Repair the store: what can be fetched or checked out again is, nothing is lost"), NULL },
  { NULL },
};

/* Fails, with what the user must do, when store problems remain. */
static gboolean
store_verdict (const WrappyRepairReport *store, GError **error)
{
  g_autofree char *summary = NULL;

  if (!wrappy_repair_report_has_problems (store))
    return TRUE;
  summary = wrappy_repair_report_summary (store);
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, _ ("the store has problems: %s"), summary);
  return FALSE;
}

WRAPPY_BUILTIN (doctor)
{
  g_autoptr (WrappyRepairReport) store = NULL;
  Check checks[N_CHECKS];
  LevelReport levels[WRAPPY_ISOLATION_PARANOID + 1];
  WrappyLimitsFacts facts;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                           _ ("doctor takes no arguments"));
      return FALSE;
    }
  store = wrappy_repair_run (opt_fix, NULL, error);
  if (store == NULL)
    return FALSE;
  memset (checks, 0, sizeof checks);
  fflush (NULL);
  run_checks (checks, &facts);
  for (WrappyIsolation l = WRAPPY_ISOLATION_NONE; l <= WRAPPY_ISOLATION_PARANOID; l++)
    report_level (&levels[l], l, checks, &facts);

  if (wrappy_output_json ())
    print_json (checks, levels, store);
  else
    {
      print_text (checks, levels);
      print_store_text (store, opt_fix);
      print_gl_text ();
    }

  for (guint i = 0; i < N_CHECKS; i++)
    g_free (checks[i].detail);
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    g_ptr_array_unref (levels[i].cannot);
  wrappy_limits_facts_clear (&facts);
  fflush (stdout);
  return store_verdict (store, error);
}

/* `wrappy repair`: `wrappy doctor --fix`. */
WRAPPY_BUILTIN (repair)
{
  opt_fix = TRUE;
  return wrappy_builtin_doctor (cmd, argc, argv, exit_code, error);
}
