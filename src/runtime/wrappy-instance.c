/* Records of running sandboxes (wrappy-instance.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-instance.h"

#define INSTANCES "instances"
#define GROUP     "Instance"
/* A record being made is named .tmp-N until it is locked; one left by a killed wrappy
 * is removed once it is older than this (a record being made is never that old). */
#define TMP_MAX_AGE (10 * 60)

struct WrappyInstanceRecord
{
  char *dir;   /* instances/N, absolute */
  char *id;    /* N */
  int lock_fd; /* holds the exclusive flock */
};

void
wrappy_instance_free (WrappyInstance *i)
{
  if (i == NULL)
    return;
  g_free (i->id);
  g_free (i->app);
  g_free (i->level);
  g_free (i);
}

static char *
instances_dir (void)
{
  return g_build_filename (wrappy_dirs_state (), INSTANCES, NULL);
}

WrappyInstanceRecord *
wrappy_instance_record_new (GError **error)
{
  g_autofree char *root = instances_dir ();
  g_autofree char *tmp = NULL;
  g_autofree char *lock = NULL;
  g_autoptr (GError) local_error = NULL;
  WrappyInstanceRecord *r;
  int fd;

  if (!wrappy_dirs_ensure (root, error))
    return NULL;
  r = g_new0 (WrappyInstanceRecord, 1);
  r->lock_fd = -1;
  for (int tries = 0; tries < 100; tries++)
    {
      g_free (r->id);
      g_free (tmp);
      r->id = g_strdup_printf ("%u", (guint)g_random_int_range (1, G_MAXINT32));
      tmp = g_strdup_printf ("%s/.tmp-%s", root, r->id);
      if (mkdir (tmp, 0700) == 0)
        break;
      if (errno != EEXIST)
        {
          wrappy_throw_errno (error, "mkdir", tmp);
          wrappy_instance_record_free (r);
          return NULL;
        }
    }
  lock = g_build_filename (tmp, "lock", NULL);
  fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 || flock (fd, LOCK_EX) != 0)
    {
      wrappy_throw_errno (error, fd < 0 ? "open" : "flock", lock);
      if (fd >= 0)
        close (fd);
      (void)wrappy_rm_rf_at (AT_FDCWD, tmp, NULL);
      wrappy_instance_record_free (r);
      return NULL;
    }
  r->lock_fd = fd;
  r->dir = g_build_filename (root, r->id, NULL);
  if (rename (tmp, r->dir) != 0)
    {
      wrappy_throw_errno (error, "rename", tmp);
      (void)wrappy_rm_rf_at (AT_FDCWD, tmp, NULL);
      g_clear_pointer (&r->dir, g_free);
      wrappy_instance_record_free (r);
      return NULL;
    }
  return r;
}

gboolean
wrappy_instance_record_started (WrappyInstanceRecord *r, const char *app, const char *level,
                                pid_t pid, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = g_build_filename (r->dir, "info", NULL);
  g_autofree char *data = NULL;
  gsize len;

  g_key_file_set_string (kf, GROUP, "app", app);
  g_key_file_set_string (kf, GROUP, "level", level);
  g_key_file_set_int64 (kf, GROUP, "pid", pid);
  g_key_file_set_int64 (kf, GROUP, "wrappy-pid", getpid ());
  g_key_file_set_int64 (kf, GROUP, "since", g_get_real_time () / G_USEC_PER_SEC);
  data = g_key_file_to_data (kf, &len, NULL);
  return g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_NONE, 0600, error);
}

void
wrappy_instance_record_free (WrappyInstanceRecord *r)
{
  if (r == NULL)
    return;
  /* Removed while still locked: a `ps` meanwhile sees it running or gone, never stale. */
  if (r->dir != NULL)
    (void)wrappy_rm_rf_at (AT_FDCWD, r->dir, NULL);
  if (r->lock_fd >= 0)
    close (r->lock_fd);
  g_free (r->dir);
  g_free (r->id);
  g_free (r);
}

/* TRUE when someone holds the record's lock (its wrappy runs). */
static gboolean
is_locked (int dfd, const char *name)
{
  g_autofree char *lock = g_build_filename (name, "lock", NULL);
  int fd = openat (dfd, lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  gboolean locked;

  if (fd < 0)
    return FALSE;
  locked = flock (fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close (fd);
  return locked;
}

static WrappyInstance *
read_info (int dfd, const char *name)
{
  g_autofree char *rel = g_build_filename (name, "info", NULL);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (WrappyInstance) i = g_new0 (WrappyInstance, 1);
  g_autofree char *data = NULL;
  gsize len = 0;
  int fd = openat (dfd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    return NULL;
  {
    g_autoptr (GIOChannel) ch = g_io_channel_unix_new (fd);
    g_io_channel_set_close_on_unref (ch, TRUE);
    if (g_io_channel_read_to_end (ch, &data, &len, NULL) != G_IO_STATUS_NORMAL)
      return NULL;
  }
  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, NULL))
    return NULL;
  i->id = g_strdup (name);
  i->app = g_key_file_get_string (kf, GROUP, "app", NULL);
  i->level = g_key_file_get_string (kf, GROUP, "level", NULL);
  i->pid = (pid_t)g_key_file_get_int64 (kf, GROUP, "pid", NULL);
  i->wrappy = (pid_t)g_key_file_get_int64 (kf, GROUP, "wrappy-pid", NULL);
  i->since = g_key_file_get_int64 (kf, GROUP, "since", NULL);
  if (i->app == NULL || i->level == NULL || i->pid <= 1 || i->wrappy <= 1)
    return NULL;
  return g_steal_pointer (&i);
}

static gint
compare_since (gconstpointer a, gconstpointer b)
{
  const WrappyInstance *x = *(WrappyInstance **)a, *y = *(WrappyInstance **)b;
  return x->since < y->since ? -1 : x->since > y->since ? 1 : g_strcmp0 (x->id, y->id);
}

static gboolean
is_number (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

GPtrArray *
wrappy_instance_list (GError **error)
{
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_instance_free);
  g_autofree char *root = instances_dir ();
  int fd = open (root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *d;
  struct dirent *de;

  if (fd < 0)
    {
      if (errno == ENOENT)
        return g_steal_pointer (&list);
      return wrappy_throw_errno (error, "open", root), NULL;
    }
  if ((d = fdopendir (fd)) == NULL)
    {
      close (fd);
      return wrappy_throw_errno (error, "fdopendir", root), NULL;
    }
  while ((de = readdir (d)) != NULL)
    {
      WrappyInstance *i;
      struct stat st;
      if (g_str_has_prefix (de->d_name, ".tmp-"))
        {
          if (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
              && st.st_mtime + TMP_MAX_AGE < g_get_real_time () / G_USEC_PER_SEC
              && !is_locked (dirfd (d), de->d_name))
            (void)wrappy_rm_rf_at (dirfd (d), de->d_name, NULL);
          continue;
        }
      if (!is_number (de->d_name))
        continue;
      if (!is_locked (dirfd (d), de->d_name))
        {
          /* Its wrappy is gone (killed): the sandbox went with it (PR_SET_PDEATHSIG). */
          (void)wrappy_rm_rf_at (dirfd (d), de->d_name, NULL);
          continue;
        }
      /* Locked without info: starting; not listed until its sandbox runs. */
      if ((i = read_info (dirfd (d), de->d_name)) != NULL)
        g_ptr_array_add (list, i);
    }
  closedir (d);
  g_ptr_array_sort (list, compare_since);
  return g_steal_pointer (&list);
}

gboolean
wrappy_instance_is_current (const WrappyInstance *i)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int)i->pid);
  g_autofree char *stat = NULL;
  const char *paren;
  int ppid = 0;
  char state;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  /* "PID (COMM) STATE PPID …": COMM may hold anything, so from the last ')'. */
  paren = strrchr (stat, ')');
  return paren != NULL && sscanf (paren + 1, " %c %d", &state, &ppid) == 2 && ppid == i->wrappy;
}
