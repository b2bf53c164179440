/* How wrappy talks to the user: quiet lines, a progress bar on a terminal, JSON for scripts. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void wrappy_output_set_verbose (gboolean verbose);
gboolean wrappy_output_verbose (void);
void wrappy_output_set_json (gboolean json);
gboolean wrappy_output_json (void);

/* A status line on stderr ("Installing org.example.App…"); silent with --json. */
void wrappy_info (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
/* What is going on while it takes ("Updating the catalog…"): drawn on a terminal only
 * (stderr) and erased by wrappy_status_clear, so that a log keeps only what happened. */
void wrappy_status (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
void wrappy_status_clear (void);

/* Only with --verbose. */
void wrappy_debug (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/* A progress display on stderr. When stdout and stderr are terminals: one line redrawn in
 * place with the label, a bar and percent (a spinner when total is 0: unknown), the
 * bytes so far, the speed, the time left and detail (what is being fetched), cut to the
 * terminal's width. Otherwise nothing until done, which prints the one final line
 * "LABEL: SIZE in TIME (SPEED)". Silent with --json. */
typedef struct WrappyProgress WrappyProgress;
WrappyProgress *wrappy_progress_new (const char *label);
/* done and total in bytes (total 0: unknown). */
void wrappy_progress_update (WrappyProgress *p, guint64 done, guint64 total, const char *detail);
/* done and total in any unit (objects), bytes the bytes transferred so far. */
void wrappy_progress_update_full (WrappyProgress *p, guint64 done, guint64 total, guint64 bytes,
                                  const char *detail);
/* The end of a successful transfer: the final line. Free without it says nothing. */
void wrappy_progress_done (WrappyProgress *p);
void wrappy_progress_free (WrappyProgress *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyProgress, wrappy_progress_free)

/* Pretty-prints what b built to stdout. */
void wrappy_print_json (JsonBuilder *b);

/* Prints s left-aligned in width terminal columns (counting characters, not bytes, so
 * that translated labels line up). */
void wrappy_print_padded (const char *s, int width);

/* "12.3 MB" */
char *wrappy_format_size (guint64 bytes);

/* s (its first max bytes; -1: all of it) made safe to show: valid UTF-8, every control
 * character (a terminal escape, a newline) a space. For text from untrusted sources. */
char *wrappy_printable (const char *s, gssize max);

G_END_DECLS
