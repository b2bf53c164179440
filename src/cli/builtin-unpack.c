/* The hidden `wrappy-backend unpack-image squashfs|iso IMAGE OFFSET DEST`: the child
 * that wrappy_unpack (src/adapters/common/wrappy-unpack.c) starts to unpack an untrusted
 * image under its limits, confined by wrappy_unpack_confine. It reports an error as one
 * tagged line on stderr, which the parent turns back into the error. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "wrappy-appimage-private.h"
#include "wrappy-builtins.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-squashfs.h"
#include "wrappy-unpack.h"

WRAPPY_BUILTIN (unpack_image)
{
  g_autoptr (GError) local_error = NULL;
  guint64 offset = 0;
  gboolean iso;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc != 5 || (strcmp (argv[1], "squashfs") != 0 && strcmp (argv[1], "iso") != 0)
      || !g_ascii_string_to_unsigned (argv[3], 10, 0, G_MAXINT64, &offset, NULL)
      || !g_path_is_absolute (argv[4]))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("usage: wrappy-backend unpack-image squashfs|iso IMAGE OFFSET DEST"));
      return FALSE;
    }
  iso = strcmp (argv[1], "iso") == 0;
  if (wrappy_unpack_confine (argv[2], argv[4], &local_error)
      && (iso ? offset == 0 && wrappy_appimage_extract_iso (argv[2], argv[4], NULL, &local_error)
              : wrappy_squashfs_extract (argv[2], offset, argv[4], NULL, NULL, &local_error)))
    return TRUE;
  if (local_error == NULL)
    g_set_error (&local_error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, "an ISO image has no offset");
  *exit_code = wrappy_unpack_child_report (local_error);
  return TRUE;
}
