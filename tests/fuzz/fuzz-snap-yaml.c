/* meta/snap.yaml (wrappy-snap-yaml.c) and what install and run ask of it. */
#include "config.h"

#include "wrappy-fuzz.h"
#include "wrappy-snap-yaml.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (WrappySnapYaml) y = wrappy_snap_yaml_parse ((const char *)data, size, NULL);
  g_auto (GStrv) interfaces = NULL;

  if (y == NULL)
    return 0;
  interfaces = wrappy_snap_yaml_interfaces (y);
  for (guint i = 0; interfaces[i] != NULL; i++)
    wrappy_snap_yaml_get_plug (y, interfaces[i]);
  for (guint i = 0; i < y->apps->len; i++)
    {
      const WrappySnapApp *app = y->apps->pdata[i];
      g_assert (wrappy_snap_yaml_get_app (y, app->name) != NULL);
    }
  wrappy_snap_yaml_get_app (y, y->name);
  return 0;
}
