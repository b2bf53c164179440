/* Safe extraction of squashfs images (AppImage type 2 payloads, snaps) with libsquashfs
 * (squashfs-tools-ng), shared by the appimage and snap adapters.
 *
 * Nothing may land outside the target: names with '/' , "." or "..", and absolute
 * paths are rejected; symlinks are recreated as symlinks and never followed (every
 * create is relative to an O_PATH directory fd opened without following links); device
 * nodes, fifos and sockets are skipped; setuid/setgid bits are dropped; sizes are
 * bounded. The target directory must not exist; it is created, filled and only then
 * renamed from a temporary sibling, so it is either complete or absent. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 max_total_bytes; /* sum of file sizes; 0: default (8 GiB) */
  guint64 max_entries;     /* files + dirs + links; 0: default (1,000,000) */
} WrappySquashfsLimits;

/* Extracts the image that starts at byte `offset` of the file at `image_path` into
 * `dest_dir` (absolute, must not exist). The image's end must lie inside the file
 * (a truncated image is an INVALID_DATA error naming the file). */
gboolean wrappy_squashfs_extract (const char *image_path, guint64 offset, const char *dest_dir,
                                  const WrappySquashfsLimits *limits, GCancellable *cancellable,
                                  GError **error);

/* Reads one regular file from the image without extracting the rest (a snap's
 * meta/snap.yaml, in the unpacking child: wrappy_unpack_read_file). Symlinks inside the image are
 * followed only when they stay inside it, at most 16 deep. At most max_size bytes, else
 * INVALID_DATA. */
GBytes *wrappy_squashfs_read_file (const char *image_path, guint64 offset, const char *path,
                                   gsize max_size, GError **error);

/* Names of the entries of one directory of the image (sorted). Only the fuzz target
 * calls it now: the adapters read an unpacked layer (wrappy_adapter_list_dir_beneath). */
char **wrappy_squashfs_list_dir (const char *image_path, guint64 offset, const char *path,
                                 GError **error);

G_END_DECLS
