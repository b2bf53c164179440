/* The one place a source is chosen (wrappy-source.h). The list comes from
 * src/adapters/meson.build (WRAPPY_SOURCE_LIST in wrappy-source-list.h). */
#include "config.h"

#include <string.h>

#include "wrappy-source-list.h"
#include "wrappy-source.h"

#define X(s) extern const WrappySource wrappy_source_##s;
WRAPPY_SOURCE_LIST
#undef X

#define X(s) &wrappy_source_##s,
static const WrappySource *const builtin_sources[] = { WRAPPY_SOURCE_LIST NULL };
#undef X

static const WrappySource *const *sources = builtin_sources;

const WrappySource *const *
wrappy_sources (void)
{
  return sources;
}

void
wrappy_sources_set_for_testing (const WrappySource *const *list)
{
  sources = list != NULL ? list : builtin_sources;
}

const WrappySource *
wrappy_source_find (const char *name)
{
  if (name == NULL)
    return NULL;
  for (const WrappySource *const *s = sources; *s != NULL; s++)
    if (strcmp ((*s)->name, name) == 0
        || ((*s)->aliases != NULL && g_strv_contains ((const char *const *)(*s)->aliases, name)))
      return *s;
  return NULL;
}

const WrappySource *
wrappy_source_of (const WrappyManifest *m)
{
  return m != NULL ? wrappy_source_find (m->source) : NULL;
}

char *
wrappy_source_names (void)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_auto (GStrv) names = NULL;

  for (const WrappySource *const *s = sources; *s != NULL; s++)
    g_strv_builder_add (b, (*s)->name);
  names = g_strv_builder_end (b);
  return g_strjoinv (", ", names);
}
