/* A GitHub release's JSON, as the feed's install by name and gh-releases-zsync update
 * information read it (wrappy-appimage-feed.c): the asset to download. */
#include "config.h"

#include <string.h>

#include "wrappy-appimage-feed.h"
#include "wrappy-fuzz.h"

static void
check_url (const char *url)
{
  /* Only http(s) URLs without white space are ever downloaded. */
  g_assert (url == NULL || (g_str_has_prefix (url, "http") && strpbrk (url, " \t\r\n") == NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) json = g_bytes_new (data, size);
  const char *arches[] = { "x86_64", "aarch64", "i386" };
  g_autofree char *zsync = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (arches); i++)
    {
      g_autofree char *url = wrappy_appimage_pick_asset (json, arches[i], "release", NULL);
      check_url (url);
    }
  zsync = wrappy_appimage_pick_glob_asset (json, "*x86_64.AppImage.zsync", "release", NULL);
  check_url (zsync);
  return 0;
}
