/* Pieces several builtins share: how an app is shown (table row, JSON object). */
#pragma once

#include <json-glib/json-glib.h>

#include "wrappy-gc.h"
#include "wrappy-manifest.h"

G_BEGIN_DECLS

/* "org.x.Platform//23.08" for the app's base layer. */
char *wrappy_cli_base_name (WrappyManifest *m);

/* What kind of source the app came from, as the user knows it (the source's kind:
 * "flatpak", "appimage", "snap"; the manifest's source "flathub" is any Flatpak remote). */
const char *wrappy_cli_source_kind (const WrappyManifest *m);

/* Where it came from, as its source describes it (describe_origin): the remote's name
 * (Flatpak, with its URL when with_url and it is still configured), "Snap Store" or the
 * snap file, the AppImage's URL or file. */
char *wrappy_cli_origin (const WrappyManifest *m, gboolean with_url);

/* The object SPEC.md promises: id, name, version, source, origin, base, installed_size
 * (and with_layers, each layer with its kind, ref, commit, path and mount). */
void wrappy_cli_add_app_json (JsonBuilder *b, WrappyManifest *m, gboolean with_layers);

/* Prints what gc removed (or would) and freed, or its JSON object. */
void wrappy_cli_report_gc (WrappyGcResult *r);

/* Asks a yes/no question on the terminal (stderr), default no. FALSE without a terminal
 * on stdin: the caller says what to add (--yes) instead of guessing. */
gboolean wrappy_cli_ask (const char *question);

/* TRUE when yes (--yes) or the user answers yes to question. Otherwise FALSE with error
 * set: no_terminal when there is no terminal to ask on, declined when the answer is no. */
gboolean wrappy_cli_confirm (gboolean yes, const char *question, const char *no_terminal,
                             const char *declined, GError **error);

G_END_DECLS
