/* Small HTTP(S) fetches through libcurl (catalogs, .flatpakrepo files, Snap Store queries).
 * Bulk downloads with progress and resume live with the adapters that need them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *const *headers; /* extra "Name: value" lines, NULL-terminated; may be NULL */
  const char *protocols;      /* curl's protocol list; NULL: http,https,file */
  glong connect_timeout_ms;   /* 0: 15 s */
  glong timeout_ms;           /* the whole transfer; 0: none, a stalled one still ends (30 s) */
  gsize max_bytes;
} WrappyHttpOptions;

/* The body of url and its HTTP status, whatever the status is: the caller judges it. A body
 * over max_bytes is INVALID_DATA (a whole sentence naming url). When no answer came: NETWORK
 * whose message is only curl's reason, for the caller to put in its own sentence. */
GBytes *wrappy_http_fetch (const char *url, const WrappyHttpOptions *opts, long *status,
                           GError **error);

/* The body of url, at most max_bytes; NETWORK errors name the URL and what to check. */
GBytes *wrappy_http_get (const char *url, gsize max_bytes, GError **error);

G_END_DECLS
