/* The hidden `wrappy-backend unpack-image squashfs|iso IMAGE OFFSET DEST` (and
 * `squashfs-file IMAGE OFFSET DEST MEMBER MAX`, one file of the image): the child
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

/* squashfs-file: one member of the image, written to DEST (in a directory the parent
 * made for it alone). */
static gboolean
read_member (const char *image, guint64 offset, const char *dest, const char *member, gsize max,
             GError **error)
{
  g_autoptr (GBytes) bytes = wrappy_squashfs_read_file (image, offset, member, max, error);
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;

  return bytes != NULL
         && g_file_set_contents_full (dest, data, (gssize)len, G_FILE_SET_CONTENTS_NONE, 0600,
                                      error);
}

WRAPPY_BUILTIN (unpack_image)
{
  g_autoptr (GError) local_error = NULL;
  guint64 offset = 0, max = 0;
  gboolean ok;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc < 5 || !g_ascii_string_to_unsigned (argv[3], 10, 0, G_MAXINT64, &offset, NULL)
      || !g_path_is_absolute (argv[4])
      || !((argc == 5 && strcmp (argv[1], "squashfs") == 0)
           || (argc == 5 && strcmp (argv[1], "iso") == 0 && offset == 0)
           || (argc == 7 && strcmp (argv[1], "squashfs-file") == 0
               && g_ascii_string_to_unsigned (argv[6], 10, 1, G_MAXINT32, &max, NULL))))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("usage: wrappy-backend unpack-image squashfs|iso IMAGE OFFSET DEST, or "
                      "squashfs-file IMAGE OFFSET DEST MEMBER MAX"));
      return FALSE;
    }
  ok = wrappy_unpack_confine (argv[2], argv[4], &local_error);
  if (ok && strcmp (argv[1], "iso") == 0)
    ok = wrappy_appimage_extract_iso (argv[2], argv[4], NULL, &local_error);
  else if (ok && strcmp (argv[1], "squashfs") == 0)
    ok = wrappy_squashfs_extract (argv[2], offset, argv[4], NULL, NULL, &local_error);
  else if (ok)
    ok = read_member (argv[2], offset, argv[4], argv[5], (gsize)max, &local_error);
  if (!ok)
    *exit_code = wrappy_unpack_child_report (local_error);
  return TRUE;
}
