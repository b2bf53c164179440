#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"

static int
sys_openat2 (int dfd, const char *path, struct open_how *how)
{
  return syscall (SYS_openat2, dfd, path, how, sizeof *how);
}

/* Fallback for kernels before 5.6: walk one component at a time with O_NOFOLLOW. */
static int
open_beneath_walk (int dfd, const char *path, int flags, mode_t mode)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  int cur = fcntl (dfd, F_DUPFD_CLOEXEC, 3);
  guint n = g_strv_length (parts);

  for (guint i = 0; i < n && cur >= 0; i++)
    {
      int next;
      if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0)
        continue;
      if (strcmp (parts[i], "..") == 0)
        {
          close (cur);
          errno = EXDEV;
          return -1;
        }
      if (i + 1 == n)
        next = openat (cur, parts[i], flags | O_NOFOLLOW | O_CLOEXEC, mode);
      else
        next = openat (cur, parts[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      close (cur);
      cur = next;
    }
  return cur;
}

int
wrappy_openat_beneath (int dfd, const char *path, int flags, mode_t mode, gboolean no_symlinks,
                       GError **error)
{
  struct open_how how = { 0 };
  int fd;

  how.flags = flags | O_CLOEXEC;
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  if (no_symlinks)
    how.resolve |= RESOLVE_NO_SYMLINKS;
  fd = TEMP_FAILURE_RETRY (sys_openat2 (dfd, path, &how));
  if (fd < 0 && (errno == ENOSYS || errno == EPERM))
    fd = open_beneath_walk (dfd, path, flags, mode);
  if (fd < 0)
    {
      wrappy_throw_errno (error, "openat2", path);
      return -1;
    }
  return fd;
}

gboolean
wrappy_rm_rf_at (int dfd, const char *name, GError **error)
{
  int fd;
  DIR *d;
  struct dirent *de;
  gboolean ok = TRUE;

  if (unlinkat (dfd, name, 0) == 0 || errno == ENOENT)
    return TRUE;
  if (errno != EISDIR && errno != EPERM)
    return wrappy_throw_errno (error, "unlinkat", name);

  fd = openat (dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  /* overlayfs leaves its workdir's "work" at mode 0000 (and an app may chmod its own
   * dirs so): make it ours to read, never through a symlink. */
  if (fd < 0 && errno == EACCES && fchmodat (dfd, name, 0700, AT_SYMLINK_NOFOLLOW) == 0)
    fd = openat (dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? TRUE : wrappy_throw_errno (error, "openat", name);
  /* A read-only checkout (ostree's user mode keeps 0555 dirs) must be made writable
   * before its entries can go. */
  fchmod (fd, 0700);
  d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return wrappy_throw_errno (error, "fdopendir", name);
    }
  while (ok && (de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      ok = wrappy_rm_rf_at (dirfd (d), de->d_name, error);
    }
  closedir (d);
  if (!ok)
    return FALSE;
  if (unlinkat (dfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
    return wrappy_throw_errno (error, "rmdir", name);
  return TRUE;
}

static guint64
usage_at (int dfd, GHashTable *seen)
{
  DIR *d;
  struct dirent *de;
  guint64 total = 0;
  int fd = fcntl (dfd, F_DUPFD_CLOEXEC, 3);

  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return 0;
    }
  while ((de = readdir (d)) != NULL)
    {
      struct stat st;
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          int sub = openat (dirfd (d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub >= 0)
            {
              total += usage_at (sub, seen);
              close (sub);
            }
        }
      else if (S_ISREG (st.st_mode))
        {
          guint64 key = ((guint64)st.st_dev << 40) ^ st.st_ino;
          if (st.st_nlink > 1)
            {
              if (g_hash_table_contains (seen, &key))
                continue;
              g_hash_table_add (seen, g_memdup2 (&key, sizeof key));
            }
          total += (guint64)st.st_blocks * 512;
        }
    }
  closedir (d);
  return total;
}

guint64
wrappy_disk_usage (const char *path)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  guint64 total;

  if (fd < 0)
    return 0;
  total = usage_at (fd, seen);
  close (fd);
  return total;
}

int
wrappy_lock_file (const char *path, gboolean exclusive, GError **error)
{
  return wrappy_lock_file_full (path, exclusive, TRUE, error);
}

int
wrappy_lock_file_full (const char *path, gboolean exclusive, gboolean wait, GError **error)
{
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  int op = exclusive ? LOCK_EX : LOCK_SH;

  if (fd < 0)
    {
      wrappy_throw_errno (error, "open", path);
      return -1;
    }
  if (flock (fd, op | LOCK_NB) != 0)
    {
      if (errno != EWOULDBLOCK)
        {
          wrappy_throw_errno (error, "flock", path);
          close (fd);
          return -1;
        }
      if (!wait)
        {
          g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_BUSY,
                               _ ("another wrappy command is changing the store"));
          close (fd);
          return -1;
        }
      wrappy_info (_ ("Waiting for another wrappy to finish…"));
      if (TEMP_FAILURE_RETRY (flock (fd, op)) != 0)
        {
          wrappy_throw_errno (error, "flock", path);
          close (fd);
          return -1;
        }
    }
  return fd;
}

gboolean
wrappy_path_is_clean (const char *path)
{
  g_auto (GStrv) parts = NULL;
  const char *rest;

  if (path == NULL || *path == '\0')
    return FALSE;
  rest = path[0] == '/' ? path + 1 : path;
  if (*rest == '\0')
    return path[0] == '/';
  parts = g_strsplit (rest, "/", -1);
  for (char **p = parts; *p; p++)
    if (**p == '\0' || strcmp (*p, ".") == 0 || strcmp (*p, "..") == 0)
      return FALSE;
  return TRUE;
}
