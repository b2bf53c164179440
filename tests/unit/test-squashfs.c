/* Safe squashfs extraction (wrappy-squashfs.c) on images mksquashfs builds at test time,
 * some of them patched into hostile ones, and importing the result into the store. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-error.h"
#include "wrappy-squashfs.h"
#include "wrappy-store.h"
#include "wrappy-test-utils.h"

static gboolean
have_mksquashfs (void)
{
  g_autofree char *p = g_find_program_in_path ("mksquashfs");
  if (p == NULL)
    g_test_skip ("mksquashfs is not installed");
  return p != NULL;
}

static char *
path_in (const char *dir, const char *name)
{
  return g_build_filename (dir, name, NULL);
}

/* Builds `image` from `src`; uncompressed metadata makes names patchable. */
static void
mksquashfs (const char *src, const char *image, gboolean uncompressed)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  gint status = 0;

  g_ptr_array_add (argv, "mksquashfs");
  g_ptr_array_add (argv, (char *)src);
  g_ptr_array_add (argv, (char *)image);
  g_ptr_array_add (argv, "-noappend");
  g_ptr_array_add (argv, "-quiet");
  g_ptr_array_add (argv, "-no-progress");
  g_ptr_array_add (argv, "-all-root");
  g_ptr_array_add (argv, "-no-xattrs");
  if (uncompressed)
    {
      g_ptr_array_add (argv, "-noI");
      g_ptr_array_add (argv, "-noD");
      g_ptr_array_add (argv, "-noF");
      g_ptr_array_add (argv, "-noX");
    }
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **)argv->pdata, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               &err, &status, NULL));
  if (status != 0)
    g_error ("mksquashfs failed: %s", err);
}

/* The normal tree: files, an executable, symlinks that point out of the tree. */
static char *
make_tree (const char *root)
{
  g_autofree char *src = path_in (root, "src");
  g_autofree char *f = NULL;

  f = path_in (src, "dir/file.txt");
  wrappy_test_write_file (f, "hello\n");
  g_free (f);
  f = path_in (src, "AppRun");
  wrappy_test_write_file (f, "#!/bin/sh\necho run\n");
  g_assert_cmpint (chmod (f, 04755), ==, 0);
  g_free (f);
  f = path_in (src, "passwd-link");
  g_assert_cmpint (symlink ("/etc/passwd", f), ==, 0);
  g_free (f);
  f = path_in (src, "dir/up-link");
  g_assert_cmpint (symlink ("../../x", f), ==, 0);
  g_free (f);
  f = path_in (src, "file-link");
  g_assert_cmpint (symlink ("dir/file.txt", f), ==, 0);
  g_free (f);
  f = path_in (src, "empty");
  g_assert_cmpint (g_mkdir_with_parents (f, 0700), ==, 0);
  return g_steal_pointer (&src);
}

static char *
make_image (const char *root, gboolean uncompressed)
{
  g_autofree char *src = make_tree (root);
  char *image = path_in (root, "image.sqfs");
  mksquashfs (src, image, uncompressed);
  return image;
}

static void
assert_link (const char *dir, const char *name, const char *target)
{
  g_autofree char *p = path_in (dir, name);
  g_autofree char *t = g_file_read_link (p, NULL);
  g_assert_cmpstr (t, ==, target);
}

static void
test_extract_normal (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autofree char *image = NULL;
  g_autofree char *dest = path_in (d->root, "out");
  g_autofree char *f = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  struct stat st;

  if (!have_mksquashfs ())
    return;
  image = make_image (d->root, FALSE);
  g_assert_true (wrappy_squashfs_extract (image, 0, dest, NULL, NULL, &error));
  g_assert_no_error (error);
  f = path_in (dest, "dir/file.txt");
  g_assert_true (g_file_get_contents (f, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "hello\n");
  g_free (f);
  f = path_in (dest, "AppRun");
  g_assert_cmpint (lstat (f, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0755); /* setuid dropped */
  /* Symlinks recreated as they are, not followed. */
  assert_link (dest, "passwd-link", "/etc/passwd");
  assert_link (dest, "dir/up-link", "../../x");
  assert_link (dest, "file-link", "dir/file.txt");
  g_free (f);
  f = path_in (dest, "empty");
  g_assert_true (g_file_test (f, G_FILE_TEST_IS_DIR));
  /* The target must not exist yet. */
  g_assert_false (wrappy_squashfs_extract (image, 0, dest, NULL, NULL, &error));
  g_assert_nonnull (error);
}

static void
test_extract_offset (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autofree char *image = NULL;
  g_autofree char *data = NULL;
  g_autofree char *bigger = path_in (d->root, "prefixed");
  g_autofree char *dest = path_in (d->root, "out");
  g_autofree char *f = NULL;
  g_autoptr (GError) error = NULL;
  GString *buf = g_string_new (NULL);
  gsize len;

  if (!have_mksquashfs ())
    {
      g_string_free (buf, TRUE);
      return;
    }
  image = make_image (d->root, FALSE);
  g_assert_true (g_file_get_contents (image, &data, &len, NULL));
  for (guint i = 0; i < 12345; i++)
    g_string_append_c (buf, (char)(i * 7));
  g_string_append_len (buf, data, len);
  g_string_append (buf, "trailing bytes after the image");
  g_assert_true (g_file_set_contents (bigger, buf->str, buf->len, NULL));
  g_string_free (buf, TRUE);

  /* At offset 0 there is no image. */
  g_assert_false (wrappy_squashfs_extract (bigger, 0, dest, NULL, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, bigger));
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  /* Past the end. */
  g_assert_false (wrappy_squashfs_extract (bigger, 1 << 30, dest, NULL, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_assert_true (wrappy_squashfs_extract (bigger, 12345, dest, NULL, NULL, &error));
  g_assert_no_error (error);
  f = path_in (dest, "dir/file.txt");
  g_assert_true (g_file_test (f, G_FILE_TEST_IS_REGULAR));
}

static void
assert_nothing_left (const char *root)
{
  g_autoptr (GDir) dir = g_dir_open (root, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_false (g_str_has_prefix (name, ".tmp-"));
      g_assert_cmpstr (name, !=, "out");
    }
}

static void
test_extract_truncated (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autofree char *image = NULL;
  g_autofree char *dest = path_in (d->root, "out");
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  guint64 used;

  if (!have_mksquashfs ())
    return;
  image = make_image (d->root, FALSE);
  /* mksquashfs pads to 4 KiB: cut inside the image itself (bytes_used, at 40). */
  g_assert_true (g_file_get_contents (image, &data, NULL, NULL));
  memcpy (&used, data + 40, sizeof used);
  used = GUINT64_FROM_LE (used);
  g_assert_cmpint (truncate (image, used - 1), ==, 0);
  g_assert_false (wrappy_squashfs_extract (image, 0, dest, NULL, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_assert_nonnull (strstr (error->message, image));
  assert_nothing_left (d->root);

  g_clear_error (&error);
  g_assert_cmpint (truncate (image, 20), ==, 0);
  g_assert_false (wrappy_squashfs_extract (image, 0, dest, NULL, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_assert_null (wrappy_squashfs_read_file (image, 0, "dir/file.txt", 100, NULL));
  assert_nothing_left (d->root);
}

/* A superblock whose fragment count would make libsquashfs allocate 32 GiB for the
 * table (found by fuzz-squashfs) is refused before the table is read. */
static void
test_fragment_table_too_large (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autofree char *image = NULL;
  g_autofree char *dest = path_in (d->root, "out");
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;
  guint32 count = GUINT32_TO_LE (0x80000001);

  if (!have_mksquashfs ())
    return;
  image = make_image (d->root, FALSE);
  g_assert_true (g_file_get_contents (image, &data, &len, NULL));
  memcpy (data + 16, &count, sizeof count); /* fragment_entry_count */
  g_assert_true (g_file_set_contents (image, data, len, NULL));
  g_assert_false (wrappy_squashfs_extract (image, 0, dest, NULL, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "fragment table"));
  g_assert_null (wrappy_squashfs_read_file (image, 0, "dir/file.txt", 100, NULL));
  assert_nothing_left (d->root);
}

static void
test_extract_limits (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autofree char *image = NULL;
  g_autofree char *dest = path_in (d->root, "out");
  g_autoptr (GError) error = NULL;
  WrappySquashfsLimits small_size = { .max_total_bytes = 10 };
  WrappySquashfsLimits few_entries = { .max_entries = 3 };

  if (!have_mksquashfs ())
    return;
  image = make_image (d->root, FALSE);
  g_assert_false (wrappy_squashfs_extract (image, 0, dest, &small_size, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "size limit"));
  assert_nothing_left (d->root);
  g_clear_error (&error);
  g_assert_false (wrappy_squashfs_extract (image, 0, dest, &few_entries, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  assert_nothing_left (d->root);
}

/* Replaces the only occurrence of `from` in the file by `to` (same length). */
static void
patch_name (const char *image, const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize len, n = strlen (from), hits = 0;
  char *at = NULL;

  g_assert_cmpuint (strlen (to), ==, n);
  g_assert_true (g_file_get_contents (image, &data, &len, NULL));
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, from, n) == 0)
      {
        hits++;
        at = data + i;
      }
  g_assert_cmpuint (hits, ==, 1);
  memcpy (at, to, n);
  g_assert_true (g_file_set_contents (image, data, len, NULL));
}

static void
test_extract_dotdot_name (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autofree char *src = path_in (d->root, "src");
  g_autofree char *image = path_in (d->root, "image.sqfs");
  g_autofree char *dest = path_in (d->root, "out");
  g_autofree char *f = NULL;
  g_autoptr (GError) error = NULL;

  if (!have_mksquashfs ())
    return;
  f = path_in (src, "Qz/victim-file");
  wrappy_test_write_file (f, "pwned\n");
  mksquashfs (src, image, TRUE);
  patch_name (image, "Qz", "..");
  g_assert_false (wrappy_squashfs_extract (image, 0, dest, NULL, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_assert_null (strchr (error->message, '\n'));
  g_free (f);
  f = path_in (d->root, "victim-file");
  g_assert_false (g_file_test (f, G_FILE_TEST_EXISTS));
  assert_nothing_left (d->root);
}

/* An image with a symlink "esc1" to a directory outside and a directory also named
 * "esc1" holding a file: extracting the file must not go through the link. */
static void
test_extract_through_symlinked_dir (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autofree char *src = path_in (d->root, "src");
  g_autofree char *outside = path_in (d->root, "outside");
  g_autofree char *image = path_in (d->root, "image.sqfs");
  g_autofree char *dest = path_in (d->root, "out");
  g_autofree char *f = NULL;
  g_autoptr (GError) error = NULL;

  if (!have_mksquashfs ())
    return;
  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  f = path_in (src, "esc2/escaped");
  wrappy_test_write_file (f, "pwned\n");
  g_free (f);
  f = path_in (src, "esc1");
  g_assert_cmpint (symlink (outside, f), ==, 0);
  mksquashfs (src, image, TRUE);
  patch_name (image, "esc2", "esc1");
  g_assert_false (wrappy_squashfs_extract (image, 0, dest, NULL, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_free (f);
  f = path_in (outside, "escaped");
  g_assert_false (g_file_test (f, G_FILE_TEST_EXISTS));
  assert_nothing_left (d->root);
}

static void
test_read_file_and_list (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autofree char *image = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_auto (GStrv) names = NULL;
  g_auto (GStrv) sub = NULL;

  if (!have_mksquashfs ())
    return;
  image = make_image (d->root, FALSE);

  bytes = wrappy_squashfs_read_file (image, 0, "dir/file.txt", 100, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "hello\n", 6);
  g_clear_pointer (&bytes, g_bytes_unref);
  /* Through a symlink that stays inside. */
  bytes = wrappy_squashfs_read_file (image, 0, "file-link", 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 6);
  g_clear_pointer (&bytes, g_bytes_unref);
  /* Symlinks that leave the image are not followed. */
  g_assert_null (wrappy_squashfs_read_file (image, 0, "passwd-link", 100000, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (wrappy_squashfs_read_file (image, 0, "dir/up-link", 100000, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (wrappy_squashfs_read_file (image, 0, "../etc/passwd", 100000, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_clear_error (&error);
  /* Too big, missing, a directory. */
  g_assert_null (wrappy_squashfs_read_file (image, 0, "dir/file.txt", 3, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (wrappy_squashfs_read_file (image, 0, "nope", 3, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (wrappy_squashfs_read_file (image, 0, "dir", 3, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_clear_error (&error);

  names = wrappy_squashfs_list_dir (image, 0, "", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 5);
  g_assert_cmpstr (names[0], ==, "AppRun");
  g_assert_cmpstr (names[1], ==, "dir");
  g_assert_cmpstr (names[2], ==, "empty");
  g_assert_cmpstr (names[3], ==, "file-link");
  g_assert_cmpstr (names[4], ==, "passwd-link");
  sub = wrappy_squashfs_list_dir (image, 0, "dir", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (sub), ==, 2);
  g_assert_null (wrappy_squashfs_list_dir (image, 0, "AppRun", &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
}

static void
test_import_tree (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autoptr (WrappyStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *image = NULL;
  g_autofree char *dest = path_in (d->root, "out");
  g_autofree char *commit = NULL;
  g_autofree char *commit2 = NULL;
  g_autofree char *files = NULL;
  g_autofree char *abs = NULL;
  g_autofree char *f = NULL;
  const char *ref = "appimage/org.example.Tool/x86_64/0123abcd";

  if (!have_mksquashfs ())
    return;
  image = make_image (d->root, FALSE);
  g_assert_true (wrappy_squashfs_extract (image, 0, dest, NULL, NULL, &error));
  store = wrappy_store_open (&error);
  g_assert_no_error (error);
  g_assert_true (wrappy_store_import_tree (store, ref, dest, "test", &commit, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (commit), ==, 64);
  /* Same tree, same commit. */
  g_assert_true (wrappy_store_import_tree (store, ref, dest, "test", &commit2, NULL, &error));
  g_assert_cmpstr (commit, ==, commit2);

  files = wrappy_store_checkout_layer (store, ref, commit, NULL, &error);
  g_assert_no_error (error);
  abs = g_build_filename (store->path, files, NULL);
  f = path_in (abs, "dir/file.txt");
  g_assert_true (g_file_test (f, G_FILE_TEST_IS_REGULAR));
  assert_link (abs, "passwd-link", "/etc/passwd");
  g_assert_true (g_file_test (abs, G_FILE_TEST_IS_DIR));

  /* Refs of other kinds, and bad ones. */
  g_assert_true (wrappy_store_import_tree (store, "snap/hello-world/x86_64/29", dest, "s", NULL,
                                           NULL, &error));
  g_assert_no_error (error);
  g_assert_false (
      wrappy_store_import_tree (store, "appimage/../x86_64/1", dest, "s", NULL, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
  g_clear_error (&error);
  g_assert_false (
      wrappy_store_import_tree (store, "snap/../x86_64/1", dest, "s", NULL, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/squashfs/extract/normal", test_extract_normal);
  g_test_add_func ("/squashfs/extract/offset", test_extract_offset);
  g_test_add_func ("/squashfs/extract/truncated", test_extract_truncated);
  g_test_add_func ("/squashfs/extract/limits", test_extract_limits);
  g_test_add_func ("/squashfs/extract/fragment-table", test_fragment_table_too_large);
  g_test_add_func ("/squashfs/extract/dotdot-name", test_extract_dotdot_name);
  g_test_add_func ("/squashfs/extract/through-symlinked-dir", test_extract_through_symlinked_dir);
  g_test_add_func ("/squashfs/read-file-and-list", test_read_file_and_list);
  g_test_add_func ("/squashfs/import-tree", test_import_tree);
  return g_test_run ();
}
