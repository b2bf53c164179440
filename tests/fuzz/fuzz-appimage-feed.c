/* The AppImageHub feed (wrappy-appimage-feed.c): untrusted JSON to catalog entries. */
#include "config.h"

#include "wrappy-appimage-feed.h"
#include "wrappy-catalog.h"
#include "wrappy-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) json = g_bytes_new (data, size);
  g_autoptr (GPtrArray) entries = wrappy_appimage_feed_parse (json, NULL);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    g_assert (wrappy_appimage_feed_name_is_safe (((WrappyCatalogEntry *)entries->pdata[i])->id));
  return 0;
}
