/* Name, summary and version of an app from the AppStream file in its own layer. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads files/share/metainfo/ID.metainfo.xml (or the older appdata names) without
 * following symlinks. Missing or broken data leaves the outputs NULL: never an error. */
void wrappy_appdata_load (const char *files_dir, const char *app_id, char **name_out,
                          char **summary_out, char **version_out);

G_END_DECLS
