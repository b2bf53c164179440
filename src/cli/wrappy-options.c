#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "wrappy-builtins.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"

static gboolean opt_json, opt_verbose;

static GOptionEntry global_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_ ("Print JSON for scripts"), NULL },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, N_ ("Say more about what happens"), NULL },
  { NULL },
};

gboolean
wrappy_parse_options (GOptionContext *context, const GOptionEntry *entries, int *argc, char ***argv,
                      GError **error)
{
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, error))
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
