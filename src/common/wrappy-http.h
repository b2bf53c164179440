/* Small HTTP(S) fetches through libcurl (catalogs, .flatpakrepo files). Bulk downloads
 * with progress and resume live with the adapters that need them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The body of url, at most max_bytes; NETWORK errors name the URL and what to check. */
GBytes *wrappy_http_get (const char *url, gsize max_bytes, GError **error);

G_END_DECLS
