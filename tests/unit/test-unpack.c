/* The parent's side of unpacking in a child (wrappy-unpack.c): the limits it sets and how
 * it turns the child's end (its status, its stderr, the wall clock) into one error; and
 * the child's confinement, tried from a subprocess as a child a crafted image took over
 * would. The child itself runs in tests/integration/test-unpack.sh. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-unpack.h"

#define IMAGE "/tmp/x.AppImage"

/* A wait status as waitpid gives it. */
static int
exited (int code)
{
  return (code & 0xff) << 8;
}

static int
killed (int sig)
{
  return sig & 0x7f;
}

static void
test_limits (void)
{
  WrappyUnpackLimits l;

  g_unsetenv ("WRAPPY_UNPACK_TIME_LIMIT");
  wrappy_unpack_limits_for (20 * 1024, &l);
  g_assert_cmpuint (l.address_space, ==, G_GUINT64_CONSTANT (2) << 30);
  g_assert_cmpuint (l.cpu_seconds, ==, 60);
  g_assert_cmpuint (l.wall_seconds, ==, 120);
  /* A second of CPU per MiB of image on top. */
  wrappy_unpack_limits_for (G_GUINT64_CONSTANT (300) << 20, &l);
  g_assert_cmpuint (l.cpu_seconds, ==, 360);
  g_assert_cmpuint (l.wall_seconds, ==, 720);
  g_setenv ("WRAPPY_UNPACK_TIME_LIMIT", "3", TRUE);
  wrappy_unpack_limits_for (G_GUINT64_CONSTANT (300) << 20, &l);
  g_assert_cmpuint (l.cpu_seconds, ==, 3);
  g_assert_cmpuint (l.wall_seconds, ==, 3);
  /* Not a number of seconds: ignored. */
  g_setenv ("WRAPPY_UNPACK_TIME_LIMIT", "0", TRUE);
  wrappy_unpack_limits_for (0, &l);
  g_assert_cmpuint (l.cpu_seconds, ==, 60);
  g_setenv ("WRAPPY_UNPACK_TIME_LIMIT", "soon", TRUE);
  wrappy_unpack_limits_for (0, &l);
  g_assert_cmpuint (l.cpu_seconds, ==, 60);
  g_unsetenv ("WRAPPY_UNPACK_TIME_LIMIT");
}

static void
test_status_errors (void)
{
  WrappyUnpackLimits l;
  g_autoptr (GError) e = NULL;
  g_autofree char *line = NULL;

  wrappy_unpack_limits_for (0, &l);
  g_assert_null (wrappy_unpack_status_error (IMAGE, exited (0), FALSE, "", &l));

  /* The wall clock, RLIMIT_CPU's SIGXCPU: too slow, with what to do. */
  e = wrappy_unpack_status_error (IMAGE, killed (SIGKILL), TRUE, "", &l);
  g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_assert_true (g_str_has_prefix (e->message, IMAGE ": cannot unpack the image: it took longer "
                                                     "than 60 seconds"));
  g_assert_nonnull (strstr (e->message, "WRAPPY_UNPACK_TIME_LIMIT"));
  g_clear_error (&e);
  e = wrappy_unpack_status_error (IMAGE, killed (SIGXCPU), FALSE, "", &l);
  g_assert_nonnull (strstr (e->message, "took longer than 60 seconds"));
  g_clear_error (&e);

  /* RLIMIT_AS: the child's own report, its exit status, or g_malloc's abort. */
  e = wrappy_unpack_status_error (
      IMAGE, exited (WRAPPY_UNPACK_EXIT_NO_MEMORY), FALSE,
      "wrappy-unpack-error\twrappy-error-quark\t12\t" IMAGE ": out of memory\n", &l);
  g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_assert_cmpstr (e->message, ==,
                   IMAGE ": cannot unpack the image: it needs more memory than an image of its "
                         "size should (over 2048 MiB); the file is damaged or crafted");
  g_clear_error (&e);
  e = wrappy_unpack_status_error (
      IMAGE, killed (SIGABRT), FALSE,
      "(process:1): GLib-ERROR **: 10:00:00: failed to allocate 4294967296 bytes\n", &l);
  g_assert_nonnull (strstr (e->message, "needs more memory"));
  g_clear_error (&e);

  /* Any other crash. */
  e = wrappy_unpack_status_error (IMAGE, killed (SIGSEGV), FALSE, "", &l);
  g_assert_nonnull (strstr (e->message, "killed by signal 11"));
  g_clear_error (&e);

  /* The extractor's own error comes back as it was, domain and code included. */
  e = wrappy_unpack_status_error (IMAGE, exited (1), FALSE,
                                  "some warning\nwrappy-unpack-error\t"
                                  "g-file-error-quark\t12\tlayers/x: No space left on device\n",
                                  &l);
  g_assert_error (e, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
  g_assert_cmpstr (e->message, ==, "layers/x: No space left on device");
  g_clear_error (&e);
  line = g_strdup_printf ("wrappy-unpack-error\t%s\t7\t" IMAGE
                          ": not a valid squashfs image: no squashfs magic\n",
                          g_quark_to_string (WRAPPY_ERROR));
  e = wrappy_unpack_status_error (IMAGE, exited (1), FALSE, line, &l);
  g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_clear_error (&e);

  /* An unknown domain is not trusted with its code; control characters (a terminal's
   * escapes) and bad UTF-8 never reach the user. */
  e = wrappy_unpack_status_error (IMAGE, exited (1), FALSE,
                                  "wrappy-unpack-error\tevil-quark\t4\tab\033[2Jcd\xff\n", &l);
  g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_FAILED);
  g_assert_null (strchr (e->message, '\033'));
  g_assert_true (g_utf8_validate (e->message, -1, NULL));
  g_clear_error (&e);

  /* No report: the last line said, or the status. */
  e = wrappy_unpack_status_error (IMAGE, exited (127), FALSE, "first\nexec failed\n\n", &l);
  g_assert_cmpstr (e->message, ==, IMAGE ": cannot unpack the image: exec failed");
  g_clear_error (&e);
  e = wrappy_unpack_status_error (IMAGE, exited (127), FALSE, "", &l);
  g_assert_nonnull (strstr (e->message, "status 127"));
}

static void
test_child_report (void)
{
  g_autoptr (GError) e = g_error_new_literal (WRAPPY_ERROR, WRAPPY_ERROR_NO_MEMORY, "x");
  g_autoptr (GError) f = g_error_new_literal (WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, "y");

  if (g_test_subprocess ())
    {
      g_assert_cmpint (wrappy_unpack_child_report (e), ==, WRAPPY_UNPACK_EXIT_NO_MEMORY);
      g_assert_cmpint (wrappy_unpack_child_report (f), ==, 1);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("wrappy-unpack-error\t*\t12\tx\nwrappy-unpack-error\t*\t7\ty\n");
}

/* What a child a crafted image took over would try, after wrappy_unpack_confine. Each
 * failed expectation is a line on stdout. */
static void
probe (const char *what, gboolean ok)
{
  if (!ok)
    g_print ("%s (%s)\n", what, g_strerror (errno));
}

static gboolean
opens (const char *path, int flags)
{
  int fd = open (path, flags | O_CLOEXEC, 0600);
  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

static gboolean
denied (gboolean succeeded, int want_errno)
{
  return !succeeded && errno == want_errno;
}

static void
test_confine (void)
{
  const char *base = g_getenv ("TEST_UNPACK_BASE");

  if (g_test_subprocess ())
    {
      g_autofree char *image = g_build_filename (base, "image", NULL);
      g_autofree char *dest = g_build_filename (base, "staging", "tree", NULL);
      g_autofree char *inside = g_build_filename (dest, "file", NULL);
      g_autofree char *moved = g_build_filename (base, "staging", "moved", NULL);
      g_autofree char *secret = g_build_filename (base, "outside", "secret", NULL);
      g_autofree char *planted = g_build_filename (base, "outside", "planted", NULL);
      g_autoptr (GError) error = NULL;
      gboolean landlock
          = syscall (__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) >= 1;
      char c = 'x';

      g_assert_cmpint (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), ==, 0);
      g_assert_true (wrappy_unpack_confine (image, dest, &error));
      g_assert_no_error (error);

      /* What unpacking needs. */
      probe ("read the image", opens (image, O_RDONLY));
      probe ("mkdir dest", mkdir (dest, 0700) == 0);
      probe ("create below dest", opens (inside, O_WRONLY | O_CREAT | O_EXCL));
      probe ("rename in staging", rename (dest, moved) == 0);
      probe ("read a system file", opens ("/etc/passwd", O_RDONLY));
      probe ("read /proc/self", opens ("/proc/self/status", O_RDONLY));
      probe ("signal itself", kill (getpid (), 0) == 0);
      /* What it must not do. */
      probe ("socket", denied (socket (AF_UNIX, SOCK_STREAM, 0) >= 0, EPERM));
      probe ("fork", denied (fork () >= 0, EPERM));
      probe ("signal its parent", denied (kill (getppid (), 0) == 0, EPERM));
      probe ("signal every process", denied (kill (-1, 0) == 0, EPERM));
      probe ("tgkill another",
             denied (syscall (SYS_tgkill, getppid (), getppid (), 0) == 0, EPERM));
      probe ("TIOCSTI", denied (ioctl (0, TIOCSTI, &c) == 0, EPERM));
      probe ("execve", denied (execl ("/bin/true", "true", NULL) == 0, EPERM));
      if (landlock)
        {
          probe ("read outside", denied (opens (secret, O_RDONLY), EACCES));
          probe ("write outside", denied (opens (secret, O_WRONLY), EACCES));
          probe ("create outside", denied (opens (planted, O_WRONLY | O_CREAT), EACCES));
          probe ("read another process", denied (opens ("/proc/1/environ", O_RDONLY), EACCES));
          probe ("write a system file", denied (opens ("/etc/passwd", O_WRONLY), EACCES));
          probe ("rename out of staging",
                 denied (rename (moved, planted) == 0, EXDEV) || errno == EACCES);
        }
      else
        g_printerr ("no Landlock here: files not checked\n");
      return;
    }

  {
    g_autofree char *dir = g_dir_make_tmp ("test-unpack-XXXXXX", NULL);
    g_autofree char *staging = g_build_filename (dir, "staging", NULL);
    g_autofree char *outside = g_build_filename (dir, "outside", NULL);
    g_autofree char *image = g_build_filename (dir, "image", NULL);
    g_autofree char *secret = g_build_filename (outside, "secret", NULL);
    g_autofree char *planted = g_build_filename (outside, "planted", NULL);

    g_assert_nonnull (dir);
    g_assert_cmpint (mkdir (staging, 0700), ==, 0);
    g_assert_cmpint (mkdir (outside, 0700), ==, 0);
    g_assert_true (g_file_set_contents (image, "hsqs", -1, NULL));
    g_assert_true (g_file_set_contents (secret, "key", -1, NULL));
    g_setenv ("TEST_UNPACK_BASE", dir, TRUE);
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_test_trap_assert_passed ();
    g_test_trap_assert_stdout ("");
    g_assert_false (g_file_test (planted, G_FILE_TEST_EXISTS));
    g_assert_true (wrappy_rm_rf_at (AT_FDCWD, dir, NULL));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/unpack/limits", test_limits);
  g_test_add_func ("/unpack/status-errors", test_status_errors);
  g_test_add_func ("/unpack/child-report", test_child_report);
  g_test_add_func ("/unpack/confine", test_confine);
  return g_test_run ();
}
