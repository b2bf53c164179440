/* Unpacking an untrusted image (a type 2 AppImage's or a snap's squashfs, a type 1
 * AppImage's ISO 9660) in a confined child process: a fresh `wrappy-backend
 * unpack-image` (exec'd, never a bare fork of this possibly multi-threaded process) with
 * a memory limit (RLIMIT_AS), a CPU-time limit (RLIMIT_CPU), no core dumps, no new
 * privileges, only stdin (/dev/null) and stderr (a pipe) open, and a wall-clock bound
 * the parent enforces. The libraries that parse the images (libsquashfs 1.2.0,
 * libarchive 3.6.2) can be made to ask for gigabytes or to loop (docs/testing.md,
 * "Fuzzing"): inside the child that costs the child, and the parent reports it as one
 * line. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  WRAPPY_UNPACK_SQUASHFS,
  WRAPPY_UNPACK_ISO,
} WrappyUnpackFormat;

/* The child's exit status when its memory limit refused an allocation. */
#define WRAPPY_UNPACK_EXIT_NO_MEMORY 3

/* The limits for an image of `image_size` bytes; WRAPPY_UNPACK_TIME_LIMIT (seconds)
 * replaces both times. */
typedef struct
{
  guint64 address_space; /* RLIMIT_AS, bytes */
  guint cpu_seconds;     /* RLIMIT_CPU (soft; the hard limit is 5 s later) */
  guint wall_seconds;    /* the parent kills the child after this */
} WrappyUnpackLimits;

void wrappy_unpack_limits_for (guint64 image_size, WrappyUnpackLimits *out);

/* Extracts like wrappy_squashfs_extract (squashfs: the image at `offset` of the file) or
 * wrappy_appimage_extract_iso (iso: offset 0) into `dest_dir` (absolute, must not
 * exist; its parent must: a staging directory), in the child. Cancelling `cancellable`
 * kills the child. The error is one line naming `image`; a killed child may leave its
 * partial `.tmp-*` sibling of dest_dir (or dest_dir itself, killed between its rename
 * and its exit): the caller removes the staging directory on failure. */
gboolean wrappy_unpack (WrappyUnpackFormat format, const char *image, guint64 offset,
                        const char *dest_dir, GCancellable *cancellable, GError **error);

/* One regular file of the image at `offset` of `image` (a snap's meta/snap.yaml), read by
 * the same confined child (wrappy_squashfs_read_file there: symlinks followed only inside
 * the image), at most max bytes. The child writes it under $XDG_CACHE_HOME/wrappy/tmp,
 * which is removed again. */
GBytes *wrappy_unpack_read_file (const char *image, guint64 offset, const char *member, gsize max,
                                 GCancellable *cancellable, GError **error);

/* The error for a child that ended with `wait_status` (waitpid's), having written
 * `child_stderr`; timed_out when the parent killed it at the wall-clock bound. NULL
 * when it succeeded. Exposed for the unit tests. */
GError *wrappy_unpack_status_error (const char *image, int wait_status, gboolean timed_out,
                                    const char *child_stderr, const WrappyUnpackLimits *limits);

/* The child's side, `wrappy-backend unpack-image`, before it reads the image: a seccomp
 * filter (no sockets, programs, processes, ptrace, signals to others, terminal input)
 * and, where the kernel has Landlock, reads of `image` and the system's files only and
 * writes below dest_dir's parent only. Needs no_new_privs (the parent sets it). */
gboolean wrappy_unpack_confine (const char *image, const char *dest_dir, GError **error);

/* The kernel's Landlock ABI version, or 0 without Landlock (`wrappy doctor`). */
int wrappy_unpack_landlock_abi (void);

/* The child's side, `wrappy-backend unpack-image`: its error as the one line the parent
 * reads back (domain, code, message), then the exit status. */
int wrappy_unpack_child_report (const GError *error);

G_END_DECLS
