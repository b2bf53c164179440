/* Shared between the AppImage adapter's files (and its unit test). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Extracts a type 1 AppImage's ISO 9660 image into dest_dir (absolute, must not exist),
 * with the safety rules of wrappy-squashfs.h. */
gboolean wrappy_appimage_extract_iso (const char *image, const char *dest_dir,
                                      GCancellable *cancellable, GError **error);

/* The app ID for an AppImage (docs/appimage.md): the desktop file's name when it is a
 * valid reverse-DNS ID, else the AppStream metainfo's, else io.appimage.NAME with NAME
 * the desktop file's name made into one valid ID element. metainfo_stem may be NULL.
 * NULL (INVALID_ID) when nothing usable is left. */
char *wrappy_appimage_derive_id (const char *desktop_stem, const char *metainfo_stem,
                                 GError **error);

G_END_DECLS
