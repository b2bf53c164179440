/* Internals of wrappy-snapshot.c shared with its copier and its unit test. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 cloned;       /* regular files cloned (FICLONE) */
  guint64 copied;       /* regular files whose bytes were copied */
  guint64 bytes_copied; /* bytes those copies wrote */
  guint64 bytes_total;  /* bytes of all the regular files */
  guint64 skipped;      /* devices, sockets: never copied */
} WrappyCopyStats;

/* Copies what is in src_dfd (except the names in skip, at the top only) into the empty
 * directory dst_dfd: directories, regular files (cloned when the filesystem can, hard
 * links within the tree kept), symlinks as symlinks (never followed), FIFOs and overlayfs
 * whiteouts; modes (without set-id bits), mtimes, extended attributes where allowed,
 * owners when root. Devices and sockets are skipped and counted. */
gboolean wrappy_snapshot_copy_tree (int src_dfd, int dst_dfd, const char *const *skip,
                                    WrappyCopyStats *stats, GError **error);

/* "reflink" when every file was cloned, else "copy". */
const char *wrappy_copy_stats_method (const WrappyCopyStats *stats);

/* A snapshot name: 1-64 of [A-Za-z0-9._-], not starting with '.' or '-'. */
gboolean wrappy_snapshot_validate_name (const char *name, GError **error);

/* Finishes or undoes what a killed snapshot command left in the app's snapshots dir
 * (docs/snapshots.md, "Crash safety"). Called with the store lock held. */
gboolean wrappy_snapshot_recover (const char *app_id, GError **error);

G_END_DECLS
