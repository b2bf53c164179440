/* "Did you mean": the closest of some names to a word the user typed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Levenshtein distance counting an adjacent transposition as one edit (optimal string
 * alignment), ASCII case ignored. */
guint wrappy_edit_distance (const char *a, const char *b);

/* The candidate closest to word, when it is close enough to be a typo of it (at most one
 * edit in three characters, three at most) or word is the start of exactly one candidate;
 * else NULL. Ties go to the first candidate. */
const char *wrappy_suggest (const char *word, const char *const *candidates);

G_END_DECLS
