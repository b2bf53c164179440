/* How `wrappy search` shows its results: a table sized to the terminal, or the JSON
 * array SPEC.md promises. GLib only (the front prints these without json-glib). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* hits: WrappySearchHit*, best first. */
void wrappy_search_print_table (GPtrArray *hits);
void wrappy_search_print_json (GPtrArray *hits);

/* s with its end replaced by "…" so that it takes at most width columns. */
char *wrappy_ellipsize (const char *s, int width);

G_END_DECLS
