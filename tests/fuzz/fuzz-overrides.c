/* The user's overrides file, overrides/ID, as the policy reads it
 * (wrappy_policy_load_overrides: [Context], [Environment], [Wrappy]). */
#include "config.h"

#include "wrappy-fuzz.h"
#include "wrappy-permissions.h"
#include "wrappy-policy.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *dir = g_build_filename (wrappy_fuzz_tmpdir (), "wrappy", "overrides", NULL);
  g_autofree char *file = g_build_filename (dir, "org.example.App", NULL);
  g_autoptr (WrappyPermissions) perms = NULL;
  g_autofree char *level = NULL;

  /* wrappy_dirs_config () reads it once, on the first call. */
  g_setenv ("XDG_CONFIG_HOME", wrappy_fuzz_tmpdir (), TRUE);
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (file, (const char *)data, size, G_FILE_SET_CONTENTS_NONE, 0600,
                                    NULL))
    g_error ("cannot write %s", file);
  wrappy_policy_load_overrides ("org.example.App", &perms, &level, NULL);
  return 0;
}
