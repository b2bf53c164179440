/* One handler per subcommand, and the command table that describes them all. Each
 * handler parses its options with wrappy_parse_options (cmd, …) and on failure returns
 * FALSE with error set; only main.c prints it. exit_code lets `run` pass the app's own
 * status through (it starts at 0). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _WrappyCommand WrappyCommand;

typedef gboolean (*WrappyBuiltinFunc) (const WrappyCommand *cmd, int argc, char **argv,
                                       int *exit_code, GError **error);

/* What a command's operands are: what the shell completions offer for them. */
typedef enum
{
  WRAPPY_OPERAND_NONE,    /* no operands */
  WRAPPY_OPERAND_TEXT,    /* words the shell cannot guess (a query, a name) */
  WRAPPY_OPERAND_FILE,    /* files */
  WRAPPY_OPERAND_APP,     /* installed app IDs */
  WRAPPY_OPERAND_REMOTE,  /* configured remote names */
  WRAPPY_OPERAND_COMMAND, /* wrappy's commands (help) */
} WrappyOperand;

typedef enum
{
  WRAPPY_COMMAND_NONE = 0,
  /* Options stop at the first operand: what follows belongs to the app (run). */
  WRAPPY_COMMAND_OPTIONS_FIRST = 1 << 0,
} WrappyCommandFlags;

/* The one description of the command line: usage lines, `wrappy help`, the man page and
 * the shell completions are all made from it (see data/meson.build). */
struct _WrappyCommand
{
  const char *name;
  const char *params;          /* N_(): what follows the options in the usage line */
  const char *summary;         /* N_(): one line, no full stop; NULL for a hidden command */
  const char *description;     /* N_(): more, or NULL */
  const GOptionEntry *entries; /* the command's own options, or NULL */
  WrappyBuiltinFunc fn;
  WrappyOperand operand;
  WrappyCommandFlags flags;
  const WrappyCommand *subcommands; /* NULL-terminated, or NULL */
};

/* The table, NULL-terminated: defined by main.c, which is built twice (`wrappy` and
 * wrappy-backend). In `wrappy` the commands it execs wrappy-backend for have no handler
 * and no options there (it links only what `run` needs). */
extern const WrappyCommand wrappy_commands[];

/* wrappy's own options, accepted before the command and by every command. */
extern const GOptionEntry wrappy_global_options[];

#define WRAPPY_BUILTIN(name)                                                                       \
  gboolean wrappy_builtin_##name (const WrappyCommand *cmd, int argc, char **argv, int *exit_code, \
                                  GError **error)

WRAPPY_BUILTIN (remote);
WRAPPY_BUILTIN (remote_add);
WRAPPY_BUILTIN (remote_list);
WRAPPY_BUILTIN (remote_remove);
WRAPPY_BUILTIN (search);
WRAPPY_BUILTIN (search_refresh);
WRAPPY_BUILTIN (unpack_image);
WRAPPY_BUILTIN (search_live);
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
WRAPPY_BUILTIN (override);
WRAPPY_BUILTIN (ps);
WRAPPY_BUILTIN (kill);
WRAPPY_BUILTIN (help);
WRAPPY_BUILTIN (complete);
WRAPPY_BUILTIN (dump_commands);

/* Each builtin's options, for the table. */
extern const GOptionEntry wrappy_remote_add_options[];
extern const GOptionEntry wrappy_search_options[];
extern const GOptionEntry wrappy_search_refresh_options[];
extern const GOptionEntry wrappy_install_options[];
extern const GOptionEntry wrappy_list_options[];
extern const GOptionEntry wrappy_run_options[];
extern const GOptionEntry wrappy_uninstall_options[];
extern const GOptionEntry wrappy_clean_options[];
extern const GOptionEntry wrappy_update_options[];
extern const GOptionEntry wrappy_snapshot_options[];
extern const GOptionEntry wrappy_rollback_options[];
extern const GOptionEntry wrappy_doctor_options[];
extern const GOptionEntry wrappy_gc_options[];
extern const GOptionEntry wrappy_override_options[];

/* Parses the command line of cmd (argv[0] is its name): its options and the global ones,
 * strictly. `--help` prints wrappy_command_help (cmd) and exits 0. */
gboolean wrappy_parse_options (const WrappyCommand *cmd, int *argc, char ***argv, GError **error);

/* "Usage: wrappy COMMAND [OPTION…] PARAMS", the summary and every option, translated. */
char *wrappy_command_help (const WrappyCommand *cmd);

/* The command called name in a NULL-terminated table (hidden ones too), or NULL. */
const WrappyCommand *wrappy_command_find (const WrappyCommand *table, const char *name);

/* "remote add" for a subcommand of remote, else the command's name. */
char *wrappy_command_full_name (const WrappyCommand *cmd);

/* `wrappy --help`: the usage line and every command that is not hidden. */
char *wrappy_commands_usage (void);

/* The error for an unknown command name in table (of parent, NULL for wrappy's own),
 * with the closest name when one is close. */
void wrappy_command_unknown (const WrappyCommand *parent, const char *name, GError **error);

G_END_DECLS
