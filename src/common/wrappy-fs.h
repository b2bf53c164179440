/* File helpers: fds, *at() calls, no symlink following inside untrusted trees. */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* openat2 with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS (and RESOLVE_NO_SYMLINKS when
 * no_symlinks): path may not leave dfd. Falls back to an O_NOFOLLOW component walk on
 * kernels without openat2. Returns an fd or -1 with error set. */
int wrappy_openat_beneath (int dfd, const char *path, int flags, mode_t mode, gboolean no_symlinks,
                           GError **error);

/* Recursively removes name under dfd without following symlinks. ENOENT is success. */
gboolean wrappy_rm_rf_at (int dfd, const char *name, GError **error);

/* Bytes used by the regular files under path (hardlinked files counted once). */
guint64 wrappy_disk_usage (const char *path);

/* An exclusive (or shared) flock on path, waiting for it; the fd is the lock. */
int wrappy_lock_file (const char *path, gboolean exclusive, GError **error);
/* The same; without wait, BUSY at once when another process holds it. */
int wrappy_lock_file_full (const char *path, gboolean exclusive, gboolean wait, GError **error);

/* No empty, "." or ".." component (a leading '/' is allowed): the check every path taken
 * from metadata or a manifest passes before it names a mount point or a file in a layer. */
gboolean wrappy_path_is_clean (const char *path);

G_END_DECLS
