/* What `wrappy search` looks through: one compact index per source and origin (a
 * Flatpak remote, the AppImage feed), kept in $XDG_CACHE_HOME/wrappy/catalog so that a
 * warm query maps a file instead of parsing appstream XML or JSON again. The index keeps
 * the lower-cased text that matching needs beside what is shown.
 * GLib only: the `wrappy` front answers warm queries without loading the backend. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Catalogs older than this are refreshed before a query (issue 5: "older than a day"). */
#define WRAPPY_CATALOG_MAX_AGE_SECONDS (24 * 60 * 60)

typedef struct
{
  char *id;          /* what `install` takes: app ID, snap name, feed name */
  char *name;        /* may be NULL: shown as the ID */
  char *summary;     /* may be NULL */
  char *version;     /* may be NULL */
  char *keywords;    /* space-separated, may be NULL */
  char *description; /* plain text, may be NULL */
} WrappyCatalogEntry;

WrappyCatalogEntry *wrappy_catalog_entry_new (const char *id, const char *name, const char *summary,
                                              const char *version);
void wrappy_catalog_entry_free (WrappyCatalogEntry *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyCatalogEntry, wrappy_catalog_entry_free)

/* s as valid UTF-8 without control characters (a store's text ends up on a terminal):
 * tabs and line breaks become one space (newlines are kept with keep_newlines), the rest
 * is dropped; at most max bytes, cut on a character boundary; "" for NULL. */
char *wrappy_catalog_clean_text (const char *s, gsize max, gboolean keep_newlines);

/* The serialized form of entries (invalid UTF-8 replaced, overlong text cut). */
GBytes *wrappy_catalog_serialize (GPtrArray *entries);

/* $XDG_CACHE_HOME/wrappy/catalog/SOURCE-ORIGIN.idx */
char *wrappy_catalog_path (const char *source, const char *origin);

/* Atomically replaces the index of source ("flathub", "appimage") and origin. */
gboolean wrappy_catalog_save (const char *source, const char *origin, GPtrArray *entries,
                              GError **error);

/* Seconds since the index was written, or -1 when there is none. */
gint64 wrappy_catalog_age (const char *source, const char *origin);

/* A stale index whose source did not answer is tried again at most this often. */
#define WRAPPY_CATALOG_RETRY_SECONDS (60 * 60)

/* Records that refreshing the index of source and origin failed now (the mtime of
 * INDEX.unreachable). TRUE when that deserves a warning: none was given for it in the
 * last WRAPPY_CATALOG_MAX_AGE_SECONDS (INDEX.warned), so that a stale index of an
 * unreachable source is warned about at most once a day. */
gboolean wrappy_catalog_note_unreachable (const char *source, const char *origin);

/* Seconds since a refresh last failed, -1 when none did since the last success. */
gint64 wrappy_catalog_unreachable_age (const char *source, const char *origin);

/* A refresh worked: forgets the failures. */
void wrappy_catalog_clear_unreachable (const char *source, const char *origin);

/* A parsed query: lower-cased whole text and its words. */
typedef struct
{
  char *text;
  char **terms;
} WrappyQuery;

WrappyQuery *wrappy_query_new (char **words);
void wrappy_query_free (WrappyQuery *q);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyQuery, wrappy_query_free)

typedef struct
{
  char *id;
  char *name;
  char *summary;
  char *version;
  char *source;
  char *origin;
  int score;
  gboolean installed;
} WrappySearchHit;

WrappySearchHit *wrappy_search_hit_new (const char *id, const char *name, const char *summary,
                                        const char *version, const char *source,
                                        const char *origin);
void wrappy_search_hit_free (WrappySearchHit *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappySearchHit, wrappy_search_hit_free)

/* Adds to hits (WrappySearchHit*) every entry of a serialized catalog that matches q.
 * keep_all keeps entries no query word is found in (the Snap Store matched them on
 * fields it did not send), ranked last. */
void wrappy_catalog_match (GBytes *catalog, const char *source, const char *origin,
                           const WrappyQuery *q, gboolean keep_all, GPtrArray *hits);

/* Loads and checks an index written by wrappy_catalog_save; INVALID_DATA if damaged. */
GBytes *wrappy_catalog_load (const char *source, const char *origin, GError **error);
GBytes *wrappy_catalog_from_bytes (GBytes *bytes, GError **error);

/* Best first: score, then name, then source. */
void wrappy_search_hits_sort (GPtrArray *hits);

G_END_DECLS
