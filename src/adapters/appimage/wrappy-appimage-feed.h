/* The AppImage catalog: the AppImageHub feed (SPEC.md, "Sources and endpoints") as a
 * search index, and install by name from it. The feed is untrusted JSON from the
 * network: everything in it is checked before it reaches a path, a URL or a terminal. */
#pragma once

#include <gio/gio.h>

#include "wrappy-manifest.h"
#include "wrappy-store.h"

G_BEGIN_DECLS

#define WRAPPY_APPIMAGE_FEED_URL "https://appimage.github.io/feed.json"
#define WRAPPY_GITHUB_API_URL    "https://api.github.com"
/* The catalog's source and origin for wrappy_catalog_save/load/age. */
#define WRAPPY_APPIMAGE_CATALOG_SOURCE "appimage"
#define WRAPPY_APPIMAGE_CATALOG_ORIGIN "appimagehub"

/* WRAPPY_APPIMAGE_FEED_URL or the real feed. */
const char *wrappy_appimage_feed_url (void);

/* $XDG_CACHE_HOME/wrappy/catalog/appimagehub-feed.json: the raw feed of the last
 * refresh, which install by name reads. */
char *wrappy_appimage_feed_cache_path (void);

/* Whether name may be a feed item's name (and so an install argument): one line of
 * printable UTF-8, at most 200 bytes, no '/', no "..", not starting with '-'. */
gboolean wrappy_appimage_feed_name_is_safe (const char *name);

/* The feed's items as WrappyCatalogEntry* (id and name: the item's name; summary: the
 * description's first sentence; keywords: its categories). Items with an unsafe or
 * missing name are skipped; malformed JSON, a root or items of the wrong type, invalid
 * UTF-8, too deep nesting, more than 64 MiB or 100,000 items: INVALID_DATA. */
GPtrArray *wrappy_appimage_feed_parse (GBytes *json, GError **error);

/* Downloads the feed when force, or when the catalog is missing or older than
 * WRAPPY_CATALOG_MAX_AGE_SECONDS; keeps it (atomically) and saves the catalog. On any
 * failure the previous cache is left as it was. */
gboolean wrappy_appimage_feed_refresh (gboolean force, GError **error);

/* The AppImage (its http(s) URL) of the item called name in feed_json: a Download link
 * ending in .AppImage, else the latest GitHub release's asset for this machine
 * (asked from WRAPPY_GITHUB_API_URL or api.github.com). NOT_FOUND when there is no such
 * item or no usable AppImage. */
char *wrappy_appimage_feed_resolve_in (GBytes *feed_json, const char *name, GError **error);

/* As above, from the cached feed (refreshed first when missing or stale). */
char *wrappy_appimage_feed_resolve (const char *name, GError **error);

/* The browser_download_url of the best AppImage asset of a GitHub release (the JSON of
 * /repos/OWNER/REPO/releases/latest) for arch (a Flatpak arch name): names ending in
 * .AppImage, one naming arch (x86_64/amd64, aarch64/arm64, …) first, else one naming no
 * arch at all; never another arch's. NOT_FOUND when none fits. what names the release
 * in messages. */
char *wrappy_appimage_pick_asset (GBytes *release_json, const char *arch, const char *what,
                                  GError **error);

/* The browser_download_url of the first asset of a GitHub release (its JSON) whose name
 * matches glob (a GPatternSpec: '*' and '?'). NOT_FOUND when none does; what names the
 * release in messages. */
char *wrappy_appimage_pick_glob_asset (GBytes *release_json, const char *glob, const char *what,
                                       GError **error);

/* The JSON of release tag ("latest" or NULL: the latest; else a tag name) of OWNER/REPO,
 * from WRAPPY_GITHUB_API_URL or api.github.com. */
GBytes *wrappy_appimage_github_release (const char *owner, const char *repo, const char *tag,
                                        GError **error);

/* OWNER/REPO of a feed link ("OWNER/REPO" or https://github.com/OWNER/REPO[/…]), both
 * checked against GitHub's name rules; FALSE when it is neither. */
gboolean wrappy_appimage_parse_github (const char *link, char **owner_out, char **repo_out);

/* Resolves name and installs it, recording the item's name in the manifest's
 * [AppImage] catalog-name (WRAPPY_APPIMAGE_CATALOG_GROUP/KEY in wrappy-appimage.h) so
 * that search can mark the item installed. */
WrappyManifest *wrappy_appimage_install_by_name (WrappyStore *store, const char *name,
                                                 GCancellable *cancellable, GError **error);

/* WrappySource.find: the feed's items called what (ignoring case); the feed is
 * refreshed when stale, a stale one serves when the network is down. */
void wrappy_appimage_feed_find (WrappyStore *store, const char *what, GPtrArray *hits,
                                GPtrArray *unreachable);

G_END_DECLS
