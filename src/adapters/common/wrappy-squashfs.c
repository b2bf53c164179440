/* Safe squashfs extraction with libsquashfs; the rules are in wrappy-squashfs.h.
 *
 * libsquashfs parses the image; every file system call that creates something is ours
 * and goes through a directory fd of the temporary target: mkdirat, openat with
 * O_EXCL|O_NOFOLLOW, symlinkat. A name is never a path, so nothing an image says can
 * make us write through a symlink or outside the target. */
#include "config.h"

#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqfs/block.h>
#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-squashfs.h"

#define DEFAULT_MAX_TOTAL_BYTES (G_GUINT64_CONSTANT (8) << 30)
#define DEFAULT_MAX_ENTRIES     1000000
#define MAX_DEPTH               256
#define MAX_LINK_DEPTH          16
#define COPY_CHUNK              (256 * 1024)

/* A read-only view of [offset, end of file) of an fd: the image of an AppImage starts
 * after its ELF runtime, and libsquashfs reads at offsets relative to the superblock. */
typedef struct
{
  sqfs_file_t base;
  int fd;
  guint64 offset;
  guint64 size;
} ViewFile;

static int
view_read_at (sqfs_file_t *file, sqfs_u64 offset, void *buffer, size_t size)
{
  ViewFile *v = (ViewFile *)file;
  char *p = buffer;

  if (offset > v->size || size > v->size - offset)
    return SQFS_ERROR_OUT_OF_BOUNDS;
  while (size > 0)
    {
      ssize_t n = pread (v->fd, p, size, (off_t)(v->offset + offset));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return SQFS_ERROR_IO;
      p += n;
      offset += n;
      size -= n;
    }
  return 0;
}

static int
view_write_at (sqfs_file_t *file, sqfs_u64 offset, const void *buffer, size_t size)
{
  return SQFS_ERROR_UNSUPPORTED;
}

static sqfs_u64
view_get_size (const sqfs_file_t *file)
{
  return ((const ViewFile *)file)->size;
}

static int
view_truncate (sqfs_file_t *file, sqfs_u64 size)
{
  return SQFS_ERROR_UNSUPPORTED;
}

static void
view_destroy (sqfs_object_t *obj)
{
  ViewFile *v = (ViewFile *)obj;
  if (v->fd >= 0)
    close (v->fd);
  g_free (v);
}

static ViewFile *view_new (int fd, guint64 offset, guint64 size);

static sqfs_object_t *
view_copy (const sqfs_object_t *obj)
{
  const ViewFile *v = (const ViewFile *)obj;
  int fd = fcntl (v->fd, F_DUPFD_CLOEXEC, 3);
  if (fd < 0)
    return NULL;
  return (sqfs_object_t *)view_new (fd, v->offset, v->size);
}

static ViewFile *
view_new (int fd, guint64 offset, guint64 size)
{
  ViewFile *v = g_new0 (ViewFile, 1);
  v->base.base.destroy = view_destroy;
  v->base.base.copy = view_copy;
  v->base.read_at = view_read_at;
  v->base.write_at = view_write_at;
  v->base.get_size = view_get_size;
  v->base.truncate = view_truncate;
  v->fd = fd;
  v->offset = offset;
  v->size = size;
  return v;
}

/* Everything needed to read one image. */
typedef struct
{
  char *path;
  ViewFile *file;
  sqfs_super_t super;
  sqfs_compressor_t *cmp;
  sqfs_dir_reader_t *dir;
  sqfs_data_reader_t *data;
} Image;

static void
image_free (Image *img)
{
  if (img == NULL)
    return;
  sqfs_destroy (img->data);
  sqfs_destroy (img->dir);
  sqfs_destroy (img->cmp);
  sqfs_destroy (img->file);
  g_free (img->path);
  g_free (img);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Image, image_free)

static const char *
sqfs_strerror (int err)
{
  switch (err)
    {
    case SQFS_ERROR_ALLOC:
      return "out of memory";
    case SQFS_ERROR_IO:
      return "read error";
    case SQFS_ERROR_COMPRESSOR:
      return "cannot decompress";
    case SQFS_ERROR_CORRUPTED:
      return "corrupted";
    case SQFS_ERROR_UNSUPPORTED:
      return "unsupported feature";
    case SQFS_ERROR_OVERFLOW:
      return "size overflow";
    case SQFS_ERROR_OUT_OF_BOUNDS:
      return "data past the end of the image";
    case SFQS_ERROR_SUPER_MAGIC:
      return "no squashfs magic";
    case SFQS_ERROR_SUPER_VERSION:
      return "unsupported squashfs version";
    case SQFS_ERROR_SUPER_BLOCK_SIZE:
      return "bad block size";
    case SQFS_ERROR_NOT_DIR:
      return "not a directory";
    case SQFS_ERROR_NO_ENTRY:
      return "no such entry";
    case SQFS_ERROR_LINK_LOOP:
      return "link loop";
    case SQFS_ERROR_NOT_FILE:
      return "not a regular file";
    default:
      return "invalid data";
    }
}

static gboolean
invalid (GError **error, const char *image, const char *what)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
               _ ("%s: not a valid squashfs image: %s"), image, what);
  return FALSE;
}

static gboolean
sqfs_fail (GError **error, const char *image, int err)
{
  /* Under the unpack child's memory limit (wrappy-unpack.c) a crafted inode's 4 GiB
   * allocation fails here: the parent tells that apart from a corrupt image. */
  if (err == SQFS_ERROR_ALLOC)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NO_MEMORY,
                   _ ("%s: not a valid squashfs image: %s"), image, sqfs_strerror (err));
      return FALSE;
    }
  return invalid (error, image, sqfs_strerror (err));
}

static Image *
image_open (const char *image_path, guint64 offset, GError **error)
{
  g_autoptr (Image) img = g_new0 (Image, 1);
  sqfs_compressor_config_t cfg;
  struct stat st;
  int fd, r;

  img->path = g_strdup (image_path);
  fd = open (image_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return wrappy_throw_errno (error, "open", image_path), NULL;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return invalid (error, image_path, _ ("not a regular file")), NULL;
    }
  if (offset > (guint64)st.st_size)
    {
      close (fd);
      return invalid (error, image_path, _ ("the image offset lies past the end of the file")),
             NULL;
    }
  img->file = view_new (fd, offset, (guint64)st.st_size - offset);
  r = sqfs_super_read (&img->super, &img->file->base);
  if (r != 0)
    return sqfs_fail (error, image_path, r), NULL;
  /* The superblock says how long the image is: a shorter file was cut off. */
  if (img->super.bytes_used > img->file->size)
    return invalid (error, image_path, _ ("the file is truncated")), NULL;
  if (img->super.bytes_used < sizeof (sqfs_super_t))
    return invalid (error, image_path, _ ("bad image size")), NULL;
  img->file->size = img->super.bytes_used;

  /* libsquashfs allocates the whole fragment table (16 bytes an entry, the count from the
   * superblock) before reading it: a crafted count asked for 32 GiB (found by
   * fuzz-squashfs). A real table is far smaller than the fragments it lists. */
  if (img->super.fragment_entry_count * (guint64)sizeof (sqfs_fragment_t) > img->super.bytes_used)
    return invalid (error, image_path, _ ("the fragment table is larger than the image")), NULL;
  r = sqfs_compressor_config_init (&cfg, img->super.compression_id, img->super.block_size,
                                   SQFS_COMP_FLAG_UNCOMPRESS);
  if (r == 0)
    r = sqfs_compressor_create (&cfg, &img->cmp);
  if (r != 0)
    return invalid (error, image_path, _ ("unsupported compressor")), NULL;
  img->dir = sqfs_dir_reader_create (&img->super, img->cmp, &img->file->base, 0);
  img->data = sqfs_data_reader_create (&img->file->base, img->super.block_size, img->cmp, 0);
  if (img->dir == NULL || img->data == NULL)
    return sqfs_fail (error, image_path, SQFS_ERROR_ALLOC), NULL;
  r = sqfs_data_reader_load_fragment_table (img->data, &img->super);
  if (r != 0)
    return sqfs_fail (error, image_path, r), NULL;
  return g_steal_pointer (&img);
}

static gboolean
is_dir (const sqfs_inode_generic_t *inode)
{
  return inode->base.type == SQFS_INODE_DIR || inode->base.type == SQFS_INODE_EXT_DIR;
}

static gboolean
is_file (const sqfs_inode_generic_t *inode)
{
  return inode->base.type == SQFS_INODE_FILE || inode->base.type == SQFS_INODE_EXT_FILE;
}

static gboolean
is_symlink (const sqfs_inode_generic_t *inode)
{
  return inode->base.type == SQFS_INODE_SLINK || inode->base.type == SQFS_INODE_EXT_SLINK;
}

/* The target of a symlink inode, or NULL if it has a NUL or is empty or too long. */
static char *
symlink_target (const sqfs_inode_generic_t *inode)
{
  guint32 len = inode->base.type == SQFS_INODE_SLINK ? inode->data.slink.target_size
                                                     : inode->data.slink_ext.target_size;
  const char *t = (const char *)inode->extra;

  if (len == 0 || len >= PATH_MAX || len > inode->payload_bytes_used
      || memchr (t, '\0', len) != NULL)
    return NULL;
  return g_strndup (t, len);
}

static gboolean
name_is_safe (const char *name, gsize len)
{
  return len > 0 && len <= NAME_MAX && memchr (name, '/', len) == NULL
         && memchr (name, '\0', len) == NULL && !(len == 1 && name[0] == '.')
         && !(len == 2 && name[0] == '.' && name[1] == '.');
}

typedef struct
{
  char *name;
  sqfs_inode_generic_t *inode;
} Entry;

static void
entry_free (gpointer p)
{
  Entry *e = p;
  g_free (e->name);
  sqfs_free (e->inode);
  g_free (e);
}

/* Reads a whole directory listing (names validated) so that the single directory
 * reader can then be moved into subdirectories. */
static GPtrArray *
read_dir_entries (Image *img, const sqfs_inode_generic_t *dir, guint64 *budget, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (entry_free);
  int r = sqfs_dir_reader_open_dir (img->dir, dir, 0);

  if (r != 0)
    return sqfs_fail (error, img->path, r), NULL;
  for (;;)
    {
      sqfs_dir_entry_t *ent = NULL;
      Entry *e;

      r = sqfs_dir_reader_read (img->dir, &ent);
      if (r > 0)
        break;
      if (r < 0)
        return sqfs_fail (error, img->path, r), NULL;
      if (!name_is_safe ((const char *)ent->name, (gsize)ent->size + 1))
        {
          sqfs_free (ent);
          return invalid (error, img->path, _ ("an entry has an unsafe name")), NULL;
        }
      if (*budget == 0)
        {
          sqfs_free (ent);
          return invalid (error, img->path, _ ("too many entries")), NULL;
        }
      (*budget)--;
      e = g_new0 (Entry, 1);
      e->name = g_strndup ((const char *)ent->name, ent->size + 1);
      sqfs_free (ent);
      g_ptr_array_add (out, e);
      r = sqfs_dir_reader_get_inode (img->dir, &e->inode);
      if (r != 0)
        return sqfs_fail (error, img->path, r), NULL;
    }
  return g_steal_pointer (&out);
}

typedef struct
{
  Image *img;
  guint64 bytes_left;
  guint64 entries_left;
  GCancellable *cancellable;
} Extract;

/* A create failing with EEXIST means the image names an entry twice (a crafted image:
 * say a symlink and then a directory of the same name). */
static gboolean
create_failed (Extract *x, const char *call, const char *name, GError **error)
{
  if (errno == EEXIST)
    return invalid (error, x->img->path, _ ("an entry appears twice"));
  return wrappy_throw_errno (error, call, name);
}

static gboolean
extract_file (Extract *x, int dfd, const Entry *e, GError **error)
{
  sqfs_u64 size = 0, pos = 0;
  g_autofree char *buf = NULL;
  mode_t mode = (e->inode->base.mode & 0111) ? 0755 : 0644;
  int fd;

  sqfs_inode_get_file_size (e->inode, &size);
  if (size > x->bytes_left)
    return invalid (error, x->img->path, _ ("the contents exceed the size limit"));
  x->bytes_left -= size;
  fd = openat (dfd, e->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return create_failed (x, "openat", e->name, error);
  buf = g_malloc (COPY_CHUNK);
  while (pos < size)
    {
      sqfs_u32 want = (sqfs_u32)MIN ((sqfs_u64)COPY_CHUNK, size - pos);
      sqfs_s32 n = sqfs_data_reader_read (x->img->data, e->inode, pos, buf, want);
      const char *p = buf;
      ssize_t left;

      if (n <= 0)
        {
          close (fd);
          return sqfs_fail (error, x->img->path, n < 0 ? n : SQFS_ERROR_CORRUPTED);
        }
      for (left = n; left > 0;)
        {
          ssize_t w = write (fd, p, left);
          if (w < 0 && errno == EINTR)
            continue;
          if (w <= 0)
            {
              wrappy_throw_errno (error, "write", e->name);
              close (fd);
              return FALSE;
            }
          p += w;
          left -= w;
        }
      pos += n;
    }
  /* Permissions last and without setuid/setgid: the canonical modes OSTree keeps. */
  if (fchmod (fd, mode) != 0)
    {
      close (fd);
      return wrappy_throw_errno (error, "fchmod", e->name);
    }
  if (close (fd) != 0)
    return wrappy_throw_errno (error, "close", e->name);
  return TRUE;
}

static gboolean extract_dir (Extract *x, int dfd, const sqfs_inode_generic_t *dir, guint depth,
                             GError **error);

static gboolean
extract_entry (Extract *x, int dfd, const Entry *e, guint depth, GError **error)
{
  if (is_dir (e->inode))
    {
      int sub;
      gboolean ok;

      if (mkdirat (dfd, e->name, 0700) != 0)
        return create_failed (x, "mkdirat", e->name, error);
      sub = openat (dfd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0)
        return wrappy_throw_errno (error, "openat", e->name);
      ok = extract_dir (x, sub, e->inode, depth + 1, error);
      if (ok && fchmod (sub, 0755) != 0)
        ok = wrappy_throw_errno (error, "fchmod", e->name);
      close (sub);
      return ok;
    }
  if (is_file (e->inode))
    return extract_file (x, dfd, e, error);
  if (is_symlink (e->inode))
    {
      /* Recreated verbatim, never resolved: whatever it points at is the sandbox's
       * view (the app layer is mounted read-only), not ours. */
      g_autofree char *target = symlink_target (e->inode);
      if (target == NULL)
        return invalid (error, x->img->path, _ ("a symbolic link has an invalid target"));
      if (symlinkat (target, dfd, e->name) != 0)
        return create_failed (x, "symlinkat", e->name, error);
      return TRUE;
    }
  /* Devices, fifos and sockets have no place in an app. */
  return TRUE;
}

static gboolean
extract_dir (Extract *x, int dfd, const sqfs_inode_generic_t *dir, guint depth, GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;

  if (depth > MAX_DEPTH)
    return invalid (error, x->img->path, _ ("directories are nested too deeply"));
  entries = read_dir_entries (x->img, dir, &x->entries_left, error);
  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (x->cancellable, error))
        return FALSE;
      if (!extract_entry (x, dfd, entries->pdata[i], depth, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
wrappy_squashfs_extract (const char *image_path, guint64 offset, const char *dest_dir,
                         const WrappySquashfsLimits *limits, GCancellable *cancellable,
                         GError **error)
{
  g_autoptr (Image) img = NULL;
  g_autofree char *parent = g_path_get_dirname (dest_dir);
  g_autofree char *base = g_path_get_basename (dest_dir);
  g_autofree char *tmp = NULL;
  sqfs_inode_generic_t *root = NULL;
  Extract x = { 0 };
  int pfd, tfd = -1, r;
  gboolean ok = FALSE;

  g_return_val_if_fail (g_path_is_absolute (dest_dir), FALSE);
  img = image_open (image_path, offset, error);
  if (img == NULL)
    return FALSE;
  x.img = img;
  x.cancellable = cancellable;
  x.bytes_left
      = limits && limits->max_total_bytes ? limits->max_total_bytes : DEFAULT_MAX_TOTAL_BYTES;
  x.entries_left = limits && limits->max_entries ? limits->max_entries : DEFAULT_MAX_ENTRIES;

  r = sqfs_dir_reader_get_root_inode (img->dir, &root);
  if (r != 0)
    return sqfs_fail (error, image_path, r);
  if (!is_dir (root))
    {
      sqfs_free (root);
      return invalid (error, image_path, _ ("the root is not a directory"));
    }

  pfd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (pfd < 0)
    {
      sqfs_free (root);
      return wrappy_throw_errno (error, "open", parent);
    }
  if (faccessat (pfd, base, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, _ ("%s already exists"), dest_dir);
      goto out;
    }
  tmp = g_strdup_printf (".tmp-%s-%d-%08x", base, getpid (), g_random_int ());
  if (mkdirat (pfd, tmp, 0700) != 0)
    {
      wrappy_throw_errno (error, "mkdirat", tmp);
      g_clear_pointer (&tmp, g_free);
      goto out;
    }
  tfd = openat (pfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (tfd < 0)
    {
      wrappy_throw_errno (error, "openat", tmp);
      goto out;
    }
  if (!extract_dir (&x, tfd, root, 0, error))
    goto out;
  if (fchmod (tfd, 0755) != 0)
    {
      wrappy_throw_errno (error, "fchmod", tmp);
      goto out;
    }
  if (renameat2 (pfd, tmp, pfd, base, RENAME_NOREPLACE) != 0)
    {
      wrappy_throw_errno (error, "rename", dest_dir);
      goto out;
    }
  g_clear_pointer (&tmp, g_free);
  ok = TRUE;

out:
  if (tfd >= 0)
    close (tfd);
  if (tmp != NULL)
    wrappy_rm_rf_at (pfd, tmp, NULL);
  close (pfd);
  sqfs_free (root);
  return ok;
}

/* Finds the inode at `path`, following symlinks that stay inside the image (at most
 * MAX_LINK_DEPTH). follow_last: also follow a symlink in the last component. */
static sqfs_inode_generic_t *
resolve (Image *img, const char *path, gboolean follow_last, GError **error)
{
  g_autoptr (GPtrArray) stack = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GQueue) pending = g_queue_new ();
  guint links = 0;
  sqfs_inode_generic_t *inode = NULL;
  int r;

  {
    g_auto (GStrv) parts = g_strsplit (path, "/", -1);
    for (guint i = 0; parts[i] != NULL; i++)
      g_queue_push_tail (pending, g_strdup (parts[i]));
  }
  while (!g_queue_is_empty (pending))
    {
      g_autofree char *c = g_queue_pop_head (pending);
      g_autofree char *joined = NULL;

      if (*c == '\0' || strcmp (c, ".") == 0)
        continue;
      if (strcmp (c, "..") == 0)
        {
          if (stack->len == 0)
            goto escape;
          g_ptr_array_remove_index (stack, stack->len - 1);
          continue;
        }
      g_ptr_array_add (stack, g_steal_pointer (&c));
      g_ptr_array_add (stack, NULL);
      joined = g_strjoinv ("/", (char **)stack->pdata);
      g_ptr_array_remove_index (stack, stack->len - 1);
      r = sqfs_dir_reader_find_by_path (img->dir, NULL, joined, &inode);
      if (r == SQFS_ERROR_NO_ENTRY || r == SQFS_ERROR_NOT_DIR)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                       _ ("%s: no file %s in the image"), img->path, path);
          goto fail;
        }
      if (r != 0)
        {
          sqfs_fail (error, img->path, r);
          goto fail;
        }
      if (is_symlink (inode) && (follow_last || !g_queue_is_empty (pending)))
        {
          g_autofree char *target = symlink_target (inode);
          g_auto (GStrv) parts = NULL;

          g_clear_pointer (&inode, sqfs_free);
          if (target == NULL || target[0] == '/' || ++links > MAX_LINK_DEPTH)
            goto escape;
          g_ptr_array_remove_index (stack, stack->len - 1);
          parts = g_strsplit (target, "/", -1);
          for (guint i = g_strv_length (parts); i > 0; i--)
            g_queue_push_head (pending, g_strdup (parts[i - 1]));
          continue;
        }
      if (!g_queue_is_empty (pending))
        g_clear_pointer (&inode, sqfs_free);
    }
  if (inode == NULL)
    {
      r = sqfs_dir_reader_get_root_inode (img->dir, &inode);
      if (r != 0)
        return sqfs_fail (error, img->path, r), NULL;
    }
  return inode;

escape:
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
               _ ("%s: %s leads outside the image or through too many links"), img->path, path);
fail:
  g_queue_free_full (g_steal_pointer (&pending), g_free);
  sqfs_free (inode);
  return NULL;
}

GBytes *
wrappy_squashfs_read_file (const char *image_path, guint64 offset, const char *path, gsize max_size,
                           GError **error)
{
  g_autoptr (Image) img = image_open (image_path, offset, error);
  sqfs_inode_generic_t *inode;
  sqfs_u64 size = 0;
  char *buf;
  sqfs_s32 n;

  if (img == NULL)
    return NULL;
  inode = resolve (img, path, TRUE, error);
  if (inode == NULL)
    return NULL;
  if (!is_file (inode))
    {
      sqfs_free (inode);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s: %s is not a regular file"), image_path, path);
      return NULL;
    }
  sqfs_inode_get_file_size (inode, &size);
  if (size > max_size || size > G_MAXINT32)
    {
      sqfs_free (inode);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s: %s is larger than %" PRIu64 " bytes"), image_path, path,
                   (guint64)max_size);
      return NULL;
    }
  buf = g_malloc (size + 1);
  n = size > 0 ? sqfs_data_reader_read (img->data, inode, 0, buf, (sqfs_u32)size) : 0;
  sqfs_free (inode);
  if (n < 0 || (sqfs_u64)n != size)
    {
      g_free (buf);
      return sqfs_fail (error, image_path, n < 0 ? n : SQFS_ERROR_CORRUPTED), NULL;
    }
  return g_bytes_new_take (buf, size);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  /* g_ptr_array_sort passes pointers to the elements. */
  return strcmp (*(char *const *)a, *(char *const *)b);
}

char **
wrappy_squashfs_list_dir (const char *image_path, guint64 offset, const char *path, GError **error)
{
  g_autoptr (Image) img = image_open (image_path, offset, error);
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  sqfs_inode_generic_t *inode;
  guint64 budget = DEFAULT_MAX_ENTRIES;

  if (img == NULL)
    return NULL;
  inode = resolve (img, path, TRUE, error);
  if (inode == NULL)
    return NULL;
  if (!is_dir (inode))
    {
      sqfs_free (inode);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("%s: %s is not a directory"),
                   image_path, path);
      return NULL;
    }
  entries = read_dir_entries (img, inode, &budget, error);
  sqfs_free (inode);
  if (entries == NULL)
    return NULL;
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (names, g_strdup (((Entry *)entries->pdata[i])->name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&names), FALSE);
}
