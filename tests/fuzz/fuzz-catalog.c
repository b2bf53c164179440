/* The search index reader (wrappy-catalog.c): a damaged index in the cache must be
 * refused or walked without leaving it. */
#include "config.h"

#include "wrappy-catalog.h"
#include "wrappy-fuzz.h"

static void
match (GBytes *catalog, const char *words, gboolean keep_all)
{
  g_auto (GStrv) split = g_strsplit (words, " ", -1);
  g_autoptr (WrappyQuery) q = wrappy_query_new (split);
  g_autoptr (GPtrArray) hits
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_search_hit_free);

  wrappy_catalog_match (catalog, "flathub", "fuzz", q, keep_all, hits);
  wrappy_search_hits_sort (hits);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GBytes) catalog = wrappy_catalog_from_bytes (bytes, NULL);

  if (catalog == NULL)
    return 0;
  match (catalog, "editor", FALSE);
  match (catalog, "org.example.App", FALSE);
  match (catalog, "text Éditeur", TRUE);
  match (catalog, "", TRUE);
  return 0;
}
