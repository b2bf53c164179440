/* The AppImage ELF reader: magic, type, section header table, payload offset and the
 * .upd_info section (wrappy-appimage-elf.c). The input is the whole file. */
#include "config.h"

#include "wrappy-appimage.h"
#include "wrappy-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = wrappy_fuzz_file (data, size, 0);
  g_auto (WrappyAppImageInfo) info = { 0 };
  g_autoptr (GError) error = NULL;

  wrappy_appimage_looks_like (path);
  if (wrappy_appimage_probe (path, &info, &error))
    g_assert (info.type == 1 || info.type == 2);
  return 0;
}
