/* The user's overrides file, overrides/ID (wrappy_isolation_from_overrides). */
#include "config.h"

#include "wrappy-fuzz.h"
#include "wrappy-launch-spec.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *dir = g_build_filename (wrappy_fuzz_tmpdir (), "overrides", NULL);
  g_autofree char *file = g_build_filename (dir, "org.example.App", NULL);
  WrappyIsolation level = WRAPPY_ISOLATION_FULL;
  gboolean found;

  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (file, (const char *)data, size, G_FILE_SET_CONTENTS_NONE, 0600,
                                    NULL))
    g_error ("cannot write %s", file);
  wrappy_isolation_from_overrides (wrappy_fuzz_tmpdir (), "org.example.App", &level, &found, NULL);
  g_assert (level <= WRAPPY_ISOLATION_PARANOID);
  return 0;
}
