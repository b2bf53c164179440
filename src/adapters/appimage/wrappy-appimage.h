/* The AppImage source: a type 2 (ELF runtime + squashfs) or type 1 (ISO 9660) AppImage
 * becomes an app whose layer is the payload, on the host's /usr (docs/appimage.md). */
#pragma once

#include <gio/gio.h>

#include "wrappy-manifest.h"
#include "wrappy-store.h"
#include "wrappy-update.h"

G_BEGIN_DECLS

typedef struct
{
  int type;          /* 1 or 2 */
  guint64 offset;    /* type 2: where the squashfs image starts; type 1: 0 */
  char *update_info; /* the .upd_info section's text, NULL when empty or absent */
  /* The signature sections appimagetool fills (docs/appimage.md, "Signatures"): where
   * they are (a signed digest covers the file with both zeroed), and their text, NULL
   * when empty or absent. */
  guint64 sig_offset, sig_size, key_offset, key_size;
  char *signature; /* .sha256_sig: an ASCII-armored detached OpenPGP signature */
  char *sig_key;   /* .sig_key: the ASCII-armored public key */
} WrappyAppImageInfo;

void wrappy_appimage_info_clear (WrappyAppImageInfo *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WrappyAppImageInfo, wrappy_appimage_info_clear)

/* Whether the file starts like an AppImage (ELF magic and "AI" type 1 or 2 at byte 8);
 * for `wrappy install FILE` to pick the adapter. */
gboolean wrappy_appimage_looks_like (const char *path);

/* Checks the file as an AppImage for this machine and finds its payload: ELF magic,
 * 64-bit little-endian x86-64 (or the host's machine), the type, the section header
 * table inside the file, the payload's magic at the end of it (squashfs for type 2,
 * ISO 9660 for type 1). INVALID_DATA with one line naming the file otherwise. */
gboolean wrappy_appimage_probe (const char *path, WrappyAppImageInfo *info, GError **error);

/* FILE or an http(s) URL (downloaded into the cache first). */
WrappyManifest *wrappy_appimage_install (WrappyStore *store, const char *file_or_url,
                                         GCancellable *cancellable, GError **error);

/* The manifest group and key naming the AppImage catalog item an app was installed by
 * (`install --from-appimage NAME`), for `search` to mark it installed. */
#define WRAPPY_APPIMAGE_CATALOG_GROUP "AppImage"
#define WRAPPY_APPIMAGE_CATALOG_KEY   "catalog-name"
/* The SHA-1 of the installed AppImage file, in the same group (what .zsync files name). */
#define WRAPPY_APPIMAGE_SHA1_KEY "sha1"
/* A signed AppImage: the primary fingerprint of the key that signed it, and that key
 * (ASCII-armored), which an update must be signed by (wrappy-appimage-sign.c). */
#define WRAPPY_APPIMAGE_SIGNER_KEY  "signing-key"
#define WRAPPY_APPIMAGE_SIG_KEY_KEY "sig-key"

/* As wrappy_appimage_install; catalog_name (may be NULL) goes into the manifest. */
WrappyManifest *wrappy_appimage_install_full (WrappyStore *store, const char *file_or_url,
                                              const char *catalog_name, GCancellable *cancellable,
                                              GError **error);

/* WrappyPrepareUpdateFunc (wrappy-update.h) for apps of source "appimage": follows the
 * app's update information (zsync, gh-releases-zsync) or downloads its origin URL again;
 * an app installed from a file without update information is up to date. */
gboolean wrappy_appimage_prepare_update (WrappyStore *store, WrappyUpdate *u,
                                         GCancellable *cancellable, GError **error);

G_END_DECLS
