/* The seccomp programs: the embedded ones are current, and a process under each one
 * gets the errno docs/sandbox.md promises. The filters are applied in subprocesses
 * (g_test_trap_subprocess or fork), so the test process itself stays unfiltered.
 *
 * Each call is made with arguments the kernel would reject (EFAULT, EBADF, EINVAL…),
 * as flatpak's try-syscall does: a call the filter lets through fails differently from
 * one it refuses, and nothing is changed either way. */
#include "config.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wrappy-seccomp.h"

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* The result of a call: 0 when it succeeded, -errno when it failed. */
static long
result (long r)
{
  return r < 0 ? -errno : 0;
}

static long
socket_result (int fd)
{
  if (fd < 0)
    return -errno;
  close (fd);
  return 0;
}

static long
c_getpid (void)
{
  return result (getpid () > 0 ? 0 : -1);
}
static long
c_unshare_user (void)
{
  return result (unshare (CLONE_NEWUSER));
}
/* CLONE_NEWUSER with CLONE_FS is EINVAL in the kernel: nothing is cloned either way. */
static long
c_clone_user (void)
{
  return result (syscall (SYS_clone, CLONE_NEWUSER | CLONE_FS, 0, 0, 0, 0));
}
static long
c_clone3 (void)
{
  return result (syscall (SYS_clone3, NULL, 0));
}
static long
c_setns (void)
{
  return result (setns (-1, 0));
}
static long
c_mount (void)
{
  return result (syscall (SYS_mount, (char *)1, "/", NULL, 0, NULL));
}
static long
c_umount2 (void)
{
  return result (syscall (SYS_umount2, (char *)1, 0));
}
static long
c_pivot_root (void)
{
  return result (syscall (SYS_pivot_root, (char *)1, (char *)1));
}
static long
c_chroot (void)
{
  return result (syscall (SYS_chroot, (char *)1));
}
static long
c_open_tree (void)
{
  return result (syscall (SYS_open_tree, -1, (char *)1, 0));
}
static long
c_fsopen (void)
{
  return result (syscall (SYS_fsopen, (char *)1, 0));
}
static long
c_mount_setattr (void)
{
  return result (syscall (SYS_mount_setattr, -1, (char *)1, 0, NULL, 0));
}
static long
c_keyctl (void)
{
  return result (syscall (SYS_keyctl, -1L, 0, 0, 0, 0));
}
static long
c_add_key (void)
{
  return result (syscall (SYS_add_key, (char *)1, (char *)1, NULL, 0, 0));
}
static long
c_syslog (void)
{
  return result (syscall (SYS_syslog, -1, NULL, 0));
}
static long
c_ptrace (void)
{
  return result (syscall (SYS_ptrace, -1L, 0, 0, 0));
}
static long
c_perf (void)
{
  return result (syscall (SYS_perf_event_open, NULL, 0, -1, -1, 0));
}
static long
c_mbind (void)
{
  return result (syscall (SYS_mbind, NULL, 0, -1, NULL, 0, 0));
}
static long
c_tiocsti (void)
{
  return result (syscall (SYS_ioctl, -1, (unsigned long)TIOCSTI, NULL));
}
/* CVE-2019-10063: the kernel ignores the upper half of the request. */
static long
c_tiocsti_high (void)
{
  return result (syscall (SYS_ioctl, -1, (unsigned long)TIOCSTI | (1UL << 32), NULL));
}
static long
c_tioclinux (void)
{
  return result (syscall (SYS_ioctl, -1, (unsigned long)TIOCLINUX | (1UL << 32), NULL));
}
static long
c_tiocgwinsz (void)
{
  return result (syscall (SYS_ioctl, -1, (unsigned long)TIOCGWINSZ, NULL));
}
static long
c_personality_linux32 (void)
{
  return result (personality (PER_LINUX32));
}
static long
c_personality_norandom (void)
{
  return result (personality (ADDR_NO_RANDOMIZE));
}
static long
c_personality_query (void)
{
  return result (personality (0xffffffff));
}
static long
c_personality_linux (void)
{
  return result (personality (PER_LINUX));
}
static long
c_personality_high (void)
{
  return result (syscall (SYS_personality, 0xffffffffUL | (1UL << 32)));
}
static long
c_socket_unix (void)
{
  return socket_result (socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
}
static long
c_socket_inet (void)
{
  return socket_result (socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
}
static long
c_socket_netlink (void)
{
  return socket_result (socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0));
}
static long
c_socket_packet (void)
{
  return socket_result (socket (AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
}
static long
c_socket_vsock (void)
{
  return socket_result (socket (AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0));
}
static long
c_socket_high (void)
{
  return socket_result (syscall (SYS_socket, AF_UNIX | (1UL << 32), SOCK_STREAM | SOCK_CLOEXEC, 0));
}
static long
c_bpf (void)
{
  return result (syscall (SYS_bpf, -1, NULL, 0));
}
static long
c_userfaultfd (void)
{
  return result (syscall (SYS_userfaultfd, ~0));
}
static long
c_io_uring (void)
{
  return result (syscall (SYS_io_uring_setup, 0, NULL));
}
static long
c_init_module (void)
{
  return result (syscall (SYS_init_module, NULL, 0, NULL));
}
static long
c_kexec (void)
{
  return result (syscall (SYS_kexec_load, 0, 0, NULL, ~0UL));
}
static long
c_clock_settime (void)
{
  return result (syscall (SYS_clock_settime, CLOCK_REALTIME, NULL));
}
static long
c_process_vm_readv (void)
{
  return result (syscall (SYS_process_vm_readv, 0, NULL, 0, NULL, 0, ~0UL));
}

/* The call must give what it gives without a filter (compared with a run before). */
#define ALLOWED 1

typedef struct
{
  const char *name;
  long (*call) (void);
  long full; /* -errno or ALLOWED */
  long paranoid;
} Check;

static const Check checks[] = {
  { "getpid", c_getpid, ALLOWED, ALLOWED },
  { "clone(CLONE_NEWUSER)", c_clone_user, -EPERM, -EPERM },
  { "clone3", c_clone3, -ENOSYS, -ENOSYS },
  { "setns", c_setns, -EPERM, -EPERM },
  { "mount", c_mount, -EPERM, -EPERM },
  { "umount2", c_umount2, -EPERM, -EPERM },
  { "pivot_root", c_pivot_root, -EPERM, -EPERM },
  { "chroot", c_chroot, -EPERM, -EPERM },
  { "open_tree", c_open_tree, -ENOSYS, -ENOSYS },
  { "fsopen", c_fsopen, -ENOSYS, -ENOSYS },
  { "mount_setattr", c_mount_setattr, -ENOSYS, -ENOSYS },
  { "keyctl", c_keyctl, -EPERM, -EPERM },
  { "add_key", c_add_key, -EPERM, -EPERM },
  { "syslog", c_syslog, -EPERM, -EPERM },
  { "ptrace", c_ptrace, -EPERM, -EPERM },
  { "perf_event_open", c_perf, -ENOSYS, -ENOSYS },
  { "mbind", c_mbind, -EPERM, -EPERM },
  { "ioctl(TIOCSTI)", c_tiocsti, -EPERM, -EPERM },
  { "ioctl(TIOCSTI | 1 << 32)", c_tiocsti_high, -EPERM, -EPERM },
  { "ioctl(TIOCLINUX | 1 << 32)", c_tioclinux, -EPERM, -EPERM },
  { "ioctl(TIOCGWINSZ)", c_tiocgwinsz, ALLOWED, ALLOWED },
  { "personality(PER_LINUX32)", c_personality_linux32, -EPERM, -EPERM },
  { "personality(ADDR_NO_RANDOMIZE)", c_personality_norandom, -EPERM, -EPERM },
  { "personality(0xffffffff | 1 << 32)", c_personality_high, -EPERM, -EPERM },
  { "personality(0xffffffff)", c_personality_query, ALLOWED, ALLOWED },
  { "personality(PER_LINUX)", c_personality_linux, ALLOWED, ALLOWED },
  { "socket(AF_UNIX)", c_socket_unix, ALLOWED, ALLOWED },
  { "socket(AF_INET)", c_socket_inet, ALLOWED, ALLOWED },
  { "socket(AF_NETLINK)", c_socket_netlink, ALLOWED, -EAFNOSUPPORT },
  { "socket(AF_PACKET)", c_socket_packet, -EAFNOSUPPORT, -EAFNOSUPPORT },
  { "socket(AF_VSOCK)", c_socket_vsock, -EAFNOSUPPORT, -EAFNOSUPPORT },
  { "socket(AF_UNIX | 1 << 32)", c_socket_high, -EAFNOSUPPORT, -EAFNOSUPPORT },
  { "bpf", c_bpf, ALLOWED, -EPERM },
  { "userfaultfd", c_userfaultfd, ALLOWED, -EPERM },
  { "io_uring_setup", c_io_uring, ALLOWED, -ENOSYS },
  { "init_module", c_init_module, ALLOWED, -EPERM },
  { "kexec_load", c_kexec, ALLOWED, -EPERM },
  { "clock_settime", c_clock_settime, ALLOWED, -EPERM },
  { "process_vm_readv", c_process_vm_readv, ALLOWED, -EPERM },
  /* Last: if the filter let it through, the rest would run in a new user namespace. */
  { "unshare(CLONE_NEWUSER)", c_unshare_user, -EPERM, -EPERM },
};

static gboolean
apply_filter (WrappySeccompLevel level)
{
  struct sock_fprog prog = wrappy_seccomp_program (level);

  return prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
         && prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0;
}

static gboolean
have_seccomp (void)
{
  return prctl (PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
}

static void
test_levels (void)
{
  /* The level table is the policy's (tests/unit/test-policy.c, /policy/level-table). */
  g_assert_cmpuint (wrappy_seccomp_program (WRAPPY_SECCOMP_NONE).len, ==, 0);
  g_assert_null (wrappy_seccomp_program (WRAPPY_SECCOMP_NONE).filter);
}

/* A rule changed without a rebuild of the generated file would show here. */
static void
test_embedded_is_current (void)
{
  for (int level = WRAPPY_SECCOMP_FLATPAK; level < WRAPPY_SECCOMP_N_LEVELS; level++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) built = wrappy_seccomp_build (level, &error);
      struct sock_fprog prog = wrappy_seccomp_program (level);
      gsize size;
      const void *data;

      g_assert_no_error (error);
      data = g_bytes_get_data (built, &size);
      g_assert_cmpuint (size, >, 0);
      g_assert_cmpmem (data, size, prog.filter, prog.len * sizeof (struct sock_filter));
    }
}

static void
test_filter (gconstpointer data)
{
  WrappySeccompLevel level = GPOINTER_TO_INT (data);
  long baseline[G_N_ELEMENTS (checks)];
  g_autoptr (GString) wrong = g_string_new (NULL);

  if (!have_seccomp ())
    {
      g_test_skip ("the kernel has no seccomp");
      return;
    }
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  /* Only the calls some level allows: the others may change this process. */
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    if (checks[i].full == ALLOWED || checks[i].paranoid == ALLOWED)
      baseline[i] = checks[i].call ();
  g_assert_true (apply_filter (level));
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      long want = level == WRAPPY_SECCOMP_STRICT ? checks[i].paranoid : checks[i].full;
      long got = checks[i].call ();

      if (want == ALLOWED)
        want = baseline[i];
      if (got != want)
        g_string_append_printf (wrong, "%s: expected %s, got %s\n", checks[i].name,
                                want == 0 ? "success" : g_strerror (-want),
                                got == 0 ? "success" : g_strerror (-got));
    }
  g_assert_cmpstr (wrong->str, ==, "");
}

#if defined(__x86_64__)
static long
int80 (long nr, long a0)
{
  long r;

  __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a0) : "memory", "r8", "r9", "r10", "r11");
  return r;
}

#define I386_GETPID  20
#define I386_UNSHARE 310
#define X32_GETPID   (0x40000000 | 39)

enum
{
  ENTRY_OK,
  ENTRY_FAILED,
};

/* In a child: 1 when the filter was applied and the 32-bit entry behaved as at level;
 * returns the wait status. */
static int
run_entry_child (WrappySeccompLevel level, gboolean x32)
{
  int status;
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      if (level != WRAPPY_SECCOMP_NONE && !apply_filter (level))
        _exit (ENTRY_FAILED);
      if (x32)
        {
          syscall (X32_GETPID);
          _exit (ENTRY_OK);
        }
      if (int80 (I386_GETPID, 0) != getpid ())
        _exit (ENTRY_FAILED);
      /* At full, the rules apply through the 32-bit entry too. */
      if (level != WRAPPY_SECCOMP_NONE && int80 (I386_UNSHARE, CLONE_NEWUSER) != -EPERM)
        _exit (ENTRY_FAILED);
      _exit (ENTRY_OK);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return status;
}

/* Full keeps the i386 and x32 entries under the same rules; paranoid kills a process
 * that uses them. */
static void
test_compat_entries (void)
{
  int status;

  if (!have_seccomp ())
    {
      g_test_skip ("the kernel has no seccomp");
      return;
    }
  status = run_entry_child (WRAPPY_SECCOMP_STRICT, TRUE);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS);
  status = run_entry_child (WRAPPY_SECCOMP_FLATPAK, TRUE);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == ENTRY_OK);

  status = run_entry_child (WRAPPY_SECCOMP_NONE, FALSE);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != ENTRY_OK)
    {
      g_test_skip ("the kernel has no i386 entry (ia32 emulation is off)");
      return;
    }
  status = run_entry_child (WRAPPY_SECCOMP_FLATPAK, FALSE);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == ENTRY_OK);
  status = run_entry_child (WRAPPY_SECCOMP_STRICT, FALSE);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS);
}
#endif

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seccomp/levels", test_levels);
  g_test_add_func ("/seccomp/embedded-is-current", test_embedded_is_current);
  g_test_add_data_func ("/seccomp/filter/full", GINT_TO_POINTER (WRAPPY_SECCOMP_FLATPAK),
                        test_filter);
  g_test_add_data_func ("/seccomp/filter/paranoid", GINT_TO_POINTER (WRAPPY_SECCOMP_STRICT),
                        test_filter);
#if defined(__x86_64__)
  g_test_add_func ("/seccomp/compat-entries", test_compat_entries);
#endif
  return g_test_run ();
}
