/* The build-time half of wrappy-seccomp.h: the rules, with libseccomp. Linked by
 * wrappy-seccomp-gen (which embeds the programs in wrappy) and by the unit test (which
 * checks that the embedded programs are current); never by wrappy itself.
 *
 * Full follows Flatpak's setup_seccomp (flatpak-run.c); docs/sandbox.md explains every
 * entry. Blocked calls fail with an errno rather than killing the app, as in Flatpak:
 * programs probe for features and must see "not available", not die. */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wrappy-error.h"
#include "wrappy-seccomp.h"

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (scmp_filter_ctx, seccomp_release, NULL)

typedef enum
{
  AT_FULL = 1 << 0,
  AT_PARANOID = 1 << 1,
  AT_BOTH = AT_FULL | AT_PARANOID,
} Levels;

typedef struct
{
  const char *name;
  int errnum;
  Levels levels;
} BlockedCall;

static const BlockedCall blocked_calls[] = {
  /* Flatpak's list. dmesg shows kernel addresses and the host's messages. */
  { "syslog", EPERM, AT_BOTH },
  { "uselib", EPERM, AT_BOTH },
  { "acct", EPERM, AT_BOTH },
  /* 16-bit segments: useless here, and a history of information leaks. */
  { "modify_ldt", EPERM, AT_BOTH },
  { "quotactl", EPERM, AT_BOTH },
  { "quotactl_fd", EPERM, AT_BOTH },
  /* The kernel keyrings are not namespaced: keys would be shared with the host. */
  { "add_key", EPERM, AT_BOTH },
  { "keyctl", EPERM, AT_BOTH },
  { "request_key", EPERM, AT_BOTH },
  /* NUMA policy and page migration: a history of kernel bugs, no use in an app. */
  { "move_pages", EPERM, AT_BOTH },
  { "mbind", EPERM, AT_BOTH },
  { "get_mempolicy", EPERM, AT_BOTH },
  { "set_mempolicy", EPERM, AT_BOTH },
  { "set_mempolicy_home_node", EPERM, AT_BOTH },
  { "migrate_pages", EPERM, AT_BOTH },
  /* A nested user namespace gives the app every capability over new namespaces, which
   * is where most unprivileged kernel exploits start; setns joins someone else's. */
  { "unshare", EPERM, AT_BOTH },
  { "setns", EPERM, AT_BOTH },
  /* The mount tree is wrappy's; pivot_root and chroot are escape tools. */
  { "mount", EPERM, AT_BOTH },
  { "umount", EPERM, AT_BOTH },
  { "umount2", EPERM, AT_BOTH },
  { "pivot_root", EPERM, AT_BOTH },
  { "chroot", EPERM, AT_BOTH },
  /* The new mount API: ENOSYS so that libmount falls back to mount(2), refused above. */
  { "open_tree", ENOSYS, AT_BOTH },
  { "move_mount", ENOSYS, AT_BOTH },
  { "fsopen", ENOSYS, AT_BOTH },
  { "fsconfig", ENOSYS, AT_BOTH },
  { "fsmount", ENOSYS, AT_BOTH },
  { "fspick", ENOSYS, AT_BOTH },
  { "mount_setattr", ENOSYS, AT_BOTH },
  /* clone3 passes its flags in memory, where seccomp cannot see CLONE_NEWUSER: ENOSYS
   * makes glibc fall back to clone, whose flags are checked (add_clone_rule). */
  { "clone3", ENOSYS, AT_BOTH },
  /* Flatpak allows these two only under --devel: profiling observes the kernel and
   * other processes, and ptrace would let the app make calls on another's behalf. */
  { "perf_event_open", ENOSYS, AT_BOTH },
  { "ptrace", EPERM, AT_BOTH },

  /* Paranoid: kernel attack surface that apps rarely need. userfaultfd stalls the kernel
   * mid-copy, the classic way to win a kernel race. */
  { "bpf", EPERM, AT_PARANOID },
  { "userfaultfd", EPERM, AT_PARANOID },
  /* io_uring runs operations (socket creation among them) that seccomp never sees;
   * ENOSYS makes liburing users fall back to plain calls. */
  { "io_uring_setup", ENOSYS, AT_PARANOID },
  { "io_uring_enter", ENOSYS, AT_PARANOID },
  { "io_uring_register", ENOSYS, AT_PARANOID },
  /* Host-wide operations: the kernel refuses them without capabilities in the initial
   * namespace, refused here before any kernel code parses their arguments. */
  { "init_module", EPERM, AT_PARANOID },
  { "finit_module", EPERM, AT_PARANOID },
  { "delete_module", EPERM, AT_PARANOID },
  { "kexec_load", EPERM, AT_PARANOID },
  { "kexec_file_load", EPERM, AT_PARANOID },
  { "reboot", EPERM, AT_PARANOID },
  { "swapon", EPERM, AT_PARANOID },
  { "swapoff", EPERM, AT_PARANOID },
  { "iopl", EPERM, AT_PARANOID },
  { "ioperm", EPERM, AT_PARANOID },
  { "clock_settime", EPERM, AT_PARANOID },
  { "clock_adjtime", EPERM, AT_PARANOID },
  { "settimeofday", EPERM, AT_PARANOID },
  { "adjtimex", EPERM, AT_PARANOID },
  /* The "shocker" container escape (2014): open any inode by handle. */
  { "open_by_handle_at", EPERM, AT_PARANOID },
  /* ptrace's powers under other names: read or write another process's memory, take
   * its file descriptors. */
  { "process_vm_readv", EPERM, AT_PARANOID },
  { "process_vm_writev", EPERM, AT_PARANOID },
  { "pidfd_getfd", EPERM, AT_PARANOID },
};

/* Socket families that stay available, in increasing order. AF_UNSPEC fails in the
 * kernel anyway; leaving it out of the refusals saves a rule. */
static const int flatpak_families[] = { AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };
static const int strict_families[] = { AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6 };

static gboolean
rule_error (GError **error, const char *what, int r)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "libseccomp: %s: %s", what,
               g_strerror (-r));
  return FALSE;
}

/* Adds "name fails with errnum when every comparison holds" for arch. A call that does
 * not exist on arch (umount on x86-64) or that arch multiplexes (socket through
 * socketcall on i386) is skipped there; an unknown name is an error. */
static gboolean
add_rule (scmp_filter_ctx ctx, guint32 arch, const char *name, int errnum, guint n_cmp,
          const struct scmp_arg_cmp *cmp, GError **error)
{
  int nr = seccomp_syscall_resolve_name (name);
  int r;

  if (nr == __NR_SCMP_ERROR)
    return rule_error (error, name, -ENOENT);
  if (seccomp_syscall_resolve_name_arch (arch, name) < 0)
    return TRUE;
  /* Exact: libseccomp must not rewrite a rule into something broader or narrower. */
  r = seccomp_rule_add_exact_array (ctx, SCMP_ACT_ERRNO (errnum), nr, n_cmp, cmp);
  if (r != 0)
    return rule_error (error, name, r);
  return TRUE;
}

static gboolean
add_clone_rule (scmp_filter_ctx ctx, guint32 arch, GError **error)
{
#if defined(__s390__) || defined(__s390x__)
  /* s390 swaps clone's first two arguments. */
  struct scmp_arg_cmp cmp = SCMP_A1 (SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER);
#else
  struct scmp_arg_cmp cmp = SCMP_A0 (SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER);
#endif

  return add_rule (ctx, arch, "clone", EPERM, 1, &cmp, error);
}

/* TIOCSTI pushes characters into the terminal's input: commands typed into the shell
 * that started wrappy (CVE-2017-5226 in bubblewrap). TIOCLINUX's paste selection does
 * the same on a virtual console (CVE-2023-28100). The kernel reads the request as 32
 * bits, so it is compared on 32 bits: junk in the upper half must not let it through
 * (CVE-2019-10063). */
static gboolean
add_ioctl_rules (scmp_filter_ctx ctx, guint32 arch, GError **error)
{
  const unsigned long requests[] = { TIOCSTI, TIOCLINUX };

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      struct scmp_arg_cmp cmp = SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xffffffffu, requests[i]);
      if (!add_rule (ctx, arch, "ioctl", EPERM, 1, &cmp, error))
        return FALSE;
    }
  return TRUE;
}

/* Only PER_LINUX (0) and the query 0xffffffff: other personalities change the address
 * space layout (ADDR_NO_RANDOMIZE turns ASLR off, READ_IMPLIES_EXEC makes data
 * executable) and have hidden kernel bugs. The kernel takes the persona as 32 bits, so
 * anything in the upper half is refused; libseccomp compares an argument once per
 * rule, so "neither all zeros nor all ones" on the lower half takes 62 masked rules:
 * by the lowest clear bit j >= 1 (bits below it set), and, with bit 0 clear, by the
 * lowest set bit. */
static gboolean
add_personality_rules (scmp_filter_ctx ctx, guint32 arch, GError **error)
{
  struct scmp_arg_cmp high = SCMP_A0 (SCMP_CMP_GT, 0xffffffffu);

  if (!add_rule (ctx, arch, "personality", EPERM, 1, &high, error))
    return FALSE;
  for (guint bit = 1; bit < 32; bit++)
    {
      guint64 below = ((guint64)1 << bit) - 1;
      guint64 mask = ((guint64)2 << bit) - 1;
      struct scmp_arg_cmp clear = SCMP_A0 (SCMP_CMP_MASKED_EQ, mask, below);
      struct scmp_arg_cmp set = SCMP_A0 (SCMP_CMP_MASKED_EQ, mask, (guint64)1 << bit);

      if (!add_rule (ctx, arch, "personality", EPERM, 1, &clear, error)
          || !add_rule (ctx, arch, "personality", EPERM, 1, &set, error))
        return FALSE;
    }
  return TRUE;
}

/* Families outside the list fail with EAFNOSUPPORT, as if the kernel lacked them: rare
 * families (AF_VSOCK, AF_ALG, AF_TIPC, AF_RDS…) are where socket exploits live. The
 * comparisons are on 64 bits and unsigned: junk in the upper half makes the value larger
 * than every allowed family, so the last rule catches it. */
static gboolean
add_socket_rules (scmp_filter_ctx ctx, guint32 arch, const int *families, guint n, GError **error)
{
  int next = 0;

  for (guint i = 0; i < n; i++)
    {
      for (int f = next; f < families[i]; f++)
        {
          struct scmp_arg_cmp eq = SCMP_A0 (SCMP_CMP_EQ, (guint64)f);
          if (!add_rule (ctx, arch, "socket", EAFNOSUPPORT, 1, &eq, error))
            return FALSE;
        }
      next = families[i] + 1;
    }
  struct scmp_arg_cmp ge = SCMP_A0 (SCMP_CMP_GE, (guint64)next);
  return add_rule (ctx, arch, "socket", EAFNOSUPPORT, 1, &ge, error);
}

/* A filter for one arch. Extra arches get their own filters, merged into the native
 * one: a rule libseccomp cannot express exactly on one arch (socket on i386) must not
 * cancel it on the others. */
static scmp_filter_ctx
arch_filter_new (WrappySeccompLevel level, guint32 arch, GError **error)
{
  g_auto (scmp_filter_ctx) ctx = seccomp_init (SCMP_ACT_ALLOW);
  Levels at = level == WRAPPY_SECCOMP_STRICT ? AT_PARANOID : AT_FULL;
  int r;

  if (ctx == NULL)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "seccomp_init failed");
      return NULL;
    }
  if (arch != seccomp_arch_native ()
      && ((r = seccomp_arch_remove (ctx, SCMP_ARCH_NATIVE)) != 0
          || (r = seccomp_arch_add (ctx, arch)) != 0))
    return rule_error (error, "arch", r), NULL;
  /* A call through an arch that is not in the filter (i386's int 0x80 or x32 at
   * paranoid) kills the process: an errno would let a 32-bit program limp on with every
   * call failing (its exit too), where "Bad system call" says what happened. */
  if ((r = seccomp_attr_set (ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) != 0
      || (r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) != 0)
    return rule_error (error, "attr", r), NULL;

  for (guint i = 0; i < G_N_ELEMENTS (blocked_calls); i++)
    if ((blocked_calls[i].levels & at)
        && !add_rule (ctx, arch, blocked_calls[i].name, blocked_calls[i].errnum, 0, NULL, error))
      return NULL;
  if (!add_clone_rule (ctx, arch, error) || !add_ioctl_rules (ctx, arch, error)
      || !add_personality_rules (ctx, arch, error))
    return NULL;
  if (level == WRAPPY_SECCOMP_STRICT)
    {
      if (!add_socket_rules (ctx, arch, strict_families, G_N_ELEMENTS (strict_families), error))
        return NULL;
    }
  else if (!add_socket_rules (ctx, arch, flatpak_families, G_N_ELEMENTS (flatpak_families), error))
    return NULL;
  return g_steal_pointer (&ctx);
}

/* The 32-bit entries of the native arch. At full they get the same rules, so that a
 * 32-bit program runs under them (Flatpak's multiarch); paranoid leaves them out, so
 * any call through them kills the process (see SCMP_FLTATR_ACT_BADARCH above). */
static void
extra_arches (guint32 native, const guint32 **arches, guint *n)
{
  static const guint32 x86_64[] = { SCMP_ARCH_X86, SCMP_ARCH_X32 };
  static const guint32 aarch64[] = { SCMP_ARCH_ARM };

  *arches = NULL;
  *n = 0;
  if (native == SCMP_ARCH_X86_64)
    *arches = x86_64, *n = G_N_ELEMENTS (x86_64);
  else if (native == SCMP_ARCH_AARCH64)
    *arches = aarch64, *n = G_N_ELEMENTS (aarch64);
}

/* libseccomp 2.5 has no export to memory: export to a memfd and read it back. */
static GBytes *
export_bpf (scmp_filter_ctx ctx, GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  guint8 chunk[4096];
  ssize_t n;
  int fd = memfd_create ("wrappy-seccomp", MFD_CLOEXEC);
  int r;

  if (fd < 0)
    return wrappy_throw_errno (error, "memfd_create", NULL), NULL;
  if ((r = seccomp_export_bpf (ctx, fd)) != 0)
    {
      close (fd);
      return rule_error (error, "export", r), NULL;
    }
  if (lseek (fd, 0, SEEK_SET) != 0)
    {
      close (fd);
      return wrappy_throw_errno (error, "lseek", NULL), NULL;
    }
  while ((n = TEMP_FAILURE_RETRY (read (fd, chunk, sizeof chunk))) > 0)
    g_byte_array_append (buf, chunk, n);
  close (fd);
  if (n < 0)
    return wrappy_throw_errno (error, "read", NULL), NULL;
  if (buf->len == 0 || buf->len % sizeof (struct sock_filter) != 0
      || buf->len / sizeof (struct sock_filter) > BPF_MAXINSNS)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                   "seccomp program of %u bytes does not fit the kernel's limits", buf->len);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

GBytes *
wrappy_seccomp_build (WrappySeccompLevel level, GError **error)
{
  g_auto (scmp_filter_ctx) ctx = NULL;
  guint32 native = seccomp_arch_native ();
  const guint32 *extra;
  guint n_extra;

  if (level == WRAPPY_SECCOMP_NONE)
    return g_bytes_new (NULL, 0);
  /* The program is for the kernels wrappy runs on (5.6 or later, for openat2), not for
   * the build machine's: without this, libseccomp would refuse KILL_PROCESS on a build
   * host whose kernel (or container) reports an older seccomp. */
  if (seccomp_api_get () < 3 && seccomp_api_set (3) != 0)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "seccomp_api_set failed");
      return NULL;
    }
  ctx = arch_filter_new (level, native, error);
  if (ctx == NULL)
    return NULL;
  extra_arches (native, &extra, &n_extra);
  for (guint i = 0; level == WRAPPY_SECCOMP_FLATPAK && i < n_extra; i++)
    {
      scmp_filter_ctx sub = arch_filter_new (level, extra[i], error);
      int r;

      if (sub == NULL)
        return NULL;
      /* seccomp_merge releases sub when it succeeds. */
      if ((r = seccomp_merge (ctx, sub)) != 0)
        {
          seccomp_release (sub);
          return rule_error (error, "merge", r), NULL;
        }
    }
  return export_bpf (ctx, error);
}
