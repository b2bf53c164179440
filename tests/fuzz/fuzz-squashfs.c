/* The squashfs reader's path checks (wrappy-squashfs.c): listing, reading one file
 * through symlinks that must stay inside the image, and extracting with small limits.
 * The input is an image starting at byte 0. */
#include "config.h"

#include "wrappy-fuzz.h"
#include "wrappy-squashfs.h"

#define MAX_NAMES 4

static void
read_and_list (const char *image, const char *path)
{
  g_autoptr (GBytes) bytes = NULL;
  g_auto (GStrv) names = NULL;

  bytes = wrappy_squashfs_read_file (image, 0, path, 64 * 1024, NULL);
  names = wrappy_squashfs_list_dir (image, 0, path, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *image = wrappy_fuzz_file (data, size, 0);
  g_autofree char *dest = g_build_filename (wrappy_fuzz_tmpdir (), "sqfs", NULL);
  WrappySquashfsLimits limits = { .max_total_bytes = 1 << 20, .max_entries = 1000 };
  g_auto (GStrv) top = wrappy_squashfs_list_dir (image, 0, "", NULL);

  for (guint i = 0; top != NULL && top[i] != NULL && i < MAX_NAMES; i++)
    read_and_list (image, top[i]);
  read_and_list (image, "meta/snap.yaml");
  read_and_list (image, "a/../b/./c");
  wrappy_squashfs_extract (image, 0, dest, &limits, NULL, NULL);
  wrappy_fuzz_remove ("sqfs");
  return 0;
}
