/* wrappy_print_json, apart from wrappy-output.c so that `wrappy run` (which prints no
 * JSON) does not load json-glib and GObject. */
#include "config.h"

#include <stdio.h>

#include "wrappy-output.h"

void
wrappy_print_json (JsonBuilder *b)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *s = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  s = json_generator_to_data (gen, NULL);
  fputs (s, stdout);
  fputc ('\n', stdout);
}
