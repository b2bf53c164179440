/* Shared between the AppImage adapter's files (and its unit test). */
#pragma once

#include <gio/gio.h>

#include "wrappy-appimage.h"
#include "wrappy-manifest.h"
#include "wrappy-store.h"

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

/* The largest AppImage wrappy downloads. */
#define WRAPPY_APPIMAGE_MAX_DOWNLOAD (G_GUINT64_CONSTANT (4) << 30)

/* The file's SHA-256 and (sha1_out nullable) SHA-1, lower-case hex. */
gboolean wrappy_appimage_file_sums (const char *path, char **sha256_out, char **sha1_out,
                                    GError **error);

/* What install and update share: probes the AppImage at file, extracts its payload,
 * commits it as the layer appimage/ID/ARCH/SHA256, checks it out and builds the
 * manifest (with [AppImage] sha1) without saving it; stages the launcher as share/… in
 * stage (an existing directory). expect_id NULL: an install (the ID must not be
 * installed); else an update (the ID must be expect_id). On failure the layer and ref
 * it made are removed again. */
WrappyManifest *wrappy_appimage_build (WrappyStore *store, const char *file, const char *origin,
                                       const char *expect_id, const char *stage,
                                       GCancellable *cancellable, GError **error);

/* Update information (the .upd_info text, docs/appimage.md "Updates"). */
typedef enum
{
  WRAPPY_APPIMAGE_UPDATE_ZSYNC = 1,      /* zsync|URL */
  WRAPPY_APPIMAGE_UPDATE_GH_RELEASES = 2 /* gh-releases-zsync|USER|REPO|TAG|GLOB */
} WrappyAppImageUpdateKind;

typedef struct
{
  WrappyAppImageUpdateKind kind;
  char *url;          /* ZSYNC: the .zsync file's http(s) URL */
  char *owner, *repo; /* GH_RELEASES */
  char *tag;          /* GH_RELEASES: "latest" or a tag */
  char *glob;         /* GH_RELEASES: the .zsync asset's name pattern */
} WrappyAppImageUpdateInfo;

void wrappy_appimage_update_info_clear (WrappyAppImageUpdateInfo *ui);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WrappyAppImageUpdateInfo, wrappy_appimage_update_info_clear)

/* Pure. INVALID_DATA (one line) for a malformed or unsupported text. */
gboolean wrappy_appimage_parse_update_info (const char *text, WrappyAppImageUpdateInfo *ui,
                                            GError **error);

/* The header of a .zsync control file: what the file it describes is. */
typedef struct
{
  char *sha1; /* lower-case hex */
  char *url;  /* absolute http(s), resolved against the .zsync file's URL */
  guint64 length;
} WrappyZsyncHeader;

void wrappy_zsync_header_clear (WrappyZsyncHeader *h);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WrappyZsyncHeader, wrappy_zsync_header_clear)

/* Pure: reads the header lines ("Key: value", up to the first empty line) of data, the
 * .zsync file fetched from zsync_url. INVALID_DATA naming zsync_url when the "zsync:"
 * line, SHA-1, URL or Length is missing or malformed. */
gboolean wrappy_zsync_parse_header (const char *data, gsize len, const char *zsync_url,
                                    WrappyZsyncHeader *h, GError **error);

/* wrappy-appimage-sign.c: the SHA-256 (hex) a signature covers, and the primary
 * fingerprint of key when the file's signature is a valid one by it (else NULL, with
 * the reason). */
char *wrappy_appimage_signed_digest (const char *path, const WrappyAppImageInfo *info,
                                     GError **error);
char *wrappy_appimage_verify (const char *path, const WrappyAppImageInfo *info, const char *key,
                              GError **error);

G_END_DECLS
