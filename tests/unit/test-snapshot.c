#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-manifest.h"
#include "wrappy-snapshot.h"
#include "wrappy-snapshot-private.h"
#include "wrappy-store.h"
#include "wrappy-test-utils.h"

#define ID "org.example.App"

static char *
path_in (WrappyTestDirs *dirs, const char *rel)
{
  return g_build_filename (dirs->root, rel, NULL);
}

static char *
read_text (const char *path)
{
  char *s = NULL;
  g_assert_true (g_file_get_contents (path, &s, NULL, NULL));
  return s;
}

static void
test_names (void)
{
  const char *good[] = { "a", "before-update", "v1.2_x", "A-9", NULL };
  const char *bad[] = { "", ".tmp-old", "-x", "a/b", "..", "a b", "é", NULL };
  g_autofree char *longest = g_strnfill (64, 'x');
  g_autofree char *too_long = g_strnfill (65, 'x');

  for (guint i = 0; good[i]; i++)
    g_assert_true (wrappy_snapshot_validate_name (good[i], NULL));
  for (guint i = 0; bad[i]; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (wrappy_snapshot_validate_name (bad[i], &error));
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
    }
  g_assert_true (wrappy_snapshot_validate_name (longest, NULL));
  g_assert_false (wrappy_snapshot_validate_name (too_long, NULL));
}

static void
make_socket (const char *path)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (strlen (path), <, sizeof sa.sun_path);
  strcpy (sa.sun_path, path);
  g_assert_cmpint (bind (fd, (struct sockaddr *)&sa, sizeof sa), ==, 0);
  close (fd);
}

static void
test_copy_semantics (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autofree char *src = path_in (dirs, "src"), *dst = path_in (dirs, "dst");
  g_autofree char *outside = path_in (dirs, "outside");
  g_autofree char *f = g_build_filename (src, "home/file", NULL);
  g_autofree char *x = g_build_filename (src, "home/tool", NULL);
  g_autofree char *hl = g_build_filename (src, "home/sub/hardlink", NULL);
  g_autofree char *sock = g_build_filename (src, "s", NULL);
  g_autofree char *target = NULL, *text = NULL;
  g_autoptr (GError) error = NULL;
  WrappyCopyStats stats = { 0 };
  struct stat a, b;
  struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
  int sfd, dfd;
  char buf[PATH_MAX];
  ssize_t n;

  wrappy_test_write_file (outside, "host secret");
  wrappy_test_write_file (f, "data");
  wrappy_test_write_file (x, "#!/bin/sh");
  g_assert_cmpint (g_mkdir_with_parents (dst, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (g_build_filename (src, "home/sub", NULL), 0750), ==, 0);
  g_assert_cmpint (chmod (f, 0640), ==, 0);
  g_assert_cmpint (chmod (x, 04755), ==, 0);
  g_assert_cmpint (utimensat (AT_FDCWD, f, old, 0), ==, 0);
  g_assert_cmpint (link (f, hl), ==, 0);
  g_assert_cmpint (symlink (outside, g_build_filename (src, "home/out-link", NULL)), ==, 0);
  g_assert_cmpint (symlink (dirs->root, g_build_filename (src, "home/out-dir", NULL)), ==, 0);
  g_assert_cmpint (symlink ("file", g_build_filename (src, "home/rel-link", NULL)), ==, 0);
  g_assert_cmpint (mkfifo (g_build_filename (src, "home/fifo", NULL), 0600), ==, 0);
  make_socket (sock);
  g_assert_cmpint (g_mkdir_with_parents (g_build_filename (src, "snapshots/old", NULL), 0700), ==,
                   0);

  sfd = open (src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  dfd = open (dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  {
    const char *const skip[] = { "snapshots", NULL };
    g_assert_true (wrappy_snapshot_copy_tree (sfd, dfd, skip, &stats, &error));
  }
  g_assert_no_error (error);
  close (sfd);
  close (dfd);

  /* Links stay links, pointing where they pointed; never followed. */
  n = readlink (g_build_filename (dst, "home/out-link", NULL), buf, sizeof buf - 1);
  g_assert_cmpint (n, >, 0);
  target = g_strndup (buf, n);
  g_assert_cmpstr (target, ==, outside);
  g_assert_cmpint (lstat (g_build_filename (dst, "home/out-dir", NULL), &a), ==, 0);
  g_assert_true (S_ISLNK (a.st_mode));
  g_assert_cmpint (lstat (g_build_filename (dst, "home/rel-link", NULL), &a), ==, 0);
  g_assert_true (S_ISLNK (a.st_mode));
  text = read_text (g_build_filename (dst, "home/file", NULL));
  g_assert_cmpstr (text, ==, "data");
  /* Modes and mtimes kept; set-id bits dropped. */
  g_assert_cmpint (stat (g_build_filename (dst, "home/file", NULL), &a), ==, 0);
  g_assert_cmpint (a.st_mode & 07777, ==, 0640);
  g_assert_cmpint (a.st_mtim.tv_sec, ==, 1000000000);
  g_assert_cmpint (stat (g_build_filename (dst, "home/tool", NULL), &a), ==, 0);
  g_assert_cmpint (a.st_mode & 07777, ==, 0755);
  g_assert_cmpint (stat (g_build_filename (dst, "home/sub", NULL), &a), ==, 0);
  g_assert_cmpint (a.st_mode & 07777, ==, 0750);
  /* Hard links within the tree stay one file. */
  g_assert_cmpint (stat (g_build_filename (dst, "home/file", NULL), &a), ==, 0);
  g_assert_cmpint (stat (g_build_filename (dst, "home/sub/hardlink", NULL), &b), ==, 0);
  g_assert_cmpuint (a.st_ino, ==, b.st_ino);
  g_assert_cmpint (lstat (g_build_filename (dst, "home/fifo", NULL), &a), ==, 0);
  g_assert_true (S_ISFIFO (a.st_mode));
  /* Sockets are skipped, and so is what the caller left out. */
  g_assert_false (g_file_test (g_build_filename (dst, "s", NULL), G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (g_build_filename (dst, "snapshots", NULL), G_FILE_TEST_EXISTS));
  g_assert_cmpuint (stats.skipped, ==, 1);
  g_assert_cmpuint (stats.cloned + stats.copied, ==, 2);
  g_assert_nonnull (strstr ("reflink copy", wrappy_copy_stats_method (&stats)));
}

/* An installed app whose layers exist in the store, at version `version`. */
static WrappyManifest *
install_fake (const char *id, const char *version, const char *commit)
{
  WrappyManifest *m = wrappy_manifest_new (id);
  g_autofree char *app = g_strdup_printf ("layers/app/%s/x86_64/stable/%s/files", id, commit);
  g_autofree char *ref = g_strdup_printf ("app/%s/x86_64/stable", id);
  const char *base = "layers/runtime/org.example.Platform/x86_64/1/aaaa/files";
  g_autofree char *p1 = g_build_filename (wrappy_dirs_data (), app, NULL);
  g_autofree char *p2 = g_build_filename (wrappy_dirs_data (), base, NULL);

  m->version = g_strdup (version);
  m->command = g_strdup ("app");
  wrappy_manifest_add_layer (m, "base", "org.example.Platform",
                             "runtime/org.example.Platform/x86_64/1", "aaaa", base, "/usr");
  wrappy_manifest_add_layer (m, "app", id, ref, commit, app, "/app");
  g_assert_cmpint (g_mkdir_with_parents (p1, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (p2, 0755), ==, 0);
  g_assert_true (wrappy_manifest_save (m, NULL));
  return m;
}

static void
write_state (const char *id, const char *rel, const char *text)
{
  g_autofree char *state = wrappy_dirs_app_state (id);
  g_autofree char *p = g_build_filename (state, rel, NULL);
  wrappy_test_write_file (p, text);
}

static char *
read_state (const char *id, const char *rel)
{
  g_autofree char *state = wrappy_dirs_app_state (id);
  g_autofree char *p = g_build_filename (state, rel, NULL);
  char *s = NULL;
  return g_file_get_contents (p, &s, NULL, NULL) ? s : NULL;
}

static void
test_create_list_prune (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (WrappyManifest) m = install_fake (ID, "1.0", "c1");
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappySnapshotInfo) named = NULL;

  write_state (ID, "home/a", "one");
  write_state (ID, "work/junk", "overlay scratch");
  named = wrappy_snapshot_create (m, "mine", "by hand", FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (named->version, ==, "1.0");
  g_assert_false (named->automatic);
  g_assert_null (wrappy_snapshot_create (m, "mine", NULL, FALSE, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_null (wrappy_snapshot_create (m, "auto-mine", NULL, FALSE, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
  g_clear_error (&error);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (WrappySnapshotInfo) a
          = wrappy_snapshot_create (m, NULL, "before update", TRUE, &error);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (a->name, "auto-"));
    }
  list = wrappy_snapshot_list (ID, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 5);
  g_assert_cmpstr (((WrappySnapshotInfo *)list->pdata[0])->name, ==, "mine");
  /* Never overlay's work dir, never the snapshots themselves. */
  {
    g_autofree char *state = wrappy_dirs_app_state (ID);
    g_autofree char *w = g_build_filename (state, "snapshots/mine/data/work", NULL);
    g_autofree char *a = g_build_filename (state, "snapshots/mine/data/home/a", NULL);
    g_autofree char *s = g_build_filename (state, "snapshots/mine/data/snapshots", NULL);
    g_assert_false (g_file_test (w, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (s, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (a, G_FILE_TEST_IS_REGULAR));
  }

  g_assert_true (wrappy_snapshot_prune_auto (ID, 2, &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = wrappy_snapshot_list (ID, &error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (((WrappySnapshotInfo *)list->pdata[0])->name, ==, "mine");
  g_assert_true (((WrappySnapshotInfo *)list->pdata[1])->automatic);
  g_assert_true (((WrappySnapshotInfo *)list->pdata[2])->automatic);
  /* The two kept are the newest: the -3 and -4 of this second (or later seconds). */
  g_assert_true (wrappy_snapshot_prune_auto (ID, 0, &error));
  g_clear_pointer (&list, g_ptr_array_unref);
  list = wrappy_snapshot_list (ID, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (wrappy_snapshot_delete (ID, "mine", &error));
  g_assert_false (wrappy_snapshot_delete (ID, "mine", &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND);
}

static void
test_pinned_manifests (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (WrappyManifest) m = install_fake (ID, "1.0", "c1");
  g_autoptr (WrappyManifest) gone = install_fake ("org.example.Gone", "3", "g1");
  g_autoptr (WrappySnapshotInfo) s1 = NULL, s2 = NULL, s3 = NULL;
  g_autoptr (WrappyManifest) m2 = NULL;
  g_autoptr (GPtrArray) pinned = NULL;
  g_autoptr (GError) error = NULL;
  gboolean saw_c1 = FALSE, saw_c2 = FALSE, saw_gone = FALSE;

  s1 = wrappy_snapshot_create (m, "v1", NULL, FALSE, &error);
  g_assert_no_error (error);
  m2 = install_fake (ID, "2.0", "c2");
  s2 = wrappy_snapshot_create (m2, NULL, NULL, TRUE, &error);
  s3 = wrappy_snapshot_create (gone, "kept", NULL, FALSE, &error);
  g_assert_no_error (error);
  /* An uninstalled app's snapshots (kept with its data) pin their layers too: rollback
   * installs the app again from them (issue 19). */
  g_assert_true (wrappy_manifest_delete ("org.example.Gone", NULL));

  pinned = wrappy_snapshot_pinned_manifests (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (pinned->len, ==, 3);
  for (guint i = 0; i < pinned->len; i++)
    {
      WrappyManifest *p = pinned->pdata[i];
      const char *c = wrappy_manifest_get_layer (p, "app")->commit;
      if (strcmp (p->id, "org.example.Gone") == 0)
        {
          g_assert_cmpstr (c, ==, "g1");
          saw_gone = TRUE;
          continue;
        }
      g_assert_cmpstr (p->id, ==, ID);
      saw_c1 |= strcmp (c, "c1") == 0;
      saw_c2 |= strcmp (c, "c2") == 0;
    }
  g_assert_true (saw_c1 && saw_c2 && saw_gone);
}

static void
test_rollback (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (WrappyManifest) m = install_fake (ID, "1.0", "c1");
  g_autoptr (WrappyManifest) m2 = NULL, now = NULL;
  g_autoptr (WrappySnapshotInfo) s = NULL;
  g_autoptr (WrappyStore) store = wrappy_store_open (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL;

  g_assert_true (wrappy_store_lock (store, &error));
  write_state (ID, "home/a", "one");
  s = wrappy_snapshot_create (m, "v1", NULL, FALSE, &error);
  g_assert_no_error (error);
  m2 = install_fake (ID, "2.0", "c2");
  write_state (ID, "home/a", "two");
  write_state (ID, "home/b", "new file");
  write_state (ID, "upper/usr/x", "layer write");

  g_assert_false (wrappy_snapshot_rollback (store, ID, "nope", &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (wrappy_snapshot_rollback (store, ID, "v1", &error));
  g_assert_no_error (error);
  a = read_state (ID, "home/a");
  g_assert_cmpstr (a, ==, "one");
  g_assert_null (read_state (ID, "home/b"));
  g_assert_null (read_state (ID, "upper/usr/x"));
  now = wrappy_manifest_load (ID, &error);
  g_assert_cmpstr (now->version, ==, "1.0");
  g_assert_cmpstr (now->id, ==, ID);

  /* Its layer gone: the data comes back, the manifest stays. */
  {
    g_autofree char *layer
        = g_build_filename (wrappy_dirs_data (), "layers/app", ID, "x86_64/stable/c1", NULL);
    g_autoptr (WrappyManifest) after = NULL;
    g_assert_true (wrappy_manifest_save (m2, NULL));
    write_state (ID, "home/a", "three");
    g_assert_true (wrappy_rm_rf_at (AT_FDCWD, layer, NULL));
    g_assert_true (wrappy_snapshot_rollback (store, ID, "v1", &error));
    g_assert_no_error (error);
    b = read_state (ID, "home/a");
    g_assert_cmpstr (b, ==, "one");
    after = wrappy_manifest_load (ID, NULL);
    g_assert_cmpstr (after->version, ==, "2.0");
  }
}

/* A swap cut after its commit point is finished by the next command. */
static void
test_recover_interrupted_swap (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (WrappyManifest) m = install_fake (ID, "1.0", "c1");
  g_autofree char *state = wrappy_dirs_app_state (ID);
  g_autofree char *snaps = g_build_filename (state, "snapshots", NULL);
  g_autofree char *a = NULL, *old_left = NULL;
  g_autoptr (GError) error = NULL;

  /* Phase two: the live home already moved out, the restored one half moved in. */
  write_state (ID, "snapshots/.tmp-old/home/a", "old");
  write_state (ID, "snapshots/.tmp-new/home/a", "restored");
  write_state (ID, "snapshots/.tmp-new/upper/f", "restored");
  write_state (ID, "snapshots/.tmp-v9-1234/data/junk", "half a snapshot");
  g_assert_true (wrappy_snapshot_recover (ID, &error));
  g_assert_no_error (error);
  a = read_state (ID, "home/a");
  g_assert_cmpstr (a, ==, "restored");
  g_assert_nonnull ((old_left = read_state (ID, "upper/f")));
  {
    g_autoptr (GDir) d = g_dir_open (snaps, 0, NULL);
    g_assert_null (g_dir_read_name (d));
  }

  /* Before the commit point: the copy is dropped, the live state stays. */
  write_state (ID, "snapshots/.tmp-restore/home/a", "never");
  g_assert_true (wrappy_snapshot_recover (ID, &error));
  g_clear_pointer (&a, g_free);
  a = read_state (ID, "home/a");
  g_assert_cmpstr (a, ==, "restored");
  g_assert_null (read_state (ID, "snapshots/.tmp-restore/home/a"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/snapshot/names", test_names);
  g_test_add_func ("/snapshot/copy-semantics", test_copy_semantics);
  g_test_add_func ("/snapshot/create-list-prune", test_create_list_prune);
  g_test_add_func ("/snapshot/pinned-manifests", test_pinned_manifests);
  g_test_add_func ("/snapshot/rollback", test_rollback);
  g_test_add_func ("/snapshot/recover", test_recover_interrupted_swap);
  return g_test_run ();
}
