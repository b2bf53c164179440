#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "wrappy-catalog.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"
#include "wrappy-search-output.h"

enum
{
  COL_ID,
  COL_NAME,
  COL_SUMMARY,
  COL_VERSION,
  COL_SOURCE,
  N_COLS
};

static const char *const headers[N_COLS]
    = { N_ ("ID"), N_ ("Name"), N_ ("Summary"), N_ ("Version"), N_ ("Source") };

/* What a table row shows; the summary is the column that gives way on a narrow terminal. */
static const int max_width[N_COLS] = { 45, 30, 0, 16, 0 };

char *
wrappy_ellipsize (const char *s, int width)
{
  glong len = g_utf8_strlen (s, -1);

  if (width <= 0)
    return g_strdup ("");
  if (len <= width)
    return g_strdup (s);
  if (width == 1)
    return g_strdup ("…");
  {
    g_autofree char *head = g_utf8_substring (s, 0, width - 1);
    return g_strconcat (head, "…", NULL);
  }
}

/* Columns of the terminal stdout is, or 0 (no limit) when it is not one. */
static int
terminal_columns (void)
{
  struct winsize ws;

  if (isatty (STDOUT_FILENO) && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  return 0;
}

static void
fit_widths (int widths[N_COLS], int columns)
{
  int used = 0;

  for (int c = 0; c < N_COLS; c++)
    if (max_width[c] > 0)
      widths[c] = MIN (widths[c], max_width[c]);
  if (columns == 0)
    return;
  for (int c = 0; c < N_COLS; c++)
    used += widths[c] + (c + 1 < N_COLS ? 2 : 0);
  /* Give way with the summary first, then the name, the ID and the version, never
   * below a few characters: a row that wraps is worse than one that is cut. */
  if (used > columns)
    {
      int over = used - columns;
      const int order[] = { COL_SUMMARY, COL_NAME, COL_ID, COL_VERSION };
      const int floor[] = { 4, 6, 10, 5 };

      for (guint i = 0; i < G_N_ELEMENTS (order) && over > 0; i++)
        {
          int give = MIN (over, widths[order[i]] - floor[i]);
          if (give > 0)
            {
              widths[order[i]] -= give;
              over -= give;
            }
        }
    }
}

/* Prints s in a cell of width columns (len: its length in characters), cut with "…"
 * when longer and padded unless it is the last. */
static void
print_cell (const char *s, glong len, int width, gboolean last)
{
  if (len > width)
    {
      g_autofree char *cut = wrappy_ellipsize (s, width);
      fputs (cut, stdout);
      len = width;
    }
  else
    fputs (s, stdout);
  if (!last)
    printf ("%*s", (int)(width - len + 2), "");
}

typedef struct
{
  const char *cell[N_COLS];
  glong len[N_COLS];
} Row;

void
wrappy_search_print_table (GPtrArray *hits)
{
  g_autofree Row *rows = g_new0 (Row, hits->len + 1);
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  int widths[N_COLS];

  /* rows[0] is the header. Lengths are counted once: a broad query lists thousands. */
  for (int c = 0; c < N_COLS; c++)
    rows[0].cell[c] = _ (headers[c]);
  for (guint i = 0; i < hits->len; i++)
    {
      const WrappySearchHit *h = hits->pdata[i];
      Row *r = &rows[i + 1];

      r->cell[COL_ID] = h->id;
      r->cell[COL_NAME] = h->name;
      r->cell[COL_SUMMARY] = h->summary;
      r->cell[COL_VERSION] = h->version;
      r->cell[COL_SOURCE] = h->source;
      if (h->installed)
        {
          char *label = g_strdup_printf (_ ("%s (installed)"), h->source);
          g_ptr_array_add (labels, label);
          r->cell[COL_SOURCE] = label;
        }
    }
  for (int c = 0; c < N_COLS; c++)
    widths[c] = 0;
  for (guint i = 0; i <= hits->len; i++)
    for (int c = 0; c < N_COLS; c++)
      {
        rows[i].len[c] = g_utf8_strlen (rows[i].cell[c], -1);
        widths[c] = MAX (widths[c], rows[i].len[c]);
      }
  fit_widths (widths, terminal_columns ());
  for (guint i = 0; i <= hits->len; i++)
    {
      for (int c = 0; c < N_COLS; c++)
        print_cell (rows[i].cell[c], rows[i].len[c], widths[c], c + 1 == N_COLS);
      fputc ('\n', stdout);
    }
}

static void
append_json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p; p++)
    {
      guchar c = *p;
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static void
append_member (GString *out, const char *key, const char *value, gboolean last)
{
  g_string_append_printf (out, "    \"%s\" : ", key);
  if (value != NULL && *value != '\0')
    append_json_string (out, value);
  else
    g_string_append (out, "null");
  g_string_append (out, last ? "\n" : ",\n");
}

void
wrappy_search_print_json (GPtrArray *hits)
{
  g_autoptr (GString) out = g_string_new ("[");

  for (guint i = 0; i < hits->len; i++)
    {
      const WrappySearchHit *h = hits->pdata[i];

      g_string_append (out, i == 0 ? "\n  {\n" : ",\n  {\n");
      append_member (out, "id", h->id, FALSE);
      append_member (out, "name", h->name, FALSE);
      append_member (out, "summary", h->summary, FALSE);
      append_member (out, "version", h->version, FALSE);
      append_member (out, "source", h->source, FALSE);
      append_member (out, "origin", h->origin, FALSE);
      g_string_append_printf (out, "    \"installed\" : %s\n  }", h->installed ? "true" : "false");
    }
  g_string_append (out, hits->len > 0 ? "\n]\n" : "]\n");
  fputs (out->str, stdout);
}
