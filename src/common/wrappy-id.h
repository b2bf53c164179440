/* Validation of app IDs, branches and refs, the way Flatpak validates them.
 * Every ID that reaches a path (state dir, manifest, export) goes through here first. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WRAPPY_ID_MAX 255

gboolean wrappy_validate_app_id (const char *id, GError **error);
gboolean wrappy_validate_branch (const char *branch, GError **error);
gboolean wrappy_validate_arch (const char *arch, GError **error);

/* Host programs (`wrappy run --host PROGRAM`) keep their state under this directory of
 * $XDG_STATE_HOME/wrappy, as "host/NAME": "host" has one element, so it is never a valid
 * app ID and a host program's state can never be an app's. */
#define WRAPPY_HOST_STATE_DIR "host"

/* A host program's state name (its basename, or --name): one path element of ASCII
 * letters, digits, '_', '-', '+' and '.', not starting with '.' or '-'. */
gboolean wrappy_validate_host_name (const char *name, GError **error);

/* "ID" or "ID//BRANCH"; branch_out is NULL when none was given. */
gboolean wrappy_parse_app_spec (const char *spec, char **id_out, char **branch_out, GError **error);

/* A full ref "app/ID/ARCH/BRANCH" or "runtime/ID/ARCH/BRANCH". Outputs may be NULL. */
gboolean wrappy_parse_ref (const char *ref, char **kind_out, char **id_out, char **arch_out,
                           char **branch_out, GError **error);

/* A ref the store can hold: a Flatpak ref as above, or a layer imported by an adapter:
 * "appimage/ID/ARCH/SHA256" (ID validated as an app ID) or "snap/NAME/ARCH/REVISION"
 * (NAME one safe path element; the snap adapter applies snapd's stricter rule). */
gboolean wrappy_parse_layer_ref (const char *ref, char **kind_out, char **id_out, char **arch_out,
                                 char **branch_out, GError **error);

/* The Flatpak arch name of this machine (x86_64, aarch64, …). */
const char *wrappy_default_arch (void);

G_END_DECLS
