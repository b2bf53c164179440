/* The Snap Store client: what a channel of a snap holds (/v2/snaps/info/NAME), the
 * verified download of its .snap file into $XDG_CACHE_HOME/wrappy/downloads, and search
 * (/v2/snaps/find). The store is WRAPPY_SNAP_STORE_URL, else https://api.snapcraft.io. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;
  char *channel; /* track/risk, e.g. latest/stable */
  char *type;    /* app, base, … (NULL when the store does not say) */
  char *version;
  char *revision; /* decimal */
  char *url;
  char *sha3_384; /* lower-case hex */
  guint64 size;
} WrappySnapStoreInfo;

void wrappy_snap_store_info_free (WrappySnapStoreInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappySnapStoreInfo, wrappy_snap_store_info_free)

/* Channel as snap accepts it ("stable", "beta", "latest/edge", "2.0/stable",
 * "2.0/stable/hotfix", "2.0" meaning 2.0/stable) to track/risk[/branch]; NULL: latest/stable. */
char *wrappy_snap_channel_normalize (const char *channel, GError **error);

/* Picks the channel-map entry for channel (normalized) and arch from an info response. */
WrappySnapStoreInfo *wrappy_snap_store_parse_info (const char *json, gsize len, const char *name,
                                                   const char *channel, const char *arch,
                                                   GError **error);

/* Looks name up in the store. NOT_FOUND: "no snap named NAME in the store" (or not in
 * that channel); NETWORK when the store cannot be reached. */
WrappySnapStoreInfo *wrappy_snap_store_lookup (const char *name, const char *channel,
                                               GError **error);

/* Downloads info->url into the cache with a progress bar, checking size and sha3-384.
 * Returns the file's path; on any failure nothing is left in the cache. */
char *wrappy_snap_store_download (const WrappySnapStoreInfo *info, GCancellable *cancellable,
                                  GError **error);

/* At most this many results of a search are kept, in the store's order. */
#define WRAPPY_SNAP_FIND_MAX_RESULTS 100
/* A search answer larger than this is refused. */
#define WRAPPY_SNAP_FIND_MAX_BYTES (8 * 1024 * 1024)
/* Seconds a search may take in all unless WRAPPY_SNAP_STORE_TIMEOUT says otherwise; the
 * connection itself gets at most WRAPPY_SNAP_FIND_CONNECT_TIMEOUT of them. */
#define WRAPPY_SNAP_FIND_TIMEOUT         5
#define WRAPPY_SNAP_FIND_CONNECT_TIMEOUT 3

/* A /v2/snaps/find answer as WrappyCatalogEntry* (free func wrappy_catalog_entry_free):
 * id the snap name, name its title (else the snap name), summary, version, description.
 * Results whose name fails snapd's rule are skipped; at most WRAPPY_SNAP_FIND_MAX_RESULTS.
 * INVALID_DATA, one line, for malformed JSON, a field of the wrong type or non-UTF-8. */
GPtrArray *wrappy_snap_store_parse_find (const char *json, gsize len, GError **error);

/* Searches the store for query, with a short timeout (WRAPPY_SNAP_FIND_TIMEOUT, or
 * WRAPPY_SNAP_STORE_TIMEOUT seconds). NETWORK naming the store when it cannot be reached,
 * times out or answers an HTTP error; INVALID_DATA for a bad answer. */
GPtrArray *wrappy_snap_store_find (const char *query, GError **error);

G_END_DECLS
