/* Flatpak's metadata key file (wrappy-flatpak-metadata.c). */
#include "config.h"

#include "wrappy-flatpak-metadata.h"
#include "wrappy-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (WrappyFlatpakMetadata) md
      = wrappy_flatpak_metadata_parse ((const char *)data, size, "stable", NULL);

  if (md != NULL)
    g_assert (md->name != NULL);
  return 0;
}
