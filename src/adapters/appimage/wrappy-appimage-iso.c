/* Type 1 AppImages: an ISO 9660 image (Rock Ridge names and symlinks) read with
 * libarchive. The same rules as wrappy-squashfs.c: every create relative to a directory
 * fd, O_NOFOLLOW|O_EXCL, symlinks recreated and never followed, '..' and absolute names
 * rejected, sizes bounded, the target appearing by rename or not at all. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-appimage-private.h"
#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"

#define MAX_TOTAL_BYTES (G_GUINT64_CONSTANT (8) << 30)
#define MAX_ENTRIES     1000000

typedef struct
{
  const char *image;
  struct archive *ar;
  int root_fd;
  guint64 bytes_left;
  guint64 entries_left;
} Iso;

static gboolean
invalid (GError **error, const char *image, const char *what)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
               _ ("%s: not a valid ISO 9660 image: %s"), image, what);
  return FALSE;
}

/* libarchive's own failure: ENOMEM (a crafted image asking for gigabytes, refused by the
 * unpack child's memory limit, wrappy-unpack.c) is NO_MEMORY, the rest INVALID_DATA. */
static gboolean
archive_fail (GError **error, Iso *iso)
{
  const char *what = archive_error_string (iso->ar);

  g_set_error (error, WRAPPY_ERROR,
               archive_errno (iso->ar) == ENOMEM ? WRAPPY_ERROR_NO_MEMORY
                                                 : WRAPPY_ERROR_INVALID_DATA,
               _ ("%s: not a valid ISO 9660 image: %s"), iso->image, what ? what : "invalid data");
  return FALSE;
}

/* Opens (creating when missing) the directory for every component but the last;
 * returns its fd and sets *last. Never follows a symlink. */
static int
open_parent (Iso *iso, char **parts, guint n, GError **error)
{
  int fd = fcntl (iso->root_fd, F_DUPFD_CLOEXEC, 3);

  for (guint i = 0; fd >= 0 && i + 1 < n; i++)
    {
      int sub = openat (fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0 && errno == ENOENT && mkdirat (fd, parts[i], 0755) == 0)
        sub = openat (fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0)
        {
          /* ELOOP/ENOTDIR: a symlink or file where a directory should be. */
          invalid (error, iso->image, _ ("an entry lies below a symbolic link or a file"));
          close (fd);
          return -1;
        }
      close (fd);
      fd = sub;
    }
  return fd;
}

static gboolean
write_data (Iso *iso, int fd, const char *name, GError **error)
{
  const void *buf;
  size_t len;
  la_int64_t off;
  int r;

  while ((r = archive_read_data_block (iso->ar, &buf, &len, &off)) == ARCHIVE_OK)
    {
      if (len > iso->bytes_left)
        return invalid (error, iso->image, _ ("the contents exceed the size limit"));
      iso->bytes_left -= len;
      if (pwrite (fd, buf, len, off) != (ssize_t)len)
        return wrappy_throw_errno (error, "write", name);
    }
  if (r != ARCHIVE_EOF)
    return archive_fail (error, iso);
  return TRUE;
}

static gboolean
extract_entry (Iso *iso, struct archive_entry *e, GError **error)
{
  const char *name = archive_entry_pathname (e);
  g_auto (GStrv) raw = NULL;
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  mode_t type = archive_entry_filetype (e);
  const char *last;
  int dfd, fd;
  gboolean ok = TRUE;

  if (name == NULL || name[0] == '/')
    return invalid (error, iso->image, _ ("an entry has an absolute or no name"));
  raw = g_strsplit (name, "/", -1);
  for (char **p = raw; *p; p++)
    {
      if (**p == '\0' || strcmp (*p, ".") == 0)
        continue;
      if (strcmp (*p, "..") == 0 || strlen (*p) > NAME_MAX)
        return invalid (error, iso->image, _ ("an entry has an unsafe name"));
      g_ptr_array_add (parts, *p);
    }
  if (parts->len == 0)
    return TRUE; /* the root itself */
  if (iso->entries_left-- == 0)
    return invalid (error, iso->image, _ ("too many entries"));
  g_ptr_array_add (parts, NULL);
  dfd = open_parent (iso, (char **)parts->pdata, parts->len - 1, error);
  if (dfd < 0)
    return FALSE;
  last = parts->pdata[parts->len - 2];

  if (type == AE_IFDIR)
    {
      if (mkdirat (dfd, last, 0755) != 0 && errno != EEXIST)
        ok = wrappy_throw_errno (error, "mkdirat", last);
      else if ((fd = openat (dfd, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        ok = invalid (error, iso->image, _ ("an entry appears twice"));
      else
        close (fd);
    }
  else if (type == AE_IFLNK)
    {
      const char *target = archive_entry_symlink (e);
      if (target == NULL || *target == '\0' || strlen (target) >= PATH_MAX)
        ok = invalid (error, iso->image, _ ("a symbolic link has an invalid target"));
      else if (symlinkat (target, dfd, last) != 0)
        ok = errno == EEXIST ? invalid (error, iso->image, _ ("an entry appears twice"))
                             : wrappy_throw_errno (error, "symlinkat", last);
    }
  else if (type == AE_IFREG && archive_entry_hardlink (e) == NULL)
    {
      mode_t mode = (archive_entry_perm (e) & 0111) ? 0755 : 0644;
      fd = openat (dfd, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0)
        ok = errno == EEXIST ? invalid (error, iso->image, _ ("an entry appears twice"))
                             : wrappy_throw_errno (error, "openat", last);
      else
        {
          ok = write_data (iso, fd, last, error);
          if (ok && fchmod (fd, mode) != 0)
            ok = wrappy_throw_errno (error, "fchmod", last);
          close (fd);
        }
    }
  /* Hard links, devices, fifos, sockets: nothing an app needs. */
  close (dfd);
  return ok;
}

static gboolean
extract_all (Iso *iso, GCancellable *cancellable, GError **error)
{
  struct archive_entry *e;
  int r;

  while ((r = archive_read_next_header (iso->ar, &e)) == ARCHIVE_OK)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!extract_entry (iso, e, error))
        return FALSE;
    }
  if (r != ARCHIVE_EOF)
    return archive_fail (error, iso);
  return TRUE;
}

gboolean
wrappy_appimage_extract_iso (const char *image, const char *dest_dir, GCancellable *cancellable,
                             GError **error)
{
  g_autofree char *parent = g_path_get_dirname (dest_dir);
  g_autofree char *base = g_path_get_basename (dest_dir);
  g_autofree char *tmp = g_strdup_printf (".tmp-%s-%d-%08x", base, getpid (), g_random_int ());
  Iso iso = { image, NULL, -1, MAX_TOTAL_BYTES, MAX_ENTRIES };
  gboolean ok = FALSE;
  int pfd;

  pfd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (pfd < 0)
    return wrappy_throw_errno (error, "open", parent);
  if (mkdirat (pfd, tmp, 0700) != 0)
    {
      wrappy_throw_errno (error, "mkdirat", tmp);
      close (pfd);
      return FALSE;
    }
  iso.root_fd = openat (pfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  iso.ar = archive_read_new ();
  archive_read_support_format_iso9660 (iso.ar);
  if (iso.root_fd < 0)
    wrappy_throw_errno (error, "openat", tmp);
  else if (archive_read_open_filename (iso.ar, image, 64 * 1024) != ARCHIVE_OK)
    archive_fail (error, &iso);
  else if (extract_all (&iso, cancellable, error) && fchmod (iso.root_fd, 0755) == 0)
    {
      if (renameat2 (pfd, tmp, pfd, base, RENAME_NOREPLACE) != 0)
        wrappy_throw_errno (error, "rename", dest_dir);
      else
        ok = TRUE;
    }
  archive_read_free (iso.ar);
  if (iso.root_fd >= 0)
    close (iso.root_fd);
  if (!ok)
    wrappy_rm_rf_at (pfd, tmp, NULL);
  close (pfd);
  return ok;
}
