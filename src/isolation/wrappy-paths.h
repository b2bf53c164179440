/* Path-pattern config files: host paths to show inside the sandbox, one pattern a
 * line, in $XDG_CONFIG_HOME/wrappy/paths.conf (every app) and apps/ID.paths (one app).
 *
 *   # comment
 *   [socket=wayland]                  lines below apply only with that permission
 *   ${XDG_RUNTIME_DIR}/wayland-[0-9]+ ${VAR} from the caller's environment; a component
 *                                     with a regex metacharacter is a regular expression
 *                                     matching a whole file name, others are literal
 *   rw ~/Projects                     read-write (the default is read-only)
 *
 * Parsing is pure (text and environment in, rules out); matching walks the host's
 * filesystem, listing only the directories a regex component needs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *literal; /* a file name, or NULL when re is set */
  GRegex *re;    /* anchored at both ends */
} WrappyPathComponent;

typedef struct
{
  char *file; /* where the rule was read, for messages */
  guint line;
  char *when_key; /* "socket", "device", "shared", or NULL: every app */
  char *when_value;
  gboolean rw;
  GPtrArray *components; /* WrappyPathComponent*, from / down */
} WrappyPathRule;

typedef struct
{
  GPtrArray *rules; /* WrappyPathRule* */
  GPtrArray *notes; /* char*: skipped lines, said under --verbose */
} WrappyPaths;

WrappyPaths *wrappy_paths_new (void);
void wrappy_paths_free (WrappyPaths *paths);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyPaths, wrappy_paths_free)

/* The text of a default paths.conf, written on first use. */
const char *wrappy_paths_default_text (void);

/* Adds the rules in text (named file in messages); env is the caller's environment.
 * A bad line fails with "FILE:LINE: …"; a line whose variable is unset is a note. */
gboolean wrappy_paths_parse (WrappyPaths *paths, const char *file, const char *text, char **env,
                             GError **error);

/* Reads config_dir/paths.conf (writing the default first when it is missing) and
 * config_dir/apps/APP_ID.paths when it exists. */
gboolean wrappy_paths_load (WrappyPaths *paths, const char *config_dir, const char *app_id,
                            char **env, GError **error);

/* Whether the rule applies to an app with these permissions. */
gboolean wrappy_path_rule_applies (const WrappyPathRule *rule, char **sockets, char **devices,
                                   char **shared);

/* The host paths the rule matches, sorted; a regex component never matches a symlink. */
char **wrappy_path_rule_match (const WrappyPathRule *rule);

/* WrappyBind* for every path an applicable rule matches: at the same path, except that
 * what is under host_run_dir appears under sandbox_run_dir. */
void wrappy_paths_add_binds (const WrappyPaths *paths, GPtrArray *binds, char **sockets,
                             char **devices, char **shared, const char *host_run_dir,
                             const char *sandbox_run_dir);

G_END_DECLS
