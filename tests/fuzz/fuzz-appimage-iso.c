/* The type 1 AppImage reader: an ISO 9660 image extracted with libarchive under the
 * safety rules of wrappy-appimage-iso.c. The input is the image after its 32 KiB system
 * area (which only holds the ELF runtime), so that the corpus stays small. */
#include "config.h"

#include "wrappy-appimage-private.h"
#include "wrappy-fuzz.h"

#define SYSTEM_AREA 32768

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *image = wrappy_fuzz_file (data, size, SYSTEM_AREA);
  g_autofree char *dest = g_build_filename (wrappy_fuzz_tmpdir (), "iso", NULL);
  g_autoptr (GError) error = NULL;

  wrappy_appimage_extract_iso (image, dest, NULL, &error);
  wrappy_fuzz_remove ("iso");
  return 0;
}
