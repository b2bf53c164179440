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

static gboolean status_drawn;

static gboolean
stderr_is_terminal (void)
{
  return !json && isatty (STDERR_FILENO) && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
}

void
wrappy_status (const char *fmt, ...)
{
  va_list args;

  if (!stderr_is_terminal ())
    return;
  va_start (args, fmt);
  fputc ('\r', stderr);
  vfprintf (stderr, fmt, args);
  fputs ("\033[K", stderr);
  va_end (args);
  fflush (stderr);
  status_drawn = TRUE;
}

void
wrappy_status_clear (void)
{
  if (!status_drawn)
    return;
  fputs ("\r\033[K", stderr);
  fflush (stderr);
  status_drawn = FALSE;
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

/* Progress: on a terminal a line redrawn in place (bar, percent, size, speed, time left,
 * what is being fetched), a spinner when the total is unknown; otherwise (a pipe, a log,
 * --json) nothing until the final line. Like flatpak, which draws only when stdout is a
 * terminal (flatpak_fancy_output, app/flatpak-cli-transaction.c), and like curl and
 * wget, which show speed and time left. */
struct WrappyProgress
{
  char *label;
  gboolean tty;
  gboolean drawn;
  gboolean updated;
  gint64 started;   /* monotonic: made, or the last done (not the first update, which
                     * libostree may send only when the pull has finished) */
  gint64 last_draw; /* monotonic */
  guint64 bytes;    /* the last bytes transferred */
  guint spin;
};

WrappyProgress *
wrappy_progress_new (const char *label)
{
  WrappyProgress *p = g_new0 (WrappyProgress, 1);

  p->label = g_strdup (label);
  p->started = g_get_monotonic_time ();
  p->tty = !json && isatty (STDOUT_FILENO) && isatty (STDERR_FILENO)
           && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
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

/* "0:07", "1:02:03" */
static char *
format_duration (gint64 seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (int)(seconds / 3600), (int)(seconds / 60 % 60),
                            (int)(seconds % 60));
  return g_strdup_printf ("%d:%02d", (int)(seconds / 60), (int)(seconds % 60));
}

/* Bytes per second since the first update, once there is something to go by. */
static guint64
speed (const WrappyProgress *p, gint64 now)
{
  gint64 elapsed = now - p->started;

  return elapsed >= G_USEC_PER_SEC / 2 ? p->bytes * G_USEC_PER_SEC / (guint64)elapsed : 0;
}

/* s, cut to fit width columns (characters). */
static void
put_fitted (GString *line, const char *s, int width)
{
  glong n = g_utf8_strlen (s, -1);

  if (width <= 0)
    return;
  if (n <= width)
    g_string_append (line, s);
  else
    {
      const char *end = g_utf8_offset_to_pointer (s, MAX (width - 1, 0));
      g_string_append_len (line, s, end - s);
      g_string_append (line, "…");
    }
}

static void
draw (WrappyProgress *p, guint64 done, guint64 total, const char *detail, gint64 now)
{
  static const char spinner[] = "|/-\\";
  g_autoptr (GString) line = g_string_new (NULL);
  g_autoptr (GString) fitted = g_string_new (NULL);
  g_autofree char *size = g_format_size (p->bytes);
  guint64 rate = speed (p, now);
  int width = terminal_width () - 1;

  g_string_append (line, p->label);
  if (total > 0)
    {
      int percent = (int)MIN (100, done * 100 / total);
      int bar = CLAMP (width / 4, 10, 30), filled = bar * percent / 100;
      g_string_append (line, " [");
      for (int i = 0; i < bar; i++)
        g_string_append_c (line, i < filled ? '#' : '-');
      g_string_append_printf (line, "] %3d%%", percent);
    }
  else
    g_string_append_printf (line, " %c", spinner[p->spin++ % 4]);
  g_string_append_printf (line, "  %s", size);
  if (rate > 0)
    {
      g_autofree char *r = g_format_size (rate);
      /* TRANSLATORS: a download speed, "1.2 MB/s" */
      g_string_append_printf (line, "  ");
      g_string_append_printf (line, _ ("%s/s"), r);
      if (total > 0 && done > 0 && done < total)
        {
          gint64 left = (now - p->started) / G_USEC_PER_SEC * (gint64)(total - done) / (gint64)done;
          g_autofree char *d = format_duration (left);
          g_string_append (line, "  ");
          /* TRANSLATORS: time left, "0:07 left" */
          g_string_append_printf (line, _ ("%s left"), d);
        }
    }
  if (detail != NULL && *detail != '\0')
    g_string_append_printf (line, "  %s", detail);
  /* Cut to the terminal (what is fetched goes first), and erase what a longer line
   * before left: a line that wrapped could not be redrawn in place. */
  put_fitted (fitted, line->str, width);
  fprintf (stderr, "\r%s\033[K", fitted->str);
  fflush (stderr);
  p->drawn = TRUE;
}

void
wrappy_progress_update_full (WrappyProgress *p, guint64 done, guint64 total, guint64 bytes,
                             const char *detail)
{
  gint64 now = g_get_monotonic_time ();

  if (json)
    return;
  p->updated = TRUE;
  p->bytes = bytes;
  if (!p->tty)
    return;
  /* Redraw at most 10 times a second; a line that flickers helps nobody. */
  if (p->drawn && now - p->last_draw < G_USEC_PER_SEC / 10 && (total == 0 || done < total))
    return;
  p->last_draw = now;
  draw (p, done, total, detail, now);
}

void
wrappy_progress_update (WrappyProgress *p, guint64 done, guint64 total, const char *detail)
{
  wrappy_progress_update_full (p, done, total, done, detail);
}

void
wrappy_progress_done (WrappyProgress *p)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *size = NULL;
  g_autofree char *took = NULL;
  g_autofree char *rate = NULL;
  gint64 elapsed;

  if (json || !p->updated)
    return;
  if (p->tty && p->drawn)
    fputs ("\r\033[K", stderr);
  p->drawn = FALSE;
  p->updated = FALSE;
  elapsed = now - p->started;
  p->started = now;
  size = g_format_size (p->bytes);
  took = format_duration ((elapsed + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC);
  rate = g_format_size (elapsed > 0 ? p->bytes * G_USEC_PER_SEC / (guint64)elapsed : p->bytes);
  /* TRANSLATORS: "Downloading: 12.3 MB in 0:04 (3.1 MB/s)" */
  fprintf (stderr, _ ("%s: %s in %s (%s/s)\n"), p->label, size, took, rate);
}

void
wrappy_progress_free (WrappyProgress *p)
{
  if (p == NULL)
    return;
  /* Without done (a failed download): leave the terminal's line clean, say nothing. */
  if (p->tty && p->drawn)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
    }
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

char *
wrappy_printable (const char *s, gssize max)
{
  gsize len = strlen (s);
  char *v = g_utf8_make_valid (s, max >= 0 ? (gssize)MIN (len, (gsize)max) : (gssize)len);

  for (char *p = v; *p; p++)
    if ((guchar)*p < 0x20 || *p == 0x7f)
      *p = ' ';
  return v;
}
