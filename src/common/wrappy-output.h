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
/* Only with --verbose. */
void wrappy_debug (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/* A progress display: a redrawn bar on a terminal, a line every 25% otherwise. */
typedef struct WrappyProgress WrappyProgress;
WrappyProgress *wrappy_progress_new (const char *label);
void wrappy_progress_update (WrappyProgress *p, guint64 done, guint64 total, const char *detail);
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

G_END_DECLS
