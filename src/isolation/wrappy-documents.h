/* File forwarding (flatpak run --file-forwarding): the files a launcher or the command
 * line hands an app, between "@@" (files) or "@@u" (URIs) and "@@", reach it as paths it
 * can open. A file the sandbox shows at its own path is passed unchanged; another one is
 * added to xdg-document-portal for the app and passed as /run/user/UID/doc/ID/NAME (the
 * portal's by-app/APPID dir is mounted there); where no document portal answers (no
 * portal, no FUSE), the file itself, never its directory, is bound at its own path. */
#pragma once

#include <glib.h>

#include "wrappy-launch-spec.h"
#include "wrappy-plan.h"

G_BEGIN_DECLS

/* The document portal's part, over D-Bus: set in wrappy-backend only (`wrappy` links GLib
 * alone, not GIO; a run with --file-forwarding is handed to wrappy-backend). Adds paths
 * for app_id (read and write), giving one document ID each and the portal's mount point
 * on the host. FALSE when no document portal answers. */
typedef gboolean (*WrappyDocumentsAddFunc) (const char *app_id, char **paths, char ***doc_ids,
                                            char **mount_point, GError **error);
extern WrappyDocumentsAddFunc wrappy_documents_add;

gboolean wrappy_documents_add_dbus (const char *app_id, char **paths, char ***doc_ids,
                                    char **mount_point, GError **error);

/* Whether argv holds the markers. */
gboolean wrappy_forward_has_markers (char **argv);

/* Rewrites spec->argv (markers out, files as the app sees them) and adds to spec what
 * shows them (the document mount, or binds of the files). plan is the sandbox as it
 * would be without them, to tell what it shows already. */
gboolean wrappy_forward_files (WrappyLaunchSpec *spec, const WrappyPlan *plan, uid_t uid,
                               GError **error);

/* What `wrappy doctor` says: "document portal" or "bind". */
const char *wrappy_forward_method (void);

G_END_DECLS
