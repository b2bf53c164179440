/* One handler per subcommand. Each parses its own options with GOption, and on failure
 * returns FALSE with error set; only main.c prints it. exit_code lets `run` pass the
 * app's own status through (it starts at 0). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*WrappyBuiltinFunc) (int argc, char **argv, int *exit_code, GError **error);

#define WRAPPY_BUILTIN(name)                                                                       \
  gboolean wrappy_builtin_##name (int argc, char **argv, int *exit_code, GError **error)

WRAPPY_BUILTIN (remote);
WRAPPY_BUILTIN (search);
WRAPPY_BUILTIN (search_refresh);
WRAPPY_BUILTIN (search_snap);
WRAPPY_BUILTIN (install);
WRAPPY_BUILTIN (list);
WRAPPY_BUILTIN (info);
WRAPPY_BUILTIN (run);
WRAPPY_BUILTIN (enter);
WRAPPY_BUILTIN (uninstall);
WRAPPY_BUILTIN (clean);
WRAPPY_BUILTIN (update);
WRAPPY_BUILTIN (snapshot);
WRAPPY_BUILTIN (snapshots);
WRAPPY_BUILTIN (rollback);
WRAPPY_BUILTIN (doctor);
WRAPPY_BUILTIN (gc);
WRAPPY_BUILTIN (repair);

/* Shared by the builtins: a GOptionContext with the command's summary, parsed strictly. */
gboolean wrappy_parse_options (GOptionContext *context, const GOptionEntry *entries, int *argc,
                               char ***argv, GError **error);

G_END_DECLS
