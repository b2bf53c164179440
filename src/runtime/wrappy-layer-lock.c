#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-layer-lock.h"

void
wrappy_layer_locks_free (WrappyLayerLocks *locks)
{
  if (locks == NULL)
    return;
  for (guint i = 0; i < locks->fds->len; i++)
    close (g_array_index (locks->fds, int, i));
  g_array_unref (locks->fds);
  g_free (locks);
}

char *
wrappy_layer_lock_root (const char *layer_path)
{
  if (g_str_has_suffix (layer_path, "/files"))
    return g_path_get_dirname (layer_path);
  return g_strdup (layer_path);
}

static gboolean
same_file (const struct stat *a, const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Opens and share-locks one layer directory, then checks that the directory locked is
 * still the one at that path: gc renames a layer away under its exclusive lock before
 * deleting it, so a run that waited for gc finds it gone rather than mounting a
 * half-deleted tree. */
static int
lock_one (int store_dfd, const char *root, GError **error)
{
  struct stat locked, now;
  int fd = openat (store_dfd, root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0)
    return -1;
  if (TEMP_FAILURE_RETRY (flock (fd, LOCK_SH)) != 0)
    {
      wrappy_throw_errno (error, "flock", root);
      close (fd);
      return -2;
    }
  if (fstat (fd, &locked) != 0 || fstatat (store_dfd, root, &now, AT_SYMLINK_NOFOLLOW) != 0
      || !same_file (&locked, &now))
    {
      close (fd);
      return -1;
    }
  return fd;
}

WrappyLayerLocks *
wrappy_layer_locks_acquire (const WrappyManifest *m, GError **error)
{
  g_autoptr (WrappyLayerLocks) locks = g_new0 (WrappyLayerLocks, 1);
  int store_dfd = open (wrappy_dirs_data (), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  locks->fds = g_array_new (FALSE, FALSE, sizeof (int));
  if (store_dfd < 0)
    return wrappy_throw_errno (error, "open", wrappy_dirs_data ()), NULL;
  for (guint i = 0; i < m->layers->len; i++)
    {
      const WrappyManifestLayer *l = m->layers->pdata[i];
      g_autofree char *root = NULL;
      int fd;

      if (wrappy_manifest_layer_is_host (l))
        continue;
      root = wrappy_layer_lock_root (l->path);
      fd = lock_one (store_dfd, root, error);
      if (fd == -2)
        {
          close (store_dfd);
          return NULL;
        }
      if (fd < 0)
        {
          close (store_dfd);
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_INSTALLED,
                       _ ("%s is not installed completely: its layer %s is missing; run "
                          "'wrappy doctor --fix', or reinstall it"),
                       m->id, l->name);
          return NULL;
        }
      g_array_append_val (locks->fds, fd);
    }
  close (store_dfd);
  return g_steal_pointer (&locks);
}

int
wrappy_layer_lock_try_exclusive (int store_dfd, const char *root, gboolean *busy, GError **error)
{
  int fd = openat (store_dfd, root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  *busy = FALSE;
  if (fd < 0)
    return wrappy_throw_errno (error, "open", root), -1;
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int errsv = errno;
      close (fd);
      if (errsv == EWOULDBLOCK)
        {
          *busy = TRUE;
          return -1;
        }
      errno = errsv;
      return wrappy_throw_errno (error, "flock", root), -1;
    }
  return fd;
}

gboolean
wrappy_layer_app_is_running (const WrappyManifest *m)
{
  const WrappyManifestLayer *l = NULL;
  g_autofree char *root = NULL;
  gboolean busy = FALSE;
  int store_dfd, fd;

  for (guint i = 0; i < m->layers->len && l == NULL; i++)
    if (strcmp (((WrappyManifestLayer *)m->layers->pdata[i])->kind, "app") == 0)
      l = m->layers->pdata[i];
  for (guint i = 0; i < m->layers->len && l == NULL; i++)
    if (!wrappy_manifest_layer_is_host (m->layers->pdata[i]))
      l = m->layers->pdata[i];
  if (l == NULL)
    return FALSE;
  store_dfd = open (wrappy_dirs_data (), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (store_dfd < 0)
    return FALSE;
  root = wrappy_layer_lock_root (l->path);
  fd = wrappy_layer_lock_try_exclusive (store_dfd, root, &busy, NULL);
  if (fd >= 0)
    close (fd);
  close (store_dfd);
  return busy;
}
