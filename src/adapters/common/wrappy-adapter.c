/* The shared last steps of the AppImage and Snap adapters (wrappy-adapter.h). */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-adapter.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-export.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"

gboolean
wrappy_adapter_export_and_save (WrappyManifest *m, const char *stage, GError **error)
{
  g_autofree char *wrappy_path = wrappy_export_front_path ();
  g_autoptr (GError) export_error = NULL;

  if (!wrappy_export_app (m->id, stage, wrappy_path, NULL, &export_error))
    g_printerr (_ ("warning: %s is being installed, but its launchers were not exported: %s\n"),
                m->id, export_error->message);
  if (wrappy_manifest_save (m, error))
    return TRUE;
  wrappy_export_remove (m->id, NULL);
  return FALSE;
}

gboolean
wrappy_adapter_take_update (WrappyUpdate *u, WrappyManifest *updated, char *stage)
{
  if (updated == NULL)
    {
      wrappy_rm_rf_at (AT_FDCWD, stage, NULL);
      g_free (stage);
      return FALSE;
    }
  /* The level the user chose for the app is not the package's to change. */
  g_free (updated->isolation);
  updated->isolation = g_strdup (u->current->isolation);
  u->updated = updated;
  u->export_dir = stage;
  u->export_dir_is_temp = TRUE;
  return TRUE;
}

gboolean
wrappy_adapter_stage_icon (const char *stage, const char *id, const char *data, gsize len,
                           gboolean *staged, GError **error)
{
  g_autofree char *size = NULL, *rel = NULL, *path = NULL, *parent = NULL;
  const char *ext;

  *staged = FALSE;
  if (len > 24 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    {
      guint32 w = GUINT32_FROM_BE (*(const guint32 *)(data + 16));
      guint32 h = GUINT32_FROM_BE (*(const guint32 *)(data + 20));
      if (w != h || w < 16 || w > 1024)
        return TRUE;
      size = g_strdup_printf ("%ux%u", w, h);
      ext = ".png";
    }
  else if (memchr (data, '\0', len) == NULL && g_strstr_len (data, len, "<svg") != NULL)
    {
      size = g_strdup ("scalable");
      ext = ".svg";
    }
  else
    return TRUE;
  rel = g_strdup_printf ("share/icons/hicolor/%s/apps/%s%s", size, id, ext);
  path = g_build_filename (stage, rel, NULL);
  parent = g_path_get_dirname (path);
  if (!wrappy_dirs_ensure (parent, error) || !g_file_set_contents (path, data, len, error))
    return FALSE;
  *staged = TRUE;
  return TRUE;
}

/* ---- Reading an unpacked package (untrusted: beneath it, no absolute links) ---------- */

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

GPtrArray *
wrappy_adapter_list_dir_beneath (int root_fd, const char *rel)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  int fd = strcmp (rel, ".") == 0
               ? fcntl (root_fd, F_DUPFD_CLOEXEC, 3)
               : wrappy_openat_beneath (root_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, FALSE,
                                        NULL);
  DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  struct dirent *de;

  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return names;
    }
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      g_ptr_array_add (names, g_strdup (de->d_name));
  closedir (d);
  g_ptr_array_sort (names, compare_names);
  return names;
}

char *
wrappy_adapter_read_beneath (int root_fd, const char *rel, gsize max, gsize *len_out,
                             GError **error)
{
  g_autofree char *buf = NULL;
  struct stat st;
  gsize done = 0;
  int fd = wrappy_openat_beneath (root_fd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0, FALSE, error);

  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || (guint64)st.st_size > max)
    {
      close (fd);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s is not a regular file of at most %" PRIu64 " bytes"), rel, (guint64)max);
      return NULL;
    }
  buf = g_malloc (st.st_size + 1);
  while (done < (gsize)st.st_size)
    {
      ssize_t n = read (fd, buf + done, st.st_size - done);
      if (n <= 0)
        break;
      done += n;
    }
  close (fd);
  buf[done] = '\0';
  if (len_out)
    *len_out = done;
  return g_steal_pointer (&buf);
}
