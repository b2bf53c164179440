/* The header of a .zsync control file (wrappy-appimage-update.c). */
#include "config.h"

#include "wrappy-appimage-private.h"
#include "wrappy-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_auto (WrappyZsyncHeader) h = { 0 };

  if (wrappy_zsync_parse_header ((const char *)data, size,
                                 "https://example.org/releases/App.AppImage.zsync", &h, NULL))
    g_assert (h.sha1 != NULL && h.url != NULL && h.length > 0);
  return 0;
}
