/* Desktop integration (SPEC.md, "Where things live"): an installed app's launchers and
 * icons, copied from its app layer into $XDG_DATA_HOME/applications and
 * $XDG_DATA_HOME/icons/hicolor so that menus find them, with Exec rewritten to go
 * through `wrappy run`. The app's tree is untrusted: symlinks are never followed, only
 * regular files named after the app are taken, and their sizes are bounded. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The key every exported .desktop file carries; its value is the app ID. */
#define WRAPPY_EXPORT_MARKER_KEY "X-Wrappy-App"

#define WRAPPY_EXPORT_MAX_DESKTOP_SIZE (1024 * 1024)
#define WRAPPY_EXPORT_MAX_ICON_SIZE    (10 * 1024 * 1024)

/* Exports the launchers (files/share/applications/ID*.desktop) and hicolor icons
 * (files/share/icons/hicolor/SIZE/CATEGORY/ID*.{png,svg,svgz}) found in app_files_dir,
 * the directory mounted at /app in the sandbox. wrappy_path is the absolute path of the
 * wrappy binary to put in Exec. Files that are unsafe or malformed are skipped with a
 * warning. Files exported for app_id earlier and not exported this time are removed.
 * exported_out (nullable) receives the exported files as paths relative to
 * $XDG_DATA_HOME ("applications/ID.desktop", "icons/hicolor/48x48/apps/ID.png"). */
gboolean wrappy_export_app (const char *app_id, const char *app_files_dir, const char *wrappy_path,
                            GPtrArray *exported_out, GError **error);

/* Removes what wrappy exported for app_id: the .desktop files named after it that carry
 * X-Wrappy-App=app_id, and the hicolor icons named after it (but not those named after
 * another installed app, such as ID.Plugin). Nothing exported is not an error. */
gboolean wrappy_export_remove (const char *app_id, GError **error);

/* The app IDs that exported launchers in $XDG_DATA_HOME/applications belong to (their
 * X-Wrappy-App), each once: for finding the launchers of apps no longer installed. */
GPtrArray *wrappy_export_list_owners (void);

/* The `wrappy` front binary for Exec= lines: next to the running binary in a build
 * tree, else the installed one. */
char *wrappy_export_front_path (void);

/* Pure: the contents of one exported .desktop file, from the app's original. Exec (in
 * every group) becomes `WRAPPY_PATH run --command=BINARY APP_ID -- ARGS…` with field
 * codes kept; TryExec and DBusActivatable go; an Icon that is a path becomes the app ID;
 * X-Wrappy-App=APP_ID is added. WRAPPY_ERROR_INVALID_DATA when data is not a valid
 * desktop file. */
char *wrappy_export_rewrite_desktop (const char *app_id, const char *data, gsize len,
                                     const char *wrappy_path, GError **error);

/* Whether name (a file name, no directory) belongs to app_id: its stem (the name without
 * the extension) is app_id or starts with "app_id." or "app_id-". */
gboolean wrappy_export_name_matches (const char *app_id, const char *name, const char *ext);

G_END_DECLS
