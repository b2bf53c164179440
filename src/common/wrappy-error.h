/* One error domain for everything wrappy reports to the user. */
#pragma once

#include <glib.h>
#include <errno.h>

G_BEGIN_DECLS

#define WRAPPY_ERROR (wrappy_error_quark ())

typedef enum
{
  WRAPPY_ERROR_FAILED,
  WRAPPY_ERROR_USAGE,      /* bad command line: exit status 2 */
  WRAPPY_ERROR_INVALID_ID, /* an app ID, ref or name that fails validation */
  WRAPPY_ERROR_NOT_INSTALLED,
  WRAPPY_ERROR_ALREADY_INSTALLED,
  WRAPPY_ERROR_NOT_FOUND, /* not on the remote, no such file, no such remote */
  WRAPPY_ERROR_NETWORK,
  WRAPPY_ERROR_INVALID_DATA, /* malformed metadata, bundle, flatpakref, manifest */
  WRAPPY_ERROR_UNTRUSTED,    /* GPG or checksum verification failed */
  WRAPPY_ERROR_SANDBOX_SETUP,
  WRAPPY_ERROR_BUSY, /* another wrappy holds the lock */
  WRAPPY_ERROR_NO_SPACE,
  WRAPPY_ERROR_NO_MEMORY, /* an allocation failed (an unpack child under its memory limit) */
} WrappyErrorCode;

GQuark wrappy_error_quark (void);

/* Sets a G_FILE_ERROR (GLib only: `wrappy` does not load GIO) from errno with the call and the
 * path: "openat(/x): No such file". */
gboolean wrappy_throw_errno (GError **error, const char *call, const char *path);

/* Like g_prefix_error but keeps the message on one line. */
void wrappy_prefix_error (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
