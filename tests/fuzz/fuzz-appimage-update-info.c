/* An AppImage's update information, the .upd_info text (wrappy-appimage-update.c). */
#include "config.h"

#include "wrappy-appimage-private.h"
#include "wrappy-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_auto (WrappyAppImageUpdateInfo) ui = { 0 };

  wrappy_appimage_parse_update_info (text, &ui, NULL);
  return 0;
}
