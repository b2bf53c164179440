/* wrappy help [COMMAND [SUBCOMMAND]], and two hidden commands made from the same table:
 * `complete apps|remotes` (what the shell completions ask while the user types) and
 * `dump-commands` (the table as JSON, from which the build makes the man page and the
 * completion scripts: data/meson.build). */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "wrappy-builtins.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-manifest.h"
#include "wrappy-output.h"
#include "wrappy-remote.h"

WRAPPY_BUILTIN (help)
{
  const WrappyCommand *target;
  g_autofree char *text = NULL;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc > 3)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("usage: wrappy help [COMMAND]"));
      return FALSE;
    }
  if (argc == 1)
    {
      text = wrappy_commands_usage ();
      fputs (text, stdout);
      return TRUE;
    }
  target = wrappy_command_find (wrappy_commands, argv[1]);
  if (target == NULL || target->summary == NULL)
    {
      wrappy_command_unknown (NULL, argv[1], error);
      return FALSE;
    }
  if (argc == 3)
    {
      const WrappyCommand *sub = wrappy_command_find (target->subcommands, argv[2]);

      if (target->subcommands == NULL)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                       _ ("'%s' has no subcommands; see 'wrappy help %s'"), target->name,
                       target->name);
          return FALSE;
        }
      if (sub == NULL || sub->summary == NULL)
        {
          wrappy_command_unknown (target, argv[2], error);
          return FALSE;
        }
      target = sub;
    }
  text = wrappy_command_help (target);
  fputs (text, stdout);
  return TRUE;
}

WRAPPY_BUILTIN (complete)
{
  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  /* Completion must never print errors into the user's command line: nothing on failure. */
  if (argc == 2 && strcmp (argv[1], "apps") == 0)
    {
      g_auto (GStrv) ids = wrappy_manifest_installed_ids ();
      for (char **id = ids; *id != NULL; id++)
        printf ("%s\n", *id);
      return TRUE;
    }
  if (argc == 2 && strcmp (argv[1], "remotes") == 0)
    {
      g_autoptr (GPtrArray) remotes = wrappy_remote_list (NULL);
      for (guint i = 0; remotes != NULL && i < remotes->len; i++)
        printf ("%s\n", ((WrappyRemote *)remotes->pdata[i])->name);
      return TRUE;
    }
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("usage: wrappy complete apps|remotes"));
  return FALSE;
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_options (JsonBuilder *b, const GOptionEntry *entries)
{
  json_builder_set_member_name (b, "options");
  json_builder_begin_array (b);
  for (const GOptionEntry *e = entries; e != NULL && e->long_name != NULL; e++)
    {
      char short_name[2] = { e->short_name, '\0' };
      gboolean takes_arg = e->arg != G_OPTION_ARG_NONE;

      if (e->flags & G_OPTION_FLAG_HIDDEN)
        continue;
      json_builder_begin_object (b);
      add_string (b, "long", e->long_name);
      add_string (b, "short", e->short_name ? short_name : NULL);
      add_string (b, "arg", takes_arg ? (e->arg_description ? e->arg_description : "VALUE") : NULL);
      json_builder_set_member_name (b, "file");
      json_builder_add_boolean_value (b, e->arg == G_OPTION_ARG_FILENAME
                                             || e->arg == G_OPTION_ARG_FILENAME_ARRAY);
      json_builder_set_member_name (b, "repeatable");
      json_builder_add_boolean_value (b, e->arg == G_OPTION_ARG_STRING_ARRAY
                                             || e->arg == G_OPTION_ARG_FILENAME_ARRAY);
      add_string (b, "description", e->description);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static const char *
operand_name (WrappyOperand operand)
{
  static const char *const names[] = {
    [WRAPPY_OPERAND_NONE] = "none",     [WRAPPY_OPERAND_TEXT] = "text",
    [WRAPPY_OPERAND_FILE] = "file",     [WRAPPY_OPERAND_APP] = "app",
    [WRAPPY_OPERAND_REMOTE] = "remote", [WRAPPY_OPERAND_COMMAND] = "command",
  };
  return names[operand];
}

static void
add_commands (JsonBuilder *b, const WrappyCommand *table)
{
  json_builder_begin_array (b);
  for (const WrappyCommand *c = table; c->name != NULL; c++)
    {
      if (c->summary == NULL)
        continue;
      json_builder_begin_object (b);
      add_string (b, "name", c->name);
      add_string (b, "params", c->params);
      add_string (b, "summary", c->summary);
      add_string (b, "description", c->description);
      add_string (b, "operand", operand_name (c->operand));
      json_builder_set_member_name (b, "options_first");
      json_builder_add_boolean_value (b, (c->flags & WRAPPY_COMMAND_OPTIONS_FIRST) != 0);
      add_options (b, c->entries);
      json_builder_set_member_name (b, "subcommands");
      if (c->subcommands != NULL)
        add_commands (b, c->subcommands);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* Untranslated: the build makes the English man page from it. */
WRAPPY_BUILTIN (dump_commands)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  json_builder_begin_object (b);
  add_string (b, "version", PACKAGE_VERSION);
  json_builder_set_member_name (b, "global");
  json_builder_begin_object (b);
  add_options (b, wrappy_global_options);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "commands");
  add_commands (b, wrappy_commands);
  json_builder_end_object (b);
  wrappy_print_json (b);
  return TRUE;
}
