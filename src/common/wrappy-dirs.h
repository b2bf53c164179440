/* Where wrappy keeps things (SPEC.md, "Where things live"). All per user, from XDG. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *wrappy_dirs_data (void);         /* $XDG_DATA_HOME/wrappy */
const char *wrappy_dirs_state (void);        /* $XDG_STATE_HOME/wrappy */
const char *wrappy_dirs_config (void);       /* $XDG_CONFIG_HOME/wrappy */
const char *wrappy_dirs_cache (void);        /* $XDG_CACHE_HOME/wrappy */
const char *wrappy_dirs_applications (void); /* $XDG_DATA_HOME/applications */
const char *wrappy_dirs_icons (void);        /* $XDG_DATA_HOME/icons/hicolor */

/* The per-app state directory, $XDG_STATE_HOME/wrappy/ID (not created). */
char *wrappy_dirs_app_state (const char *app_id);

/* mkdir -p with mode 0700 for wrappy's own private directories. */
gboolean wrappy_dirs_ensure (const char *path, GError **error);

/* wrappy-backend: next to the running binary (a build tree), else the installed one. */
char *wrappy_backend_path (void);

/* Forget cached values (tests change XDG_* between cases). */
void wrappy_dirs_reset (void);

G_END_DECLS
