/* Desktop file rewriting on export (wrappy-export.c): an app's launcher, untrusted. */
#include "config.h"

#include <string.h>

#include "wrappy-export.h"
#include "wrappy-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *out = wrappy_export_rewrite_desktop ("org.example.App", (const char *)data, size,
                                                        "/usr/bin/wrappy", NULL);

  if (out != NULL)
    g_assert (strstr (out, WRAPPY_EXPORT_MARKER_KEY "=org.example.App") != NULL);
  return 0;
}
