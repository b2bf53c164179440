/* Snapshots: $XDG_STATE_HOME/wrappy/ID/snapshots/NAME/{data/,manifest,info}. The layout,
 * the swap a rollback makes and what a killed one leaves are in docs/snapshots.md. The
 * sandbox never sees snapshots/: it mounts only home/, home-upper/ and upper/… of the
 * state dir (wrappy-plan.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-fault.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-layer-lock.h"
#include "wrappy-output.h"
#include "wrappy-snapshot.h"
#include "wrappy-snapshot-private.h"

#define SNAPSHOTS_DIR  "snapshots"
#define NAME_MAX_LEN   64
#define OPEN_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
/* The rollback's journal, in the snapshots dir (docs/snapshots.md, "Crash safety"). */
#define TMP_RESTORE  ".tmp-restore"
#define TMP_NEW      ".tmp-new"
#define TMP_OLD      ".tmp-old"
#define TMP_MANIFEST ".tmp-manifest"

/* Not in a snapshot: the snapshots themselves, and overlayfs's work dirs, which hold
 * nothing between runs and which the sandbox makes again. */
static const char *const skip_in_copy[] = { SNAPSHOTS_DIR, "work", "home-work", NULL };

void
wrappy_snapshot_info_free (WrappySnapshotInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->app_id);
  g_free (info->name);
  g_free (info->version);
  g_free (info->reason);
  g_free (info->method);
  g_free (info);
}

gboolean
wrappy_snapshot_validate_name (const char *name, GError **error)
{
  gsize len = name ? strlen (name) : 0;

  if (len == 0 || len > NAME_MAX_LEN || name[0] == '.' || name[0] == '-')
    goto bad;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      goto bad;
  return TRUE;
bad:
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID,
               _ ("'%s' is not a valid snapshot name (1-%d letters, digits, '.', '_' or '-', "
                  "not starting with '.' or '-')"),
               name ? name : "", NAME_MAX_LEN);
  return FALSE;
}

static gboolean
exists_at (int dfd, const char *name)
{
  struct stat st;
  return fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The app's state dir (made when create) and its snapshots dir, never through a symlink.
 * Returns -1 with no error set when create is FALSE and either is missing. */
static int
open_snapshots_dir (const char *app_id, gboolean create, int *state_fd_out, GError **error)
{
  g_autofree char *state = wrappy_dirs_app_state (app_id);
  int state_fd, fd;

  if (create && !wrappy_dirs_ensure (state, error))
    return -1;
  state_fd = open (state, OPEN_DIR_FLAGS);
  if (state_fd < 0)
    {
      if (errno != ENOENT || create)
        wrappy_throw_errno (error, "open", state);
      return -1;
    }
  if (create && mkdirat (state_fd, SNAPSHOTS_DIR, 0700) != 0 && errno != EEXIST)
    {
      close (state_fd);
      return wrappy_throw_errno (error, "mkdirat", SNAPSHOTS_DIR), -1;
    }
  fd = openat (state_fd, SNAPSHOTS_DIR, OPEN_DIR_FLAGS);
  if (fd < 0)
    {
      int errsv = errno;
      close (state_fd);
      errno = errsv;
      if (errno != ENOENT || create)
        wrappy_throw_errno (error, "openat", SNAPSHOTS_DIR);
      return -1;
    }
  if (state_fd_out != NULL)
    *state_fd_out = state_fd;
  else
    close (state_fd);
  return fd;
}

static gboolean
write_file_at (int dfd, const char *name, const char *data, gsize len, GError **error)
{
  int fd = openat (dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd < 0)
    return wrappy_throw_errno (error, "openat", name);
  for (gsize done = 0; done < len;)
    {
      ssize_t n = TEMP_FAILURE_RETRY (write (fd, data + done, len - done));
      if (n < 0)
        {
          close (fd);
          return wrappy_throw_errno (error, "write", name);
        }
      done += n;
    }
  if (fsync (fd) != 0)
    {
      close (fd);
      return wrappy_throw_errno (error, "fsync", name);
    }
  close (fd);
  return TRUE;
}

static char *
read_file_at (int dfd, const char *name, GError **error)
{
  int fd = openat (dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  g_autoptr (GString) s = g_string_new (NULL);
  char buf[4096];
  ssize_t n;

  if (fd < 0)
    return wrappy_throw_errno (error, "openat", name), NULL;
  while ((n = TEMP_FAILURE_RETRY (read (fd, buf, sizeof buf))) > 0 && s->len < (1 << 20))
    g_string_append_len (s, buf, n);
  close (fd);
  if (n < 0)
    return wrappy_throw_errno (error, "read", name), NULL;
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static WrappySnapshotInfo *
read_info (int snap_dfd, const char *app_id, const char *name, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (WrappySnapshotInfo) info = g_new0 (WrappySnapshotInfo, 1);
  g_autofree char *data = NULL;
  int fd = openat (snap_dfd, name, OPEN_DIR_FLAGS);

  if (fd < 0)
    return wrappy_throw_errno (error, "openat", name), NULL;
  data = read_file_at (fd, "info", error);
  close (fd);
  if (data == NULL || !g_key_file_load_from_data (kf, data, -1, G_KEY_FILE_NONE, error))
    return NULL;
  info->app_id = g_strdup (app_id);
  info->name = g_strdup (name);
  info->created = g_key_file_get_int64 (kf, "Snapshot", "created", NULL);
  info->version = g_key_file_get_string (kf, "Snapshot", "version", NULL);
  info->reason = g_key_file_get_string (kf, "Snapshot", "reason", NULL);
  info->automatic = g_key_file_get_boolean (kf, "Snapshot", "automatic", NULL);
  info->size = g_key_file_get_uint64 (kf, "Snapshot", "size", NULL);
  info->method = g_key_file_get_string (kf, "Snapshot", "method", NULL);
  if (info->method == NULL)
    info->method = g_strdup ("copy");
  return g_steal_pointer (&info);
}

static char *
info_to_data (const WrappySnapshotInfo *info, gint64 created_usec)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();

  g_key_file_set_string (kf, "Snapshot", "app", info->app_id);
  g_key_file_set_int64 (kf, "Snapshot", "created", info->created);
  g_key_file_set_int64 (kf, "Snapshot", "created-usec", created_usec);
  if (info->version != NULL)
    g_key_file_set_string (kf, "Snapshot", "version", info->version);
  if (info->reason != NULL)
    g_key_file_set_string (kf, "Snapshot", "reason", info->reason);
  g_key_file_set_boolean (kf, "Snapshot", "automatic", info->automatic);
  g_key_file_set_string (kf, "Snapshot", "method", info->method);
  g_key_file_set_uint64 (kf, "Snapshot", "size", info->size);
  return g_key_file_to_data (kf, NULL, NULL);
}

/* "auto-YYYYMMDD-HHMMSS", with "-2", "-3"… when taken twice in one second. */
static char *
auto_name (int snap_dfd, GDateTime *now)
{
  g_autofree char *base = g_date_time_format (now, "auto-%Y%m%d-%H%M%S");

  if (!exists_at (snap_dfd, base))
    return g_steal_pointer (&base);
  for (guint i = 2;; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%u", base, i);
      if (!exists_at (snap_dfd, name))
        return g_steal_pointer (&name);
    }
}

/* Fills tmp (a new dir in the snapshots dir) with data/, manifest and info. */
static gboolean
fill_snapshot (int state_fd, int tmp_fd, WrappyManifest *m, WrappySnapshotInfo *info, gint64 usec,
               GError **error)
{
  g_autoptr (GKeyFile) kf = wrappy_manifest_to_keyfile (m);
  g_autofree char *manifest = NULL, *data = NULL;
  WrappyCopyStats stats = { 0 };
  gsize len;
  int data_fd;
  gboolean ok;

  if (mkdirat (tmp_fd, "data", 0700) != 0
      || (data_fd = openat (tmp_fd, "data", OPEN_DIR_FLAGS)) < 0)
    return wrappy_throw_errno (error, "mkdirat", "data");
  ok = wrappy_snapshot_copy_tree (state_fd, data_fd, skip_in_copy, &stats, error);
  close (data_fd);
  if (!ok)
    return FALSE;
  wrappy_fault_point ("snapshot-mid-copy");
  info->method = g_strdup (wrappy_copy_stats_method (&stats));
  /* What the snapshot costs on disk: nothing for the clones' shared extents. */
  info->size = stats.bytes_copied;
  manifest = g_key_file_to_data (kf, &len, NULL);
  if (!write_file_at (tmp_fd, "manifest", manifest, len, error))
    return FALSE;
  data = info_to_data (info, usec);
  if (!write_file_at (tmp_fd, "info", data, strlen (data), error))
    return FALSE;
  if (syncfs (tmp_fd) != 0)
    return wrappy_throw_errno (error, "syncfs", "snapshot");
  return TRUE;
}

WrappySnapshotInfo *
wrappy_snapshot_create (WrappyManifest *m, const char *name, const char *reason, gboolean automatic,
                        GError **error)
{
  g_autoptr (WrappySnapshotInfo) info = g_new0 (WrappySnapshotInfo, 1);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *tmp = NULL;
  int state_fd = -1, snap_fd, tmp_fd;
  gboolean ok;

  if (name != NULL && !wrappy_snapshot_validate_name (name, error))
    return NULL;
  if (name != NULL && !automatic && g_str_has_prefix (name, "auto-"))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID,
                   _ ("snapshot names starting with 'auto-' are kept for automatic snapshots"));
      return NULL;
    }
  if (!wrappy_snapshot_recover (m->id, error))
    return NULL;
  snap_fd = open_snapshots_dir (m->id, TRUE, &state_fd, error);
  if (snap_fd < 0)
    return NULL;
  info->app_id = g_strdup (m->id);
  info->name = name ? g_strdup (name) : auto_name (snap_fd, now);
  info->automatic = automatic;
  info->created = g_date_time_to_unix (now);
  info->version = g_strdup (m->version);
  info->reason = g_strdup (reason);
  if (exists_at (snap_fd, info->name))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                   _ ("%s already has a snapshot named %s"), m->id, info->name);
      close (snap_fd);
      close (state_fd);
      return NULL;
    }
  tmp = g_strdup_printf (".tmp-%s-%d", info->name, (int)getpid ());
  ok = wrappy_rm_rf_at (snap_fd, tmp, error);
  if (ok
      && (mkdirat (snap_fd, tmp, 0700) != 0
          || (tmp_fd = openat (snap_fd, tmp, OPEN_DIR_FLAGS)) < 0))
    ok = wrappy_throw_errno (error, "mkdirat", tmp);
  else if (ok)
    {
      ok = fill_snapshot (
          state_fd, tmp_fd, m, info,
          g_date_time_to_unix (now) * G_USEC_PER_SEC + g_date_time_get_microsecond (now), error);
      close (tmp_fd);
    }
  /* The one atomic step: the snapshot appears whole or not at all. */
  if (ok && renameat2 (snap_fd, tmp, snap_fd, info->name, RENAME_NOREPLACE) != 0)
    ok = wrappy_throw_errno (error, "renameat2", info->name);
  if (ok)
    (void)fsync (snap_fd);
  else
    (void)wrappy_rm_rf_at (snap_fd, tmp, NULL);
  close (snap_fd);
  close (state_fd);
  return ok ? g_steal_pointer (&info) : NULL;
}

static gint
compare_created (gconstpointer a, gconstpointer b)
{
  const WrappySnapshotInfo *ia = *(WrappySnapshotInfo **)a, *ib = *(WrappySnapshotInfo **)b;

  if (ia->created != ib->created)
    return ia->created < ib->created ? -1 : 1;
  /* Same second: auto-…-2 after auto-…, then by name. */
  if (strlen (ia->name) != strlen (ib->name))
    return strlen (ia->name) < strlen (ib->name) ? -1 : 1;
  return strcmp (ia->name, ib->name);
}

GPtrArray *
wrappy_snapshot_list (const char *app_id, GError **error)
{
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_snapshot_info_free);
  g_autoptr (GError) local_error = NULL;
  int fd = open_snapshots_dir (app_id, FALSE, NULL, &local_error);
  DIR *d;
  struct dirent *de;

  if (fd < 0)
    {
      if (local_error == NULL)
        return g_steal_pointer (&list);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return wrappy_throw_errno (error, "fdopendir", SNAPSHOTS_DIR), NULL;
    }
  while ((de = readdir (d)) != NULL)
    {
      g_autoptr (GError) e = NULL;
      WrappySnapshotInfo *info;
      if (de->d_name[0] == '.' || !wrappy_snapshot_validate_name (de->d_name, NULL))
        continue;
      info = read_info (dirfd (d), app_id, de->d_name, &e);
      if (info == NULL)
        g_warning (_ ("Ignoring snapshot %s of %s: %s"), de->d_name, app_id, e->message);
      else
        g_ptr_array_add (list, info);
    }
  closedir (d);
  g_ptr_array_sort (list, compare_created);
  return g_steal_pointer (&list);
}

gboolean
wrappy_snapshot_delete (const char *app_id, const char *name, GError **error)
{
  g_autofree char *tmp = NULL;
  int fd;
  gboolean ok;

  if (!wrappy_snapshot_validate_name (name, error))
    return FALSE;
  fd = open_snapshots_dir (app_id, FALSE, NULL, error);
  if (fd >= 0 && !exists_at (fd, name))
    {
      close (fd);
      fd = -1;
    }
  if (fd < 0)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                     _ ("%s has no snapshot named %s (see: wrappy snapshots %s)"), app_id, name,
                     app_id);
      return FALSE;
    }
  /* Gone in one step, then removed at leisure: never half a snapshot under its name. */
  tmp = g_strdup_printf (".tmp-del-%s-%d", name, (int)getpid ());
  ok = renameat (fd, name, fd, tmp) == 0 ? wrappy_rm_rf_at (fd, tmp, error)
                                         : wrappy_throw_errno (error, "renameat", name);
  close (fd);
  return ok;
}

gboolean
wrappy_snapshot_prune_auto (const char *app_id, guint keep, GError **error)
{
  g_autoptr (GPtrArray) list = NULL;
  guint automatic = 0;

  if (!wrappy_snapshot_recover (app_id, error))
    return FALSE;
  list = wrappy_snapshot_list (app_id, error);
  if (list == NULL)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    automatic += ((WrappySnapshotInfo *)list->pdata[i])->automatic;
  /* Oldest first: the first automatic ones beyond `keep` go; named ones never. */
  for (guint i = 0; i < list->len && automatic > keep; i++)
    {
      WrappySnapshotInfo *info = list->pdata[i];
      if (!info->automatic)
        continue;
      if (!wrappy_snapshot_delete (app_id, info->name, error))
        return FALSE;
      wrappy_debug ("deleted the automatic snapshot %s of %s", info->name, app_id);
      automatic--;
    }
  return TRUE;
}

static WrappyManifest *
load_manifest_at (const char *app_id, const char *rel, GError **error)
{
  g_autofree char *state = wrappy_dirs_app_state (app_id);
  g_autofree char *path = g_build_filename (state, SNAPSHOTS_DIR, rel, NULL);

  /* The snapshots dir is wrappy's alone (no sandbox sees it): a path is fine here. */
  return wrappy_manifest_load_file (path, error);
}

WrappyManifest *
wrappy_snapshot_load_manifest (const char *app_id, const char *name, GError **error)
{
  g_autofree char *rel = NULL;

  if (!wrappy_snapshot_validate_name (name, error))
    return NULL;
  rel = g_build_filename (name, "manifest", NULL);
  return load_manifest_at (app_id, rel, error);
}

gboolean
wrappy_snapshot_pins_layer (const char *app_id, const char *layer_path)
{
  g_autoptr (GPtrArray) list = wrappy_snapshot_list (app_id, NULL);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      const WrappySnapshotInfo *info = list->pdata[i];
      g_autoptr (WrappyManifest) m = wrappy_snapshot_load_manifest (app_id, info->name, NULL);
      for (guint j = 0; m != NULL && j < m->layers->len; j++)
        if (g_strcmp0 (((WrappyManifestLayer *)m->layers->pdata[j])->path, layer_path) == 0)
          return TRUE;
    }
  return FALSE;
}

static gint
compare_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

char **
wrappy_snapshot_app_ids (GError **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int fd = open (wrappy_dirs_state (), OPEN_DIR_FLAGS);
  DIR *d;
  struct dirent *de;

  if (fd < 0)
    {
      if (errno != ENOENT)
        return wrappy_throw_errno (error, "open", wrappy_dirs_state ()), NULL;
      g_ptr_array_add (ids, NULL);
      return (char **)g_ptr_array_free (g_steal_pointer (&ids), FALSE);
    }
  if ((d = fdopendir (fd)) == NULL)
    {
      close (fd);
      return wrappy_throw_errno (error, "fdopendir", wrappy_dirs_state ()), NULL;
    }
  while ((de = readdir (d)) != NULL)
    {
      struct stat st;
      g_autofree char *rel = NULL;
      if (de->d_name[0] == '.' || !wrappy_validate_app_id (de->d_name, NULL))
        continue;
      rel = g_build_filename (de->d_name, SNAPSHOTS_DIR, NULL);
      if (fstatat (dirfd (d), rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode))
        g_ptr_array_add (ids, g_strdup (de->d_name));
    }
  closedir (d);
  g_ptr_array_sort (ids, compare_str);
  g_ptr_array_add (ids, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

GPtrArray *
wrappy_snapshot_pinned_manifests (GError **error)
{
  g_autoptr (GPtrArray) apps = wrappy_manifest_list_installed (error);
  g_autoptr (GPtrArray) pinned = NULL;
  g_auto (GStrv) ids = NULL;

  if (apps == NULL)
    return NULL;
  /* Installed or not: the snapshots of an uninstalled app (its data kept) are how
   * `rollback` brings it back, with the layers they name. */
  if ((ids = wrappy_snapshot_app_ids (error)) == NULL)
    return NULL;
  pinned = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_manifest_free);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      const char *id = ids[i];
      g_autoptr (GPtrArray) list = wrappy_snapshot_list (id, error);
      g_autoptr (WrappyManifest) pending = NULL;
      if (list == NULL)
        return NULL;
      for (guint j = 0; j < list->len; j++)
        {
          g_autoptr (GError) e = NULL;
          g_autofree char *rel
              = g_build_filename (((WrappySnapshotInfo *)list->pdata[j])->name, "manifest", NULL);
          WrappyManifest *m = load_manifest_at (id, rel, &e);
          if (m != NULL)
            g_ptr_array_add (pinned, m);
          else
            g_warning ("%s", e->message);
        }
      /* The manifest an interrupted rollback is about to restore. */
      pending = load_manifest_at (id, TMP_MANIFEST, NULL);
      if (pending != NULL)
        g_ptr_array_add (pinned, g_steal_pointer (&pending));
    }
  return g_steal_pointer (&pinned);
}

/* Renames every entry of from_fd (but `except`) into to_fd. A name already in to_fd is
 * first moved aside into aside_fd (or fails when there is none). */
static gboolean
move_entries (int from_fd, int to_fd, const char *except, int aside_fd, const char *fault,
              GError **error)
{
  int fd = fcntl (from_fd, F_DUPFD_CLOEXEC, 3);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  DIR *d;
  struct dirent *de;

  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return wrappy_throw_errno (error, "fdopendir", "state");
    }
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0
        && g_strcmp0 (de->d_name, except) != 0)
      g_ptr_array_add (names, g_strdup (de->d_name));
  closedir (d);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      if (renameat (from_fd, n, to_fd, n) != 0)
        {
          if ((errno != ENOTEMPTY && errno != EEXIST && errno != ENOTDIR && errno != EISDIR)
              || aside_fd < 0)
            return wrappy_throw_errno (error, "renameat", n);
          /* Made since the rollback began (a run between a crash and its recovery). */
          if (!wrappy_rm_rf_at (aside_fd, n, error))
            return FALSE;
          if (renameat (to_fd, n, aside_fd, n) != 0 || renameat (from_fd, n, to_fd, n) != 0)
            return wrappy_throw_errno (error, "renameat", n);
        }
      if (i == 0 && fault != NULL)
        wrappy_fault_point (fault);
    }
  return TRUE;
}

static int
open_sub (int dfd, const char *name, GError **error)
{
  int fd = openat (dfd, name, OPEN_DIR_FLAGS);
  if (fd < 0)
    wrappy_throw_errno (error, "openat", name);
  return fd;
}

/* The swap after its commit point (TMP_OLD exists): live entries into TMP_OLD, then
 * TMP_RESTORE renamed TMP_NEW, its entries into the state dir, the manifest, then
 * TMP_OLD deleted. Each step can be repeated after a crash; the names tell which
 * phase was reached. */
static gboolean
roll_forward (const char *app_id, int state_fd, int snap_fd, GError **error)
{
  int old_fd = open_sub (snap_fd, TMP_OLD, error);
  gboolean ok = old_fd >= 0;

  if (ok && exists_at (snap_fd, TMP_RESTORE))
    {
      ok = move_entries (state_fd, old_fd, SNAPSHOTS_DIR, -1, "rollback-mid-swap", error);
      if (ok && renameat (snap_fd, TMP_RESTORE, snap_fd, TMP_NEW) != 0)
        ok = wrappy_throw_errno (error, "renameat", TMP_RESTORE);
      if (ok)
        (void)fsync (snap_fd);
    }
  if (ok && exists_at (snap_fd, TMP_NEW))
    {
      int new_fd = open_sub (snap_fd, TMP_NEW, error);
      ok = new_fd >= 0
           && move_entries (new_fd, state_fd, NULL, old_fd, "rollback-mid-restore", error);
      if (new_fd >= 0)
        close (new_fd);
      if (ok && unlinkat (snap_fd, TMP_NEW, AT_REMOVEDIR) != 0)
        ok = wrappy_throw_errno (error, "rmdir", TMP_NEW);
    }
  if (ok && exists_at (snap_fd, TMP_MANIFEST))
    {
      g_autoptr (WrappyManifest) m = load_manifest_at (app_id, TMP_MANIFEST, error);
      wrappy_fault_point ("rollback-before-manifest");
      ok = m != NULL && wrappy_manifest_save (m, error);
      if (ok && unlinkat (snap_fd, TMP_MANIFEST, 0) != 0)
        ok = wrappy_throw_errno (error, "unlink", TMP_MANIFEST);
    }
  if (old_fd >= 0)
    close (old_fd);
  if (ok)
    {
      (void)fsync (state_fd);
      (void)fsync (snap_fd);
      ok = wrappy_rm_rf_at (snap_fd, TMP_OLD, error);
    }
  return ok;
}

gboolean
wrappy_snapshot_recover (const char *app_id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  int state_fd = -1, snap_fd = open_snapshots_dir (app_id, FALSE, &state_fd, &local_error);
  gboolean ok = TRUE;
  DIR *d;
  struct dirent *de;

  if (snap_fd < 0)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (exists_at (snap_fd, TMP_OLD))
    {
      g_autoptr (WrappyManifest) m = wrappy_manifest_load (app_id, NULL);
      /* Never swap entries from under a sandbox that has them mounted. */
      if (m != NULL && wrappy_layer_app_is_running (m))
        {
          close (snap_fd);
          close (state_fd);
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_BUSY,
                       _ ("an interrupted rollback of %s is pending and the app is running; "
                          "stop it first"),
                       app_id);
          return FALSE;
        }
      wrappy_info (_ ("Finishing an interrupted rollback of %s"), app_id);
      ok = roll_forward (app_id, state_fd, snap_fd, error);
    }
  /* Anything else temporary is an unfinished snapshot, restore copy or deletion. */
  if (ok && (d = fdopendir (fcntl (snap_fd, F_DUPFD_CLOEXEC, 3))) != NULL)
    {
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      while ((de = readdir (d)) != NULL)
        if (g_str_has_prefix (de->d_name, ".tmp-"))
          g_ptr_array_add (names, g_strdup (de->d_name));
      closedir (d);
      for (guint i = 0; ok && i < names->len; i++)
        ok = wrappy_rm_rf_at (snap_fd, names->pdata[i], error);
    }
  close (snap_fd);
  close (state_fd);
  return ok;
}

/* Copies the snapshot's data into TMP_RESTORE and its manifest (for app_id) into
 * TMP_MANIFEST when every layer it names is still in the store. */
static gboolean
prepare_restore (const char *app_id, const char *name, int snap_fd, gboolean *data_only,
                 GError **error)
{
  g_autofree char *rel = g_build_filename (name, "manifest", NULL);
  g_autofree char *data_rel = g_build_filename (name, "data", NULL);
  g_autoptr (WrappyManifest) m = NULL;
  g_autoptr (GKeyFile) kf = NULL;
  g_autofree char *text = NULL;
  WrappyCopyStats stats = { 0 };
  int src_fd, dst_fd;
  gboolean ok;

  if ((src_fd = open_sub (snap_fd, data_rel, error)) < 0)
    return FALSE;
  if (mkdirat (snap_fd, TMP_RESTORE, 0700) != 0
      || (dst_fd = open_sub (snap_fd, TMP_RESTORE, error)) < 0)
    {
      close (src_fd);
      return wrappy_throw_errno (error, "mkdirat", TMP_RESTORE);
    }
  ok = wrappy_snapshot_copy_tree (src_fd, dst_fd, NULL, &stats, error);
  close (src_fd);
  close (dst_fd);
  if (!ok || (m = load_manifest_at (app_id, rel, error)) == NULL)
    return FALSE;
  *data_only = FALSE;
  for (guint i = 0; i < m->layers->len; i++)
    {
      WrappyManifestLayer *l = m->layers->pdata[i];
      g_autofree char *path = wrappy_manifest_layer_host_path (l);
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          wrappy_info (_ ("The layer %s of %s %s is no longer in the store: restoring the "
                          "data only, the app stays at its current version"),
                       l->ref ? l->ref : l->path, app_id, m->version ? m->version : "");
          *data_only = TRUE;
          return TRUE;
        }
    }
  g_free (m->id);
  m->id = g_strdup (app_id);
  kf = wrappy_manifest_to_keyfile (m);
  text = g_key_file_to_data (kf, NULL, NULL);
  return write_file_at (snap_fd, TMP_MANIFEST, text, strlen (text), error);
}

gboolean
wrappy_snapshot_rollback (WrappyStore *store, const char *app_id, const char *name, GError **error)
{
  g_autoptr (WrappyManifest) current = NULL;
  int state_fd = -1, snap_fd = -1;
  gboolean ok, data_only = FALSE;

  g_return_val_if_fail (store != NULL && store->lock_fd >= 0, FALSE);
  if (!wrappy_snapshot_validate_name (name, error) || !wrappy_snapshot_recover (app_id, error))
    return FALSE;
  /* An uninstalled app (no manifest) comes back with the snapshot's. */
  current = wrappy_manifest_is_installed (app_id) ? wrappy_manifest_load (app_id, error) : NULL;
  if (current == NULL && wrappy_manifest_is_installed (app_id))
    return FALSE;
  if (current != NULL && wrappy_layer_app_is_running (current))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_BUSY, _ ("%s is running; stop it first"),
                   app_id);
      return FALSE;
    }
  snap_fd = open_snapshots_dir (app_id, TRUE, &state_fd, error);
  if (snap_fd < 0)
    return FALSE;
  if (!exists_at (snap_fd, name))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   _ ("%s has no snapshot named %s (see: wrappy snapshots %s)"), app_id, name,
                   app_id);
      ok = FALSE;
    }
  else
    ok = prepare_restore (app_id, name, snap_fd, &data_only, error);
  if (ok && data_only && current == NULL)
    {
      /* Data without an app to use it would look installed to nobody: stop before any
       * change. */
      (void)wrappy_rm_rf_at (snap_fd, TMP_RESTORE, NULL);
      (void)wrappy_rm_rf_at (snap_fd, TMP_MANIFEST, NULL);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_INSTALLED,
                   _ ("%s is not installed and the layers of its snapshot %s are gone from the "
                      "store; install it again, then roll back"),
                   app_id, name);
      ok = FALSE;
    }
  if (ok && syncfs (snap_fd) != 0)
    ok = wrappy_throw_errno (error, "syncfs", SNAPSHOTS_DIR);
  if (ok)
    wrappy_fault_point ("rollback-before-swap");
  /* The commit point: from here on a crash is finished by wrappy_snapshot_recover. */
  if (ok && mkdirat (snap_fd, TMP_OLD, 0700) != 0)
    ok = wrappy_throw_errno (error, "mkdirat", TMP_OLD);
  if (ok)
    {
      (void)fsync (snap_fd);
      ok = roll_forward (app_id, state_fd, snap_fd, error);
    }
  else if (!exists_at (snap_fd, TMP_OLD))
    {
      (void)wrappy_rm_rf_at (snap_fd, TMP_RESTORE, NULL);
      (void)wrappy_rm_rf_at (snap_fd, TMP_MANIFEST, NULL);
    }
  close (snap_fd);
  close (state_fd);
  return ok;
}
