/* wrappy-probe: the escape suite's attacker. It runs inside the sandbox (as the command
 * of the fixture app org.wrappy.Probe) and tries one attack per argument, printing one
 * line per result:
 *
 *   NAME allowed [DETAIL]      the attack worked
 *   NAME blocked errno=EPERM   the kernel (or the filter) refused it
 *   NAME blocked signal=SIGSYS the attempt was killed (a seccomp kill action)
 *   NAME error DETAIL          the probe could not try (bad argument, setup failed)
 *
 * An argument is ATTACK[@LABEL][=ARG]; NAME is ATTACK[@LABEL], so one attack can be
 * tried on several targets (read@home=/x, read@tmp=/y). `all-static` runs every attack
 * that takes no argument. Each attack runs in a forked child, so that a seccomp kill or
 * a changed personality does not end the rest. The probe is linked statically: it
 * needs no loader or library from the runtime, and a host LD_PRELOAD cannot reach it
 * through the loader, only through the environment it reports. Exit status is 0 unless
 * the arguments are wrong (2).
 *
 * Not part of wrappy: built only for tests/integration/test-escape.sh. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

static const char *cur_name = "?";
static char **probe_argv;

static void say (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static void
say (const char *fmt, ...)
{
  char buf[1024];
  va_list ap;
  int n;

  n = snprintf (buf, sizeof buf, "%s ", cur_name);
  va_start (ap, fmt);
  n += vsnprintf (buf + n, sizeof buf - n - 1, fmt, ap);
  va_end (ap);
  if (n > (int)sizeof buf - 2)
    n = sizeof buf - 2;
  buf[n++] = '\n';
  if (write (STDOUT_FILENO, buf, n) < 0)
    _exit (3);
}

static const char *
errname (int e)
{
  const char *s = strerrorname_np (e);
  return s ? s : "E?";
}

/* The usual report for "a call returned r, errno says why". */
static void
report (long r)
{
  if (r < 0)
    say ("blocked errno=%s", errname (errno));
  else
    say ("allowed");
}

/* As report, under another name (one attack, several calls). */
static void
report_as (const char *name, long r)
{
  const char *saved = cur_name;
  cur_name = name;
  report (r);
  cur_name = saved;
}

/* Attacks that change something (mount over /tmp, create a file in /usr, set the clock)
 * are only tried without capabilities: inside a sandbox they can change nothing outside
 * it, while the probe run by hand as root on a host would really do them. */
static int
harmless_here (void)
{
  char line[256];
  int harmless = 0;
  FILE *f = fopen ("/proc/self/status", "re");

  while (f != NULL && fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, "CapEff:", 7) == 0)
      harmless = strtoull (line + 7, NULL, 16) == 0;
  if (f != NULL)
    fclose (f);
  if (!harmless)
    say ("error refused: the probe has capabilities, so it is not in a sandbox");
  return harmless;
}

/* ---------------------------------------------------------------- files and processes */

static void
attack_read (const char *path)
{
  char c;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

  if (fd < 0)
    {
      report (-1);
      return;
    }
  if (read (fd, &c, 1) < 0 && errno != EAGAIN)
    say ("allowed open, read errno=%s", errname (errno));
  else
    say ("allowed");
  close (fd);
}

/* ARG is a path: its missing parent dirs made, then "[Wrappy] isolation=none" appended
 * (what an app that sees $XDG_CONFIG_HOME/wrappy/overrides/global would write there). */
static void
attack_write (const char *path)
{
  static const char text[] = "[Wrappy]\nisolation=none\n";
  char dir[4096];
  int fd;

  if (!harmless_here ())
    return;
  snprintf (dir, sizeof dir, "%s", path);
  for (char *p = dir + 1; (p = strchr (p, '/')) != NULL; p++)
    {
      *p = '\0';
      mkdir (dir, 0700);
      *p = '/';
    }
  fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      report (-1);
      return;
    }
  report (write (fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1) ? 0 : -1);
  close (fd);
}

/* ARG is "FROM>TO": moves a tree out of the way (a protected path's parent, say), so
 * that a later write makes the path anew. */
static void
attack_rename (const char *arg)
{
  char from[4096];
  const char *to = strchr (arg, '>');

  if (!harmless_here () || to == NULL || (size_t)(to - arg) >= sizeof from)
    return;
  memcpy (from, arg, (size_t)(to - arg));
  from[to - arg] = '\0';
  report (rename (from, to + 1));
}

/* ARG is a dir: "allowed NAME,NAME…" (no . and ..) or blocked. */
static void
attack_list (const char *path)
{
  char names[900] = "";
  struct dirent *e;
  DIR *d = opendir (path);

  if (d == NULL)
    {
      report (-1);
      return;
    }
  while ((e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0
        && strlen (names) + strlen (e->d_name) + 2 < sizeof names)
      {
        strcat (names, names[0] ? "," : "");
        strcat (names, e->d_name);
      }
  closedir (d);
  say ("allowed [%s]", names);
}

/* ARG is a variable's name: "allowed" when the app has it (its value is not shown). */
static void
attack_env (const char *name)
{
  if (getenv (name) != NULL)
    say ("allowed");
  else
    say ("blocked unset");
}

/* The host name the app sees. */
static void
attack_uname (const char *arg)
{
  char host[256];

  (void)arg;
  if (gethostname (host, sizeof host) != 0)
    report (-1);
  else
    say ("allowed nodename=[%s]", host);
}

/* ARG is PID:PATH: PATH under the root of a host process. */
static void
attack_proc_root (const char *arg)
{
  char path[4096];
  const char *colon = strchr (arg, ':');

  if (colon == NULL)
    {
      say ("error want PID:PATH");
      return;
    }
  snprintf (path, sizeof path, "/proc/%.*s/root%s", (int)(colon - arg), arg, colon + 1);
  attack_read (path);
}

static void
attack_signal (const char *arg)
{
  report (kill ((pid_t)atoi (arg), 0));
}

/* The status fields the SPEC promises: caps, no_new_privs, seccomp. */
static void
attack_status (const char *arg)
{
  static const char *const keys[]
      = { "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:", "NoNewPrivs:", "Seccomp:" };
  char line[256], out[512] = "";
  FILE *f = fopen ("/proc/self/status", "re");

  if (f == NULL)
    {
      say ("error open /proc/self/status errno=%s", errname (errno));
      return;
    }
  while (fgets (line, sizeof line, f) != NULL)
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
      if (strncmp (line, keys[i], strlen (keys[i])) == 0)
        {
          char *v = line + strlen (keys[i]);
          v += strspn (v, " \t");
          v[strcspn (v, "\n")] = '\0';
          snprintf (out + strlen (out), sizeof out - strlen (out), " %.*s=%s",
                    (int)strlen (keys[i]) - 1, keys[i], v);
        }
  fclose (f);
  say ("info%s", out);
}

/* Any descriptor beyond stdin, stdout and stderr is something the caller leaked. */
static void
attack_fds (const char *arg)
{
  char out[2048] = "";
  int n = 0;

  for (int fd = 3; fd < 1024; fd++)
    {
      char link[64], target[256];
      ssize_t len;

      if (fcntl (fd, F_GETFD) < 0)
        continue;
      snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
      len = readlink (link, target, sizeof target - 1);
      target[len < 0 ? 0 : len] = '\0';
      snprintf (out + strlen (out), sizeof out - strlen (out), " %d=%s", fd, target);
      n++;
    }
  if (n > 0)
    say ("allowed%s", out);
  else
    say ("blocked none-open");
}

static void
attack_loader_env (const char *arg)
{
  static const char *const vars[] = { "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT" };
  char out[2048] = "";

  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    if (getenv (vars[i]) != NULL)
      snprintf (out + strlen (out), sizeof out - strlen (out), " %s=%s", vars[i], getenv (vars[i]));
  if (out[0] != '\0')
    say ("allowed%s", out);
  else
    say ("blocked unset");
}

static void
attack_write_usr (const char *arg)
{
  int fd;

  if (!harmless_here ())
    return;
  fd = open ("/usr/wrappy-escape-marker", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  report (fd);
  if (fd >= 0)
    close (fd);
}

static void
attack_dev (const char *path)
{
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

  report (fd);
  if (fd >= 0)
    close (fd);
}

/* ---------------------------------------------------------------- namespaces and mounts */

static void
attack_mount (const char *arg)
{
  if (!harmless_here ())
    return;
  report (mount ("wrappy-probe", "/tmp", "tmpfs", 0, NULL));
}

static void
attack_mountns (const char *arg)
{
  report (unshare (CLONE_NEWNS));
}

static void
attack_userns (const char *arg)
{
  report (unshare (CLONE_NEWUSER));
}

static int
write_str (const char *path, const char *s)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = write (fd, s, strlen (s));
  close (fd);
  return n == (ssize_t)strlen (s) ? 0 : -1;
}

/* A nested user and mount namespace where this process has every capability: what a
 * sandboxed program needs to mount things of its own. 0 on success. The id maps are
 * a nicety: the kernel refuses to map the host's root (uid 0) without CAP_SETFCAP, and
 * the capabilities in the new namespace do not depend on them. */
static int
enter_nested_root (void)
{
  char map[64];
  uid_t uid = getuid ();
  gid_t gid = getgid ();

  if (unshare (CLONE_NEWUSER | CLONE_NEWNS) != 0)
    return -1;
  snprintf (map, sizeof map, "%u %u 1", (unsigned)uid, (unsigned)uid);
  if (write_str ("/proc/self/uid_map", map) != 0)
    return 0;
  snprintf (map, sizeof map, "%u %u 1", (unsigned)gid, (unsigned)gid);
  if (write_str ("/proc/self/setgroups", "deny") == 0)
    write_str ("/proc/self/gid_map", map);
  return 0;
}

static void
attack_userns_mount (const char *arg)
{
  if (!harmless_here ())
    return;
  if (enter_nested_root () != 0)
    {
      report (-1);
      return;
    }
  report (mount ("wrappy-probe", "/tmp", "tmpfs", 0, NULL));
}

struct probe_clone_args
{
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static void
attack_clone3_userns (const char *arg)
{
  struct probe_clone_args ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
  long pid = syscall (SYS_clone3, &ca, sizeof ca);

  if (pid == 0)
    _exit (0);
  if (pid > 0)
    waitpid ((pid_t)pid, NULL, 0);
  report (pid);
}

/* Each call of the new mount API. The calls run in a nested user and mount namespace
 * when one can be made, so that without a filter they succeed (the sandbox itself has
 * no capabilities, which would refuse most of them anyway); each later call uses what
 * the earlier ones returned, or an invalid descriptor. */
static void
attack_newmount (const char *arg)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
  long fs, mnt, tree, pick;

  if (!harmless_here ())
    return;
  if (enter_nested_root () != 0)
    say ("info no nested namespace (errno=%s): the calls run in the sandbox's", errname (errno));
  fs = syscall (SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
  report_as ("fsopen", fs);
  report_as ("fsconfig", syscall (SYS_fsconfig, (int)fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0));
  mnt = syscall (SYS_fsmount, (int)fs, FSMOUNT_CLOEXEC, 0);
  report_as ("fsmount", mnt);
  report_as ("move_mount",
             syscall (SYS_move_mount, (int)mnt, "", AT_FDCWD, "/tmp", MOVE_MOUNT_F_EMPTY_PATH));
  tree = syscall (SYS_open_tree, AT_FDCWD, "/tmp", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  report_as ("open_tree", tree);
  pick = syscall (SYS_fspick, AT_FDCWD, "/tmp", FSPICK_CLOEXEC);
  report_as ("fspick", pick);
  report_as ("mount_setattr", syscall (SYS_mount_setattr, AT_FDCWD, "/tmp", 0, &attr, sizeof attr));
}

/* ---------------------------------------------------------------- kernel interfaces */

static void
attack_keyctl (const char *arg)
{
  report (syscall (SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1));
}

static void
attack_add_key (const char *arg)
{
  report (syscall (SYS_add_key, "user", "wrappy-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING));
}

static void
attack_perf (const char *arg)
{
  struct perf_event_attr pa = {
    .type = PERF_TYPE_SOFTWARE,
    .size = sizeof pa,
    .config = PERF_COUNT_SW_TASK_CLOCK,
    .disabled = 1,
    .exclude_kernel = 1,
    .exclude_hv = 1,
  };

  report (syscall (SYS_perf_event_open, &pa, 0, -1, -1, PERF_FLAG_FD_CLOEXEC));
}

static void
attack_personality (const char *arg)
{
  /* Turning address randomization off is what exploits want personality() for. */
  long r = personality (PER_LINUX | ADDR_NO_RANDOMIZE);

  if (r == -1)
    report (-1);
  else
    report (personality (0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE) ? 0 : (errno = EINVAL, -1));
}

static void
attack_ptrace (const char *arg)
{
  pid_t child = fork ();
  long r;

  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  if (child < 0)
    {
      say ("error fork errno=%s", errname (errno));
      return;
    }
  r = ptrace (PTRACE_ATTACH, child, NULL, NULL);
  report (r);
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
}

static void
attack_bpf (const char *arg)
{
  union bpf_attr a;

  memset (&a, 0, sizeof a);
  a.map_type = BPF_MAP_TYPE_ARRAY;
  a.key_size = 4;
  a.value_size = 4;
  a.max_entries = 1;
  report (syscall (SYS_bpf, BPF_MAP_CREATE, &a, sizeof a));
}

static void
attack_userfaultfd (const char *arg)
{
  /* User-mode-only faults need no privilege (vm.unprivileged_userfaultfd=0 allows them). */
  report (syscall (SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY));
}

static void
attack_io_uring (const char *arg)
{
  struct io_uring_params p;

  memset (&p, 0, sizeof p);
  report (syscall (SYS_io_uring_setup, 1, &p));
}

static void
attack_init_module (const char *arg)
{
  report (syscall (SYS_finit_module, -1, "", 0));
}

static void
attack_adjtimex (const char *arg)
{
  struct timex tx = { .modes = 0 }; /* read only: needs no privilege */

  report (adjtimex (&tx));
}

static void
attack_clock_settime (const char *arg)
{
  struct timespec ts;

  if (!harmless_here ())
    return;
  clock_gettime (CLOCK_REALTIME, &ts);
  report (clock_settime (CLOCK_REALTIME, &ts));
}

/* getpid through the 32-bit entry point (int 0x80, i386 number 20). */
static void
attack_int80 (const char *arg)
{
  long r = 20;

  __asm__ volatile("int $0x80" : "+a"(r) : : "memory", "r8", "r9", "r10", "r11");
  if (r < 0 && r > -4096)
    {
      errno = (int)-r;
      report (-1);
    }
  else
    say ("allowed pid=%ld", r);
}

/* ---------------------------------------------------------------- terminals */

static const unsigned long tiocsti_masked = (unsigned long)TIOCSTI | (1UL << 32);

static void
tiocsti_on (int fd, unsigned long request)
{
  char c = ' ';

  if (!isatty (fd))
    {
      say ("error fd %d is not a terminal", fd);
      return;
    }
  report (syscall (SYS_ioctl, fd, request, &c));
}

static void
attack_tiocsti_stdin (const char *arg)
{
  tiocsti_on (STDIN_FILENO, TIOCSTI);
}

static void
attack_tiocsti_stdin_masked (const char *arg)
{
  tiocsti_on (STDIN_FILENO, tiocsti_masked);
}

/* A pty of our own as controlling terminal: TIOCSTI on it is allowed by the kernel,
 * so only a filter refuses it. (The caller's terminal is not the app's controlling
 * terminal: wrappy starts the app in a session of its own.) */
static int
own_pty (void)
{
  int m, s, unlock = 0;

  setsid ();
  m = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0 || ioctl (m, TIOCSPTLCK, &unlock) != 0)
    return -1;
  s = ioctl (m, TIOCGPTPEER, O_RDWR | O_CLOEXEC);
  if (s < 0 || ioctl (s, TIOCSCTTY, 0) != 0)
    return -1;
  return s;
}

static void
attack_tiocsti_pty_with (unsigned long request)
{
  int s = own_pty ();

  if (s < 0)
    {
      say ("error no pty of its own errno=%s", errname (errno));
      return;
    }
  tiocsti_on (s, request);
}

static void
attack_tiocsti_pty (const char *arg)
{
  attack_tiocsti_pty_with (TIOCSTI);
}

static void
attack_tiocsti_pty_masked (const char *arg)
{
  attack_tiocsti_pty_with (tiocsti_masked);
}

/* ---------------------------------------------------------------- network */

static void
attack_tcp (const char *arg)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons ((uint16_t)atoi (arg)) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    {
      report (-1);
      return;
    }
  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  report (connect (fd, (struct sockaddr *)&sa, sizeof sa));
  close (fd);
}

static void
attack_abstract (const char *arg)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  size_t n = strlen (arg);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || n + 1 > sizeof sa.sun_path)
    {
      report (-1);
      return;
    }
  memcpy (sa.sun_path + 1, arg, n); /* sun_path[0] = '\0': the abstract namespace */
  report (connect (fd, (struct sockaddr *)&sa, offsetof (struct sockaddr_un, sun_path) + 1 + n));
  close (fd);
}

/* A connection to the unix socket at a path: an agent's (ssh-agent, gpg-agent), a
 * service's (CUPS, pcscd). */
static void
attack_unix (const char *arg)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || strlen (arg) + 1 > sizeof sa.sun_path)
    {
      report (-1);
      return;
    }
  strcpy (sa.sun_path, arg);
  report (connect (fd, (struct sockaddr *)&sa, sizeof sa));
  close (fd);
}

/* ---------------------------------------------------------------- lifetime */

/* Sleeps, with a daemonized grandchild that sleeps too: both must die with wrappy. The
 * test finds them by their argv: the grandchild renames its "sleep@…" argument to
 * "orphn@…" (same length, so /proc/PID/cmdline shows it). */
static void
attack_sleep (const char *arg)
{
  pid_t p = fork ();

  if (p == 0)
    {
      setsid ();
      if (fork () == 0)
        {
          for (char **a = probe_argv + 1; *a; a++)
            if (strncmp (*a, "sleep", 5) == 0)
              memcpy (*a, "orphn", 5);
          for (;;)
            pause ();
        }
      _exit (0);
    }
  if (p > 0)
    waitpid (p, NULL, 0);
  say ("info sleeping");
  for (;;)
    pause ();
}

/* ---------------------------------------------------------------- the table */

typedef struct
{
  const char *name;
  void (*fn) (const char *arg);
  int needs_arg;
} Attack;

static const Attack attacks[] = {
  { "read", attack_read, 1 },
  { "proc-root", attack_proc_root, 1 },
  { "signal", attack_signal, 1 },
  { "status", attack_status, 0 },
  { "fds", attack_fds, 0 },
  { "loader-env", attack_loader_env, 0 },
  { "write-usr", attack_write_usr, 0 },
  { "dev", attack_dev, 1 },
  { "mount", attack_mount, 0 },
  { "mountns", attack_mountns, 0 },
  { "userns", attack_userns, 0 },
  { "userns-mount", attack_userns_mount, 0 },
  { "clone3-userns", attack_clone3_userns, 0 },
  { "newmount", attack_newmount, 0 },
  { "keyctl", attack_keyctl, 0 },
  { "add_key", attack_add_key, 0 },
  { "perf_event_open", attack_perf, 0 },
  { "personality", attack_personality, 0 },
  { "ptrace", attack_ptrace, 0 },
  { "bpf", attack_bpf, 0 },
  { "userfaultfd", attack_userfaultfd, 0 },
  { "io_uring", attack_io_uring, 0 },
  { "init_module", attack_init_module, 0 },
  { "adjtimex", attack_adjtimex, 0 },
  { "clock_settime", attack_clock_settime, 0 },
  { "int80", attack_int80, 0 },
  { "tiocsti-stdin", attack_tiocsti_stdin, 0 },
  { "tiocsti-stdin-masked", attack_tiocsti_stdin_masked, 0 },
  { "tiocsti-pty", attack_tiocsti_pty, 0 },
  { "tiocsti-pty-masked", attack_tiocsti_pty_masked, 0 },
  { "tcp", attack_tcp, 1 },
  { "abstract", attack_abstract, 1 },
  { "unix", attack_unix, 1 },
  { "sleep", attack_sleep, 0 },
  { "write", attack_write, 1 },
  { "rename", attack_rename, 1 },
  { "list", attack_list, 1 },
  { "env", attack_env, 1 },
  { "uname", attack_uname, 0 },
};

static const Attack *
find_attack (const char *name, size_t len)
{
  for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++)
    if (strlen (attacks[i].name) == len && strncmp (attacks[i].name, name, len) == 0)
      return &attacks[i];
  return NULL;
}

/* Runs one attack in a child; a child killed by a signal was blocked by it (SIGSYS is
 * seccomp's) or crashed (anything else). */
static void
run_one (const Attack *a, const char *name, const char *arg)
{
  int status;
  pid_t pid;

  cur_name = name;
  if (strcmp (a->name, "sleep") == 0)
    a->fn (arg); /* never returns: the test kills it */
  pid = fork ();
  if (pid < 0)
    {
      say ("error fork errno=%s", errname (errno));
      return;
    }
  if (pid == 0)
    {
      a->fn (arg);
      _exit (0);
    }
  if (waitpid (pid, &status, 0) < 0)
    say ("error waitpid errno=%s", errname (errno));
  else if (WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS)
    say ("blocked signal=SIGSYS");
  else if (WIFSIGNALED (status))
    say ("error signal=%s", sigabbrev_np (WTERMSIG (status)));
}

int
main (int argc, char **argv)
{
  probe_argv = argv;
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s ATTACK[@LABEL][=ARG]… | all-static\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      char name[256];
      const char *eq = strchr (argv[i], '=');
      size_t name_len = eq ? (size_t)(eq - argv[i]) : strlen (argv[i]);
      size_t attack_len = strcspn (argv[i], "@=");
      const Attack *a;

      if (strcmp (argv[i], "all-static") == 0)
        {
          for (size_t j = 0; j < sizeof attacks / sizeof attacks[0]; j++)
            if (!attacks[j].needs_arg && strcmp (attacks[j].name, "sleep") != 0)
              run_one (&attacks[j], attacks[j].name, "");
          continue;
        }
      a = find_attack (argv[i], attack_len);
      if (a == NULL || name_len >= sizeof name || (a->needs_arg && eq == NULL))
        {
          fprintf (stderr, "%s: unknown attack or missing argument: %s\n", argv[0], argv[i]);
          return 2;
        }
      memcpy (name, argv[i], name_len);
      name[name_len] = '\0';
      run_one (a, name, eq ? eq + 1 : "");
    }
  return 0;
}
