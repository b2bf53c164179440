/* Bulk downloads for the adapters (AppImages, snaps): through libcurl into
 * $XDG_CACHE_HOME/wrappy/downloads, resumable, with a progress bar on a terminal. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Downloads url into the downloads cache as NAME (one safe path element) and returns
 * the complete file's path. The data goes to NAME.part first; a .part left by an
 * interrupted run is resumed with a Range request from its size (a server that ignores
 * Range sends the whole body, which then replaces it). The complete file is renamed to
 * NAME. At most max_bytes (0: no limit). Progress is drawn only when stderr is a
 * terminal. NETWORK / NOT_FOUND errors name the URL. */
char *wrappy_download (const char *url, const char *name, guint64 max_bytes,
                       GCancellable *cancellable, GError **error);

/* Removes NAME and NAME.part from the downloads cache (for callers that keep nothing
 * of a failed download). */
void wrappy_download_discard (const char *name);

/* The last path element of url without query or fragment, if it is a safe file name
 * (else "download"). */
char *wrappy_download_name_for_url (const char *url);

gboolean wrappy_is_url (const char *s);

G_END_DECLS
