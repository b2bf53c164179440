#include "config.h"

#include <stdarg.h>
#include <errno.h>
#include <glib.h>

#include "wrappy-error.h"

G_DEFINE_QUARK (wrappy - error - quark, wrappy_error)

gboolean
wrappy_throw_errno (GError **error, const char *call, const char *path)
{
  int errsv = errno;

  if (errsv == ENOSPC || errsv == EDQUOT)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NO_SPACE, "%s(%s): %s", call, path ? path : "",
                 g_strerror (errsv));
  else if (path != NULL)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv), "%s(%s): %s", call, path,
                 g_strerror (errsv));
  else
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv), "%s: %s", call,
                 g_strerror (errsv));
  errno = errsv;
  return FALSE;
}

void
wrappy_prefix_error (GError **error, const char *fmt, ...)
{
  va_list args;
  g_autofree char *prefix = NULL;

  if (error == NULL || *error == NULL)
    return;
  va_start (args, fmt);
  prefix = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_prefix_error (error, "%s: ", prefix);
}
