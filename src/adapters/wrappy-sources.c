/* The one place a source is chosen (wrappy-source.h). The list comes from the source
 * folders src/adapters/meson.build finds (WRAPPY_SOURCE_LIST in wrappy-source-list.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "wrappy-source-list.h"
#include "wrappy-source.h"

#define X(s) extern const WrappySource wrappy_source_##s;
WRAPPY_SOURCE_LIST
#undef X

#define X(s) &wrappy_source_##s,
static const WrappySource *builtin_sources[] = { WRAPPY_SOURCE_LIST NULL };
#undef X

static const WrappySource *const *sources;

static int
compare_order (gconstpointer a, gconstpointer b)
{
  const WrappySource *sa = *(const WrappySource *const *)a;
  const WrappySource *sb = *(const WrappySource *const *)b;

  return sa->order != sb->order ? (sa->order < sb->order ? -1 : 1) : strcmp (sa->name, sb->name);
}

/* The folders' tables come in the build's order (a directory listing): sorted once by
 * their own order. */
const WrappySource *const *
wrappy_sources (void)
{
  if (sources == NULL)
    {
      qsort (builtin_sources, G_N_ELEMENTS (builtin_sources) - 1, sizeof builtin_sources[0],
             compare_order);
      sources = (const WrappySource *const *)builtin_sources;
    }
  return sources;
}

void
wrappy_sources_set_for_testing (const WrappySource *const *list)
{
  sources = list;
}

const WrappySource *
wrappy_source_find (const char *name)
{
  if (name == NULL)
    return NULL;
  for (const WrappySource *const *s = wrappy_sources (); *s != NULL; s++)
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

  for (const WrappySource *const *s = wrappy_sources (); *s != NULL; s++)
    g_strv_builder_add (b, (*s)->name);
  names = g_strv_builder_end (b);
  return g_strjoinv (", ", names);
}
