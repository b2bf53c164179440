/* The last steps that the AppImage and Snap adapters share: making an install visible,
 * and handing a prepared update to `wrappy update` (wrappy-update.h). */
#pragma once

#include <glib.h>

#include "wrappy-manifest.h"
#include "wrappy-update.h"

G_BEGIN_DECLS

/* Exports m's launchers from stage (a tree with share/applications and share/icons), then
 * saves m; a failed export is a warning, a failed save removes the exports again. In
 * that order because recovery removes the launchers of apps without a manifest: an
 * installed app never lacks its launchers. */
gboolean wrappy_adapter_export_and_save (WrappyManifest *m, const char *stage, GError **error);

/* Fills u from a prepared update: updated (taken; NULL: the build failed, stage is
 * removed and FALSE returned) keeps the current app's isolation level, stage (taken)
 * becomes the temporary export_dir. */
gboolean wrappy_adapter_take_update (WrappyUpdate *u, WrappyManifest *updated, char *stage);

/* The most bytes an app's icon may have. */
#define WRAPPY_ADAPTER_MAX_ICON_SIZE (4 * 1024 * 1024)

/* Stages an icon from a package as stage/share/icons/hicolor/SIZE/apps/ID.png (a square
 * PNG of 16 to 1024 pixels, SIZE from its header) or …/scalable/apps/ID.svg, for the
 * exporter. Anything else is no usable icon: TRUE with *staged FALSE. */
gboolean wrappy_adapter_stage_icon (const char *stage, const char *id, const char *data, gsize len,
                                    gboolean *staged, GError **error);

/* An unpacked package's files, read beneath its root (root_fd; symlinks followed only
 * while they stay beneath it, wrappy_openat_beneath): the sorted names in rel (empty
 * when it cannot be read), and a regular file of at most max bytes (NUL-terminated). */
GPtrArray *wrappy_adapter_list_dir_beneath (int root_fd, const char *rel);
char *wrappy_adapter_read_beneath (int root_fd, const char *rel, gsize max, gsize *len_out,
                                   GError **error);

G_END_DECLS
