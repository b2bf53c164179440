/* Unpacking untrusted images in a confined child process; see wrappy-unpack.h.
 *
 * The child is a fresh exec of wrappy-backend, as Flatpak runs its own helpers
 * (flatpak-bwrap, the system helper) rather than forking a GLib process with threads:
 * between fork and exec only async-signal-safe calls are made (setrlimit, prctl). The
 * limits are generous for a genuine image and tight for the crafted ones fuzzing found:
 * libsquashfs asks for up to 4 GiB per inode, libarchive's ISO reader for ~4 GiB or loops
 * for minutes (docs/testing.md). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"
#include "wrappy-unpack.h"

/* A real unpack stays under 100 MiB of address space (docs/BENCHMARKS.md, "Unpacking in
 * a child": 96 MiB is enough for a 230 MB xz image, libraries included): 2 GiB is 20
 * times that, and below the 4 GiB the crafted inodes ask for. */
#define ADDRESS_SPACE_LIMIT (G_GUINT64_CONSTANT (2) << 30)
/* CPU: a base for the program's start and small images, plus a second per MiB of image.
 * A 230 MB xz squashfs (1.1 GB unpacked) takes 17.5 s of CPU here, about 13 MiB of image
 * per second, so a genuine image reaches a 16th of its limit, and on a machine 10 times
 * slower still less than its limit. The wall clock allows as long again for the disk. */
#define CPU_BASE_SECONDS    60
#define CPU_SECONDS_PER_MIB 1
#define STDERR_MAX          (64 * 1024)
#define ERROR_TAG           "wrappy-unpack-error"

void
wrappy_unpack_limits_for (guint64 image_size, WrappyUnpackLimits *out)
{
  const char *env = g_getenv ("WRAPPY_UNPACK_TIME_LIMIT");
  guint64 cpu = CPU_BASE_SECONDS + CPU_SECONDS_PER_MIB * (image_size >> 20);
  guint64 n = 0;

  out->address_space = ADDRESS_SPACE_LIMIT;
  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 86400, &n, NULL))
    {
      out->cpu_seconds = out->wall_seconds = (guint)n;
      return;
    }
  out->cpu_seconds = (guint)MIN (cpu, G_MAXUINT / 2);
  out->wall_seconds = 2 * out->cpu_seconds;
}

/* ---- The child's confinement ------------------------------------------------------- */

/* Unpacking reads one file and writes below one directory, in one thread: it never needs
 * a socket, a new program, a new process, another process's memory or a signal to
 * anyone but itself (abort raises SIGABRT at itself). No new process also means nothing
 * can outlive the child holding its stderr pipe open, which the parent waits on.
 * TIOCSTI and TIOCLINUX would type into a terminal (as in wrappy-seccomp-build.c; the
 * child has no controlling terminal either, the parent made it a session leader).
 * Denied calls fail with EPERM. */
static gboolean
confine_syscalls (GError **error)
{
  static const int denied[] = {
    SCMP_SYS (socket),
    SCMP_SYS (socketpair),
    SCMP_SYS (connect),
    SCMP_SYS (execve),
    SCMP_SYS (execveat),
    SCMP_SYS (fork),
    SCMP_SYS (vfork),
    SCMP_SYS (clone),
    SCMP_SYS (clone3),
    SCMP_SYS (ptrace),
    SCMP_SYS (process_vm_readv),
    SCMP_SYS (process_vm_writev),
    SCMP_SYS (pidfd_open),
    SCMP_SYS (pidfd_send_signal),
    SCMP_SYS (rt_sigqueueinfo),
    SCMP_SYS (rt_tgsigqueueinfo),
  };
  const scmp_datum_t self = (scmp_datum_t)getpid ();
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  int r = ctx == NULL ? -ENOMEM : 0;

  for (guint i = 0; r == 0 && i < G_N_ELEMENTS (denied); i++)
    r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), denied[i], 0);
  /* Signals to itself only: kill(pid), tgkill(tgid, ...) and tkill(tid) (one thread, so
   * its tid is its pid). */
  if (r == 0)
    r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (kill), 1,
                          SCMP_A0 (SCMP_CMP_NE, self));
  if (r == 0)
    r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (tgkill), 1,
                          SCMP_A0 (SCMP_CMP_NE, self));
  if (r == 0)
    r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (tkill), 1,
                          SCMP_A0 (SCMP_CMP_NE, self));
  if (r == 0)
    r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (ioctl), 1,
                          SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)TIOCSTI));
  if (r == 0)
    r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (ioctl), 1,
                          SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)TIOCLINUX));
  if (r == 0)
    r = seccomp_load (ctx);
  seccomp_release (ctx);
  if (r != 0)
    {
      errno = -r;
      return wrappy_throw_errno (error, "seccomp_load", "unpack-image");
    }
  return TRUE;
}

/* Landlock (Linux 5.13; Debian 12's linux-libc-dev names the rights up to REFER). */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

/* What the child may still read besides the image and its staging directory: the
 * system's libraries and data (locales, gconv), its own /proc entry, two devices, and
 * the message catalogues. Missing paths are left out. */
static const char *const readable[] = {
  "/usr", "/lib", "/lib64", "/lib32", "/etc", "/proc/self", "/dev/null", "/dev/urandom", LOCALEDIR,
};

static gboolean
landlock_allow (int ruleset, const char *path, guint64 access, guint64 handled, GError **error)
{
  struct landlock_path_beneath_attr rule = { 0 };
  struct stat st;
  int fd = open (path, O_PATH | O_CLOEXEC);
  int r;

  if (fd < 0)
    return errno == ENOENT || errno == ENOTDIR ? TRUE : wrappy_throw_errno (error, "open", path);
  if (fstat (fd, &st) != 0)
    {
      close (fd);
      return wrappy_throw_errno (error, "fstat", path);
    }
  /* A file takes only the rights that apply to files. */
  if (!S_ISDIR (st.st_mode))
    access &= LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE
              | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV;
  rule.allowed_access = access & handled;
  rule.parent_fd = fd;
  r = rule.allowed_access == 0
          ? 0
          : (int)syscall (__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
  close (fd);
  return r == 0 || wrappy_throw_errno (error, "landlock_add_rule", path);
}

/* Files: the child reads `image` and the system's files above, and writes only below
 * `staging` (dest_dir's parent, a directory of this install alone). Nothing of the
 * user's home is readable, so a child a crafted image took over cannot copy the user's
 * files into the app it is unpacking, nor write anywhere else. Where the kernel has no
 * Landlock (not built, or not in its `lsm=` list) this is skipped: the seccomp filter
 * and the limits still hold. */
int
wrappy_unpack_landlock_abi (void)
{
  int abi = (int)syscall (__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi > 0 ? abi : 0;
}

static gboolean
confine_files (const char *image, const char *staging, GError **error)
{
  struct landlock_ruleset_attr attr = { 0 };
  int abi = (int)syscall (__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  const char *env_localedir = g_getenv ("WRAPPY_LOCALEDIR");
  int ruleset;
  gboolean ok = TRUE;

  if (abi < 1)
    {
      wrappy_debug ("unpack-image: no Landlock in this kernel (%s): files are not confined",
                    g_strerror (errno));
      return TRUE;
    }
  attr.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE
                           | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR
                           | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE
                           | LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR
                           | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK
                           | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK
                           | LANDLOCK_ACCESS_FS_MAKE_SYM;
  if (abi >= 2)
    attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3)
    attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5)
    attr.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  ruleset = (int)syscall (__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0)
    return wrappy_throw_errno (error, "landlock_create_ruleset", "unpack-image");
  for (guint i = 0; ok && i < G_N_ELEMENTS (readable); i++)
    ok = landlock_allow (ruleset, readable[i], LL_READ, attr.handled_access_fs, error);
  ok = ok
       && (env_localedir == NULL || *env_localedir == '\0'
           || landlock_allow (ruleset, env_localedir, LL_READ, attr.handled_access_fs, error))
       && landlock_allow (ruleset, image, LANDLOCK_ACCESS_FS_READ_FILE, attr.handled_access_fs,
                          error)
       && landlock_allow (ruleset, staging, attr.handled_access_fs & ~LANDLOCK_ACCESS_FS_EXECUTE,
                          attr.handled_access_fs, error);
  if (ok && syscall (__NR_landlock_restrict_self, ruleset, 0) != 0)
    ok = wrappy_throw_errno (error, "landlock_restrict_self", "unpack-image");
  close (ruleset);
  if (ok)
    wrappy_debug ("unpack-image: Landlock ABI %d: reads the image and system files, writes "
                  "below %s",
                  abi, staging);
  return ok;
}

gboolean
wrappy_unpack_confine (const char *image, const char *dest_dir, GError **error)
{
  g_autofree char *staging = g_path_get_dirname (dest_dir);

  /* Landlock first: its own calls are then made before the filter is in place. */
  return confine_files (image, staging, error) && confine_syscalls (error);
}

/* ---- The child's report ------------------------------------------------------------ */

int
wrappy_unpack_child_report (const GError *error)
{
  g_autofree char *msg = g_strdup (error->message);

  g_strdelimit (msg, "\t\r\n", ' ');
  g_printerr ("%s\t%s\t%d\t%s\n", ERROR_TAG, g_quark_to_string (error->domain), error->code, msg);
  return g_error_matches (error, WRAPPY_ERROR, WRAPPY_ERROR_NO_MEMORY)
             ? WRAPPY_UNPACK_EXIT_NO_MEMORY
             : 1;
}

/* What the child wrote is shown to the user: one line of printable UTF-8, bounded (a
 * child that a crafted image took over could write anything). */
static char *
printable (const char *s, gsize max)
{
  return g_strstrip (wrappy_printable (s, (gssize)max));
}

/* The child's error line, if it wrote one: its domain is one of the three wrappy's
 * extractors use, else the error is WRAPPY_ERROR_FAILED. */
static GError *
parse_child_error (const char *child_stderr)
{
  g_auto (GStrv) lines = g_strsplit (child_stderr, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], "\t", 4);
      g_autofree char *msg = NULL;
      GQuark domain;
      guint64 code = 0;

      if (g_strv_length (f) != 4 || strcmp (f[0], ERROR_TAG) != 0
          || !g_ascii_string_to_unsigned (f[2], 10, 0, 1000, &code, NULL))
        continue;
      domain = g_quark_try_string (f[1]);
      if (domain != WRAPPY_ERROR && domain != G_FILE_ERROR && domain != G_IO_ERROR)
        domain = WRAPPY_ERROR, code = WRAPPY_ERROR_FAILED;
      msg = printable (f[3], 1000);
      return g_error_new_literal (domain, (int)code, msg);
    }
  return NULL;
}

static GError *
too_slow (const char *image, const WrappyUnpackLimits *limits)
{
  return g_error_new (WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                      _ ("%s: cannot unpack the image: it took longer than %u seconds, which "
                         "no genuine image of its size needs; the file is damaged or crafted "
                         "(if you trust it, set WRAPPY_UNPACK_TIME_LIMIT to more seconds)"),
                      image, limits->cpu_seconds);
}

static GError *
too_big (const char *image, const WrappyUnpackLimits *limits)
{
  return g_error_new (WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                      _ ("%s: cannot unpack the image: it needs more memory than an image of "
                         "its size should (over %u MiB); the file is damaged or crafted"),
                      image, (guint)(limits->address_space >> 20));
}

GError *
wrappy_unpack_status_error (const char *image, int wait_status, gboolean timed_out,
                            const char *child_stderr, const WrappyUnpackLimits *limits)
{
  g_autoptr (GError) reported = parse_child_error (child_stderr);
  g_autofree char *last = NULL;

  if (timed_out)
    return too_slow (image, limits);
  if (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0)
    return NULL;
  /* SIGXCPU: RLIMIT_CPU's soft limit (its default action ends the process). */
  if (WIFSIGNALED (wait_status) && WTERMSIG (wait_status) == SIGXCPU)
    return too_slow (image, limits);
  if ((WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == WRAPPY_UNPACK_EXIT_NO_MEMORY)
      || g_error_matches (reported, WRAPPY_ERROR, WRAPPY_ERROR_NO_MEMORY)
      /* g_malloc aborts when RLIMIT_AS refuses it. */
      || (WIFSIGNALED (wait_status) && WTERMSIG (wait_status) == SIGABRT
          && strstr (child_stderr, "failed to allocate") != NULL))
    return too_big (image, limits);
  if (reported != NULL && WIFEXITED (wait_status))
    return g_steal_pointer (&reported);
  if (WIFSIGNALED (wait_status))
    return g_error_new (WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                        _ ("%s: cannot unpack the image: the unpacking process was killed by "
                           "signal %d (%s); the file may be damaged or crafted"),
                        image, WTERMSIG (wait_status), g_strsignal (WTERMSIG (wait_status)));
  {
    g_auto (GStrv) lines = g_strsplit (child_stderr, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      if (*g_strstrip (lines[i]) != '\0')
        {
          g_free (last);
          last = g_strdup (lines[i]);
        }
  }
  if (last != NULL)
    {
      g_autofree char *line = printable (last, 1000);
      return g_error_new (WRAPPY_ERROR, WRAPPY_ERROR_FAILED, _ ("%s: cannot unpack the image: %s"),
                          image, line);
    }
  return g_error_new (WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                      _ ("%s: cannot unpack the image: the unpacking process ended with "
                         "status %d"),
                      image, WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1);
}

/* ---- The parent -------------------------------------------------------------------- */

/* Between fork and exec: async-signal-safe calls only. A failure ends the child with
 * status 127 (the exec never happens), which the parent reports. */
static void
child_setup (gpointer user_data)
{
  const WrappyUnpackLimits *l = user_data;
  struct rlimit as = { l->address_space, l->address_space };
  struct rlimit cpu = { l->cpu_seconds, l->cpu_seconds + 5 };
  struct rlimit core = { 0, 0 };

  /* A session of its own: no controlling terminal to open as /dev/tty. */
  if (setsid () < 0 || setrlimit (RLIMIT_AS, &as) != 0 || setrlimit (RLIMIT_CPU, &cpu) != 0
      || setrlimit (RLIMIT_CORE, &core) != 0 || prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
      || prctl (PR_SET_PDEATHSIG, SIGKILL) != 0)
    _exit (127);
}

typedef struct
{
  GSubprocess *proc;
  GInputStream *err;
  GCancellable *reading;
  GByteArray *text;
  guint8 buf[4096];
  gboolean exited, eof, timed_out, cancelled;
} Wait;

static void
on_child_exit (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Wait *w = user_data;
  g_subprocess_wait_finish (w->proc, res, NULL);
  w->exited = TRUE;
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Wait *w = user_data;
  gssize n = g_input_stream_read_finish (w->err, res, NULL);

  if (n <= 0)
    {
      w->eof = TRUE;
      return;
    }
  /* Past the bound the rest is read and dropped, so that the child never blocks. */
  if (w->text->len < STDERR_MAX)
    g_byte_array_append (w->text, w->buf, MIN ((guint)n, STDERR_MAX - w->text->len));
  g_input_stream_read_async (w->err, w->buf, sizeof w->buf, G_PRIORITY_DEFAULT, w->reading, on_read,
                             w);
}

/* The wall clock: kills the child. After its exit only its stderr can still be open
 * (held by something it started, which its seccomp filter should prevent): the next
 * tick stops reading. */
static gboolean
on_timeout (gpointer user_data)
{
  Wait *w = user_data;
  if (w->exited)
    g_cancellable_cancel (w->reading); /* on_read sees the end */
  else
    {
      w->timed_out = TRUE;
      g_subprocess_force_exit (w->proc);
    }
  return G_SOURCE_CONTINUE; /* the loop's end removes it */
}

static gboolean
on_cancel (GCancellable *cancellable, gpointer user_data)
{
  Wait *w = user_data;
  w->cancelled = TRUE;
  g_subprocess_force_exit (w->proc);
  g_cancellable_cancel (w->reading);
  return G_SOURCE_REMOVE;
}

/* Runs `wrappy-backend unpack-image -- KIND IMAGE OFFSET DEST [MEMBER MAX]` under the
 * limits and waits for it (see wrappy_unpack). */
static gboolean
run_child (const char *kind, const char *image, guint64 offset, const char *dest_dir,
           const char *member, gsize max, GCancellable *cancellable, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GMainContext) ctx = NULL;
  g_autoptr (GSource) timeout = NULL, cancel = NULL;
  g_autoptr (GByteArray) text = g_byte_array_new ();
  g_autoptr (GCancellable) reading = g_cancellable_new ();
  g_autofree char *backend = wrappy_backend_path ();
  g_autofree char *abs_image = NULL, *offset_str = NULL, *child_stderr = NULL, *max_str = NULL;
  WrappyUnpackLimits limits;
  GError *child_error;
  struct stat st;
  Wait w = { 0 };

  g_return_val_if_fail (g_path_is_absolute (dest_dir), FALSE);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (stat (image, &st) != 0)
    return wrappy_throw_errno (error, "stat", image);
  wrappy_unpack_limits_for ((guint64)st.st_size, &limits);
  abs_image = g_canonicalize_filename (image, NULL);
  offset_str = g_strdup_printf ("%" G_GUINT64_FORMAT, offset);
  wrappy_debug ("unpacking %s in a child: %u MiB of address space, %u s of CPU, %u s in all", image,
                (guint)(limits.address_space >> 20), limits.cpu_seconds, limits.wall_seconds);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, &limits, NULL);
  max_str = g_strdup_printf ("%" G_GSIZE_FORMAT, max);
  proc = g_subprocess_launcher_spawn (launcher, error, backend, "unpack-image", "--", kind,
                                      abs_image, offset_str, dest_dir, member,
                                      member != NULL ? max_str : NULL, NULL);
  if (proc == NULL)
    {
      wrappy_prefix_error (error, _ ("%s: cannot unpack the image: "), image);
      return FALSE;
    }

  /* A private context: nothing else of the caller's runs while we wait. */
  ctx = g_main_context_new ();
  g_main_context_push_thread_default (ctx);
  w.proc = proc;
  w.err = g_subprocess_get_stderr_pipe (proc);
  w.text = text;
  w.reading = reading;
  g_subprocess_wait_async (proc, NULL, on_child_exit, &w);
  g_input_stream_read_async (w.err, w.buf, sizeof w.buf, G_PRIORITY_DEFAULT, reading, on_read, &w);
  timeout = g_timeout_source_new_seconds (limits.wall_seconds);
  g_source_set_callback (timeout, on_timeout, &w, NULL);
  g_source_attach (timeout, ctx);
  if (cancellable != NULL)
    {
      cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (cancel, (GSourceFunc)(GCallback)on_cancel, &w, NULL);
      g_source_attach (cancel, ctx);
    }
  while (!w.exited || !w.eof)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timeout);
  if (cancel != NULL)
    g_source_destroy (cancel);
  g_main_context_pop_thread_default (ctx);

  if (w.cancelled)
    return !g_cancellable_set_error_if_cancelled (cancellable, error);
  g_byte_array_append (text, (const guint8 *)"", 1);
  child_stderr = (char *)g_byte_array_free (g_steal_pointer (&text), FALSE);
  child_error = wrappy_unpack_status_error (image, g_subprocess_get_status (proc), w.timed_out,
                                            child_stderr, &limits);
  if (child_error != NULL)
    {
      g_autofree char *said = printable (child_stderr, STDERR_MAX);
      wrappy_debug ("the unpack child said: %s", said);
      g_propagate_error (error, child_error);
      return FALSE;
    }
  return TRUE;
}

gboolean
wrappy_unpack (WrappyUnpackFormat format, const char *image, guint64 offset, const char *dest_dir,
               GCancellable *cancellable, GError **error)
{
  return run_child (format == WRAPPY_UNPACK_ISO ? "iso" : "squashfs", image, offset, dest_dir, NULL,
                    0, cancellable, error);
}

GBytes *
wrappy_unpack_read_file (const char *image, guint64 offset, const char *member, gsize max,
                         GCancellable *cancellable, GError **error)
{
  g_autofree char *tmp_root = g_build_filename (wrappy_dirs_cache (), "tmp", NULL);
  g_autofree char *tmp = g_build_filename (tmp_root, "read-XXXXXX", NULL);
  g_autofree char *dest = NULL, *data = NULL;
  gsize len = 0;
  gboolean ok;

  if (!wrappy_dirs_ensure (tmp_root, error))
    return NULL;
  if (g_mkdtemp_full (tmp, 0700) == NULL)
    return wrappy_throw_errno (error, "mkdtemp", tmp), NULL;
  dest = g_build_filename (tmp, "member", NULL);
  ok = run_child ("squashfs-file", image, offset, dest, member, max, cancellable, error)
       && g_file_get_contents (dest, &data, &len, error);
  wrappy_rm_rf_at (AT_FDCWD, tmp, NULL);
  if (!ok)
    return NULL;
  if (len > max)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s: %s is larger than %" PRIu64 " bytes"), image, member, (guint64)max);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&data), len);
}
