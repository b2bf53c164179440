/* Path-pattern config files (wrappy-paths.c): parsing, and which rules apply. Matching
 * walks the host's file system and is left out. */
#include "config.h"

#include "wrappy-fuzz.h"
#include "wrappy-paths.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_autoptr (WrappyPaths) paths = wrappy_paths_new ();
  const char *env[]
      = { "HOME=/home/alice", "XDG_RUNTIME_DIR=/run/user/1000", "ODD=/srv/a+b(c)", NULL };
  const char *sockets[] = { "wayland", "pulseaudio", NULL };
  const char *devices[] = { "dri", NULL };

  wrappy_paths_parse (paths, "fuzz.conf", text, (char **)env, NULL);
  for (guint i = 0; i < paths->rules->len; i++)
    wrappy_path_rule_applies (paths->rules->pdata[i], (char **)sockets, (char **)devices, NULL);
  return 0;
}
