/* wrappy: install Flathub apps, AppImages and snaps as one per-user layout and run them
 * in a rootless sandbox. This file is the command table and the one place that prints
 * an error. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-builtins.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"

typedef struct
{
  const char *name;
  const char *summary;
  WrappyBuiltinFunc fn;
} WrappyCommand;

/* The `wrappy` binary itself links only what starting an app needs (GLib alone); every
 * other command (libostree, libflatpak, libcurl, libappstream, GIO, json-glib: some 75
 * shared libraries, ~30 ms of dynamic loading) lives in wrappy-backend, built from this
 * same file, which `wrappy` execs for them. */
#ifdef WRAPPY_FRONTEND
#define STORE_CMD(fn) NULL
#else
#define STORE_CMD(fn) fn
#endif

static const WrappyCommand commands[] = {
  { "remote", N_ ("Add, list or remove Flatpak remotes"), STORE_CMD (wrappy_builtin_remote) },
  { "search", N_ ("Search Flathub, the AppImage catalog and the Snap Store"),
    wrappy_builtin_search },
  { "install", N_ ("Install an app from Flathub, a .flatpakref or a .flatpak bundle"),
    STORE_CMD (wrappy_builtin_install) },
  { "list", N_ ("List installed apps (or runtimes)"), STORE_CMD (wrappy_builtin_list) },
  { "info", N_ ("Show an installed app and the layers it uses"), STORE_CMD (wrappy_builtin_info) },
  { "run", N_ ("Run an installed app in its sandbox"), wrappy_builtin_run },
  { "enter", N_ ("Start an interactive shell in an app's sandbox"), wrappy_builtin_enter },
  { "uninstall", N_ ("Remove an installed app (its data stays unless asked)"),
    STORE_CMD (wrappy_builtin_uninstall) },
  { "gc", N_ ("Remove layers and stored content that no app uses"), STORE_CMD (wrappy_builtin_gc) },
  { "clean", N_ ("Delete apps' private data and writable layers"),
    STORE_CMD (wrappy_builtin_clean) },
  { "update", N_ ("Update installed apps to their newest version"),
    STORE_CMD (wrappy_builtin_update) },
  { "snapshot", N_ ("Keep a copy of an app's data and version"),
    STORE_CMD (wrappy_builtin_snapshot) },
  { "snapshots", N_ ("List an app's snapshots"), STORE_CMD (wrappy_builtin_snapshots) },
  { "rollback", N_ ("Put an app's data and version back as a snapshot kept them"),
    STORE_CMD (wrappy_builtin_rollback) },
  { "doctor", N_ ("Check what this host supports and what each isolation level can apply"),
    STORE_CMD (wrappy_builtin_doctor) },
  { "repair", N_ ("Repair the store (the same as 'wrappy doctor --fix')"),
    STORE_CMD (wrappy_builtin_repair) },
  /* Hidden: the parts of `search` that need the network, run by it as child processes. */
  { "search-refresh", NULL, STORE_CMD (wrappy_builtin_search_refresh) },
  { "search-snap", NULL, STORE_CMD (wrappy_builtin_search_snap) },
  { NULL },
};

static void
usage (FILE *out)
{
  fprintf (out, _ ("Usage: wrappy [--verbose] [--json] COMMAND [OPTIONS] [ARGS]\n\nCommands:\n"));
  for (const WrappyCommand *c = commands; c->name != NULL; c++)
    if (c->summary != NULL)
      fprintf (out, "  %-12s %s\n", c->name, _ (c->summary));
  fprintf (out, _ ("\nRun 'wrappy COMMAND --help' for a command's options.\n"));
}

#ifdef WRAPPY_FRONTEND
static int
exec_backend (char **argv)
{
  g_autofree char *path = wrappy_backend_path ();

  execv (path, argv);
  fprintf (stderr, _ ("error: cannot run %s: %s; reinstall wrappy\n"), path, g_strerror (errno));
  return 1;
}
#endif

static int
report (GError *error)
{
  g_autofree char *msg = NULL;
  char *nl;

  /* One line on stderr, whatever the layers below said. */
  msg = g_strdup (error->message);
  while ((nl = strchr (msg, '\n')) != NULL)
    *nl = ' ';
  fprintf (stderr, "%s %s\n", _ ("error:"), msg);
  if (g_error_matches (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE)
      || g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION)
      || g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE)
      || g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED))
    return 2;
  return 1;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  const WrappyCommand *cmd = NULL;
  int i, exit_code = 0;

#ifdef WRAPPY_FRONTEND
  /* `run` prints only messages: the character set and the translations are all it needs
   * of the locale. Every category is a file to load where the locale is not in the
   * locale archive (C.UTF-8 on Debian: about a dozen opens); wrappy-backend takes all. */
  setlocale (LC_CTYPE, "");
  setlocale (LC_MESSAGES, "");
#else
  setlocale (LC_ALL, "");
#endif
  bindtextdomain (GETTEXT_PACKAGE,
                  g_getenv ("WRAPPY_LOCALEDIR") ? g_getenv ("WRAPPY_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("wrappy");

  /* Global options come before the command; the command's own come after it. */
  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      if (strcmp (argv[i], "--verbose") == 0 || strcmp (argv[i], "-v") == 0)
        wrappy_output_set_verbose (TRUE);
      else if (strcmp (argv[i], "--json") == 0)
        wrappy_output_set_json (TRUE);
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          usage (stdout);
          return 0;
        }
      else if (strcmp (argv[i], "--version") == 0)
        {
          printf ("wrappy %s\n", PACKAGE_VERSION);
          return 0;
        }
      else
        {
          fprintf (stderr, _ ("error: unknown option %s\n"), argv[i]);
          usage (stderr);
          return 2;
        }
    }
  if (i >= argc)
    {
      usage (stderr);
      return 2;
    }

  for (const WrappyCommand *c = commands; c->name != NULL; c++)
    if (strcmp (c->name, argv[i]) == 0)
      cmd = c;
  if (cmd == NULL)
    {
      fprintf (stderr, _ ("error: unknown command '%s'; see 'wrappy --help'\n"), argv[i]);
      return 2;
    }

#ifdef WRAPPY_FRONTEND
  if (cmd->fn == NULL)
    return exec_backend (argv);
#endif

  /* Commands after the first also accept --json/--verbose (e.g. `wrappy list --json`). */
  if (!cmd->fn (argc - i, argv + i, &exit_code, &error))
    return report (error);
  return exit_code;
}
