#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "wrappy-i18n.h"
#include "wrappy-output.h"

static gboolean verbose, json;

void
wrappy_output_set_verbose (gboolean v)
{
  verbose = v;
}

gboolean
wrappy_output_verbose (void)
{
  return verbose;
}

void
wrappy_output_set_json (gboolean j)
{
  json = j;
}

gboolean
wrappy_output_json (void)
{
  return json;
}

void
wrappy_info (const char *fmt, ...)
{
  va_list args;

  if (json)
    return;
  va_start (args, fmt);
  vfprintf (stderr, fmt, args);
  va_end (args);
  fputc ('\n', stderr);
}

void
wrappy_debug (const char *fmt, ...)
{
  va_list args;

  if (!verbose)
    return;
  va_start (args, fmt);
  fputs ("wrappy: ", stderr);
  vfprintf (stderr, fmt, args);
  va_end (args);
  fputc ('\n', stderr);
}

struct WrappyProgress
{
  char *label;
  gboolean tty;
  int last_quarter;
  gboolean drawn;
  gint64 last_draw;
};

WrappyProgress *
wrappy_progress_new (const char *label)
{
  WrappyProgress *p = g_new0 (WrappyProgress, 1);

  p->label = g_strdup (label);
  p->tty = !json && isatty (STDERR_FILENO) && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
  p->last_quarter = -1;
  return p;
}

static int
terminal_width (void)
{
  struct winsize ws;

  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
    return ws.ws_col;
  return 80;
}

void
wrappy_progress_update (WrappyProgress *p, guint64 done, guint64 total, const char *detail)
{
  int percent = total > 0 ? (int)MIN (100, done * 100 / total) : 0;

  if (json)
    return;
  if (p->tty)
    {
      gint64 now = g_get_monotonic_time ();
      int width, bar, filled;

      /* Redraw at most 20 times a second; a bar that flickers helps nobody. */
      if (p->drawn && now - p->last_draw < 50000 && percent < 100)
        return;
      p->last_draw = now;
      width = terminal_width ();
      bar = CLAMP (width - (int)strlen (p->label) - 30, 10, 40);
      filled = bar * percent / 100;
      fprintf (stderr, "\r%s [", p->label);
      for (int i = 0; i < bar; i++)
        fputc (i < filled ? '#' : '-', stderr);
      fprintf (stderr, "] %3d%% %-16.16s", percent, detail ? detail : "");
      fflush (stderr);
      p->drawn = TRUE;
    }
  else if (percent / 25 != p->last_quarter)
    {
      p->last_quarter = percent / 25;
      fprintf (stderr, "%s: %d%%%s%s\n", p->label, percent, detail ? " " : "",
               detail ? detail : "");
    }
}

void
wrappy_progress_done (WrappyProgress *p)
{
  if (p->tty && p->drawn)
    {
      fputc ('\n', stderr);
      p->drawn = FALSE;
    }
}

void
wrappy_progress_free (WrappyProgress *p)
{
  if (p == NULL)
    return;
  wrappy_progress_done (p);
  g_free (p->label);
  g_free (p);
}

void
wrappy_print_padded (const char *s, int width)
{
  glong n = g_utf8_strlen (s ? s : "", -1);

  fputs (s ? s : "", stdout);
  for (glong i = n; i < width; i++)
    fputc (' ', stdout);
}

char *
wrappy_format_size (guint64 bytes)
{
  return g_format_size (bytes);
}
