/* The command table's side of option parsing and help: every usage line and `--help`
 * text is made here from wrappy_commands, so that they name the command and list every
 * option it has. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "wrappy-builtins.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"
#include "wrappy-suggest.h"

static gboolean opt_json, opt_verbose;

const GOptionEntry wrappy_global_options[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_ ("Print JSON for scripts"), NULL },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, N_ ("Say more about what happens"), NULL },
  { NULL },
};

const WrappyCommand *
wrappy_command_find (const WrappyCommand *table, const char *name)
{
  for (const WrappyCommand *c = table; c != NULL && c->name != NULL; c++)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

char *
wrappy_command_full_name (const WrappyCommand *cmd)
{
  for (const WrappyCommand *c = wrappy_commands; c->name != NULL; c++)
    for (const WrappyCommand *s = c->subcommands; s != NULL && s->name != NULL; s++)
      if (s == cmd)
        return g_strconcat (c->name, " ", s->name, NULL);
  return g_strdup (cmd->name);
}

static char *
subcommands_text (const WrappyCommand *cmd)
{
  GString *s = g_string_new (_ ("Commands:"));

  g_string_append_c (s, '\n');
  for (const WrappyCommand *c = cmd->subcommands; c->name != NULL; c++)
    if (c->summary != NULL)
      g_string_append_printf (s, "  %-12s %s\n", c->name, _ (c->summary));
  if (cmd->description != NULL)
    g_string_append_printf (s, "\n%s\n", _ (cmd->description));
  return g_string_free (s, FALSE);
}

/* GOption names the program in its usage line: "wrappy install [OPTION…] …". */
static GOptionContext *
command_context_new (const WrappyCommand *cmd)
{
  g_autofree char *name = wrappy_command_full_name (cmd);
  g_autofree char *prgname = g_strconcat ("wrappy ", name, NULL);
  GOptionContext *context = g_option_context_new (cmd->params ? _ (cmd->params) : NULL);

  g_set_prgname (prgname);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (cmd->summary != NULL)
    g_option_context_set_summary (context, _ (cmd->summary));
  if (cmd->subcommands != NULL)
    {
      g_autofree char *text = subcommands_text (cmd);
      g_option_context_set_description (context, text);
    }
  else if (cmd->description != NULL)
    g_option_context_set_description (context, _ (cmd->description));
  if (cmd->entries != NULL)
    g_option_context_add_main_entries (context, cmd->entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, wrappy_global_options, GETTEXT_PACKAGE);
  /* Stop at the ID: "wrappy run ID --isolation=none" passes the option to the app. */
  g_option_context_set_strict_posix (context, (cmd->flags & WRAPPY_COMMAND_OPTIONS_FIRST) != 0);
  return context;
}

char *
wrappy_command_help (const WrappyCommand *cmd)
{
  g_autoptr (GOptionContext) context = command_context_new (cmd);
  char *help = g_option_context_get_help (context, TRUE, NULL);

  g_set_prgname ("wrappy");
  return help;
}

gboolean
wrappy_parse_options (const WrappyCommand *cmd, int *argc, char ***argv, GError **error)
{
  g_autoptr (GOptionContext) context = command_context_new (cmd);
  gboolean ok = g_option_context_parse (context, argc, argv, error);

  g_set_prgname ("wrappy");
  if (!ok)
    return FALSE;
  /* GOption leaves a "--" in place; `wrappy info -- -odd.name` means the operand. */
  if (*argc >= 2 && strcmp ((*argv)[1], "--") == 0)
    {
      memmove (*argv + 1, *argv + 2, (*argc - 1) * sizeof (char *));
      (*argc)--;
    }
  if (opt_json)
    wrappy_output_set_json (TRUE);
  if (opt_verbose)
    wrappy_output_set_verbose (TRUE);
  return TRUE;
}

char *
wrappy_commands_usage (void)
{
  GString *s = g_string_new (NULL);

  g_string_append (s, _ ("Usage: wrappy [--verbose] [--json] COMMAND [OPTIONS] [ARGS]\n\n"
                         "Commands:\n"));
  for (const WrappyCommand *c = wrappy_commands; c->name != NULL; c++)
    if (c->summary != NULL)
      g_string_append_printf (s, "  %-12s %s\n", c->name, _ (c->summary));
  g_string_append (s, _ ("\nRun 'wrappy help COMMAND' or 'wrappy COMMAND --help' for a command's "
                         "options, and 'man wrappy' for more.\n"));
  return g_string_free (s, FALSE);
}

void
wrappy_command_unknown (const WrappyCommand *parent, const char *name, GError **error)
{
  const WrappyCommand *table = parent ? parent->subcommands : wrappy_commands;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  const char *guess;

  /* Hidden commands are never offered. */
  for (const WrappyCommand *c = table; c->name != NULL; c++)
    if (c->summary != NULL)
      g_ptr_array_add (names, (char *)c->name);
  g_ptr_array_add (names, NULL);
  guess = wrappy_suggest (name, (const char *const *)names->pdata);
  if (parent != NULL && guess != NULL)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                 _ ("unknown command '%s %s'; did you mean '%s %s'?"), parent->name, name,
                 parent->name, guess);
  else if (parent != NULL)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                 _ ("unknown command '%s %s'; see 'wrappy help %s'"), parent->name, name,
                 parent->name);
  else if (guess != NULL)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                 _ ("unknown command '%s'; did you mean '%s'?"), name, guess);
  else
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                 _ ("unknown command '%s'; see 'wrappy help'"), name);
}
