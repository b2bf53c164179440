#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-dbus-proxy.h"
#include "wrappy-launch.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Where the host's root sits while the new root is built (see child_build_root). */
#define OLDROOT_FD_DIR "/oldroot/proc/self/fd/"

/* One plan op, resolved in the parent so that the child has nothing left to compute. */
typedef struct
{
  WrappyOpKind kind;
  WrappyOpFlags flags;
  int src_fd;     /* host binds: an O_PATH fd, opened by the child in its namespace */
  gboolean skip;  /* an optional host source that does not exist */
  char *host_src; /* host binds: the source path on the host */
  char *src;      /* bind source path, symlink target or file content */
  gsize src_len;
  char *rel_src;    /* SANDBOX_SRC binds: the source relative to the new root */
  char *rel_dest;   /* dest relative to the new root ("." for /) */
  const char *dest; /* dest as the app sees it, for messages */
  char *data;       /* filesystem mount options */
  guint mode;
  char *state_rel; /* a bind source or overlay upper/work dir in the app's state: */
  char *upper_rel; /* relative to it, opened beneath it with no symlink followed */
  char *work_rel;
  int upper_fd, work_fd;
} LaunchOp;

typedef struct
{
  LaunchOp *ops;
  guint n_ops;
  int clone_flags;
  char *uid_map;
  char *gid_map;
  char *const *envp;
  char **exec_paths; /* where argv[0] may be, in PATH order */
  char *const *argv;
  const char *cwd;
  const char *hostname;  /* set in a new UTS namespace, else NULL */
  const char *state_dir; /* the app's state, for the *_rel paths of the ops */
  int cap_last;
  /* The app's filter, prepared before clone (len 0: none). */
  struct sock_fprog seccomp;
  sigset_t forwarded; /* blocked in wrappy and pid 1; SIGCHLD included */
  sigset_t orig_mask;
  int err_r, err_w;       /* the child's one-line failure report, CLOEXEC */
  int alive_r, alive_w;   /* EOF on alive_r: wrappy is gone */
  int status_r, status_w; /* pid 1 sends the app's wait status before it exits */
  int proxy_ready;        /* the bus proxy writes a byte here once it listens, or -1 */
  WrappyLimitsRuntime limits;
} LaunchCtx;

/* What the child sends back when setup fails: errno and "call(path)". */
typedef struct
{
  int errsv;
  char what[500];
} ChildReport;

static const int forwarded_signals[]
    = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCONT, SIGWINCH };

/* ---- async-signal-safe helpers used after clone ---- */

static void
buf_append (char *buf, gsize size, const char *s)
{
  gsize n = strlen (buf);

  while (*s && n + 1 < size)
    buf[n++] = *s++;
  buf[n] = '\0';
}

static void
fd_path (char buf[64], int fd)
{
  char digits[16];
  int n = 0;

  buf[0] = '\0';
  buf_append (buf, 64, OLDROOT_FD_DIR);
  do
    digits[n++] = '0' + fd % 10;
  while ((fd /= 10) > 0 && n < 15);
  while (n > 0)
    {
      char c[2] = { digits[--n], '\0' };
      buf_append (buf, 64, c);
    }
}

static void
buf_append_uint (char *buf, gsize size, guint n)
{
  char digits[16];
  int len = 0;

  do
    digits[len++] = '0' + n % 10;
  while ((n /= 10) > 0 && len < 15);
  while (len > 0)
    {
      char c[2] = { digits[--len], '\0' };
      buf_append (buf, size, c);
    }
}

G_GNUC_NORETURN static void
child_fail (const LaunchCtx *c, const char *call, const char *path)
{
  ChildReport r;

  memset (&r, 0, sizeof r);
  r.errsv = errno;
  buf_append (r.what, sizeof r.what, call);
  if (path != NULL)
    {
      buf_append (r.what, sizeof r.what, "(");
      buf_append (r.what, sizeof r.what, path);
      buf_append (r.what, sizeof r.what, ")");
    }
  if (write (c->err_w, &r, sizeof r) < 0)
    {
      /* Nothing else to tell. */
    }
  _exit (1);
}

static gboolean
write_file (const char *path, const char *content)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gsize len = strlen (content);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = TEMP_FAILURE_RETRY (write (fd, content, len)) == (ssize_t)len;
  close (fd);
  return ok;
}

/* Opens rel inside the new root, with symlinks resolved as if it were / (so nothing the
 * app or a layer put in its files can point a mount at the host). */
static int
open_in_root (int rootfd, const char *rel, int flags)
{
  struct open_how how;

  memset (&how, 0, sizeof how);
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return syscall (SYS_openat2, rootfd, rel, &how, sizeof how);
}

/* Opens rel beneath dfd without following any symlink (the app's state). */
static int
open_beneath (int dfd, const char *rel, int flags)
{
  struct open_how how;

  memset (&how, 0, sizeof how);
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  return syscall (SYS_openat2, dfd, rel, &how, sizeof how);
}

/* Splits rel at its last '/': returns an fd on the parent (in the new root) and points
 * *name at the last component inside buf. */
static int
open_parent (int rootfd, const char *rel, char buf[PATH_MAX], const char **name)
{
  char *slash;

  if (strlen (rel) >= PATH_MAX)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  strcpy (buf, rel);
  slash = strrchr (buf, '/');
  if (slash == NULL)
    {
      *name = buf;
      return open_in_root (rootfd, ".", O_PATH | O_DIRECTORY);
    }
  *slash = '\0';
  *name = slash + 1;
  return open_in_root (rootfd, buf, O_PATH | O_DIRECTORY);
}

static gboolean
mkdir_p (int rootfd, const char *rel, mode_t mode)
{
  char buf[PATH_MAX];
  gsize len = strlen (rel);

  if (len >= PATH_MAX)
    {
      errno = ENAMETOOLONG;
      return FALSE;
    }
  for (gsize i = 1; i <= len; i++)
    {
      char pbuf[PATH_MAX];
      const char *name;
      int dfd, r;

      if (rel[i] != '/' && rel[i] != '\0')
        continue;
      memcpy (buf, rel, i);
      buf[i] = '\0';
      dfd = open_parent (rootfd, buf, pbuf, &name);
      if (dfd < 0)
        return FALSE;
      r = (name[0] == '\0' || strcmp (name, ".") == 0) ? 0 : mkdirat (dfd, name, mode);
      close (dfd);
      if (r != 0 && errno != EEXIST)
        return FALSE;
    }
  return TRUE;
}

/* An empty file or directory at rel to mount on, matching what will be mounted. */
static gboolean
ensure_mount_point (int rootfd, const char *rel, gboolean is_dir)
{
  char buf[PATH_MAX];
  const char *name;
  struct stat st;
  int dfd, fd;

  if (is_dir)
    return mkdir_p (rootfd, rel, 0755);
  strcpy (buf, rel);
  if (strrchr (buf, '/') != NULL)
    {
      *strrchr (buf, '/') = '\0';
      if (!mkdir_p (rootfd, buf, 0755))
        return FALSE;
    }
  dfd = open_parent (rootfd, rel, buf, &name);
  if (dfd < 0)
    return FALSE;
  if (fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      close (dfd);
      return TRUE;
    }
  fd = openat (dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0444);
  close (dfd);
  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

static int
sys_mount_setattr (int dfd, const char *path, unsigned int flags, struct mount_attr *attr)
{
  return syscall (SYS_mount_setattr, dfd, path, flags, attr, sizeof *attr);
}

/* Adds attributes (read-only, nosuid, nodev) to the mount at fd. mount_setattr keeps the
 * flags the kernel locked on a mount from a more privileged namespace; the remount
 * fallback (kernels before 5.12) has to restate them or the kernel refuses. */
static gboolean
set_mount_attrs (int fd, guint64 attrs, gboolean recursive)
{
  struct mount_attr attr;
  struct statfs sfs;
  char path[64];
  unsigned long flags = MS_REMOUNT | MS_BIND;

  memset (&attr, 0, sizeof attr);
  attr.attr_set = attrs;
  if (sys_mount_setattr (fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr) == 0)
    return TRUE;
  if (errno != ENOSYS)
    return FALSE;
  if (fstatfs (fd, &sfs) != 0)
    return FALSE;
  flags |= sfs.f_flags
           & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME
              | MS_RELATIME);
  if (attrs & MOUNT_ATTR_RDONLY)
    flags |= MS_RDONLY;
  if (attrs & MOUNT_ATTR_NOSUID)
    flags |= MS_NOSUID;
  if (attrs & MOUNT_ATTR_NODEV)
    flags |= MS_NODEV;
  fd_path (path, fd);
  return mount (NULL, path, NULL, flags, NULL) == 0;
}

/* Mounts at rel through an fd resolved inside the new root. */
static gboolean
mount_at (int rootfd, const char *rel, const char *source, const char *fstype, unsigned long flags,
          const char *data)
{
  char path[64];
  struct stat st;
  int fd = open_in_root (rootfd, rel, O_PATH | O_NOFOLLOW);
  int r;

  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) != 0 || S_ISLNK (st.st_mode))
    {
      close (fd);
      errno = ELOOP;
      return FALSE;
    }
  fd_path (path, fd);
  r = mount (source, path, fstype, flags, data);
  close (fd);
  return r == 0;
}

static gboolean
apply_bind (int rootfd, const LaunchOp *op)
{
  char src[64];
  struct stat st;
  guint64 attrs = MOUNT_ATTR_NOSUID;
  int srcfd = op->src_fd, fd;
  gboolean ok;

  if (op->flags & WRAPPY_OP_FLAG_SANDBOX_SRC)
    srcfd = open_in_root (rootfd, op->rel_src, O_PATH);
  if (srcfd < 0)
    return FALSE;
  fd_path (src, srcfd);
  ok = fstat (srcfd, &st) == 0 && ensure_mount_point (rootfd, op->rel_dest, S_ISDIR (st.st_mode))
       && mount_at (rootfd, op->rel_dest, src, NULL, MS_BIND | MS_REC, NULL);
  if (srcfd != op->src_fd)
    close (srcfd);
  if (!ok)
    return FALSE;

  if (!(op->flags & WRAPPY_OP_FLAG_DEVICES))
    attrs |= MOUNT_ATTR_NODEV;
  if (op->flags & WRAPPY_OP_FLAG_RO)
    attrs |= MOUNT_ATTR_RDONLY;
  /* Reopened: an fd taken before the mount points at what is now underneath it. */
  fd = open_in_root (rootfd, op->rel_dest, O_PATH);
  if (fd < 0)
    return FALSE;
  ok = set_mount_attrs (fd, attrs, TRUE);
  close (fd);
  return ok;
}

/* overlayfs at dest. Every layer is passed as /proc/self/fd/N of an fd the child opened
 * (overlayfs resolves the paths at mount time), so no host path is parsed out of the
 * options and none can contain a ',' or ':'. Without upper/work dirs (--tmp-root) the
 * upper layer lives in the staging tmpfs and goes when the sandbox does. */
static gboolean
apply_overlay (int rootfd, const LaunchOp *op, guint index)
{
  char data[256], p[64], upper[32], work[32];

  data[0] = '\0';
  buf_append (data, sizeof data, "lowerdir=");
  fd_path (p, op->src_fd);
  buf_append (data, sizeof data, p);
  if (op->upper_fd >= 0)
    {
      buf_append (data, sizeof data, ",upperdir=");
      fd_path (p, op->upper_fd);
      buf_append (data, sizeof data, p);
      buf_append (data, sizeof data, ",workdir=");
      fd_path (p, op->work_fd);
      buf_append (data, sizeof data, p);
    }
  else
    {
      upper[0] = work[0] = '\0';
      buf_append (upper, sizeof upper, "/upper-");
      buf_append_uint (upper, sizeof upper, index);
      buf_append (work, sizeof work, "/work-");
      buf_append_uint (work, sizeof work, index);
      if (mkdir (upper, op->mode) != 0 || mkdir (work, 0700) != 0)
        return FALSE;
      buf_append (data, sizeof data, ",upperdir=");
      buf_append (data, sizeof data, upper);
      buf_append (data, sizeof data, ",workdir=");
      buf_append (data, sizeof data, work);
    }
  /* userxattr: a user namespace may not write trusted.* xattrs. index=off: a second
   * instance of the app mounts the same upper dir. */
  buf_append (data, sizeof data, ",userxattr,index=off");
  return mkdir_p (rootfd, op->rel_dest, 0755)
         && mount_at (rootfd, op->rel_dest, "overlay", "overlay", MS_NOSUID | MS_NODEV, data);
}

static gboolean
write_new_file (int rootfd, const LaunchOp *op)
{
  char buf[PATH_MAX];
  const char *name;
  int dfd, fd;
  gsize done = 0;

  dfd = open_parent (rootfd, op->rel_dest, buf, &name);
  if (dfd < 0)
    return FALSE;
  fd = openat (dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, op->mode);
  close (dfd);
  if (fd < 0)
    return FALSE;
  while (done < op->src_len)
    {
      ssize_t n = TEMP_FAILURE_RETRY (write (fd, op->src + done, op->src_len - done));
      if (n <= 0)
        {
          close (fd);
          return FALSE;
        }
      done += n;
    }
  close (fd);
  return TRUE;
}

/* Returns the failed call's name, or NULL on success. */
static const char *
apply_op (int rootfd, const LaunchOp *op, guint index)
{
  char buf[PATH_MAX];
  const char *name;
  int fd, r;

  switch (op->kind)
    {
    case WRAPPY_OP_BIND:
      return apply_bind (rootfd, op) ? NULL : "mount";
    case WRAPPY_OP_TMPFS:
      if (!mkdir_p (rootfd, op->rel_dest, 0755))
        return "mkdir";
      return mount_at (rootfd, op->rel_dest, "tmpfs", "tmpfs",
                       MS_NOSUID | MS_NODEV | (op->flags & WRAPPY_OP_FLAG_RO ? MS_RDONLY : 0),
                       op->data)
                 ? NULL
                 : "mount";
    case WRAPPY_OP_PROC:
      if (!mkdir_p (rootfd, op->rel_dest, 0755))
        return "mkdir";
      return mount_at (rootfd, op->rel_dest, "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)
                 ? NULL
                 : "mount";
    case WRAPPY_OP_DEVPTS:
      if (!mkdir_p (rootfd, op->rel_dest, 0755))
        return "mkdir";
      return mount_at (rootfd, op->rel_dest, "devpts", "devpts", MS_NOSUID | MS_NOEXEC, op->data)
                 ? NULL
                 : "mount";
    case WRAPPY_OP_DIR:
      return mkdir_p (rootfd, op->rel_dest, op->mode) ? NULL : "mkdir";
    case WRAPPY_OP_SYMLINK:
      strcpy (buf, op->rel_dest);
      if (strrchr (buf, '/') != NULL)
        {
          *strrchr (buf, '/') = '\0';
          if (!mkdir_p (rootfd, buf, 0755))
            return "mkdir";
        }
      fd = open_parent (rootfd, op->rel_dest, buf, &name);
      if (fd < 0)
        return "openat2";
      r = symlinkat (op->src, fd, name);
      close (fd);
      return r == 0 ? NULL : "symlink";
    case WRAPPY_OP_FILE:
      return write_new_file (rootfd, op) ? NULL : "open";
    case WRAPPY_OP_OVERLAY:
      return apply_overlay (rootfd, op, index) ? NULL : "overlay";
    case WRAPPY_OP_REMOUNT_RO:
      fd = open_in_root (rootfd, op->rel_dest, O_PATH);
      if (fd < 0)
        return "openat2";
      r = set_mount_attrs (fd, MOUNT_ATTR_RDONLY, FALSE);
      close (fd);
      return r ? NULL : "mount_setattr";
    default:
      errno = EINVAL;
      return "plan";
    }
}

/* A new network namespace only has a loopback device, and it starts down. */
static gboolean
loopback_up (void)
{
  struct ifreq ifr;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  memset (&ifr, 0, sizeof ifr);
  strcpy (ifr.ifr_name, "lo");
  ok = ioctl (fd, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  ok = ok && ioctl (fd, SIOCSIFFLAGS, &ifr) == 0;
  close (fd);
  return ok;
}

/* Opens every host source while the host's root is still /. In the child: a mount
 * seen through an fd from the parent's mount namespace cannot be bound here. */
static void
child_open_sources (LaunchCtx *c)
{
  int state_fd = -1;

  /* The app's state dir, and every dir wrappy uses in it opened beneath it, no symlink
   * followed: the app may own what is in there. */
  if (c->state_dir != NULL)
    state_fd = open (c->state_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  for (guint i = 0; i < c->n_ops; i++)
    {
      LaunchOp *op = &c->ops[i];
      if (op->state_rel == NULL && op->upper_rel == NULL)
        continue;
      if (state_fd < 0)
        child_fail (c, "open", c->state_dir);
      if (op->state_rel != NULL)
        {
          op->src_fd = open_beneath (state_fd, op->state_rel, O_PATH | O_DIRECTORY);
          if (op->src_fd < 0)
            child_fail (c, "open", op->host_src);
        }
      if (op->upper_rel != NULL)
        {
          op->upper_fd = open_beneath (state_fd, op->upper_rel, O_PATH | O_DIRECTORY);
          op->work_fd = open_beneath (state_fd, op->work_rel, O_PATH | O_DIRECTORY);
          if (op->upper_fd < 0 || op->work_fd < 0)
            child_fail (c, "open", op->upper_rel);
        }
    }
  if (state_fd >= 0)
    close (state_fd);

  for (guint i = 0; i < c->n_ops; i++)
    {
      LaunchOp *op = &c->ops[i];
      struct stat st;
      gboolean nofollow = (op->flags & WRAPPY_OP_FLAG_NOFOLLOW) != 0 && op->kind == WRAPPY_OP_BIND;

      if (op->host_src == NULL || op->src_fd >= 0)
        continue;
      op->src_fd = open (op->host_src, O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
      if (op->src_fd < 0 && (op->flags & WRAPPY_OP_FLAG_OPTIONAL))
        op->skip = TRUE;
      else if (op->src_fd < 0)
        child_fail (c, "open", op->host_src);
      else if (nofollow && (fstat (op->src_fd, &st) != 0 || !S_ISDIR (st.st_mode)))
        {
          errno = ELOOP;
          child_fail (c, "open", op->host_src);
        }
    }
}

/* Builds the new root: a tmpfs staging root with the host's root at /oldroot and the
 * sandbox's root at /newroot, so that every path in the plan resolves inside the
 * staging root rather than on the host; then pivots into /newroot (bubblewrap's
 * design). */
static void
child_build_root (LaunchCtx *c)
{
  int rootfd;

  if (mount (NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) != 0)
    child_fail (c, "mount", "/");
  child_open_sources (c);
  if (mount ("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
    child_fail (c, "mount", "tmpfs");
  if (chdir ("/tmp") != 0 || mkdir ("newroot", 0755) != 0 || mkdir ("oldroot", 0755) != 0)
    child_fail (c, "mkdir", "/tmp");
  if (syscall (SYS_pivot_root, "/tmp", "/tmp/oldroot") != 0 || chdir ("/") != 0)
    child_fail (c, "pivot_root", NULL);
  if (mount ("tmpfs", "/newroot", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
    child_fail (c, "mount", "/");
  rootfd = open ("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    child_fail (c, "open", "/");

  for (guint i = 0; i < c->n_ops; i++)
    {
      const LaunchOp *op = &c->ops[i];
      const char *failed;

      if (op->skip)
        continue;
      failed = apply_op (rootfd, op, i);
      if (failed != NULL && !(op->flags & WRAPPY_OP_FLAG_OPTIONAL))
        child_fail (c, failed, op->dest);
    }
  close (rootfd);

  if ((c->clone_flags & CLONE_NEWNET) && !loopback_up ())
    child_fail (c, "ioctl", "lo");
  if (umount2 ("/oldroot", MNT_DETACH) != 0)
    child_fail (c, "umount2", "/oldroot");
  if (chdir ("/newroot") != 0 || syscall (SYS_pivot_root, ".", ".") != 0)
    child_fail (c, "pivot_root", "/newroot");
  if (umount2 (".", MNT_DETACH) != 0 || chdir ("/") != 0)
    child_fail (c, "umount2", "/");
}

static void
drop_caps (const LaunchCtx *c)
{
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];

  /* The bounding set first: dropping it needs CAP_SETPCAP, which capset removes. */
  for (int cap = 0; cap <= c->cap_last; cap++)
    if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
      child_fail (c, "prctl", "PR_CAPBSET_DROP");
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    child_fail (c, "prctl", "PR_CAP_AMBIENT");
  memset (data, 0, sizeof data);
  if (syscall (SYS_capset, &hdr, data) != 0)
    child_fail (c, "capset", NULL);
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    child_fail (c, "prctl", "PR_SET_NO_NEW_PRIVS");
}

/* Closes every fd from 3 up but a and b (either may be -1). */
static void
close_fds_except (int a, int b)
{
  int lo = MIN (a, b), hi = MAX (a, b), from = 3;

  if (lo >= 3)
    {
      if (lo > from)
        syscall (SYS_close_range, from, lo - 1, 0);
      from = lo + 1;
    }
  if (hi >= 3 && hi != lo)
    {
      if (hi > from)
        syscall (SYS_close_range, from, hi - 1, 0);
      from = hi + 1;
    }
  syscall (SYS_close_range, from, ~0U, 0);
}

G_GNUC_NORETURN static void
app_main (const LaunchCtx *c)
{
  int errsv = ENOENT;
  const char *failed;

  sigprocmask (SIG_SETMASK, &c->orig_mask, NULL);
  /* rlimits and affinity bind the app alone, not pid 1 (which maps all of wrappy). */
  if ((failed = wrappy_limits_apply_in_child (&c->limits)) != NULL)
    child_fail (c, failed, NULL);
  /* Without a pid namespace (--isolation=none) the app is not killed with pid 1. */
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (setsid () < 0)
    child_fail (c, "setsid", NULL);
  if (chdir (c->cwd) != 0)
    child_fail (c, "chdir", c->cwd);
  /* Whatever is still open (there should be nothing but the report pipe) closes at exec. */
  if (syscall (SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
    close_fds_except (c->err_w, -1);
  /* Last, so that nothing above depends on what it refuses; execve, write and _exit
   * stay allowed. no_new_privs comes from pid 1 (drop_caps). */
  if (c->seccomp.len > 0 && prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &c->seccomp, 0, 0) != 0)
    child_fail (c, "prctl", "PR_SET_SECCOMP");
  for (char **p = c->exec_paths; *p; p++)
    {
      execve (*p, c->argv, c->envp);
      /* As execvp: the first "permission denied" wins over later "not found". */
      if (errno != ENOENT && errno != ENOTDIR && errsv == ENOENT)
        errsv = errno;
    }
  errno = errsv;
  child_fail (c, "execve", c->argv[0]);
}

/* The app's stack until it execs (see child_pid1); static, so allocated before the
 * first clone. */
static char app_stack[64 * 1024] __attribute__ ((aligned (16)));

static int
app_clone_main (void *data)
{
  app_main (data);
}

static int
status_to_exit_code (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 1;
}

/* pid 1 of the sandbox: starts the app, forwards signals to it, reaps everything, and
 * exits with the app's status (which ends the pid namespace and all left in it). */
G_GNUC_NORETURN static void
child_pid1 (const LaunchCtx *c)
{
  struct signalfd_siginfo si;
  pid_t app;
  int sfd;

  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (setsid () < 0)
    child_fail (c, "setsid", NULL);
  drop_caps (c);
  /* The bus proxy started with the sandbox: the app starts once it listens (its
   * sockets are bound already), so that it never finds its bus missing. */
  if (c->proxy_ready >= 0)
    {
      char x;
      if (TEMP_FAILURE_RETRY (read (c->proxy_ready, &x, 1)) != 1)
        {
          errno = ECONNREFUSED;
          child_fail (c, "xdg-dbus-proxy", NULL);
        }
    }
  close_fds_except (c->err_w, c->status_w);
  sfd = signalfd (-1, &c->forwarded, SFD_CLOEXEC);
  if (sfd < 0)
    child_fail (c, "signalfd", NULL);

  /* posix_spawn's way: the app shares pid 1's memory on its own stack and pid 1 waits
   * until it has exec'd, so no page table is copied and nothing is copied on write
   * (page faults are most of a fork's cost, and pid 1 still maps all of wrappy). */
  app = clone (app_clone_main, app_stack + sizeof app_stack, CLONE_VM | CLONE_VFORK | SIGCHLD,
               (void *)c);
  if (app < 0)
    child_fail (c, "clone", NULL);
  close (c->err_w);

  for (;;)
    {
      if (TEMP_FAILURE_RETRY (read (sfd, &si, sizeof si)) != sizeof si)
        _exit (1);
      if (si.ssi_signo == SIGCHLD)
        {
          int status;
          pid_t pid;
          while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
            if (pid == app)
              {
                /* wrappy answers with this at once: pid 1's own exit tears down the
                 * namespaces and every mount, which takes a while and need not be
                 * waited for (the kernel kills what is left in the pid namespace). */
                if (write (c->status_w, &status, sizeof status) < 0)
                  {
                    /* wrappy then takes pid 1's status from waitpid */
                  }
                _exit (status_to_exit_code (status));
              }
        }
      else
        kill (app, si.ssi_signo);
    }
}

G_GNUC_NORETURN static void
child_main (LaunchCtx *c)
{
  struct pollfd pfd = { c->alive_r, POLLIN, 0 };
  mode_t old_umask;

  close (c->alive_w);
  close (c->err_r);
  close (c->status_r);
  /* PDEATHSIG, then check that wrappy did not die before it was set: its end of the
   * alive pipe would be closed. getppid() says 0 across the pid namespace. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
    child_fail (c, "prctl", "PR_SET_PDEATHSIG");
  if (poll (&pfd, 1, 0) != 0)
    _exit (1);

  if (!write_file ("/proc/self/setgroups", "deny"))
    child_fail (c, "write", "/proc/self/setgroups");
  if (!write_file ("/proc/self/uid_map", c->uid_map))
    child_fail (c, "write", "/proc/self/uid_map");
  if (!write_file ("/proc/self/gid_map", c->gid_map))
    child_fail (c, "write", "/proc/self/gid_map");

  if (c->hostname != NULL && sethostname (c->hostname, strlen (c->hostname)) != 0)
    child_fail (c, "sethostname", NULL);
  old_umask = umask (022);
  child_build_root (c);
  umask (old_umask);
  child_pid1 (c);
}

/* ---- the parent: prepare everything, clone, wait ---- */

static void
launch_ctx_clear (LaunchCtx *c)
{
  for (guint i = 0; c->ops != NULL && i < c->n_ops; i++)
    {
      LaunchOp *op = &c->ops[i];
      if (op->src_fd >= 0)
        close (op->src_fd);
      if (op->upper_fd >= 0)
        close (op->upper_fd);
      if (op->work_fd >= 0)
        close (op->work_fd);
      g_free (op->state_rel);
      g_free (op->upper_rel);
      g_free (op->work_rel);
      g_free (op->src);
      g_free (op->host_src);
      g_free (op->rel_src);
      g_free (op->rel_dest);
      g_free (op->data);
    }
  g_free (c->ops);
  g_free (c->uid_map);
  g_free (c->gid_map);
  g_strfreev (c->exec_paths);
  if (c->err_r >= 0)
    close (c->err_r);
  if (c->err_w >= 0)
    close (c->err_w);
  if (c->alive_r >= 0)
    close (c->alive_r);
  if (c->alive_w >= 0)
    close (c->alive_w);
  if (c->status_r >= 0)
    close (c->status_r);
  if (c->status_w >= 0)
    close (c->status_w);
  wrappy_limits_runtime_finish (&c->limits);
}

static char *
relative (const char *path)
{
  while (*path == '/')
    path++;
  return g_strdup (*path ? path : ".");
}

/* The state home belongs to wrappy but its contents to the app: create it if needed,
 * and refuse it if it became a symlink, rather than mount whatever it points at. */
static int
open_private_dir (const char *path, GError **error)
{
  g_autofree char *parent = g_path_get_dirname (path);
  struct stat st;
  int fd;

  if (g_mkdir_with_parents (parent, 0700) != 0)
    return wrappy_throw_errno (error, "mkdir", parent), -1;
  if (mkdir (path, 0700) != 0 && errno != EEXIST)
    return wrappy_throw_errno (error, "mkdir", path), -1;
  fd = open (path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return wrappy_throw_errno (error, "open", path), -1;
  if (fstat (fd, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      close (fd);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                   _ ("%s is not a directory (a symbolic link?); refusing to use it as the "
                      "app's home"),
                   path);
      return -1;
    }
  return fd;
}

/* Creates state_dir/rel one directory at a time (the last one with leaf_mode, the
 * others 0700) and refuses a symlink anywhere below state_dir, rather than create or
 * mount something wherever it points. *state_fd is the state dir, opened on first use
 * and shared by every op of the launch. Returns rel as the child opens it, or NULL. */
static char *
ensure_state_dir (const char *state_dir, int *state_fd, const char *path, guint leaf_mode,
                  GError **error)
{
  gsize n = state_dir ? strlen (state_dir) : 0;
  g_auto (GStrv) parts = NULL;
  int fd;

  if (n == 0 || strncmp (path, state_dir, n) != 0 || path[n] != '/')
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                   _ ("%s is not in the app's state directory"), path);
      return NULL;
    }
  if (*state_fd < 0 && (*state_fd = open_private_dir (state_dir, error)) < 0)
    return NULL;
  fd = *state_fd;
  parts = g_strsplit (path + n + 1, "/", -1);
  for (char **p = parts; *p; p++)
    {
      int next;
      if (**p == '\0' || strcmp (*p, ".") == 0)
        continue;
      if (mkdirat (fd, *p, p[1] == NULL ? leaf_mode : 0700) != 0 && errno != EEXIST)
        {
          if (fd != *state_fd)
            close (fd);
          return wrappy_throw_errno (error, "mkdir", path), NULL;
        }
      next = openat (fd, *p, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
      if (fd != *state_fd)
        close (fd);
      if (next < 0 && (errno == ENOTDIR || errno == ELOOP))
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                       _ ("%s: a part of it is not a directory (a symbolic link?); refusing "
                          "to use it as the app's state"),
                       path);
          return NULL;
        }
      if (next < 0)
        return wrappy_throw_errno (error, "open", path), NULL;
      fd = next;
    }
  if (fd != *state_fd)
    close (fd);
  return g_strdup (path + n + 1);
}

static gboolean
prepare_op (LaunchOp *lop, const WrappyOp *op, const char *state_dir, int *state_fd, GError **error)
{
  lop->kind = op->kind;
  lop->flags = op->flags;
  lop->src_fd = lop->upper_fd = lop->work_fd = -1;
  lop->dest = op->dest;
  lop->rel_dest = relative (op->dest);
  lop->mode = op->mode;
  /* The child copies paths into PATH_MAX buffers. */
  if (strlen (op->dest) >= PATH_MAX - 1
      || (op->src != NULL && op->kind == WRAPPY_OP_BIND && strlen (op->src) >= PATH_MAX - 1))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP, _ ("path too long: %s"),
                   op->dest);
      return FALSE;
    }
  if (op->kind == WRAPPY_OP_TMPFS)
    lop->data = g_strdup_printf ("mode=%04o", op->mode);
  else if (op->kind == WRAPPY_OP_DEVPTS)
    lop->data = g_strdup ("newinstance,ptmxmode=0666,mode=620");

  if (op->kind == WRAPPY_OP_OVERLAY)
    {
      lop->host_src = g_strdup (op->src);
      if (op->upper != NULL)
        {
          lop->upper_rel = ensure_state_dir (state_dir, state_fd, op->upper, op->mode, error);
          lop->work_rel = lop->upper_rel
                              ? ensure_state_dir (state_dir, state_fd, op->work, 0700, error)
                              : NULL;
          if (lop->work_rel == NULL)
            return FALSE;
        }
    }
  else if (op->kind == WRAPPY_OP_BIND && (op->flags & WRAPPY_OP_FLAG_SANDBOX_SRC))
    lop->rel_src = relative (op->src);
  else if (op->kind == WRAPPY_OP_BIND)
    {
      /* Checked here for a clear message; the child opens it again with O_NOFOLLOW. */
      if ((op->flags & WRAPPY_OP_FLAG_NOFOLLOW) && state_dir != NULL
          && g_str_has_prefix (op->src, state_dir) && op->src[strlen (state_dir)] == '/')
        {
          lop->state_rel = ensure_state_dir (state_dir, state_fd, op->src, 0700, error);
          if (lop->state_rel == NULL)
            return FALSE;
        }
      else if (op->flags & WRAPPY_OP_FLAG_NOFOLLOW)
        {
          int fd = open_private_dir (op->src, error);
          if (fd < 0)
            return FALSE;
          close (fd);
        }
      /* A ":create" grant (the plan allows it under the home only). */
      else if ((op->flags & WRAPPY_OP_FLAG_CREATE) && g_mkdir_with_parents (op->src, 0700) != 0)
        return wrappy_throw_errno (error, "mkdir", op->src);
      lop->host_src = g_strdup (op->src);
    }
  else if (op->src != NULL)
    {
      lop->src_len = op->src_len ? op->src_len : strlen (op->src);
      lop->src = g_memdup2 (op->src, lop->src_len + 1);
    }
  return TRUE;
}

/* g_strv_builder_take() is GLib 2.80. */
static void
strv_builder_take (GStrvBuilder *b, char *s)
{
  g_strv_builder_add (b, s);
  g_free (s);
}

static char **
exec_candidates (const WrappyPlan *plan)
{
  const char *cmd = plan->argv[0];
  const char *path = g_environ_getenv (plan->envp, "PATH");
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_auto (GStrv) dirs = NULL;

  if (strchr (cmd, '/') != NULL || path == NULL)
    {
      g_strv_builder_add (b, cmd);
      return g_strv_builder_end (b);
    }
  dirs = g_strsplit (path, ":", -1);
  for (char **d = dirs; *d; d++)
    strv_builder_take (b, g_build_filename (**d ? *d : ".", cmd, NULL));
  return g_strv_builder_end (b);
}

static int
read_cap_last (void)
{
  g_autofree char *s = NULL;

  if (g_file_get_contents ("/proc/sys/kernel/cap_last_cap", &s, NULL, NULL))
    return (int)g_ascii_strtoll (s, NULL, 10);
  return CAP_LAST_CAP;
}

static gboolean
launch_ctx_init (LaunchCtx *c, const WrappyPlan *plan, GError **error)
{
  int fds[2], state_fd = -1;
  gboolean ok = TRUE;

  c->err_r = c->err_w = c->alive_r = c->alive_w = c->status_r = c->status_w = -1;
  if (!wrappy_limits_runtime_prepare (&c->limits, &plan->limits, error))
    return FALSE;
  c->clone_flags = plan->clone_flags;
  c->argv = plan->argv;
  c->envp = plan->envp;
  c->cwd = plan->cwd;
  c->hostname = plan->hostname;
  c->state_dir = plan->state_dir;
  c->uid_map = g_strdup_printf ("%u %u 1\n", (guint)plan->uid, (guint)plan->uid);
  c->gid_map = g_strdup_printf ("%u %u 1\n", (guint)plan->gid, (guint)plan->gid);
  c->exec_paths = exec_candidates (plan);
  c->cap_last = read_cap_last ();
  c->seccomp = wrappy_seccomp_program (plan->seccomp);
  if (plan->seccomp != WRAPPY_SECCOMP_NONE && c->seccomp.len == 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                   _ ("cannot set up the sandbox: no seccomp program for level %s"),
                   wrappy_seccomp_level_to_string (plan->seccomp));
      return FALSE;
    }
  c->ops = g_new0 (LaunchOp, plan->ops->len);
  for (guint i = 0; ok && i < plan->ops->len; i++)
    {
      c->n_ops = i + 1;
      ok = prepare_op (&c->ops[i], plan->ops->pdata[i], plan->state_dir, &state_fd, error);
    }
  if (state_fd >= 0)
    close (state_fd);
  if (!ok)
    return FALSE;
  if (pipe2 (fds, O_CLOEXEC) != 0)
    return wrappy_throw_errno (error, "pipe2", NULL);
  c->err_r = fds[0], c->err_w = fds[1];
  if (pipe2 (fds, O_CLOEXEC) != 0)
    return wrappy_throw_errno (error, "pipe2", NULL);
  c->alive_r = fds[0], c->alive_w = fds[1];
  if (pipe2 (fds, O_CLOEXEC) != 0)
    return wrappy_throw_errno (error, "pipe2", NULL);
  c->status_r = fds[0], c->status_w = fds[1];
  sigemptyset (&c->forwarded);
  sigaddset (&c->forwarded, SIGCHLD);
  for (guint i = 0; i < G_N_ELEMENTS (forwarded_signals); i++)
    sigaddset (&c->forwarded, forwarded_signals[i]);
  return TRUE;
}

/* Reads the child's report; TRUE with *report set when setup failed. */
static gboolean
read_report (int fd, ChildReport *report)
{
  gsize got = 0;

  memset (report, 0, sizeof *report);
  while (got < sizeof *report)
    {
      ssize_t n = TEMP_FAILURE_RETRY (read (fd, (char *)report + got, sizeof *report - got));
      if (n <= 0)
        break;
      got += n;
    }
  report->what[sizeof report->what - 1] = '\0';
  return got == sizeof *report;
}

/* Forwards signals to pid 1 until the app has exited; returns the app's wait status as
 * pid 1 sent it on status_fd, else (pid 1 killed before it could) pid 1's own. Sets
 * *reaped when pid 1 was waited for. */
static int
wait_forwarding (pid_t pid, const sigset_t *set, int status_fd, gboolean *reaped)
{
  struct signalfd_siginfo si;
  siginfo_t info;
  struct timespec zero = { 0, 0 };
  struct pollfd pfd[2];
  int status = 0;

  *reaped = FALSE;
  pfd[0] = (struct pollfd){ signalfd (-1, set, SFD_CLOEXEC), POLLIN, 0 };
  pfd[1] = (struct pollfd){ status_fd, POLLIN, 0 };
  while (!*reaped)
    {
      if (poll (pfd, 2, -1) < 0)
        continue;
      if (pfd[1].revents != 0)
        {
          if (TEMP_FAILURE_RETRY (read (status_fd, &status, sizeof status)) == sizeof status)
            break;
          /* EOF: pid 1 died without a word; its own status will do. */
          pfd[1].fd = -1;
          if (pfd[0].fd < 0)
            {
              /* No signalfd (out of fds): nothing else will say when it is gone. */
              TEMP_FAILURE_RETRY (waitpid (pid, &status, 0));
              *reaped = TRUE;
              break;
            }
        }
      if (pfd[0].revents == 0 || read (pfd[0].fd, &si, sizeof si) != sizeof si)
        continue;
      if (si.ssi_signo != SIGCHLD)
        kill (pid, (int)si.ssi_signo);
      else if (TEMP_FAILURE_RETRY (waitpid (pid, &status, WNOHANG)) == pid)
        *reaped = TRUE;
    }
  if (pfd[0].fd >= 0)
    close (pfd[0].fd);
  /* Signals that arrived while pid 1 was exiting must not kill wrappy once unblocked. */
  while (sigtimedwait (set, &info, &zero) > 0)
    ;
  return status;
}

static gboolean
launch_sandbox (const WrappyPlan *plan, int proxy_ready, int *exit_status, GError **error)
{
  LaunchCtx c = { 0 };
  ChildReport report;
  gboolean reaped;
  int status;
  pid_t pid;

  if (!launch_ctx_init (&c, plan, error))
    {
      launch_ctx_clear (&c);
      return FALSE;
    }
  c.proxy_ready = proxy_ready;
  sigprocmask (SIG_BLOCK, &c.forwarded, &c.orig_mask);

  /* Fork semantics (no new stack): the child gets a copy of everything prepared. With
   * a cgroup, pid 1 starts in it, so nothing of the sandbox ever runs outside. */
  if (c.limits.cgroup_fd >= 0)
    pid = wrappy_limits_clone_into_cgroup (&c.limits, (unsigned long)c.clone_flags);
  else
    pid = syscall (SYS_clone, (unsigned long)c.clone_flags | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid == 0)
    child_main (&c);
  if (pid < 0)
    {
      int errsv = errno;
      /* With a cgroup, the likelier failure is the cgroup's: clone3 needs write access to
       * the cgroup.procs of the common ancestor of wrappy's cgroup and the new one. */
      if (c.limits.cgroup_fd >= 0 && (errsv == EACCES || errsv == EPERM || errsv == EBUSY))
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                     _ ("cannot start the sandbox in its cgroup %s: clone3: %s"),
                     c.limits.cgroup_dir, g_strerror (errsv));
      else
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                     _ ("cannot set up the sandbox: clone: %s (are unprivileged user "
                        "namespaces enabled?)"),
                     g_strerror (errsv));
      sigprocmask (SIG_SETMASK, &c.orig_mask, NULL);
      launch_ctx_clear (&c);
      return FALSE;
    }
  close (c.err_w);
  c.err_w = -1;
  close (c.alive_r);
  c.alive_r = -1;

  if (read_report (c.err_r, &report))
    {
      TEMP_FAILURE_RETRY (waitpid (pid, &status, 0));
      wrappy_plan_remove_stubs (plan->stubs);
      sigprocmask (SIG_SETMASK, &c.orig_mask, NULL);
      launch_ctx_clear (&c);
      if (g_str_has_prefix (report.what, "overlay("))
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                     _ ("cannot mount the writable layer: %s: %s (it needs overlayfs in a user "
                        "namespace, Linux 5.11 or later)"),
                     report.what, g_strerror (report.errsv));
      else if (g_str_has_prefix (report.what, "execve("))
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                     _ ("cannot run the app's command: %s: %s"), report.what,
                     g_strerror (report.errsv));
      else
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                     _ ("cannot set up the sandbox: %s: %s"), report.what,
                     g_strerror (report.errsv));
      return FALSE;
    }

  close (c.status_w);
  c.status_w = -1;
  status = wait_forwarding (pid, &c.forwarded, c.status_r, &reaped);
  /* A cgroup can only be removed once pid 1 has left it. */
  if (!reaped && c.limits.cgroup_fd >= 0)
    TEMP_FAILURE_RETRY (waitpid (pid, NULL, 0));
  wrappy_plan_remove_stubs (plan->stubs);
  sigprocmask (SIG_SETMASK, &c.orig_mask, NULL);
  launch_ctx_clear (&c);
  *exit_status = status_to_exit_code (status);
  return TRUE;
}

/* The bus proxy first, then the sandbox, built while the proxy starts: pid 1 waits for
 * the proxy's byte before it starts the app. The proxy is stopped when the sandbox is
 * gone. */
gboolean
wrappy_launch (const WrappyPlan *plan, int *exit_status, GError **error)
{
  WrappyDbusProxy proxy = { .sync_fd = -1 };
  gboolean ok;

  if (plan->dbus_proxy != NULL && !wrappy_dbus_proxy_start (plan->dbus_proxy, &proxy, error))
    return FALSE;
  ok = launch_sandbox (plan, proxy.sync_fd, exit_status, error);
  wrappy_dbus_proxy_stop (&proxy);
  return ok;
}
