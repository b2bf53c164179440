/* The copy under a snapshot, a rollback and a snap update (its per-revision data): a
 * directory tree copied between two fds, never following a symlink (the tree is the
 * app's, which may have planted links to host files in it). Each regular file is cloned
 * (FICLONE: btrfs, XFS with reflink=1, bcachefs) when the filesystem can, else copied
 * with copy_file_range, else with read/write. See docs/snapshots.md. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/fs.h>

#include "wrappy-error.h"
#include "wrappy-fault.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"
#include "wrappy-snapshot-private.h"
#include "wrappy-snapshot.h"

#define OPEN_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

typedef struct
{
  int dst_root;
  GHashTable *links; /* "dev:ino" of a source file with nlink > 1 → its copy, rel. to dst_root */
  gboolean no_clone, no_copy_range;
  WrappyCopyStats *stats;
} CopyCtx;

static gboolean copy_dir_contents (CopyCtx *ctx, int src_dfd, int dst_dfd, const char *rel,
                                   const char *const *skip, GError **error);

/* Extended attributes: overlayfs marks opaque directories and redirects with them
 * (user.overlay.* in a user namespace, trusted.overlay.* as root), and the upper layer
 * means nothing without them. Best effort: a namespace the copier may not set is left. */
static void
copy_xattrs (int src_fd, int dst_fd)
{
  char names[4096], value[4096];
  ssize_t n = flistxattr (src_fd, names, sizeof names);

  for (ssize_t off = 0; n > 0 && off < n; off += strlen (names + off) + 1)
    {
      ssize_t len = fgetxattr (src_fd, names + off, value, sizeof value);
      if (len >= 0)
        (void)fsetxattr (dst_fd, names + off, value, len, 0);
    }
}

static void
copy_owner_and_mode (int dst_fd, const struct stat *st)
{
  /* Only root can give files away; a user's copy is the user's. */
  if (geteuid () == 0)
    (void)fchown (dst_fd, st->st_uid, st->st_gid);
  /* Without set-id bits: a snapshot is data, never a way to mint a set-id program. */
  (void)fchmod (dst_fd, st->st_mode & 01777);
}

static gboolean
copy_bytes (CopyCtx *ctx, int in, int out, const char *rel, GError **error)
{
  char buf[65536];

  if (!ctx->no_clone && ioctl (out, FICLONE, in) == 0)
    {
      ctx->stats->cloned++;
      return TRUE;
    }
  if (errno == EOPNOTSUPP || errno == ENOTTY || errno == EXDEV || errno == EINVAL
      || errno == ENOSYS)
    ctx->no_clone = TRUE;
  ctx->stats->copied++;
  while (!ctx->no_copy_range)
    {
      ssize_t n = copy_file_range (in, NULL, out, NULL, 1 << 30, 0);
      if (n == 0)
        return TRUE;
      if (n > 0)
        {
          ctx->stats->bytes_copied += n;
          continue;
        }
      if (errno == EINTR)
        continue;
      if (errno != ENOSYS && errno != EXDEV && errno != EINVAL && errno != EOPNOTSUPP)
        return wrappy_throw_errno (error, "copy_file_range", rel);
      /* Nothing written yet by this call: read/write from the current offsets. */
      ctx->no_copy_range = TRUE;
    }
  for (;;)
    {
      ssize_t n = TEMP_FAILURE_RETRY (read (in, buf, sizeof buf));
      if (n < 0)
        return wrappy_throw_errno (error, "read", rel);
      if (n == 0)
        return TRUE;
      for (ssize_t done = 0; done < n;)
        {
          ssize_t w = TEMP_FAILURE_RETRY (write (out, buf + done, n - done));
          if (w < 0)
            return wrappy_throw_errno (error, "write", rel);
          done += w;
          ctx->stats->bytes_copied += w;
        }
    }
}

static gboolean
copy_file (CopyCtx *ctx, int src_dfd, int dst_dfd, const char *name, const char *rel,
           const struct stat *st, GError **error)
{
  g_autofree char *key = NULL;
  const char *first;
  struct timespec times[2] = { st->st_atim, st->st_mtim };
  int in, out;
  gboolean ok;

  if (st->st_nlink > 1)
    {
      key = g_strdup_printf ("%ju:%ju", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
      first = g_hash_table_lookup (ctx->links, key);
      if (first != NULL && linkat (ctx->dst_root, first, dst_dfd, name, 0) == 0)
        return TRUE;
    }
  in = openat (src_dfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  if (in < 0)
    return wrappy_throw_errno (error, "openat", rel);
  out = openat (dst_dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    {
      close (in);
      return wrappy_throw_errno (error, "openat", rel);
    }
  ok = copy_bytes (ctx, in, out, rel, error);
  if (ok)
    {
      copy_xattrs (in, out);
      copy_owner_and_mode (out, st);
      (void)futimens (out, times);
      ctx->stats->bytes_total += st->st_size;
      if (key != NULL)
        g_hash_table_insert (ctx->links, g_steal_pointer (&key), g_strdup (rel));
    }
  close (in);
  close (out);
  return ok;
}

static gboolean
copy_special (CopyCtx *ctx, int dst_dfd, const char *name, const char *rel, const struct stat *st,
              GError **error)
{
  /* A 0/0 character device is an overlayfs whiteout (a file the app deleted from a
   * lower layer): without it a rollback would bring the file back. Users may make
   * whiteouts since Linux 5.8. Real devices and sockets are never copied. */
  gboolean whiteout = S_ISCHR (st->st_mode) && st->st_rdev == makedev (0, 0);

  if (S_ISFIFO (st->st_mode) || whiteout)
    {
      if (mknodat (dst_dfd, name, (st->st_mode & S_IFMT) | 0600, st->st_rdev) != 0)
        {
          if (errno != EPERM)
            return wrappy_throw_errno (error, "mknodat", rel);
          wrappy_info (_ ("Skipped %s: cannot make it here (%s)"), rel, g_strerror (errno));
          ctx->stats->skipped++;
        }
      return TRUE;
    }
  wrappy_debug ("skipped %s: a device or socket", rel);
  ctx->stats->skipped++;
  return TRUE;
}

static gboolean
copy_entry (CopyCtx *ctx, int src_dfd, int dst_dfd, const char *name, const char *rel,
            GError **error)
{
  struct stat st;

  if (fstatat (src_dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return errno == ENOENT ? TRUE : wrappy_throw_errno (error, "fstatat", rel);

  if (S_ISDIR (st.st_mode))
    {
      struct timespec times[2] = { st.st_atim, st.st_mtim };
      int in, out;
      gboolean ok;
      if (mkdirat (dst_dfd, name, 0700) != 0)
        return wrappy_throw_errno (error, "mkdirat", rel);
      in = openat (src_dfd, name, OPEN_DIR_FLAGS);
      if (in < 0)
        return wrappy_throw_errno (error, "openat", rel);
      out = openat (dst_dfd, name, OPEN_DIR_FLAGS);
      if (out < 0)
        {
          close (in);
          return wrappy_throw_errno (error, "openat", rel);
        }
      ok = copy_dir_contents (ctx, in, out, rel, NULL, error);
      if (ok)
        {
          copy_xattrs (in, out);
          copy_owner_and_mode (out, &st);
          (void)futimens (out, times);
        }
      close (in);
      close (out);
      return ok;
    }
  if (S_ISLNK (st.st_mode))
    {
      struct timespec times[2] = { st.st_atim, st.st_mtim };
      g_autofree char *target = g_malloc (st.st_size + 2);
      ssize_t n = readlinkat (src_dfd, name, target, st.st_size + 1);
      if (n < 0)
        return wrappy_throw_errno (error, "readlinkat", rel);
      target[n] = '\0';
      /* Copied as a link, whatever it points at: never followed. */
      if (symlinkat (target, dst_dfd, name) != 0)
        return wrappy_throw_errno (error, "symlinkat", rel);
      if (geteuid () == 0)
        (void)fchownat (dst_dfd, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
      (void)utimensat (dst_dfd, name, times, AT_SYMLINK_NOFOLLOW);
      return TRUE;
    }
  if (S_ISREG (st.st_mode))
    return copy_file (ctx, src_dfd, dst_dfd, name, rel, &st, error);
  return copy_special (ctx, dst_dfd, name, rel, &st, error);
}

static gboolean
copy_dir_contents (CopyCtx *ctx, int src_dfd, int dst_dfd, const char *rel, const char *const *skip,
                   GError **error)
{
  int fd = fcntl (src_dfd, F_DUPFD_CLOEXEC, 3);
  DIR *d;
  struct dirent *de;
  gboolean ok = TRUE;

  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return wrappy_throw_errno (error, "fdopendir", rel[0] ? rel : ".");
    }
  while (ok && (errno = 0, de = readdir (d)) != NULL)
    {
      g_autofree char *sub = NULL;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (skip != NULL && g_strv_contains (skip, de->d_name))
        continue;
      sub = rel[0] ? g_build_filename (rel, de->d_name, NULL) : g_strdup (de->d_name);
      ok = copy_entry (ctx, dirfd (d), dst_dfd, de->d_name, sub, error);
    }
  if (ok && errno != 0)
    ok = wrappy_throw_errno (error, "readdir", rel[0] ? rel : ".");
  closedir (d);
  return ok;
}

gboolean
wrappy_snapshot_copy_tree (int src_dfd, int dst_dfd, const char *const *skip,
                           WrappyCopyStats *stats, GError **error)
{
  g_autoptr (GHashTable) links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  CopyCtx ctx = { .dst_root = dst_dfd, .links = links, .stats = stats };
  const char *no_clone = g_getenv ("WRAPPY_SNAPSHOT_NO_REFLINK");

  /* Tests force the byte copy even where the filesystem clones. */
  ctx.no_clone = no_clone != NULL && no_clone[0] == '1';
  return copy_dir_contents (&ctx, src_dfd, dst_dfd, "", skip, error);
}

const char *
wrappy_copy_stats_method (const WrappyCopyStats *stats)
{
  return stats->cloned > 0 && stats->copied == 0 ? "reflink" : "copy";
}

gboolean
wrappy_copy_dir_new_at (int parent_fd, const char *src, const char *dst, GError **error)
{
  g_autofree char *tmp = g_strdup_printf (".%s.wrappy-copy", dst);
  WrappyCopyStats stats = { 0 };
  struct stat st;
  int src_fd, tmp_fd;
  gboolean ok;

  /* What a killed copy left. */
  if (!wrappy_rm_rf_at (parent_fd, tmp, error))
    return FALSE;
  if ((src_fd = openat (parent_fd, src, OPEN_DIR_FLAGS)) < 0)
    return wrappy_throw_errno (error, "open", src);
  if (fstat (src_fd, &st) != 0 || mkdirat (parent_fd, tmp, 0700) != 0
      || (tmp_fd = openat (parent_fd, tmp, OPEN_DIR_FLAGS)) < 0)
    {
      close (src_fd);
      return wrappy_throw_errno (error, "mkdirat", tmp);
    }
  ok = wrappy_snapshot_copy_tree (src_fd, tmp_fd, NULL, &stats, error);
  if (ok)
    {
      copy_xattrs (src_fd, tmp_fd);
      copy_owner_and_mode (tmp_fd, &st);
      /* The copy is on disk before the name that makes it real (as a snapshot's is). */
      if (syncfs (tmp_fd) != 0)
        ok = wrappy_throw_errno (error, "syncfs", tmp);
    }
  close (src_fd);
  close (tmp_fd);
  wrappy_fault_point ("copy-dir-before-rename");
  if (ok && renameat2 (parent_fd, tmp, parent_fd, dst, RENAME_NOREPLACE) != 0)
    ok = wrappy_throw_errno (error, "renameat2", dst);
  if (!ok)
    (void)wrappy_rm_rf_at (parent_fd, tmp, NULL);
  return ok;
}
