#include "config.h"

#include <string.h>

#include "wrappy-suggest.h"

guint
wrappy_edit_distance (const char *a, const char *b)
{
  gsize n = strlen (a), m = strlen (b);
  g_autofree guint *d = g_new (guint, (n + 1) * (m + 1));
  guint result;

#define D(i, j) d[(i) * (m + 1) + (j)]
  for (gsize i = 0; i <= n; i++)
    D (i, 0) = i;
  for (gsize j = 0; j <= m; j++)
    D (0, j) = j;
  for (gsize i = 1; i <= n; i++)
    for (gsize j = 1; j <= m; j++)
      {
        guint cost = g_ascii_tolower (a[i - 1]) != g_ascii_tolower (b[j - 1]);
        guint best = MIN (D (i - 1, j) + 1, D (i, j - 1) + 1);

        best = MIN (best, D (i - 1, j - 1) + cost);
        if (i > 1 && j > 1 && g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 2])
            && g_ascii_tolower (a[i - 2]) == g_ascii_tolower (b[j - 1]))
          best = MIN (best, D (i - 2, j - 2) + 1);
        D (i, j) = best;
      }
  result = D (n, m);
#undef D
  return result;
}

const char *
wrappy_suggest (const char *word, const char *const *candidates)
{
  gsize len = strlen (word);
  guint limit = CLAMP (len / 3, 1, 3), best_distance = G_MAXUINT;
  const char *best = NULL, *prefixed = NULL;
  guint n_prefixed = 0;

  if (len == 0 || candidates == NULL)
    return NULL;
  for (const char *const *c = candidates; *c != NULL; c++)
    {
      guint distance = wrappy_edit_distance (word, *c);

      /* "x" is one edit from "gc" only by replacing all of it. */
      if (distance < best_distance && distance <= limit && distance < strlen (*c))
        {
          best = *c;
          best_distance = distance;
        }
      if (len >= 2 && g_ascii_strncasecmp (*c, word, len) == 0)
        {
          prefixed = *c;
          n_prefixed++;
        }
    }
  if (best != NULL)
    return best;
  return n_prefixed == 1 ? prefixed : NULL;
}
